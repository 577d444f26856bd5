"""Flood control per chat and overall, and injected faults, on a clock the tests move."""

import pytest

from botapi.limits import Faults, RateLimiter


def test_a_chat_gets_its_burst_then_waits_about_a_second(clock):
    limiter = RateLimiter(per_chat_rate=1.0, per_chat_burst=3, global_rate=None, clock=clock)

    allowed = [limiter.check(7) for _ in range(3)]
    refused = limiter.check(7)

    assert allowed == [None, None, None]
    assert refused == 1


def test_the_bucket_refills_with_time(clock):
    limiter = RateLimiter(per_chat_rate=1.0, per_chat_burst=1, global_rate=None, clock=clock)
    limiter.check(7)

    clock.advance(0.4)
    early = limiter.check(7)
    clock.advance(0.6)
    on_time = limiter.check(7)

    assert early == 1
    assert on_time is None


def test_retry_after_is_whole_seconds_rounded_up(clock):
    limiter = RateLimiter(per_chat_rate=0.25, per_chat_burst=1, global_rate=None, clock=clock)
    limiter.check(7)

    clock.advance(1.5)

    assert limiter.check(7) == 3


def test_chats_are_limited_separately(clock):
    limiter = RateLimiter(per_chat_rate=1.0, per_chat_burst=1, global_rate=None, clock=clock)
    limiter.check(7)

    assert limiter.check(8) is None
    assert limiter.check(7) == 1


def test_the_global_limit_spans_chats(clock):
    limiter = RateLimiter(per_chat_rate=None, global_rate=30.0, global_burst=30, clock=clock)

    results = [limiter.check(chat) for chat in range(31)]

    assert results[:30] == [None] * 30
    assert results[30] == 1


def test_a_refused_send_spends_nothing(clock):
    limiter = RateLimiter(per_chat_rate=1.0, per_chat_burst=1, global_rate=None, clock=clock)
    limiter.check(7)
    for _ in range(5):
        limiter.check(7)

    clock.advance(1.0)

    assert limiter.check(7) is None


def test_limits_can_be_turned_off(clock):
    limiter = RateLimiter(per_chat_rate=None, global_rate=None, clock=clock)

    assert all(limiter.check(7) is None for _ in range(1000))


def test_a_fault_takes_the_next_n_calls_of_its_method(clock):
    faults = Faults(clock)
    faults.add("fail", "sendMessage", times=2)

    taken = [faults.take("sendMessage"), faults.take("getUpdates"), faults.take("SENDMESSAGE")]
    after = faults.take("sendMessage")

    assert [f is not None for f in taken] == [True, False, True]
    assert after is None


def test_a_fault_without_a_method_takes_any_call(clock):
    faults = Faults(clock)
    faults.add("hang", times=1)

    fault = faults.take("getMe")

    assert fault is not None and fault.action == "hang"
    assert faults.take("getMe") is None


def test_a_timed_fault_lasts_for_its_window(clock):
    faults = Faults(clock)
    faults.add("fail", seconds=2.0, status=500)

    during = [faults.take("sendMessage") for _ in range(10)]
    clock.advance(2.0)
    after = faults.take("sendMessage")

    assert all(f is not None and f.status == 500 for f in during)
    assert after is None


def test_clearing_drops_pending_faults(clock):
    faults = Faults(clock)
    faults.add("fail", times=5)

    faults.clear()

    assert faults.take("getMe") is None


def test_a_fault_needs_a_count_or_a_window(clock):
    with pytest.raises(ValueError):
        Faults(clock).add("fail", times=None)
