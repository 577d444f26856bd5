"""Button presses. Every press is checked against the database (presser, case version, step,
action); another user's press, a stale button or a forged payload changes nothing, gets a short
alert and is audited. The callback query is always answered.

Once an action is committed, Telegram's trouble is not the official's failure: a press answered
too late (the query is too old after an outage) or a network error leaves the action done, and
its outcome reaches the official anyway, queued to be shown once Telegram answers again.

The pressed message is held meanwhile (``workflow.service.buttons``): the buttons of messages made
for older versions of the case are taken off by the delivery, but this one shows the outcome.
"""

import asyncio
import logging

from telegram import CallbackQuery, ForceReply, Update
from telegram.error import TelegramError

from bot.callbacks import BadPayload, decode
from bot.context import BotContext
from bot.handlers.presses import handle
from bot.handlers.replies import Outcome, deliver_now, refusal_alert, show_later
from bot.keyboards import shown
from bot.templating import render_plain
from workflow.errors import DomainError, InvalidInput
from workflow.service.pending import Pending

__all__ = ["on_press"]

log = logging.getLogger(__name__)

#: Presses that only show something (history, hashes, the permit scan): they never act.
_LOOKS = ("hi", "hs", "sc")


async def on_press(update: Update, context: BotContext) -> None:
    """Handle one press: decide in a worker thread, answer, then edit the message."""
    query, rt = update.callback_query, context.runtime
    tz = rt.settings.tz
    official = await asyncio.to_thread(rt.identity.who, query.from_user.id)
    if official is None:
        await _answer(query, render_plain("stranger", "id", tz))
        await asyncio.to_thread(rt.identity.stranger, query.from_user.id)
        return
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    pressed = query.message
    try:
        press = decode(query.data)
        if pressed is not None and press.action not in _LOOKS:  # it may act: the outcome is shown here
            await asyncio.to_thread(rt.buttons.hold, pressed.chat_id, pressed.message_id)
        outcome = await asyncio.to_thread(handle, rt, official, press, lang)
    except BadPayload as exc:
        await asyncio.to_thread(
            rt.cases.refuse,
            None,
            official.key,
            "press",
            InvalidInput(f"bad callback data: {exc}", code="bad_payload"),
        )
        await _answer(query, refusal_alert(InvalidInput("bad callback data", code="bad_payload"), lang, rt))
        return
    except DomainError as refusal:
        if pressed is not None:  # the message stays as it was; its buttons go once the case moves on
            await asyncio.to_thread(rt.buttons.release, pressed.chat_id, pressed.message_id)
        await _answer(query, refusal_alert(refusal, lang, rt))
        return
    await _answer(query, outcome.alert)
    if outcome.moved:  # the next official's notification need not wait for this edit
        deliver_now(context)
    try:
        await _show(query, outcome)
    except TelegramError as exc:
        if not outcome.acted:
            raise  # nothing was done: the error handler says so
        log.warning("press %s: the outcome waits for Telegram (%s)", query.id, exc)
        message_id = query.message.message_id if query.message else None
        await show_later(
            context, official.key, press.case_id, query.id, outcome.text, outcome.keyboard, message_id
        )
        return
    if pressed is not None:
        if outcome.text is not None or outcome.keyboard is not None:  # the message shows the outcome
            await shown(rt, pressed.chat_id, pressed.message_id, outcome.keyboard)
        elif press.action not in _LOOKS:
            await asyncio.to_thread(rt.buttons.release, pressed.chat_id, pressed.message_id)
    if outcome.ask is not None:
        prompt = await query.message.reply_text(outcome.ask.prompt, reply_markup=ForceReply(selective=True))
        pending = Pending(
            query.from_user.id,
            official.key,
            outcome.ask.kind,
            press.case_id,
            press.step_id,
            press.version,
            {**outcome.ask.data, "origin": query.message.message_id},
            prompt.message_id,
        )
        await asyncio.to_thread(rt.pending.put, pending)


async def _answer(query: CallbackQuery, alert: str | None) -> None:
    """Answer the press (an alert when there is something to say). Telegram refusing the answer (the
    press is too old after an outage) or not answering changes nothing that was decided."""
    try:
        await query.answer(alert, show_alert=alert is not None)
    except TelegramError as exc:
        log.warning("press %s could not be answered: %s", query.id, exc)


async def _show(query: CallbackQuery, outcome: Outcome) -> None:
    """The pressed message becomes the outcome; a document or a reply follows if there is one."""
    if outcome.document is not None:  # the permit scan, sent again by the file id Telegram gave it
        await query.message.reply_document(outcome.document)
    if outcome.text is not None:
        await query.edit_message_text(outcome.text, reply_markup=outcome.keyboard)
    elif outcome.keyboard is not None:
        await query.edit_message_reply_markup(outcome.keyboard)
    if outcome.reply is not None:
        await query.message.reply_text(outcome.reply)
