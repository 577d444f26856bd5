"""Telegram trouble after a press was acted on: the action stands, and the official still learns
its outcome, never "an error occurred". The real bot against the project's Bot API server."""

import asyncio

import pytest

from botapi import BotApiServer
from tests.bot.conftest import TOKEN, handled_so_far, link, running_bot
from tests.conftest import letter
from tests.driving import audit_rows

DIR, KSD1 = (1001, "Andi"), (1002, "Budi")
ERROR = "terjadi kesalahan"


@pytest.fixture
def server():
    """Telegram takes an answer to a press for one second only, so a press held up by an outage
    is too old to answer by the time the bot sees it."""
    with BotApiServer(TOKEN, per_chat_rate=None, global_rate=None, callback_timeout=1.0) as running:
        yield running


async def at_the_kepada_buttons(server, sessions, cases):
    """The Direktur, with a case's Kepada buttons on screen, and Budi Kasubdit linked."""
    direktur = link(server, sessions, "dir", *DIR)
    kasubdit = link(server, sessions, "ksd1", *KSD1)
    await kasubdit.wait_for_message_async(contains="Selamat datang")
    number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
    step1 = await direktur.wait_for_message_async(contains="Langkah 1")
    direktur.press(step1, "Teruskan")
    picks = await direktur.wait_for_edit_async(step1)
    direktur.press(picks, "Untuk diproses")
    return direktur, kasubdit, number, await direktur.wait_for_edit_async(picks)


def test_a_press_too_old_to_answer_after_an_outage_still_acts_and_shows_the_outcome(server, office):
    cases, sessions, settings = office

    short_polls = settings.model_copy(update={"poll_timeout_seconds": 1})  # so the outage meets a poll

    async def scenario():
        async with running_bot(short_polls):
            direktur, kasubdit, number, people = await at_the_kepada_buttons(server, sessions, cases)
            server.fail("getUpdates", times=None, seconds=2.5)  # the bot cannot hear Telegram
            await server.wait_for_async(lambda: server.count("getUpdates", status=502))

            query = direktur.press(people, "Kepada Budi Kasubdit")
            done = await direktur.wait_for_edit_async(people, contains="Diteruskan", timeout=10)
            step2 = await kasubdit.wait_for_message_async(contains="Langkah 2", timeout=10)
            await handled_so_far(direktur)  # an error message, if one were sent, is here by now
            return number, query, done, step2, direktur.messages

    number, query, done, step2, messages = asyncio.run(scenario())

    answers = [
        r
        for r in server.requests
        if r.method == "answerCallbackQuery" and r.params["callback_query_id"] == query
    ]
    assert [r.status for r in answers] == [400]  # "query is too old"
    assert "Diteruskan" in done.text and not done.buttons
    assert number in step2.text
    assert not any(ERROR in m.text for m in messages)
    assert len(audit_rows(sessions, action="forward", result="ok")) == 1


def test_a_network_outage_after_the_action_shows_the_outcome_once_telegram_answers_again(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur, _, number, people = await at_the_kepada_buttons(server, sessions, cases)
            for method in ("answerCallbackQuery", "editMessageText"):
                server.fail(method, times=None, seconds=2)

            direktur.press(people, "Kepada Budi Kasubdit")
            done = await direktur.wait_for_edit_async(people, contains="Diteruskan", timeout=15)
            await handled_so_far(direktur)  # an error message, if one were sent, is here by now
            return number, done, direktur.messages

    number, done, messages = asyncio.run(scenario())

    assert "Diteruskan" in done.text and not done.buttons
    assert server.count("editMessageText", status=502) >= 1
    assert not any(ERROR in m.text for m in messages)
    assert cases.view(number).case.current.assignee == "ksd1"
    assert len(audit_rows(sessions, action="forward", result="ok")) == 1
