"""Each action an official can take, and each refusal, through the service API.

A refused action changes nothing on the case and leaves one audit row with
result ``refused`` and the refusal's code.
"""

import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import HERE, PIN, SEAL, WIB, letter, reimport
from tests.driving import (
    MANIFEST,
    OTHER_MANIFEST,
    audit_rows,
    current,
    dispatch,
    drive_to,
    last_audit,
    open_ldk,
    outbox,
)
from workflow.commands import (
    AcceptManifest,
    Acknowledge,
    Cancel,
    Forward,
    Reassign,
    Reject,
    Return,
    Sign,
    SubmitManifest,
    TickItem,
)
from workflow.db.models import CaseRow
from workflow.errors import (
    ActionNotAllowed,
    CaseClosed,
    DuplicateLetter,
    InvalidInput,
    NotAuthorised,
    NoteTooLong,
    ReasonMissing,
    StaleAction,
    StepAlreadyHandled,
    UnknownOfficial,
)
from workflow.limits import NOTE_LIMIT
from workflow.release import release_blockers
from workflow.roster import parse_roster
from workflow.service.cases import CaseService
from workflow.sopfile import parse_sop
from workflow.states import CaseState, StepOutcome

PROCESS = "Untuk diproses"


@pytest.fixture
def sessions(services):
    return services[1]


def case_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(CaseRow))


def deactivate(sessions, clock, sops, *keys: str) -> None:
    """Import the test roster again with ``keys`` marked inactive (they left the office)."""
    data = tomllib.loads((HERE / "data" / "roster.toml").read_text(encoding="utf-8"))
    for official in data["officials"]:
        if official["key"] in keys:
            official["active"] = False
    roles = {r.key for s in sops.values() for r in s.roles}
    roster = parse_roster(data, "roster.toml", roles, WIB)
    reimport(sessions, roster, "cli:test", clock)


# -- acknowledge ----------------------------------------------------------------------------------


def test_acknowledging_a_step_records_when_the_holder_saw_it(cases, sessions, clock):
    number = open_ldk(cases)
    clock.advance(minutes=2)

    case = cases.act(number, "dir", Acknowledge())

    assert case.current.acknowledged_at == clock.now
    assert (case.state, case.current.step_no, case.version) == (CaseState.OPEN, 1, 2)
    assert last_audit(sessions) == ("acknowledge", "ok", None)


def test_a_second_acknowledge_is_refused(cases, sessions, clock):
    number = open_ldk(cases)
    cases.act(number, "dir", Acknowledge())
    clock.advance(minutes=1)
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="acknowledged already"):
        cases.act(number, "dir", Acknowledge())

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("acknowledge", "refused", "already_acknowledged")


# -- who may act ----------------------------------------------------------------------------------


def test_an_official_who_does_not_hold_the_step_is_refused(cases, sessions):
    number = open_ldk(cases)
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match=r"does not hold step 1 .*held by Dr. Andi Direktur"):
        cases.act(number, "ksd1", Forward(instruction=PROCESS))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("forward", "refused", "not_holder")


