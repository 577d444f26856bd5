"""The signing PIN, a second factor.

Only an official who signs at a step of a loaded SOP, or stands in for one, holds a PIN
(``workflow.signingpin``): checked in the transaction that starts choosing one, that sets it, and
that issues the admin's code, whichever path asks; a refusal is audited there.

A signature is recorded only against the signer's PIN, which ``check_pin`` checks inside the
signature's own transaction, whatever path signs (the bot, the service API). A PIN is changed
only with the old one. A forgotten or locked PIN is reset only by the admin
(``disposisi roster unlock-pin``), who is given a one-time code to hand over outside Telegram;
the official needs it to choose the new PIN, and the first PIN is chosen the same way. Five wrong
tries (of the PIN or of the code) lock signing; every wrong try, the lock and the reset are
audited, and the audit rows keep the record of the failures whatever is reset later.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import repository as repo
from workflow.db.models import OfficialRow, OutboxRow
from workflow.errors import DomainError, UnknownOfficial
from workflow.roster import ADMIN_ROLE
from workflow.service.rostercache import cached_directory
from workflow.service.uow import run_in_transaction
from workflow.signingpin import (
    MAX_TRIES,
    NoPinCode,
    PinLocked,
    PinState,
    PinStatus,
    WrongPin,
    check_may_hold_pin,
    check_pin_format,
    hash_pin,
    pin_matches,
)
from workflow.sop import Sop

__all__ = ["Pins", "count_wrong_pin", "matched", "pin_state"]

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread when handed over


def pin_state(session: Session, key: str) -> PinState:
    """``key``'s PIN as this transaction reads it."""
    official = _official(session, key)
    return PinState(official.pin_hash, official.pin_failures, official.pin_locked_at)


def matched(session: Session, key: str, state: PinState) -> None:
    """The PIN signed: in the signature's transaction, the count of wrong tries starts again."""
    if state.failures:
        officials = OfficialRow.__table__  # Core: a PIN is no roster change (``rosterstamp``)
        session.connection().execute(update(officials).where(officials.c.key == key).values(pin_failures=0))


def count_wrong_pin(session: Session, key: str, now: datetime) -> PinLocked | None:
    """Record one wrong try (in the refusal's transaction); the fifth locks signing, audits the lock
    and tells the admin. Returns the ``PinLocked`` refusal when this try locked it."""
    official = _official(session, key)
    official.pin_failures += 1
    if official.pin_failures < MAX_TRIES or official.pin_locked_at is not None:
        return None
    official.pin_locked_at = now
    official.pin_code_hash = official.pin_code_expires_at = None  # a code being guessed is void too
    repo.add_audit(
        session,
        at=now,
        actor=key,
        action="pin_locked",
        result="ok",
        detail={"failures": official.pin_failures},
    )
    _tell_admins(session, "pin_locked", key, now)
    return PinLocked("five wrong tries: signing is now locked; the admin has been told")


