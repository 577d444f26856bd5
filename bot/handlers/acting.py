"""Applying the action an answer completes (a reason, the last manifest answer, the PIN) and
showing its outcome where the question was asked: the step message, edited in place."""

import asyncio
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.handlers.questions import reask
from bot.handlers.replies import deliver_now, done_text, refusal_text, show_later
from bot.keyboards import shown
from bot.runtime import Runtime
from workflow.commands import Command
from workflow.errors import CaseClosed, DomainError, StaleAction, StepAlreadyHandled
from workflow.roster import Official
from workflow.service.pending import Pending

__all__ = ["FINAL", "act", "hold_origin", "language", "release_origin", "show_done"]

log = logging.getLogger(__name__)

#: Refusals after which asking again cannot help: the question is dropped.
FINAL = (CaseClosed, StaleAction, StepAlreadyHandled)


async def show_done(update: Update, context: BotContext, pending: Pending, text: str) -> None:
    """Show the outcome on the original step message (edited in place) and drop the question; if
    Telegram fails now, the outcome is queued to be shown once it answers again (it was committed)."""
    rt = context.runtime
    await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
    origin = pending.data.get("origin")
    try:
        if origin is not None:
            await context.bot.edit_message_text(text, chat_id=update.effective_chat.id, message_id=origin)
        else:
            await update.effective_message.reply_text(text)
    except TelegramError as exc:
        log.warning("answer in update %s: the outcome waits for Telegram (%s)", update.update_id, exc)
        key = f"update:{update.update_id}"
        await show_later(context, pending.official_key, pending.case_id, key, text, None, origin)
        return
    if origin is not None:  # its buttons went with the edit
        await shown(rt, update.effective_chat.id, origin, None)
    deliver_now(context)


async def hold_origin(rt: Runtime, update: Update, pending: Pending) -> None:
    """An answer is about to act: the step message it was asked from shows the outcome, so the
    delivery leaves its buttons alone meanwhile (``workflow.service.buttons``)."""
    origin = pending.data.get("origin")
    if origin is not None:
        await asyncio.to_thread(rt.buttons.hold, update.effective_chat.id, origin)


async def release_origin(rt: Runtime, update: Update, pending: Pending) -> None:
    """The answer did not act (refused): the step message stays as it was."""
    origin = pending.data.get("origin")
    if origin is not None:
        await asyncio.to_thread(rt.buttons.release, update.effective_chat.id, origin)


async def act(
    update: Update,
    context: BotContext,
    official: Official,
    pending: Pending,
    command: Command,
    action: str,
    lang: str,
) -> bool:
    """Apply ``command``; on success show it done, on refusal say why. Whether it was applied."""
    rt = context.runtime
    await hold_origin(rt, update, pending)
    try:
        before = await asyncio.to_thread(rt.cases.view, pending.case_id)
        await asyncio.to_thread(
            rt.cases.act, pending.case_id, official.key, command, seen_version=pending.case_version
        )
    except DomainError as refusal:
        await release_origin(rt, update, pending)
        if isinstance(refusal, FINAL):
            await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
            await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        else:  # e.g. a reason missing or too long: the question stays open, asked again
            await reask(update, rt, pending, refusal_text(refusal, lang, rt))
        return False
    text = await asyncio.to_thread(done_text, rt, before, pending.case_id, pending.step_id, action, lang)
    await show_done(update, context, pending, text)
    return True


async def language(rt: Runtime, official: Official) -> str:
    """The language ``official`` reads the bot in."""
    return await asyncio.to_thread(rt.identity.language, official.key)
