"""The hash-chained audit log.

Each row carries an HMAC-SHA-256, under a key kept outside the database, over
the previous row's MAC and its own content. Someone who can write to the
database but does not hold the key can neither edit, insert, delete nor reorder
rows unnoticed; removing the newest rows together with the head record is
caught against a head published outside the database (``--from-head``,
``--published``). Each row names the key that made it (``key_id``), so that the
key can be replaced and the older rows still verify under the older key.
"""

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from workflow.db.auditkeys import Keyring, key_id
from workflow.db.auditwalk import GENESIS, Entry, Problem, check_head, missing_keys, walk
from workflow.db.models import AuditHeadRow, AuditRow

__all__ = [
    "GENESIS",
    "AuditChain",
    "Problem",
    "PublishedHead",
    "Verification",
    "content_of",
    "is_head_mac",
    "key_id",
]

_HEAD_MAC = re.compile(r"[0-9a-f]{64}")


def is_head_mac(text: str) -> bool:
    """Whether ``text`` has the shape of a head MAC (64 lowercase hex digits)."""
    return _HEAD_MAC.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class PublishedHead:
    """A head written outside the database earlier (``disposisi audit head --append``)."""

    at: datetime
    seq: int
    mac: str


@dataclass(frozen=True)
class Verification:
    """The result of walking the whole chain."""

    rows: int
    head_seq: int
    head_mac: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


_CONTENT = (
    "at",
    "actor",
    "acting_for",
    "action",
    "case_id",
    "step_id",
    "result",
    "reason_code",
    "message",
    "detail",
)
AUDIT = AuditRow.__table__
HEAD = AuditHeadRow.__table__
_LOCK_HEAD = select(HEAD.c.seq, HEAD.c.mac).where(HEAD.c.id == 1).with_for_update()
_INSERT = insert(AUDIT)
_MOVE_HEAD = update(HEAD).where(HEAD.c.id == 1)
#: Move the head only if it is still where this process last left it (``AuditChain._known``).
_MOVE_KNOWN_HEAD = _MOVE_HEAD.where(HEAD.c.seq == bindparam("_seq"), HEAD.c.mac == bindparam("_mac"))
#: session.info: the head as this transaction moved it (it holds the head's lock until it ends).
_MOVED = "audit_head_moved"


