"""The procedure table ("Uraian Prosedur") of an SOP document: its actor columns and its steps.

A step starts at a line ``N.`` (the next number in turn). Its text reads, in order: the action,
the kelengkapan items (each after a ``-``), the time (``5 menit``, ``1 jam``, ``2 hari``) and the
output items; the columns may run together on one line or be spread over several.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from workflow.duration import format_duration
from workflow.sopimport.text import Fragment, Line, SopTextError, join

__all__ = ["RawStep", "Table", "read_table"]

_START = re.compile(r"\buraian\s+prosedur\b", re.I)
_COLUMN = re.compile(r"\bkelengkapan\b", re.I)
_STEP = re.compile(r"^(\d{1,2})[.)](?:\s+(.*))?$")
#: The table header's own words; what else it holds names the actor columns.
_HEADER_WORDS = re.compile(
    r"\b(?:uraian\s+prosedur|uraian\s+kegiatan|uraian|prosedur|kegiatan|pelaksana|mutu\s+baku|"
    r"kelengkapan|waktu|output|keterangan|ket|no)\b\.?",
    re.I,
)
#: Words that begin an actor's name of several words (``KEPALA DINAS``) and never name one alone:
#: joined to the next word. Any other word of the header is a column of its own.
_LEADING = {"kepala", "ka", "ka.", "wakil"}
_PIECE = re.compile(
    r"(?P<bullet>^[-–•·*](?!\d)|(?<=\s)[-–•·*](?=\s|$))"
    r"|(?<![\w.,])(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>menit|mnt|jam|hari|detik|dtk)\b",
    re.I,
)
_UNIT_SECONDS = {"menit": 60, "mnt": 60, "jam": 3600, "detik": 1, "dtk": 1}


@dataclass(frozen=True)
class RawStep:
    """A step as the text gives it. ``sla`` is None when no time was read or it counts days;
    ``time`` is the time as written (``"2 hari"``), empty when none was found."""

    no: int
    line: int
    action: str
    requires: tuple[str, ...]
    produces: tuple[str, ...]
    sla: str | None
    time: str


@dataclass(frozen=True)
class Table:
    """The actor columns, left to right as the header names them, and the steps in order."""

    line: int
    actors: tuple[str, ...]
    steps: tuple[RawStep, ...]


def read_table(lines: list[Line], words: frozenset[str], source: str, last_line: int) -> Table:
    """Read the procedure table from the document's lines.

    Raises:
        SopTextError: no table, no actor columns, no step 1, or a step number out of turn.
    """
    start = next((i for i, line in enumerate(lines) if _START.search(line.text)), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if _COLUMN.search(line.text)), None)
    if start is None:
        raise SopTextError(
            source, last_line, "no procedure table: no 'Uraian Prosedur' nor a 'Kelengkapan' column"
        )
    first = next((i for i in range(start, len(lines)) if _step_no(lines[i]) == 1), None)
    if first is None:
        raise SopTextError(
            source, last_line, f"the procedure table (line {lines[start].no}) has no steps: no line '1. …'"
        )
    actors = _actors(lines[start:first])
    if not actors:
        raise SopTextError(
            source, lines[first].no, "the procedure table's header names no actor columns before step 1"
        )
    bodies: list[list[Line]] = []
    for line in lines[first:]:
        no = _step_no(line)
        if no == len(bodies) + 1:
            bodies.append([line])
        elif no is not None and no > len(bodies) + 1:
            raise SopTextError(
                source, line.no, f"step {no} where step {len(bodies) + 1} was expected: a step number is lost"
            )
        elif not _repeated_header(line.text, actors):
            bodies[-1].append(line)
    steps = tuple(_step(no, body, words) for no, body in enumerate(bodies, start=1))
    return Table(lines[start].no, actors, steps)


def _step_no(line: Line) -> int | None:
    match = _STEP.match(line.text)
    return int(match.group(1)) if match else None


def _actors(header: list[Line]) -> tuple[str, ...]:
    names: list[str] = []
    for line in header:
        tokens = _HEADER_WORDS.sub(" ", line.text).split()
        while tokens:
            name = [tokens.pop(0)]
            while name[-1].lower() in _LEADING and tokens:
                name.append(tokens.pop(0))
            names.append(" ".join(name))
    return tuple(dict.fromkeys(n for n in names if any(c.isalpha() for c in n)))


def _repeated_header(text: str, actors: tuple[str, ...]) -> bool:
    """A table header repeated after a page break: only header words and actor names."""
    rest = _HEADER_WORDS.sub(" ", text)
    for actor in sorted(actors, key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(actor)}(?!\w)", " ", rest)
    named = sum(1 for actor in actors if re.search(rf"(?<!\w){re.escape(actor)}(?!\w)", text))
    return not rest.strip() and (named >= 2 or bool(_HEADER_WORDS.search(text)))


class _Cells:
    """Where the text of one step goes as it is read: the action until the first dash, then
    kelengkapan items until the time, then output items."""

    def __init__(self) -> None:
        self.action: list[Fragment] = []
        self.requires: list[list[Fragment]] = []
        self.produces: list[list[Fragment]] = []
        self.item: list[Fragment] | None = None
        self.time, self.sla = "", None

    def text(self, fragment: Fragment) -> None:
        if self.item is None and not self.time and not self.requires:
            self.action.append(fragment)
            return
        if self.item is None:  # text right after the time, without a dash: the first output
            self.bullet()
        self.item.append(fragment)

    def bullet(self) -> None:
        self.item = []
        (self.produces if self.time else self.requires).append(self.item)

    def timed(self, text: str, sla: str | None) -> None:
        self.time, self.sla, self.item = " ".join(text.split()), sla, None


def _step(no: int, body: list[Line], words: frozenset[str]) -> RawStep:
    cells = _Cells()
    for index, line in enumerate(body):
        text = (_STEP.match(line.text).group(2) or "") if index == 0 else line.text
        pos, new_line = 0, True
        for match in [*_PIECE.finditer(text), None]:
            piece = text[pos : match.start() if match else None]
            if piece.strip():
                cells.text(Fragment(piece, new_line))
                new_line = False
            if match is None:
                break
            pos = match.end()
            if match.group("bullet"):
                cells.bullet()
            elif not cells.time and _is_time(text, match, after_bullet=bool(cells.requires)):
                cells.timed(match.group(0), _sla(match))
            else:
                cells.text(Fragment(match.group(0), new_line))
                new_line = False
    return RawStep(
        no,
        body[0].no,
        _clean(join(cells.action, words), capital=True),
        _items(cells.requires, words),
        _items(cells.produces, words),
        cells.sla,
        cells.time,
    )


def _is_time(text: str, match: re.Match, after_bullet: bool) -> bool:
    """A time is the Waktu column when it follows the kelengkapan, starts its line, or ends its
    line or column; ``dalam 2 hari kerja`` in the middle of an action is text."""
    rest = text[match.end() :].lstrip()
    return after_bullet or not text[: match.start()].strip() or not rest or rest[0] in "-–•·*"


def _sla(match: re.Match) -> str | None:
    unit = match.group("unit").lower()
    if unit not in _UNIT_SECONDS:  # days: office days are not 24 hours of office time
        return None
    seconds = round(float(match.group("amount").replace(",", ".")) * _UNIT_SECONDS[unit])
    return format_duration(timedelta(seconds=seconds)) if seconds > 0 else None


def _items(items: list[list[Fragment]], words: frozenset[str]) -> tuple[str, ...]:
    return tuple(text for text in (_clean(join(item, words)) for item in items) if text)


def _clean(text: str, capital: bool = False) -> str:
    text = text.strip().rstrip(".,;:").strip()
    return text[:1].upper() + text[1:] if capital else text
