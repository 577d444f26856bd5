"""Bot latency: from a press arriving at the Bot API server to the next official's sendMessage
reaching it, the real bot against the project's server on loopback, on SQLite and PostgreSQL.

Run by hand from the repository root (PostgreSQL's server binaries present, as for
``./scripts/test``; ``--no-pg`` for SQLite only):

    python benchmarks/bot.py [--cases 1000] [--pairs 100] [--signs 100] [--gap 0.05] [--no-pg]

The application as ``disposisi run`` builds it (``build_application``: the delivery loop with its
own per-chat pacing, the server enforcing Telegram's limits), the SLA sweep off (the cases' SOP
times run out during a run). 100 Direktur, each with a Kasubdit, a Kasi and an operator below
them. 1,000 cases wait at step 1 (10 per Direktur) and 100 more, one per Direktur, were taken to
step 7 (the signature) by the service layer beforehand: 1,100 open cases. First the signatures:
the Direktur presses *Tandatangani*, is asked the PIN and answers it; timed from the answer to the
operator's step-8 message (the PIN's scrypt check costs about 40 ms by design). Then for each of
the 1,000 cases the Direktur presses *Teruskan* and then *Untuk diproses* (the press timed) and
the Kasubdit's step-2 message is timed when the server stores it. Presses are spaced (--gap) and
spread over the chats, so neither the per-chat limit (about 1/s) nor the global rate (25/s) is
what is measured. Prints the table row of docs/benchmarks.md.
"""

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import update

from benchmarks.machine import load, machine, stamp
from bot.app import build_application, running
from botapi import BotApiServer
from botapi.state import Store
from tests.bot.conftest import TOKEN, bot_settings
from tests.conftest import PIN, SIGNING_KEY_FILE
from workflow.case import Letter
from workflow.commands import AcceptManifest, Forward, SubmitManifest
from workflow.db.migrate import upgrade
from workflow.db.models import OfficialRow
from workflow.db.session import make_engine, make_session_factory
from workflow.keys import SigningKeys
from workflow.manifest import Manifest
from workflow.roster import parse_roster
from workflow.service.cases import CaseService
from workflow.service.identity import IdentityService
from workflow.service.roster import RosterService
from workflow.signingpin import hash_pin
from workflow.sopfile import load_sops

ARRIVALS: dict[tuple[int, int], float] = {}
MANIFEST = Manifest(form="file", description="NIK", records=10, sha256="b" * 64, location="/srv/x.csv")
CHAIN = (
    ("dir", "direktur", None),
    ("ksd", "kasubdit", "dir"),
    ("kasi", "kasi", "ksd"),
    ("op", "jfu", "kasi"),
)


def _timed_add_message(original):
    def add_message(self, chat_id, from_bot, fields, markup=None, source=None):
        record = original(self, chat_id, from_bot, fields, markup, source)
        if from_bot:
            ARRIVALS[(chat_id, record.data["message_id"])] = time.perf_counter()
        return record

    return add_message


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def roster(pairs: int) -> dict:
    officials = [{"key": "tu", "name": "TU", "role": "tu"}]
    for i in range(pairs):
        for key, role, boss in CHAIN:
            entry = {"key": f"{key}{i}", "name": f"{role.title()} {i}", "role": role}
            officials.append(entry | ({"reports_to": f"{boss}{i}"} if boss else {}))
    return {"officials": officials}


def letter(n: int) -> Letter:
    return Letter(f"BENCH/{n}", date(2026, 11, 20), "BPS", "Statistik", scan_sha256="a" * 64)


def prepare(args, url: str, settings) -> tuple[CaseService, IdentityService, object]:
    """The roster and the Direktur's PINs in a migrated database; the case service on it."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine, settings.audit_key.get_secret_value().encode())
    sops = load_sops()
    roles = {r.key for s in sops.values() for r in s.roles}
    RosterService(sessions).import_roster(
        parse_roster(roster(args.pairs), "bench", roles, settings.tz), "bench"
    )
    with sessions.begin() as session:
        session.execute(
            update(OfficialRow).where(OfficialRow.role == "direktur").values(pin_hash=hash_pin(PIN))
        )
    cases = CaseService(
        sessions, sops, tz=settings.tz, default_sop="ldk", seal=SigningKeys.load(SIGNING_KEY_FILE)
    )
    return cases, IdentityService(sessions), engine


def open_cases(args, cases: CaseService) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The cases taken to step 7 by the service layer, and those left at step 1."""
    signing = []
    for i in range(args.signs):
        n = i % args.pairs
        number = cases.open_case(letter(100_000 + i), "tu", assignee=f"dir{n}").number
        for actor, command in (
            (f"dir{n}", Forward(instruction="Untuk diproses", to=f"ksd{n}")),
            (f"ksd{n}", Forward(instruction="Untuk diproses", to=f"kasi{n}")),
            (f"kasi{n}", Forward(instruction="Segera", to=f"op{n}")),
            (f"op{n}", SubmitManifest(MANIFEST)),
            (f"kasi{n}", AcceptManifest()),
            (f"ksd{n}", Forward(instruction="Untuk diperhatikan", to=f"dir{n}")),
        ):
            cases.act(number, actor, command)
        signing.append((n, number))
    forwarding = [
        (n % args.pairs, cases.open_case(letter(n), "tu", assignee=f"dir{n % args.pairs}").number)
        for n in range(args.cases)
    ]
    return forwarding, signing


