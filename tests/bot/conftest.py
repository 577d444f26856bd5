"""The real bot (``build_application``) against the project's Bot API server on 127.0.0.1."""

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.botapi import BotApiServer
from bot.settings import Settings
from tests.conftest import TEST_AUDIT_KEY, build_services
from workflow.service.identity import IdentityService

TOKEN = "424242:TEST-token-for-the-fake-server-only"


@pytest.fixture
def server():
    with BotApiServer(TOKEN, per_chat_rate=None, global_rate=None) as running:
        yield running


@pytest.fixture
def office(db_url, sops, roster, clock, server):
    """The test roster in a migrated database, the services, and settings pointing at the server."""
    cases, sessions, engine = build_services(db_url, sops, roster, clock)
    settings = Settings(
        _env_file=None,
        database_url=db_url,
        audit_key=TEST_AUDIT_KEY.decode(),
        telegram_bot_token=TOKEN,
        telegram_api_base_url=server.base_url,
        sop_path=None,
    )
    yield cases, sessions, settings
    engine.dispose()


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[Application]:
    """Start the application as ``disposisi run`` does (post_init included), polling the server."""
    app = build_application(settings, per_chat_interval=0.0)
    async with app:
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)


def link(server: BotApiServer, sessions, key: str, telegram_id: int, name: str):
    """Invite ``key`` and redeem the invitation from a Telegram user, as an official would."""
    code = IdentityService(sessions).invite(key, "adm", timedelta(hours=1))
    user = server.user(telegram_id, name)
    user.send(f"/start {code}")
    return user
