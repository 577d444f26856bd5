"""The record of messages left carrying a case's buttons: which are out of date once the case
moves on, and recording with the outbox's own ``sent``, on SQLite and PostgreSQL (the message an
official acts from: ``tests/test_desk.py``)."""

import pytest
from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handlers.intake import FORCE_PREFIX
from bot.keyboards import made_for
from tests.conftest import build_services, letter
from tests.driving import step_action
from workflow.db.models import ButtonMessageRow
from workflow.service.buttons import ButtonMessages, Keyboard
from workflow.service.outbox import OutboxService

CHAT = 1002


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office(request, sops, roster, clock):
    """The case service and the button record, on one clock, in a migrated database."""
    pg = request.param == "postgres"
    url = request.getfixturevalue("postgres_url" if pg else "db_url")
    cases, sessions, engine = build_services(url, sops, roster, clock, migrate=pg)
    yield cases, sessions, ButtonMessages(sessions, clock)
    engine.dispose()


def opened(cases):
    return cases.open_case(letter(), "tu1", assignee="dir")


def test_buttons_are_out_of_date_only_once_the_case_moved_past_their_version(office):
    cases, _, buttons = office
    case = opened(cases)
    buttons.shown(CHAT, 10, (case.id, case.version))
    before = buttons.outdated()

    cases.act(case.number, "dir", step_action(1))

    assert before == []
    assert buttons.outdated() == [Keyboard(CHAT, 10, case.id, case.version)]


def test_a_message_shown_again_for_the_new_version_is_not_out_of_date(office):
    cases, _, buttons = office
    case = opened(cases)
    buttons.shown(CHAT, 10, (case.id, case.version))
    after = cases.act(case.number, "dir", step_action(1))

    buttons.shown(CHAT, 10, (case.id, after.version))

    assert buttons.outdated() == []


def test_cleared_forgets_the_message_unless_it_was_shown_again_meanwhile(office):
    cases, sessions, buttons = office
    case = opened(cases)
    buttons.shown(CHAT, 10, (case.id, case.version))
    buttons.shown(CHAT, 11, (case.id, case.version))
    after = cases.act(case.number, "dir", step_action(1))
    stale = buttons.outdated()
    buttons.shown(CHAT, 11, (case.id, after.version))  # fresh buttons put on it in the meantime

    for keyboard in stale:
        buttons.cleared(keyboard)

    with sessions() as session:
        left = session.execute(select(ButtonMessageRow.message_id, ButtonMessageRow.case_version)).all()
    assert [tuple(row) for row in left] == [(11, after.version)]


def test_the_outbox_records_the_buttons_of_what_it_sent_and_forgets_a_message_edited_without(office, clock):
    cases, sessions, buttons = office
    case = opened(cases)
    outbox = OutboxService(sessions, clock)
    first, *_ = outbox.claim("replica")
    outbox.sent(first, CHAT, 20, (case.id, case.version))
    cases.act(case.number, "dir", step_action(1))
    listed = [k.message_id for k in buttons.outdated()]

    buttons.shown(CHAT, 20, None)  # edited to its outcome, without buttons

    assert listed == [20]
    assert buttons.outdated() == []


def test_a_keyboard_is_made_for_the_case_and_version_its_callback_data_names():
    step = InlineKeyboardMarkup([[InlineKeyboardButton("Teruskan", callback_data="1.pi.12.88.5")]])
    force = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Tetap daftarkan", callback_data=f"{FORCE_PREFIX}ab12")]]
    )

    assert made_for(step) == (12, 5)
    assert made_for(force) is None
    assert made_for(None) is None
