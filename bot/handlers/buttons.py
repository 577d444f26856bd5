"""Button presses. Every press is checked against the database (presser, case version, step,
action); another user's press, a stale button or a forged payload changes nothing, gets a short
alert and is audited. The callback query is always answered.

Once an action is committed, Telegram's trouble is not the official's failure: a press answered
too late (the query is too old after an outage) or a network error leaves the action done, and
its outcome reaches the official anyway, queued to be shown once Telegram answers again.

The desk records, in the action's own transaction, whether the pressed message carries the new
version's buttons or none (``workflow.service.buttons``): the delivery takes the buttons off
messages made for older versions, never off this one, which shows the outcome.
"""

import asyncio
import logging

from telegram import CallbackQuery, ForceReply, Update
from telegram.error import TelegramError

from bot.callbacks import BadPayload, decode
from bot.context import BotContext
from bot.handlers.outcomes import outcome
from bot.handlers.replies import Outcome, deliver_now, refusal_alert, show_later
from bot.templating import render_plain
from workflow.errors import InvalidInput
from workflow.service.pending import Pending

__all__ = ["on_press"]

log = logging.getLogger(__name__)


async def on_press(update: Update, context: BotContext) -> None:
    """Handle one press: the desk checks and acts in one transaction (a worker thread); then the
    press is answered and the message edited from its result."""
    query, rt = update.callback_query, context.runtime
    pressed = query.message
    where = (pressed.chat_id, pressed.message_id) if pressed is not None else None
    try:
        press = decode(query.data)
    except BadPayload as exc:
        refusal = InvalidInput(f"bad callback data: {exc}", code="bad_payload")
        result = await asyncio.to_thread(rt.desk.refuse, query.from_user.id, "press", refusal)
    else:
        result = await asyncio.to_thread(rt.desk.press, query.from_user.id, press, where)
    if result is None:
        await _answer(query, render_plain("stranger", "id", rt.settings.tz))
        await asyncio.to_thread(rt.identity.stranger, query.from_user.id)
        return
    if result.refusal is not None:  # the message stays as it was; its buttons go once the case moves on
        await _answer(query, refusal_alert(result.refusal, result.lang, rt))
        return
    shown = outcome(result, rt.settings)
    await _answer(query, shown.alert)
    if shown.moved:  # the next official's notification need not wait for this edit
        deliver_now(context)
    try:
        await _show(query, shown)
    except TelegramError as exc:
        if not shown.acted:
            raise  # nothing was done: the error handler says so
        log.warning("press %s: the outcome waits for Telegram (%s)", query.id, exc)
        message_id = pressed.message_id if pressed else None
        key = result.official.key
        await show_later(context, key, press.case_id, query.id, shown.text, shown.keyboard, message_id)
        return
    if shown.ask is not None:
        prompt = await pressed.reply_text(shown.ask.prompt, reply_markup=ForceReply(selective=True))
        pending = Pending(
            query.from_user.id,
            result.official.key,
            shown.ask.kind,
            press.case_id,
            press.step_id,
            press.version,
            {**shown.ask.data, "origin": pressed.message_id},
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
