"""What a permit letter must look like before it becomes a case. Pure: ``today`` is passed in."""

import re
from collections.abc import Iterable
from datetime import date

from workflow.case import Letter
from workflow.errors import InvalidInput
from workflow.manifest import is_sha256

__all__ = ["FIELD_LIMITS", "REQUIRED", "check_letter", "letter_facts"]

#: The longest value each letter field may hold, in characters.
FIELD_LIMITS = {
    "number": 200,
    "institution": 300,
    "purpose": 2000,
    "pks_number": 200,
    "agenda_number": 100,
    "srikandi_ref": 100,
}
#: The text fields a letter gives when its SOP does not say (SOP 7.4.4.1's ``[[fields]]``).
REQUIRED = ("number", "institution", "purpose")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def check_letter(letter: Letter, today: date, required: Iterable[str] = REQUIRED) -> None:
    """Refuse a letter with a missing or over-long field, a future date, a malformed scan checksum
    or control characters in its number or institution.

    Args:
        required: the fields the letter's SOP requires (``Sop.required_fields``); of them the
            text fields (``FIELD_LIMITS``) must not be empty (the date always has a value, and a
            case may open before its scan is on record).

    Raises:
        InvalidInput: naming what was wrong.
    """
    for field in (f for f in required if f in FIELD_LIMITS):
        if not (getattr(letter, field) or "").strip():
            raise InvalidInput(
                f"the letter's {field.replace('_', ' ')} is required",
                code="letter_field_missing",
                field=field,
            )
    for field, limit in FIELD_LIMITS.items():
        value = getattr(letter, field)
        if value is not None and len(value) > limit:
            raise InvalidInput(
                f"the letter's {field.replace('_', ' ')} is longer than {limit} characters",
                code="letter_field_too_long",
                field=field,
                limit=limit,
            )
    if letter.date > today:
        raise InvalidInput(
            f"the letter date {letter.date.isoformat()} is in the future", code="letter_date_future"
        )
    if letter.scan_sha256 is not None and not is_sha256(letter.scan_sha256):
        raise InvalidInput("the scan's SHA-256 must be 64 lowercase hex digits", code="scan_sha_invalid")
    if _CONTROL.search(letter.number + letter.institution):
        raise InvalidInput(
            "the letter number and institution must not contain control characters",
            code="letter_control_chars",
        )


def letter_facts(letter: Letter) -> dict:
    """The letter as its audit row records it."""
    return {
        "number": letter.number,
        "date": letter.date.isoformat(),
        "institution": letter.institution,
        "purpose": letter.purpose,
        "pks_number": letter.pks_number,
        "agenda_number": letter.agenda_number,
        "srikandi_ref": letter.srikandi_ref,
        "scan_sha256": letter.scan_sha256,
    }
