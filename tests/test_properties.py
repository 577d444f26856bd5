"""Random officials doing random things to a few cases at once.

After every action the database must still make sense: one open step at most, no
step skipped, nothing released without the permit scan and the signature, every
refusal audited and every accepted action exactly one new version of its case.
"""

import itertools
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from sqlalchemy import func, select

from tests.conftest import PIN, SCAN, SEAL, TEST_AUDIT_KEY, WIB, Clock, build_services, letter
from workflow.case import Case
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
from workflow.db import reference
from workflow.db import repository as repo
from workflow.db.models import AuditRow, CaseRow
from workflow.db.session import make_engine, make_session_factory
from workflow.errors import DomainError
from workflow.manifest import Manifest
from workflow.release import release_blockers
from workflow.service.cases import CaseService
from workflow.sop import Sop, StepKind
from workflow.sopfile import load_sops
from workflow.states import CaseState, StepOutcome, is_terminal

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # a week before ksd1 stands in for the Direktur
OFFICIALS = ["dir", "ksd1", "ksd2", "kasi1", "kasi2", "op1", "op2", "op3", "tu1", "adm"]
ACTORS = [*OFFICIALS, "cli:ops", "ghost"]
NO_SUCH_CASE = "LDK-2099-0001"
MANIFESTS = [
    Manifest(form="file", description="NIK list", records=1200, sha256="b" * 64, location="/srv/a.csv"),
    Manifest(form="file", description="NIK list", records=1199, sha256="c" * 64, location="/srv/b.csv"),
    Manifest(form="hardcopy", description="Printed extract", pages=12),
]
TICK_VALUES = {"duplicated": "", "archived": "ARS-7", "sent": "email", "receipt": "TT-9"}
#: The dispatch checklist of release4 (the default one), by item key, in its order.
ITEMS = tuple(TICK_VALUES)
TOO_LONG = "x" * 1001

texts = st.sampled_from(["", "   ", "Mohon segera diproses", TOO_LONG])
reasons = st.sampled_from(["", "Data kurang lengkap", TOO_LONG])
whom = st.sampled_from([None, *OFFICIALS, "ghost"])
#: The shipped SOP's instructions, and one it does not offer (refused by the engine).
OFFERED = [i.label for i in load_sops()["ldk"].instructions]
instructions = st.none() | st.sampled_from([*OFFERED, "Bukan instruksi"])
tick_values = st.sampled_from(["", "ARS-1", "email", "y" * 201])
receipts = st.sampled_from([None, "d" * 64, "not-a-hash"])


@dataclass(frozen=True)
class Seen:
    """What the database holds after an action: the cases, and the audit's counts."""

    cases: dict[str, Case]
    ok: int
    refused: int

    def others(self, number: str) -> dict[str, Case]:
        return {n: case for n, case in self.cases.items() if n != number}


