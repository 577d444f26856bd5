"""Duration strings such as ``"5m"``, ``"30s"`` or ``"1h30m"``."""

import re
from datetime import timedelta

__all__ = ["format_duration", "parse_duration"]

_PART = re.compile(r"(\d+)([dhms])")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """Parse ``"1h30m"``-style text into a positive timedelta.

    Raises:
        ValueError: the text is empty, has an unknown unit, repeats a unit or is zero.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty duration")
    compact = text.strip().lower()
    parts = _PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ValueError(f"bad duration {text!r}: use forms like '5m', '30s', '1h30m'")
    units = [u for _, u in parts]
    if len(set(units)) != len(units) or units != sorted(units, key="dhms".index):
        raise ValueError(f"bad duration {text!r}: each unit once, largest first")
    seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"bad duration {text!r}: must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """Format a timedelta in the same compact form, e.g. ``1h30m``; ``0s`` for zero."""
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    out = []
    for unit, size in _UNIT_SECONDS.items():
        amount, total = divmod(total, size)
        if amount:
            out.append(f"{amount}{unit}")
    return sign + ("".join(out) or "0s")
