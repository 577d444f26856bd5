"""What the bot takes as a scan sent through Telegram (the permit letter's, or the signed receipt's).

The registration's own rules (which question comes next, answer checks, captions, the letter the
answers make) are the SOP's and live in ``workflow.registration``.
"""

import mimetypes

__all__ = ["SCAN_MAX_BYTES", "scan_acceptable", "scan_refusal"]

#: The Bot API lets a bot download files up to 20 MB.
SCAN_MAX_BYTES = 20 * 1024 * 1024


def scan_acceptable(mime_type: str | None, file_name: str | None = None) -> bool:
    """A PDF or an image (by its MIME type, or its name when Telegram gives no type)."""
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
