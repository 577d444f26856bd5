"""The intake conversation's rules, without Telegram: question order, answer checks, captions.

The answers gathered so far are a plain JSON-able dict (the pending row's ``data``): ``number``,
``date`` (ISO), ``institution``, ``purpose``, ``pks`` (None when there is none) and ``scan``
(``{"sha256": …, "location": …}``). A field is answered once its key is present.
"""

import mimetypes
import re
from datetime import date, datetime

from workflow.case import Letter
from workflow.letters import FIELD_LIMITS

__all__ = [
    "DATE_FORMATS",
    "FIELDS",
    "LIMITS",
    "SCAN_MAX_BYTES",
    "SKIP_WORDS",
    "absorb",
    "next_question",
    "parse_caption",
    "scan_acceptable",
    "scan_refusal",
    "to_letter",
    "validate",
]

#: The questions, in the order they are asked.
FIELDS = ("number", "date", "institution", "purpose", "pks", "scan")
#: The same limits as the case service (workflow/service/cases.py), checked here to ask again early.
LIMITS = {  # the engine's limits (workflow.letters), by this conversation's field names
    "number": FIELD_LIMITS["number"],
    "institution": FIELD_LIMITS["institution"],
    "purpose": FIELD_LIMITS["purpose"],
    "pks": FIELD_LIMITS["pks_number"],
}
#: Accepted date forms, as ``strptime`` patterns.
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
#: Answers to the PKS question that mean "there is none".
SKIP_WORDS = frozenset({"lewati", "skip", "-"})
#: The Bot API lets a bot download files up to 20 MB.
SCAN_MAX_BYTES = 20 * 1024 * 1024

_ONE_LINE = ("number", "institution", "pks")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_SHAPE = re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$|^\d{1,2}/\d{1,2}/\d{4}$|^\d{4}-\d{1,2}-\d{1,2}$")
_KEYS = {
    "number": ("nomor", "no", "nomor surat", "no surat", "number", "letter number", "letter no"),
    "date": ("tanggal", "tgl", "tanggal surat", "tgl surat", "date", "letter date"),
    "institution": ("instansi", "institusi", "lembaga", "pemohon", "institution", "requester"),
    "purpose": ("keperluan", "tujuan", "purpose"),
    "pks": ("pks", "mou", "pks/mou", "nomor pks", "no pks", "pks number", "pks no"),
}
_KEY_TO_FIELD = {key: field for field, keys in _KEYS.items() for key in keys}
_LINE = re.compile(r"^\s*([^:=]{1,30}?)\s*[:=]\s*(.*)$")


def next_question(data: dict, *, scan: bool = True) -> str | None:
    """The first field not answered yet, or None when the letter is complete.

    Args:
        scan: whether the scan is asked for (False when uploads are forbidden).
    """
    return next((f for f in FIELDS if f not in data and (scan or f != "scan")), None)


def validate(field: str, text: str, today: date) -> str | None:
    """The stored value of an answer to ``field``.

    Returns:
        The trimmed text; for ``date`` the ISO date; for ``pks`` None when skipped.

    Raises:
        ValueError: with a message code: ``empty``, ``too_long``, ``one_line``, ``control``,
            ``date_format``, ``date_future`` or ``scan_expected`` (a text where the scan belongs).
    """
    if field == "scan":
        raise ValueError("scan_expected")
    value = text.strip()
    if not value:
        raise ValueError("empty")
    if field == "pks" and value.lower() in SKIP_WORDS:
        return None
    if field == "date":
        return _date(value, today).isoformat()
    if field in _ONE_LINE and ("\n" in value or "\r" in value):
        raise ValueError("one_line")
    if _CONTROL.search(value):
        raise ValueError("control")
    if len(value) > LIMITS[field]:
        raise ValueError("too_long")
    return value


def parse_caption(text: str | None) -> dict[str, str]:
    """The raw values of ``Key: value`` lines (Indonesian or English keys, any case).

    Lines without a known key are ignored, except that they continue a ``Keperluan`` (purpose)
    spread over several lines. A key given twice keeps its last value.
    """
    found: dict[str, str] = {}
    last: str | None = None
    for line in (text or "").splitlines():
        match = _LINE.match(line)
        key = _normal_key(match.group(1)) if match else None
        if key in _KEY_TO_FIELD:
            last = _KEY_TO_FIELD[key]
            found[last] = match.group(2).strip()
        elif last == "purpose" and line.strip():
            found["purpose"] = f"{found['purpose']}\n{line.strip()}".strip()
        else:
            last = None
    return found


def absorb(data: dict, raw: dict[str, str], today: date) -> tuple[dict, dict[str, str]]:
    """Add the valid values of ``raw`` to the fields of ``data`` not answered yet.

    Returns:
        The new data, and the message code of each value that was refused (that field stays
        unanswered, so the conversation asks for it).
    """
    merged, errors = dict(data), {}
    for field, text in raw.items():
        if field in merged:
            continue
        try:
            merged[field] = validate(field, text, today)
        except ValueError as refusal:
            errors[field] = str(refusal)
    return merged, errors


def scan_acceptable(mime_type: str | None, file_name: str | None = None) -> bool:
    """A PDF or an image (by its MIME type, or its name when Telegram gives no type)."""
    mime = mime_type or (mimetypes.guess_type(file_name or "", strict=False)[0] or "")
    return mime == "application/pdf" or mime.startswith("image/")


def scan_refusal(mime_type: str | None, file_name: str | None, size: int | None) -> str | None:
    """Why a file cannot be taken as a scan (the permit letter's, or the signed receipt's), checked
    before anything is downloaded: ``scan_type`` (not a PDF or an image), ``scan_too_large``; or None."""
    if not scan_acceptable(mime_type, file_name):
        return "scan_type"
    if (size or 0) > SCAN_MAX_BYTES:
        return "scan_too_large"
    return None


def to_letter(data: dict) -> Letter:
    """The letter the answers describe (the scan left out when there is none).

    Raises:
        KeyError: a question other than the scan is unanswered.
    """
    scan = data.get("scan") or {}
    return Letter(
        number=data["number"],
        date=date.fromisoformat(data["date"]),
        institution=data["institution"],
        purpose=data["purpose"],
        pks_number=data["pks"],
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
