"""The draft SOP definition read from a document, with an open point (``workflow.openpoints``)
wherever the text does not say, and a suggestion beside some of them."""

import re
from dataclasses import dataclass

from workflow.openpoints import OpenPoint, ask, open_points
from workflow.sop import StepKind
from workflow.sopimport.header import Header
from workflow.sopimport.table import RawStep, Table
from workflow.sopimport.text import title_case

__all__ = ["Draft", "DraftRole", "DraftStep", "build"]

#: Words of an action that suggest a step kind, checked in this order (signing beats instructing).
_KIND_WORDS = (
    (StepKind.SIGN, ("menandatangan", "tanda tangan")),
    (StepKind.GRANT_ACCESS, ("hak akses",)),
    (StepKind.CHECK_DATA, ("memeriksa", "memverifikasi", "meneliti")),
    (StepKind.REPORT_DATA, ("datawarehouse", "data warehouse", "mengunduh", "mengekstrak")),
    (StepKind.DISPATCH, ("mengirim", "menggandakan", "mengarsipkan", "menyerahkan")),
)
#: The document's labels of the header facts the SOP format has no field for.
_NOTES = (
    ("made", "Tgl Pembuatan"),
    ("revised", "Tgl Revisi"),
    ("ratified", "Tgl Pengesahan"),
    ("ratified_by", "Disahkan Oleh"),
    ("qualification", "Kualifikasi Pelaksana"),
    ("equipment", "Peralatan/Perlengkapan"),
    ("related", "Keterkaitan"),
    ("records", "Pencatatan dan Pendataan"),
)


@dataclass(frozen=True)
class DraftRole:
    """An actor column: its key, its name, and the open point of its superior (with a suggestion)."""

    key: str
    name: str
    superior: str
    hint: str


@dataclass(frozen=True)
class DraftStep:
    """A step of the draft; ``line`` is where it starts in the document, ``hints`` suggestions by field."""

    no: int
    line: int
    role: str
    kind: str
    action: str
    action_en: str
    requires: tuple[str, ...]
    produces: tuple[str, ...]
    sla: str
    hints: tuple[tuple[str, str], ...] = ()

    def hint(self, field: str) -> str:
        """The suggestion for ``field``, or an empty string."""
        return dict(self.hints).get(field, "")


@dataclass(frozen=True)
class Draft:
    """A draft SOP: the values of an SOP file, open points included; ``notes`` are the header's
    facts (label, text) that the SOP format has no field for."""

    id: str
    number: str
    title: str
    title_en: str
    issuer: str
    legal_basis: tuple[str, ...]
    warning: str
    warning_en: str
    roles: tuple[DraftRole, ...]
    steps: tuple[DraftStep, ...]
    notes: tuple[tuple[str, str], ...] = ()
    version: int = 1
    #: A draft is not open for new cases: opening it is a person's decision, once it is checked.
    open: bool = False
    #: The prefix of its case numbers: each SOP has its own, so the person chooses it.
    prefix: str = ask("the prefix of this SOP's case numbers: 1 to 10 capital letters (e.g. KIA)")

    def data(self) -> dict:
        """The SOP as its TOML file holds it (what ``tomllib`` reads back from the written draft)."""
        top = {"id": self.id, "version": self.version, "number": self.number, "title": self.title}
        top |= {"title_en": self.title_en} | ({"issuer": self.issuer} if self.issuer else {})
        top |= {"legal_basis": list(self.legal_basis), "warning": self.warning, "warning_en": self.warning_en}
        roles = [{"key": r.key, "name": r.name, "superior": r.superior} for r in self.roles]
        steps = [
            {
                "no": s.no,
                "role": s.role,
                "kind": s.kind,
                "action": s.action,
                "action_en": s.action_en,
                "requires": list(s.requires),
                "produces": list(s.produces),
                "sla": s.sla,
            }
            for s in self.steps
        ]
        top |= {"open": self.open, "numbering": {"prefix": self.prefix}}
        return top | {"roles": roles, "steps": steps}

    @property
    def open_points(self) -> list[OpenPoint]:
        """The open points, in file order, as ``disposisi sop check`` names them."""
        return open_points(self.data())


