"""Logging set-up: the bot token, and what officials type, never reach a log line.

httpx logs every request URL at INFO, and a Bot API URL carries the token
(``/bot<token>/sendMessage``). We quiet httpx to WARNING and, as a second line
of defence, redact the token from every record on every handler. At DEBUG, PTB
logs every incoming update whole, texts included (the Application's "Processing
update", the bot's ``getUpdates`` return value): a PIN, a one-time code or a note
would reach the log. The Application's logger stays at INFO whatever ``LOG_LEVEL``
says, and ``getUpdates`` results are logged by their update ids only.
"""

import json
import logging
import re
from datetime import UTC, datetime

__all__ = ["CHATTY", "TEXT_FORMAT", "HideUpdates", "JsonFormatter", "RedactToken", "redact", "setup_logging"]

#: The line format of ``LOG_FORMAT=text``.
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Libraries that log routine work at INFO: held to WARNING unless ``LOG_LEVEL=DEBUG``.
CHATTY = ("alembic", "apscheduler", "matplotlib", "fontTools", "PIL", "aiohttp.access")

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


def setup_logging(level: str, token: str | None, fmt: str = "text") -> None:
    """Configure the root logger once, with the redaction filters on its handler.

    ``fmt`` is ``text`` (one readable line per record) or ``json`` (one JSON object per line, for
    journald or a log shipper). Below DEBUG, the libraries that log routine work at INFO
    (the scheduler's every job run, font loading) are held to WARNING, so that INFO is what
    happened to cases.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(HideUpdates())
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    chatty = logging.NOTSET if root.level <= logging.DEBUG else logging.WARNING
    for name in CHATTY:
        logging.getLogger(name).setLevel(chatty)
    logging.getLogger("telegram.ext.Application").setLevel(max(logging.INFO, root.level))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the case number
    when the record carries one (``extra={"case": number}``); a traceback as ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        case = getattr(record, "case", None)
        if case is not None:
            entry["case"] = case
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def redact(text: str, token: str | None) -> str:
    """``text`` with ``token`` (and anything shaped like a bot token) replaced by ``<token>``."""
    return RedactToken(token)._clean(text)
