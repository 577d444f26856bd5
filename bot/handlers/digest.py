"""``/digest``: today's SLA digest as it stands now, for the officials who receive it (the sections
their role gets) and the admin (every section)."""

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.digest import digest_chart, digest_text
from bot.handlers.identify import official_of
from bot.handlers.replies import refuse_command
from bot.templating import render_html
from workflow.errors import NotAuthorised

__all__ = ["on_digest"]


async def on_digest(update: Update, context: BotContext) -> None:
    """Reply with today's live figures (stored nowhere), then the chart; refuse anyone else, and an
    official whose role gets none of the sections."""
    rt, tz, message = context.runtime, context.runtime.settings.tz, update.effective_message
    official, lang = await official_of(update, context)
    if official is None:
        return
    digest = (await asyncio.to_thread(rt.digests.build, rt.digests.today())).read_by(official)
    if digest is None:
        refusal = NotAuthorised(f"no section of the digest goes to {official.key}", code="no_digest")
        await refuse_command(rt, official.key, "digest", refusal)
        await message.reply_text(render_html("digest_refused", lang, tz))
        return
    await message.reply_text(digest_text(digest, lang, tz))
    if digest.sections:
        chart = await asyncio.to_thread(digest_chart, digest, lang)
        await message.reply_photo(chart)
