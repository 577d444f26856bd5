"""The data manifest: what the operator extracted, described without the data itself."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Literal

from workflow.errors import InvalidInput
from workflow.limits import DESCRIPTION_LIMIT, LOCATION_LIMIT

__all__ = ["Manifest", "is_sha256"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def is_sha256(value: str | None) -> bool:
    """Whether ``value`` is a lowercase hex SHA-256 hash."""
    return bool(value) and bool(_SHA256.match(value))


@dataclass(frozen=True, slots=True)
class Manifest:
    """A softcopy extract (a file) or a hardcopy (printed pages).

    A file has a description, a record count, its SHA-256 and where it is
    stored; hardcopy has pages, a description and the record count if known.
    """

    form: Literal["file", "hardcopy"]
    description: str
    records: int | None = None
    sha256: str | None = None
    location: str | None = None
    pages: int | None = None

    def __post_init__(self) -> None:
        if self.form not in ("file", "hardcopy"):
            raise InvalidInput("manifest form must be 'file' or 'hardcopy'", code="manifest_invalid")
        if not self.description.strip() or len(self.description) > DESCRIPTION_LIMIT:
            raise InvalidInput(
                f"manifest description must be 1 to {DESCRIPTION_LIMIT:,} characters", code="manifest_invalid"
            )
        if self.records is not None and self.records < 0:
            raise InvalidInput("record count cannot be negative", code="manifest_invalid")
        if self.form == "file":
            if self.records is None:
                raise InvalidInput("a file manifest needs its record count", code="manifest_invalid")
            if not is_sha256(self.sha256):
                raise InvalidInput(
                    "a file manifest needs the file's SHA-256 (64 lowercase hex digits)",
                    code="manifest_invalid",
                )
            if not self.location or not self.location.strip():
                raise InvalidInput("a file manifest needs the storage location", code="manifest_invalid")
            if len(self.location) > LOCATION_LIMIT:
                raise InvalidInput(
                    f"the storage location must be at most {LOCATION_LIMIT} characters",
                    code="manifest_invalid",
                )
            if self.pages is not None:
                raise InvalidInput("a file manifest has no page count", code="manifest_invalid")
        else:
            if self.pages is None or self.pages < 1:
                raise InvalidInput(
                    "a hardcopy manifest needs a page count of at least 1", code="manifest_invalid"
                )
            if self.sha256 is not None:
                raise InvalidInput("a hardcopy manifest has no file checksum", code="manifest_invalid")

    def to_dict(self) -> dict:
        """All fields, for storage."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Manifest":
        """Rebuild from ``to_dict`` output."""
        return cls(**data)

    def canonical(self) -> str:
        """The canonical form: every field, sorted keys, no spaces, UTF-8."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def checksum(self) -> str:
        """SHA-256 of the canonical form; the signature binds this value."""
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()
