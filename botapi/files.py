"""Files the bot or the users sent: bytes kept in memory, named by file_id and by download path."""

import hashlib
import mimetypes
import struct
from dataclasses import dataclass
from itertools import count
from typing import Any

__all__ = ["FileStore", "StoredFile", "image_size"]


@dataclass(frozen=True)
class StoredFile:
    """One stored file and the names Telegram gives it."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    data: bytes
    width: int = 0
    height: int = 0

    def as_document(self) -> dict[str, Any]:
        """The Bot API ``Document`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }

    def as_photo(self) -> list[dict[str, Any]]:
        """The Bot API ``photo`` field: PhotoSize objects (one size: nothing is resized here)."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.data),
            }
        ]

    def as_file(self) -> dict[str, Any]:
        """The Bot API ``File`` object returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


class FileStore:
    """Every file by file_id and by path; not thread-safe (the state lock guards it)."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = count(1)

    def put(self, data: bytes, file_name: str, mime_type: str | None, photo: bool = False) -> StoredFile:
        """Store bytes under a new file_id; the unique id depends on the content, as Telegram's."""
        number = next(self._numbers)
        sha = hashlib.sha256(data).hexdigest()
        mime = mime_type or mimetypes.guess_type(file_name, strict=False)[0] or "application/octet-stream"
        suffix = ("." + file_name.rsplit(".", 1)[-1]) if "." in file_name else ""
        folder = "photos" if photo else "documents"
        width, height = image_size(data) or (0, 0)
        stored = StoredFile(
            file_id=f"{'AgAC' if photo else 'BQAC'}{number:06d}{sha[:24]}",
            file_unique_id=f"AQAD{sha[:12]}",
            file_path=f"{folder}/file_{number}{suffix.lower()}",
            file_name=file_name,
            mime_type=mime,
            data=data,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this file_id."""
        return self._by_id.get(file_id)

    def at_path(self, path: str) -> StoredFile | None:
        """The file served at ``/file/bot<token>/<path>``."""
        return self._by_path.get(path)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None
