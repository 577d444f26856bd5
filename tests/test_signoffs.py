"""Sign-offs an office can trust, on the service (the path the bot and any other client share): a
signature only against the signer's PIN; a PIN changed only with the old one and reset only by the
admin's one-time code; duties kept apart by the SOP's rules, stand-ins included; a signature that
binds what it covers, made with a key outside the database, verified again at every release."""

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from tests.conftest import PIN, SEAL, WIB, reimport
from tests.driving import (
    audit_rows,
    dispatch,
    drive_to,
    edit_case_row,
    last_audit,
    open_ldk,
    outbox,
    step_action,
)
from workflow import engine
from workflow.commands import AcceptManifest, Reassign, Sign, TickItem
from workflow.db.models import CaseRow, OfficialRow, SopVersionRow, StepRow
from workflow.decision import Context
from workflow.errors import ChoiceRequired, DutiesApart, NotAuthorised, ReleaseNotAuthorised
from workflow.keys import SigningKeys
from workflow.roster import Official, StandIn
from workflow.routing import next_candidates, reassign_candidates
from workflow.service.pins import Pins
from workflow.service.roster import RosterService
from workflow.signingpin import MAX_TRIES, NoPinCode, PinLocked, PinNotSet, WrongPin
from workflow.sop import SopError
from workflow.states import CaseState, StepOutcome
from workflow.workcalendar import Continuous

NEW_PIN = "135790"


@pytest.fixture
def sessions(services):
    return services[1]


@pytest.fixture
def pins(sessions, sops, clock):
    return Pins(sessions, sops, clock)


def stand_in(sessions, roster, clock, official: str, for_key: str, sp: str = "SP-9/2026") -> None:
    """An order, imported as the roster file would bring it, covering the test's clock."""
    order = StandIn(official, for_key, clock.now - timedelta(days=1), clock.now + timedelta(days=1), sp)
    RosterService(sessions, clock).import_roster(replace(roster, stand_ins=(order,)), "cli:admin")


def official_row(sessions, key: str) -> OfficialRow:
    with sessions() as session:
        return session.get(OfficialRow, key)


# -- the PIN is a second factor -------------------------------------------------------------------


def test_the_service_records_no_signature_without_the_signers_pin(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 7)

    with pytest.raises(WrongPin):
        cases.act(number, "dir", Sign())

    assert cases.view(number).case.signature is None
    assert last_audit(sessions) == ("sign", "refused", "wrong_pin")
    assert official_row(sessions, "dir").pin_failures == 1


def test_a_wrong_pin_counts_even_when_the_action_is_refused_for_another_reason(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 6)  # step 7 is not open: the press is refused either way

    with pytest.raises(WrongPin):
        cases.act(number, "dir", Sign(pin="000000"))

    assert official_row(sessions, "dir").pin_failures == 1


