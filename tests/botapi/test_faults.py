"""Injected faults: a 502, a call that never answers, and a lost answer after the effect."""

import time

import httpx
import pytest

from botapi import BotApiServer


def test_the_next_call_fails_then_the_server_answers_again(api, server):
    server.user(1001, started=True)
    server.fail("sendMessage")

    failed = api("sendMessage", chat_id=1001, text="halo")
    other = api("getMe")
    retried = api("sendMessage", chat_id=1001, text="halo")

    assert failed == (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    assert other[0] == 200
    assert retried[0] == 200
    assert len(server.user(1001).messages) == 1


def test_an_applied_fault_sends_the_message_but_loses_the_answer(api, server):
    andi = server.user(1001, started=True)
    server.fail("sendMessage", applied=True)

    status, _ = api("sendMessage", chat_id=1001, text="halo")

    assert status == 502
    assert [m.text for m in andi.messages] == ["halo"]


def test_a_hung_call_times_out_the_client_and_the_next_one_is_answered(server):
    server.hang("getMe")
    url = f"{server.api_url}{server.token}/getMe"

    with pytest.raises(httpx.ReadTimeout):
        httpx.post(url, timeout=0.3)
    answered = httpx.post(url, timeout=5)

    assert answered.status_code == 200
    assert [r.status for r in server.requests] == [None, 200]


def test_a_fault_window_fails_every_call_until_it_ends(clock):
    with BotApiServer(clock=clock) as server, httpx.Client(timeout=10) as http:
        get_me = lambda: http.post(f"{server.api_url}{server.token}/getMe").status_code  # noqa: E731
        server.fail(seconds=0.5, status=500)

        during = get_me()
        clock.advance(0.375)
        last = get_me()  # the window still holds shortly before its end
        clock.advance(0.125)  # binary fractions: exactly at the end, no rounding
        after = get_me()

    assert (during, last, after) == (500, 500, 200)


def test_stopping_the_server_releases_a_hung_call(server):
    server.hang("getMe")
    with httpx.Client(timeout=0.2) as http, pytest.raises(httpx.ReadTimeout):
        http.post(f"{server.api_url}{server.token}/getMe")
    started = time.monotonic()

    server.stop()

    assert time.monotonic() - started < 3
