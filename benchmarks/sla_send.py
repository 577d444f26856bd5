"""Sending reminders: 1,000 overdue steps over 200 officials' chats, through the real bot.

    python -m benchmarks.sla send [--rate 25] [--reminders 1000] [--chats 200]

The bot (``build_application``: SQLite file, the SLA sweep every 5 s, the delivery loop, the one
rate limiter under every request (``bot.ratelimit``: ``TELEGRAM_SEND_RATE`` overall, 1 message per
second per chat after 2), a 24/7 calendar so the run does not depend on the hour) polls the project's
Bot API server on loopback, which enforces Telegram's limits: about 1 message per second per chat
(burst 3) and 30 per second overall (burst 30). 200 Direktur link their accounts with /start;
then 1,000 open cases are written, each with step 1 held by one of them (dealt round-robin) and
past its due time by up to 30 seconds, so that each owes exactly its first reminder. The sweep
stores the 1,000 reminders (outbox and audit rows) and the delivery loop sends them. Timed at the
server, as each reminder is stored: sustained msg/s from the first reminder to the last, the rate
over the middle 80%, the busiest second; 429s the server answered while the reminders went out.

``--sweep-once`` is a diagnostic: once the sweep has stored the reminders, the later sweeps (every
5 s, re-reading the 1,000 steps that stay overdue) are skipped, to show what they cost the sending.

``--rate`` sets the bot's global send rate, ``TELEGRAM_SEND_RATE``.
"""

import asyncio
import bisect
import inspect
import itertools
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from telegram import Bot

from benchmarks.sla_data import add_open_cases, officials, prepare
from bot.app import build_application, running
from bot.delivery import Delivery
from bot.notices import Notices
from bot.settings import Settings
from botapi import BotApiServer
from botapi.state import Store
from workflow.db.migrate import upgrade
from workflow.db.models import OutboxRow
from workflow.db.session import make_engine, make_session_factory
from workflow.service.identity import IdentityService
from workflow.service.outbox import OutboxService
from workflow.service.sweep import SlaSweep
from workflow.sopfile import load_sops

__all__ = ["send"]

#: What the run reports the time of, while the reminders go out (benchmark-side wrappers).
TRACED = (
    (SlaSweep, "run", "SLA sweep"),
    (Delivery, "run_once", "delivery pass"),
    (Delivery, "_deliver", "one message"),
    (Notices, "render", "render (thread)"),
    (OutboxService, "claim", "claim (thread)"),
    (OutboxService, "sent", "mark sent (thread)"),
    (Bot, "send_message", "sendMessage"),
)

TOKEN = "555000:BENCH-token-for-the-local-server-only"
REMINDERS: list[float] = []  # server arrival times of reminders (perf_counter)
SPANS: dict[str, list[tuple[float, float, object]]] = {}  # traced calls: start, end, result


def _timed_add_message(original):
    def add_message(self, chat_id, from_bot, fields, markup=None, source=None):
        record = original(self, chat_id, from_bot, fields, markup, source)
        if from_bot and "Pengingat" in fields.get("text", ""):
            REMINDERS.append(time.perf_counter())
        return record

    return add_message


def _traced(owner, name: str, label: str) -> None:
    """Record the start, end and result of every call of ``owner.name`` under ``label``."""
    original = getattr(owner, name, None)
    if original is None:  # not in this version of the code
        return
    spans = SPANS.setdefault(label, [])
    if inspect.iscoroutinefunction(original):

        async def traced(*args, **kwargs):
            started = time.perf_counter()
            result = await original(*args, **kwargs)
            spans.append((started, time.perf_counter(), result))
            return result
    else:

        def traced(*args, **kwargs):
            started = time.perf_counter()
            result = original(*args, **kwargs)
            spans.append((started, time.perf_counter(), result))
            return result

    setattr(owner, name, traced)


def _sweep_once() -> None:
    """Diagnostic: once a sweep has stored notices, later sweeps do nothing (the steps stay overdue)."""
    original, stored = SlaSweep.run, []

    def run(self):
        if stored:
            return 0
        created = original(self)
        if created:
            stored.append(created)
        return created

    SlaSweep.run = run


def _within(spans, lo: float, hi: float) -> float:
    """Seconds between ``lo`` and ``hi`` covered by at least one of the spans."""
    total, reached = 0.0, lo
    for a, b, *_ in sorted(spans):
        a, b = max(a, reached), min(b, hi)
        if b > a:
            total += b - a
            reached = b
    return total


