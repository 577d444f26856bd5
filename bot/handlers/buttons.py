"""Button presses. Every press is checked against the database (presser, case version, step,
action); another user's press, a stale button or a forged payload changes nothing, gets a short
alert and is audited. The callback query is always answered."""

import asyncio

from telegram import ForceReply, Update

from bot.callbacks import BadPayload, decode
from bot.context import BotContext
from bot.handlers.presses import handle
from bot.handlers.replies import deliver_now, refusal_alert
from bot.templating import render_plain
from workflow.errors import DomainError, InvalidInput
from workflow.service.pending import Pending

__all__ = ["on_press"]


async def on_press(update: Update, context: BotContext) -> None:
    """Handle one press: decide in a worker thread, answer, then edit the message."""
    query, rt = update.callback_query, context.runtime
    tz = rt.settings.tz
    official = await asyncio.to_thread(rt.identity.who, query.from_user.id)
    if official is None:
        await query.answer(render_plain("stranger", "id", tz), show_alert=True)
        await asyncio.to_thread(rt.identity.stranger, query.from_user.id)
        return
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    try:
        press = decode(query.data)
        outcome = await asyncio.to_thread(handle, rt, official, press, lang)
    except BadPayload as exc:
        await asyncio.to_thread(
            rt.cases.refuse, None, official.key, "press", InvalidInput(f"bad callback data: {exc}")
        )
        await query.answer(
            refusal_alert(InvalidInput("bad callback data"), lang, rt, code="bad_payload"), show_alert=True
        )
        return
    except DomainError as refusal:
        await query.answer(refusal_alert(refusal, lang, rt), show_alert=True)
        return
    await query.answer(outcome.alert, show_alert=outcome.alert is not None)
    if outcome.document is not None:  # the permit scan, sent again by the file id Telegram gave it
        await query.message.reply_document(outcome.document)
    if outcome.moved:  # the next official's notification need not wait for this edit
        deliver_now(context)
    if outcome.text is not None:
        await query.edit_message_text(outcome.text, reply_markup=outcome.keyboard)
    elif outcome.keyboard is not None:
        await query.edit_message_reply_markup(outcome.keyboard)
    if outcome.reply is not None:
        await query.message.reply_text(outcome.reply)
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
