"""What the bot logs at INFO is what happened to cases; LOG_FORMAT=json writes one object a line."""

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.logs import setup_logging
from tests.bot.conftest import TOKEN, running_bot
from tests.conftest import letter


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


def counted(obj, name: str) -> list[None]:
    """Replace the method ``obj.name`` by one that notes each call that returned (from any thread)."""
    done: list[None] = []
    method = getattr(obj, name)

    if asyncio.iscoroutinefunction(method):

        async def wrapper(*args, **kwargs):
            result = await method(*args, **kwargs)
            done.append(None)
            return result
    else:

        def wrapper(*args, **kwargs):
            result = method(*args, **kwargs)
            done.append(None)
            return result

    setattr(obj, name, wrapper)
    return done


async def until(predicate, timeout: float = 10.0) -> None:
    """Wait until ``predicate()`` holds (checked every 20 ms), or fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, f"{predicate} still false after {timeout} s"
        await asyncio.sleep(0.02)


def test_an_idle_bot_logs_nothing_at_info(office, clock, logging_as_run, capfd):
    cases, _, settings = office
    logging_as_run("INFO", TOKEN)

    async def scenario():
        async with running_bot(settings, sweep_interval=0.2) as app:
            sweeps = counted(app.bot_data.extra["sweep"], "run")
            passes = counted(app.bot_data.delivery, "run_once")
            capfd.readouterr()
            await until(lambda: len(sweeps) >= 5 and len(passes) >= 2)  # the bot did its rounds
            idle = capfd.readouterr().err
            clock.now = datetime.now(UTC) - timedelta(hours=2)  # a case overdue at once: not idle
            await asyncio.to_thread(cases.open_case, letter(), "tu1")
            opened = len(sweeps)
            await until(lambda: len(sweeps) >= opened + 2)
            return idle, capfd.readouterr().err

    idle, busy = asyncio.run(scenario())

    assert [line for line in idle.splitlines() if " INFO " in line] == []
    assert any(" INFO " in line and " reminded by sla " in line for line in busy.splitlines())
