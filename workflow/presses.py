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


PRESSES = {
    kind.code: kind
    for kind in (
        PressKind("ak", "acknowledge", "acknowledge", (0,)),  # Diterima
        # Teruskan: the instruction's index ("x": none), then the next official's tag when chosen
        PressKind("fw", "forward", "forward", (1, 2), needs="person"),
        PressKind("pi", "pick_instruction", "forward", (0,)),  # Teruskan's quick picks
        PressKind("nt", "note", "forward", (0,), needs="note"),  # Catatan, then Teruskan
        # Terima data: the manifest hash's prefix, then who is next when chosen
        PressKind("am", "accept_manifest", "accept_manifest", (1, 2), needs="person"),
        PressKind("rt", "return", "return", (0, 1), needs="reason"),  # Kembalikan: the step, if several
        PressKind("rj", "reject", "reject", (0,), needs="reason"),  # Tolak
        PressKind("ra", "reassign", "reassign", (0, 1), needs="person"),  # Alihkan: the new holder's tag
        # Laporkan data: f(ile) or h(ardcopy); or p(ick) and the checker's tag after the answers
        PressKind("mf", "manifest", "submit_manifest", (0, 1, 2), needs="answers"),
        PressKind("sg", "sign", "sign", (0, 1), needs="pin"),  # Tandatangani: the dispatcher's tag
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
