"""The file of published heads: one line ``<UTC ISO time> <seq> <mac>`` per publication.

It lives outside the database host (written by ``disposisi audit head --append``,
e.g. daily from cron), so that whoever can rewrite the database cannot also
rewind what was published.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

from workflow.db.audit import PublishedHead

__all__ = ["HeadFileError", "append_head", "last_head"]

_LINE = re.compile(r"(\S+) (\d+) ([0-9a-f]{64})")


class HeadFileError(ValueError):
    """The file cannot be read or holds no well-formed line; the message says which."""


def append_head(path: Path, head: PublishedHead) -> None:
    """Append one line for ``head`` (creating the file)."""
    line = f"{head.at.astimezone(UTC).isoformat(timespec='seconds')} {head.seq} {head.mac}\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)


def last_head(path: Path) -> PublishedHead:
    """The last well-formed line of the file.

    Other lines are skipped (a line cut short by a full disk or a crash must not
    hide the publications before it).

    Raises:
        HeadFileError: missing, unreadable, or no well-formed line.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise HeadFileError("no such file") from None
    except OSError as exc:
        raise HeadFileError(f"cannot read it: {exc.strerror}") from None
    for line in reversed(text.splitlines()):
        head = _parse(line.strip())
        if head is not None:
            return head
    raise HeadFileError("no well-formed line `<UTC ISO time> <seq> <mac>` (`disposisi audit head --append`)")


def _parse(line: str) -> PublishedHead | None:
    match = _LINE.fullmatch(line)
    if match is None:
        return None
    try:
        at = datetime.fromisoformat(match[1])
    except ValueError:
        return None
    if at.tzinfo is None:
        return None  # a time without its zone is not what --append writes
    return PublishedHead(at.astimezone(UTC), int(match[2]), match[3])
