"""Reading a walk of the audit chain: which rows are out of place, missing, or unverifiable.

Pure functions over the rows as ``Entry`` values (their MACs already checked),
so that each kind of tampering is named after what it did to the chain.
"""

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["GENESIS", "Entry", "Problem", "check_head", "missing_keys", "walk"]

#: The previous MAC of the first row, and the head's MAC before any row.
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the chain, at the row ``seq``."""

    seq: int
    kind: str  # edited, deleted, inserted, reordered, truncated, head, key, genesis
    message: str


class Entry(NamedTuple):
    """A row as the walk sees it."""

    seq: int
    mac: str
    prev_mac: str
    key_id: str | None
    valid: bool | None  # its MAC verifies; None: the key that made it is not configured


def missing_keys(entries: list[Entry]) -> tuple[list[Entry], list[Problem]]:
    """One "key" problem per key that rows name but nobody configured, at the first such row.

    Rows without a key id come first (written before rows named their key) and
    were made with the key in use at the upgrade, which the first row after them
    names. When none of them verifies, their key is missing (or every one of them
    was altered): they are counted as that key's rows when it is missing too, else
    as rows of a key nobody configured. Rows whose key is missing cannot be
    judged: they come back marked unknown and the walk checks only their place.
    """
    first_named = next((i for i, entry in enumerate(entries) if entry.key_id is not None), len(entries))
    legacy = entries[:first_named]
    if legacy and not any(entry.valid for entry in legacy):
        heir = entries[first_named] if first_named < len(entries) else None
        kid = heir.key_id if heir is not None and heir.valid is None else None
        legacy = [entry._replace(valid=None, key_id=kid) for entry in legacy]
        entries = legacy + entries[first_named:]
    named: dict[str | None, list[int]] = {}
    for entry in entries:
        if entry.valid is None:
            named.setdefault(entry.key_id, []).append(entry.seq)
    return entries, [_missing(kid, seqs) for kid, seqs in named.items()]


def _missing(kid: str | None, seqs: list[int]) -> Problem:
    if kid is None:
        return Problem(
            seqs[0],
            "key",
            f"none of the {len(seqs)} rows without a key id (written before rows named their key) "
            "verifies under AUDIT_KEY or AUDIT_PREVIOUS_KEYS: add the key in use before the upgrade to "
            "AUDIT_PREVIOUS_KEYS (or every one of those rows was altered)",
        )
    return Problem(
        seqs[0],
        "key",
        f"row {seqs[0]} was made with the audit key {kid}, which is neither AUDIT_KEY nor in "
        f"AUDIT_PREVIOUS_KEYS ({len(seqs)} rows): add that key to AUDIT_PREVIOUS_KEYS",
    )


def walk(entries: list[Entry], head_seq: int | None) -> list[Problem]:
    """Problems of the rows themselves, oldest first; ``head_seq`` only when the head verified."""
    by_mac = {entry.mac: i for i, entry in enumerate(entries)}
    problems: list[Problem] = []
    prev, expected = GENESIS, 1  # the first row is chained to GENESIS like any other to its parent
    for i, (seq, mac, prev_mac, _, valid) in enumerate(entries):
        if seq < expected:
            problems.append(Problem(seq, "inserted", f"row {seq} appears twice: a row was inserted"))
            continue
        if seq > expected:
            span = f"row {expected} is" if seq == expected + 1 else f"rows {expected}–{seq - 1} are"
            problems.append(Problem(expected, "deleted", f"{span} missing: deleted"))
        linked = prev_mac == prev
        if head_seq is not None and seq > head_seq:
            problems.append(Problem(seq, "inserted", f"row {seq} comes after the recorded head: inserted"))
        elif valid is False:
            follower = entries[i + 1] if i + 1 < len(entries) else None
            if follower is not None and follower.valid and follower.prev_mac == prev:
                problems.append(
                    Problem(seq, "inserted", f"row {seq} was inserted: row {follower.seq} links past it")
                )
            else:
                problems.append(
                    Problem(seq, "edited", f"row {seq} was edited: its content does not match its MAC")
                )
        elif not linked:
            problems.append(_unlinked(entries, by_mac, i))
        prev, expected = mac, seq + 1
    return problems


def _unlinked(entries: list[Entry], by_mac: dict[str, int], i: int) -> Problem:
    """A row whose MAC verifies but whose previous MAC is not the row before it."""
    seq = entries[i].seq
    target = by_mac.get(entries[i].prev_mac)
    if target is None:
        return Problem(seq, "deleted", f"the row before row {seq} was deleted")
    if target > i:
        return Problem(
            seq,
            "reordered",
            f"row {seq} is out of order: it belongs after row {entries[target].seq} "
            "(rows were swapped or moved)",
        )
    return Problem(seq, "inserted", f"row {entries[i - 1].seq} was inserted before row {seq}")


def check_head(entries: list[Entry], head, head_ok: bool, genesis: bool, keys_missing: bool) -> list[Problem]:
    """Problems of the head record (row number, MAC, and its own MAC) against the rows."""
    if genesis:
        # A fresh database's head, but also what deleting every row and resetting the head
        # leaves: the database alone cannot tell them apart, so it is never taken as fine.
        if entries:
            return [
                Problem(
                    0,
                    "genesis",
                    f"the chain head was reset to row 0 without a MAC although {len(entries)} rows exist",
                )
            ]
        return [
            Problem(
                0,
                "genesis",
                "the chain head is row 0 without a MAC: nothing was ever recorded, "
                "or every row was deleted and the head reset",
            )
        ]
    if not head_ok and keys_missing:  # the missing key may have signed it: no tamper alarm
        return [Problem(head.seq, "head", "the chain head verifies under none of the configured keys")]
    if not head_ok:
        return [Problem(head.seq, "head", "the recorded chain head was altered (its MAC does not verify)")]
    last_seq, last_mac = (entries[-1].seq, entries[-1].mac) if entries else (0, GENESIS)
    if head.seq > last_seq:
        span = f"row {head.seq} is" if head.seq == last_seq + 1 else f"rows {last_seq + 1}–{head.seq} are"
        return [Problem(last_seq + 1, "truncated", f"{span} missing at the end: deleted")]
    if head.seq == last_seq and head.mac != last_mac:
        return [Problem(head.seq, "head", f"row {head.seq} is not the row the head recorded: replaced")]
    return []
