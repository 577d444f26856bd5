"""Who wrote: the official behind a Telegram account, or a polite refusal for anyone else."""

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.templating import render_html
from workflow.roster import Official

__all__ = ["official_of", "refuse_stranger"]


async def official_of(update: Update, context: BotContext) -> tuple[Official | None, str]:
    """The active official who sent ``update`` and their language; ``(None, "id")`` after refusing a
    stranger (who gets no data; the attempt is audited at most hourly)."""
    found = await asyncio.to_thread(context.runtime.desk.who, update.effective_user.id)
    if found is None:
        await refuse_stranger(update, context)
        return None, "id"
    return found


async def refuse_stranger(update: Update, context: BotContext) -> None:
    """Tell someone who is no official that the bot is not for them (the attempt audited at most
    hourly); they get no data."""
    rt = context.runtime
    await asyncio.to_thread(rt.identity.stranger, update.effective_user.id)
    await update.effective_message.reply_text(render_html("stranger", "id", rt.settings.tz))
