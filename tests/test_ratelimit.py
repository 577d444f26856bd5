"""The bot's one rate limiter on a clock moved by hand: when each request may start."""

import asyncio

import pytest
from telegram.error import RetryAfter

from bot import ratelimit
from bot.ratelimit import NO_RETRY, SendLimiter

DIR, KASI = 1001, 1003


class FakeTime:
    """A monotonic clock that ``asyncio.sleep`` (as the limiter calls it) moves instead of waiting."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(ratelimit.asyncio, "sleep", fake.sleep)
    return fake


def starts(limiter: SendLimiter, clock: FakeTime, calls: list[tuple[str, int]]) -> list[float]:
    """The time each call (endpoint, chat) starts, made one after the other, from 0."""
    begun = clock.now
    times: list[float] = []

    async def callback() -> bool:
        times.append(round(clock.now - begun, 6))
        return True

    async def run() -> None:
        for endpoint, chat_id in calls:
            await limiter.process_request(callback, (), {}, endpoint, {"chat_id": chat_id}, None)

    asyncio.run(run())
    return times


def test_messages_to_many_chats_go_three_at_once_then_at_the_global_rate(clock):
    limiter = SendLimiter(global_rate=5, per_chat_rate=None, clock=clock)

    times = starts(limiter, clock, [("sendMessage", chat) for chat in range(6)])

    assert times == [0.0, 0.0, 0.0, 0.2, 0.4, 0.6]


def test_one_chat_gets_a_burst_of_two_then_one_message_a_second(clock):
    limiter = SendLimiter(global_rate=25, per_chat_rate=1.0, per_chat_burst=2, global_burst=1, clock=clock)

    times = starts(limiter, clock, [("sendMessage", DIR)] * 5 + [("sendMessage", KASI)])

    assert times == [0.0, 0.04, 1.0, 2.0, 3.0, 3.04]


def test_edits_count_towards_the_global_rate_only(clock):
    limiter = SendLimiter(global_rate=10, per_chat_rate=1.0, per_chat_burst=1, global_burst=1, clock=clock)

    times = starts(
        limiter, clock, [("sendMessage", DIR), ("editMessageText", DIR), ("editMessageReplyMarkup", DIR)]
    )

    assert times == [0.0, 0.1, 0.2]


def test_requests_without_a_chat_are_not_limited(clock):
    limiter = SendLimiter(global_rate=1, clock=clock)

    times = starts(limiter, clock, [("answerCallbackQuery", None)] * 3)

    assert times == [0.0, 0.0, 0.0]


def flooded(times: int, retry_after: int, clock: FakeTime, seen: list[float]):
    async def callback() -> bool:
        seen.append(clock.now)
        if len(seen) <= times:
            raise RetryAfter(retry_after)
        return True

    return callback


def test_a_429_holds_its_chat_back_for_retry_after_and_the_call_is_tried_again(clock):
    limiter = SendLimiter(global_rate=25, per_chat_rate=None, clock=clock)
    seen: list[float] = []

    result = asyncio.run(
        limiter.process_request(flooded(1, 3, clock, seen), (), {}, "sendMessage", {"chat_id": DIR}, None)
    )

    assert result is True
    assert seen[1] - seen[0] >= 3.0
    assert limiter.delay(KASI) < 0.1  # another chat is not held back


def test_a_call_that_asks_for_no_retry_gets_the_429_and_its_chat_stays_held(clock):
    limiter = SendLimiter(global_rate=25, per_chat_rate=None, clock=clock)
    seen: list[float] = []

    with pytest.raises(RetryAfter):
        asyncio.run(
            limiter.process_request(
                flooded(1, 3, clock, seen), (), {}, "sendMessage", {"chat_id": DIR}, NO_RETRY
            )
        )

    assert len(seen) == 1
    assert limiter.delay(DIR) == pytest.approx(3.0)
