"""Statements per press: the transactions and SQL statements one press sends to the database, as
the real bot performs it (issue 15's statement budget; a measurement, not yet a failing test).

Run by hand from the repository root (the project installed with its dev extra):

    python benchmarks/statements.py [--no-pg] [--worst KIND]

The real bot (``build_application``, as ``disposisi run`` builds it) polls the project's Bot API
server on 127.0.0.1; the officials of the test roster press its real buttons and answer its
questions, taking one case through all eight steps of SOP 7.4.4.1 (with a reassign and a return on
the way) and a second case to a rejection. Around exactly one input per kind (the press or answer
that makes the action happen) the instrument of ``tests/statements.py`` records everything the
process sends to the database, in two windows:

- *to the message*: from the input until the Bot API server stores the message that shows it done
  to the next official (for note, tick and refusal, which move the case to nobody: the answer to
  the presser). The end is taken inside the server's store, at the change itself.
- *until idle*: until nothing has been sent for 0.5 s (the outbox marked sent, buttons cleared).

The periodic delivery pass (every second; it delivers the cases the benchmark opens through the
service) is paused while a press is measured: every action starts a pass of its own at once. The
SLA sweep is off. So nothing else sends statements while a press is measured; the benchmark also
waits for quiet before each measured input.
"""

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from botapi import BotApiServer
from tests.bot.conftest import TOKEN, bot_settings, forge_press, link, running_bot
from tests.conftest import (
    HERE,
    PIN,
    SIGNING_KEY_FILE,
    WIB,
    build_services,
    letter,
)
from tests.pg_server import PostgresServer, find_bindir
from tests.statements import Counts, StatementCounter
from workflow.roster import load_roster
from workflow.sopfile import load_sops

KINDS = (
    "forward",
    "note",
    "reassign",
    "report",
    "accept",
    "return",
    "sign",
    "tick",
    "receipt",
    "reject",
    "refusal",
)
#: What each kind's measured input is, for the table's legend.
INPUTS = {
    "forward": "Direktur, step 1: 'Kepada Budi Kasubdit' (after Teruskan, Untuk diproses)",
    "note": "Kasubdit, step 2: the note, answering 'Tulis catatan' (saved, nothing moves)",
    "reassign": "Operator, step 4: 'Kepada Gita Operator' (after Alihkan)",
    "report": "Operator, step 4: the last manifest answer (Lokasi)",
    "accept": "Kasi, step 5: 'Terima data'",
    "return": "Kasi, step 5: the reason, answering 'Tulis alasan pengembalian'",
    "sign": "Direktur, step 7: the PIN, answering the PIN question",
    "tick": "Operator, step 8: '☐ Sudah digandakan' (needs nothing; the message is edited)",
    "receipt": "Operator, step 8: the receipt scan replying to the receipt question (closes the case)",
    "reject": "Direktur, step 1 of a second case: the reason, answering 'Tulis alasan penolakan'",
    "refusal": "Direktur presses the Kasubdit's step-2 'Teruskan' (not the holder: refused, audited)",
}
#: The budget to reach later: one transaction and at most 12 statements, BEGIN and COMMIT counted.
BUDGET_TRANSACTIONS, BUDGET_SENT = 1, 12
QUIET = 0.5
TIMEOUT = 20.0


@dataclass
class Measured:
    to_message: Counts
    until_idle: Counts


class Probes:
    """Conditions checked inside the Bot API server's store at every change (under its lock): the
    first change that makes one true records the counter's position at that moment."""

    def __init__(self, server: BotApiServer, counter: StatementCounter) -> None:
        self._store = server.store
        self._counter = counter
        self._waiting: dict[int, Callable[[], object]] = {}
        self.hit: dict[int, int] = {}
        original = self._store.notify

        def notify() -> None:
            original()
            for key, condition in list(self._waiting.items()):
                if condition():
                    self.hit[key] = counter.position()
                    del self._waiting[key]

        self._store.notify = notify

    def expect(self, condition: Callable[[], object]) -> int:
        with self._store.lock:
            key = len(self.hit) + len(self._waiting) + 1
            self._waiting[key] = condition
        return key


