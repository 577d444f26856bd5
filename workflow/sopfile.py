"""Reading an SOP: a TOML file, a folder of them, or a definition stored beside the cases, checked
field by field (pydantic, ``workflow.sop``) and then across fields (the rules below); every error
names the file, the step and the field. A value left an open point (``workflow.openpoints``) is
refused with the others left.
"""

import json
import tomllib
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError

from workflow.openpoints import MARK, open_points
from workflow.roster import NON_SOP_ROLES
from workflow.sop import (
    BOUND_FIELDS,
    LETTER_FIELDS,
    NEEDED_FIELDS,
    SHIPPED_SOPS,
    Needs,
    Sop,
    SopError,
    Step,
    StepKind,
)

__all__ = ["load_sop", "load_sops", "parse_sop", "sop_from_json"]


def _where(source: str, data: dict, loc: tuple) -> str:
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = data.get("steps") or []
        raw = steps[loc[1]] if loc[1] < len(steps) and isinstance(steps[loc[1]], dict) else {}
        where = f"{source}: step {raw.get('no', f'#{loc[1] + 1}')}"
        if len(loc) >= 5 and loc[2] == "checklist" and isinstance(loc[3], int):
            items = raw.get("checklist") or []
            item = items[loc[3]] if loc[3] < len(items) and isinstance(items[loc[3]], dict) else {}
            name = repr(item["key"]) if isinstance(item.get("key"), str) else f"#{loc[3] + 1}"
            return f"{where}, checklist item {name}, field {'.'.join(str(p) for p in loc[4:])!r}"
        field = ".".join(str(p) for p in loc[2:]) or "(step)"
        return f"{where}, field {field!r}"
    if len(loc) >= 3 and loc[0] == "fields" and isinstance(loc[1], int):
        items = data.get("fields") or []
        item = items[loc[1]] if loc[1] < len(items) and isinstance(items[loc[1]], dict) else {}
        name = repr(item["key"]) if isinstance(item.get("key"), str) else f"#{loc[1] + 1}"
        return f"{source}: registration field {name}, field {'.'.join(str(p) for p in loc[2:])!r}"
    if len(loc) >= 3 and loc[0] == "instructions" and isinstance(loc[1], int):
        return f"{source}: instruction #{loc[1] + 1}, field {'.'.join(str(p) for p in loc[2:])!r}"
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
    for step in sop.steps:
        late = [n for n in step.returns_to if not 1 <= n < step.no]
        if late:
            raise SopError(
                f"{source}: step {step.no}, field 'returns_to': step {late[0]} is not an earlier step "
                "(a return goes back)"
            )
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
    for step in sop.steps:
        _check_checklist(step, source)
    _check_fields(sop, source)
    _check_rules(sop, source, kinds)


def _check_fields(sop: Sop, source: str) -> None:
    """Each registration field a letter field, asked once; the ones every case needs asked and
    required; and the signature binding only fields the SOP asks."""
    seen: list[str] = []
    for field in sop.fields:
        at = f"{source}: registration field {field.key!r}"
        if field.key not in LETTER_FIELDS:
            raise SopError(f"{at}, field 'key': unknown letter field (known: {', '.join(LETTER_FIELDS)})")
        if field.key in seen:
            raise SopError(f"{at}, field 'key': the field is asked twice")
        if field.key in NEEDED_FIELDS and not field.required:
            raise SopError(f"{at}, field 'required': every case needs it, so it must be required")
        seen.append(field.key)
    missing = [key for key in NEEDED_FIELDS if key not in seen]
    if missing:
        raise SopError(
            f"{source}: field 'fields': every case needs the {missing[0]!r} field, asked and required"
        )
    for bound in sop.signature_binds:
        asked = "scan" if bound == "scan_sha256" else bound
        if bound in BOUND_FIELDS and asked not in seen:
            raise SopError(
                f"{source}: field 'signature_binds': {bound!r} is not asked at registration "
                f"(add a registration field {asked!r} to [[fields]], or do not bind it)"
            )


def _check_checklist(step: Step, source: str) -> None:
    where = f"{source}: step {step.no}"
    if step.kind is not StepKind.DISPATCH:
        if step.checklist:
            raise SopError(f"{where}, field 'checklist': only a dispatch step has a checklist")
        return
    if not step.checklist:
        raise SopError(f"{where}, field 'checklist': a dispatch step needs at least one item")
    seen: list[str] = []
    for item in step.checklist:
        at = f"{where}, checklist item {item.key!r}"
        if item.key in seen:
            raise SopError(f"{at}, field 'key': the step has another item {item.key!r}")
        if item.after is not None and item.after not in seen:
            raise SopError(f"{at}, field 'after': {item.after!r} is not an earlier item of this step")
        if item.needs is Needs.TEXT:
            missing = [f for f in ("ask", "ask_en") if not getattr(item, f).strip()]
            if missing:
                raise SopError(f"{at}, field {missing[0]!r}: a text item asks for its value")
        elif item.ask or item.ask_en:
            field = "ask" if item.ask else "ask_en"
            raise SopError(f"{at}, field {field!r}: only a text item asks a question")
        seen.append(item.key)
    receipts = [i.key for i in step.checklist if i.needs is Needs.RECEIPT]
    if len(receipts) > 1:
        raise SopError(
            f"{where}, checklist item {receipts[1]!r}, field 'needs': "
            "only one item of a step takes the receipt"
        )


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
    labels = [i.label for i in sop.instructions]
    for i, label in enumerate(labels, start=1):
        if label in labels[: i - 1]:
            raise SopError(f"{source}: instruction #{i}, field 'label': {label!r} is offered twice")
    known = (*NON_SOP_ROLES, *(r.key for r in sop.roles))
    for role in sop.daily_digest.to:
        if role not in known:
            raise SopError(
                f"{source}: field 'daily_digest.to': unknown role {role!r} (known: {', '.join(known)})"
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
