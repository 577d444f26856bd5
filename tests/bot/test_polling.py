"""Long polling as Telegram intends: each getUpdates waits up to POLL_TIMEOUT_SECONDS (30 by
default) for an update, and stopping the bot does not wait for the poll in flight."""

import asyncio
import logging
from time import perf_counter

import httpx

from tests.bot.conftest import running_bot


def poll_held(server) -> bool:
    """Whether a getUpdates is held open by the server now: every poll counts up the server's
    generation when it arrives and is logged only once answered."""
    return server.store.poll_generation > server.count("getUpdates")


def test_the_bot_polls_long_and_stops_promptly(server, office):
    _, _, settings = office
    assert settings.poll_timeout_seconds == 30

    async def scenario() -> float:
        async with running_bot(settings):
            server.user(5005, "Siapa").send("/start")  # ends the first poll, which is then logged
            await server.wait_for_async(lambda: server.calls("getUpdates"), timeout=10)
            await server.wait_for_async(lambda: poll_held(server), timeout=10)  # the next poll
            stopping = perf_counter()
        return perf_counter() - stopping

    took = asyncio.run(scenario())

    first = server.calls("getUpdates")[0]
    assert int(first["timeout"]) >= 25
    assert took < 2.0


def test_another_process_polling_with_the_token_is_named_in_one_line(server, office, caplog):
    _, _, settings = office

    async def scenario() -> None:
        async with running_bot(settings):
            await server.wait_for_async(lambda: poll_held(server), timeout=10)  # the bot's poll
            async with httpx.AsyncClient() as other:  # a second process with the same token
                await other.post(f"{server.api_url}{server.token}/getUpdates", json={"timeout": 0})
            await server.wait_for_async(lambda: server.count("getUpdates", status=409), timeout=5)
            conflicted = server.store.poll_generation
            # the bot polls again only after reporting the conflict: every line about it is logged
            await server.wait_for_async(lambda: server.store.poll_generation > conflicted, timeout=10)

    with caplog.at_level(logging.ERROR, logger="bot.app"):
        asyncio.run(scenario())

    (line,) = [r.getMessage() for r in caplog.records if r.name == "bot.app"]
    assert "another process polls with the same TELEGRAM_BOT_TOKEN" in line
    assert server.token not in line and not any(r.exc_info for r in caplog.records if r.name == "bot.app")