class Pins:
    """Changes and resets signing PINs; the check itself is ``check_pin``, in the signature's
    transaction."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sops: Mapping[str, Sop],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._sessions = sessions
        self._sops = sops  # every loaded SOP: whoever signs at a step of one may hold a PIN
        self._clock = clock

    def status(self, key: str) -> PinStatus:
        """Whether ``key`` has a PIN, is locked, or holds a valid one-time code."""

        def work(session: Session) -> PinStatus:
            official = _official(session, key)
            return PinStatus(
                official.pin_hash is not None, official.pin_locked_at is not None, self._code_valid(official)
            )

        return run_in_transaction(self._sessions, work)

    def begin(self, key: str) -> PinStatus:
        """Start choosing a PIN (``/pin``): ``key``'s status, once the rule on who holds a PIN allows.

        Raises:
            NotAuthorised: ``not_signer``, naming the signing roles (audited).
        """
        now = self._clock()

        def work(session: Session) -> PinStatus | DomainError:
            official = _official(session, key)
            refusal = self._refused_unless_signer(session, key, key, "pin_change", now)
            if refusal is not None:
                return refusal
            return PinStatus(
                official.pin_hash is not None, official.pin_locked_at is not None, self._code_valid(official)
            )

        outcome = run_in_transaction(self._sessions, work)  # committed: the refusal's audit row stays
        if isinstance(outcome, DomainError):
            raise outcome
        return outcome

    @staticmethod
    def new_pin_hash(pin: str) -> str:
        """The stored form of a new PIN (the bot keeps only this between the two entries)."""
        check_pin_format(pin)
        return hash_pin(pin)

    def change(self, key: str, proof: str, new_hash: str) -> None:
        """Set ``key``'s PIN to ``new_hash``, proved by the old PIN or, after a reset or for the first
        PIN, the admin's one-time code (``PinStatus.proof`` says which).

        Raises:
            WrongPin: the proof did not match (counted, and the fifth wrong try locks signing).
            PinLocked: signing is locked and no code was issued.
            NoPinCode: a code is needed and none is outstanding.
        """
        now = self._clock()

        def work(session: Session) -> DomainError | None:
            official = _official(session, key)
            if refusal := self._refused_unless_signer(session, key, key, "pin_change", now):
                return refusal
            status = PinStatus(
                official.pin_hash is not None, official.pin_locked_at is not None, self._code_valid(official)
            )
            if status.proof == "none_issued":
                refusal: DomainError = (
                    PinLocked("signing is locked; the admin must reset the PIN and give you a one-time code")
                    if status.locked
                    else NoPinCode("choosing a PIN needs a one-time code from the admin")
                )
                self._refused(session, key, refusal, now)
                return refusal
            if status.proof == "old_pin":
                ok = pin_matches(proof, official.pin_hash)
            else:
                ok = hmac.compare_digest(_code_hash(proof), official.pin_code_hash)
            if not ok:
                left = MAX_TRIES - official.pin_failures - 1
                refusal = WrongPin(
                    f"wrong {status.proof.replace('_', ' ')}; {left} tries left", tries_left=left
                )
                self._refused(session, key, refusal, now)
                return count_wrong_pin(session, key, now) or refusal
            via = {"with": status.proof, "code_by": official.pin_code_by if status.proof == "code" else None}
            official.pin_hash, official.pin_set_at, official.updated_at = new_hash, now, now
            official.pin_failures, official.pin_locked_at = 0, None
            official.pin_code_hash = official.pin_code_expires_at = official.pin_code_by = None
            repo.add_audit(session, at=now, actor=key, action="pin_set", result="ok", detail=via)
            return None

        refusal = run_in_transaction(self._sessions, work)  # committed: wrong tries count even when refused
        if refusal is not None:
            raise refusal

    def issue_code(self, key: str, actor: str, ttl: timedelta) -> str:
        """Reset ``key``'s PIN (``disposisi roster unlock-pin``): the old PIN no longer signs, and a
        one-time code, valid ``ttl``, lets the official choose a new one. The official is told on
        Telegram; the code itself is returned once and stored only as a hash.
        """
        now = self._clock()
        code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3))

        def work(session: Session) -> DomainError | None:
            official = _official(session, key)
            if refusal := self._refused_unless_signer(session, key, actor, "pin_reset", now):
                return refusal
            detail = {
                "official": key,
                "had_pin": official.pin_hash is not None,
                "locked_at": official.pin_locked_at.isoformat() if official.pin_locked_at else None,
                "failures": official.pin_failures,  # the record of the failures stays in the audit
                "valid_until": (now + ttl).isoformat(),
            }
            official.pin_hash = None
            official.pin_failures = 0  # now counts wrong codes; the lock holds until the new PIN
            official.pin_code_hash, official.pin_code_expires_at = _code_hash(code), now + ttl
            official.pin_code_by, official.updated_at = actor, now
            repo.add_audit(session, at=now, actor=actor, action="pin_reset", result="ok", detail=detail)
            _notify(session, key, "pin_reset", key, now, {"by": actor})
            return None

        refusal = run_in_transaction(self._sessions, work)
        if refusal is not None:
            raise refusal
        return code

    def _code_valid(self, official: OfficialRow) -> bool:
        expires = official.pin_code_expires_at
        return official.pin_code_hash is not None and expires is not None and expires > self._clock()

    def _refused_unless_signer(
        self, session: Session, key: str, actor: str, action: str, now: datetime
    ) -> DomainError | None:
        """The ``not_signer`` refusal, audited, unless ``key`` may hold a PIN; None when they may."""
        try:
            check_may_hold_pin(key, cached_directory(session), self._sops.values())
        except DomainError as refusal:
            self._refused(session, actor, refusal, now, action)
            return refusal
        return None

    @staticmethod
    def _refused(
        session: Session, actor: str, refusal: DomainError, now: datetime, action: str = "pin_change"
    ) -> None:
        repo.add_audit(
            session,
            at=now,
            actor=actor,
            action=action,
            result="refused",
            reason_code=refusal.code,
            message=str(refusal),
        )


def _code_hash(code: str) -> str:
    normalised = "".join(c for c in (code or "").upper() if c.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _official(session: Session, key: str) -> OfficialRow:
    official = session.get(OfficialRow, key)
    if official is None or not official.active:
        raise UnknownOfficial(f"{key!r} is not an active official on the roster")
    return official


def _tell_admins(session: Session, kind: str, key: str, now: datetime) -> None:
    admins = session.scalars(
        select(OfficialRow.key).where(OfficialRow.role == ADMIN_ROLE, OfficialRow.active.is_(True))
    )
    for admin in admins:
        _notify(session, admin, kind, key, now)


def _notify(session: Session, recipient: str, kind: str, key: str, now: datetime, extra: dict | None = None):
    session.add(
        OutboxRow(
            created_at=now,
            recipient=recipient,
            kind=kind,
            case_id=None,
            step_no=None,
            dedupe_key=f"{kind}:{key}:{now.isoformat()}:{recipient}",
            payload={"official": key, **(extra or {})},
            status="pending",
            attempts=0,
        )
    )
