"""The scripted officials: each uses the bot as an official would, by messages and buttons.

The TU registers the letter with ``/baru``; the admin gives the signer (the Direktur in SOP
7.4.4.1, the Kasubdit in 7.4.4.2) a one-time code (what ``disposisi roster unlock-pin`` does) and
the signer chooses a signing PIN with ``/pin``; then the case goes down the chain and back up to
the receipt.
"""

import asyncio
import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from bot.demo.narrator import Narrator
from botapi import BotApiServer
from botapi.driver import ChatMessage, User
from workflow.sop import Needs, Sop, StepKind

__all__ = ["LETTERS", "PIN", "SCENARIOS", "Office", "Scenario"]

TIMEOUT = 20.0
#: The demo signer's signing PIN.
PIN = "246810"
#: The letter of each SOP's demo, as the TU answers the bot's questions (by SOP id).
LETTERS = {
    "ldk": {
        "number": "470/2211/DUKCAPIL/XI/2026",
        "institution": "BPJS Kesehatan",
        "purpose": "Verifikasi NIK peserta JKN",
        "pks": "PKS-012/DUKCAPIL/2025",
    },
    "dag": {
        "number": "005/0871/BPS-32/XI/2026",
        "institution": "BPS Provinsi Jawa Barat",
        "purpose": "Jumlah penduduk per kecamatan menurut kelompok umur, semester I 2026",
        "pks": "lewati",
    },
}
#: What the operator writes for the dispatch items that ask (by item key; the receipt's number too).
DISPATCH_VALUES = {
    "archived": "ARS-2026-114",
    "registered": "REG-DAG-2026-031",
    "sent": "email ke pengguna",
    "receipt": "TT-2026-009",
}
SCAN_NAME = "surat-izin-470-2211.pdf"
#: The scanned letter the TU sends (the bot keeps only its SHA-256).
SCAN = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    b"% Surat izin 470/2211/DUKCAPIL/XI/2026, BPJS Kesehatan\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
_CASE_NUMBER = re.compile(r"\b[A-Z]+-\d{4}-\d{4,}\b")


@dataclass
class Office:
    """The demo's officials on their phones, the admin at the command line, and the narrator.

    Attributes:
        unlock_pin: what ``disposisi roster unlock-pin KEY`` does: reset KEY's PIN and return the
            one-time code, which the admin hands over in person.
        today: the office's date, for the letter.
        sop: the SOP the demo plays (its dispatch checklist gives the buttons to press, its sign
            step the official who chooses a PIN).
    """

    people: dict[str, User]
    narrator: Narrator
    server: BotApiServer
    unlock_pin: Callable[[str], str]
    today: date
    sop: Sop

    async def received(self, who: str, contains: str) -> ChatMessage:
        return await self.people[who].wait_for_message_async(contains=contains, timeout=TIMEOUT)

    def send(self, who: str, text: str, shown: str | None = None) -> None:
        """Send a message (a command) to the bot; the narration shows ``shown`` when given."""
        self.narrator.flush()
        self.narrator.sent(who, shown or text)
        self.people[who].send(text)

    async def press(self, who: str, message: ChatMessage, label: str) -> ChatMessage:
        """Press a button; returns the message as it looks once the bot reacted (edited, or followed
        by a new message such as a question)."""
        self.narrator.flush()
        self.narrator.pressed(who, label)
        user = self.people[who]
        user.press(message, label)
        newest = max(m.message_id for m in user.messages)

        def reacted() -> ChatMessage | None:
            now = next((m for m in user.messages if m.message_id == message.message_id), None)
            changed = now is not None and (now.text, now.buttons) != (message.text, message.buttons)
            if changed or max(m.message_id for m in user.messages) > newest:
                return now or message
            return None

        return await self.server.wait_for_async(reacted, timeout=TIMEOUT)

    async def answer(self, who: str, question: str, text: str, shown: str | None = None) -> None:
        prompt = await self.received(who, question)
        self.narrator.flush()
        self.narrator.replied(who, shown or text)
        self.people[who].reply(prompt, text)

    async def forward(
        self, who: str, step: str, instruction: str, to: str | None = None, message: ChatMessage | None = None
    ) -> None:
        """Forward the step (from its message, or from ``message``, e.g. a reminder)."""
        message = message or await self.received(who, step)
        message = await self.press(who, message, "Teruskan")
        message = await self.press(who, message, instruction)
        if to is not None:
            await self.press(who, message, f"Kepada {to}")

    @property
    def signer(self) -> str:
        """Who signs in this SOP, by the narration's name (the role's; the demo roster's key too)."""
        return self.sop.role(self.sop.first_of(StepKind.SIGN).role).name