def new_message(user, contains: str):
    """A condition: a bot message to ``user`` after the newest one now, containing ``contains``."""
    after = max((m.message_id for m in user.messages), default=0)
    return lambda: next((m for m in user.messages if m.message_id > after and contains in m.body), None)


def edited(user, before, contains: str | None = None):
    """A condition: ``before`` (a bot message to ``user``) changed."""

    def changed():
        now = next((m for m in user.messages if m.message_id == before.message_id), None)
        if now is None or (now.body, now.buttons) == (before.body, before.buttons):
            return None
        return now if contains is None or contains in now.body else None

    return changed


class Bench:
    def __init__(self, server: BotApiServer, counter: StatementCounter) -> None:
        self.app = None  # the running application, for its delivery job
        self.server = server
        self.counter = counter
        self.probes = Probes(server, counter)
        self.results: dict[str, Measured] = {}

    async def quiet(self) -> None:
        """Wait until nothing was sent to the database for ``QUIET`` seconds (with a deadline)."""
        deadline = time.monotonic() + TIMEOUT
        while (idle := self.counter.idle_for()) < QUIET:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot kept talking to the database")
            await asyncio.sleep(QUIET - idle + 0.01)

    async def measure(self, kind: str, act: Callable[[], object], done: Callable[[], object]):
        """Count around ``act()`` (one input) until ``done()`` holds in the server, then until idle."""
        (delivery,) = self.app.job_queue.get_jobs_by_name("delivery")
        delivery.pause()
        await self.quiet()
        key = self.probes.expect(done)
        start = self.counter.position()
        act()
        shown = await self.server.wait_for_async(done, timeout=TIMEOUT)
        await self.server.wait_for_async(lambda: key in self.probes.hit, timeout=TIMEOUT)
        end = self.probes.hit[key]
        await self.quiet()
        self.results[kind] = Measured(self.counter.since(start, end), self.counter.since(start))
        delivery.resume()
        return shown


async def step(user, contains: str):
    return await user.wait_for_message_async(contains=contains, timeout=TIMEOUT)


