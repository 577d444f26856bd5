"""The one Jinja2 environment of each kind; every sentence a person reads is a template."""

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from gettext import GNUTranslations
from html import unescape
from io import BytesIO
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from workflow import files, limits, signingpin
from workflow.duration import format_duration

__all__ = [
    "DEFAULT_LANGUAGE",
    "LIMIT",
    "labels",
    "languages",
    "render_html",
    "render_plain",
    "render_text",
    "sop_text",
    "templates_dir",
    "text_macros",
    "translations",
    "visible_length",
]

#: Telegram's limit on a message's visible text, in UTF-16 code units.
LIMIT = 4096
#: The language of every official who has not chosen another, and of anyone unknown.
DEFAULT_LANGUAGE = "id"
#: The limits the sentences name (``bounds.note`` …), as ``workflow`` defines them: never retyped.
BOUNDS = {
    "note": limits.NOTE_LIMIT,
    "description": limits.DESCRIPTION_LIMIT,
    "location": limits.LOCATION_LIMIT,
    "value": limits.VALUE_LIMIT,
    "pin_min": signingpin.PIN_MIN_DIGITS,
    "pin_max": signingpin.PIN_MAX_DIGITS,
    "scan_mb": files.SCAN_MAX_BYTES // (1024 * 1024),
}


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
    env.filters["toml"] = _toml
    env.filters["oneline"] = lambda text: " ".join(str(text).split())
    return env


@cache
def languages() -> tuple[str, ...]:
    """The languages the bot speaks: one per catalog ``templates/locale/<lang>/LC_MESSAGES/messages.po``,
    Indonesian first (the default), then the others by code. Adding a language is adding a catalog."""
    catalogs = (templates_dir() / "locale").glob("*/LC_MESSAGES/messages.po")
    found = {path.parent.parent.name for path in catalogs}
    return tuple(sorted(found, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang)))


@cache
def translations(lang: str) -> GNUTranslations:
    """The catalog of ``lang``, compiled in memory from its ``.po`` (no compile step; fuzzy entries
    are left out, so their messages show the English ``msgid``)."""
    path = templates_dir() / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    mo = BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return GNUTranslations(mo)


class Language(NamedTuple):
    code: str
    name: str  # in the language itself, as a picker shows it: "Indonesia", "English"


@cache
def _html_environment(lang: str = DEFAULT_LANGUAGE) -> Environment:
    """The Telegram templates' environment of one language: its catalog installed, its formats."""
    words = translations(lang)
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        # officials' notes and letter facts are user text: escaped for Telegram HTML; the .txt label
        # tables are plain text
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(words, newstyle=True)
    env.filters["local"] = lambda value, tz: _local_babel(value, tz, lang)
    env.filters["day"] = lambda value: format_date(value, "dd-MM-yyyy", locale=lang)
    env.filters["number"] = lambda value, digits=0: _number(value, digits, lang)
    env.filters["minutes"] = lambda value: _minutes(value, words)
    env.filters["or_list"] = lambda items: format_list(list(items), style="or", locale=lang)
    # The SOP's own words (a step's action, an instruction's or a checklist item's label) are in the
    # SOP, in Indonesian and in English (workflow/sop.py); the sentences around them are the catalogs'.
    env.filters["action"] = lambda step: sop_text(step, lang, "action")
    env.filters["sop"] = lambda item, field="label": sop_text(item, lang, field)
    # A key's words from the first table that has it, else the key: (roles) | map("lookup", A, B)
    env.filters["lookup"] = lambda key, *tables: next((t[key] for t in tables if key in t), key)
    env.globals["languages"] = [Language(code, Locale.parse(code).display_name) for code in languages()]
    env.globals["lang"] = lang
    env.globals["bounds"] = BOUNDS
    return env


def sop_text(item: object, lang: str, field: str = "label") -> str | None:
    """The SOP's words for ``item`` in ``lang``: its ``field`` (Indonesian) in the default language,
    ``<field>_en`` in every other (an SOP file writes those two). ``item`` is an SOP value, or a
    mapping with the same names (a refusal's params), which gives None when it lacks them."""
    name = field if _speaks(lang) == DEFAULT_LANGUAGE else f"{field}_en"
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name)


def _speaks(lang: str) -> str:
    """``lang`` if it has a catalog, else the default (Indonesian)."""
    return lang if lang in languages() else DEFAULT_LANGUAGE


def render_html(template: str, lang: str, tz: ZoneInfo, **values) -> str:
    """Render ``templates/telegram/<template>.html`` in ``lang`` for Telegram's HTML parse mode."""
    env = _html_environment(_speaks(lang))
    return env.get_template(f"telegram/{template}.html").render(tz=tz, **values).strip()


def render_plain(template: str, lang: str, tz: ZoneInfo, **values) -> str:
    """The same template as text for a field Telegram shows as typed (a press's alert, a button's
    label, an input placeholder): what Telegram would show of the HTML, tags dropped and entities
    decoded, so a name or note with ``<``, ``&`` or quotes reads exactly as it was written."""
    return _visible(render_html(template, lang, tz, **values))


@cache
def labels(lang: str, table: str = "buttons") -> dict[str, str]:
    """A ``key = text`` table in ``lang``: button labels (``telegram/buttons.txt``), the command
    menu (``telegram/commands.txt``) …, each text from the catalogs."""
    text = _html_environment(_speaks(lang)).get_template(f"telegram/{table}.txt").render()
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
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


def _minutes(value: timedelta, words: GNUTranslations) -> str:
    """A duration in whole minutes ("17 menit", "17 min"), or seconds under a minute."""
    seconds = int(value.total_seconds())
    if value >= _MINUTE:
        return words.ngettext("%(num)d min", "%(num)d min", seconds // 60) % {"num": seconds // 60}
    return words.ngettext("%(num)d s", "%(num)d s", seconds) % {"num": seconds}


def _number(value: float, digits: int, lang: str) -> str:
    """A count or ratio as the locale writes it: 1.000 and 1,5 in Indonesian, 1,000 and 1.5 in English."""
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=lang)


def _local_babel(value: datetime | None, tz: ZoneInfo, lang: str) -> str:
    """A moment as ``dd-MM-yyyy HH:mm`` in ``tz`` as ``lang`` writes it, and the zone (WIB)."""
    if value is None:
        return "-"
    local = value.astimezone(tz)
    return f"{format_datetime(local, 'dd-MM-yyyy HH:mm', tzinfo=tz, locale=lang)} {local.tzname()}"


def _toml(value: str | int | bool | list | tuple) -> str:
    """A value as TOML writes it: a basic string (JSON's escapes are TOML's; DEL escaped too), an
    integer, a boolean, or an array of them on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _duration(value: timedelta) -> str:
    return format_duration(value)


def _local(value: datetime | None, tz: ZoneInfo, fmt: str = "%d-%m-%Y %H:%M") -> str:
    if value is None:
        return "-"
    local = value.astimezone(tz)
    return f"{local.strftime(fmt)} {local.tzname()}"
