"""What an SOP decides besides its steps, through the service API: the instructions a disposition
is forwarded with, who registers letters, and where each return goes.

The test SOP ``recheck`` (tests/sops/recheck.toml) is the shipped chain with rules of its own: two
instructions, only the TU registers, and the check at step 5 may go back to step 4 or step 3.
"""

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import letter
from tests.driving import MANIFEST, audit_rows, drive_to, last_audit, open_ldk, outbox
from workflow.commands import Forward, Return, SubmitManifest
from workflow.db.models import AuditRow
from workflow.errors import ActionNotAllowed, InvalidInput, NotAuthorised
from workflow.states import CaseState, StepOutcome

CHECK_AGAIN = "Mohon dicek ulang"
#: The recheck SOP's usual action at each step before the check (with its own instructions).
RECHECK_MOVES = {
    1: Forward(instruction=CHECK_AGAIN, to="ksd1"),
    2: Forward(instruction="Tindak lanjuti"),
    3: Forward(instruction=CHECK_AGAIN, to="op2"),
    4: SubmitManifest(MANIFEST),
}


@pytest.fixture
def sessions(services):
    return services[1]


def open_recheck(cases, step_no: int = 1) -> str:
    """A case on the recheck SOP, registered by the TU and moved on until ``step_no`` is open."""
    number = cases.open_case(letter(), "tu1", sop_id="recheck").number
    case = cases.view(number).case
    while case.current.step_no < step_no:
        case = cases.act(number, case.current.assignee, RECHECK_MOVES[case.current.step_no])
    return number


# -- where a return goes ----------------------------------------------------------------------------


def test_a_return_goes_to_the_earlier_step_the_official_chose_among_those_the_sop_allows(cases, sessions):
    number = open_recheck(cases, 5)

    case = cases.act(number, "kasi1", Return(reason="Hak akses salah", to_step=3))

    returned = case.steps[-2]
    assert (returned.step_no, returned.outcome, returned.payload["to_step"]) == (5, StepOutcome.RETURNED, 3)
    assert (case.state, case.current.step_no, case.current.assignee) == (CaseState.OPEN, 3, "kasi1")
    assert case.manifest is None  # step 3 re-opened: the data reported after it is void
    assert audit_rows(sessions, action="return")[-1].detail["to_step"] == 3
    assert ("kasi1", "step_returned", 3) in outbox(sessions)
    assert [r.returned_to for r in cases.view(number).timeline if r.returned_to] == [3]


def test_the_other_allowed_target_gives_the_step_back_to_whoever_held_it(cases, sessions):
    number = open_recheck(cases, 5)

    case = cases.act(number, "kasi1", Return(reason="Data kurang", to_step=4))

    assert (case.current.step_no, case.current.assignee) == (4, "op2")
    assert ("op2", "step_returned", 4) in outbox(sessions)


def test_a_target_the_sop_does_not_allow_is_refused_audited_and_changes_nothing(cases, sessions):
    number = open_recheck(cases, 5)
    before = cases.view(number).case

    with pytest.raises(ActionNotAllowed, match="does not allow a return from step 5 to step 2"):
        cases.act(number, "kasi1", Return(reason="Ulang dari awal", to_step=2))

    assert cases.view(number).case == before
    assert last_audit(sessions) == ("return", "refused", "return_target_not_allowed")
    assert audit_rows(sessions, result="refused")[-1].detail == {
        "step_no": 5,
        "to_step": 2,
        "allowed": [4, 3],
    }


def test_a_return_without_a_target_where_several_are_allowed_is_refused(cases, sessions):
    number = open_recheck(cases, 5)

    with pytest.raises(InvalidInput, match="choose one"):
        cases.act(number, "kasi1", Return(reason="Data kurang"))

    assert cases.view(number).case.current.step_no == 5
    assert last_audit(sessions) == ("return", "refused", "return_target_required")


