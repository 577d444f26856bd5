"""What an official asks the engine to do. Plain values; ``step_id`` is the step the
button or command was aimed at, so a stale or repeated action is recognised."""

from dataclasses import dataclass, field

from workflow.manifest import Manifest

__all__ = [
    "AcceptManifest",
    "Acknowledge",
    "Cancel",
    "Command",
    "ConfirmRevoked",
    "Forward",
    "Reassign",
    "Reject",
    "Return",
    "Sign",
    "SubmitManifest",
    "TickItem",
    "action_name",
]


@dataclass(frozen=True, slots=True)
class Acknowledge:
    """ "Diterima": the official has seen the step."""

    step_id: int | None = None


@dataclass(frozen=True, slots=True)
class Forward:
    """Pass the disposition on, with an instruction (the ``label`` of one the case's SOP offers)
    and/or a note, to ``to`` if chosen."""

    step_id: int | None = None
    instruction: str | None = None
    note: str = ""
    to: str | None = None


@dataclass(frozen=True, slots=True)
class Return:
    """Send the case back to an earlier step: ``to_step``, one of those the SOP allows from the open
    step (``returns_to``); it may be left out when the SOP allows only one."""

    reason: str
    step_id: int | None = None
    to_step: int | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """Refuse the request; the case ends."""

    reason: str
    step_id: int | None = None


@dataclass(frozen=True, slots=True)
class Reassign:
    """Hand the open step to another holder of its role."""

    to: str
    step_id: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class SubmitManifest:
    """The operator reports the extracted data by its manifest; ``to`` picks the checker."""

    manifest: Manifest
    step_id: int | None = None
    note: str = ""
    to: str | None = None


@dataclass(frozen=True, slots=True)
class AcceptManifest:
    """The checker accepts the manifest whose hash they saw; ``to`` picks who takes it next."""

    step_id: int | None = None
    manifest_hash: str | None = None
    note: str = ""
    to: str | None = None


@dataclass(frozen=True, slots=True)
class Sign:
    """The authorised official signs the accepted manifest with their PIN, which the service
    checks for them before anything else; ``to`` picks another JFU. The PIN is never shown."""

    step_id: int | None = None
    manifest_hash: str | None = None
    to: str | None = None
    note: str = ""
    pin: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class TickItem:
    """Tick one item of the dispatch step's checklist, by its key in the case's SOP."""

    item: str
    value: str = ""
    receipt_sha256: str | None = None
    receipt_file: str | None = None
    step_id: int | None = None


@dataclass(frozen=True, slots=True)
class Cancel:
    """Withdraw the case (TU or admin, before access is granted)."""

    reason: str


@dataclass(frozen=True, slots=True)
class ConfirmRevoked:
    """The Kasi who granted access confirms the operator's access was revoked (closed case only)."""


Command = (
    Acknowledge
    | Forward
    | Return
    | Reject
    | Reassign
    | SubmitManifest
    | AcceptManifest
    | Sign
    | TickItem
    | Cancel
    | ConfirmRevoked
)

#: Audit names that read better than the type's name.
_NAMES = {"ConfirmRevoked": "access_revoked"}


def action_name(command: "Command | type") -> str:
    """The audit name of a command or command type, e.g. ``submit_manifest``."""
    name = (command if isinstance(command, type) else type(command)).__name__
    if name in _NAMES:
        return _NAMES[name]
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
