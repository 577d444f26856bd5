"""Logging set-up: the bot token, and what officials type, never reach a log line.

httpx logs every request URL at INFO, and a Bot API URL carries the token
(``/bot<token>/sendMessage``). We quiet httpx to WARNING and, as a second line
of defence, redact the token from every record on every handler. At DEBUG, PTB
logs every incoming update whole, texts included (the Application's "Processing
update", the bot's ``getUpdates`` return value): a PIN, a one-time code or a note
would reach the log. The Application's logger stays at INFO whatever ``LOG_LEVEL``
says, and ``getUpdates`` results are logged by their update ids only.
"""

import logging
import re

__all__ = ["HideUpdates", "RedactToken", "setup_logging"]

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


class HideUpdates(logging.Filter):
    """Log what ``getUpdates`` returned by update ids, never by content (what people typed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.name.startswith("telegram") and args[:1] == ("getUpdates",) and len(args) > 1:
            ids = [u.get("update_id") for u in args[1]] if isinstance(args[1], list) else "?"
            record.msg, record.args = "Call to Bot API endpoint `getUpdates` returned updates %s", (ids,)
        return True


def setup_logging(level: str, token: str | None) -> None:
    """Configure the root logger once, with the redaction filter on its handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(HideUpdates())
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram.ext.Application").setLevel(max(logging.INFO, root.level))
