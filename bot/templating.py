"""The one Jinja2 environment of each kind; every sentence a person reads is a template."""

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from workflow.duration import format_duration

__all__ = ["render_text", "templates_dir"]


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


def render_text(name: str, tz: ZoneInfo, **values) -> str:
    """Render a plain-text template (the CLI's output) with times shown in ``tz``."""
    return _text_environment().get_template(name).render(tz=tz, **values)


def _duration(value: timedelta) -> str:
    return format_duration(value)


def _local(value: datetime | None, tz: ZoneInfo, fmt: str = "%d-%m-%Y %H:%M") -> str:
    if value is None:
        return "-"
    local = value.astimezone(tz)
    return f"{local.strftime(fmt)} {local.tzname()}"
