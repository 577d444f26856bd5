"""A case as plain, immutable values: the snapshot the engine reads and returns."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType

from workflow.manifest import Manifest
from workflow.states import CaseState, StepOutcome

__all__ = ["Case", "Letter", "Signature", "StepRecord", "Tick"]

_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Letter:
    """The incoming permit letter (surat izin pemanfaatan data)."""

    number: str
    date: date
    institution: str
    purpose: str
    pks_number: str | None = None
    agenda_number: str | None = None
    srikandi_ref: str | None = None
    scan_sha256: str | None = None
    scan_location: str | None = None
    scan_file_id: str | None = None  # the Telegram file id when the scan came through the bot

    @property
    def on_record(self) -> bool:
        """Number, date and the scan's checksum are all known."""
        return bool(self.number and self.date and self.scan_sha256)


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One instance of an SOP step held by one official (a reassignment starts a new one)."""

    id: int | None
    step_no: int
    assignee: str | None
    started_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: StepOutcome | None = None
    actor: str | None = None
    acting_for: str | None = None
    instruction: str | None = None  # the label of one of the SOP's instructions, as forwarded
    note: str = ""
    payload: Mapping = field(default_factory=lambda: _EMPTY)
    working_seconds: int | None = None  # set when it finishes: working time held, on the office calendar

    @property
    def is_open(self) -> bool:
        """Not finished yet."""
        return self.finished_at is None


@dataclass(frozen=True, slots=True)
class Signature:
    """The authorised official's signature over the accepted manifest.

    ``binding`` is the canonical JSON of everything the signature covers (``workflow.signature``)
    and ``value`` its Ed25519 signature under the key ``key_id``, kept outside the database.
    """

    signer: str
    acting_for: str | None
    role: str
    manifest_hash: str
    signed_at: datetime
    binding: str = ""
    value: str = ""
    key_id: str = ""
    legacy: bool = False  # recorded before signing keys existed (schema 0004): see README
    attested: bool = False  # not stored: the service found a legacy signature's audit row intact


@dataclass(frozen=True, slots=True)
class Tick:
    """One ticked checklist item at the dispatch step."""

    by: str
    at: datetime
    value: str = ""
    receipt_sha256: str | None = None
    receipt_file: str | None = None  # where the signed receipt scan is kept (e.g. a Telegram file id)


@dataclass(frozen=True, slots=True)
class Case:
    """One permit letter moving through its SOP."""

    id: int | None
    number: str
    sop_id: str
    sop_version: int
    state: CaseState
    version: int
    letter: Letter
    created_by: str
    created_at: datetime
    steps: tuple[StepRecord, ...] = ()
    manifest: Manifest | None = None
    accepted_hash: str | None = None
    signature: Signature | None = None
    checklist: Mapping[str, Tick] = field(default_factory=lambda: _EMPTY)
    closed_at: datetime | None = None
    access_revoked_at: datetime | None = None  # the Kasi confirmed the operator's access was revoked
    access_revoked_by: str | None = None

    @property
    def current(self) -> StepRecord | None:
        """The open step instance, if the case is open or waiting."""
        return self.steps[-1] if self.steps and self.steps[-1].is_open else None

    def step_by_id(self, step_id: int) -> StepRecord | None:
        """The step instance with this id, if it belongs to the case."""
        return next((s for s in self.steps if s.id == step_id), None)

    def last_holder(self, *, step_no: int | None = None, steps: set[int] | None = None) -> str | None:
        """Who held the most recent instance of a step (or of any of ``steps``)."""
        wanted = {step_no} if step_no is not None else steps or set()
        for record in reversed(self.steps):
            if record.step_no in wanted and record.assignee is not None:
                return record.assignee
        return None

    def evolve(self, **changes) -> "Case":
        """A copy with changes (the engine never mutates a snapshot)."""
        return replace(self, **changes)
