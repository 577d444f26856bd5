"""Several replicas of the bot on one database: each reminder stored once and each outbox row sent
once, every chat in order, through Telegram's flood control; a crashed replica's chats taken over."""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.app import build_application, running
from tests.bot.conftest import bot_settings, running_bot
from tests.conftest import TEST_AUDIT_KEY, Clock, build_services, letter
from tests.driving import audit_rows, drive_to, open_ldk
from workflow.db.audit import AuditChain
from workflow.db.models import OutboxRow
from workflow.service.identity import IdentityService

OFFICIALS = {"dir": (1001, "Andi"), "ksd1": (1002, "Budi"), "kasi1": (1003, "Dewi"), "tu1": (1009, "Indah")}
SLA_KINDS = ("reminder", "escalation")


@pytest.fixture
def clock():
    """Two hours ago: the steps opened here are overdue for the bots' real-time sweeps."""
    return Clock(datetime.now(UTC) - timedelta(hours=2))


@pytest.fixture
def pg_office(postgres_url, sops, roster, clock, server):
    """The test roster on PostgreSQL, its officials linked to Telegram, settings for the replicas."""
    cases, sessions, engine = build_services(postgres_url, sops, roster, clock, migrate=True)
    settings = bot_settings(postgres_url, server, telegram_send_rate=15)  # Telegram's 30/s, two replicas
    users = {key: linked(server, sessions, key, *who) for key, who in OFFICIALS.items()}
    yield cases, sessions, settings, users
    engine.dispose()


def linked(server, sessions, key: str, telegram_id: int, name: str):
    """``key`` linked to a Telegram user before any bot runs (so no welcome message)."""
    identity = IdentityService(sessions)
    user = server.user(telegram_id, name, started=True)
    identity.redeem(identity.invite(key, "adm", timedelta(hours=1)), telegram_id)
    return user


def outbox(sessions, **where) -> list[OutboxRow]:
    with sessions() as session:
        return list(session.scalars(select(OutboxRow).filter_by(**where).order_by(OutboxRow.id)))


def unsent(sessions) -> int:
    return sum(row.status == "pending" for row in outbox(sessions))


async def eventually(predicate, timeout: float):
    """Wait until ``predicate()`` (run in a thread: it reads the database) is truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := await asyncio.to_thread(predicate)):
        if loop.time() > deadline:
            raise TimeoutError(f"{predicate} still false after {timeout} s")
        await asyncio.sleep(0.1)
    return result


@pytest.mark.postgres
@pytest.mark.slow
def test_two_replicas_on_one_postgresql_store_each_reminder_once_and_send_each_message_once_in_order(
    server, pg_office
):
    cases, sessions, settings, users = pg_office
    for i in range(3):
        drive_to(cases, open_ldk(cases, number=f"470/{i}/DUKCAPIL"), 3)  # the Kasi's step, 2 hours old
    server.set_rate_limits(per_chat_rate=4.0, per_chat_burst=2, global_rate=None)  # bursts get 429

    async def scenario():
        async with contextlib.AsyncExitStack() as replicas:
            for _ in range(2):  # webhook mode: no polling, the sweep and delivery jobs run
                app = build_application(settings, per_chat_rate=None, sweep_interval=0.2)
                await replicas.enter_async_context(running(app, polling=False))
            sla = lambda: len(outbox(sessions, kind="reminder")) + len(outbox(sessions, kind="escalation"))  # noqa: E731
            await eventually(lambda: sla() == 18 and unsent(sessions) == 0, timeout=30)

    asyncio.run(scenario())

    notices = [row for row in outbox(sessions) if row.kind in SLA_KINDS]
    assert len(notices) == len({row.dedupe_key for row in notices}) == 18  # per case 3 reminders, 3 levels
    assert len(audit_rows(sessions, actor="sla")) == 18
    with sessions() as session:
        assert AuditChain(TEST_AUDIT_KEY).verify(session).problems == []
    assert server.count("sendMessage", status=429) >= 1
    for key, user in users.items():
        rows = outbox(sessions, recipient=key)
        assert {(row.status, row.claimed_by) for row in rows} == {("sent", None)}, key
        # each row arrived once, in the outbox's order: the chat holds exactly the rows' messages
        assert [m.message_id for m in user.messages] == [row.telegram_message_id for row in rows], key
    assert len(outbox(sessions, recipient="kasi1", kind="reminder")) == 9


def test_a_chat_claimed_by_a_replica_that_crashed_is_taken_over_after_its_lease(server, office):
    cases, sessions, settings = office
    direktur = linked(server, sessions, "dir", *OFFICIALS["dir"])
    linked(server, sessions, "tu1", *OFFICIALS["tu1"])
    case = cases.open_case(letter(), "tu1")  # the Direktur's step-1 message
    now = datetime.now(UTC)
    with sessions.begin() as session:  # one replica died mid-pass; another is alive and sending
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.recipient == "dir")
            .values(claimed_by="crashed-1-0", claimed_until=now - timedelta(seconds=1))
        )
        session.add(
            OutboxRow(
                created_at=now,
                recipient="tu1",
                kind="case_moved",
                case_id=case.id,
                step_no=1,
                dedupe_key="alive-test",
                payload={"case_number": case.number},
                status="pending",
                attempts=0,
                claimed_by="alive-2-0",
                claimed_until=now + timedelta(minutes=1),
            )
        )

    async def scenario():
        async with running_bot(settings) as app:
            message = await direktur.wait_for_message_async(contains=case.number)
            again = await app.bot_data.delivery.run_once(app.bot)
            return message, again

    message, again = asyncio.run(scenario())

    assert message.text.startswith("📨 Langkah 1")
    (row,) = outbox(sessions, recipient="dir")
    assert (row.status, row.claimed_by, row.telegram_message_id) == ("sent", None, message.message_id)
    assert again == 0  # the live replica's chat is left to it until its lease expires
    (held,) = outbox(sessions, recipient="tu1")
    assert (held.status, held.claimed_by) == ("pending", "alive-2-0")
