"""Who wrote: the official behind a Telegram account, or a polite refusal for anyone else."""

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.templating import render_html
from workflow.roster import Official

__all__ = ["official_of"]


async def official_of(update: Update, context: BotContext) -> tuple[Official | None, str]:
    """The active official who sent ``update`` and their language; ``(None, "id")`` after refusing a
    stranger (who gets no data; the attempt is audited at most hourly)."""
    rt = context.runtime
    official = await asyncio.to_thread(rt.identity.who, update.effective_user.id)
    if official is None:
        await asyncio.to_thread(rt.identity.stranger, update.effective_user.id)
        await update.effective_message.reply_text(render_html("stranger", "id", rt.settings.tz))
        return None, "id"
    return official, await asyncio.to_thread(rt.identity.language, official.key)
