"""A step left alone past its SOP time brings a reminder with its buttons, then an escalation."""

import asyncio

from tests.bot.conftest import link, running_bot
from tests.conftest import letter


def test_a_two_second_step_left_alone_brings_a_reminder_then_an_escalation(server, office):
    cases, sessions, settings = office  # 24/7 calendar

    async def scenario():
        async with running_bot(settings, sweep_interval=0.5):
            direktur = link(server, sessions, "dir", 1001, "Andi")
            kasubdit = link(server, sessions, "ksd1", 1002, "Budi")
            await direktur.wait_for_message_async(contains="Selamat datang")
            await kasubdit.wait_for_message_async(contains="Selamat datang")
            await asyncio.to_thread(cases.open_case, letter(), "tu1", sop_id="mini", assignee="dir")
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            direktur.press(step1, "Teruskan")
            picks = await direktur.wait_for_edit_async(step1)
            direktur.press(picks, "Untuk diproses")
            people = await direktur.wait_for_edit_async(picks)
            direktur.press(people, "Kepada Budi Kasubdit")  # step 2 of the mini SOP lasts 2 seconds
            reminder = await kasubdit.wait_for_message_async(contains="Pengingat 1", timeout=15)
            return reminder, await direktur.wait_for_message_async(contains="Eskalasi", timeout=20)

    reminder, escalation = asyncio.run(scenario())

    assert "melewati waktu SOP" in reminder.text and "Teruskan" in reminder.button_texts
    assert "Budi Kasubdit" in escalation.text and "Alihkan" in escalation.button_texts