def test_five_wrong_pins_lock_signing_audit_the_lock_and_tell_the_admin(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    told = []
    for _ in range(MAX_TRIES - 1):
        with pytest.raises(WrongPin) as wrong:
            cases.act(number, "dir", Sign(pin="000000"))
        told.append(wrong.value.params["tries_left"])

    with pytest.raises(PinLocked):
        cases.act(number, "dir", Sign(pin="000000"))
    with pytest.raises(PinLocked):
        cases.act(number, "dir", Sign(pin=PIN))  # the right PIN no longer signs

    assert told == [4, 3, 2, 1]
    assert cases.view(number).case.signature is None
    assert [r.action for r in audit_rows(sessions, action="pin_locked")] == ["pin_locked"]
    assert outbox(sessions, kind="pin_locked") == [("adm", "pin_locked", None)]
    assert [r.reason_code for r in audit_rows(sessions, actor="dir", result="refused")] == [
        *["wrong_pin"] * 5,
        "pin_locked",
    ]


def test_a_right_pin_clears_the_count_of_wrong_ones(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    with pytest.raises(WrongPin):
        cases.act(number, "dir", Sign(pin="000000"))

    cases.act(number, "dir", Sign(pin=PIN))

    assert official_row(sessions, "dir").pin_failures == 0


def test_changing_a_pin_needs_the_old_one(cases, sessions, pins):
    with pytest.raises(WrongPin):
        pins.change("dir", "999999", Pins.new_pin_hash(NEW_PIN))
    number = open_ldk(cases)
    drive_to(cases, number, 7)

    cases.act(number, "dir", Sign(pin=PIN))  # the old PIN still signs

    assert official_row(sessions, "dir").pin_failures == 0
    assert last_audit(sessions)[0] == "sign"
    assert [(r.action, r.reason_code) for r in audit_rows(sessions, action="pin_change")] == [
        ("pin_change", "wrong_pin")
    ]


def test_the_old_pin_changes_it(cases, pins):
    pins.change("dir", PIN, Pins.new_pin_hash(NEW_PIN))
    number = open_ldk(cases)
    drive_to(cases, number, 7)

    with pytest.raises(WrongPin):
        cases.act(number, "dir", Sign(pin=PIN))
    signed = cases.act(number, "dir", Sign(pin=NEW_PIN))

    assert signed.signature.signer == "dir"


def test_wrong_old_pins_lock_signing_like_wrong_signing_pins(pins, sessions):
    for _ in range(MAX_TRIES - 1):
        with pytest.raises(WrongPin):
            pins.change("dir", "999999", Pins.new_pin_hash(NEW_PIN))

    with pytest.raises(PinLocked):
        pins.change("dir", "999999", Pins.new_pin_hash(NEW_PIN))

    assert pins.status("dir").locked
    assert outbox(sessions, kind="pin_locked") == [("adm", "pin_locked", None)]


def test_the_first_pin_needs_the_admins_one_time_code(pins, sessions):
    with sessions.begin() as session:
        session.get(OfficialRow, "ksd1").pin_hash = None

    with pytest.raises(NoPinCode):
        pins.change("ksd1", "", Pins.new_pin_hash(NEW_PIN))

    assert pins.status("ksd1").proof == "none_issued"


def test_a_reset_voids_the_old_pin_tells_the_official_and_keeps_the_record_of_failures(cases, sessions, pins):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    for _ in range(MAX_TRIES):
        with pytest.raises((WrongPin, PinLocked)):
            cases.act(number, "dir", Sign(pin="000000"))

    code = pins.issue_code("dir", "cli:root", timedelta(hours=72))

    with pytest.raises(PinNotSet):
        cases.act(number, "dir", Sign(pin=PIN))
    with pytest.raises(WrongPin):
        pins.change("dir", PIN, Pins.new_pin_hash(NEW_PIN))  # the old PIN is no proof after a reset
    pins.change("dir", code.lower().replace("-", " "), Pins.new_pin_hash(NEW_PIN))
    with pytest.raises(WrongPin, match="wrong old pin"):
        pins.change("dir", code, Pins.new_pin_hash(PIN))  # used once: now only the new PIN proves
    signed = cases.act(number, "dir", Sign(pin=NEW_PIN))

    reset = audit_rows(sessions, action="pin_reset")[0]
    assert (reset.actor, reset.detail["official"], reset.detail["failures"]) == ("cli:root", "dir", 5)
    assert reset.detail["locked_at"] is not None
    assert len(audit_rows(sessions, actor="dir", reason_code="wrong_pin")) == 7  # none erased
    assert outbox(sessions, kind="pin_reset") == [("dir", "pin_reset", None)]
    assert audit_rows(sessions, action="pin_set")[-1].detail == {"with": "code", "code_by": "cli:root"}
    assert signed.signature.signer == "dir"
    assert code not in json.dumps([r.detail for r in audit_rows(sessions)])


def test_a_code_expires(pins, clock):
    code = pins.issue_code("dir", "adm", timedelta(hours=1))
    clock.advance(hours=2)

    with pytest.raises(NoPinCode):
        pins.change("dir", code, Pins.new_pin_hash(NEW_PIN))


def test_five_wrong_codes_void_the_code_and_lock_signing(pins, sessions):
    code = pins.issue_code("dir", "adm", timedelta(hours=1))
    for _ in range(MAX_TRIES - 1):
        with pytest.raises(WrongPin):
            pins.change("dir", "AAAA-AAAA-AAAA", Pins.new_pin_hash(NEW_PIN))

    with pytest.raises(PinLocked):
        pins.change("dir", "AAAA-AAAA-AAAA", Pins.new_pin_hash(NEW_PIN))
    with pytest.raises(PinLocked):
        pins.change("dir", code, Pins.new_pin_hash(NEW_PIN))

    assert pins.status("dir").locked and not pins.status("dir").code_pending


def test_only_a_signer_or_their_stand_in_may_choose_a_pin_on_the_service_whatever_path_asks(
    pins, sessions, roster, clock
):
    code = pins.issue_code("dir", "adm", timedelta(hours=1))
    before = official_row(sessions, "op3").pin_hash

    with pytest.raises(NotAuthorised) as begun:
        pins.begin("op3")  # an operator signs at no step of any SOP
    with pytest.raises(NotAuthorised):
        pins.change("op3", code, Pins.new_pin_hash(NEW_PIN))  # not even with another's code
    with pytest.raises(NotAuthorised):
        pins.issue_code("op3", "adm", timedelta(hours=1))
    stand_in(sessions, roster, clock, "op3", "dir")  # a Plh Direktur chooses theirs

    assert begun.value.code == "not_signer" and "Direktur" in begun.value.params["roles"]
    refused = audit_rows(sessions, result="refused", reason_code="not_signer")
    assert [(r.actor, r.action) for r in refused] == [("op3", "pin_change")] * 2 + [("adm", "pin_reset")]
    assert official_row(sessions, "op3").pin_hash == before
    assert pins.begin("op3").proof == "old_pin" and pins.begin("dir").proof == "code"


# -- duties kept apart ----------------------------------------------------------------------------


def test_the_operator_who_reported_the_data_may_not_check_it_as_plh_kasi(cases, sessions, roster, clock):
    stand_in(sessions, roster, clock, "op2", "kasi1")
    number = open_ldk(cases)
    drive_to(cases, number, 5)
    before = cases.view(number).case

    with pytest.raises(DutiesApart, match=r"who reported the data .* may not check the data") as refused:
        cases.act(number, "op2", AcceptManifest())

    assert refused.value.params == {
        "kind": "check_data",
        "by": "report_data",
        "step_no": 4,
        "person": "op2",
        "role": None,
    }
    assert cases.view(number).case == before
    assert last_audit(sessions) == ("accept_manifest", "refused", "duties_apart")


def test_the_checker_may_not_sign_as_plh_direktur(cases, sessions, roster, clock):
    stand_in(sessions, roster, clock, "kasi1", "dir")
    number = open_ldk(cases)
    drive_to(cases, number, 7)

    view = cases.view(number)
    with pytest.raises(DutiesApart, match="who checked the data"):  # what the Tandatangani press asks
        engine.check(view.case, "kasi1", Sign, Context(view.sop, view.directory, Continuous(), clock(), SEAL))
    with pytest.raises(DutiesApart):
        cases.act(number, "kasi1", Sign(pin=PIN))

    assert cases.view(number).case.signature is None
    assert [r.reason_code for r in audit_rows(sessions, actor="kasi1", result="refused")] == ["duties_apart"]


def test_a_kasubdit_signs_as_plh_direktur_and_the_record_names_the_order_and_both_roles(
    cases, sessions, roster, clock
):
    stand_in(sessions, roster, clock, "ksd1", "dir", "SP-001/DIR/XII/2026")
    number = open_ldk(cases)
    drive_to(cases, number, 7)

    case = cases.act(number, "ksd1", Sign(pin=PIN))

    row = audit_rows(sessions, action="sign")[-1]
    assert (row.actor, row.acting_for) == ("ksd1", "dir")
    assert row.detail["stand_in"] == {
        "sp_number": "SP-001/DIR/XII/2026",
        "set_by": "cli:admin",
        "set_at": clock.now.isoformat(),
    }
    assert row.detail["also_acted_as"] == ["kasubdit"]
    bound = json.loads(case.signature.binding)
    assert bound["stand_in"]["sp_number"] == "SP-001/DIR/XII/2026"
    assert bound["stand_in"]["set_by"] == "cli:admin"


def test_the_rules_route_the_check_past_a_barred_kasi(cases, sessions, roster, clock):
    stand_in(sessions, roster, clock, "kasi1", "op2")  # the Kasi reports as Plh. operator
    number = open_ldk(cases)
    drive_to(cases, number, 4)

    case = cases.act(number, "kasi1", step_action(4))

    assert (case.current.step_no, case.current.assignee) == (5, "kasi2")


def test_when_the_rules_leave_nobody_the_case_waits_and_the_superiors_and_admin_are_told(
    cases, sessions, roster, sops, clock
):
    stand_in(sessions, roster, clock, "kasi1", "op2")
    without_kasi2 = replace(roster, officials=tuple(o for o in roster.officials if o.key != "kasi2"))
    order = StandIn("kasi1", "op2", clock.now - timedelta(days=1), clock.now + timedelta(days=1), "SP-9/2026")
    reimport(sessions, replace(without_kasi2, stand_ins=(order,)), "cli:admin", clock)
    number = open_ldk(cases)
    drive_to(cases, number, 4)

    case = cases.act(number, "kasi1", step_action(4))

    assert (case.state, case.current.step_no, case.current.assignee) == (CaseState.WAITING, 5, None)
    told = outbox(sessions, kind="case_waiting")
    assert {r for r, _, _ in told} == {"ksd1", "ksd2", "tu1", "adm"}
    assert (
        "may not check the data"
        in audit_rows(sessions, action="submit_manifest")[-1].detail["waiting_because"]
    )
    with pytest.raises(DutiesApart, match="may not check the data"):
        cases.act(number, "ksd1", Reassign(to="kasi1"))  # a superior cannot assign the barred Kasi
    assert last_audit(sessions) == ("reassign", "refused", "duties_apart")


def test_reassigning_offers_only_those_the_rules_allow(cases, sessions, roster, clock):
    stand_in(sessions, roster, clock, "kasi2", "op2")
    number = open_ldk(cases)
    drive_to(cases, number, 4)
    cases.act(number, "kasi2", step_action(4))  # kasi2 reported, as Plh. operator

    view = cases.view(number)
    assert reassign_candidates(view.case, view.sop, view.directory) == []


# -- the signature binds what it covers and cannot be forged by a database write ------------------


def test_the_signature_binds_case_sop_registration_manifest_signer_and_time(cases, sessions, clock):
    number = open_ldk(cases, pks_number="PKS-12/2026")
    case = drive_to(cases, number, 8)

    bound = json.loads(case.signature.binding)

    assert bound == {
        "v": 1,
        "case": number,
        "sop": {"id": "ldk", "version": 2},
        "registration": {
            "number": "470/123/DUKCAPIL",
            "date": "2026-11-20",
            "scan_sha256": "a" * 64,
            "pks_number": "PKS-12/2026",
        },
        "manifest_hash": case.manifest.checksum(),
        "signer": "dir",
        "acting_for": None,
        "role": "direktur",
        "stand_in": None,
        "signed_at": case.signature.signed_at.isoformat(),
        "key_id": SEAL.key_id,
    }
    public_only = SigningKeys(None, [SEAL.public(SEAL.key_id)])
    assert public_only.verify(SEAL.key_id, case.signature.binding.encode(), case.signature.value)
    detail = audit_rows(sessions, action="sign")[-1].detail["signature"]
    assert (detail["binding"], detail["value"]) == (case.signature.binding, case.signature.value)


def forged(case, number: str, key: SigningKeys, **changes) -> dict:
    """A signature as a database writer would put it there, signed with ``key``."""
    bound = json.loads(case.signature.binding)
    bound.update(changes)
    text = json.dumps(bound, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {
        "signer": bound["signer"],
        "acting_for": bound["acting_for"],
        "role": bound["role"],
        "manifest_hash": bound["manifest_hash"],
        "signed_at": bound["signed_at"],
        "binding": text,
        "sig": key.sign(text.encode()),
        "key_id": key.key_id,
    }


def stored_signature(cases, number: str) -> dict:
    with cases._sessions() as session:
        return session.scalar(select(CaseRow.signature).where(CaseRow.number == number))


@pytest.mark.parametrize(
    "forge, reason",
    [
        ("signed with the writer's own key", "not a trusted signing key"),
        ("binding altered after signing", "does not verify: it was forged or altered"),
        ("copied from another signed case", "no longer matches what was signed (case"),
    ],
)
def test_a_signature_written_into_the_database_stops_the_release(cases, sessions, forge, reason):
    number = open_ldk(cases)
    case = drive_to(cases, number, 8)
    if forge == "signed with the writer's own key":
        signature = forged(case, number, SigningKeys(Ed25519PrivateKey.generate()))
    elif forge == "binding altered after signing":
        signature = stored_signature(cases, number)
        signature["binding"] = signature["binding"].replace('"role":"direktur"', '"role": "direktur"')
    else:
        other = open_ldk(cases, number="470/2/X")
        drive_to(cases, other, 8)
        signature = stored_signature(cases, other)
    edit_case_row(sessions, number, signature=signature)

    with pytest.raises(ReleaseNotAuthorised, match=reason.replace("(", r"\(")):
        cases.act(number, "op2", TickItem("duplicated"))

    assert cases.view(number).case.checklist == {}
    refusal = audit_rows(sessions, result="refused")[-1]
    assert (refusal.reason_code, reason in refusal.message) == ("release_not_authorised", True)


def test_a_permit_letter_changed_after_signing_stops_the_release_naming_the_field(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    edit_case_row(sessions, number, letter_number="470/999/DUKCAPIL")

    with pytest.raises(
        ReleaseNotAuthorised, match=r"no longer matches what was signed \(registration.number\)"
    ):
        cases.act(number, "op2", TickItem("duplicated"))


def test_a_signature_forged_onto_an_unsigned_case_with_the_dispatch_step_opened_by_hand_is_refused(
    cases, sessions
):
    number = open_ldk(cases)
    case = drive_to(cases, number, 7)
    bound = {
        "v": 1,
        "case": number,
        "sop": {"id": "ldk", "version": 2},
        "registration": {
            "number": "470/123/DUKCAPIL",
            "date": "2026-11-20",
            "scan_sha256": "a" * 64,
            "pks_number": None,
        },
        "manifest_hash": case.manifest.checksum(),
        "signer": "dir",
        "acting_for": None,
        "role": "direktur",
        "stand_in": None,
        "signed_at": case.current.started_at.isoformat(),
        "key_id": SEAL.key_id,  # the office's key id, but the writer does not hold the key
    }
    text = json.dumps(bound, sort_keys=True, separators=(",", ":"))
    signature = {**{k: bound[k] for k in ("signer", "acting_for", "role", "manifest_hash", "signed_at")}}
    signature |= {"binding": text, "sig": SigningKeys(Ed25519PrivateKey.generate()).sign(text.encode())}
    signature |= {"key_id": SEAL.key_id}
    edit_case_row(sessions, number, signature=signature)
    with sessions.begin() as session:  # and finishes step 7, opening step 8 for the operator
        row = session.get(StepRow, case.current.id)
        row.finished_at, row.outcome, row.actor = case.current.started_at, StepOutcome.COMPLETED, "dir"
        session.add(
            StepRow(
                case_id=case.id,
                step_no=8,
                assignee="op2",
                started_at=case.current.started_at,
                due_at=case.current.started_at + timedelta(minutes=20),
                note="",
                payload={},
            )
        )

    with pytest.raises(ReleaseNotAuthorised, match="does not verify: it was forged or altered"):
        cases.act(number, "op2", TickItem("duplicated"))

    assert cases.view(number).case.checklist == {}


def test_a_legitimate_release_passes_every_check_to_the_end(cases, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 8, clock=clock)

    assert dispatch(cases, number, clock=clock).state is CaseState.CLOSED


# -- stored SOP versions are checked again --------------------------------------------------------


def alter_stored_sop(sessions, change) -> None:
    """Edit the stored definition of the SOP version the cases use, as a database writer could."""
    with sessions.begin() as session:
        row = session.scalar(select(SopVersionRow))
        definition = json.loads(row.definition)
        change(definition)
        row.definition = json.dumps(definition)


def test_an_altered_stored_sop_version_is_refused_when_a_case_is_loaded(cases, sessions):
    number = open_ldk(cases)
    alter_stored_sop(sessions, lambda d: d.update(apart=[]))  # the four-eyes rules quietly dropped
    fresh = type(cases)(sessions, {"ldk": cases._sops["ldk"]}, tz=WIB, seal=SEAL)

    with pytest.raises(SopError, match="differs from its file"):
        fresh.view(number)


def test_a_stored_sop_version_that_no_longer_validates_is_refused(cases, sessions):
    number = open_ldk(cases)
    alter_stored_sop(sessions, lambda d: d["steps"][6].update(kind="disposition"))  # no signing step
    fresh = type(cases)(sessions, {}, tz=WIB, seal=SEAL)

    with pytest.raises(SopError, match="stored SOP 'ldk' version 2"):
        fresh.view(number)


def test_the_checker_picks_who_takes_the_data_on_when_its_earlier_holder_left(cases, sessions, roster, clock):
    third = Official(key="ksd3", name="Fikri Kasubdit", role="kasubdit", reports_to="dir")
    number = open_ldk(cases)
    drive_to(cases, number, 5)
    changed = (*(o for o in roster.officials if o.key != "ksd1"), third)
    reimport(sessions, replace(roster, officials=changed, stand_ins=()), "cli:admin", clock)

    view = cases.view(number)
    assert next_candidates(view.case, view.sop, view.directory, "kasi1", None) == (["ksd2", "ksd3"], None)
    with pytest.raises(ChoiceRequired):
        cases.act(number, "kasi1", AcceptManifest())
    case = cases.act(number, "kasi1", AcceptManifest(to="ksd3"))

    assert (case.current.step_no, case.current.assignee) == (6, "ksd3")
