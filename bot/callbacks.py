"""Callback data: a tiny, versioned format carrying ids only (at most 64 bytes).

``1.<action>.<case id>.<step id>.<case version>[.<arg>…]`` — for example
``1.fw.12.88.5.0.3f2a9c1b``: forward case 12, step instance 88, seen at version 5,
with the SOP's instruction 0, to the official whose key hashes to ``3f2a9c1b``. It is client
input: ``decode`` accepts exactly the strings ``encode`` produces (ASCII digits without
leading zeros, each action's own number of arguments) and refuses everything else, and
every press is still checked against the database (presser, version, step).
"""

import re

from workflow.presses import PRESSES, Press, key_tag

__all__ = ["ACTIONS", "ARITY", "BadPayload", "Press", "decode", "encode", "key_tag"]

VERSION = "1"
#: Action codes (what a button does) and how many arguments each carries: ``workflow.presses``.
ACTIONS = {code: kind.name for code, kind in PRESSES.items()}
ARITY = {code: kind.arity for code, kind in PRESSES.items()}
_ARG = re.compile(r"[0-9a-z]{1,16}")  # always fullmatch: "$" would let a trailing newline through
_ID = re.compile(r"0|[1-9][0-9]{0,11}")  # [0-9] is ASCII only, unlike \d or str.isdigit
_ID_LIMIT = 10**12
_LIMIT = 64


class BadPayload(ValueError):
    """Callback data that is not ours or not well formed."""


def encode(press: Press) -> str:
    """The callback data for a press.

    Raises:
        ValueError: an unknown action, the wrong number of arguments, a bad argument, an id that is
            not a whole number from 0 to 10**12 - 1, or more than 64 bytes.
    """
    ids = (press.case_id, press.step_id, press.version)
    if (
        press.action not in ACTIONS
        or len(press.args) not in ARITY[press.action]
        or not all(isinstance(a, str) and _ARG.fullmatch(a) for a in press.args)
        or not all(type(i) is int and 0 <= i < _ID_LIMIT for i in ids)
    ):
        raise ValueError(f"cannot encode {press!r}")
    data = ".".join([VERSION, press.action, *map(str, ids), *press.args])
    if len(data) > _LIMIT:  # ASCII only: characters are bytes
        raise ValueError(f"callback data over {_LIMIT} bytes: {data!r}")
    return data


def decode(data: object) -> Press:
    """Parse callback data; exactly what ``encode`` produces is accepted.

    Raises:
        BadPayload: anything else (and never another exception, whatever ``data`` is).
    """
    if not isinstance(data, str) or not data or not data.isascii() or len(data) > _LIMIT:
        raise BadPayload("empty, not ASCII, or too long")
    parts = data.split(".")
    if len(parts) < 5 or parts[0] != VERSION:
        raise BadPayload("unknown format or version")
    action, ids, args = parts[1], parts[2:5], tuple(parts[5:])
    if action not in ACTIONS or len(args) not in ARITY[action]:
        raise BadPayload("unknown action or the wrong number of arguments")
    if not all(_ARG.fullmatch(a) for a in args):
        raise BadPayload("bad argument")
    if not all(_ID.fullmatch(i) for i in ids):
        raise BadPayload("ids must be decimal numbers without sign, space or leading zero")
    case_id, step_id, version = (int(i) for i in ids)
    return Press(action, case_id, step_id, version, args)
