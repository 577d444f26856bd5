"""Open points: the values of a draft SOP a person still has to fill in.

``disposisi sop import`` writes every value it could not read with confidence from the document
as a string that starts with ``??`` and asks the question, e.g. ``role = "?? which role performs
step 3: direktur, kasubdit, kasi, jfu"``. The draft is valid TOML, so it is edited in place; an SOP
with any such value left (anywhere: a field, an item of a list) is refused when it is loaded.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["MARK", "OpenPoint", "ask", "is_open", "open_points"]

#: What an open point's value starts with.
MARK = "??"


@dataclass(frozen=True)
class OpenPoint:
    """One value still to fill in: where it is (``step 3, field 'role'``) and what it asks."""

    where: str
    question: str


def ask(question: str) -> str:
    """The value that marks an open point asking ``question``."""
    return f"{MARK} {question}"


def is_open(value: Any) -> bool:
    """Whether ``value`` is an open point."""
    return isinstance(value, str) and value.lstrip().startswith(MARK)


def open_points(data: dict) -> list[OpenPoint]:
    """Every open point in an SOP given as a dict (as read from its TOML), in file order."""
    found: list[OpenPoint] = []
    for key, value in data.items() if isinstance(data, dict) else ():
        if key in ("roles", "steps", "apart") and isinstance(value, list):
            for index, table in enumerate(value):
                if isinstance(table, dict):
                    found += [
                        OpenPoint(f"{_table(key, index, table)}, field {field!r}", q)
                        for field, q in _asked(table)
                    ]
        else:
            found += [OpenPoint(f"field {key!r}", q) for q in _questions(value)]
    return found


def _table(key: str, index: int, table: dict) -> str:
    if key == "steps":
        no = table.get("no")
        return f"step {no if isinstance(no, int) and not is_open(no) else f'#{index + 1}'}"
    if key == "roles":
        role = table.get("key")
        return f"role {role!r}" if isinstance(role, str) and not is_open(role) else f"role #{index + 1}"
    return f"rule apart #{index + 1}"


def _asked(table: dict) -> Iterator[tuple[str, str]]:
    for field, value in table.items():
        for question in _questions(value):
            yield field, question


def _questions(value: Any) -> Iterator[str]:
    if is_open(value):
        yield value.lstrip()[len(MARK) :].strip()
    elif isinstance(value, list):
        for item in value:
            yield from _questions(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _questions(item)
