"""Parameters of one Bot API call, from a JSON body, a form or multipart, with Telegram's coercions.

Forms carry every value as a string (PTB sends objects such as ``reply_markup`` as JSON text);
a JSON body carries them typed. Getters accept both.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botapi.errors import bad_request

__all__ = ["Params", "Upload"]


@dataclass(frozen=True)
class Upload:
    """A file uploaded in a multipart part."""

    filename: str
    content_type: str
    data: bytes


class Params:
    """Typed access to the parameters of one call."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None) -> None:
        self.values = dict(values)
        self.uploads = dict(uploads or {})

    def has(self, name: str) -> bool:
        """Whether the parameter was sent (and is not JSON null)."""
        return self.values.get(name) is not None

    def string(self, name: str) -> str | None:
        """A string parameter; numbers are turned into their text."""
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f'parameter "{name}" must be a string')

    def integer(self, name: str, missing: str | None = None) -> int | None:
        """An integer parameter; ``missing`` is the Telegram detail when it is required."""
        value = self.values.get(name)
        if value is None or value == "":
            if missing:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter (absent is False)."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def obj(self, name: str, what: str | None = None) -> Any:
        """A JSON object or array parameter, sent typed or as JSON text."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """A file parameter: the uploaded part (directly or via ``attach://``) or a file_id/URL."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.string(name)
        if value and value.startswith("attach://"):
            return self.uploads.get(value.removeprefix("attach://"))
        return value or None

    def logged(self) -> dict[str, Any]:
        """The parameters for the request log: uploads as name and size, never their bytes."""
        shown: dict[str, Any] = dict(self.values)
        for name, upload in self.uploads.items():
            shown[name] = {"filename": upload.filename, "size": len(upload.data)}
        return shown
