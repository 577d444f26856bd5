"""The bot token, PINs and one-time codes never reach a log line, even at DEBUG, even when a
handler fails."""

import asyncio
import logging
from datetime import timedelta

from bot.logs import RedactToken, setup_logging
from tests.bot.conftest import TOKEN, link, running_bot
from tests.conftest import PIN, letter
from tests.driving import drive_to
from workflow.service.pins import Pins
from workflow.sopfile import load_sops

SOPS = load_sops()  # the shipped SOPs: whoever signs at a step of one may hold a PIN


def test_the_filter_redacts_the_token_in_messages_arguments_and_tracebacks():
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "POST %s", (f"/bot{TOKEN}/getMe",), None)
    try:
        raise RuntimeError(f"failed at https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        import sys

        failing = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())

    RedactToken(TOKEN).filter(record)
    RedactToken(TOKEN).filter(failing)

    assert TOKEN not in record.getMessage() and "<token>" in record.getMessage()
    assert TOKEN not in failing.exc_text


def test_anything_shaped_like_a_bot_token_is_redacted_even_if_unknown():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "url /bot123456789:AAbbCCddEEffGGhhIIjjKKllMMnn/x", (), None
    )

    RedactToken(None).filter(record)

    assert "123456789:AA" not in record.getMessage()


def at_debug(scenario):
    """Run ``scenario`` with the logging ``disposisi run`` sets up at LOG_LEVEL=DEBUG; its result."""
    setup_logging("DEBUG", TOKEN)
    try:
        return asyncio.run(scenario())
    finally:
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)


def test_a_debug_session_of_the_real_bot_never_logs_the_token(server, office, capfd):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            user = link(server, sessions, "dir", 1001, "Andi")
            await user.wait_for_message_async(contains="Selamat datang")

    at_debug(scenario)

    err = capfd.readouterr().err
    assert "getUpdates" in err or "sendMessage" in err  # it did log, at DEBUG
    assert TOKEN not in err
    assert TOKEN.split(":")[1] not in err


def test_a_debug_session_never_logs_a_pin_or_a_one_time_code(server, office, capfd):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            user = link(server, sessions, "dir", 1001, "Andi")
            await user.wait_for_message_async(contains="Selamat datang")
            code = await asyncio.to_thread(Pins(sessions, SOPS).issue_code, "dir", "adm", timedelta(hours=1))
            user.send("/pin")
            user.reply(await user.wait_for_message_async(contains="PIN penandatanganan baru"), "975310")
            user.reply(await user.wait_for_message_async(contains="sekali lagi"), "975310")
            user.reply(await user.wait_for_message_async(contains="Terakhir, kirim kode sekali pakai"), code)
            await user.wait_for_message_async(contains="PIN penandatanganan disimpan")
            return code

    code = at_debug(scenario)

    err = capfd.readouterr().err
    assert "sendMessage" in err  # it did log, at DEBUG
    assert "975310" not in err and code not in err


def test_a_handler_that_fails_on_a_pin_answer_logs_which_update_failed_but_never_the_pin(
    server, office, caplog
):
    cases, sessions, settings = office

    def database_gone(*args, **kwargs):
        raise RuntimeError("the database does not answer")

    async def scenario():
        async with running_bot(settings) as app:
            direktur = link(server, sessions, "dir", 1001, "Andi")
            await direktur.wait_for_message_async(contains="Selamat datang")
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 7)
            step7 = await direktur.wait_for_message_async(contains="Langkah 7", timeout=10)
            direktur.press(step7, "Tandatangani")
            prompt = await direktur.wait_for_message_async(contains="kirim PIN")
            app.bot_data.runtime.desk.answer = database_gone

            direktur.reply(prompt, PIN)
            return await direktur.wait_for_message_async(contains="terjadi kesalahan")

    with caplog.at_level(logging.INFO):
        told = asyncio.run(scenario())

    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert told and len(failed) == 1 and "handler failed for update" in failed[0].getMessage()
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "the database does not answer" in logged  # the traceback is kept
    assert PIN not in logged
