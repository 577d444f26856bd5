"""The signing PIN's rules, each defined once: the shape of a PIN, what a stray message that may be
one looks like, and who may hold one. Pure; ``workflow.service.pins`` keeps the PINs and checks
these in its transactions, whichever path (the bot, the command line) asks.
"""

import re
from collections.abc import Iterable

from workflow.directory import Directory
from workflow.errors import InvalidInput, NotAuthorised
from workflow.sop import Sop, StepKind

__all__ = [
    "PIN_MAX_DIGITS",
    "PIN_MIN_DIGITS",
    "check_may_hold_pin",
    "check_pin_format",
    "looks_like_pin",
    "may_hold_pin",
    "signing_role_names",
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
