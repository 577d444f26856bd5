"""A change made to a case outside Telegram reaches whoever holds its open step: the real
``disposisi`` command line beside the real bot, against the project's Bot API server."""

import asyncio
import os
import sys

from tests.bot.conftest import link, running_bot
from tests.conftest import PIN, TEST_AUDIT_KEY, letter
from tests.driving import drive_to, outbox

DIR = (1001, "Andi")


async def disposisi(settings, cwd, *args: str) -> tuple[int, str]:
    """Run the command line as an operator would, against the bot's database."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "AUDIT_KEY": TEST_AUDIT_KEY.decode(),
        "SIGNING_KEY_FILE": str(settings.signing_key_file),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode, output.decode()


def test_a_permit_scan_recorded_by_the_cli_sends_the_signer_a_fresh_step_and_the_old_one_says_so(
    server, office, tmp_path
):
    cases, sessions, settings = office
    scan = tmp_path / "izin.pdf"
    scan.write_bytes(b"%PDF-1.4 surat izin pemanfaatan data")

    async def scenario():
        async with running_bot(settings):
            direktur = link(server, sessions, "dir", *DIR)
            await direktur.wait_for_message_async(contains="Selamat datang")
            number = (await asyncio.to_thread(cases.open_case, letter(scan=None), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 7)
            old = await direktur.wait_for_message_async(contains="Langkah 7", timeout=10)

            status, output = await disposisi(settings, tmp_path, "case", "scan", number, str(scan))
            fresh = await direktur.wait_for_message_async(contains="Berkas diperbarui", timeout=10)
            replaced = await direktur.wait_for_edit_async(old, contains="sudah diganti")
            direktur.press(fresh, "Tandatangani")
            direktur.reply(await direktur.wait_for_message_async(contains="kirim PIN"), PIN)
            signed = await direktur.wait_for_edit_async(fresh, contains="Ditandatangani")
            return number, old, status, output, fresh, replaced, signed

    number, old, status, output, fresh, replaced, signed = asyncio.run(scenario())

    assert status == 0, output
    assert "Pindaian surat izin belum tercatat" in old.text and old.buttons
    assert "pindaian surat izin telah dicatat oleh cli:" in fresh.text
    assert "Pindaian surat izin: SHA-256" in fresh.text and "Tandatangani" in fresh.button_texts
    assert not replaced.buttons and number in replaced.text
    assert not signed.buttons
    assert cases.view(number).case.signature.signer == "dir"
    assert outbox(sessions, recipient="dir", kind="step_updated") == [("dir", "step_updated", 7)]