@dataclass(frozen=True)
class Scenario:
    """One demo: whether the Direktur signs (and so first chooses a PIN), and what happens once
    the letter is registered."""

    signs: bool
    play: Callable[[Office], Awaitable[None]]


async def choose_pin(office: Office) -> None:
    """The admin issues the signer a one-time code; the signer chooses a PIN with it on /pin."""
    who = office.signer
    office.narrator.note(
        f"the admin runs `disposisi roster unlock-pin {who.lower()} --as admin` and hands the one-time"
        f" code to the {who} in person"
    )
    code = await asyncio.to_thread(office.unlock_pin, who.lower())
    await office.received(who, "/pin")
    office.send(who, "/pin")
    await office.answer(who, "PIN penandatanganan baru", PIN, shown="•" * len(PIN))
    await office.answer(who, "PIN yang sama", PIN, shown="•" * len(PIN))
    await office.answer(who, "kode sekali pakai", code, shown="<one-time code>")
    await office.received(who, "PIN penandatanganan disimpan")


async def register(office: Office) -> str:
    """The TU registers the letter through ``/baru``; returns the case number."""
    letter = LETTERS[office.sop.id]
    office.send("TU", "/baru")
    await office.answer("TU", "nomor surat", letter["number"])
    await office.answer("TU", "Tanggal surat", office.today.strftime("%d-%m-%Y"))
    await office.answer("TU", "Instansi", letter["institution"])
    await office.answer("TU", "Keperluan", letter["purpose"])
    await office.answer("TU", "PKS/MoU", letter["pks"])
    prompt = await office.received("TU", "pindaian surat izin")
    office.narrator.flush()
    office.narrator.replied("TU", f"📎 {SCAN_NAME}")
    office.people["TU"].send_document(SCAN, SCAN_NAME, mime_type="application/pdf", reply_to=prompt)
    done = await office.received("TU", "terdaftar")
    return _CASE_NUMBER.search(done.body).group()


async def _to_step_5(office: Office) -> None:
    await office.forward("Direktur", "Langkah 1", "Untuk diproses")
    await office.forward("Kasubdit", "Langkah 2", "Untuk diproses")
    await _from_step_3(office)


async def _from_step_3(office: Office) -> None:
    await office.forward("Kasi", "Langkah 3", "Segera", to="Gita Permata")
    await _report(office, "Daftar NIK peserta untuk verifikasi", "1200")


async def _report(office: Office, description: str, records: str, arrival: str = "Langkah 4") -> None:
    message = await office.received("Operator", arrival)
    message = await office.press("Operator", message, "Laporkan data")
    await office.press("Operator", message, "Berkas (softcopy)")
    await office.answer("Operator", "uraian data", description)
    await office.answer("Operator", "Jumlah record", records)
    await office.answer("Operator", "SHA-256", hashlib.sha256(description.encode()).hexdigest())
    await office.answer("Operator", "Lokasi", "/srv/ldk/ekspor/2026-11/verifikasi.csv")


async def _from_step_5(office: Office) -> None:
    message = await office.received("Kasi", "Langkah 5")
    await office.press("Kasi", message, "Terima data")
    await office.forward("Kasubdit", "Langkah 6", "Untuk diketahui")
    await _sign_and_dispatch(office, "Langkah 7", "Langkah 8")


