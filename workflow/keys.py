"""Signing keys: Ed25519, kept in files outside the database.

The current key signs; every trusted key (the current one and the earlier ones whose public keys
the office keeps) verifies. A key's id is the first 16 hex digits of the SHA-256 of its raw public
key, so the id in a signature names the public key to check it with.
"""

import base64
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["KeyFileError", "SigningKeys", "generate_key", "key_id_of", "public_pem"]

_RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class KeyFileError(ValueError):
    """A key file that cannot be used; the message names the file and what is wrong."""


def key_id_of(public: Ed25519PublicKey) -> str:
    """The id of a public key: 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(public.public_bytes(*_RAW)).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), the form to publish."""
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


class SigningKeys:
    """The office's signing keys: one to sign with (optional) and every key to verify with."""

    def __init__(self, private: Ed25519PrivateKey | None, trusted: Iterable[Ed25519PublicKey] = ()) -> None:
        self._private = private
        self._trusted = {key_id_of(k): k for k in trusted}
        if private is not None:
            self._trusted[key_id_of(private.public_key())] = private.public_key()
        self.key_id = key_id_of(private.public_key()) if private is not None else ""

    @classmethod
    def load(cls, current: Path | None, previous: Iterable[Path] = ()) -> "SigningKeys":
        """The private key in ``current`` and the keys (public or private PEM) in ``previous``.

        Raises:
            KeyFileError: a file is missing, unreadable, not PEM, or not an Ed25519 key.
        """
        private = _private(current) if current is not None else None
        return cls(private, [_public(Path(p)) for p in previous])

    @property
    def can_sign(self) -> bool:
        """Whether a private key was loaded."""
        return self._private is not None

    @property
    def trusted_ids(self) -> list[str]:
        """The ids of every key a signature may be verified with."""
        return sorted(self._trusted)

    def public(self, key_id: str) -> Ed25519PublicKey | None:
        """The trusted public key with this id."""
        return self._trusted.get(key_id)

    def sign(self, data: bytes) -> str:
        """The base64 Ed25519 signature of ``data`` under the current key."""
        if self._private is None:
            raise RuntimeError("no signing key loaded (SIGNING_KEY_FILE)")
        return base64.b64encode(self._private.sign(data)).decode()

    def knows(self, key_id: str) -> bool:
        """Whether ``key_id`` names a trusted key."""
        return key_id in self._trusted

    def verify(self, key_id: str, data: bytes, value: str) -> bool:
        """Whether ``value`` (base64) is a signature of ``data`` under the trusted key ``key_id``."""
        public = self._trusted.get(key_id)
        if public is None:
            return False
        try:
            public.verify(base64.b64decode(value, validate=True), data)
        except (InvalidSignature, ValueError):
            return False
        return True


def generate_key(path: Path) -> str:
    """Write a new Ed25519 private key to ``path`` (mode 0600, never overwriting) and its public
    key beside it (``.pub``); returns the key id."""
    path = Path(path)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    path.with_name(path.name + ".pub").write_text(public_pem(private.public_key()), encoding="ascii")
    return key_id_of(private.public_key())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the key file: {exc.strerror}") from None


def _private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(Path(path)), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key")
    return key


def _public(path: Path) -> Ed25519PublicKey:
    data = _read(path)
    if b"PRIVATE KEY" in data:
        return _private(path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 key")
    return key