async def scenario(bench: Bench, cases, sessions, settings) -> None:
    server = bench.server
    async with running_bot(settings) as app:
        bench.app = app
        who = [
            ("dir", 1001, "Andi"),
            ("ksd1", 1002, "Budi"),
            ("kasi1", 1003, "Dewi"),
            ("op1", 1004, "Fajar"),
            ("op2", 1005, "Gita"),
            ("tu1", 1009, "Indah"),
        ]
        dir_, ksd1, kasi1, op1, op2, tu = (link(server, sessions, *w) for w in who)
        for user in (dir_, ksd1, kasi1, op1, op2, tu):
            await step(user, "Selamat datang")

        number = (await asyncio.to_thread(cases.open_case, letter(), "tu1", assignee="dir")).number
        m = await step(dir_, "Langkah 1")
        step1 = m
        dir_.press(m, "Teruskan")
        m = await dir_.wait_for_edit_async(m)
        dir_.press(m, "Untuk diproses")
        m = await dir_.wait_for_edit_async(m)
        await bench.measure(
            "forward", lambda: dir_.press(m, "Kepada Budi Kasubdit"), new_message(ksd1, "Langkah 2")
        )

        m = await step(ksd1, "Langkah 2")
        data = next(b.callback_data for row in m.buttons for b in row if b.text == "Teruskan")
        query: list[str] = []
        await bench.measure(
            "refusal",
            lambda: query.append(forge_press(server, dir_, step1, data)),
            lambda: query and dir_.answer_for(query[0]),
        )
        ksd1.press(m, "Catatan")
        prompt = await step(ksd1, "Tulis catatan")
        picks = await bench.measure(
            "note",
            lambda: ksd1.reply(prompt, "Mohon dicek keabsahan PKS"),
            new_message(ksd1, "Catatan disimpan"),
        )
        ksd1.press(picks, "Tanpa instruksi (catatan saja)")

        m = await step(kasi1, "Langkah 3")
        kasi1.press(m, "Teruskan")
        m = await kasi1.wait_for_edit_async(m)
        kasi1.press(m, "Segera")
        m = await kasi1.wait_for_edit_async(m)
        kasi1.press(m, "Kepada Fajar Operator")

        m = await step(op1, "Langkah 4")
        op1.press(m, "Alihkan")
        m = await op1.wait_for_edit_async(m)
        await bench.measure(
            "reassign", lambda: op1.press(m, "Kepada Gita Operator"), new_message(op2, "Langkah 4")
        )

        async def report(measured: bool, arrived: str) -> None:
            m = await step(op2, arrived)
            op2.press(m, "Laporkan data")
            m = await op2.wait_for_edit_async(m)
            op2.press(m, "Berkas (softcopy)")
            for question, answer in [
                ("uraian data", "Daftar NIK peserta"),
                ("Jumlah record", "1200"),
                ("SHA-256", "c" * 64),
            ]:
                op2.reply(await step(op2, question), answer)
            last = await step(op2, "Lokasi")
            if not measured:
                op2.reply(last, "/srv/ldk/bpjs.csv")
                return
            await bench.measure(
                "report", lambda: op2.reply(last, "/srv/ldk/bpjs.csv"), new_message(kasi1, "Langkah 5")
            )

        await report(measured=True, arrived="Langkah 4")
        m = await step(kasi1, "Langkah 5")
        returned = "Dikembalikan ke langkah 4"
        kasi1.press(m, "Kembalikan")
        prompt = await step(kasi1, "Tulis alasan pengembalian")
        await bench.measure(
            "return",
            lambda: kasi1.reply(prompt, "Jumlah record tidak sesuai"),
            new_message(op2, returned),
        )
        await report(measured=False, arrived=returned)
        m = await step(kasi1, "Langkah 5")
        await bench.measure("accept", lambda: kasi1.press(m, "Terima data"), new_message(ksd1, "Langkah 6"))

        m = await step(ksd1, "Langkah 6")
        ksd1.press(m, "Teruskan")
        m = await ksd1.wait_for_edit_async(m)
        ksd1.press(m, "Untuk diketahui")

        m = await step(dir_, "Langkah 7")
        dir_.press(m, "Tandatangani")
        prompt = await step(dir_, "kirim PIN")
        await bench.measure("sign", lambda: dir_.reply(prompt, PIN), new_message(op2, "Langkah 8"))

        m = await step(op2, "Langkah 8")
        m = await bench.measure("tick", lambda: op2.press(m, "☐ Sudah digandakan"), edited(op2, m))
        op2.press(m, "☐ Sudah diarsipkan")
        op2.reply(await step(op2, "nomor arsip"), "ARS-2026-114")
        m = await op2.wait_for_edit_async(m, timeout=TIMEOUT)
        op2.press(m, "☐ Sudah dikirim")
        op2.reply(await step(op2, "saluran pengiriman"), "email ke bpjs@example.id")
        m = await op2.wait_for_edit_async(m, timeout=TIMEOUT)
        op2.press(m, "☐ Tanda terima")
        prompt = await step(op2, "tanda terima")
        await bench.measure(
            "receipt",
            lambda: op2.send_document(b"%PDF-1.4 tanda terima", "tt.pdf", caption="TT-009", reply_to=prompt),
            new_message(dir_, "selesai"),
        )
        assert number in (await step(tu, "selesai")).text

        other = letter(number="470/124/DUKCAPIL")
        second = (await asyncio.to_thread(cases.open_case, other, "tu1", assignee="dir")).number
        m = await step(dir_, second)
        dir_.press(m, "Tolak")
        prompt = await step(dir_, "Tulis alasan penolakan")
        await bench.measure(
            "reject", lambda: dir_.reply(prompt, "Surat izin sudah kedaluwarsa"), new_message(tu, second)
        )


def run_on(url: str, label: str) -> dict[str, Measured]:
    sops = {**load_sops(), **load_sops(HERE / "sops")}
    roles = {r.key for s in sops.values() for r in s.roles}
    roster = replace(load_roster(HERE / "data" / "roster.toml", roles, WIB), stand_ins=())
    cases, sessions, engine = build_services(url, sops, roster, lambda: datetime.now(UTC), migrate=True)
    with BotApiServer(TOKEN, per_chat_rate=None, global_rate=None) as server:
        settings = bot_settings(url, server, signing_key_file=SIGNING_KEY_FILE)
        with StatementCounter() as counter:
            bench = Bench(server, counter)
            asyncio.run(scenario(bench, cases, sessions, settings))
    engine.dispose()
    print(f"{label}: {len(bench.results)} kinds measured", file=sys.stderr)
    return bench.results


