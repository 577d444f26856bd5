"""Callback data: a tiny, versioned format carrying ids only (at most 64 bytes).

``1.<action>.<case id>.<step id>.<case version>[.<arg>…]`` — for example
``1.fw.12.88.5.0.3f2a9c1b``: forward case 12, step instance 88, seen at version 5,
with instruction 0, to the official whose key hashes to ``3f2a9c1b``. It is client
input: every press is checked against the database (presser, version, step) before
anything happens, and anything malformed is refused.
"""

import hashlib
import re
from dataclasses import dataclass

__all__ = ["ACTIONS", "BadPayload", "Press", "decode", "encode", "key_tag"]

VERSION = "1"
#: Action codes: what a button does.
ACTIONS = {
    "ak": "acknowledge",  # Diterima
    "fw": "forward",  # Teruskan: args are instruction index, then the next official's tag
    "pi": "pick_instruction",  # show the quick picks of Teruskan
    "am": "accept_manifest",  # Kasi accepts the manifest: args are the hash prefix, then who is next
    "hi": "history",  # Riwayat: the whole timeline
    "mn": "menu",  # back to the step's own buttons
    "nt": "note",  # Catatan: write a note, then forward
    "rt": "return",  # Kembalikan: a reason is asked
    "rj": "reject",  # Tolak: a reason is asked
    "ra": "reassign",  # Alihkan: arg is the new holder's tag
    "mf": "manifest",  # Laporkan data: the form, f(ile) or h(ardcopy); or p(ick) and the checker's tag
    "sg": "sign",  # Tandatangani: arg is the dispatching JFU's tag when picked; then the PIN is asked
    "tk": "tick",  # a checklist item: arg is its index
    "ar": "access_revoked",  # Akses sudah dicabut, on a closed case: the step id is the grant step's
    "hs": "hashes",  # SHA-256: the full file and manifest hashes, as an alert
    "sc": "permit_scan",  # Surat izin: the bot sends the permit scan it received (uploads allowed)
}
_ARG = re.compile(r"^[0-9a-z]{1,16}$")
_LIMIT = 64


class BadPayload(ValueError):
    """Callback data that is not ours or not well formed."""


@dataclass(frozen=True, slots=True)
class Press:
    """A decoded button press."""

    action: str
    case_id: int
    step_id: int
    version: int
    args: tuple[str, ...] = ()


def key_tag(key: str) -> str:
    """A short, stable tag for an official's key (keys can be longer than a button allows)."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def encode(press: Press) -> str:
    """The callback data for a press.

    Raises:
        ValueError: an unknown action, a bad argument or more than 64 bytes.
    """
    if press.action not in ACTIONS or any(not _ARG.match(a) for a in press.args):
        raise ValueError(f"cannot encode {press!r}")
    data = ".".join(
        [VERSION, press.action, str(press.case_id), str(press.step_id), str(press.version), *press.args]
    )
    if len(data.encode()) > _LIMIT:
        raise ValueError(f"callback data over {_LIMIT} bytes: {data!r}")
    return data


def decode(data: str | None) -> Press:
    """Parse callback data.

    Raises:
        BadPayload: anything that ``encode`` would not have produced.
    """
    if not data or len(data.encode()) > _LIMIT:
        raise BadPayload("empty or too long")
    parts = data.split(".")
    if len(parts) < 5 or parts[0] != VERSION:
        raise BadPayload("unknown format or version")
    action, ids, args = parts[1], parts[2:5], tuple(parts[5:])
    if action not in ACTIONS or len(args) > 3 or any(not _ARG.match(a) for a in args):
        raise BadPayload("unknown action or bad argument")
    if not all(i.isdigit() and len(i) <= 12 for i in ids):
        raise BadPayload("ids must be decimal numbers")
    case_id, step_id, version = (int(i) for i in ids)
    return Press(action, case_id, step_id, version, args)
