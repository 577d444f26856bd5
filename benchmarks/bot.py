"""Bot latency: from an approve press arriving at the Bot API server to the next official's
sendMessage reaching it, the real bot against the project's server on loopback.

Run by hand from the repository root:

    python benchmarks/bot.py [--cases 1000] [--pairs 100] [--gap 0.05]

1,000 cases over 200 officials' chats (100 Direktur, each with one Kasubdit reporting to them).
Each case: the Direktur presses *Teruskan*, then *Untuk diproses* (the approve press, timed); the
case goes to their Kasubdit, whose notification is timed when the server stores it. Presses are
spaced (--gap) and spread over the chats so that neither the per-chat limit (about 1/s) nor the
global rate (25/s) is what is measured. The server enforces Telegram's limits throughout.
"""

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application, running
from bot.settings import Settings
from botapi import BotApiServer
from botapi.state import Store
from workflow.case import Letter
from workflow.db.migrate import upgrade
from workflow.db.session import make_engine, make_session_factory
from workflow.roster import parse_roster
from workflow.service.cases import CaseService
from workflow.service.identity import IdentityService
from workflow.service.roster import RosterService
from workflow.sopfile import load_sops

TOKEN = "555000:BENCH-token-for-the-local-server-only"
ARRIVALS: dict[tuple[int, int], float] = {}


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
        officials.append({"key": f"dir{i}", "name": f"Direktur {i}", "role": "direktur"})
        officials.append(
            {"key": f"ksd{i}", "name": f"Kasubdit {i}", "role": "kasubdit", "reports_to": f"dir{i}"}
        )
    return {"officials": officials}


async def run(args, settings, server, sessions, cases) -> list[float]:
    identity = IdentityService(sessions)
    async with running(build_application(settings)):
        users = {}
        for i in range(args.pairs):
            for key, tid in ((f"dir{i}", 10_000 + i), (f"ksd{i}", 20_000 + i)):
                users[key] = server.user(tid, key)
                code = await asyncio.to_thread(identity.invite, key, "bench", timedelta(hours=1))
                users[key].send(f"/start {code}")
        await server.wait_for_async(lambda: all(u.messages for u in users.values()), timeout=120)
        numbers = []
        for n in range(args.cases):
            i = n % args.pairs
            letter = Letter(f"BENCH/{n}", date(2026, 11, 20), "BPS", "Statistik", scan_sha256="a" * 64)
            numbers.append(
                (i, (await asyncio.to_thread(cases.open_case, letter, "tu", assignee=f"dir{i}")).number)
            )
        print(f"{args.cases} cases opened; waiting for their notifications (about 1 per second per chat)…")

        def delivered() -> int:
            return sum(len(users[f"dir{i}"].messages) for i in range(args.pairs)) - args.pairs

        deadline = time.monotonic() + args.cases  # polled: re-checking on every server change is quadratic
        while delivered() < args.cases:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {delivered()} of {args.cases} notifications arrived")
            await asyncio.sleep(0.5)
        latencies = []
        for i, number in numbers:
            direktur, kasubdit = users[f"dir{i}"], users[f"ksd{i}"]
            message = next(m for m in direktur.messages if number in m.text and "Teruskan" in m.button_texts)
            direktur.press(message, "Teruskan")
            picks = await direktur.wait_for_edit_async(message, timeout=10)
            before = max(m.message_id for m in kasubdit.messages)
            pressed = time.perf_counter()
            direktur.press(picks, "Untuk diproses")
            arrived = await kasubdit.wait_for_message_async(contains=number, timeout=10, since=before)
            latencies.append(ARRIVALS[(kasubdit.id, arrived.message_id)] - pressed)
            await asyncio.sleep(args.gap)
        return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument(
        "--gap", type=float, default=0.05, help="seconds between one case's press and the next"
    )
    args = parser.parse_args()
    Store.add_message = _timed_add_message(Store.add_message)
    with tempfile.TemporaryDirectory() as tmp, BotApiServer(TOKEN) as server:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp}/bench.db",
            audit_key=secrets.token_hex(32),
            telegram_bot_token=TOKEN,
            telegram_api_base_url=server.base_url,
        )
        engine = make_engine(settings.database_url)
        upgrade(engine)
        sessions = make_session_factory(engine, settings.audit_key.get_secret_value().encode())
        sops = load_sops()
        roles = {r.key for s in sops.values() for r in s.roles}
        RosterService(sessions).import_roster(
            parse_roster(roster(args.pairs), "bench", roles, settings.tz), "bench"
        )
        cases = CaseService(sessions, sops, tz=settings.tz)
        latencies = asyncio.run(run(args, settings, server, sessions, cases))
        engine.dispose()
        rejected = server.count("sendMessage", status=429)
    print(
        f"{len(latencies)} approve presses over {2 * args.pairs} chats; "
        f"press → next official's sendMessage at the server: "
        f"p50 {statistics.median(latencies) * 1e3:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1e3:.1f} ms, max {max(latencies) * 1e3:.1f} ms; "
        f"429s answered by the server: {rejected}"
    )


if __name__ == "__main__":
    main()
