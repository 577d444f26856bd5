"""Officials move a case from their phones: the real bot against the project's Bot API server."""

import asyncio

from sqlalchemy import select

from tests.bot.conftest import link, running_bot
from tests.conftest import letter
from workflow.db.models import AuditRow, OfficialRow


def audit(sessions, **where):
    with sessions() as s:
        return list(s.scalars(select(AuditRow).filter_by(**where).order_by(AuditRow.seq)))


def test_officials_link_and_forward_a_case_with_buttons(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = link(server, sessions, "dir", 1001, "Andi")
            welcome = await direktur.wait_for_message_async(contains="Selamat datang")
            kasubdit = link(server, sessions, "ksd1", 1002, "Budi")
            await kasubdit.wait_for_message_async(contains="Selamat datang")

            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            direktur.press(step1, "Teruskan")
            picks = await direktur.wait_for_edit_async(step1)
            direktur.press(picks, "Untuk diproses")
            people = await direktur.wait_for_edit_async(picks)
            direktur.press(people, "Kepada Budi Kasubdit")
            done = await direktur.wait_for_edit_async(people, contains="Diteruskan")
            step2 = await kasubdit.wait_for_message_async(contains="Langkah 2")
            return welcome, step1, picks, people, done, step2, number

    welcome, step1, picks, people, done, step2, number = asyncio.run(scenario())

    assert "Dr. Andi Direktur" in welcome.text
    assert number in step1.text and "BPJS Kesehatan" in step1.text and "WIB" in step1.text
    assert [b.text for row in step1.buttons for b in row] == [
        "Diterima",
        "Teruskan",
        "Catatan",
        "Tolak",
        "Alihkan",
        "Riwayat",
    ]  # no return at step 1
    assert "Untuk diproses" in [b.text for row in picks.buttons for b in row]
    assert {b.text for row in people.buttons for b in row} >= {
        "Kepada Budi Kasubdit",
        "Kepada Citra Kasubdit",
    }
    assert not done.buttons and "Budi Kasubdit" in done.text
    assert "Untuk diproses" in step2.text
    assert cases.view(number).case.current.assignee == "ksd1"
    with sessions() as s:
        assert s.scalar(select(OfficialRow.telegram_id).where(OfficialRow.key == "dir")) == 1001


def test_the_commands_are_registered_in_indonesian_and_english(server, office):
    _, _, settings = office

    async def scenario():
        async with running_bot(settings):
            pass

    asyncio.run(scenario())

    default = {c["command"]: c["description"] for c in server.commands()}
    english = {c["command"]: c["description"] for c in server.commands(language_code="en")}
    assert default["baru"] == "Daftarkan surat izin baru"
    assert english["baru"] == "Register a new permit letter"
    assert set(default) == set(english) >= {"baru", "pin", "terima", "bahasa", "batal", "start"}
