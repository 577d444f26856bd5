"""The SOP as a frozen, validated value: its parts, the defaults of fields added later, and its
canonical JSON and checksum. Reading and checking an SOP file is ``workflow.sopfile``.

A case points at an SOP id and version and never edits it; the definition of
every version a case used is stored beside the case (see ``workflow.db``), so a
case finishes on the SOP it started on even after the file changes.
"""

import enum
import hashlib
import json
import re
import tomllib
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from workflow.duration import parse_duration
from workflow.roster import NON_SOP_ROLES

__all__ = [
    "BOUND_FIELDS",
    "LETTER_FIELDS",
    "NEEDED_FIELDS",
    "Apart",
    "ChecklistItem",
    "DailyDigest",
    "Instruction",
    "LetterField",
    "Needs",
    "Numbering",
    "Role",
    "Sop",
    "SopError",
    "Step",
    "StepKind",
    "default_checklist",
    "defaults",
]

SHIPPED_SOPS = Path(__file__).parent / "sops"
#: Defaults of the fields added after SOP definitions were first stored (data, not code: the values
#: the shipped SOP had before they became fields), so stored definitions still load unchanged.
DEFAULTS_FILE = Path(__file__).parent / "sop_defaults.toml"


class SopError(ValueError):
    """An SOP file that cannot be used; the message names file, step and field."""


class StepKind(enum.StrEnum):
    """What a step does, which decides the actions it allows."""

    DISPOSITION = "disposition"  # read the letter, instruct the next official
    GRANT_ACCESS = "grant_access"  # grant an operator access to the data warehouse
    REPORT_DATA = "report_data"  # the operator extracts the data and submits its manifest
    CHECK_DATA = "check_data"  # a superior checks the manifest and accepts it
    SIGN = "sign"  # the authorised official signs the accepted manifest
    DISPATCH = "dispatch"  # duplicate, archive, send and take the receipt


#: The registration fields a signature may bind (``signature_binds``), as ``Letter`` attributes.
BOUND_FIELDS = (
    "number",
    "date",
    "institution",
    "purpose",
    "pks_number",
    "agenda_number",
    "srikandi_ref",
    "scan_sha256",
)
#: What a registration field (``[[fields]]``) may ask: the same, with ``scan`` (the permit scan:
#: its SHA-256 and where it is kept) for ``scan_sha256``.
LETTER_FIELDS = tuple("scan" if field == "scan_sha256" else field for field in BOUND_FIELDS)
#: The registration fields every case needs: an SOP asks them, required.
NEEDED_FIELDS = ("number", "date", "institution")
#: What a signature binds when the SOP file does not say: the permit letter and the PKS/MoU.
DEFAULT_BINDS = ("number", "date", "scan_sha256", "pks_number")


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


#: In ``returns_to``: the step just before (none at step 1).
PREVIOUS = "previous"
#: In ``registrars``: ``step:N`` stands for the role of step N.
STEP_ROLE = re.compile(r"step:([1-9][0-9]*)")
#: The longest instruction label: a case's step row stores it (``steps.instruction``, 40 characters).
INSTRUCTION_LIMIT = 40


class Role(_Frozen):
    """A column of the SOP's flowchart."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    superior: str | None = None
    may_reject: bool = True


class Needs(enum.StrEnum):
    """What ticking a checklist item needs besides the press."""

    NOTHING = "nothing"  # the press is the record
    TEXT = "text"  # a value the official types, asked with the item's ``ask``
    RECEIPT = "receipt"  # the signed receipt: its number and/or its scan (photo or PDF, SHA-256 kept)


class ChecklistItem(_Frozen):
    """One item of a dispatch step's checklist. ``key`` is what the database and the audit store;
    ``label`` (Indonesian) and ``label_en`` (every other language) are what the official reads."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    needs: Needs = Needs.NOTHING
    #: The question the bot asks for a ``text`` item's value (Indonesian; ``ask_en`` the others).
    ask: str = ""
    ask_en: str = ""
    #: An earlier item of the same step that must be ticked first.
    after: str | None = None
    #: Ticking it lets the data leave the office: from then on the step can no longer be returned.
    releases: bool = False


class LetterField(_Frozen):
    """One question /baru asks when a letter is registered, in the SOP's order. ``key`` is the letter
    field the answer fills (``LETTER_FIELDS``); ``label`` (Indonesian) and ``label_en`` what officials
    read of it, ``ask`` and ``ask_en`` the question; an answer to a field not ``required`` may be
    skipped."""

    key: str
    label: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    ask: str = Field(min_length=1)
    ask_en: str = Field(min_length=1)
    required: bool = True


class Numbering(_Frozen):
    """How the SOP numbers its cases: ``PREFIX-YEAR-0001``, counting again from 1 each year
    (``yearly``), or ``PREFIX-0001`` counting on. Without a ``prefix`` the ``CASE_PREFIX`` setting
    is the prefix."""

    prefix: str | None = Field(default=None, pattern=r"^[A-Z]{1,10}$")
    yearly: bool = True


