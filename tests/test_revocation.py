"""Confirming the operator's data access was revoked: allowed once on a closed case, to the Kasi
who granted it (or their stand-in), audited either way; the case stays closed."""

from datetime import timedelta

import pytest

from tests.conftest import letter
from tests.driving import audit_rows, dispatch, drive_to, open_ldk
from workflow import engine
from workflow.commands import ConfirmRevoked, Forward, Reject, Return, action_name
from workflow.decision import Context, Notice
from workflow.directory import Directory
from workflow.errors import ActionNotAllowed, NotAuthorised, StepAlreadyHandled
from workflow.revocation import RevocationConfirmed, granted_to, granters
from workflow.roster import StandIn
from workflow.states import CaseState, IllegalTransition, check_transition
from workflow.workcalendar import Continuous


def closed_case(cases, clock, **letter_fields) -> str:
    """An ldk case taken through all eight steps; kasi1 granted op2 access at step 3."""
    number = open_ldk(cases, **letter_fields)
    drive_to(cases, number, 8, clock=clock)
    dispatch(cases, number, clock=clock)
    return number


def context(view, clock, directory: Directory | None = None) -> Context:
    return Context(view.sop, directory or view.directory, Continuous(), clock())


@pytest.fixture
def closed(cases, clock):
    number = closed_case(cases, clock)
    clock.advance(minutes=5)
    return number


# -- the engine, on a real closed snapshot (no I/O) -------------------------------------------------


def test_the_granting_kasi_confirms_and_the_case_stays_closed_one_version_on(cases, clock, closed):
    view = cases.view(closed)

    decision = engine.decide(view.case, "kasi1", ConfirmRevoked(), context(view, clock))

    after = decision.case
    assert after.state is CaseState.CLOSED
    assert after.version == view.case.version + 1
    assert (after.access_revoked_at, after.access_revoked_by) == (clock(), "kasi1")
    assert after.steps == view.case.steps and after.closed_at == view.case.closed_at
    assert decision.acting_for is None
    assert decision.notices == (Notice("kasi1", "acted", 8, {"action": "access_revoked"}),)
    assert decision.detail == {"granted_by": ["kasi1"], "access_granted_to": ["op2"]}


def test_a_stand_in_of_the_granting_kasi_confirms_for_them(cases, clock, closed):
    view = cases.view(closed)
    order = StandIn("kasi2", "kasi1", clock() - timedelta(hours=1), clock() + timedelta(days=1), "SP-9")
    directory = Directory(view.directory.officials, (*view.directory.stand_ins, order))

    decision = engine.decide(view.case, "kasi2", ConfirmRevoked(), context(view, clock, directory))

    assert decision.acting_for == "kasi1"
    assert decision.case.access_revoked_by == "kasi2"


@pytest.mark.parametrize("actor", ["kasi2", "ksd1", "dir", "op2", "tu1", "adm"])
def test_officials_who_did_not_grant_the_access_are_not_authorised(cases, clock, closed, actor):
    view = cases.view(closed)

    with pytest.raises(NotAuthorised, match="granted by Dewi Kasi"):
        engine.decide(view.case, actor, ConfirmRevoked(), context(view, clock))

    assert engine.allowed_actions(view.case, actor, context(view, clock)) == []


def test_a_confirmed_case_refuses_a_second_confirmation_naming_who_and_when(cases, clock, closed):
    view = cases.view(closed)
    first = engine.decide(view.case, "kasi1", ConfirmRevoked(), context(view, clock)).case
    clock.advance(minutes=1)

    with pytest.raises(RevocationConfirmed, match="by Dewi Kasi at") as refused:
        engine.decide(first, "kasi1", ConfirmRevoked(), context(view, clock))

    assert isinstance(refused.value, StepAlreadyHandled)  # the bot's "already handled by … at …"
    assert refused.value.params == {"by": "Dewi Kasi", "at": first.access_revoked_at}
    assert engine.allowed_actions(first, "kasi1", context(view, clock)) == []


def test_only_the_granting_kasi_sees_the_action_on_the_closed_case(cases, clock, closed):
    view = cases.view(closed)

    allowed = {k: engine.allowed_actions(view.case, k, context(view, clock)) for k in ("kasi1", "kasi2")}

    assert allowed == {"kasi1": [ConfirmRevoked], "kasi2": []}


