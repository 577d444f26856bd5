"""/tugas, /status, /cari and /bantuan through the real bot."""

import asyncio

import pytest

from tests.bot.conftest import link, running_bot, this_years_clock
from tests.conftest import letter
from tests.driving import LDK_ITEMS, audit_rows, dispatch, drive_to

#: The cases of these tests are this year's: the bot reads a bare case number on the real clock.
clock = pytest.fixture(this_years_clock, name="clock")


def test_tasks_status_search_and_help(server, office):
    cases, sessions, settings = office
    first = cases.open_case(letter(number="470/1"), "tu1").number
    second = cases.open_case(letter(number="470/2", institution="Badan Pusat Statistik"), "tu1").number
    drive_to(cases, second, 3)

    async def scenario():
        async with running_bot(settings):
            direktur = link(server, sessions, "dir", 1001, "Andi")
            kasi2 = link(server, sessions, "kasi2", 1010, "Eko")
            await direktur.wait_for_message_async(contains="Selamat datang")
            await kasi2.wait_for_message_async(contains="Selamat datang")
            direktur.send("/tugas")
            await direktur.wait_for_message_async(contains="Anda memegang 1 langkah")
            task = await direktur.wait_for_message_async(contains="Langkah 1")
            direktur.send("/status 2")
            status = await direktur.wait_for_message_async(contains="📋")
            kasi2.send(f"/status {second}")
            refused = await kasi2.wait_for_message_async(contains="tidak terlibat dalam berkas ini")
            direktur.send("/status")
            usage = await direktur.wait_for_message_async(contains="Cara pakai")
            direktur.send("/cari statistik")
            found = await direktur.wait_for_message_async(contains="Berkas untuk")
            direktur.send("/bantuan")
            helped = await direktur.wait_for_message_async(contains="/tugas")
            return task, status, refused, usage, found, helped

    task, status, refused, usage, found, helped = asyncio.run(scenario())

    assert first in task.text and "Teruskan" in task.button_texts
    assert (
        "selesai: " in status.text and "dari SOP 5 menit" in status.text and "sedang diproses" in status.text
    )
    assert second not in refused.text
    assert ("status", "refused") in {(r.action, r.result) for r in audit_rows(sessions, actor="kasi2")}
    assert "/status NOMOR-BERKAS" in usage.text
    assert second in found.text and first not in found.text
    assert "/cari" in helped.text


def test_the_holders_superior_reassigns_from_the_status_message(server, office):
    cases, sessions, settings = office
    number = cases.open_case(letter(), "tu1").number
    drive_to(cases, number, 3)  # with Dewi Kasi (kasi1), who reports to Budi Kasubdit (ksd1)

    async def scenario():
        async with running_bot(settings):
            kasubdit = link(server, sessions, "ksd1", 1002, "Budi")
            kasi2 = link(server, sessions, "kasi2", 1010, "Eko")
            await kasubdit.wait_for_message_async(contains="Selamat datang")
            kasubdit.send(f"/status {number}")
            status = await kasubdit.wait_for_message_async(contains="📋")
            kasubdit.press(status, "Alihkan")
            people = await kasubdit.wait_for_edit_async(status)
            kasubdit.press(people, "Kepada Eko Kasi")
            await kasubdit.wait_for_edit_async(people, contains="Dialihkan")
            return status, await kasi2.wait_for_message_async(contains="Langkah 3")

    status, step3 = asyncio.run(scenario())

    assert status.button_texts == ["Alihkan", "Riwayat"]
    assert cases.view(number).case.current.assignee == "kasi2"
    assert number in step3.text


def test_the_jfu_closes_the_case_with_terima(server, office):
    cases, sessions, settings = office
    number = cases.open_case(letter(), "tu1").number
    drive_to(cases, number, 8)  # the operator is op2
    dispatch(cases, number, LDK_ITEMS[:3])

    async def scenario():
        async with running_bot(settings):
            operator = link(server, sessions, "op2", 1005, "Gita")
            await operator.wait_for_message_async(contains="Selamat datang")
            operator.send("/terima")
            usage = await operator.wait_for_message_async(contains="Cara pakai")
            operator.send(f"/terima {number} TT-2026-009")
            return usage, await operator.wait_for_message_async(contains="Tanda terima — dicatat")

    usage, closed = asyncio.run(scenario())

    assert "/terima NOMOR-BERKAS" in usage.text
    assert number in closed.text and "Berkas selesai" in closed.text
    assert cases.view(number).case.checklist["receipt"].value == "TT-2026-009"
