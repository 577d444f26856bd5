"""One case through the real bot, counting what each kind of input sends to the database: the
walk behind the statement budget (``tests/bot/test_statement_budget.py``) and its benchmark
(``benchmarks/statements.py``).

The real bot (``build_application``, as ``disposisi run`` builds it) polls the project's Bot API
server on 127.0.0.1; the officials of the test roster press its real buttons and answer its
questions, taking one case through all eight steps of SOP 7.4.4.1 (with a reassign and a return on
the way) and a second case to a rejection. Around exactly one input per kind (the press or answer
that makes the action happen) the instrument of ``tests/statements.py`` records everything the
process sends to the database, in three windows:

- *the input* (``press``): from the input until the bot has shown the presser the outcome (the
  edited message, the press's answer, the reply) and then sent nothing for ``QUIET`` seconds; the
  outbox delivery is held back meanwhile, so this is the handler's own work, including what it
  records after Telegram answered (the id of a message it sent with buttons, a prompt's id).
- *to the message*: from the input until the Bot API server stores the message that shows it done
  to the next official (for note, tick and refusal, which move the case to nobody: the answer to
  the presser), delivery included. The end is taken inside the server's store, at the change.
- *until idle*: until nothing has been sent for ``QUIET`` seconds (the outbox marked sent, buttons
  cleared).

The periodic delivery pass is paused while an input is measured (every action starts a pass of its
own); the SLA sweep is off. The cases are opened through the bot's own services (its session
factory), as the bot's registration would; so the audit chain's head is the one this process
last wrote (see ``workflow.db.audit``).
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from botapi import BotApiServer
from tests.bot.conftest import TOKEN, bot_settings, forge_press, link, running_bot
from tests.conftest import HERE, PIN, SIGNING_KEY_FILE, WIB, build_services, letter
from tests.statements import Counts, StatementCounter
from workflow.roster import load_roster
from workflow.sopfile import load_sops

__all__ = ["INPUTS", "KINDS", "Measured", "walk"]

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
QUIET = 0.5
TIMEOUT = 20.0


@dataclass
class Measured:
    press: Counts
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
        self.gate = asyncio.Event()  # delivery passes wait for it while an input is measured
        self.gate.set()
        self.passes = 0  # delivery passes running

    def hold_delivery(self) -> None:
        """Make the bot's delivery passes wait at ``gate`` (and count those running)."""
        delivery = self.app.bot_data.delivery
        run_once = delivery.run_once

        async def gated(bot):
            await self.gate.wait()
            self.passes += 1
            try:
                return await run_once(bot)
            finally:
                self.passes -= 1

        delivery.run_once = gated

    async def quiet(self) -> None:
        """Wait until nothing was sent to the database for ``QUIET`` seconds (with a deadline)."""
        deadline = time.monotonic() + TIMEOUT
        while (idle := self.counter.idle_for()) < QUIET:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot kept talking to the database")
            await asyncio.sleep(QUIET - idle + 0.01)

    async def measure(
        self,
        kind: str,
        act: Callable[[], object],
        mine: Callable[[], object],
        done: Callable[[], object] | None = None,
    ):
        """Count around ``act()`` (one input): until the presser is shown ``mine()`` and the bot is
        quiet, with the outbox delivery held back (the input's own work); then, delivery let go,
        until ``done()`` (default: ``mine()``) holds in the server, and until idle."""
        (job,) = self.app.job_queue.get_jobs_by_name("delivery")
        job.pause()
        self.gate.clear()
        while self.passes:  # a pass begun before may still be waiting on a chat's pace
            await asyncio.sleep(0.05)
        await self.quiet()
        done = done or mine
        key = self.probes.expect(done)
        start = self.counter.position()
        act()
        await self.server.wait_for_async(mine, timeout=TIMEOUT)
        await self.quiet()
        press = self.counter.since(start)
        self.gate.set()
        shown = await self.server.wait_for_async(done, timeout=TIMEOUT)
        await self.server.wait_for_async(lambda: key in self.probes.hit, timeout=TIMEOUT)
        end = self.probes.hit[key]
        await self.quiet()
        self.results[kind] = Measured(press, self.counter.since(start, end), self.counter.since(start))
        job.resume()
        return shown


