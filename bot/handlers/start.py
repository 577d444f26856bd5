"""``/start CODE`` links an account; anyone not on the roster gets a polite refusal and no data."""

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.templating import render_html
from workflow.errors import DomainError

__all__ = ["on_start"]


async def on_start(update: Update, context: BotContext) -> None:
    """Redeem an invitation, or greet an official who is already linked."""
    rt, user = context.runtime, update.effective_user
    tz, lang = rt.settings.tz, "id"
    known = await asyncio.to_thread(rt.desk.who, user.id)
    if known is not None:
        official, lang = known
        await update.effective_message.reply_text(render_html("already_linked", lang, tz, name=official.name))
        return
    if not context.args:
        await asyncio.to_thread(rt.identity.stranger, user.id)
        await update.effective_message.reply_text(render_html("stranger", lang, tz))
        return
    try:
        official = await asyncio.to_thread(rt.identity.redeem, context.args[0], user.id)
    except DomainError:
        await update.effective_message.reply_text(render_html("invite_invalid", lang, tz))
        return
    await update.effective_message.reply_text(
        render_html("linked", lang, tz, name=official.name, role=official.role)
    )
