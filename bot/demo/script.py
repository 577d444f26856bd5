"""The scripted officials: each presses the real buttons and answers the bot's questions."""

import asyncio
import hashlib
from dataclasses import dataclass

from bot.botapi import BotApiServer
from bot.botapi.driver import ChatMessage, User
from bot.demo.narrator import Narrator

__all__ = ["PIN", "SCENARIOS", "Office"]

TIMEOUT = 20.0
#: The demo Direktur's signing PIN.
PIN = "246810"


@dataclass
class Office:
    """The demo's officials on their phones, and the narrator."""

    people: dict[str, User]
    narrator: Narrator
    server: BotApiServer

    async def received(self, who: str, contains: str) -> ChatMessage:
        return await self.people[who].wait_for_message_async(contains=contains, timeout=TIMEOUT)

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

    async def forward(self, who: str, step: str, instruction: str, to: str | None = None) -> None:
        message = await self.received(who, step)
        message = await self.press(who, message, "Teruskan")
        message = await self.press(who, message, instruction)
        if to is not None:
            await self.press(who, message, f"Kepada {to}")


async def _to_step_5(office: Office) -> None:
    await office.forward("Direktur", "Langkah 1", "Untuk diproses")
    await office.forward("Kasubdit", "Langkah 2", "Untuk diproses")
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


async def _from_step_5(office: Office, *, late: bool = False) -> None:
    message = await office.received("Kasi", "Langkah 5")
    if late:
        office.narrator.note("the Kasi leaves step 5 alone past its SOP time (15 s here)…")
        await asyncio.sleep(16)
    await office.press("Kasi", message, "Terima data")
    await office.forward("Kasubdit", "Langkah 6", "Untuk diketahui")
    message = await office.received("Direktur", "Langkah 7")
    await office.press("Direktur", message, "Tandatangani")
    await office.answer("Direktur", "kirim PIN", PIN, shown="•" * len(PIN))
    message = await office.received("Operator", "Langkah 8")
    operator = office.people["Operator"]
    await office.server.wait_for_async(
        lambda: sum(1 for m in operator.messages if m.document) >= 2, timeout=TIMEOUT
    )
    message = await office.press("Operator", message, "☐ Sudah digandakan")
    await office.press("Operator", message, "☐ Sudah diarsipkan")
    await office.answer("Operator", "nomor arsip", "ARS-2026-114")
    message = await office.people["Operator"].wait_for_edit_async(message, timeout=TIMEOUT)
    await office.press("Operator", message, "☐ Sudah dikirim")
    await office.answer("Operator", "saluran pengiriman", "email ke pengguna")
    message = await office.people["Operator"].wait_for_edit_async(message, timeout=TIMEOUT)
    await office.press("Operator", message, "☐ Tanda terima")
    await office.answer("Operator", "tanda terima", "TT-2026-009")
    await office.received("Direktur", "selesai")


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
    """A step runs past its SOP time (reminders arrive with the SLA clock)."""
    await _to_step_5(office)
    await _from_step_5(office, late=True)


SCENARIOS = {"happy": happy, "return": returned, "reject": rejected, "late": late}
