"""The SOP's warning, enforced by the engine: no data leaves without the permit letter
on record and the Direktur's signature over the manifest that was checked."""

from datetime import UTC, datetime

import pytest

from tests.conftest import PIN, SCAN, SEAL, WIB, letter
from tests.driving import (
    LDK_ITEMS,
    MANIFEST,
    OTHER_MANIFEST,
    TICK_VALUES,
    audit_rows,
    dispatch,
    drive_to,
    edit_case_row,
    edit_step_row,
    last_audit,
    open_ldk,
    outbox,
)
from workflow.case import Case, Signature
from workflow.commands import Forward, Reassign, Return, Sign, SubmitManifest, TickItem
from workflow.errors import ActionNotAllowed, NotAuthorised, ReleaseNotAuthorised, StaleAction
from workflow.release import release_blockers, require_release
from workflow.signature import binding
from workflow.states import CaseState

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
NOT_SIGNED = "the data has not been signed by the Direktur"
NOT_THE_SIGNED_MANIFEST = "the manifest is not the one that was checked and signed"
NOT_ON_RECORD = "the permit letter is not on record (number, date and the scan's SHA-256)"


@pytest.fixture
def sessions(services):
    return services[1]


def seal(case: Case, sop, signer: str = "dir", role: str = "direktur") -> Signature:
    """The signature the service would record for ``signer`` on ``case`` as it is."""
    checksum = case.manifest.checksum()
    bound = binding(
        case, sop, signer=signer, acting_for=None, role=role, order=None, signed_at=NOW, key_id=SEAL.key_id
    )
    return Signature(signer, None, role, checksum, NOW, bound, SEAL.sign(bound.encode()), SEAL.key_id)


def signed_case(sop, *, after: dict | None = None, **changes) -> Case:
    """A plain case (with ``changes``) whose accepted manifest the Direktur signed, with the permit
    on record; ``after`` changes it once signed."""
    case = Case(
        id=None,
        number="LDK-2026-0001",
        sop_id=sop.id,
        sop_version=sop.version,
        state=CaseState.OPEN,
        version=8,
        letter=letter(),
        created_by="tu1",
        created_at=NOW,
        manifest=MANIFEST,
        accepted_hash=MANIFEST.checksum(),
    ).evolve(**changes)
    if "signature" not in changes:
        case = case.evolve(signature=seal(case, sop))
    return case.evolve(**(after or {}))


# -- release_blockers on plain values -------------------------------------------------------------


def test_a_signed_case_with_the_permit_on_record_may_be_released(sops):
    blockers = release_blockers(signed_case(sops["ldk"]), sops["ldk"], SEAL)

    assert blockers == []


def test_a_permit_letter_without_its_scan_blocks_the_release(sops):
    blockers = release_blockers(signed_case(sops["ldk"], letter=letter(scan=None)), sops["ldk"], SEAL)

    assert blockers == [NOT_ON_RECORD]


def test_an_unsigned_manifest_blocks_the_release(sops):
    blockers = release_blockers(signed_case(sops["ldk"], signature=None), sops["ldk"], SEAL)

    assert blockers == [NOT_SIGNED]


def test_a_signature_in_another_role_blocks_the_release(sops):
    ldk = sops["ldk"]
    case = signed_case(ldk)
    by_kasubdit = seal(case, ldk, signer="ksd1", role="kasubdit")

    blockers = release_blockers(case.evolve(signature=by_kasubdit), ldk, SEAL)

    assert blockers == ["the signature is not the Direktur's"]


def test_a_manifest_other_than_the_signed_one_blocks_the_release(sops):
    case = signed_case(sops["ldk"], after={"manifest": OTHER_MANIFEST})

    blockers = release_blockers(case, sops["ldk"], SEAL)

    assert blockers == [NOT_THE_SIGNED_MANIFEST]


def test_a_signature_over_a_manifest_other_than_the_accepted_one_blocks_the_release(sops):
    case = signed_case(sops["ldk"], after={"accepted_hash": OTHER_MANIFEST.checksum()})

    blockers = release_blockers(case, sops["ldk"], SEAL)

    assert blockers == [NOT_THE_SIGNED_MANIFEST]


def test_an_sop_without_a_signing_step_never_releases(sops):
    blockers = release_blockers(signed_case(sops["mini"]), sops["mini"], SEAL)

    assert blockers == ["this SOP has no signing step"]


