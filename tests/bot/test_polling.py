"""Long polling as Telegram intends: each getUpdates waits up to POLL_TIMEOUT_SECONDS (30 by
default) for an update, and stopping the bot does not wait for the poll in flight."""

import asyncio
from time import perf_counter

from tests.bot.conftest import running_bot


def test_the_bot_polls_long_and_stops_promptly(server, office):
    _, _, settings = office
    assert settings.poll_timeout_seconds == 30

    async def scenario() -> float:
        async with running_bot(settings):
            server.user(5005, "Siapa").send("/start")  # ends the first poll, which is then logged
            await server.wait_for_async(lambda: server.calls("getUpdates"), timeout=10)
            await asyncio.sleep(0.5)  # the next poll is held open by the server
            stopping = perf_counter()
        return perf_counter() - stopping

    took = asyncio.run(scenario())

    first = server.calls("getUpdates")[0]
    assert int(first["timeout"]) >= 25
    assert took < 2.0
