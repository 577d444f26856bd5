"""A step left alone past its SOP time brings a reminder with its buttons, then an escalation."""

import asyncio

from tests.bot.conftest import forward_mini_case_to_budi, link, running_bot


def test_a_two_second_step_left_alone_brings_a_reminder_then_an_escalation(server, office):
    cases, sessions, settings = office  # 24/7 calendar

    async def scenario():
        async with running_bot(settings, sweep_interval=0.5):
            direktur = link(server, sessions, "dir", 1001, "Andi")
            kasubdit = link(server, sessions, "ksd1", 1002, "Budi")
            await direktur.wait_for_message_async(contains="Selamat datang")
            await kasubdit.wait_for_message_async(contains="Selamat datang")
            await forward_mini_case_to_budi(cases, direktur)
            reminder = await kasubdit.wait_for_message_async(contains="Pengingat 1", timeout=15)
            return reminder, await direktur.wait_for_message_async(contains="Eskalasi", timeout=20)

    reminder, escalation = asyncio.run(scenario())

    assert "melewati waktu SOP" in reminder.text and "Teruskan" in reminder.button_texts
    assert "Budi Kasubdit" in escalation.text and "Alihkan" in escalation.button_texts
