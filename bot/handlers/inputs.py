"""Messages that answer a question the bot asked (a ForceReply prompt or a guided conversation).

What the bot waits for is a database row (``workflow.service.pending``), so an answer given
after a restart, or handled by another replica, still finds its question. Each kind of
question has one consumer, registered with ``@consumer("kind")``.
"""

import asyncio
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from bot.handlers.identify import official_of
from bot.templating import render_html
from workflow.roster import Official
from workflow.service.pending import Pending

__all__ = ["CONSUMERS", "consumer", "on_cancel", "on_message"]

Consumer = Callable[[Update, BotContext, Official, Pending], Awaitable[None]]
CONSUMERS: dict[str, Consumer] = {}


def consumer(kind: str) -> Callable[[Consumer], Consumer]:
    """Register the function that handles answers to questions of ``kind``."""

    def register(function: Consumer) -> Consumer:
        CONSUMERS[kind] = function
        return function

    return register


async def on_message(update: Update, context: BotContext) -> None:
    """Route a message to the consumer of the user's pending question; refuse strangers."""
    rt, user = context.runtime, update.effective_user
    if user is None or update.effective_message is None:
        return
    official, lang = await official_of(update, context)
    if official is None:
        return
    pending = await asyncio.to_thread(rt.pending.get, user.id)
    handler = CONSUMERS.get(pending.kind) if pending is not None else None
    if handler is None and (update.effective_message.document or update.effective_message.photo):
        from bot.handlers.intake import start_from_scan  # here: intake imports this module

        await start_from_scan(update, context, official)
        return
    if handler is None:
        await update.effective_message.reply_text(render_html("nothing_pending", lang, rt.settings.tz))
        return
    await handler(update, context, official, pending)


async def on_cancel(update: Update, context: BotContext) -> None:
    """``/batal``: forget the pending question, if any."""
    rt, user = context.runtime, update.effective_user
    official, lang = await official_of(update, context)
    if official is None:
        return
    cleared = await asyncio.to_thread(rt.pending.clear, user.id)
    await update.effective_message.reply_text(
        render_html("cancelled" if cleared else "nothing_pending", lang, rt.settings.tz)
    )