def test_an_open_case_refuses_the_confirmation(cases, clock):
    number = open_ldk(cases)
    view = cases.view(drive_to(cases, number, 5).number)

    with pytest.raises(ActionNotAllowed, match="is open; access revocation is confirmed after"):
        engine.decide(view.case, "kasi1", ConfirmRevoked(), context(view, clock))


def test_a_rejected_case_refuses_the_confirmation(cases, clock):
    number = open_ldk(cases)
    cases.act(number, "dir", Reject(reason="Izin tidak berlaku"))
    view = cases.view(number)

    with pytest.raises(ActionNotAllowed, match="is rejected"):
        engine.decide(view.case, "kasi1", ConfirmRevoked(), context(view, clock))


def test_a_closed_case_on_which_no_access_was_granted_has_nothing_to_revoke(cases, clock):
    number = cases.open_case(letter(), "tu1", sop_id="mini", assignee="dir").number
    drive_to(cases, number, 2, kasubdit="ksd1")
    cases.act(number, "ksd1", Forward(instruction="Untuk diproses"))
    view = cases.view(number)
    assert view.case.state is CaseState.CLOSED

    with pytest.raises(ActionNotAllowed, match="nothing to revoke"):
        engine.decide(view.case, "ksd1", ConfirmRevoked(), context(view, clock))


def test_access_granted_twice_after_a_return_names_both_operators(cases, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 4, operator="op2")
    cases.act(number, "op2", Return(reason="Bukan bagian saya"))
    drive_to(cases, number, 8, operator="op1")
    dispatch(cases, number)
    view = cases.view(number)

    assert granted_to(view.case, view.sop) == ["op2", "op1"]
    assert granters(view.case, view.sop) == ["kasi1"]


def test_only_this_action_may_leave_a_closed_case_closed():
    check_transition(CaseState.CLOSED, CaseState.CLOSED, record_on_closed=True)

    with pytest.raises(IllegalTransition):
        check_transition(CaseState.CLOSED, CaseState.CLOSED)
    with pytest.raises(IllegalTransition):
        check_transition(CaseState.REJECTED, CaseState.REJECTED, record_on_closed=True)
    with pytest.raises(IllegalTransition):
        check_transition(CaseState.CLOSED, CaseState.OPEN, record_on_closed=True)


# -- through the service: stored, versioned, audited ----------------------------------------------


def test_the_service_stores_the_confirmation_and_audits_it(cases, services, clock, closed):
    _, sessions = services
    before = cases.view(closed).case

    after = cases.act(closed, "kasi1", ConfirmRevoked())

    stored = cases.view(closed).case
    assert stored.version == before.version + 1 == after.version
    assert (stored.access_revoked_at, stored.access_revoked_by) == (clock(), "kasi1")
    assert stored.state is CaseState.CLOSED
    [row] = audit_rows(sessions, action="access_revoked")
    assert (row.actor, row.result, row.case_id) == ("kasi1", "ok", before.id)
    assert row.detail == {"granted_by": ["kasi1"], "access_granted_to": ["op2"]}
    assert action_name(ConfirmRevoked) == "access_revoked"


def test_refusals_through_the_service_change_nothing_and_are_audited(cases, services, clock, closed):
    _, sessions = services
    closed_as_is = cases.view(closed).case

    with pytest.raises(NotAuthorised):
        cases.act(closed, "kasi2", ConfirmRevoked())
    assert cases.view(closed).case == closed_as_is
    cases.act(closed, "kasi1", ConfirmRevoked())
    confirmed = cases.view(closed).case
    with pytest.raises(RevocationConfirmed):
        cases.act(closed, "kasi1", ConfirmRevoked())

    assert cases.view(closed).case == confirmed
    refused = audit_rows(sessions, action="access_revoked", result="refused")
    assert [(r.actor, r.reason_code) for r in refused] == [
        ("kasi2", "not_granter"),
        ("kasi1", "revocation_confirmed"),
    ]
    assert cases.view(closed, viewer="kasi1").allowed == ()
