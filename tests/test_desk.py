"""The desk without the bot: a press or an answer is one transaction that checks, acts, writes and
returns what to show; a refusal is audited in that same transaction; the message pressed is
recorded with the action, so the clearing of outdated buttons never touches it. SQLite and
PostgreSQL."""

import pytest
from sqlalchemy import func, select, update

from tests.conftest import PIN, SEAL, WIB, build_services, letter
from tests.driving import drive_to, step_action
from tests.statements import StatementCounter
from workflow.db.models import AuditRow, OfficialRow, PendingInputRow
from workflow.errors import DomainError
from workflow.presses import Press, key_tag
from workflow.service.answering import Answer
from workflow.service.buttons import ButtonMessages
from workflow.service.desk import Desk
from workflow.service.pending import Pending, PendingInputs

DIR, KSD = 1001, 1002  # the Direktur's and the Kasubdit's Telegram accounts
CHAT, MESSAGE = 1001, 10


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office(request, sops, roster, clock):
    pg = request.param == "postgres"
    url = request.getfixturevalue("postgres_url" if pg else "db_url")
    cases, sessions, engine = build_services(url, sops, roster, clock, migrate=pg)
    with sessions.begin() as session:
        for key, telegram_id in (("dir", DIR), ("ksd1", KSD)):
            session.execute(update(OfficialRow).where(OfficialRow.key == key).values(telegram_id=telegram_id))
    desk = Desk(sessions, sops, tz=WIB, clock=clock, seal=SEAL)
    yield cases, sessions, desk, engine
    engine.dispose()


def audit_rows(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditRow))


def test_a_forward_press_is_one_transaction_that_acts_and_returns_both_states(office):
    cases, sessions, desk, engine = office
    case = cases.open_case(letter(), "tu1", assignee="dir")
    buttons = ButtonMessages(sessions)
    buttons.shown(CHAT, MESSAGE, (case.id, case.version))
    press = Press("fw", case.id, case.current.id, case.version, ("0", key_tag("ksd1")))

    with StatementCounter(engine) as counter:
        result = desk.press(DIR, press, (CHAT, MESSAGE))
    counts = counter.since(0)

    assert result.show == "done" and result.action == "forward"
    assert result.view.case.version == case.version and result.view.case.current.step_no == 1
    assert result.after.case.version == case.version + 1 and result.after.case.current.assignee == "ksd1"
    assert cases.view(case.number).case.current.step_no == 2  # written
    assert counts.transactions == 1 and counts.by_table()["SELECT cases"] == 0  # read with the official
    assert buttons.outdated() == []  # the pressed message shows the outcome: recorded with the action


def test_a_refused_press_is_audited_in_its_one_transaction_and_changes_nothing(office):
    cases, sessions, desk, engine = office
    case = cases.open_case(letter(), "tu1", assignee="dir")
    press = Press("fw", case.id, case.current.id, case.version, ("0",))
    before = audit_rows(sessions)

    with StatementCounter(engine) as counter:
        result = desk.press(KSD, press, (1002, 5))  # the Kasubdit has no part in the case yet
    counts = counter.since(0)

    assert result.show == "refused" and result.refusal.code == "not_your_case"
    assert counts.transactions == 1 and counts.commits == 1
    assert audit_rows(sessions) == before + 1
    assert cases.view(case.number).case.version == case.version


def test_a_stranger_s_press_does_nothing(office):
    cases, sessions, desk, _ = office
    case = cases.open_case(letter(), "tu1", assignee="dir")
    before = audit_rows(sessions)

    assert desk.press(999, Press("fw", case.id, case.current.id, case.version, ("0",)), None) is None
    assert audit_rows(sessions) == before


def _signing_question(cases, sessions, clock, *, version_behind: int = 0) -> str:
    number = cases.open_case(letter(), "tu1", assignee="dir").number
    drive_to(cases, number, 7)
    case = cases.view(number).case
    signing = {"manifest_hash": case.manifest.checksum()}
    version = case.version - version_behind
    PendingInputs(sessions, clock).put(
        Pending(DIR, "dir", "sign", case.id, case.current.id, version, signing, 50)
    )
    return number


def failures(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(OfficialRow.pin_failures).where(OfficialRow.key == "dir"))


def test_wrong_pins_are_counted_with_their_refusal_and_the_fifth_closes_the_question(office, clock):
    cases, sessions, desk, _ = office
    number = _signing_question(cases, sessions, clock)

    refused = [desk.answer(DIR, CHAT, 50, Answer("0000")).refusal.code for _ in range(5)]

    with sessions() as session:
        left = session.get(PendingInputRow, DIR)
    assert refused == ["wrong_pin"] * 4 + ["pin_locked"]
    assert failures(sessions) == 5 and left is None  # locked: asking again cannot help
    assert desk.answer(DIR, CHAT, None, Answer(PIN)).show == "elsewhere"  # no question open now
    assert cases.view(number).case.current.step_no == 7


def test_every_button_of_the_table_has_its_rule_and_every_rule_its_button():
    from workflow.presses import PRESSES
    from workflow.service import pressing

    assert set(pressing._PRESSES) == set(PRESSES)


def test_an_action_refused_on_the_command_line_is_audited_in_its_one_transaction(office):
    cases, sessions, _, engine = office
    case = cases.open_case(letter(), "tu1", assignee="dir")
    before = audit_rows(sessions)

    with StatementCounter(engine) as counter, pytest.raises(DomainError):
        cases.act(case.number, "ksd1", step_action(1))  # not the holder
    counts = counter.since(0)

    assert counts.transactions == 1 and counts.commits == 1 and counts.rollbacks == 0
    assert audit_rows(sessions) == before + 1


def test_the_right_pin_on_a_refused_signature_leaves_the_wrong_tries_counted(office, clock):
    cases, sessions, desk, _ = office
    _signing_question(cases, sessions, clock, version_behind=1)  # the question is of an older version
    with sessions.begin() as session:
        session.execute(update(OfficialRow).where(OfficialRow.key == "dir").values(pin_failures=3))

    result = desk.answer(DIR, CHAT, 50, Answer(PIN))

    assert result.show == "refused" and result.refusal.code == "case_changed"
    assert failures(sessions) == 3  # cleared only with a signature written


def test_a_file_sent_to_the_pin_question_is_refused_and_the_question_stays(office, clock):
    cases, sessions, desk, _ = office
    _signing_question(cases, sessions, clock)
    scan = Answer("", file_ref="telegram:f1", mime_type="application/pdf", file_name="x.pdf", size=10)

    result = desk.answer(DIR, CHAT, 50, scan)

    with sessions() as session:
        assert session.get(PendingInputRow, DIR) is not None
    assert result.refusal.code == "text_expected"
