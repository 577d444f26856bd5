"""Registering a letter, without I/O: which SOP a new letter goes to and who may register it on
that SOP (``sop_for_letter``, ``check_registrar``: asked by every path that opens a case); and
the registration by questions: the SOP's registration fields (``[[fields]]``) in order, each
answer checked, the ``Key: value`` lines of a scan's caption, the letter the answers make.

The answers gathered so far are a plain JSON-able dict (the intake's pending data) keyed by the
fields' keys: a text field's trimmed text, ``date`` an ISO date, ``scan`` ``{"sha256": …,
"location": …, "file_id": …}``; None for a skipped field. A field is answered once its key is
present; other keys (``sop``, the SOP chosen for the letter; ``force``) are not answers.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime

from workflow.case import Letter
from workflow.directory import Directory
from workflow.errors import InvalidInput, NotAuthorised, UnknownOfficial
from workflow.letters import FIELD_LIMITS
from workflow.sop import LetterField, Sop

__all__ = [
    "CAPTION_KEYS",
    "DATE_FORMATS",
    "MULTILINE",
    "SKIP_WORDS",
    "absorb",
    "check_registrar",
    "next_question",
    "parse_caption",
    "position",
    "questions",
    "resume",
    "sop_for_letter",
    "to_letter",
    "validate",
]

#: Accepted date forms, as ``strptime`` patterns.
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
#: Answers to a question not ``required`` that mean "there is none".
SKIP_WORDS = frozenset({"lewati", "skip", "-"})
#: The fields whose answer may run over several lines; every other text field is one line.
MULTILINE = frozenset({"purpose"})
#: Caption keys of each letter field (Indonesian and English, any case), besides the SOP's labels.
CAPTION_KEYS = {
    "number": ("nomor", "no", "nomor surat", "no surat", "number", "letter number", "letter no"),
    "date": ("tanggal", "tgl", "tanggal surat", "tgl surat", "date", "letter date"),
    "institution": ("instansi", "institusi", "lembaga", "pemohon", "institution", "requester"),
    "purpose": ("keperluan", "tujuan", "purpose"),
    "pks_number": ("pks", "mou", "pks/mou", "nomor pks", "no pks", "pks number", "pks no"),
    "agenda_number": ("agenda", "nomor agenda", "no agenda", "agenda number", "agenda no"),
    "srikandi_ref": ("srikandi", "ref srikandi", "referensi srikandi", "srikandi ref"),
}
#: Answers kept under another key before the questions were SOP data (a pending conversation).
_RENAMED = {"pks": "pks_number"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_SHAPE = re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$|^\d{1,2}/\d{1,2}/\d{4}$|^\d{4}-\d{1,2}-\d{1,2}$")
_LINE = re.compile(r"^\s*([^:=]{1,30}?)\s*[:=]\s*(.*)$")


def questions(sop: Sop, *, scan: bool = True) -> tuple[LetterField, ...]:
    """The SOP's registration fields in the order they are asked.

    Args:
        scan: whether the scan is asked for (False when uploads are forbidden).
    """
    return tuple(f for f in sop.fields if scan or f.key != "scan")


def next_question(sop: Sop, data: dict, *, scan: bool = True) -> LetterField | None:
    """The first field not answered yet, or None when the letter is complete."""
    return next((f for f in questions(sop, scan=scan) if f.key not in data), None)


def position(sop: Sop, data: dict, *, scan: bool = True) -> tuple[int, int]:
    """Which question comes next, counting from 1, and how many there are."""
    asked = questions(sop, scan=scan)
    return sum(f.key in data for f in asked) + 1, len(asked)


def resume(data: dict) -> dict:
    """Pending answers under today's keys (a conversation stored before the questions were SOP
    data kept the PKS/MoU number as ``pks``)."""
    return {_RENAMED.get(key, key): value for key, value in data.items()}


def validate(field: LetterField, text: str, today: date) -> str | None:
    """The stored value of an answer to ``field``.

    Returns:
        The trimmed text; for ``date`` the ISO date; None for a field not required, skipped.

    Raises:
        ValueError: with a message code: ``empty``, ``too_long``, ``one_line``, ``control``,
            ``date_format``, ``date_future`` or ``scan_expected`` (a text where the scan belongs).
    """
    value = text.strip()
    if not field.required and value.lower() in SKIP_WORDS:
        return None
    if field.key == "scan":
        raise ValueError("scan_expected")
    if not value:
        raise ValueError("empty")
    if field.key == "date":
        return _date(value, today).isoformat()
    if field.key not in MULTILINE and ("\n" in value or "\r" in value):
        raise ValueError("one_line")
    if _CONTROL.search(value):
        raise ValueError("control")
    if len(value) > FIELD_LIMITS.get(field.key, len(value)):
        raise ValueError("too_long")
    return value


def parse_caption(sop: Sop, text: str | None) -> dict[str, str]:
    """The raw values of the ``Key: value`` lines naming a field the SOP asks: by the field's label
    (``label`` or ``label_en``) or a usual name of it (``CAPTION_KEYS``), any case.

    Lines without a known key are ignored, except that they continue a field that may run over
    several lines (``MULTILINE``). A key given twice keeps its last value.
    """
    keys: dict[str, str] = {}
    for field in sop.fields:
        if field.key != "scan":
            for name in (field.label, field.label_en, *CAPTION_KEYS.get(field.key, ())):
                keys.setdefault(_normal_key(name), field.key)
    found: dict[str, str] = {}
    last: str | None = None
    for line in (text or "").splitlines():
        match = _LINE.match(line)
        key = _normal_key(match.group(1)) if match else None
        if key in keys:
            last = keys[key]
            found[last] = match.group(2).strip()
        elif last in MULTILINE and line.strip():
            found[last] = f"{found[last]}\n{line.strip()}".strip()
        else:
            last = None
    return found


def absorb(sop: Sop, data: dict, raw: dict[str, str], today: date) -> tuple[dict, dict[str, str]]:
    """Add the valid values of ``raw`` to the SOP's fields not answered yet in ``data``.

    Returns:
        The new data, and the message code of each value that was refused (that field stays
        unanswered, so the conversation asks for it).
    """
    merged, errors = dict(data), {}
    for key, text in raw.items():
        field = sop.field(key)
        if field is None or key in merged:
            continue
        try:
            merged[key] = validate(field, text, today)
        except ValueError as refusal:
            errors[key] = str(refusal)
    return merged, errors


def to_letter(data: dict) -> Letter:
    """The letter the answers describe (what was not asked or was skipped left empty).

    Raises:
        KeyError: the number, the date or the institution is unanswered.
    """
    data = resume(data)
    scan = data.get("scan") or {}
    return Letter(
        number=data["number"],
        date=date.fromisoformat(data["date"]),
        institution=data["institution"],
        purpose=data.get("purpose") or "",
        pks_number=data.get("pks_number"),
        agenda_number=data.get("agenda_number"),
        srikandi_ref=data.get("srikandi_ref"),
        scan_sha256=scan.get("sha256"),
        scan_location=scan.get("location"),
        scan_file_id=scan.get("file_id"),  # to send the scan to the officials who approve
    )


def _date(value: str, today: date) -> date:
    if not _DATE_SHAPE.match(value):
        raise ValueError("date_format")
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
        if parsed > today:
            raise ValueError("date_future")
        return parsed
    raise ValueError("date_format")


def _normal_key(key: str) -> str:
    return " ".join(key.lower().replace(".", " ").split())


def sop_for_letter(sops: Mapping[str, Sop], sop_id: str | None) -> Sop:
    """The SOP a new case starts on: ``sop_id`` (the one named, else the default SOP), else the
    only SOP open for new cases.

    Raises:
        InvalidInput: ``sop_required`` (several are open and none is named), ``unknown_sop``,
            ``sop_closed``.
    """
    open_ids = sorted(k for k, sop in sops.items() if sop.open)
    if sop_id is None:
        if len(open_ids) != 1:
            raise InvalidInput(
                f"{len(open_ids)} SOPs are open for new cases ({', '.join(open_ids) or 'none'}): "
                "name the one the letter goes to",
                code="sop_required",
                sops=open_ids,
            )
        sop_id = open_ids[0]
    if sop_id not in sops:
        raise InvalidInput(
            f"unknown SOP {sop_id!r}; loaded: {', '.join(sorted(sops))}", code="unknown_sop", sops=open_ids
        )
    if not sops[sop_id].open:
        raise InvalidInput(
            f"SOP {sop_id!r} is closed to new cases (open: {', '.join(open_ids) or 'none'})",
            code="sop_closed",
            sop=sop_id,
            sops=open_ids,
        )
    return sops[sop_id]


def check_registrar(directory: Directory, actor: str, sop: Sop) -> None:
    """The SOP's rule on who registers letters (``registrars``), whatever the path.

    Raises:
        UnknownOfficial: ``actor`` is no active official.
        NotAuthorised: ``not_registrar``, naming who may.
    """
    official = directory.get(actor)
    if official is None or not official.active:
        raise UnknownOfficial(f"{actor!r} is not an active official on the roster")
    if official.role not in sop.registrars:
        names = {r.key: r.name for r in sop.roles if r.key in sop.registrars}
        who = ", ".join(names.get(k, k) for k in sop.registrars)
        raise NotAuthorised(
            f"{official.name} ({official.role}) may not register letters on SOP {sop.id} "
            f"(its registrars: {who})",
            code="not_registrar",
            registrars=list(sop.registrars),
            role_names=names,
        )