class CasesUnderFire(RuleBasedStateMachine):
    """Three cases on a fresh copy of a migrated database with the test roster: one on the
    8-step SOP with its permit scan, one without the scan (until someone attaches it), and
    one on the 4-step release SOP."""

    def __init__(self, template, sops, workdir, names):
        super().__init__()
        path = workdir / f"{next(names)}.db"
        shutil.copyfile(template, path)
        self.engine = make_engine(f"sqlite:///{path}")
        self.sessions = make_session_factory(self.engine, TEST_AUDIT_KEY)
        self.clock = Clock(START)
        self.cases = CaseService(self.sessions, sops, tz=WIB, default_sop="ldk", clock=self.clock, seal=SEAL)
        self.sops: dict[tuple[str, int], Sop] = {}
        with self.sessions() as session:
            self.directory = reference.load_directory(session)

    def teardown(self):
        self.engine.dispose()

    # -- rules -----------------------------------------------------------------------------------

    @initialize(days=st.integers(0, 10))
    def open_cases(self, days):
        self.clock.advance(days=days)
        self.cases.open_case(letter(number="470/1/A"), "tu1")
        self.cases.open_case(letter(number="470/2/B", scan=None), "tu1")
        self.cases.open_case(letter(number="470/3/C"), "tu1", sop_id="release4", assignee="op1")
        self.seen = self._look()
        self._check_every_case()

    @rule(minutes=st.integers(0, 30) | st.integers(0, 3 * 24 * 60))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    @rule(data=st.data())
    def anyone_does_anything(self, data):
        number = data.draw(st.sampled_from([*self.seen.cases, NO_SUCH_CASE]), label="case")
        case = self.seen.cases.get(number)
        actor = data.draw(st.sampled_from(ACTORS), label="actor")
        at = st.just(data.draw(self._step_ids(case), label="step_id"))
        checksum = case.manifest.checksum() if case and case.manifest else None
        seen_hash = st.just(data.draw(st.sampled_from([None, checksum, "0" * 64]), label="manifest_hash"))
        command = data.draw(
            st.one_of(
                st.builds(Acknowledge, step_id=at),
                st.builds(Forward, step_id=at, instruction=instructions, note=texts, to=whom),
                st.builds(Return, reason=reasons, step_id=at),
                st.builds(Reject, reason=reasons, step_id=at),
                st.builds(Reassign, to=whom.filter(bool), step_id=at, note=texts),
                st.builds(SubmitManifest, manifest=st.sampled_from(MANIFESTS), step_id=at),
                st.builds(AcceptManifest, step_id=at, manifest_hash=seen_hash),
                st.builds(Sign, step_id=at, manifest_hash=seen_hash, to=whom),
                st.builds(TickItem, st.sampled_from(ITEMS), tick_values, receipts, step_id=at),
                st.builds(Cancel, reason=reasons),
            ),
            label="command",
        )
        self._act(number, lambda: self.cases.act(number, actor, command))

    @rule(data=st.data(), moves=st.integers(1, 8))
    def the_holder_moves_the_case_on(self, data, moves):
        """Mostly sensible moves by whoever holds the step, so that cases get deep into the SOP."""
        number = data.draw(st.sampled_from(list(self.seen.cases)), label="case")
        for _ in range(moves):
            case = self.seen.cases[number]
            if case.current is None:
                return
            actor, command = self._sensible_move(data, case, self._sop(case))
            self._act(number, lambda a=actor, c=command: self.cases.act(number, a, c))

    @rule(data=st.data())
    def someone_attaches_the_scan(self, data):
        number = data.draw(st.sampled_from(list(self.seen.cases)), label="case")
        actor = data.draw(st.sampled_from(["tu1", "adm", "op1"]), label="actor")
        sha256 = data.draw(st.sampled_from([SCAN, "e" * 64, "NOT-HEX"]), label="sha256")
        self._act(number, lambda: self.cases.attach_scan(number, actor, sha256, "lemari 2"))

    # -- one action, and what it may change ------------------------------------------------------

    def _act(self, number, action):
        """Do one action; check it made exactly one new version, or none and one audited refusal."""
        before = self.seen
        try:
            action()
        except DomainError:
            after = self._look()
            assert after.refused == before.refused + 1, "a refusal was not audited"
            assert after.ok == before.ok
            assert after.cases == before.cases, "a refused action changed a case"
        else:
            after = self._look()
            assert (after.ok, after.refused) == (before.ok + 1, before.refused)
            assert after.cases[number].version == before.cases[number].version + 1
            assert after.others(number) == before.others(number), "an action changed another case"
        self.seen = after
        self._check_every_case()

    def _check_every_case(self):
        for case in self.seen.cases.values():
            assert_one_open_step_at_most(case)
            assert_no_step_skipped(case)
            assert_nothing_released_unsigned(case, self._sop(case))

    def _look(self) -> Seen:
        with self.sessions() as session:
            numbers = session.scalars(select(CaseRow.number).order_by(CaseRow.id)).all()
            cases = {n: repo.load_case(session, n) for n in numbers}
            counts = dict(
                session.execute(select(AuditRow.result, func.count()).group_by(AuditRow.result)).all()
            )
        return Seen(cases, counts.get("ok", 0), counts.get("refused", 0))

    def _sop(self, case: Case) -> Sop:
        """The SOP as stored for the case (read once: a stored version never changes)."""
        key = (case.sop_id, case.sop_version)
        if key not in self.sops:
            with self.sessions() as session:
                self.sops[key] = reference.load_sop_version(session, *key)
        return self.sops[key]

    def _step_ids(self, case: Case | None):
        """The step aimed at: none, the current one, an earlier one, another case's, or one that never was."""
        mine = [s.id for s in case.steps] if case else []
        others = [s.id for c in self.seen.cases.values() if c is not case for s in c.steps[-1:]]
        current = [case.current.id] * 2 if case and case.current else []
        return st.sampled_from([None, *current, *mine, *others, 10**6])

    def _sensible_move(self, data, case: Case, sop: Sop):
        step = case.current
        role = sop.step(step.step_no).role
        if step.assignee is None:  # waiting: the TU or admin assigns it
            actor = data.draw(st.sampled_from(["tu1", "adm"]), label="actor")
            return actor, Reassign(
                to=data.draw(st.sampled_from(self.directory.holders(role))), step_id=step.id
            )
        stand_ins = self.directory.stand_ins_for(step.assignee, self.clock.now)
        actor = data.draw(st.sampled_from([step.assignee, step.assignee, *stand_ins]), label="actor")
        nxt = self.directory.holders(sop.step(step.step_no + 1).role) if step.step_no < len(sop.steps) else []
        to = data.draw(st.sampled_from([None, *nxt]), label="to")
        moves = {
            StepKind.DISPOSITION: [Forward(step.id, "Untuk diproses", to=to)],
            StepKind.GRANT_ACCESS: [Forward(step.id, note="Akses diberikan", to=to)],
            StepKind.REPORT_DATA: [SubmitManifest(m, step.id) for m in MANIFESTS],
            StepKind.CHECK_DATA: [AcceptManifest(step.id)],
            StepKind.SIGN: [Sign(step.id, to=to, pin=PIN)],
            StepKind.DISPATCH: [next_tick(case, step.id)],
        }[sop.step(step.step_no).kind]
        reassign_to = data.draw(st.sampled_from(self.directory.holders(role)), label="reassign to")
        detours = [  # rare, and a rejection rarest: it ends the case
            Acknowledge(step.id),
            Return("Mohon diperbaiki", step.id),
            Reassign(to=reassign_to, step_id=step.id),
        ]
        rejection = [Reject("Tidak memenuhi syarat", step.id)]
        return actor, data.draw(st.sampled_from(moves * 40 + detours * 3 + rejection), label="command")


