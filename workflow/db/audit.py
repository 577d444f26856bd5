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
from dataclasses import dataclass, field
from datetime import UTC

from sqlalchemy import select
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


def content_of(row: AuditRow) -> str:
    """The canonical text of a row's content (everything but its place and MACs)."""
    data = {
        "at": row.at.astimezone(UTC).isoformat(),
        "actor": row.actor,
        "acting_for": row.acting_for,
        "action": row.action,
        "case_id": row.case_id,
        "step_id": row.step_id,
        "result": row.result,
        "reason_code": row.reason_code,
        "message": row.message,
        "detail": row.detail,
    }
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

    def append(self, session: Session, row: AuditRow) -> AuditRow:
        """Chain ``row`` after the head and add it; the head stays locked until commit."""
        head = session.scalars(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()).one()
        row.seq = head.seq + 1
        row.prev_mac = head.mac
        row.mac = self.mac(head.mac, content_of(row))
        session.add(row)
        head.seq, head.mac = row.seq, row.mac
        head.head_mac = self._head_mac(row.seq, row.mac)
        return row

    def head(self, session: Session) -> tuple[int, str]:
        """The newest row's number and MAC: the value to publish outside the database."""
        head = session.get(AuditHeadRow, 1)
        return head.seq, head.mac

    def verify(self, session: Session, from_head: str | None = None) -> Verification:
        """Walk the chain and name every problem, oldest first.

        Args:
            from_head: a head MAC published earlier; it must still be in the chain.
        """
        entries = [
            (r.seq, r.mac, r.prev_mac, hmac.compare_digest(self.mac(r.prev_mac, content_of(r)), r.mac))
            for r in session.scalars(select(AuditRow).order_by(AuditRow.seq, AuditRow.id))
        ]
        head = session.get(AuditHeadRow, 1)
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


def _check_head(entries, head: AuditHeadRow, head_ok: bool) -> list[Problem]:
    last_seq, last_mac = (entries[-1][0], entries[-1][1]) if entries else (0, GENESIS)
    if not head_ok:
        return [Problem(head.seq, "head", "the recorded chain head was altered (its MAC does not verify)")]
    if head.seq > last_seq:
        span = f"row {head.seq} is" if head.seq == last_seq + 1 else f"rows {last_seq + 1}–{head.seq} are"
        return [Problem(last_seq + 1, "truncated", f"{span} missing at the end: deleted")]
    if head.seq == last_seq and head.mac != last_mac:
        return [Problem(head.seq, "head", f"row {head.seq} is not the row the head recorded: replaced")]
    return []