async def quiet(server, seconds: float = 2.0) -> None:
    """Until the bot has sent nothing for ``seconds``: what the setup queued (the earlier steps'
    notifications, paced at about one a second per chat) is out before anything is timed."""
    count = -1
    while count != (count := sum(r.method != "getUpdates" for r in server.requests)):
        await asyncio.sleep(seconds)


async def run(args, settings, server, cases, identity) -> tuple[list[float], list[float]]:
    async with running(build_application(settings, sweep_interval=None)):
        users = {}
        for i in range(args.pairs):
            for k, (key, _, _) in enumerate(CHAIN):
                users[f"{key}{i}"] = server.user(10_000 * (k + 1) + i, f"{key}{i}")
                code = await asyncio.to_thread(identity.invite, f"{key}{i}", "bench", timedelta(hours=1))
                users[f"{key}{i}"].send(f"/start {code}")
        await server.wait_for_async(lambda: all(u.messages for u in users.values()), timeout=120)
        forwarding, signing = await asyncio.to_thread(open_cases, args, cases)

        def waiting(pairs) -> int:  # polled: re-checking on every server change is quadratic
            return sum(
                not any(number in m.text and m.button_texts for m in users[f"dir{i}"].messages)
                for i, number in pairs
            )

        print(f"{len(forwarding) + len(signing)} cases open; waiting for their notifications…", flush=True)
        deadline = time.monotonic() + 2 * (len(forwarding) + len(signing)) + 60
        while (left := waiting(forwarding) + waiting(signing)) > 0:
            if time.monotonic() > deadline:
                raise SystemExit(f"{left} notifications did not arrive")
            await asyncio.sleep(0.5)
        await quiet(server)
        signed = []
        for i, number in signing:
            direktur, operator = users[f"dir{i}"], users[f"op{i}"]
            message = next(
                m for m in direktur.messages if number in m.text and "Tandatangani" in m.button_texts
            )
            direktur.press(message, "Tandatangani")
            prompt = await direktur.wait_for_message_async(contains="PIN", timeout=10)
            before = max((m.message_id for m in operator.messages), default=0)
            pressed = time.perf_counter()
            direktur.reply(prompt, PIN)
            arrived = await operator.wait_for_message_async(contains=number, timeout=10, since=before)
            signed.append(ARRIVALS[(operator.id, arrived.message_id)] - pressed)
            await asyncio.sleep(args.gap)
        await quiet(server)
        forwarded = []
        for i, number in forwarding:
            direktur, kasubdit = users[f"dir{i}"], users[f"ksd{i}"]
            message = next(m for m in direktur.messages if number in m.text and "Teruskan" in m.button_texts)
            direktur.press(message, "Teruskan")
            picks = await direktur.wait_for_edit_async(message, timeout=10)
            before = max((m.message_id for m in kasubdit.messages), default=0)
            pressed = time.perf_counter()
            direktur.press(picks, "Untuk diproses")
            arrived = await kasubdit.wait_for_message_async(contains=number, timeout=10, since=before)
            forwarded.append(ARRIVALS[(kasubdit.id, arrived.message_id)] - pressed)
            await asyncio.sleep(args.gap)
        return forwarded, signed


def measure(args, url: str, label: str) -> dict:
    with BotApiServer(TOKEN) as server:
        settings = bot_settings(url, server, signing_key_file=SIGNING_KEY_FILE)
        cases, identity, engine = prepare(args, url, settings)
        before = load()
        forwarded, signed = asyncio.run(run(args, settings, server, cases, identity))
        engine.dispose()
        rejected = server.count("sendMessage", status=429)
    ms = lambda values, q: f"{percentile(values, q) * 1e3:.0f}"  # noqa: E731
    result = {
        "label": label,
        "load": before,
        "forward": f"{ms(forwarded, 0.5)} / {ms(forwarded, 0.99)} ms",
        "sign": f"{ms(signed, 0.5)} / {ms(signed, 0.99)} ms" if signed else "not run",
        "met": percentile(forwarded, 0.5) <= 0.020 and percentile(forwarded, 0.99) <= 0.050,
        "sign_met": bool(signed) and percentile(signed, 0.99) <= 0.120,
    }
    print(
        f"{label} (load {before} at the start): {len(forwarded)} forward presses, p50 / p99 "
        f"{result['forward']}, max {max(forwarded) * 1e3:.0f} ms; {len(signed)} signatures (the PIN "
        f"answer), p50 / p99 {result['sign']}; 429s answered by the server: {rejected}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--signs", type=int, default=100, help="cases taken to step 7 and signed")
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between one press and the next")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()
    Store.add_message = _timed_add_message(Store.add_message)
    print(machine(pg=not args.no_pg))
    print(f"start {stamp()}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(measure(args, f"sqlite:///{tmp}/bench.db", "SQLite"))
    if not args.no_pg:
        from tests.pg_server import PostgresServer

        with PostgresServer() as pg:
            results.append(measure(args, pg.create_database(f"bench_{uuid.uuid4().hex[:8]}"), "PostgreSQL"))
    now = " · ".join(f"{r['label']}: {r['forward']}, sign {r['sign']} (load {r['load']})" for r in results)
    met = " · ".join(
        f"{r['label']}: {'met' if r['met'] else 'missed'}, sign {'met' if r['sign_met'] else 'missed'}"
        for r in results
    )
    print(f"\n{stamp()} (at the end); p50 / p99:")
    print(
        f"| press -> next official's sendMessage, real bot, {args.cases:,} open cases, p50 / p99 | "
        f"<= 20 / 50 ms (sign <= 120 ms) | 53 / 85-115 ms | {now} | {met} |"
    )


if __name__ == "__main__":
    main()
