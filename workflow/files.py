"""What the office takes as a scan (the permit letter's, or the signed receipt's): a PDF or an
image, of at most ``SCAN_MAX_BYTES``. Checked before a file is fetched or hashed, by the bot and
the command line alike. Pure."""

import mimetypes

from workflow.errors import InvalidInput

__all__ = ["SCAN_MAX_BYTES", "check_scan", "scan_acceptable", "scan_refusal"]

#: The largest scan taken: the Bot API lets a bot download files up to 20 MB.
SCAN_MAX_BYTES = 20 * 1024 * 1024


def scan_acceptable(mime_type: str | None, file_name: str | None = None) -> bool:
    """A PDF or an image (by its MIME type, or its name when no type is given)."""
    mime = mime_type or (mimetypes.guess_type(file_name or "", strict=False)[0] or "")
    return mime == "application/pdf" or mime.startswith("image/")


def scan_refusal(mime_type: str | None, file_name: str | None, size: int | None) -> str | None:
    """Why a file cannot be taken as a scan, checked before anything is downloaded: ``scan_type``
    (not a PDF or an image), ``scan_too_large``; or None."""
    if not scan_acceptable(mime_type, file_name):
        return "scan_type"
    if (size or 0) > SCAN_MAX_BYTES:
        return "scan_too_large"
    return None


def check_scan(mime_type: str | None, file_name: str | None, size: int | None) -> None:
    """Raise ``InvalidInput`` (code ``scan_type`` or ``scan_too_large``) unless the file is a scan."""
    refused = scan_refusal(mime_type, file_name, size)
    if refused == "scan_type":
        raise InvalidInput(f"{file_name or 'the file'} is not a PDF or an image", code="scan_type")
    if refused == "scan_too_large":
        raise InvalidInput(
            f"{file_name or 'the file'} has {size} bytes; a scan has at most {SCAN_MAX_BYTES}",
            code="scan_too_large",
            limit=SCAN_MAX_BYTES,
        )