def test_where_the_sop_allows_one_target_a_return_goes_there_and_no_other(cases, sessions):
    number = open_ldk(cases)
    drive_to(cases, number, 5)

    with pytest.raises(ActionNotAllowed):
        cases.act(number, "kasi1", Return(reason="Akses ulang", to_step=3))
    case = cases.act(number, "kasi1", Return(reason="Data kurang"))

    assert case.current.step_no == 4
    assert [r.returned_to for r in cases.view(number).timeline if r.returned_to] == [4]


# -- the instructions a disposition is forwarded with ----------------------------------------------


def test_a_forward_records_one_of_the_cases_own_instructions_and_shows_it_in_each_language(cases):
    number = cases.open_case(letter(), "tu1", sop_id="recheck").number

    cases.act(number, "dir", Forward(instruction=CHECK_AGAIN, to="ksd1"))

    row = cases.view(number).timeline[0]
    assert (row.instruction, row.instruction_en) == ("Mohon dicek ulang", "Please check again")


def test_an_instruction_the_cases_sop_does_not_offer_is_refused_and_audited(cases, sessions):
    number = cases.open_case(letter(), "tu1", sop_id="recheck").number

    with pytest.raises(InvalidInput, match="not an instruction of SOP recheck"):
        cases.act(number, "dir", Forward(instruction="Untuk diproses", to="ksd1"))

    assert cases.view(number).case.current.step_no == 1
    assert last_audit(sessions) == ("forward", "refused", "instruction_not_offered")


# -- who registers letters -------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["dir", "adm", "op1"])
def test_a_role_the_sop_does_not_name_as_registrar_is_refused_naming_who_may(cases, sessions, key):
    with pytest.raises(
        NotAuthorised, match=r"may not register letters on SOP recheck \(its registrars: tu\)"
    ):
        cases.open_case(letter(), key, sop_id="recheck")

    refusal = audit_rows(sessions)[-1]
    assert (refusal.actor, refusal.action, refusal.result, refusal.reason_code) == (
        key,
        "open_case",
        "refused",
        "not_registrar",
    )
    assert refusal.detail == {"registrars": ["tu"], "role_names": {}}


def test_the_registrars_of_the_shipped_sop_are_the_tu_the_admin_and_the_direktur(cases):
    for key in ("tu1", "adm", "dir"):
        cases.open_case(letter(number=f"470/{key}"), key)

    with pytest.raises(NotAuthorised) as refused:
        cases.open_case(letter(number="470/op1"), "op1")

    assert refused.value.params == {
        "registrars": ["tu", "admin", "direktur"],
        "role_names": {"direktur": "Direktur"},
    }


def test_asking_the_service_before_registering_applies_the_same_rule_and_audits_it(cases, sessions):
    cases.check_registrar("tu1", sop_id="recheck")

    with pytest.raises(NotAuthorised) as refused:
        cases.check_registrar("dir", sop_id="recheck", action="intake")

    assert refused.value.code == "not_registrar"
    assert last_audit(sessions) == ("intake", "refused", "not_registrar")


def test_the_command_line_is_refused_by_the_same_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("AUDIT_KEY", "cli-test-audit-key-0123456789abcdef")
    monkeypatch.setenv("SOP_PATH", str(Path(__file__).parent / "sops" / "recheck.toml"))
    run = CliRunner().invoke
    assert run(app, ["db", "upgrade"]).exit_code == 0
    assert run(app, ["roster", "import", str(Path(__file__).parent / "data" / "roster.toml")]).exit_code == 0
    new = ["case", "new", "--letter-number", "470/9/X", "--letter-date", "2026-11-20"]
    new += ["--institution", "BPS", "--purpose", "Statistik"]

    refused = run(app, [*new, "--as", "dir"])
    registered = run(app, [*new, "--as", "tu1"])

    assert refused.exit_code == 1
    assert "may not register letters on SOP recheck (its registrars: tu)" in refused.output
    assert registered.exit_code == 0, registered.output
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.connect() as c:
        audited = c.execute(select(AuditRow.action, AuditRow.reason_code).filter_by(actor="dir")).all()
    engine.dispose()
    assert audited == [("open_case", "not_registrar")]