def test_an_actor_missing_from_the_roster_is_refused(cases, sessions):
    number = open_ldk(cases)
    before = cases.view(number).case

    with pytest.raises(UnknownOfficial, match="'mallory' is not an active official"):
        cases.act(number, "mallory", Forward(instruction=PROCESS, to="ksd1"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("forward", "refused", "unknown_official")


def test_a_holder_who_left_the_roster_can_no_longer_act(cases, sessions, sops, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 4)
    deactivate(sessions, clock, sops, "op2")
    before = cases.view(number).case

    with pytest.raises(UnknownOfficial):
        cases.act(number, "op2", SubmitManifest(MANIFEST))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("submit_manifest", "refused", "unknown_official")


# -- double taps and stale buttons ----------------------------------------------------------------


def test_a_second_tap_on_forward_changes_nothing_and_names_who_handled_it_and_when(cases, sessions, clock):
    number = open_ldk(cases)
    step_1 = current(cases, number)
    clock.advance(minutes=3)
    cases.act(number, "dir", Forward(step_id=step_1.id, instruction=PROCESS, to="ksd1"))
    clock.advance(seconds=5)
    before = cases.view(number).case

    with pytest.raises(StepAlreadyHandled) as refused:
        cases.act(number, "dir", Forward(step_id=step_1.id, instruction=PROCESS, to="ksd1"))

    assert str(refused.value) == "already handled by Dr. Andi Direktur at 2026-11-24T02:03:00+00:00"
    assert refused.value.params == {"by": "Dr. Andi Direktur", "at": datetime(2026, 11, 24, 2, 3, tzinfo=UTC)}
    assert cases.view(number).case == before
    assert last_audit(sessions) == ("forward", "refused", "already_handled")


def test_the_holder_tapping_after_their_stand_in_acted_is_told_who_did_it(cases, sessions, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    sign_step = current(cases, number)
    clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=WIB).astimezone(UTC)
    cases.act(number, "ksd1", Sign(step_id=sign_step.id, pin=PIN))
    clock.advance(minutes=1)
    before = cases.view(number).case

    with pytest.raises(StepAlreadyHandled, match="already handled by Budi Kasubdit at 2026-12-02T02:00:00"):
        cases.act(number, "dir", Sign(step_id=sign_step.id, pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "already_handled")


def test_a_button_from_before_a_return_changes_nothing(cases, sessions, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 5)
    check_step = current(cases, number)
    cases.act(number, "kasi1", Return(reason="Kolom NIK tidak lengkap", step_id=check_step.id))
    clock.advance(minutes=1)
    before = cases.view(number).case

    with pytest.raises(StepAlreadyHandled, match="already handled by Dewi Kasi"):
        cases.act(number, "kasi1", AcceptManifest(step_id=check_step.id))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("accept_manifest", "refused", "already_handled")


def test_an_action_aimed_at_a_step_of_another_case_is_stale(cases, sessions):
    number = open_ldk(cases)
    other = cases.open_case(letter(number="470/777/DUKCAPIL"), "tu1")
    before = cases.view(number).case

    with pytest.raises(StaleAction, match=f"does not belong to case {number}"):
        cases.act(number, "dir", Forward(step_id=other.current.id, instruction=PROCESS, to="ksd1"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("forward", "refused", "wrong_case_step")


def test_accepting_a_manifest_that_changed_since_it_was_shown_is_stale(cases, sessions, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 5)
    cases.act(number, "kasi1", Return(reason="Kurang kolom alamat"))
    clock.advance(minutes=5)
    cases.act(number, "op2", SubmitManifest(OTHER_MANIFEST))
    before = cases.view(number).case

    with pytest.raises(StaleAction, match="manifest changed"):
        cases.act(number, "kasi1", AcceptManifest(manifest_hash=MANIFEST.checksum()))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("accept_manifest", "refused", "manifest_changed")


# -- closed cases ---------------------------------------------------------------------------------


def test_a_closed_case_refuses_a_further_tick(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    dispatch(cases, number)
    before = cases.view(number).case

    with pytest.raises(CaseClosed, match="is closed"):
        cases.act(number, "op2", TickItem("receipt", "TT-010"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "case_closed")


def test_a_rejected_case_refuses_even_an_acknowledge(cases, sessions):
    number = open_ldk(cases)
    cases.act(number, "dir", Reject(reason="Tidak ada PKS"))
    before = cases.view(number).case

    with pytest.raises(CaseClosed, match="is rejected"):
        cases.act(number, "dir", Acknowledge())

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("acknowledge", "refused", "case_closed")


# -- notes and reasons ----------------------------------------------------------------------------


def test_a_note_of_exactly_the_limit_is_kept(cases):
    number = open_ldk(cases)

    case = cases.act(number, "dir", Forward(note="x" * NOTE_LIMIT, to="ksd1"))

    assert case.steps[0].note == "x" * NOTE_LIMIT


@pytest.mark.parametrize(
    "command",
    [
        Forward(instruction=PROCESS, note="x" * (NOTE_LIMIT + 1)),
        Return(reason="x" * (NOTE_LIMIT + 1)),
        Reject(reason="x" * (NOTE_LIMIT + 1)),
    ],
    ids=["forward note", "return reason", "reject reason"],
)
def test_a_note_or_reason_over_1000_characters_is_refused(cases, sessions, command):
    number = open_ldk(cases)
    drive_to(cases, number, 2)
    before = cases.view(number).case

    with pytest.raises(NoteTooLong, match="1001 characters; at most 1000"):
        cases.act(number, "ksd1", command)

    assert cases.view(number).case == before
    assert last_audit(sessions)[1:] == ("refused", "note_too_long")


@pytest.mark.parametrize(
    ("actor", "command"),
    [
        ("ksd1", Return(reason="   ")),
        ("ksd1", Reject(reason="")),
        ("tu1", Cancel(reason=" \n ")),
        ("ksd1", Forward()),
    ],
    ids=["return", "reject", "cancel", "forward without instruction or note"],
)
def test_an_action_that_needs_a_reason_is_refused_without_one(cases, sessions, actor, command):
    number = open_ldk(cases)
    drive_to(cases, number, 2)
    before = cases.view(number).case

    with pytest.raises(ReasonMissing):
        cases.act(number, actor, command)

    assert cases.view(number).case == before
    code = "instruction_missing" if isinstance(command, Forward) else "reason_missing"
    assert last_audit(sessions)[1:] == ("refused", code)


# -- registering letters --------------------------------------------------------------------------


def test_the_same_letter_from_the_same_institution_is_refused_the_second_time(cases, sessions):
    first = open_ldk(cases)

    with pytest.raises(DuplicateLetter, match=f"already case {first}; use force"):
        cases.open_case(letter(number=" 470/123/dukcapil", institution="BPJS  kesehatan"), "tu1")

    assert case_count(sessions) == 1
    assert last_audit(sessions) == ("open_case", "refused", "duplicate_letter")


def test_a_duplicate_letter_is_registered_when_forced(cases, sessions):
    first = open_ldk(cases)

    second = cases.open_case(letter(), "tu1", force=True)

    assert (first, second.number) == ("LDK-2026-0001", "LDK-2026-0002")
    assert audit_rows(sessions, action="open_case")[-1].detail["forced"] is True


def test_a_letter_dated_in_the_future_is_refused(cases, sessions):
    tomorrow = replace(letter(), date=date(2026, 11, 25))

    with pytest.raises(InvalidInput, match="2026-11-25 is in the future"):
        cases.open_case(tomorrow, "tu1")

    assert case_count(sessions) == 0
    assert last_audit(sessions) == ("open_case", "refused", "letter_date_future")


def test_the_letter_date_is_judged_by_the_office_day_in_jakarta(cases, clock):
    clock.now = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 00:30 on 25 November in Jakarta
    today = replace(letter(), date=date(2026, 11, 25))

    case = cases.open_case(today, "tu1")

    assert case.letter.date == date(2026, 11, 25)


# -- reject ---------------------------------------------------------------------------------------


def test_a_kasubdit_rejects_and_the_case_ends_telling_everyone_and_the_tu(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 2)

    case = cases.act(number, "ksd1", Reject(reason="Surat izin kedaluwarsa"))

    assert case.state == CaseState.REJECTED
    assert (case.steps[-1].outcome, case.steps[-1].note) == (StepOutcome.REJECTED, "Surat izin kedaluwarsa")
    rejected = [r for r, kind, _ in outbox(sessions, case_id=case.id) if kind == "case_rejected"]
    assert rejected == ["dir", "ksd1", "tu1"]


def test_an_operator_cannot_reject_at_the_report_data_step(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 4)
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match=r"step 4 \(report_data\) does not allow reject"):
        cases.act(number, "op2", Reject(reason="Data tidak tersedia"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("reject", "refused", "action_not_allowed")


def test_a_jfu_cannot_reject_even_at_a_step_that_allows_rejecting(sessions, clock):
    jfu_note = parse_sop(
        {
            "id": "catatan",
            "version": 1,
            "number": "T.2",
            "title": "Disposisi sampai JFU",
            "roles": [
                {"key": "kasi", "name": "Kasi"},
                {"key": "jfu", "name": "JFU", "superior": "kasi", "may_reject": False},
            ],
            "steps": [
                {
                    "no": 1,
                    "role": "kasi",
                    "kind": "disposition",
                    "action": "A",
                    "action_en": "A",
                    "sla": "5m",
                },
                {"no": 2, "role": "jfu", "kind": "disposition", "action": "B", "action_en": "B", "sla": "5m"},
            ],
        },
        "catatan.toml",
    )
    cases = CaseService(sessions, {"catatan": jfu_note}, tz=WIB, clock=clock)
    number = cases.open_case(letter(), "tu1", assignee="kasi1").number
    cases.act(number, "kasi1", Forward(instruction=PROCESS, to="op1"))
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="a JFU cannot reject a request"):
        cases.act(number, "op1", Reject(reason="Bukan wewenang saya"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("reject", "refused", "reject_not_allowed")


# -- return ---------------------------------------------------------------------------------------


def test_step_1_cannot_be_returned(cases, sessions):
    number = open_ldk(cases)
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="no previous step"):
        cases.act(number, "dir", Return(reason="Salah alamat"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("return", "refused", "first_step_no_return")


def test_a_return_at_step_2_goes_back_to_the_direktur_with_the_reason(cases, sessions, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 2)
    clock.advance(minutes=1)

    case = cases.act(number, "ksd1", Return(reason="Mohon didisposisikan ke Subdit II"))

    assert (case.current.step_no, case.current.assignee) == (1, "dir")
    assert (case.steps[1].outcome, case.steps[1].note) == (
        StepOutcome.RETURNED,
        "Mohon didisposisikan ke Subdit II",
    )
    assert ("dir", "step_returned", 1) in outbox(sessions, case_id=case.id)


def test_a_return_at_step_5_sends_the_case_to_the_operator_and_voids_the_manifest(cases):
    number = open_ldk(cases)
    drive_to(cases, number, 5, operator="op1")

    case = cases.act(number, "kasi1", Return(reason="Jumlah record tidak sesuai"))

    assert (case.current.step_no, case.current.assignee) == (4, "op1")
    assert (case.manifest, case.accepted_hash) == (None, None)


def test_a_return_at_step_8_voids_the_signature_and_the_ticks(cases, sops):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    dispatch(cases, number, ["duplicated"])

    case = cases.act(number, "op2", Return(reason="Salinan rusak, mohon tanda tangan ulang"))

    assert (case.current.step_no, case.current.assignee) == (7, "dir")
    assert (case.signature, dict(case.checklist)) == (None, {})
    assert release_blockers(case, sops["ldk"], SEAL) == ["the data has not been signed by the Direktur"]


def test_after_a_return_from_step_8_the_operator_cannot_tick_anything(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    cases.act(number, "op2", Return(reason="Salinan rusak"))
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match="does not hold step 7"):
        cases.act(number, "op2", TickItem("duplicated"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "not_holder")


def test_after_a_return_from_step_8_the_direktur_signs_again_and_dispatch_resumes(cases, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    cases.act(number, "op2", Return(reason="Salinan rusak"))
    clock.advance(minutes=1)

    resigned = cases.act(number, "dir", Sign(pin=PIN))

    assert (resigned.current.step_no, resigned.current.assignee) == (8, "op2")
    assert resigned.signature.signed_at == clock.now
    assert dispatch(cases, number).state == CaseState.CLOSED


def test_a_return_from_step_8_is_refused_once_the_data_was_sent(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    dispatch(cases, number, ["duplicated", "archived", "sent"])
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="sent already"):
        cases.act(number, "op2", Return(reason="Penerima salah"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("return", "refused", "already_sent")


# -- the dispatch checklist ----------------------------------------------------------------------


def test_the_case_closes_only_when_all_four_items_are_ticked(cases):
    number = open_ldk(cases)
    drive_to(cases, number, 8)

    almost = dispatch(cases, number, ["duplicated", "archived", "sent"])
    closed = cases.act(number, "op2", TickItem("receipt", receipt_sha256="c" * 64))

    assert (almost.state, almost.current.step_no) == (CaseState.OPEN, 8)
    assert closed.state == CaseState.CLOSED
    assert closed.checklist["receipt"].receipt_sha256 == "c" * 64
    assert closed.checklist["archived"].value == "ARS-2026-001"


def test_ticking_an_item_twice_is_refused_naming_who_ticked_it(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    dispatch(cases, number, ["duplicated"])
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="'duplicated' was ticked already by Gita Operator"):
        cases.act(number, "op2", TickItem("duplicated"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "already_ticked")


@pytest.mark.parametrize(
    ("tick", "message", "code"),
    [
        (TickItem("archived"), "ticking 'archived' needs a value", "value_missing"),
        (TickItem("sent", "  "), "ticking 'sent' needs a value", "value_missing"),
        (TickItem("duplicated", "x" * 201), "longer than 200 characters", "value_too_long"),
        (TickItem("shredded"), "has no checklist item 'shredded'", "unknown_item"),
    ],
    ids=["archived without number", "sent without channel", "value too long", "not an item of the SOP"],
)
def test_a_tick_without_the_value_it_needs_is_refused(cases, sessions, tick, message, code):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    before = cases.view(number).case

    with pytest.raises(InvalidInput, match=message):
        cases.act(number, "op2", tick)

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", code)


def test_the_receipt_cannot_be_ticked_before_the_data_was_sent(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="tick 'sent' before 'receipt'") as refused:
        cases.act(number, "op2", TickItem("receipt", "TT-009"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "tick_order")
    assert refused.value.params == {  # the SOP's labels, for the official's language and the audit
        "item": "receipt",
        "label": "Tanda terima",
        "label_en": "Receipt",
        "first": "sent",
        "first_label": "Sudah dikirim",
        "first_label_en": "Sent",
    }


def test_a_receipt_checksum_that_is_not_a_sha256_is_refused(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    dispatch(cases, number, ["sent"])
    before = cases.view(number).case

    with pytest.raises(InvalidInput, match="64 lowercase hex digits"):
        cases.act(number, "op2", TickItem("receipt", receipt_sha256="C" * 64))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "receipt_sha_invalid")


# -- reassign -------------------------------------------------------------------------------------


def test_the_holders_superior_reassigns_the_step_to_another_holder_of_the_role(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 4, operator="op2")

    case = cases.act(number, "kasi1", Reassign(to="op1", note="Gita cuti"))

    assert (case.current.step_no, case.current.assignee) == (4, "op1")
    handed = case.steps[-2]
    assert (handed.assignee, handed.outcome, handed.actor, handed.payload["to"]) == (
        "op2",
        StepOutcome.REASSIGNED,
        "kasi1",
        "op1",
    )
    assert outbox(sessions, case_id=case.id)[-3:] == [
        ("op1", "step_assigned", 4),
        ("op2", "step_reassigned", 4),
        ("kasi1", "acted", 4),
    ]


def test_an_official_who_is_not_the_holders_superior_cannot_reassign(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 4, operator="op2")
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match="does not hold step 4"):
        cases.act(number, "kasi2", Reassign(to="op3"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("reassign", "refused", "not_holder")


def test_a_step_can_only_be_reassigned_to_a_holder_of_its_role(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 4, operator="op2")
    before = cases.view(number).case

    with pytest.raises(InvalidInput, match="'kasi2' cannot take step 4"):
        cases.act(number, "kasi1", Reassign(to="kasi2"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("reassign", "refused", "not_a_candidate")


# -- cancel ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_no", "told"), [(1, ["dir", "tu1"]), (2, ["dir", "ksd1", "tu1"])], ids=["step 1", "step 2"]
)
def test_the_tu_cancels_a_case_before_access_is_granted(cases, sessions, step_no, told):
    number = open_ldk(cases)
    drive_to(cases, number, step_no)

    case = cases.cancel(number, "tu1", "Pemohon menarik permohonan")

    assert case.state == CaseState.CANCELLED
    assert (case.steps[-1].step_no, case.steps[-1].outcome) == (step_no, StepOutcome.CANCELLED)
    assert [r for r, kind, _ in outbox(sessions, case_id=case.id) if kind == "case_cancelled"] == told


@pytest.mark.parametrize("step_no", [3, 4])
def test_the_tu_cannot_cancel_once_the_kasi_has_the_case(cases, sessions, step_no):
    number = open_ldk(cases)
    drive_to(cases, number, step_no)
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="can no longer be cancelled"):
        cases.cancel(number, "tu1", "Pemohon menarik permohonan")

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("cancel", "refused", "cancel_too_late")


def test_the_admin_may_cancel_too(cases):
    number = open_ldk(cases)

    case = cases.cancel(number, "adm", "Surat salah kirim")

    assert case.state == CaseState.CANCELLED


def test_only_the_tu_or_the_admin_may_cancel(cases, sessions):
    number = open_ldk(cases)
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match="only the TU or the admin"):
        cases.cancel(number, "dir", "Tidak jadi")

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("cancel", "refused", "cancel_not_allowed")


# -- a case nobody can be routed to ---------------------------------------------------------------


def test_a_case_waits_when_the_kasi_has_no_active_operator(cases, sessions, sops, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    deactivate(sessions, clock, sops, "op1", "op2")

    case = cases.act(number, "kasi1", Forward(instruction="Segera"))

    assert case.state == CaseState.WAITING
    assert (case.current.step_no, case.current.assignee) == (4, None)
    waiting = {r for r, kind, _ in outbox(sessions, case_id=case.id) if kind == "case_waiting"}
    assert waiting == {"kasi1", "tu1"}  # the Kasi who moved it, not the other Kasi


def test_a_return_to_an_operator_who_left_goes_to_the_only_one_left_in_the_kasis_line(
    cases, sessions, sops, clock
):
    number = open_ldk(cases)
    drive_to(cases, number, 5, operator="op2")
    deactivate(sessions, clock, sops, "op2")

    case = cases.act(number, "kasi1", Return(reason="Jumlah record tidak sesuai"))

    assert (case.current.step_no, case.current.assignee) == (4, "op1")


def test_a_letter_whose_case_was_cancelled_may_be_registered_again(cases):
    first = open_ldk(cases)
    cases.cancel(first, "tu1", "Salah input")

    again = cases.open_case(letter(), "tu1")

    assert again.number != first


def test_the_audit_row_of_a_submitted_manifest_carries_its_hash(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 5)

    (row,) = audit_rows(sessions, action="submit_manifest")

    assert row.detail["manifest_hash"] == MANIFEST.checksum()
    assert row.detail["manifest"]["records"] == MANIFEST.records


def test_nobody_can_act_on_a_waiting_step_before_it_is_assigned(cases, sessions, sops, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    deactivate(sessions, clock, sops, "op1", "op2")
    cases.act(number, "kasi1", Forward(instruction="Segera"))
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match="waits for a superior to assign it"):
        cases.act(number, "op3", SubmitManifest(MANIFEST))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("submit_manifest", "refused", "step_unassigned")


@pytest.mark.parametrize("assigner", ["kasi1", "tu1"])
def test_a_superior_or_the_tu_assigns_a_waiting_case_and_it_opens(cases, sessions, sops, clock, assigner):
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    deactivate(sessions, clock, sops, "op1", "op2")
    cases.act(number, "kasi1", Forward(instruction="Segera"))

    case = cases.act(number, assigner, Reassign(to="op3"))

    assert case.state == CaseState.OPEN
    assert (case.current.step_no, case.current.assignee) == (4, "op3")
    assert ("op3", "step_assigned", 4) in outbox(sessions, case_id=case.id)


def test_a_waiting_case_cannot_be_assigned_by_an_official_outside_the_superior_role(
    cases, sessions, sops, clock
):
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    deactivate(sessions, clock, sops, "op1", "op2")
    cases.act(number, "kasi1", Forward(instruction="Segera"))
    before = cases.view(number).case

    with pytest.raises(NotAuthorised):
        cases.act(number, "op3", Reassign(to="op3"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("reassign", "refused", "step_unassigned")
