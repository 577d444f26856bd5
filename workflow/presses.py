"""The buttons an official can press: one table, read by the callback codec (``bot.callbacks``),
the keyboards (``bot.messages``) and the desk that handles a press (``workflow.service.desk``).

A press names the case, the step instance and the case version its button was made for, and a
few short arguments (``Press``). Each kind says which engine action must be open to the presser
(``action``; None for a button that only shows something or opens a menu), how many arguments its
buttons carry, what it asks for before anything is done (``needs``), and whether it must match
the case as it now stands (``fresh``).
"""

import hashlib
from dataclasses import dataclass

__all__ = ["PRESSES", "Press", "PressKind", "key_tag"]


@dataclass(frozen=True, slots=True)
class Press:
    """One button press, decoded: client input, checked against the database before anything."""

    action: str
    case_id: int
    step_id: int
    version: int
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PressKind:
    """What one kind of button does."""

    code: str  # in the callback data
    name: str
    action: str | None  # the engine action it needs open to the presser (None: only a visible case)
    arity: tuple[int, ...]  # how many arguments its buttons may carry
    needs: str = ""  # what is asked first: "note", "person", "reason", "pin", "answers", "value"
    fresh: bool = True  # the button must be of the case's current version and open step
    row: int = 0  # where the step's own message shows it (1: first row, 2: second; 0: elsewhere)
    label: str = ""  # its label's key in the front end's button words


PRESSES = {
    kind.code: kind
    for kind in (
        PressKind("ak", "acknowledge", "acknowledge", (0,), row=1, label="acknowledge"),  # Diterima
        PressKind("pi", "pick_instruction", "forward", (0,), row=1, label="forward"),  # Teruskan's picks
        PressKind("nt", "note", "forward", (0,), needs="note", row=1, label="note"),  # Catatan, then Teruskan
        # Laporkan data: f(ile) or h(ardcopy); or p(ick) and the checker's tag after the answers
        PressKind("mf", "manifest", "submit_manifest", (0, 1, 2), needs="answers", row=1, label="report"),
        # Terima data: the manifest hash's prefix, then who is next when chosen
        PressKind(
            "am", "accept_manifest", "accept_manifest", (1, 2), needs="person", row=1, label="accept_manifest"
        ),
        PressKind(
            "sg", "sign", "sign", (0, 1), needs="pin", row=1, label="sign"
        ),  # Tandatangani: the dispatcher
        # Teruskan, once an instruction is picked: its index ("x": none), then the next official's tag
        PressKind("fw", "forward", "forward", (1, 2), needs="person"),
        # Kembalikan: the step to return to, if the SOP allows several
        PressKind("rt", "return", "return", (0, 1), needs="reason", row=2, label="return"),
        PressKind("rj", "reject", "reject", (0,), needs="reason", row=2, label="reject"),  # Tolak
        PressKind("ra", "reassign", "reassign", (0, 1), needs="person", row=2, label="reassign"),  # Alihkan
        PressKind("tk", "tick", "tick_item", (1,), needs="value"),  # a checklist item's index
        PressKind("mn", "menu", None, (0,)),  # back to the step's own buttons
        PressKind("hi", "history", None, (0,), fresh=False),  # Riwayat
        PressKind("hs", "hashes", None, (0,), fresh=False),  # SHA-256, as an alert
        PressKind("sc", "permit_scan", None, (0,), fresh=False),  # Surat izin: the scan sent again
        # Akses sudah dicabut, on a closed case (the step id is the grant step's): the engine decides
        PressKind("ar", "access_revoked", "access_revoked", (0,), fresh=False),
    )
}


def key_tag(key: str) -> str:
    """A short, stable tag for an official's key in a button (keys can be longer than one allows)."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]