async def step(user, contains: str):
    return await user.wait_for_message_async(contains=contains, timeout=TIMEOUT)


async def scenario(bench: Bench, sessions, settings) -> None:
    server = bench.server
    async with running_bot(settings) as app:
        bench.app = app
        bench.hold_delivery()
        cases = app.bot_data.runtime.cases  # the bot's own: one audit chain, as /baru would use
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

        number = (
            await asyncio.to_thread(cases.open_case, letter(), "tu1", sop_id="ldk", assignee="dir")
        ).number
        m = await step(dir_, "Langkah 1")
        step1 = m
        dir_.press(m, "Teruskan")
        m = await dir_.wait_for_edit_async(m)
        dir_.press(m, "Untuk diproses")
        m = await dir_.wait_for_edit_async(m)
        await bench.measure(
            "forward",
            lambda: dir_.press(m, "Kepada Budi Kasubdit"),
            edited(dir_, m),
            new_message(ksd1, "Langkah 2"),
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
            "reassign",
            lambda: op1.press(m, "Kepada Gita Operator"),
            edited(op1, m),
            new_message(op2, "Langkah 4"),
        )

        async def report(measured: bool, arrived: str) -> None:
            m = await step(op2, arrived)
            op2.press(m, "Laporkan data")
            m = await op2.wait_for_edit_async(m)
            op2.press(m, "Berkas (softcopy)")
            origin = m
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
                "report",
                lambda: op2.reply(last, "/srv/ldk/bpjs.csv"),
                edited(op2, origin),
                new_message(kasi1, "Langkah 5"),
            )

        await report(measured=True, arrived="Langkah 4")
        m = await step(kasi1, "Langkah 5")
        returned = "Dikembalikan ke langkah 4"
        kasi1.press(m, "Kembalikan")
        prompt = await step(kasi1, "Tulis alasan pengembalian")
        await bench.measure(
            "return",
            lambda: kasi1.reply(prompt, "Jumlah record tidak sesuai"),
            edited(kasi1, m),
            new_message(op2, returned),
        )
        await report(measured=False, arrived=returned)
        m = await step(kasi1, "Langkah 5")
        await bench.measure(
            "accept", lambda: kasi1.press(m, "Terima data"), edited(kasi1, m), new_message(ksd1, "Langkah 6")
        )

        m = await step(ksd1, "Langkah 6")
        ksd1.press(m, "Teruskan")
        m = await ksd1.wait_for_edit_async(m)
        ksd1.press(m, "Untuk diketahui")

        m = await step(dir_, "Langkah 7")
        dir_.press(m, "Tandatangani")
        prompt = await step(dir_, "kirim PIN")
        await bench.measure(
            "sign", lambda: dir_.reply(prompt, PIN), edited(dir_, m), new_message(op2, "Langkah 8")
        )

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
            edited(op2, m),
            new_message(dir_, "selesai"),
        )
        assert number in (await step(tu, "selesai")).text

        other = letter(number="470/124/DUKCAPIL")
        second = (await asyncio.to_thread(cases.open_case, other, "tu1", sop_id="ldk", assignee="dir")).number
        m = await step(dir_, second)
        dir_.press(m, "Tolak")
        prompt = await step(dir_, "Tulis alasan penolakan")
        await bench.measure(
            "reject",
            lambda: dir_.reply(prompt, "Surat izin sudah kedaluwarsa"),
            edited(dir_, m),
            new_message(tu, second),
        )


def walk(url: str) -> dict[str, Measured]:
    """Walk the cases through a bot on ``url`` (a migrated database is made there); each kind's
    counts."""
    sops = {**load_sops(), **load_sops(HERE / "sops")}
    roles = {r.key for s in sops.values() for r in s.roles}
    roster = replace(load_roster(HERE / "data" / "roster.toml", roles, WIB), stand_ins=())
    _, sessions, engine = build_services(url, sops, roster, lambda: datetime.now(UTC), migrate=True)
    with BotApiServer(TOKEN, per_chat_rate=None, global_rate=None) as server:
        settings = bot_settings(url, server, signing_key_file=SIGNING_KEY_FILE)
        with StatementCounter() as counter:
            bench = Bench(server, counter)
            asyncio.run(scenario(bench, sessions, settings))
    engine.dispose()
    return bench.results
