"""The SOP as a frozen, validated value loaded from a TOML file.

A case points at an SOP id and version and never edits it; the definition of
every version a case used is stored beside the case (see ``workflow.db``), so a
case finishes on the SOP it started on even after the file changes.
"""

import enum
import hashlib
import json
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from workflow.duration import parse_duration
from workflow.openpoints import MARK, open_points

__all__ = [
    "BOUND_FIELDS",
    "Apart",
    "Role",
    "Sop",
    "SopError",
    "Step",
    "StepKind",
    "load_sop",
    "load_sops",
    "sop_from_json",
]

SHIPPED_SOPS = Path(__file__).parent / "sops"


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
#: What a signature binds when the SOP file does not say: the permit letter and the PKS/MoU.
DEFAULT_BINDS = ("number", "date", "scan_sha256", "pks_number")


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(_Frozen):
    """A column of the SOP's flowchart."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    superior: str | None = None
    may_reject: bool = True


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
        data = self.model_dump(mode="json")
        for field in _LATER_FIELDS:  # at their defaults they leave older definitions' digests as they were
            if getattr(self, field) == Sop.model_fields[field].default:
                del data[field]
        for step in data["steps"]:
            step["sla"] = int(self.step(step["no"]).sla.total_seconds())
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def digest(self) -> str:
        """SHA-256 of the canonical definition: a changed file with the same version differs."""
        return hashlib.sha256(self.definition_json().encode()).hexdigest()


#: Fields added after SOP definitions were first stored.
_LATER_FIELDS = ("apart", "one_role_per_official", "signature_binds")


def _where(source: str, data: dict, loc: tuple) -> str:
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = data.get("steps") or []
        raw = steps[loc[1]] if loc[1] < len(steps) and isinstance(steps[loc[1]], dict) else {}
        field = ".".join(str(p) for p in loc[2:]) or "(step)"
        return f"{source}: step {raw.get('no', f'#{loc[1] + 1}')}, field {field!r}"
    return f"{source}: field {'.'.join(str(p) for p in loc)!r}"


def _check_links(sop: Sop, source: str) -> None:
    role_keys = [r.key for r in sop.roles]
    if len(set(role_keys)) != len(role_keys):
        raise SopError(f"{source}: duplicate role key in roles")
    for role in sop.roles:
        if role.superior is not None and role.superior not in role_keys:
            raise SopError(f"{source}: role {role.key!r}, field 'superior': unknown role {role.superior!r}")
    for role in sop.roles:  # superior chains must end
        seen, cur = set(), role
        while cur.superior is not None:
            if cur.key in seen:
                raise SopError(f"{source}: role {role.key!r}, field 'superior': the chain loops")
            seen.add(cur.key)
            cur = sop.role(cur.superior)
    numbers = [s.no for s in sop.steps]
    for expected, step in enumerate(sop.steps, start=1):
        if numbers.count(step.no) > 1:
            raise SopError(f"{source}: step {step.no}, field 'no': duplicate step")
        if step.no != expected:
            raise SopError(f"{source}: step {expected}, field 'no': missing step (found {step.no})")
        if step.role not in role_keys:
            raise SopError(f"{source}: step {step.no}, field 'role': unknown role {step.role!r}")
    kinds = [s.kind for s in sop.steps]
    for step in sop.steps:
        single = (StepKind.REPORT_DATA, StepKind.CHECK_DATA, StepKind.SIGN, StepKind.DISPATCH)
        if step.kind in single and kinds.index(step.kind) != step.no - 1:
            raise SopError(f"{source}: step {step.no}, field 'kind': only one {step.kind} step is allowed")
        if step.kind is StepKind.DISPATCH:
            before = kinds[: step.no - 1]
            if StepKind.SIGN not in before or StepKind.CHECK_DATA not in before:
                raise SopError(
                    f"{source}: step {step.no}, field 'kind': a dispatch step must come after "
                    "a check_data and a sign step"
                )
        if (
            step.kind in (StepKind.CHECK_DATA, StepKind.SIGN)
            and StepKind.REPORT_DATA not in kinds[: step.no - 1]
        ):
            raise SopError(
                f"{source}: step {step.no}, field 'kind': {step.kind} needs a report_data step before it"
            )
    if not sop.steps:
        raise SopError(f"{source}: field 'steps': an SOP needs at least one step")
    _check_rules(sop, source, kinds)


def _check_rules(sop: Sop, source: str, kinds: list[StepKind]) -> None:
    for i, rule in enumerate(sop.apart, start=1):
        where = f"{source}: rule apart #{i}"
        for field, kind in (("kind", rule.kind), *(("not_by", k) for k in rule.not_by)):
            if kind not in kinds:
                raise SopError(f"{where}, field {field!r}: this SOP has no {kind} step")
        last = max(i for i, kind in enumerate(kinds) if kind is rule.kind)
        late = [k for k in rule.not_by if kinds.index(k) >= last]
        if late:
            raise SopError(
                f"{where}, field 'not_by': no {late[0]} step comes before the {rule.kind} step, "
                "so the rule could never apply"
            )
    for field in sop.signature_binds:
        if field not in BOUND_FIELDS:
            raise SopError(
                f"{source}: field 'signature_binds': unknown registration field {field!r} "
                f"(known: {', '.join(BOUND_FIELDS)})"
            )


def parse_sop(data: dict, source: str) -> Sop:
    """Validate an SOP given as a dict; ``source`` names it in error messages.

    Raises:
        SopError: a value is still an open point (``workflow.openpoints``: the message lists each,
            naming file, step and field), or the SOP breaks a rule.
    """
    _refuse_open_points(data, source)
    try:
        sop = Sop.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            msg = "unknown key"
        elif first["type"] == "enum":
            msg = f"unknown {first['loc'][-1]} {first['input']!r} ({msg})"
        raise SopError(f"{_where(source, data, first['loc'])}: {msg}") from None
    _check_links(sop, source)
    return sop


def _refuse_open_points(data: dict, source: str) -> None:
    points = open_points(data)
    if points:
        count = f"{len(points)} open point{'s' if len(points) > 1 else ''}"
        lines = [f'{source}: {count} left to fill in (values starting with "{MARK}"):']
        lines += [f"  {source}: {p.where}: {p.question}" for p in points]
        raise SopError("\n".join(lines))


def load_sop(path: Path) -> Sop:
    """Load and validate one SOP TOML file.

    Raises:
        SopError: the file is unreadable, not TOML, or breaks a rule; the message
            names the file, the step and the field.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SopError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SopError(f"{path}: not valid TOML: {exc}") from None
    return parse_sop(data, str(path))


def load_sops(path: Path | None = None) -> dict[str, Sop]:
    """Load one SOP file or every ``*.toml`` in a folder, keyed by SOP id.

    Raises:
        SopError: a file is bad, the folder has none, or two files share an id.
    """
    path = Path(path) if path is not None else SHIPPED_SOPS
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not files:
        raise SopError(f"{path}: no *.toml SOP files in this folder")
    sops: dict[str, Sop] = {}
    for file in files:
        sop = load_sop(file)
        if sop.id in sops:
            raise SopError(f"{file}: field 'id': SOP id {sop.id!r} is already defined by another file")
        sops[sop.id] = sop
    return sops


def sop_from_json(text: str, source: str = "stored SOP") -> Sop:
    """Rebuild an SOP from its stored canonical JSON, validated like a file.

    Raises:
        SopError: the stored definition breaks a rule (``source`` names it).
    """
    try:
        data = json.loads(text)
        for step in data["steps"]:
            step["sla"] = timedelta(seconds=step["sla"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SopError(f"{source}: not a stored SOP definition ({exc})") from None
    return parse_sop(data, source)
