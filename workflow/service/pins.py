"""The signing PIN: set by the signer, stored as a slow hash, locked after five wrong tries."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import repository as repo
from workflow.db.models import OfficialRow, OutboxRow
from workflow.errors import DomainError, InvalidInput, NotAuthorised, UnknownOfficial
from workflow.service.uow import run_in_transaction

__all__ = ["MAX_TRIES", "PinLocked", "Pins", "WrongPin", "hash_pin", "pin_matches"]

MAX_TRIES = 5
_PIN = re.compile(r"^\d{4,8}$")
_N, _R, _P = 2**14, 8, 1  # scrypt cost: about 50 ms and 16 MiB per check


class WrongPin(DomainError):
    """The PIN did not match; ``tries_left`` more before signing is locked."""

    code = "wrong_pin"


class PinLocked(DomainError):
    """Too many wrong PINs: signing is locked until an admin unlocks it."""

    code = "pin_locked"


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` of a PIN."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches a stored hash (constant-time comparison)."""
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


class Pins:
    """Sets, checks and unlocks signing PINs; every failure and lock is audited."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._sessions = sessions
        self._clock = clock

    def set(self, key: str, pin: str) -> None:
        """Set ``key``'s PIN (4 to 8 digits); clears failures but not a lock."""
        if not _PIN.match(pin):
            raise InvalidInput("a PIN is 4 to 8 digits")
        hashed = hash_pin(pin)
        now = self._clock()

        def work(session: Session) -> None:
            official = _official(session, key)
            official.pin_hash, official.pin_failures, official.updated_at = hashed, 0, now
            repo.add_audit(session, at=now, actor=key, action="pin_set", result="ok")

        run_in_transaction(self._sessions, work)

    def check(self, key: str, pin: str) -> None:
        """Check ``key``'s PIN before a signature.

        Raises:
            NotAuthorised: no PIN was set (``/pin``).
            PinLocked: signing is locked.
            WrongPin: it did not match; the fifth wrong try locks signing and alerts the admin.
        """
        now = self._clock()

        def work(session: Session) -> str | None:
            official = _official(session, key)
            if official.pin_locked_at is not None:
                return "locked"
            if official.pin_hash is None:
                return "unset"
            if pin_matches(pin, official.pin_hash):
                official.pin_failures = 0
                return None
            official.pin_failures += 1
            if official.pin_failures < MAX_TRIES:
                return f"wrong:{MAX_TRIES - official.pin_failures}"
            official.pin_locked_at = now
            repo.add_audit(
                session,
                at=now,
                actor=key,
                action="pin_locked",
                result="ok",
                detail={"failures": official.pin_failures},
            )
            admins = session.scalars(
                select(OfficialRow.key).where(OfficialRow.role == "admin", OfficialRow.active.is_(True))
            )
            for admin in admins:
                session.add(
                    OutboxRow(
                        created_at=now,
                        recipient=admin,
                        kind="pin_locked",
                        case_id=None,
                        step_no=None,
                        dedupe_key=f"pin_locked:{key}:{now.isoformat()}:{admin}",
                        payload={"official": key},
                        status="pending",
                        attempts=0,
                    )
                )
            return "locked_now"

        verdict = run_in_transaction(self._sessions, work)  # committed: failures count even on refusal
        if verdict == "unset":
            raise NotAuthorised("no signing PIN is set: send /pin first")
        if verdict in ("locked", "locked_now"):
            raise PinLocked("signing is locked after five wrong PINs; the admin must unlock it")
        if verdict is not None:
            left = int(verdict.split(":")[1])
            raise WrongPin(f"wrong PIN; {left} tries left", tries_left=left)

    def unlock(self, key: str, actor: str) -> None:
        """Unlock signing after five wrong PINs (``disposisi roster unlock-pin KEY``)."""
        now = self._clock()

        def work(session: Session) -> None:
            official = _official(session, key)
            official.pin_locked_at, official.pin_failures = None, 0
            repo.add_audit(
                session, at=now, actor=actor, action="pin_unlock", result="ok", detail={"official": key}
            )

        run_in_transaction(self._sessions, work)


def _official(session: Session, key: str) -> OfficialRow:
    official = session.get(OfficialRow, key)
    if official is None or not official.active:
        raise UnknownOfficial(f"{key!r} is not an active official on the roster")
    return official
