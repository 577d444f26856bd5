"""The daily SLA digest as people read it: Telegram HTML, plain text for the CLI, and a chart."""

import functools
from zoneinfo import ZoneInfo

from bot.templating import LIMIT, render_html, render_text, visible_length
from workflow.digest import Digest

__all__ = ["LIST_CAPS", "digest_chart", "digest_plain", "digest_text"]

#: How many overdue steps and unrevoked cases the Telegram text lists, tried in this order until
#: the message fits Telegram's limit; the rest are counted ("dan N lainnya").
LIST_CAPS = (10, 5, 3, 1, 0)


def digest_text(digest: Digest, lang: str, tz: ZoneInfo) -> str:
    """The digest as one Telegram HTML message (``lang`` "id" or "en"), within Telegram's limit."""
    for cap in LIST_CAPS:
        html = render_html("digest", lang, tz, digest=digest, limit=cap)
        if visible_length(html) <= LIMIT:
            break
    return html


def digest_plain(digest: Digest, lang: str, tz: ZoneInfo) -> str:
    """The digest as plain text for the terminal, every overdue step and case listed."""
    return render_text("cli/digest.txt", tz, digest=digest, lang=lang)


@functools.lru_cache(maxsize=8)  # the day's digest goes to several officials: one drawing per language
def digest_chart(digest: Digest, lang: str) -> bytes:
    """A PNG, a panel per section: each step's median and p90 working time this month against its
    SOP time."""
    from bot.charts import step_times_chart  # matplotlib loads only when a chart is drawn

    return step_times_chart(digest, lang)
