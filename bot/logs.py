"""Logging set-up: the bot token never reaches a log line.

httpx logs every request URL at INFO, and a Bot API URL carries the token
(``/bot<token>/sendMessage``). We quiet httpx to WARNING and, as a second line
of defence, redact the token from every record on every handler.
"""

import logging
import re

__all__ = ["RedactToken", "setup_logging"]

_TOKEN_SHAPE = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{20,}")


class RedactToken(logging.Filter):
    """Replace the token (and anything shaped like a bot token) in a record's text."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token or None

    def _clean(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, "<token>")
        return _TOKEN_SHAPE.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str, token: str | None) -> None:
    """Configure the root logger once, with the redaction filter on its handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
