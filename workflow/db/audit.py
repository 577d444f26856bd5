"""The hash-chained audit log.

Each row carries an HMAC-SHA-256, under a key kept outside the database, over
the previous row's MAC and its own content. Someone who can write to the
database but does not hold the key can neither edit, insert, delete nor reorder
rows unnoticed; removing the newest rows together with the head record is
caught against a head hash published outside the database (``--from-head``).
"""

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from workflow.db.models import AuditHeadRow, AuditRow

__all__ = ["GENESIS", "AuditChain", "Problem", "Verification", "content_of"]

#: The previous MAC of the first row.
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the chain, at the row ``seq``."""

    seq: int
    kind: str  # edited, deleted, inserted, reordered, truncated, head, key
    message: str


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


def content_of(row: Mapping | AuditRow) -> str:
    """The canonical text of a row's content (everything but its place and MACs)."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    data = {name: get(name) for name in _CONTENT}
    data["at"] = data["at"].astimezone(UTC).isoformat()
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class AuditChain:
    """Appends to and verifies the chain with one key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the audit key must be at least 16 bytes")
        self._key = key

    def mac(self, prev_mac: str, content: str) -> str:
        """The MAC of a row that follows ``prev_mac``."""
        return hmac.new(self._key, f"{prev_mac}\n{content}".encode(), hashlib.sha256).hexdigest()

    def _head_mac(self, seq: int, mac: str) -> str:
        return hmac.new(self._key, f"head\n{seq}\n{mac}".encode(), hashlib.sha256).hexdigest()

    def append(self, session: Session, values: dict) -> int:
        """Chain a row (its content fields) after the head; the head stays locked until commit.

        Returns:
            The new row's number in the chain.
        """
        connection = session.connection()
        head = connection.execute(_LOCK_HEAD).one()
        seq = head.seq + 1
        mac = self.mac(head.mac, content_of(values))
        connection.execute(_INSERT, {"seq": seq, "prev_mac": head.mac, "mac": mac, **values})
        connection.execute(_MOVE_HEAD, {"seq": seq, "mac": mac, "head_mac": self._head_mac(seq, mac)})
        return seq

    def head(self, session: Session) -> tuple[int, str]:
        """The newest row's number and MAC: the value to publish outside the database."""
        head = session.execute(select(HEAD.c.seq, HEAD.c.mac).where(HEAD.c.id == 1)).one()
        return head.seq, head.mac

    def verify(self, session: Session, from_head: str | None = None) -> Verification:
        """Walk the chain and name every problem, oldest first.

        Args:
            from_head: a head MAC published earlier; it must still be in the chain.
        """
        entries = [
            (r.seq, r.mac, r.prev_mac, hmac.compare_digest(self.mac(r.prev_mac, content_of(r)), r.mac))
            for r in session.execute(select(AUDIT).order_by(AUDIT.c.seq, AUDIT.c.id)).mappings()
        ]
        head = session.execute(select(HEAD).where(HEAD.c.id == 1)).one()
        head_ok = head.seq == 0 or (
            head.head_mac is not None
            and hmac.compare_digest(self._head_mac(head.seq, head.mac), head.head_mac)
        )
        problems = _walk(entries, head.seq if head_ok else None)
        if entries and not any(valid for *_, valid in entries):
            problems = [
                Problem(1, "key", "no row verifies: is AUDIT_KEY the key this database was written with?")
            ]
        problems += _check_head(entries, head, head_ok)
        if from_head and from_head != GENESIS and from_head not in {mac for _, mac, _, _ in entries}:
            problems.append(
                Problem(
                    entries[-1][0] if entries else 0,
                    "truncated",
                    f"the published head {from_head[:16]}… is not in the chain: "
                    "rows up to it were deleted or altered",
                )
            )
        return Verification(len(entries), head.seq, head.mac, problems)


def _walk(entries: list[tuple[int, str, str, bool]], head_seq: int | None) -> list[Problem]:
    by_mac = {mac: i for i, (_, mac, _, _) in enumerate(entries)}
    problems: list[Problem] = []
    prev, expected = GENESIS, 1
    for i, (seq, mac, prev_mac, valid) in enumerate(entries):
        if seq < expected:
            problems.append(Problem(seq, "inserted", f"row {seq} appears twice: a row was inserted"))
            continue
        if seq > expected:
            span = f"row {expected} is" if seq == expected + 1 else f"rows {expected}–{seq - 1} are"
            problems.append(Problem(expected, "deleted", f"{span} missing: deleted"))
        linked = prev_mac == prev
        if head_seq is not None and seq > head_seq:
            problems.append(Problem(seq, "inserted", f"row {seq} comes after the recorded head: inserted"))
        elif not valid:
            follower = entries[i + 1] if i + 1 < len(entries) else None
            if follower is not None and follower[3] and follower[2] == prev:
                problems.append(
                    Problem(seq, "inserted", f"row {seq} was inserted: row {follower[0]} links past it")
                )
            else:
                problems.append(
                    Problem(seq, "edited", f"row {seq} was edited: its content does not match its MAC")
                )
        elif not linked:
            target = by_mac.get(prev_mac)
            if target is None:
                problems.append(Problem(seq, "deleted", f"the row before row {seq} was deleted"))
            elif target > i:
                problems.append(
                    Problem(
                        seq,
                        "reordered",
                        f"row {seq} is out of order: it belongs after row "
                        f"{entries[target][0]} (rows were swapped or moved)",
                    )
                )
            else:
                problems.append(
                    Problem(seq, "inserted", f"row {entries[i - 1][0]} was inserted before row {seq}")
                )
        prev, expected = mac, seq + 1
    return problems


def _check_head(entries, head, head_ok: bool) -> list[Problem]:
    last_seq, last_mac = (entries[-1][0], entries[-1][1]) if entries else (0, GENESIS)
    if not head_ok:
        return [Problem(head.seq, "head", "the recorded chain head was altered (its MAC does not verify)")]
    if head.seq > last_seq:
        span = f"row {head.seq} is" if head.seq == last_seq + 1 else f"rows {last_seq + 1}–{head.seq} are"
        return [Problem(last_seq + 1, "truncated", f"{span} missing at the end: deleted")]
    if head.seq == last_seq and head.mac != last_mac:
        return [Problem(head.seq, "head", f"row {head.seq} is not the row the head recorded: replaced")]
    return []
