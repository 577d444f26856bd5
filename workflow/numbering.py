"""Case numbers: each SOP numbers its own cases (``numbering`` in its file).

``PREFIX-YEAR-0001`` counts from 1 again each year in the office's time zone (``yearly``);
``PREFIX-0001`` counts on across years. A case row keeps the prefix, the year and the sequence
number apart; a number that counts on is stored with the year ``NO_YEAR``, so one unique key
(prefix, year, seq) serves both and two SOPs never share a sequence. Pure: no I/O.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from workflow.sop import Sop, SopError

__all__ = ["BARE", "NO_YEAR", "case_number", "case_prefixes", "numbering_year"]

#: The stored year of a case whose SOP counts on across years (``numbering.yearly = false``).
NO_YEAR = 0
#: A bare sequence number, as an official types it ("7", "0007").
BARE = re.compile(r"[0-9]{1,9}")


def case_prefixes(sops: Mapping[str, Sop], default: str) -> dict[str, str]:
    """The prefix each SOP numbers its cases with: its ``numbering.prefix``, else ``default``
    (the ``CASE_PREFIX`` setting), by SOP id.

    Raises:
        SopError: two SOPs resolve to one prefix (their numbers would collide), naming both SOP
            ids and ``numbering.prefix``.
    """
    default = default.upper()
    prefixes: dict[str, str] = {}
    for sop_id in sorted(sops):
        prefix = sops[sop_id].numbering.prefix or default
        other = next((k for k, p in prefixes.items() if p == prefix), None)
        if other is not None:
            raise SopError(
                f"SOPs {other!r} and {sop_id!r} both number their cases {prefix}-…: give one of them "
                f"its own numbering.prefix in its file (an SOP naming none uses CASE_PREFIX={default})"
            )
        prefixes[sop_id] = prefix
    return prefixes


def numbering_year(sop: Sop, now: datetime, tz: ZoneInfo) -> int:
    """The year a new case of ``sop`` is counted in: the office's year now, or ``NO_YEAR``."""
    return now.astimezone(tz).year if sop.numbering.yearly else NO_YEAR


def case_number(prefix: str, year: int, seq: int) -> str:
    """``PREFIX-YEAR-0001``, or ``PREFIX-0001`` for ``NO_YEAR``."""
    return f"{prefix}-{seq:04d}" if year == NO_YEAR else f"{prefix}-{year}-{seq:04d}"