def content_of(row: Mapping | AuditRow) -> str:
    """The canonical text of a row's content (everything but its place and MACs).

    The key id is part of the content only when the row has one: rows written
    before key ids existed keep exactly the text their MAC was made over.
    """
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    data = {name: get(name) for name in _CONTENT}
    data["at"] = data["at"].astimezone(UTC).isoformat()
    if get("key_id") is not None:
        data["key_id"] = get("key_id")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class AuditChain:
    """Appends to the chain with the current key; verifies each row with the key it names.

    ``key`` is ``AUDIT_KEY``: it signs every new row and the head. ``previous`` are
    older keys (``AUDIT_PREVIOUS_KEYS``), used only to verify what they made.
    """

    def __init__(self, key: bytes, previous: Iterable[bytes] = ()) -> None:
        self._keys = Keyring(key, tuple(previous))
        #: (seq, mac) of the head as this process's last appending commit left it.
        self._known: tuple[int, str] | None = None

    @property
    def key_id(self) -> str:
        """The id of the current key, as new rows record it."""
        return self._keys.current_id

    def mac(self, prev_mac: str, content: str) -> str:
        """The MAC, under the current key, of a row that follows ``prev_mac``."""
        return self._keys.row_mac(self._keys.current, prev_mac, content)

    def row_verifies(self, row: AuditRow) -> bool:
        """Whether one stored row's MAC verifies under the key it names (its place in the chain is
        ``verify``'s to check): what a signature recorded before signing keys rests on."""
        return bool(self._keys.check_row(row.key_id, row.prev_mac, content_of(row), row.mac))

    def append(self, session: Session, values: dict) -> int:
        """Chain a row (its content fields) after the head; the head stays locked until commit.

        The head is moved first, then the row inserted. The head is usually known without reading
        it: as this transaction moved it, else as this process's last commit left it (moved only
        if it is still there, which locks it as reading it would); only when another process
        appended meanwhile is it read (``FOR UPDATE``).

        Returns:
            The new row's number in the chain.
        """
        connection = session.connection()
        values = {**values, "key_id": self.key_id}
        content = content_of(values)
        mine = session.info.get(_MOVED)
        prev = mine or self._known
        moved = False
        if prev is not None:
            mac = self.mac(prev[1], content)
            if mine is not None:  # this transaction holds the head already
                moved = self._move(connection, _MOVE_HEAD, prev[0] + 1, mac, {})
            else:
                where = {"_seq": prev[0], "_mac": prev[1]}
                moved = self._move(connection, _MOVE_KNOWN_HEAD, prev[0] + 1, mac, where)
        if not moved:
            row = connection.execute(_LOCK_HEAD).one()
            prev, mac = (row.seq, row.mac), self.mac(row.mac, content)
            self._move(connection, _MOVE_HEAD, prev[0] + 1, mac, {})
        seq = prev[0] + 1
        connection.execute(_INSERT, {"seq": seq, "prev_mac": prev[1], "mac": mac, **values})
        session.info[_MOVED] = (seq, mac)
        return seq

    def _move(self, connection, statement, seq: int, mac: str, where: dict) -> bool:
        """Move the head to row ``seq`` with ``mac``; whether it moved."""
        head_mac = self._keys.head_mac(self._keys.current, seq, mac)
        moved = connection.execute(statement, {**where, "seq": seq, "mac": mac, "head_mac": head_mac})
        return moved.rowcount == 1

    def committed(self, session: Session) -> None:
        """After a commit: the head as the transaction left it, if it appended, is the one known."""
        moved = session.info.pop(_MOVED, None)
        if moved is not None:
            self._known = moved

    def ended(self, session: Session, transaction) -> None:
        """After the transaction, committed or not: what it moved is known (``committed``) or never
        was (rolled back, whether or not the database was reached)."""
        if transaction.parent is None:  # the outermost one, not a savepoint
            session.info.pop(_MOVED, None)

    def head(self, session: Session) -> tuple[int, str]:
        """The newest row's number and MAC: the value to publish outside the database."""
        head = session.execute(select(HEAD.c.seq, HEAD.c.mac).where(HEAD.c.id == 1)).one()
        return head.seq, head.mac

    def verify(
        self, session: Session, from_head: str | None = None, published: PublishedHead | None = None
    ) -> Verification:
        """Walk the chain and name every problem, oldest first.

        Args:
            from_head: a head MAC published earlier; it must still be in the chain.
            published: a head published earlier with its row number; that row must still carry it.

        Raises:
            ValueError: ``from_head`` is not shaped like a head MAC (a usage error, not tampering).
        """
        if from_head is not None and not is_head_mac(from_head):
            raise ValueError("a head MAC is 64 lowercase hex digits")
        check = self._keys.check_row
        entries = [
            Entry(r.seq, r.mac, r.prev_mac, r.key_id, check(r.key_id, r.prev_mac, content_of(r), r.mac))
            for r in session.execute(select(AUDIT).order_by(AUDIT.c.seq, AUDIT.c.id)).mappings()
        ]
        entries, key_problems = missing_keys(entries)
        head = session.execute(select(HEAD).where(HEAD.c.id == 1)).one()
        genesis = head.seq == 0 and head.head_mac is None
        head_ok = head.head_mac is not None and self._keys.check_head(head.seq, head.mac, head.head_mac)
        problems = sorted(key_problems + walk(entries, head.seq if head_ok else None), key=lambda p: p.seq)
        problems += check_head(entries, head, head_ok, genesis, keys_missing=bool(key_problems))
        problems += _against_published(entries, from_head, published)
        return Verification(len(entries), head.seq, head.mac, problems)


def _against_published(
    entries: list[Entry], from_head: str | None, published: PublishedHead | None
) -> list[Problem]:
    """A head published outside the database must still be in the chain, at its row."""
    problems = []
    if from_head and from_head != GENESIS and from_head not in {e.mac for e in entries}:
        problems.append(
            Problem(
                entries[-1].seq if entries else 0,
                "truncated",
                f"the published head {from_head[:16]}… is not in the chain: "
                "rows up to it were deleted or altered",
            )
        )
    if published is not None and (published.seq, published.mac) not in {
        (0, GENESIS),
        *((e.seq, e.mac) for e in entries),
    }:
        when = published.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        problems.append(
            Problem(
                published.seq,
                "truncated",
                f"the chain was cut short or rewritten since the head published at {when} "
                f"(row {published.seq})",
            )
        )
    return problems
