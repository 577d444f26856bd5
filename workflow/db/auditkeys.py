"""The audit keys: the current one signs, older ones only verify what they made.

A key is named by an id derived from it (the key itself is never stored or
logged), so that each audit row can say which key made it and a rotated-out key
can still verify its rows once it is listed among the previous keys.
"""

import hashlib
import hmac

__all__ = ["MIN_KEY_BYTES", "Keyring", "key_id"]

MIN_KEY_BYTES = 16
_ID_LABEL = b"disposisi audit key id"


def key_id(key: bytes) -> str:
    """The key's public name: the first 16 hex digits of HMAC-SHA-256(key, a fixed label)."""
    return hmac.new(key, _ID_LABEL, hashlib.sha256).hexdigest()[:16]


def row_mac(key: bytes, prev_mac: str, content: str) -> str:
    """The MAC of a row whose content follows ``prev_mac``."""
    return hmac.new(key, f"{prev_mac}\n{content}".encode(), hashlib.sha256).hexdigest()


def head_mac(key: bytes, seq: int, mac: str) -> str:
    """The MAC of the head record that says row ``seq`` with ``mac`` is the newest."""
    return hmac.new(key, f"head\n{seq}\n{mac}".encode(), hashlib.sha256).hexdigest()


class Keyring:
    """The current key and the previous ones, by id."""

    def __init__(self, current: bytes, previous: tuple[bytes, ...] = ()) -> None:
        if any(len(key) < MIN_KEY_BYTES for key in (current, *previous)):
            raise ValueError(f"an audit key must be at least {MIN_KEY_BYTES} bytes")
        self.current = current
        self.current_id = key_id(current)
        self._by_id: dict[str, bytes] = {}
        for key in (current, *previous):  # the current key first: most rows are its
            self._by_id.setdefault(key_id(key), key)

    row_mac = staticmethod(row_mac)
    head_mac = staticmethod(head_mac)

    def check_row(self, kid: str | None, prev_mac: str, content: str, mac: str) -> bool | None:
        """Whether a row's MAC verifies; None when the key it names is not configured.

        A row without a key id was written before rows named their key, with the
        key in use then: any configured key that verifies it is that key.
        """
        if kid is None:
            return any(hmac.compare_digest(row_mac(k, prev_mac, content), mac) for k in self._by_id.values())
        key = self._by_id.get(kid)
        if key is None:
            return None
        return hmac.compare_digest(row_mac(key, prev_mac, content), mac)

    def check_head(self, seq: int, mac: str, recorded: str) -> bool:
        """Whether the head record's MAC verifies under one of the keys.

        The head is signed by whichever key made the newest row; right after a
        rotation that is the previous key, until the new one appends.
        """
        return any(hmac.compare_digest(head_mac(k, seq, mac), recorded) for k in self._by_id.values())
