"""A database written by main before signing keys (schema 0003, ``tests/data/main-0003.sql``) keeps
working after ``disposisi db upgrade``: its audit rows (without key ids) still verify, its
signatures are kept as legacy signatures that the audit chain attests, and every open case runs
to its end on the SOP version it started on."""

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import HERE, SEAL, TEST_AUDIT_KEY, WIB, Clock
from tests.driving import LDK_ITEMS, TICK_VALUES, drive_to, edit_case_row
from workflow.commands import TickItem
from workflow.db.audit import AuditChain
from workflow.db.migrate import upgrade
from workflow.db.models import AuditRow, CaseRow, SopVersionRow
from workflow.db.session import make_engine, make_session_factory
from workflow.errors import ReleaseNotAuthorised
from workflow.service.cases import CaseService
from workflow.sopfile import load_sops, sop_from_json
from workflow.states import CaseState

DUMP = HERE / "data" / "main-0003.sql"


@pytest.fixture
def upgraded(tmp_path):
    """The old database, upgraded, with the services of today."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(DUMP.read_text(encoding="utf-8"))
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sessions = make_session_factory(engine, TEST_AUDIT_KEY)
    clock = Clock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    cases = CaseService(
        sessions,
        {**load_sops(), **load_sops(HERE / "sops")},
        tz=WIB,
        default_sop="ldk",
        clock=clock,
        seal=SEAL,
    )
    yield cases, sessions, clock
    engine.dispose()


def numbers(sessions) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(CaseRow.number).order_by(CaseRow.id)))


def run_to_the_end(cases, number: str, clock) -> CaseState:
    """Each open case to its end by its holders' usual actions (the Direktur signs with his PIN)."""
    case = cases.view(number).case
    if case.current is None:
        return case.state
    if not case.letter.scan_sha256:
        cases.attach_scan(number, "tu1", "d" * 64, "/arsip/surat.pdf")
    if case.current.step_no < 8:
        drive_to(cases, number, 8, clock=clock)
    case = cases.view(number).case
    for item in LDK_ITEMS:
        if item not in case.checklist:
            clock.advance(minutes=1)
            case = cases.act(number, case.current.assignee, TickItem(item, TICK_VALUES[item]))
    return case.state


def test_every_case_of_an_upgraded_database_runs_to_its_end(upgraded):
    cases, sessions, clock = upgraded

    ended = {number: run_to_the_end(cases, number, clock) for number in numbers(sessions)}

    assert sum(state is CaseState.CLOSED for state in ended.values()) == 12
    assert [n for n, state in ended.items() if state is CaseState.REJECTED] == ["LDK-2026-0012"]
    with sessions() as session:
        assert AuditChain(TEST_AUDIT_KEY).verify(session).ok


def test_cases_open_on_the_old_sop_version_finish_on_it(upgraded):
    cases, _, clock = upgraded

    before = cases.view("LDK-2026-0003")
    run_to_the_end(cases, "LDK-2026-0003", clock)

    assert before.case.sop_version == 1 and before.sop.apart == ()
    assert cases.view("LDK-2026-0003").case.signature.legacy is False  # signed anew, with the key


def test_a_legacy_signature_is_accepted_only_while_its_audit_row_attests_it(upgraded):
    cases, sessions, _ = upgraded
    case = cases.view("LDK-2026-0009").case  # signed before the upgrade, two items ticked
    assert case.signature.legacy and case.signature.attested

    edit_case_row(sessions, case.number, signature={**_stored(case), "manifest_hash": "f" * 64})

    with pytest.raises(ReleaseNotAuthorised, match="no intact audit row attests it"):
        cases.act(case.number, "op2", TickItem(LDK_ITEMS[2], TICK_VALUES[LDK_ITEMS[2]]))


def _stored(case) -> dict:
    sig = case.signature
    return {
        "signer": sig.signer,
        "acting_for": sig.acting_for,
        "role": sig.role,
        "manifest_hash": sig.manifest_hash,
        "signed_at": sig.signed_at.isoformat(),
        "legacy": True,
    }


def test_the_pin_chosen_before_the_upgrade_still_signs(upgraded):
    cases, _, clock = upgraded

    case = drive_to(cases, "LDK-2026-0007", 8, clock=clock)  # the dump's Direktur chose PIN 246810

    assert case.signature.signer == "dir" and not case.signature.legacy


def test_the_stored_definition_of_the_old_sop_version_still_has_the_checksum_it_was_stored_with(upgraded):
    _, sessions, _ = upgraded

    with sessions() as session:
        row = session.scalar(select(SopVersionRow).where(SopVersionRow.version == 1))

    assert sop_from_json(row.definition).checksum() == row.checksum


def test_a_legacy_signature_whose_audit_row_was_edited_is_no_longer_attested(upgraded):
    cases, sessions, _ = upgraded
    case = cases.view("LDK-2026-0009").case
    with sessions.begin() as session:  # the row still says the same signer, time and hash
        row = session.scalar(
            select(AuditRow)
            .where(AuditRow.case_id == case.id, AuditRow.action == "sign")
            .order_by(AuditRow.seq.desc())
        )
        row.message = "signed"

    with pytest.raises(ReleaseNotAuthorised, match="no intact audit row attests it"):
        cases.act(case.number, "op2", TickItem(LDK_ITEMS[2], TICK_VALUES[LDK_ITEMS[2]]))
