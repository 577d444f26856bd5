"""A case from registration to closing, through the service API on a real SQLite file:
who holds it at every step, how the next holder is chosen, and what is written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PIN, SEAL, WIB, letter
from tests.driving import (
    MANIFEST,
    audit_rows,
    current,
    dispatch,
    drive_to,
    last_audit,
    open_ldk,
    outbox,
    step_action,
)
from workflow.commands import AcceptManifest, Forward, Reassign, Sign, SubmitManifest, TickItem
from workflow.db.models import CaseRow, SopVersionRow
from workflow.db.reference import SopChanged
from workflow.errors import ActionNotAllowed, ChoiceRequired, DomainError, InvalidInput
from workflow.service.cases import CaseService
from workflow.states import CaseState


@pytest.fixture
def sessions(services):
    return services[1]


def case_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(CaseRow))


# -- the whole chain -------------------------------------------------------------------------------


def test_a_case_passes_every_step_to_the_right_official_and_closes(cases, clock):
    number = open_ldk(cases)
    holders = [current(cases, number).assignee]

    for step_no in range(1, 8):
        clock.advance(minutes=1)
        case = cases.act(number, holders[-1], step_action(step_no))
        holders.append(case.current.assignee)
    closed = dispatch(cases, number, clock=clock)

    assert holders == ["dir", "ksd1", "kasi1", "op2", "kasi1", "ksd1", "dir", "op2"]
    assert closed.state == CaseState.CLOSED
    assert closed.closed_at == clock.now
    assert closed.current is None
    assert closed.version == 1 + 7 + 4


def test_the_timeline_of_a_closed_case_shows_every_step_completed_by_its_holder(cases, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 8, clock=clock)
    dispatch(cases, number, clock=clock)

    rows = cases.view(number).timeline

    assert [(r.step_no, r.holder, r.outcome) for r in rows] == [
        (1, "Dr. Andi Direktur", "completed"),
        (2, "Budi Kasubdit", "completed"),
        (3, "Dewi Kasi", "completed"),
        (4, "Gita Operator", "completed"),
        (5, "Dewi Kasi", "completed"),
        (6, "Budi Kasubdit", "completed"),
        (7, "Dr. Andi Direktur", "completed"),
        (8, "Gita Operator", "completed"),
    ]
    assert all(r.actor == r.holder for r in rows)
    assert rows[1].note == "Mohon diproses"
    assert rows[0].instruction == "Untuk diproses"


# -- going down the chain: the actor chooses among those who report to them ------------------------


def test_the_direktur_must_choose_between_the_two_kasubdit(cases, sessions):
    number = open_ldk(cases)
    before = cases.view(number).case

    with pytest.raises(ChoiceRequired) as refused:
        cases.act(number, "dir", Forward(instruction="Untuk diproses"))

    assert refused.value.candidates == ["ksd1", "ksd2"]
    assert cases.view(number).case == before
    assert last_audit(sessions) == ("forward", "refused", "choice_required")


def test_the_only_kasi_under_the_chosen_kasubdit_is_chosen_for_them(cases):
    number = open_ldk(cases)
    cases.act(number, "dir", Forward(instruction="Untuk diproses", to="ksd1"))

    case = cases.act(number, "ksd1", Forward(instruction="Untuk diproses"))

    assert (case.current.step_no, case.current.assignee) == (3, "kasi1")


def test_a_kasubdit_cannot_send_the_case_to_a_kasi_of_another_line(cases, sessions):
    number = open_ldk(cases)
    cases.act(number, "dir", Forward(instruction="Untuk diproses", to="ksd1"))
    before = cases.view(number).case

    with pytest.raises(InvalidInput, match=r"choose one of: kasi1$"):
        cases.act(number, "ksd1", Forward(instruction="Untuk diproses", to="kasi2"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("forward", "refused", "not_a_candidate")


def test_the_kasi_must_choose_which_of_their_operators_gets_access(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    before = cases.view(number).case

    with pytest.raises(ChoiceRequired) as refused:
        cases.act(number, "kasi1", Forward(instruction="Segera"))

    assert refused.value.candidates == ["op1", "op2"]
    assert cases.view(number).case == before
    assert last_audit(sessions) == ("forward", "refused", "choice_required")


def test_the_operator_picked_at_step_3_gets_access_and_the_dispatch(cases):
    number = open_ldk(cases)

    drive_to(cases, number, 8, operator="op1")

    case = cases.view(number).case
    assert [s.assignee for s in case.steps if s.step_no in (4, 8)] == ["op1", "op1"]
    assert case.steps[2].payload["access_granted_to"] == "op1"


def test_kasi2_gets_a_case_only_through_ksd2_and_keeps_it_in_that_line(cases):
    number = open_ldk(cases)

    drive_to(cases, number, 8, kasubdit="ksd2", operator="op3")

    assignees = [s.assignee for s in cases.view(number).case.steps]
    assert assignees == ["dir", "ksd2", "kasi2", "op3", "kasi2", "ksd2", "dir", "op3"]


def test_the_only_operator_of_kasi2_is_chosen_for_them(cases):
    number = open_ldk(cases)
    drive_to(cases, number, 3, kasubdit="ksd2")

    case = cases.act(number, "kasi2", Forward(instruction="Segera"))

    assert (case.current.step_no, case.current.assignee) == (4, "op3")


# -- going back up: the case returns to whoever held that role earlier in this case ----------------


def test_going_back_up_the_case_returns_to_the_official_who_handled_the_role_earlier(cases, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    cases.act(number, "ksd1", Reassign(to="kasi2", note="Dewi sedang dinas luar"))
    cases.act(number, "kasi2", Forward(instruction="Segera"))
    holders = []

    for actor, command in (
        ("op3", SubmitManifest(MANIFEST)),
        ("kasi2", AcceptManifest()),
        ("ksd1", Forward(instruction="Untuk diperhatikan")),
    ):
        clock.advance(minutes=1)
        holders.append(cases.act(number, actor, command).current.assignee)

    assert holders == ["kasi2", "ksd1", "dir"]


def test_the_signed_case_goes_to_the_operator_of_step_4(cases):
    number = open_ldk(cases)
    drive_to(cases, number, 7, operator="op1")

    case = cases.act(number, "dir", Sign(pin=PIN))

    assert (case.current.step_no, case.current.assignee) == (8, "op1")


def test_the_direktur_may_send_the_signed_case_to_another_jfu(cases):
    number = open_ldk(cases)
    drive_to(cases, number, 7, operator="op2")

    case = cases.act(number, "dir", Sign(to="op3", pin=PIN))

    assert (case.current.step_no, case.current.assignee) == (8, "op3")
    assert case.signature.signer == "dir"


def test_the_direktur_cannot_send_the_signed_case_to_someone_outside_the_jfu(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    before = cases.view(number).case

    with pytest.raises(InvalidInput, match="'ksd2' cannot take step 8"):
        cases.act(number, "dir", Sign(to="ksd2", pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "not_a_candidate")


# -- other SOPs ------------------------------------------------------------------------------------


def test_a_mini_case_closes_when_its_last_step_completes(cases, sessions):
    number = cases.open_case(letter(), "tu1", sop_id="mini").number
    cases.act(number, "dir", Forward(instruction="Untuk diproses", to="ksd2"))

    case = cases.act(number, "ksd2", Forward(note="Selesai ditindaklanjuti"))

    assert case.state == CaseState.CLOSED
    assert [(s.step_no, s.assignee, s.outcome) for s in case.steps] == [
        (1, "dir", "completed"),
        (2, "ksd2", "completed"),
    ]
    assert sorted(r for r, kind, _ in outbox(sessions, case_id=case.id) if kind == "case_closed") == [
        "dir",
        "ksd2",
        "tu1",  # who registered the letter
    ]


def test_a_release4_case_needs_its_first_operator_named(cases, sessions):
    with pytest.raises(ChoiceRequired) as refused:
        cases.open_case(letter(), "tu1", sop_id="release4")

    assert refused.value.candidates == ["op1", "op2", "op3"]
    assert case_count(sessions) == 0
    assert last_audit(sessions) == ("open_case", "refused", "choice_required")


def test_a_release4_case_goes_from_report_to_dispatch_and_closes(cases, clock):
    number = cases.open_case(letter(), "tu1", sop_id="release4", assignee="op1").number
    holders = [current(cases, number).assignee]

    for command in (SubmitManifest(MANIFEST), AcceptManifest(), Sign(pin=PIN)):
        clock.advance(minutes=1)
        holders.append(cases.act(number, holders[-1], command).current.assignee)
    closed = dispatch(cases, number, clock=clock)

    assert holders == ["op1", "kasi1", "dir", "op1"]
    assert closed.state == CaseState.CLOSED
    assert closed.signature.manifest_hash == MANIFEST.checksum()


def test_a_case_on_an_sop_with_its_own_checklist_closes_when_that_checklist_is_ticked(cases, sessions, clock):
    number = cases.open_case(letter(), "tu1", sop_id="pickup", assignee="op1").number
    for command in (SubmitManifest(MANIFEST), AcceptManifest(), Sign(pin=PIN)):
        clock.advance(minutes=1)
        cases.act(number, current(cases, number).assignee, command)
    refused: list[DomainError] = []

    for tick in (TickItem("collected", "Budi, NIP 1987"), TickItem("sealed"), TickItem("collected")):
        try:
            cases.act(number, "op1", tick)
        except DomainError as refusal:
            refused.append(refusal)
    with pytest.raises(InvalidInput) as unknown:
        cases.act(number, "op1", TickItem("receipt", "TT-009"))  # the seed SOP's item, not this one's
    closed = cases.act(number, "op1", TickItem("collected", "Budi Santoso, NIP 1987"))

    assert [(type(r), r.code) for r in refused] == [
        (ActionNotAllowed, "tick_order"),  # this SOP's own order: sealed before collected
        (InvalidInput, "value_missing"),  # collected is a text item
    ]
    assert refused[0].params["first_label"] == "Cakram disegel"
    assert refused[1].params["label"] == "Diambil pemohon" and refused[1].params["label_en"].startswith(
        "Collected"
    )
    assert unknown.value.code == "unknown_item"
    assert closed.state is CaseState.CLOSED  # two items ticked: the whole checklist of this SOP
    assert {k: t.value for k, t in closed.checklist.items()} == {
        "sealed": "",
        "collected": "Budi Santoso, NIP 1987",
    }
    assert [r.detail["item"] for r in audit_rows(sessions, action="tick_item", result="ok")] == [
        "sealed",
        "collected",
    ]


# -- the SOP version a case runs on ----------------------------------------------------------------


def test_a_case_records_the_sop_id_and_version_it_started_on(cases, sessions, sops):
    case = cases.open_case(letter(), "tu1")

    with sessions() as session:
        stored = session.scalars(select(SopVersionRow)).all()
    assert (case.sop_id, case.sop_version) == ("ldk", 2)
    assert [(r.sop_id, r.version, r.checksum) for r in stored] == [("ldk", 2, sops["ldk"].checksum())]


def test_a_case_finishes_on_the_version_it_started_on_after_the_sop_changes(services, sops, clock):
    cases, sessions = services
    number = open_ldk(cases)
    drive_to(cases, number, 7, clock=clock)
    v2 = sops["ldk"]
    slower = tuple(s.model_copy(update={"sla": s.sla * 2}) for s in v2.steps)
    v3 = v2.model_copy(update={"version": 3, "steps": slower})
    upgraded = CaseService(sessions, {**sops, "ldk": v3}, tz=WIB, default_sop="ldk", clock=clock, seal=SEAL)

    clock.advance(minutes=1)
    old = upgraded.act(number, "dir", Sign(pin=PIN))
    new = upgraded.open_case(letter(number="470/999/DUKCAPIL"), "tu1")

    assert (old.sop_version, old.current.due_at - old.current.started_at) == (2, timedelta(minutes=20))
    assert (new.sop_version, new.current.due_at - new.current.started_at) == (3, timedelta(minutes=10))
    assert upgraded.view(number).sop == v2
    assert dispatch(upgraded, number).state == CaseState.CLOSED


def test_a_changed_sop_with_the_same_version_is_refused_when_opening_a_case(services, sops, clock):
    cases, sessions = services
    open_ldk(cases)
    edited = sops["ldk"].model_copy(update={"title": "Layanan Data (diubah)"})
    careless = CaseService(sessions, {"ldk": edited}, tz=WIB, clock=clock)

    with pytest.raises(SopChanged, match=r"'ldk' version 2 differs .* new version number"):
        careless.open_case(letter(number="470/999/DUKCAPIL"), "tu1")

    assert case_count(sessions) == 1


# -- what the service writes -----------------------------------------------------------------------


def test_every_step_queues_a_message_to_its_holder_and_closing_tells_everyone(cases, sessions, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 8, clock=clock)
    case = dispatch(cases, number, clock=clock)

    messages = outbox(sessions, case_id=case.id)

    assert [(r, n) for r, kind, n in messages if kind == "step_assigned"] == [
        ("dir", 1),
        ("ksd1", 2),
        ("kasi1", 3),
        ("op2", 4),
        ("kasi1", 5),
        ("ksd1", 6),
        ("dir", 7),
        ("op2", 8),
    ]
    assert [r for r, kind, _ in messages if kind == "case_closed"] == ["dir", "ksd1", "kasi1", "op2", "tu1"]
    assert {kind for _, kind, _ in messages} == {"step_assigned", "case_closed", "acted"}


def test_every_accepted_action_is_audited_with_its_actor_and_the_step_it_acted_on(cases, sessions, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 8, clock=clock)
    case = dispatch(cases, number, clock=clock)

    rows = audit_rows(sessions, case_id=case.id)

    assert [(r.action, r.actor, r.result) for r in rows] == [
        ("open_case", "tu1", "ok"),
        ("forward", "dir", "ok"),
        ("forward", "ksd1", "ok"),
        ("forward", "kasi1", "ok"),
        ("submit_manifest", "op2", "ok"),
        ("accept_manifest", "kasi1", "ok"),
        ("forward", "ksd1", "ok"),
        ("sign", "dir", "ok"),
        *[("tick_item", "op2", "ok")] * 4,
    ]
    assert [r.step_id for r in rows[1:9]] == [s.id for s in case.steps]
    assert [r.detail.get("to") for r in rows[1:8]] == ["ksd1", "kasi1", "op2", "kasi1", "ksd1", "dir", "op2"]
    assert rows[-1].detail["closed"] is True
