"""The real bot (``build_application``) against the project's Bot API server on 127.0.0.1."""

import asyncio
import contextlib
import copy
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from bot.app import build_application, running
from bot.settings import Settings
from botapi import BotApiServer
from tests.conftest import SIGNING_KEY_FILE, TEST_AUDIT_KEY, WIB, Clock, build_services, letter
from workflow.service.identity import IdentityService

TOKEN = "424242:TEST-token-for-the-fake-server-only"


@pytest.fixture
def server():
    with BotApiServer(TOKEN, per_chat_rate=None, global_rate=None) as running:
        yield running


@pytest.fixture(scope="session")
def roster(roster):
    """The test roster without its stand-in week: the bot checks stand-ins against the real clock,
    so the bot tests must not depend on which week they happen to run in."""
    return replace(roster, stand_ins=())


def this_years_clock() -> Clock:
    """The office clock on 24 November of this year, 09:00 WIB: for tests whose cases the bot must
    find by a bare number, which it reads as this year's on the real clock."""
    return Clock(datetime(datetime.now(WIB).year, 11, 24, 2, 0, tzinfo=UTC))


def bot_settings(database_url: str, server, **extra) -> Settings:
    """Settings for a bot on ``database_url`` talking to the fake Bot API ``server``: no .env, the
    shipped SOPs, round-the-clock office time; ``extra`` overrides or adds settings."""
    values = {
        "database_url": database_url,
        "audit_key": TEST_AUDIT_KEY.decode(),
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": server.base_url,
        "sop_path": None,
        "office_calendar": "24/7",
    }
    return Settings(_env_file=None, **(values | extra))


@pytest.fixture
def office(db_url, sops, roster, clock, server):
    """The test roster in a migrated database, the services, and settings pointing at the server."""
    cases, sessions, engine = build_services(db_url, sops, roster, clock)
    yield cases, sessions, bot_settings(db_url, server, signing_key_file=SIGNING_KEY_FILE)
    engine.dispose()


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, **options) -> AsyncIterator[Application]:
    """The application as ``disposisi run`` builds it, polling the server; without the per-chat
    limit unless told (the ``server`` fixture has none)."""
    options = {"per_chat_rate": None, "sweep_interval": None, **options}  # cases run on a fake clock
    async with running(build_application(settings, **options)) as app:
        yield app


def link(server: BotApiServer, sessions, key: str, telegram_id: int, name: str):
    """Invite ``key`` and redeem the invitation from a Telegram user, as an official would."""
    code = IdentityService(sessions).invite(key, "adm", timedelta(hours=1))
    user = server.user(telegram_id, name)
    user.send(f"/start {code}")
    return user


async def linked(server: BotApiServer, sessions, key: str, who: tuple[int, str]):
    """``link`` and wait for the welcome: the official is ready to receive their steps."""
    user = link(server, sessions, key, *who)
    await user.wait_for_message_async(contains="Selamat datang")
    return user


async def handled_so_far(user, timeout: float = 10.0) -> None:
    """The positive control beside a check that nothing more came: ``user`` sends /bantuan and
    waits for its reply. The bot handles updates one at a time, in the order they came, so once
    the reply is here every update sent before it has been handled, error handler included, and
    whatever those handlers sent is on the server: a check after this cannot pass merely because
    the bot was slow. (Messages queued in the outbox go out later: wait for those separately.)"""
    user.send("/bantuan")
    await user.wait_for_message_async(contains="Bot disposisi", timeout=timeout)


async def forward_mini_case_to_budi(cases, direktur) -> None:
    """Open a case on the mini SOP with the Direktur, who forwards it to Budi Kasubdit by buttons;
    step 2 of the mini SOP lasts 2 seconds, so its reminder falls due almost at once."""
    await asyncio.to_thread(cases.open_case, letter(), "tu1", sop_id="mini", assignee="dir")
    step1 = await direktur.wait_for_message_async(contains="Langkah 1")
    direktur.press(step1, "Teruskan")
    picks = await direktur.wait_for_edit_async(step1)
    direktur.press(picks, "Untuk diproses")
    people = await direktur.wait_for_edit_async(picks)
    direktur.press(people, "Kepada Budi Kasubdit")


#: The /baru button of SOP 7.4.4.1 (two SOPs ship, so /baru asks which one).
LDK_BUTTON = "SOP 7.4.4.1: Layanan Data dan Informasi Kependudukan"
DAG_BUTTON = "SOP 7.4.4.2: Layanan Permohonan Data Agregat Kependudukan"


async def choose_sop(user, button: str = LDK_BUTTON):
    """Answer /baru's (or a scan's) first question, which SOP the letter goes to: 7.4.4.1 unless
    told; returns the question's message as the press left it."""
    question = await user.wait_for_message_async(contains="SOP yang mana", timeout=10)
    user.press(question, button)
    return await user.wait_for_edit_async(question, timeout=10)


def forge_press(server, user, message, data: str) -> str:
    """A modified Telegram client presses ``data`` on ``message``, a button the bot never put there.

    ``user.press`` only presses buttons on the message's keyboard; this pushes the raw
    callback_query update instead. Returns the query id.
    """
    store = server.store
    with store.lock:
        record = store.message(user.id, message.message_id)
        query = store.add_callback(user.id, message.message_id, data)
        store.push_update(
            "callback_query",
            {
                "id": query.id,
                "from": store.users[user.id].data,
                "message": copy.deepcopy(record.data),
                "chat_instance": str(user.id),
                "data": data,
            },
        )
    return query.id