def build(header: Header, table: Table) -> Draft:
    """The draft SOP from what the header and the procedure table say."""
    roles = _roles(table.actors)
    keys = ", ".join(r.key for r in roles)
    warning = " ".join(header.sections.get("warning", ()))
    legal = tuple(re.sub(r"\bNo\s+(?=\d)", "No. ", item) for item in header.sections.get("legal_basis", ()))
    return Draft(
        id=ask('a short id for this SOP: lower-case letters, digits, "-" and "_", starting with a letter'),
        number=header.fields.get("number") or ask('the SOP\'s number ("Nomor SOP" was not found)'),
        title=header.fields.get("title") or ask('the SOP\'s name ("Nama SOP" was not found)'),
        title_en=ask("the SOP's name in English"),
        issuer=", ".join(header.issuer),
        legal_basis=legal or (ask('the legal basis ("Dasar Hukum" was not found), or leave the list empty'),),
        warning=warning or ask('the warning ("Peringatan" was not found), or leave it empty'),
        warning_en=ask("the warning in English" + ("" if warning else ", or leave it empty")),
        roles=roles,
        steps=tuple(_step(raw, table, roles, keys) for raw in table.steps),
        notes=_notes(header),
    )


def _roles(actors: tuple[str, ...]) -> tuple[DraftRole, ...]:
    keys: list[str] = []
    for actor in actors:
        key = re.sub(r"[^a-z0-9]+", "_", actor.lower()).strip("_")
        key = key if key[:1].isalpha() else f"r_{key}"
        keys.append(key if key not in keys else f"{key}_{len(keys) + 1}")
    roles = []
    for index, (key, actor) in enumerate(zip(keys, actors, strict=True)):
        others = ", ".join(k for k in keys if k != key)
        hint = (
            "delete this line (the first column is usually the highest official)"
            if index == 0
            else f'"{keys[index - 1]}" (the column to its left)'
        )
        superior = ask(f"which role is the superior of {key} ({others}); delete this line if none")
        roles.append(DraftRole(key, title_case(actor), superior, hint))
    return tuple(roles)


def _step(raw: RawStep, table: Table, roles: tuple[DraftRole, ...], keys: str) -> DraftStep:
    no, hints = raw.no, []
    if role := _handed_to(table.steps[no - 2].action if no > 1 else "", roles):
        hints.append(("role", f'"{role.key}" (step {no - 1} ends "… kepada {role.name}")'))
    hints.append(("kind", _kind(raw.action)))
    if raw.sla is None and raw.time:
        hints.append(
            (
                "sla",
                f'the document says "{raw.time}", and a day of SOP time is an office day, while "1d" '
                "is 24 hours of office time (about three office days); write the office hours it means, "
                'e.g. "17h" for two days',
            )
        )
    sla = raw.sla or ask(
        f'step {no}\'s SOP time as office time ("{raw.time}")'
        if raw.time
        else f'step {no}\'s SOP time, e.g. "15m" (no time was read)'
    )
    produces = raw.produces
    if not raw.time:
        produces = (
            ask(f"step {no}'s outputs (no time was read: every item after the action is in requires)"),
        )
    kinds = ", ".join(k.value for k in StepKind)
    return DraftStep(
        no=no,
        line=raw.line,
        role=ask(f"which role performs step {no}: {keys}"),
        kind=ask(f"which kind step {no} is: {kinds}"),
        action=raw.action or ask(f"step {no}'s action (none was read)"),
        action_en=ask(f"step {no}'s action in English"),
        requires=raw.requires,
        produces=produces,
        sla=sla,
        hints=tuple(hints),
    )


def _handed_to(action: str, roles: tuple[DraftRole, ...]) -> DraftRole | None:
    """The role an action hands the case to (``… kepada Kasubdit``), if it names one."""
    match = re.search(r"\bkepada\s+(.+)$", action, re.I)
    if match is None:
        return None
    named = match.group(1).lower()
    return next((r for r in roles if named == r.name.lower() or named.startswith(r.name.lower() + " ")), None)


def _kind(action: str) -> str:
    text = action.lower()
    for kind, words in _KIND_WORDS:
        if found := next((w for w in words if w in text), None):
            return f'{kind.value} (the action says "{found}")'
    return f"{StepKind.DISPOSITION.value} (no word of another kind in the action)"


def _notes(header: Header) -> tuple[tuple[str, str], ...]:
    notes = []
    for key, label in _NOTES:
        value = header.fields.get(key) or "; ".join(header.sections.get(key, ()))
        if value and value != "-":
            notes.append((label, value))
    return tuple(notes)
