"""A bare case number in the bot's commands: it finds the one case that has it; when several SOPs'
cases have it, the official is told to send the full number, with those they may see listed."""

import asyncio

import pytest

from tests.bot.conftest import link, running_bot, this_years_clock
from tests.conftest import letter
from tests.driving import audit_rows

#: The cases of these tests are this year's: the bot reads a bare case number on the real clock.
clock = pytest.fixture(this_years_clock, name="clock")


def test_a_bare_number_of_two_sops_cases_asks_for_the_full_number(server, office):
    cases, sessions, settings = office
    ldk = cases.open_case(letter(number="470/1"), "tu1", sop_id="ldk").number
    mini = cases.open_case(letter(number="470/2"), "tu1", sop_id="mini").number

    async def scenario():
        async with running_bot(settings):
            direktur = link(server, sessions, "dir", 1001, "Andi")
            kasi2 = link(server, sessions, "kasi2", 1010, "Eko")
            await direktur.wait_for_message_async(contains="Selamat datang")
            await kasi2.wait_for_message_async(contains="Selamat datang")
            direktur.send("/status 1")
            listed = await direktur.wait_for_message_async(contains="Beberapa berkas")
            kasi2.send("/status 1")
            unlisted = await kasi2.wait_for_message_async(contains="Beberapa berkas")
            direktur.send(f"/status {mini.lower()}")
            status = await direktur.wait_for_message_async(contains="📋")
            return listed, unlisted, status

    listed, unlisted, status = asyncio.run(scenario())

    assert listed.text == f"Beberapa berkas bernomor itu: {ldk} atau {mini}. Kirim nomor lengkapnya."
    assert unlisted.text == "Beberapa berkas bernomor itu. Kirim nomor lengkapnya (contoh: LDK-2026-0001)."
    assert mini in status.text
    refused = [r for r in audit_rows(sessions, actor="dir") if r.action == "status"]
    assert [(r.result, r.reason_code) for r in refused] == [("refused", "case_ambiguous")]
