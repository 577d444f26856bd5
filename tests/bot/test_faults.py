"""Faults, end to end: the real `disposisi run` process against the project's Bot API server."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from botapi import BotApiServer
from tests.bot.conftest import TOKEN
from tests.conftest import TEST_AUDIT_KEY, letter
from workflow.db.models import OutboxRow, StepRow
from workflow.service.identity import IdentityService

pytestmark = pytest.mark.slow


class BotProcess:
    """``python -m bot run`` in a child process, its log in a file."""

    def __init__(self, env: dict, log: Path) -> None:
        self.env, self.log = env, log

    def start(self, server: BotApiServer) -> None:
        self._out = self.log.open("ab")
        polls = server.store.poll_generation  # a long poll is logged only when it ends: count starts
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=self.env, stdout=self._out, stderr=subprocess.STDOUT
        )
        server.wait_for(lambda: server.store.poll_generation > polls, timeout=20)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._out.close()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=20) == 0
        self._out.close()


@pytest.fixture
def bot_process(office, server, tmp_path):
    _, _, settings = office
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "AUDIT_KEY": TEST_AUDIT_KEY.decode(),
        "SIGNING_KEY_FILE": str(settings.signing_key_file),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "HEALTH_PORT": "0",
        "LOG_LEVEL": "DEBUG",
        "PYTHONUNBUFFERED": "1",
    }
    process = BotProcess(env, tmp_path / "bot.log")
    yield process
    if getattr(process, "proc", None) is not None and process.proc.poll() is None:
        process.kill()


def link(server, sessions, key, telegram_id):
    user = server.user(telegram_id, key)
    user.send(f"/start {IdentityService(sessions).invite(key, 'adm', timedelta(hours=1))}")
    return user


#: The restarted bot takes over what the killed one held after this lease (OUTBOX_LEASE_SECONDS).
LEASE_SECONDS = 3


def hanging_send(server, chat_id: int) -> bool:
    """Whether a sendMessage to ``chat_id`` is hanging at the server now (no answer yet)."""
    return any(
        r.method == "sendMessage" and r.status is None and str(r.params.get("chat_id")) == str(chat_id)
        for r in server.requests
    )


def until(predicate, timeout: float) -> None:
    """Wait until ``predicate()`` holds (checked every 50 ms), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{predicate} still false after {timeout} s"
        time.sleep(0.05)


def outbox_settled(sessions) -> bool:
    """Every outbox row is sent (or skipped): nothing is left to deliver."""
    with sessions() as s:
        pending = s.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status.not_in(("sent", "skipped")))
        )
    return pending == 0


@pytest.mark.parametrize("applied", [False, True], ids=["never delivered", "delivered, unacknowledged"])
def test_sigkill_between_a_press_and_the_next_notification_loses_nothing_and_doubles_nothing(
    server, office, bot_process, applied
):
    """The bot is killed while Telegram holds the Kasubdit's step message unanswered, either never
    delivered or delivered with the answer lost. The restarted bot sends it once the killed bot's
    lease on the chat ends: the step arrives (lost before, it arrives only by that redelivery) and
    at most twice."""
    cases, sessions, _ = office
    bot_process.env["OUTBOX_LEASE_SECONDS"] = str(LEASE_SECONDS)
    bot_process.start(server)
    direktur, kasubdit = link(server, sessions, "dir", 1001), link(server, sessions, "ksd1", 1002)
    kasubdit.wait_for_message("Selamat datang", timeout=10)
    number = cases.open_case(letter(), "tu1").number
    step1 = direktur.wait_for_message("Langkah 1", timeout=10)
    direktur.press(step1, "Teruskan")
    picks = direktur.wait_for_edit(step1, timeout=10)
    direktur.press(picks, "Untuk diproses")
    people = direktur.wait_for_edit(picks, timeout=10)
    server.hang("sendMessage", times=1, applied=applied)

    direktur.press(people, "Kepada Budi Kasubdit")
    server.wait_for(lambda: hanging_send(server, 1002), timeout=10)
    bot_process.kill()
    server.clear_faults()
    delivered_before = [m for m in kasubdit.messages if "Langkah 2" in m.text]
    bot_process.start(server)
    arrived = kasubdit.wait_for_message("Langkah 2", timeout=LEASE_SECONDS + 15, since=0)
    until(lambda: outbox_settled(sessions), timeout=10)  # the row is marked sent: nothing more comes
    bot_process.stop()
    with sessions() as s:
        step2 = s.scalar(select(func.count()).select_from(StepRow).where(StepRow.step_no == 2))

    copies = [m for m in kasubdit.messages if "Langkah 2" in m.text]
    assert len(delivered_before) == (1 if applied else 0)
    assert arrived in copies
    assert step2 == 1  # the step moved once
    assert cases.view(number).case.current.assignee == "ksd1"
    assert len(copies) == (2 if applied else 1)  # never lost; the unacknowledged one sent once more
    assert TOKEN not in bot_process.log.read_text()


def test_502s_and_timeouts_for_a_while_then_everything_arrives_in_order(server, office, bot_process):
    cases, sessions, _ = office
    bot_process.start(server)
    direktur = link(server, sessions, "dir", 1001)
    direktur.wait_for_message("Selamat datang", timeout=10)
    outage = server.fail("sendMessage", times=None, seconds=3, status=502)

    numbers = [cases.open_case(letter(number=f"470/{n}"), "tu1").number for n in range(3)]
    server.wait_for(lambda: server.count("sendMessage", status=502), timeout=10)  # the bot met it
    time.sleep(max(0.0, outage.until - time.monotonic()))  # until the outage is over, not a guess
    server.hang("sendMessage", times=None, seconds=3)  # then no answer at all: the bot's calls time out
    numbers += [cases.open_case(letter(number=f"471/{n}"), "tu1").number for n in range(2)]
    arrived = [direktur.wait_for_message(number, timeout=60, since=0) for number in numbers]
    bot_process.stop()

    ids = [m.message_id for m in arrived]
    assert ids == sorted(ids)  # in the order the cases were opened
    assert server.count("sendMessage", status=502) >= 1
    assert any(
        r.method == "sendMessage" and r.status is None for r in server.requests
    )  # one was left hanging
    assert TOKEN not in bot_process.log.read_text()
    assert "DEBUG" in bot_process.log.read_text()
