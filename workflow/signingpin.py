"""The signing PIN's rules, each defined once: the shape of a PIN, what a stray message that may be
one looks like, who may hold one, how it is hashed and checked, when it may not sign (not chosen,
locked after ``MAX_TRIES`` wrong tries), and the refusals that say so. Pure;
``workflow.service.pins`` keeps the PINs and checks these in its transactions, whichever path (the
bot, the command line) asks.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from workflow.directory import Directory
from workflow.errors import DomainError, InvalidInput, NotAuthorised
from workflow.sop import Sop, StepKind

__all__ = [
    "MAX_TRIES",
    "PIN_MAX_DIGITS",
    "PIN_MIN_DIGITS",
    "NoPinCode",
    "PinLocked",
    "PinNotSet",
    "PinState",
    "PinStatus",
    "WrongPin",
    "check_may_hold_pin",
    "check_pin",
    "check_pin_format",
    "hash_pin",
    "looks_like_pin",
    "may_hold_pin",
    "pin_matches",
    "signing_role_names",
    "unusable",
]

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
_PIN = re.compile(rf"^[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}$")  # ASCII digits only, unlike \d


def check_pin_format(pin: str | None) -> None:
    """Raise ``InvalidInput`` (``pin_format``) unless ``pin`` is 4 to 8 ASCII digits."""
    if not _PIN.match(pin or ""):
        raise InvalidInput(f"a PIN is {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits", code="pin_format")


def looks_like_pin(text: str | None) -> bool:
    """Whether a message that answers no PIN question may still be a PIN (typed after signing
    locked, or after the question closed): at least ``PIN_MIN_DIGITS`` digits, perhaps spaced, and
    nothing else. Such a message is deleted from the chat like a PIN answer."""
    typed = "".join((text or "").split())
    return len(typed) >= PIN_MIN_DIGITS and typed.isdigit()


def _signing_roles(sops: Iterable[Sop]) -> set[str]:
    return {s.role for sop in sops for s in sop.steps if s.kind is StepKind.SIGN}


def signing_role_names(sops: Iterable[Sop]) -> list[str]:
    """The names of the roles that sign at a step of any of ``sops``, sorted."""
    sops = tuple(sops)
    return sorted({sop.role(s.role).name for sop in sops for s in sop.steps if s.kind is StepKind.SIGN})


def may_hold_pin(key: str, directory: Directory, sops: Iterable[Sop]) -> bool:
    """Whether ``key`` may choose a signing PIN: an official whose role signs at a step of one of
    ``sops``, or who is named in a stand-in order (past, current or to come, so a Plh chooses it
    before the day) for an official whose role does."""
    signers = _signing_roles(sops)
    official = directory.get(key)
    if official is None:
        return False
    if official.role in signers:
        return True
    principals = (directory.get(s.for_key) for s in directory.stand_ins if s.official == key)
    return any(p is not None and p.role in signers for p in principals)


def check_may_hold_pin(key: str, directory: Directory, sops: Iterable[Sop]) -> None:
    """Raise ``NotAuthorised`` (``not_signer``, naming the signing roles) unless ``may_hold_pin``."""
    sops = tuple(sops)
    if not may_hold_pin(key, directory, sops):
        names = signing_role_names(sops)
        role = directory.get(key).role if directory.get(key) else None
        raise NotAuthorised(
            f"{key} ({role}) does not sign, nor stand in for a signer",
            code="not_signer",
            roles=names,
            role=" / ".join(names),
        )


MAX_TRIES = 5
_N, _R, _P = 2**14, 8, 1  # scrypt cost: about 50 ms and 16 MiB per check


class WrongPin(DomainError):
    """The PIN (or the one-time code) did not match; ``tries_left`` more before signing locks."""

    code = "wrong_pin"


class PinLocked(DomainError):
    """Too many wrong tries: signing is locked until the admin resets the PIN."""

    code = "pin_locked"


class PinNotSet(DomainError):
    """No signing PIN yet: it is chosen with a one-time code from the admin."""

    code = "pin_not_set"


class NoPinCode(DomainError):
    """Choosing a PIN needs the admin's one-time code, and none is outstanding (or it expired)."""

    code = "no_pin_code"


@dataclass(frozen=True, slots=True)
class PinState:
    """An official's signing PIN as stored: its hash (None: not chosen), wrong tries, the lock."""

    hash: str | None
    failures: int
    locked_at: datetime | None


@dataclass(frozen=True, slots=True)
class PinStatus:
    """Where an official's PIN stands: what ``/pin`` asks them for."""

    has_pin: bool
    locked: bool
    code_pending: bool  # a one-time code from the admin is outstanding and valid

    @property
    def proof(self) -> str:
        """What changing the PIN needs: ``old_pin``, ``code``, or ``none_issued`` (ask the admin)."""
        if self.has_pin and not self.locked and not self.code_pending:
            return "old_pin"
        return "code" if self.code_pending else "none_issued"


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` of a PIN."""
    salt = secrets.token_bytes(16)
    derived = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${derived.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches a stored hash (constant-time comparison)."""
    _, n, r, p, salt, derived = stored.split("$")
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), derived)


def unusable(state: PinState) -> DomainError | None:
    """Why no PIN can sign now, if none can: no PIN chosen yet (or reset by the admin: a new one is
    chosen with their one-time code, which also ends a lock), or signing locked."""
    if state.hash is None:
        return PinNotSet("no signing PIN is set: ask the admin for a one-time code, then send /pin")
    if state.locked_at is not None:
        return PinLocked("signing is locked after five wrong tries; the admin must reset the PIN")
    return None


def check_pin(state: PinState, pin: str) -> None:
    """Check a PIN against ``state``, as the signature's transaction read it (writes nothing: a
    match clears the wrong tries only once the signature is written, ``matched``).

    Raises:
        PinLocked, PinNotSet, WrongPin: the signature must not be recorded. For ``WrongPin`` the
            refusal's transaction calls ``count_wrong_pin``.
    """
    if refusal := unusable(state):
        raise refusal
    if not pin_matches(pin or "", state.hash):
        left = MAX_TRIES - state.failures - 1
        raise WrongPin(f"wrong PIN; {left} tries left", tries_left=left)
