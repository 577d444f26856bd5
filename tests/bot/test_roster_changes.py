"""A roster imported with the real ``disposisi roster import`` while the real bot runs takes effect
at the bot's next press: the bot keeps the roster it read until the roster's stamp moves."""

import asyncio

from tests.bot.conftest import linked, running_bot
from tests.bot.test_outside_changes import disposisi
from tests.conftest import HERE, letter

DIR = (1001, "Andi")


def roster_file(path, old: str, new: str):
    """The test roster without its stand-in week (as the bot tests have it), with the official
    called ``old`` called ``new``."""
    text = (HERE / "data" / "roster.toml").read_text(encoding="utf-8")
    officials = text[: text.index("[[stand_ins]]")]
    assert f'name = "{old}"' in officials
    path.write_text(officials.replace(f'name = "{old}"', f'name = "{new}"'), encoding="utf-8")
    return path


def test_a_roster_imported_from_the_command_line_shows_at_the_next_press(server, office, tmp_path):
    cases, sessions, settings = office
    renamed = roster_file(tmp_path / "roster.toml", "Budi Kasubdit", "Budi Santoso")

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            await asyncio.to_thread(cases.open_case, letter(), "tu1", assignee="dir")
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            direktur.press(step1, "Teruskan")
            picks = await direktur.wait_for_edit_async(step1)
            direktur.press(picks, "Untuk diproses")
            people = await direktur.wait_for_edit_async(picks)

            status, output = await disposisi(settings, tmp_path, "roster", "import", str(renamed))
            direktur.press(people, "Kepada Budi Kasubdit")
            done = await direktur.wait_for_edit_async(people, timeout=10)
            return people, status, output, done

    people, status, output, done = asyncio.run(scenario())

    assert status == 0, output
    assert "Kepada Budi Kasubdit" in people.button_texts  # read before the import: the old name
    assert "Budi Santoso" in done.text and "Budi Kasubdit" not in done.text