def test_require_release_names_every_blocker(sops):
    case = signed_case(sops["ldk"], letter=letter(scan=None), signature=None)

    with pytest.raises(ReleaseNotAuthorised) as refused:
        require_release(case, sops["ldk"], SEAL)

    assert refused.value.params["blockers"] == ["permit_not_on_record", "not_signed"]
    assert str(refused.value) == f"release not authorised: {NOT_ON_RECORD}; {NOT_SIGNED}"


# -- no dispatch before the signature -------------------------------------------------------------


@pytest.mark.parametrize("step_no", range(1, 8))
def test_nothing_can_be_ticked_before_the_dispatch_step(cases, sessions, step_no):
    number = open_ldk(cases)
    holder = drive_to(cases, number, step_no).current.assignee
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match=f"step {step_no} .* does not allow tickitem"):
        cases.act(number, holder, TickItem("duplicated"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "action_not_allowed")


def test_an_sop_without_a_dispatch_step_has_nothing_to_tick(cases, sessions):
    number = cases.open_case(letter(), "tu1", sop_id="mini").number
    cases.act(number, "dir", Forward(instruction="Untuk diproses", to="ksd1"))
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="does not allow tickitem"):
        cases.act(number, "ksd1", TickItem("sent", "email"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "action_not_allowed")


def test_a_case_at_dispatch_whose_signature_vanished_cannot_tick(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    edit_case_row(sessions, number, signature=None)
    before = cases.view(number).case

    with pytest.raises(ReleaseNotAuthorised, match=NOT_SIGNED):
        cases.act(number, "op2", TickItem("duplicated"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "release_not_authorised")


# -- the permit letter on record ------------------------------------------------------------------


def test_the_direktur_cannot_sign_while_the_permit_scan_is_missing(cases, sessions):
    number = open_ldk(cases, scan=None)
    drive_to(cases, number, 7)
    before = cases.view(number).case

    with pytest.raises(ReleaseNotAuthorised, match=r"scan of .* is not on record; attach it"):
        cases.act(number, "dir", Sign(pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "permit_not_on_record")


def test_attaching_the_permit_scan_lets_the_direktur_sign(cases, sessions):
    number = open_ldk(cases, scan=None)
    drive_to(cases, number, 7)
    cases.attach_scan(number, "tu1", SCAN, "/arsip/surat/470-123.pdf")

    case = cases.act(number, "dir", Sign(pin=PIN))

    assert (case.current.step_no, case.letter.scan_sha256) == (8, SCAN)
    assert [r.action for r in audit_rows(sessions, case_id=case.id)][-2:] == ["attach_scan", "sign"]


def test_attaching_the_permit_scan_sends_the_open_step_again_to_its_holder_and_their_stand_in(
    cases, sessions, clock
):
    number = open_ldk(cases, scan=None)
    drive_to(cases, number, 7)
    clock.now = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Budi stands in for the Direktur this week

    cases.attach_scan(number, "cli:ops", SCAN, "/arsip/surat/470-123.pdf")

    assert outbox(sessions, kind="step_updated") == [("dir", "step_updated", 7), ("ksd1", "step_updated", 7)]


# -- only the Direktur, or their stand-in within the order's dates, signs ------------------------


@pytest.mark.parametrize("kasubdit", ["ksd1", "ksd2"])
def test_a_kasubdit_who_does_not_stand_in_cannot_sign(cases, sessions, kasubdit):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match="does not hold step 7"):
        cases.act(number, kasubdit, Sign(pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "not_holder")


def test_a_kasubdit_made_holder_of_the_signing_step_still_cannot_sign(cases, sessions):
    number = open_ldk(cases)
    sign_step = drive_to(cases, number, 7).current
    edit_step_row(sessions, sign_step.id, assignee="ksd1")
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match="only the Direktur or their stand-in may sign"):
        cases.act(number, "ksd1", Sign(pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "not_signer")


@pytest.mark.parametrize(
    "at",
    [datetime(2026, 12, 1, 0, 0, tzinfo=WIB), datetime(2026, 12, 7, 23, 59, tzinfo=WIB)],
    ids=["first minute", "last minute"],
)
def test_the_stand_in_signs_within_their_dates_as_plh(cases, sessions, clock, at):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    clock.now = at.astimezone(UTC)

    case = cases.act(number, "ksd1", Sign(pin=PIN))

    assert (case.signature.signer, case.signature.acting_for, case.signature.role) == (
        "ksd1",
        "dir",
        "direktur",
    )
    assert cases.view(number).timeline[6].actor == "Budi Kasubdit (Plh. Dr. Andi Direktur)"
    assert audit_rows(sessions, action="sign")[-1].acting_for == "dir"
    assert (case.current.step_no, case.current.assignee) == (8, "op2")


@pytest.mark.parametrize(
    "at",
    [datetime(2026, 11, 30, 23, 59, tzinfo=WIB), datetime(2026, 12, 8, 0, 0, tzinfo=WIB)],
    ids=["the minute before", "the minute after"],
)
def test_the_stand_in_cannot_sign_outside_their_dates(cases, sessions, clock, at):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    clock.now = at.astimezone(UTC)
    before = cases.view(number).case

    with pytest.raises(NotAuthorised, match="Budi Kasubdit does not hold step 7"):
        cases.act(number, "ksd1", Sign(pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "not_holder")


def test_the_direktur_signs_only_the_manifest_they_were_shown(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    before = cases.view(number).case

    with pytest.raises(StaleAction, match="manifest changed"):
        cases.act(number, "dir", Sign(manifest_hash=OTHER_MANIFEST.checksum(), pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "manifest_changed")


# -- a manifest changed behind the engine's back --------------------------------------------------


@pytest.mark.parametrize("item", LDK_ITEMS)
def test_a_manifest_changed_after_signing_blocks_every_tick(cases, sessions, item):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    edit_case_row(sessions, number, manifest=OTHER_MANIFEST.to_dict())
    before = cases.view(number).case

    with pytest.raises(ReleaseNotAuthorised, match=NOT_THE_SIGNED_MANIFEST) as refused:
        cases.act(number, "op2", TickItem(item, TICK_VALUES[item]))

    assert refused.value.params["blockers"] == ["manifest_not_signed"]
    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "release_not_authorised")


def test_a_manifest_changed_after_signing_blocks_handing_the_dispatch_to_another_operator(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    edit_case_row(sessions, number, manifest=OTHER_MANIFEST.to_dict())
    before = cases.view(number).case

    with pytest.raises(ReleaseNotAuthorised, match=NOT_THE_SIGNED_MANIFEST):
        cases.act(number, "kasi1", Reassign(to="op1"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("reassign", "refused", "release_not_authorised")


def test_a_manifest_changed_after_the_check_cannot_be_signed(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 7)
    edit_case_row(sessions, number, manifest=OTHER_MANIFEST.to_dict())
    before = cases.view(number).case

    with pytest.raises(ReleaseNotAuthorised, match="no checked and accepted manifest"):
        cases.act(number, "dir", Sign(pin=PIN))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("sign", "refused", "nothing_to_sign")


def test_a_permit_scan_removed_after_signing_blocks_every_tick(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    edit_case_row(sessions, number, scan_sha256=None)
    before = cases.view(number).case

    with pytest.raises(ReleaseNotAuthorised, match="permit letter is not on record"):
        cases.act(number, "op2", TickItem("duplicated"))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("tick_item", "refused", "release_not_authorised")


def test_returning_to_step_4_voids_the_manifest_its_check_and_the_signature(cases, clock):
    number = open_ldk(cases)
    drive_to(cases, number, 8, clock=clock)

    for holder in ("op2", "dir", "ksd1", "kasi1"):
        clock.advance(minutes=1)
        case = cases.act(number, holder, Return(reason="Perlu kolom alamat"))

    assert (case.current.step_no, case.current.assignee) == (4, "op2")
    assert (case.manifest, case.accepted_hash, case.signature) == (None, None, None)


def test_a_new_manifest_after_a_return_to_step_4_is_checked_and_signed_again(cases, clock):
    number = open_ldk(cases)
    first_signature = drive_to(cases, number, 8, clock=clock).signature
    for holder in ("op2", "dir", "ksd1", "kasi1"):
        cases.act(number, holder, Return(reason="Perlu kolom alamat"))
    clock.advance(minutes=10)

    cases.act(number, "op2", SubmitManifest(OTHER_MANIFEST))
    signed = drive_to(cases, number, 8, clock=clock)
    closed = dispatch(cases, number, clock=clock)

    new = OTHER_MANIFEST.checksum()
    assert (signed.manifest, signed.accepted_hash, signed.signature.manifest_hash) == (
        OTHER_MANIFEST,
        new,
        new,
    )
    assert signed.signature.signed_at > first_signature.signed_at
    assert closed.state == CaseState.CLOSED