async def _sign_and_dispatch(office: Office, sign_step: str, dispatch_step: str) -> None:
    """The signer signs with the PIN; the operator receives the dispatch step with its two PDFs and
    ticks the checklist; the Direktur is told the case is done."""
    message = await office.received(office.signer, sign_step)
    await office.press(office.signer, message, "Tandatangani")
    await office.answer(office.signer, "kirim PIN", PIN, shown="•" * len(PIN))
    message = await office.received("Operator", dispatch_step)
    operator = office.people["Operator"]
    await office.server.wait_for_async(
        lambda: sum(1 for m in operator.messages if m.document) >= 2, timeout=TIMEOUT
    )
    await _dispatch(office, message)
    await office.received("Direktur", "selesai")


async def _dispatch(office: Office, message: ChatMessage) -> None:
    """The operator ticks the dispatch checklist item by item, as the SOP lists it (its labels are
    the buttons), answering what each item asks."""
    items = office.sop.first_of(StepKind.DISPATCH).checklist
    operator = office.people["Operator"]
    for item in items:
        message = await office.press("Operator", message, f"☐ {item.label}")
        if item.needs is Needs.NOTHING:
            continue
        question = item.ask if item.needs is Needs.TEXT else "foto atau PDF"
        await office.answer("Operator", question, DISPATCH_VALUES.get(item.key, "sudah"))
        if item is not items[-1]:
            message = await operator.wait_for_edit_async(message, timeout=TIMEOUT)
    await office.received("Operator", f"{items[-1].label} — dicatat")


async def happy(office: Office) -> None:
    """A whole case, letter to receipt."""
    await _to_step_5(office)
    await _from_step_5(office)


async def returned(office: Office) -> None:
    """The Kasi returns the data to the operator, who reports it again."""
    await _to_step_5(office)
    message = await office.received("Kasi", "Langkah 5")
    await office.press("Kasi", message, "Kembalikan")
    await office.answer("Kasi", "alasan pengembalian", "Jumlah record tidak sesuai surat izin")
    await _report(office, "Daftar NIK peserta (perbaikan)", "1150", arrival="Dikembalikan ke langkah 4")
    await _from_step_5(office)


async def rejected(office: Office) -> None:
    """The Kasubdit refuses the request."""
    await office.forward("Direktur", "Langkah 1", "Untuk diproses")
    message = await office.received("Kasubdit", "Langkah 2")
    await office.press("Kasubdit", message, "Tolak")
    await office.answer("Kasubdit", "alasan penolakan", "Surat izin sudah kedaluwarsa")
    await office.received("Direktur", "ditolak")


async def late(office: Office) -> None:
    """The Kasubdit leaves step 2 past its SOP time: a reminder comes, then the Direktur is told."""
    await office.forward("Direktur", "Langkah 1", "Untuk diproses")
    await office.received("Kasubdit", "Langkah 2")
    office.narrator.note("the Kasubdit leaves step 2 alone past its SOP time (5 s here)…")
    reminder = await office.received("Kasubdit", "Pengingat")
    await office.received("Direktur", "Eskalasi")  # at twice the SOP time, one level up
    await office.forward("Kasubdit", "Langkah 2", "Untuk diproses", message=reminder)
    await _from_step_3(office)
    await _from_step_5(office)


async def aggregate_happy(office: Office) -> None:
    """SOP 7.4.4.2, a whole case: the Direktur to the Kasi, who gives an operator access; the
    operator reports the aggregate, the Kasi checks it, the Kasubdit signs, the operator sends it."""
    await office.forward("Direktur", "Langkah 1", "Untuk diproses")
    await office.forward("Kasi", "Langkah 2", "Segera", to="Gita Permata")
    await _report(office, "Jumlah penduduk per kecamatan menurut kelompok umur", "627", arrival="Langkah 3")
    message = await office.received("Kasi", "Langkah 4")
    await office.press("Kasi", message, "Terima data")
    await _sign_and_dispatch(office, "Langkah 5", "Langkah 6")


#: The scenarios each shipped SOP's demo plays (by SOP id, then by name).
SCENARIOS = {
    "ldk": {
        "happy": Scenario(signs=True, play=happy),
        "return": Scenario(signs=True, play=returned),
        "reject": Scenario(signs=False, play=rejected),
        "late": Scenario(signs=True, play=late),
    },
    "dag": {"happy": Scenario(signs=True, play=aggregate_happy)},
}