def next_tick(case: Case, step_id: int) -> TickItem:
    """The first unticked checklist item, with a value that will do."""
    item = next((i for i in ITEMS if i not in case.checklist), ITEMS[-1])
    return TickItem(item, TICK_VALUES[item], step_id=step_id)


# -- the invariants --------------------------------------------------------------------------------


def assert_one_open_step_at_most(case: Case) -> None:
    """An open or waiting case has exactly one open step, its last; a finished case has none."""
    open_steps = [s for s in case.steps if s.is_open]
    expected = 0 if is_terminal(case.state) else 1
    assert len(open_steps) == expected, f"{case.number} is {case.state} with {len(open_steps)} open steps"
    if open_steps:
        assert open_steps[0] is case.steps[-1], f"{case.number}: an earlier step is still open"
        held = open_steps[0].assignee is not None
        assert case.state is (CaseState.OPEN if held else CaseState.WAITING), case.number


_STRIDE = {StepOutcome.COMPLETED: 1, StepOutcome.REASSIGNED: 0, StepOutcome.RETURNED: -1}


def assert_no_step_skipped(case: Case) -> None:
    """The case starts at step 1; from there on, forward, again (reassigned) or back (returned), by one."""
    steps = case.steps
    assert steps[0].step_no == 1, case.number
    for before, after in itertools.pairwise(steps):
        assert before.outcome in _STRIDE, f"{case.number}: step {before.step_no} ended {before.outcome}"
        assert after.step_no == before.step_no + _STRIDE[before.outcome], (
            f"{case.number}: step {before.step_no} ({before.outcome}) was followed by step {after.step_no}"
        )


def assert_nothing_released_unsigned(case: Case, sop: Sop) -> None:
    """No dispatch step open and no checklist item ticked while anything blocks the release."""
    dispatch = sop.first_of(StepKind.DISPATCH)
    dispatching = any(s.step_no == dispatch.no and s.is_open for s in case.steps)
    if dispatching or case.checklist:
        assert release_blockers(case, sop, SEAL) == [], f"{case.number} is being released while blocked"


# -- the test --------------------------------------------------------------------------------------


def test_random_actions_keep_every_case_consistent(migrated_template, sops, roster, tmp_path):
    seeded = tmp_path / "seeded.db"
    shutil.copyfile(migrated_template, seeded)
    _, _, engine = build_services(f"sqlite:///{seeded}", sops, roster, Clock(START - timedelta(days=1)))
    engine.dispose()  # the last connection to close folds the WAL into the file that is copied
    names = itertools.count()

    run_state_machine_as_test(
        lambda: CasesUnderFire(seeded, sops, tmp_path, names),
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