class DailyDigest(_Frozen):
    """Whether the SOP's cases have a section in the daily digest (``send``), and which roles get
    it (``to``: roster or SOP roles; empty, every official whose roster entry asks for the digest)."""

    send: bool = True
    to: tuple[str, ...] = ()


def _default_checklist(data: Any) -> Any:
    """A dispatch step that does not list its checklist gets the default one (``DEFAULTS_FILE``)."""
    if isinstance(data, dict) and data.get("kind") == StepKind.DISPATCH and "checklist" not in data:
        return {**data, "checklist": defaults()["dispatch_checklist"]}
    return data


class Step(_Frozen):
    """One row of the SOP's procedure."""

    no: int = Field(ge=1)
    role: str
    kind: StepKind
    action: str = Field(min_length=1)
    action_en: str = Field(min_length=1)
    requires: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    sla: Duration
    #: The earlier steps a return from this step may go to (the official chooses when there are
    #: several); by default the step just before ("previous"), none at step 1.
    returns_to: tuple[int | str, ...] = Field(
        default_factory=lambda: tuple(defaults()["step"]["returns_to"]), validate_default=True
    )
    #: What the official ticks at a dispatch step, in this order (no other step kind has one).
    checklist: tuple[ChecklistItem, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def checklist_by_default(cls, data: Any) -> Any:
        """A dispatch step that does not list its checklist gets the default one."""
        return _default_checklist(data)

    def item(self, key: str) -> ChecklistItem | None:
        """The checklist item with this key, if the step has one."""
        return next((i for i in self.checklist if i.key == key), None)

    @property
    def receipt_item(self) -> ChecklistItem | None:
        """The item that takes the signed receipt, if any."""
        return next((i for i in self.checklist if i.needs is Needs.RECEIPT), None)

    @field_validator("returns_to")
    @classmethod
    def _earlier_steps(cls, value: tuple[int | str, ...], info: ValidationInfo) -> tuple[int, ...]:
        no = info.data.get("no")
        return () if no is None else _return_targets(value, no)  # a bad ``no`` is reported itself

    def default_returns(self) -> tuple[int, ...]:
        """Where a return from this step goes when the SOP does not say (``DEFAULTS_FILE``)."""
        return _return_targets(defaults()["step"]["returns_to"], self.no)


def _return_targets(value, no: int) -> tuple[int, ...]:
    """``returns_to`` of step ``no`` as step numbers, ``"previous"`` resolved, each once (that they
    are earlier steps is checked with the numbering: ``_check_links``)."""
    steps: list[int] = []
    for target in value:
        if target == PREVIOUS:
            steps += [no - 1] if no > 1 else []
            continue
        if not isinstance(target, int) or isinstance(target, bool):
            raise ValueError(f"{target!r} is not a step number (nor {PREVIOUS!r})")
        steps.append(target)
    if len(set(steps)) != len(steps):
        raise ValueError("a step is named twice")
    return tuple(steps)


class Instruction(_Frozen):
    """A standard instruction offered when a disposition is forwarded (the lembar disposisi's
    quick picks). ``label`` is what a case stores and the Indonesian officials read; ``label_en``
    what every other language reads."""

    label: str = Field(min_length=1, max_length=INSTRUCTION_LIMIT)
    label_en: str = Field(min_length=1)


class Apart(_Frozen):
    """A four-eyes rule: whoever acted at the latest completed step of a ``not_by`` kind (the
    official or the one they stood in for) may not complete a step of ``kind`` in the same case."""

    kind: StepKind
    not_by: tuple[StepKind, ...] = Field(min_length=1)


class Sop(_Frozen):
    """A validated SOP: header, roles, the ordered steps and the rules that keep duties apart."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: int = Field(ge=1)
    number: str
    title: str
    title_en: str = ""
    issuer: str = ""
    legal_basis: tuple[str, ...] = ()
    warning: str = ""
    warning_en: str = ""
    roles: tuple[Role, ...]
    steps: tuple[Step, ...]
    apart: tuple[Apart, ...] = ()
    #: One official acts in one role per case (e.g. not as Kasubdit and as Plh. Direktur).
    one_role_per_official: bool = False
    #: The registration fields the signature binds, besides the case, the SOP and the manifest.
    signature_binds: tuple[str, ...] = DEFAULT_BINDS
    #: The standard instructions a disposition may be forwarded with, in the order offered.
    instructions: tuple[Instruction, ...] = Field(
        default_factory=lambda: tuple(Instruction(**i) for i in defaults()["instructions"]), min_length=1
    )
    #: The roles that may register a letter: roster roles (``tu``, ``admin``) and this SOP's roles;
    #: ``step:N`` in the file stands for the role of step N.
    registrars: tuple[str, ...] = Field(
        default_factory=lambda: tuple(defaults()["registrars"]), min_length=1, validate_default=True
    )

    #: The questions asked when a letter is registered, in this order.
    fields: tuple[LetterField, ...] = Field(
        default_factory=lambda: tuple(LetterField(**f) for f in defaults()["fields"])
    )
    #: How its cases are numbered (``PREFIX-YEAR-0001``).
    numbering: Numbering = Field(default_factory=lambda: Numbering(**defaults()["numbering"]))
    #: Whether and to whom the daily digest reports its cases.
    daily_digest: DailyDigest = Field(default_factory=lambda: DailyDigest(**defaults()["daily_digest"]))
    #: Whether new cases may start on it.
    open: bool = Field(default_factory=lambda: defaults()["open"])

    @field_validator("registrars")
    @classmethod
    def _registrar_roles(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        steps, roles = info.data.get("steps"), info.data.get("roles")
        if steps is None or roles is None:  # those fields' own errors are reported
            return value
        return _registrar_roles(value, steps, roles)

    def default_registrars(self) -> tuple[str, ...]:
        """Who registers letters when the SOP does not say (``DEFAULTS_FILE``), for this SOP."""
        return _registrar_roles(defaults()["registrars"], self.steps, self.roles)

    def field(self, key: str) -> LetterField | None:
        """The registration field with this key, if the SOP asks it."""
        return next((f for f in self.fields if f.key == key), None)

    @property
    def required_fields(self) -> tuple[str, ...]:
        """The keys of the registration fields a letter must give."""
        return tuple(f.key for f in self.fields if f.required)

    def instruction(self, label: str) -> Instruction | None:
        """The instruction with this (Indonesian) label, if the SOP offers it."""
        return next((i for i in self.instructions if i.label == label), None)

    def step(self, no: int) -> Step:
        """The step numbered ``no`` (steps are numbered 1..n in order)."""
        return self.steps[no - 1]

    def role(self, key: str) -> Role:
        """The role with this key."""
        return next(r for r in self.roles if r.key == key)

    @property
    def total_sla(self) -> timedelta:
        """The sum of the steps' SOP times."""
        return sum((s.sla for s in self.steps), timedelta())

    def first_of(self, kind: StepKind) -> Step | None:
        """The first step of a kind, if any."""
        return next((s for s in self.steps if s.kind is kind), None)

    def definition_json(self) -> str:
        """The canonical JSON of this definition, as stored beside the cases."""
        data = self.model_dump(mode="json", exclude=_OFFICE_FIELDS)
        for field in _LATER_FIELDS:  # at their defaults they leave older definitions' checksums as they were
            if getattr(self, field) == Sop.model_fields[field].get_default(call_default_factory=True):
                del data[field]
        if self.registrars == self.default_registrars():
            del data["registrars"]
        for step in data["steps"]:
            spec = self.step(step["no"])
            step["sla"] = int(spec.sla.total_seconds())
            if spec.returns_to == spec.default_returns():
                del step["returns_to"]
            if not spec.checklist or spec.checklist == default_checklist():  # checksums stay, as above
                del step["checklist"]
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def checksum(self) -> str:
        """SHA-256 of the canonical definition: a changed file with the same version differs."""
        return hashlib.sha256(self.definition_json().encode()).hexdigest()


def _registrar_roles(value, steps: tuple[Step, ...], roles: tuple[Role, ...]) -> tuple[str, ...]:
    """``registrars`` as role keys: ``step:N`` resolved to the role of step N; every entry a role
    someone on the roster can hold (the roster's own roles, or this SOP's)."""
    known = (*NON_SOP_ROLES, *(r.key for r in roles))
    resolved = []
    for entry in value:
        if match := STEP_ROLE.fullmatch(entry):
            step = next((s for s in steps if s.no == int(match[1])), None)
            if step is None:
                raise ValueError(f"{entry!r}: this SOP has no step {match[1]}")
            entry = step.role
        elif entry not in known:
            raise ValueError(
                f"unknown role {entry!r} (known: {', '.join(known)}; or step:N for the role of step N)"
            )
        resolved.append(entry)
    return tuple(dict.fromkeys(resolved))


#: Fields added after SOP definitions were first stored.
_LATER_FIELDS = (
    "apart",
    "one_role_per_official",
    "signature_binds",
    "instructions",
    "numbering",
    "fields",
)
#: Fields that are no part of the stored definition: they say whether new cases start on the SOP
#: and who reads about its cases, not how a case runs, so changing them takes no new version (the
#: file's current value applies; a stored version loads with the defaults).
_OFFICE_FIELDS = {"open", "daily_digest"}
# Also ``registrars`` and each step's ``returns_to``, whose defaults depend on the steps: see
# ``definition_json``.


@cache
def defaults() -> dict[str, Any]:
    """The defaults of ``DEFAULTS_FILE``, by field name."""
    return tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


@cache
def default_checklist() -> tuple[ChecklistItem, ...]:
    """The checklist a dispatch step gets when its SOP does not list one."""
    return tuple(ChecklistItem.model_validate(item) for item in defaults()["dispatch_checklist"])
