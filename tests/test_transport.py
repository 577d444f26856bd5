"""What the transport makes of Telegram's answers, with a fake bot that answers as told."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.messages import Rendered
from bot.transport import Delivered, Refused, Retry, Transport, Unreachable

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


class FakeBot:
    """Answers each send with ``answer``: an exception to raise, else a message id."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.sent: list[str] = []

    async def send_message(self, chat_id, text, reply_markup=None):
        if isinstance(self.answer, Exception):
            raise self.answer
        self.sent.append(text)
        return type("Message", (), {"message_id": self.answer})()


def send(answer, attempts: int = 0):
    return asyncio.run(
        Transport(None, clock=lambda: NOW).send(FakeBot(answer), 1001, Rendered("hi"), attempts)
    )


def test_an_accepted_message_is_sent_with_its_id():
    assert send(77) == Delivered(77)


def test_a_429_is_tried_again_after_its_retry_after():
    assert send(RetryAfter(7)) == Retry(NOW + timedelta(seconds=7), "429")


@pytest.mark.parametrize(("attempts", "seconds"), [(0, 1), (1, 2), (3, 8), (20, 256)])
def test_a_network_error_or_a_5xx_is_tried_again_later_each_time(attempts, seconds):
    outcome = send(NetworkError("Bad Gateway"), attempts)

    assert outcome == Retry(NOW + timedelta(seconds=seconds), "Bad Gateway")
    assert send(TimedOut(), attempts).at == outcome.at


def test_a_blocked_official_is_unreachable():
    assert send(Forbidden("Forbidden: bot was blocked by the user")) == Unreachable(
        "Forbidden: bot was blocked by the user"
    )


@pytest.mark.parametrize("reason", ["Chat not found", "Can't parse entities: unclosed tag"])
def test_a_bad_request_is_refused_for_good(reason):
    assert send(BadRequest(reason)) == Refused(reason)