def _rate_limits(app, settings: Settings) -> str:
    limiter = type(app.bot.rate_limiter).__name__
    return f"{limiter} {settings.telegram_send_rate}/s overall, 1/s per chat after 2"


async def _run(args, settings: Settings, server: BotApiServer, engine, sessions, sop) -> dict:
    holders = officials(args.chats)
    identity = IdentityService(sessions)
    app = build_application(settings)
    async with running(app):
        limits = _rate_limits(app, settings)
        users = []
        for i, key in enumerate(holders):
            users.append(server.user(10_000 + i, key))
            code = await asyncio.to_thread(identity.invite, key, "bench", timedelta(hours=1))
            users[-1].send(f"/start {code}")
        await server.wait_for_async(lambda: all(u.messages for u in users), timeout=120)
        before = server.count("sendMessage", status=429)
        written = time.perf_counter()
        await asyncio.to_thread(
            add_open_cases,
            engine,
            sop,
            holders,
            args.reminders,
            args.reminders,
            datetime.now(UTC),
            timedelta(seconds=30),
        )
        deadline = time.monotonic() + 60 + args.reminders / 5
        while len(REMINDERS) < args.reminders:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(REMINDERS)} of {args.reminders} reminders arrived")
            await asyncio.sleep(0.2)
        rejected = server.count("sendMessage", status=429) - before
    with engine.connect() as connection:
        retried = connection.scalar(
            select(func.count()).where(OutboxRow.kind == "reminder", OutboxRow.attempts > 1)
        )
    return {"written": written, "rejected": rejected, "retried": retried, "limits": limits}


def send(args) -> None:
    Store.add_message = _timed_add_message(Store.add_message)
    if args.sweep_once:
        _sweep_once()
    for owner, name, label in TRACED:
        _traced(owner, name, label)
    sop = load_sops()["ldk"]
    with tempfile.TemporaryDirectory() as tmp, BotApiServer(TOKEN) as server:
        options = {} if args.rate is None else {"telegram_send_rate": args.rate}
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp}/send.db",
            audit_key=secrets.token_hex(32),
            telegram_bot_token=TOKEN,
            telegram_api_base_url=server.base_url,
            office_calendar="24/7",
            **options,
        )
        engine = make_engine(settings.database_url)
        upgrade(engine)
        sessions = make_session_factory(engine, settings.audit_key.get_secret_value().encode())
        prepare(sessions, sop, args.chats, datetime.now(UTC))
        result = asyncio.run(_run(args, settings, server, engine, sessions, sop))
        engine.dispose()
    times = sorted(REMINDERS)
    n = len(times)
    span = times[-1] - times[0]
    lo, hi = n // 10, n - n // 10 - 1
    busiest = max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    print(f"rates: {result['limits']}; server: 1/s per chat (burst 3), 30/s overall (burst 30)")
    print(
        f"{n} reminders over {args.chats} chats: first {times[0] - result['written']:.1f} s after the "
        f"overdue steps were written, all in {span:.1f} s"
    )
    print(
        f"sustained {(n - 1) / span:.1f} msg/s (first to last), {(hi - lo) / (times[hi] - times[lo]):.1f} "
        f"msg/s over the middle 80%, busiest second {busiest}, longest gap {max(gaps) * 1e3:.0f} ms "
        f"(median {statistics.median(gaps) * 1e3:.1f} ms)"
    )
    lo, hi = times[0], times[-1]
    print(f"while the reminders went out ({span:.1f} s):")
    for label, spans in SPANS.items():
        inside = [(a, b) for a, b, _ in spans if b > lo and a < hi]
        if inside:
            durations = [b - a for a, b in inside]
            sent = [r for a, b, r in spans if b > lo and a < hi and label == "delivery pass"]
            print(
                f"    {label:<20} {len(inside):5} calls, p50 {statistics.median(durations) * 1e3:7.1f} ms, "
                f"busy {_within(inside, lo, hi):5.1f} s"
                + (f", messages per pass {sorted(sent)}" if sent else "")
            )
    print(
        f"429s answered by the server: {result['rejected']}; "
        f"reminder rows with more than one attempt: {result['retried']}"
    )
