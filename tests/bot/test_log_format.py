"""What the bot logs at INFO is what happened to cases; LOG_FORMAT=json writes one object a line."""

import asyncio
import json
import logging

import pytest

from bot.logs import setup_logging
from tests.bot.conftest import TOKEN, running_bot


@pytest.fixture
def logging_as_run():
    """Undo ``setup_logging`` after the test."""
    yield setup_logging
    logging.getLogger().handlers.clear()
    logging.getLogger().setLevel(logging.WARNING)


def test_json_lines_carry_time_level_logger_message_and_case_and_never_the_token(logging_as_run, capfd):
    logging_as_run("INFO", TOKEN, "json")

    logging.getLogger("workflow.cases").info(
        "%s registered by tu1", "LDK-2026-0001", extra={"case": "LDK-2026-0001"}
    )
    logging.getLogger("httpx").warning("POST https://api.telegram.org/bot%s/getMe failed", TOKEN)

    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines()]
    assert [set(line) for line in lines] == [
        {"time", "level", "logger", "message", "case"},
        {"time", "level", "logger", "message"},
    ]
    assert lines[0]["case"] == "LDK-2026-0001" and lines[0]["message"] == "LDK-2026-0001 registered by tu1"
    assert lines[0]["level"] == "INFO" and lines[0]["time"].endswith("+00:00")
    assert "<token>" in lines[1]["message"] and TOKEN not in json.dumps(lines)


@pytest.mark.parametrize(
    "name", ["apscheduler.executors.default", "matplotlib.font_manager", "fontTools.subset"]
)
def test_routine_library_messages_stay_out_of_info_but_show_at_debug(logging_as_run, capfd, name):
    logging_as_run("INFO", TOKEN)
    logging.getLogger(name).info("Running job (routine)")
    quiet = capfd.readouterr().err

    logging_as_run("DEBUG", TOKEN)
    logging.getLogger(name).info("Running job (routine)")
    debug = capfd.readouterr().err

    assert quiet == ""
    assert "Running job (routine)" in debug


def test_an_idle_bot_logs_nothing_at_info(office, logging_as_run, capfd):
    _, _, settings = office
    logging_as_run("INFO", TOKEN)

    async def scenario():
        async with running_bot(settings, sweep_interval=0.2):
            await asyncio.sleep(0.5)  # started
            capfd.readouterr()
            await asyncio.sleep(2.5)  # a dozen sweeps, two delivery passes
            return capfd.readouterr().err

    idle = asyncio.run(scenario())

    assert [line for line in idle.splitlines() if " INFO " in line] == []
