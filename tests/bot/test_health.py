"""Operations: ``/healthz`` tells how long ago this process last swept for overdue steps, and each
sweep that queued notices leaves one INFO line while quiet sweeps stay at DEBUG."""

import asyncio
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import last_sweep
from bot.web import health_app
from tests.bot.conftest import running_bot
from tests.conftest import Clock
from tests.driving import drive_to, open_ldk
from workflow.service.identity import IdentityService
from workflow.service.operations import Operations


@pytest.fixture
def clock():
    """Two hours ago: the cases opened here are overdue for the bot's real-time sweep."""
    return Clock(datetime.now(UTC) - timedelta(hours=2))


async def eventually(predicate, timeout: float = 10.0):
    """Wait until ``predicate()`` is truthy (for state of the bot itself, not of the Bot API server)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := predicate()):
        if loop.time() > deadline:
            raise TimeoutError(f"{predicate} still false after {timeout} s")
        await asyncio.sleep(0.05)
    return result


def linked_before_start(server, sessions, key: str, telegram_id: int, name: str):
    """An official linked before the bot starts, so that its first sweep's notices reach them."""
    identity = IdentityService(sessions)
    user = server.user(telegram_id, name, started=True)
    identity.redeem(identity.invite(key, "adm", timedelta(hours=1)), telegram_id)
    return user


async def healthz(operations: Operations) -> dict:
    async with TestClient(TestServer(health_app(operations))) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        return await response.json()


def test_healthz_reports_the_age_of_the_last_sweep_and_one_info_line_per_notice_it_queued(
    server, office, caplog
):
    cases, sessions, settings = office
    drive_to(cases, open_ldk(cases), 3)  # step 3 (Kasi, 10 minutes) opened two hours ago
    kasi = linked_before_start(server, sessions, "kasi1", 1003, "Dewi")
    caplog.set_level(logging.INFO, logger="workflow.cases")
    caplog.set_level(logging.DEBUG, logger="bot.app")  # last: it sets the capturing handler's level

    async def scenario():
        async with running_bot(settings, sweep_interval=0.2) as app:
            operations = Operations(sessions, last_sweep=lambda: last_sweep(app))
            await kasi.wait_for_message_async(contains="Pengingat", timeout=15)
            quiet = lambda: [r for r in caplog.records if r.getMessage().startswith("SLA sweep: nothing due")]  # noqa: E731
            await eventually(lambda: len(quiet()) >= 2)  # two more sweeps, however slow the machine
            return await healthz(operations)

    report = asyncio.run(scenario())

    assert 0 <= report["sla_sweep_age_seconds"] < 2
    sweeps = [r for r in caplog.records if r.name == "bot.app" and r.message.startswith("SLA sweep")]
    busy = [r.message for r in sweeps if "queued" in r.message]
    assert len(busy) == 1 and re.fullmatch(r"SLA sweep: 6 notices queued in \d+ ms", busy[0])
    quiet = [r for r in sweeps if "nothing due" in r.message]
    assert len(quiet) >= 2 and all(r.levelno == logging.DEBUG for r in sweeps)
    notices = [r.message for r in caplog.records if r.levelno == logging.INFO and r.name == "workflow.cases"]
    assert len(notices) == 6 and all(" reminded by sla " in m or " escalated by sla " in m for m in notices)


def test_healthz_reports_no_sweep_age_while_the_sweep_is_off(server, office):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings, sweep_interval=None) as app:
            return await healthz(Operations(sessions, last_sweep=lambda: last_sweep(app)))

    report = asyncio.run(scenario())

    assert report["status"] == "ok" and report["sla_sweep_age_seconds"] is None


def test_the_sweep_age_counts_from_the_last_finished_sweep(services):
    _, sessions = services
    clock = Clock(datetime(2026, 11, 24, 2, 0, 30, tzinfo=UTC))
    finished: list[datetime] = []
    operations = Operations(sessions, clock, last_sweep=lambda: finished[-1] if finished else None)

    before = operations.health()["sla_sweep_age_seconds"]
    finished.append(datetime(2026, 11, 24, 2, 0, 17, 500000, tzinfo=UTC))

    assert before is None
    assert operations.health()["sla_sweep_age_seconds"] == 12.5
