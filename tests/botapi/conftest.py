"""Fixtures for the Bot API server tests: a running server, a raw HTTP caller, a running PTB bot."""

import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from telegram.ext import Application, ApplicationBuilder, BaseHandler

from botapi import BotApiServer


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every server a test starts is stopped, and its thread is gone, when the test ends."""
    yield
    leaked = [t.name for t in threading.enumerate() if t.name == "botapi-server"]
    assert leaked == []


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer() as running:
        yield running


Call = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture
def api(server: BotApiServer) -> Iterator[Call]:
    """``api("sendMessage", chat_id=1, text="x")`` → ``(HTTP status, body)``, as a JSON POST."""
    with httpx.Client(base_url=f"{server.api_url}{server.token}/", timeout=10) as client:

        def call(method: str, **params: Any) -> tuple[int, dict[str, Any]]:
            response = client.post(method, json=params)
            return response.status_code, response.json()

        yield call


def build_app(server: BotApiServer, *handlers: BaseHandler, read_timeout: float = 5.0) -> Application:
    """A PTB application pointed at ``server``, exactly as the bot and the demo point theirs."""
    app = (
        ApplicationBuilder()
        .token(server.token)
        .base_url(server.api_url)
        .base_file_url(server.file_url)
        .read_timeout(read_timeout)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    return app


@contextlib.asynccontextmanager
async def polling(server: BotApiServer, *handlers: BaseHandler) -> AsyncIterator[Application]:
    """Run a PTB application with these handlers, long-polling ``server``, for the block's duration."""
    app = build_app(server, *handlers)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