def cell(c: Counts) -> str:
    """``tx / sent (+over, +over)``: the figures and how far each is over the budget."""
    return f"{c.transactions} / {c.sent} (+{c.transactions - BUDGET_TRANSACTIONS}, +{c.sent - BUDGET_SENT})"


def table(results: dict[str, dict[str, Measured]], window: str) -> str:
    labels = list(results)
    lines = [
        "| kind | " + " | ".join(f"{db}: tx / sent (over the budget)" for db in labels) + " |",
        "| --- |" + " ---: |" * len(labels),
    ]
    for kind in KINDS:
        lines.append(
            f"| {kind} | " + " | ".join(cell(getattr(results[db][kind], window)) for db in labels) + " |"
        )
    return "\n".join(lines)


def detail(results: dict[str, dict[str, Measured]]) -> str:
    labels = list(results)
    lines = [
        "| kind | " + " | ".join(f"{db}: tx, stmts, commits, rollbacks, pings" for db in labels) + " |",
        "| --- |" + " --- |" * len(labels),
    ]
    for kind in KINDS:
        parts = []
        for db in labels:
            c = results[db][kind].to_message
            parts.append(f"{c.transactions}, {c.statements}, {c.commits}, {c.rollbacks}, {c.pings}")
        lines.append(f"| {kind} | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def by_table(results: dict[str, dict[str, Measured]], kind: str) -> str:
    labels = list(results)
    counted = {db: results[db][kind].to_message.by_table() for db in labels}
    names = sorted(set().union(*counted.values()), key=lambda n: (-counted[labels[0]].get(n, 0), n))
    lines = ["| statement | " + " | ".join(labels) + " |", "| --- |" + " ---: |" * len(labels)]
    lines += [f"| `{n}` | " + " | ".join(str(counted[db].get(n, 0)) for db in labels) + " |" for n in names]
    return "\n".join(lines)


def transactions(results: dict[str, dict[str, Measured]], kind: str) -> str:
    lines = []
    for db, measured in results.items():
        lines.append(f"{db}:")
        for n, statements in enumerate(measured[kind].to_message.in_transactions(), 1):
            lines.append(f"  {n:2}. " + ", ".join(statements))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--worst", choices=KINDS, help="the kind to break down by table (default: the worst)")
    args = parser.parse_args()
    results: dict[str, dict[str, Measured]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run_on(f"sqlite:///{tmp}/statements.db", "SQLite")
    if not args.no_pg:
        if find_bindir() is None:
            raise SystemExit("no PostgreSQL server binaries: install postgresql, or pass --no-pg")
        with PostgresServer() as pg:
            results["PostgreSQL"] = run_on(pg.create_database(f"bench_{uuid.uuid4().hex[:8]}"), "PostgreSQL")
    worst = args.worst or max(KINDS, key=lambda k: results["SQLite"][k].to_message.sent)
    print("Legend: tx = transactions (BEGIN); sent = statements + BEGIN + COMMIT + ROLLBACK + pings.")
    print(f"Budget: {BUDGET_TRANSACTIONS} transaction and at most {BUDGET_SENT} sent per press.\n")
    for kind in KINDS:
        print(f"- {kind}: {INPUTS[kind]}")
    print("\nFrom the input to the message that shows it done (to the next official where there is one):\n")
    print(table(results, "to_message"))
    print("\nThe same window in detail:\n")
    print(detail(results))
    print(f"\nFrom the input until the bot is idle ({QUIET} s without a statement):\n")
    print(table(results, "until_idle"))
    print(f"\nThe worst kind, {worst}, by statement and table (to the message):\n")
    print(by_table(results, worst))
    print("\nIts transactions in order (BEGIN not shown):\n")
    print(transactions(results, worst))


if __name__ == "__main__":
    main()
