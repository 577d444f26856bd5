"""The one Jinja2 environment of each kind; every sentence a person reads is a template."""

import re
from datetime import datetime, timedelta
from functools import cache
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from workflow.duration import format_duration

__all__ = [
    "LIMIT",
    "labels",
    "render_html",
    "render_plain",
    "render_text",
    "templates_dir",
    "text_macros",
    "visible_length",
]

#: Telegram's limit on a message's visible text, in UTF-16 code units.
LIMIT = 4096


def templates_dir() -> Path:
    """``bot/templates`` in an installed wheel, else the repository's top-level ``templates/``."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


@cache
def _text_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        autoescape=False,  # plain text for the terminal; Telegram HTML gets its own environment
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["duration"] = _duration
    env.filters["local"] = _local
    env.filters["minutes"] = lambda d: f"{int(d.total_seconds() // 60)} menit"
    return env


@cache
def _html_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        autoescape=True,  # officials' notes and letter facts are user text: escaped for Telegram HTML
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local"] = _local
    env.filters["minutes_id"] = lambda d: _minutes(d, "menit")
    env.filters["minutes_en"] = lambda d: _minutes(d, "min")
    return env


def render_html(template: str, lang: str, tz: ZoneInfo, **values) -> str:
    """Render ``templates/telegram/<lang>/<template>.html`` for Telegram's HTML parse mode."""
    return (
        _html_environment().get_template(f"telegram/{lang}/{template}.html").render(tz=tz, **values).strip()
    )


def render_plain(template: str, lang: str, tz: ZoneInfo, **values) -> str:
    """The same template as text for a field Telegram shows as typed (a press's alert, a button's
    label, an input placeholder): what Telegram would show of the HTML, tags dropped and entities
    decoded, so a name or note with ``<``, ``&`` or quotes reads exactly as it was written."""
    return _visible(render_html(template, lang, tz, **values))


@cache
def labels(lang: str, table: str = "buttons") -> dict[str, str]:
    """A ``key = text`` table of a language: button labels (``buttons.txt``), ``commands.txt`` …"""
    text = (templates_dir() / "telegram" / lang / f"{table}.txt").read_text(encoding="utf-8")
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("{#"))
    return {key.strip(): value.strip() for key, value in pairs}


def visible_length(html: str) -> int:
    """The length Telegram counts for an HTML message: tags removed, entities decoded, UTF-16 units."""
    return len(_visible(html).encode("utf-16-le")) // 2


def render_text(template: str, tz: ZoneInfo, **values) -> str:
    """Render a plain-text template (the CLI's output) with times shown in ``tz``."""
    return _text_environment().get_template(template).render(tz=tz, **values)


_MINUTE = timedelta(minutes=1)
_TAG = re.compile(r"<[^>]+>")


def text_macros(template: str, tz: ZoneInfo):
    """The macros of a plain-text template, to call one at a time (e.g. the demo's narration)."""
    return _text_environment().get_template(template).make_module({"tz": tz})


def _visible(html: str) -> str:
    """The text Telegram shows for ``html``: its tags dropped, its entities decoded."""
    return unescape(_TAG.sub("", html))


def _minutes(value: timedelta, unit: str) -> str:
    seconds = int(value.total_seconds())
    return f"{seconds // 60} {unit}" if value >= _MINUTE else f"{seconds} s"


def _duration(value: timedelta) -> str:
    return format_duration(value)


def _local(value: datetime | None, tz: ZoneInfo, fmt: str = "%d-%m-%Y %H:%M") -> str:
    if value is None:
        return "-"
    local = value.astimezone(tz)
    return f"{local.strftime(fmt)} {local.tzname()}"
