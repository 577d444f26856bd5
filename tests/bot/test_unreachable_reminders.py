"""A Kasubdit who blocked the bot never sees their reminder: the Direktur gets it, saying the holder
cannot be reached, with *Alihkan*. The real bot against the project's Bot API server."""

import asyncio

from sqlalchemy import select

from tests.bot.conftest import forward_mini_case_to_budi, link, running_bot
from workflow.db.models import OutboxRow


def test_a_blocked_holder_s_reminder_reaches_their_superior_with_alihkan(server, office):
    cases, sessions, settings = office  # 24/7 calendar

    async def scenario():
        async with running_bot(settings, sweep_interval=0.5):
            direktur = link(server, sessions, "dir", 1001, "Andi")
            kasubdit = link(server, sessions, "ksd1", 1002, "Budi")
            await direktur.wait_for_message_async(contains="Selamat datang")
            await kasubdit.wait_for_message_async(contains="Selamat datang")
            kasubdit.block()
            await forward_mini_case_to_budi(cases, direktur)
            told = await direktur.wait_for_message_async(contains="tidak dapat mengirim")
            reminder = await direktur.wait_for_message_async(contains="tidak dapat dihubungi", timeout=15)
            return told, reminder

    told, reminder = asyncio.run(scenario())

    assert "Budi Kasubdit" in told.text
    assert "Pengingat 1" in reminder.text and "Budi Kasubdit tidak dapat dihubungi bot" in reminder.text
    assert "Alihkan" in reminder.button_texts and "Teruskan" not in reminder.button_texts
    with sessions() as s:
        query = select(OutboxRow).where(OutboxRow.kind == "reminder", OutboxRow.step_no == 2)
        first = {(r.recipient, r.status, r.payload.get("holder_unreachable")) for r in s.scalars(query)}
    # A sweep that ran before the 403 came back may have queued one for the Kasubdit: it failed.
    assert first - {("ksd1", "failed", None)} == {("dir", "sent", True)}
