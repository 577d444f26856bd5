"""Answers to the desk's questions (a note, a reason, the PIN, a checklist value or receipt, the
guided manifest), shown from the desk's result (``workflow.service.desk``): the answer was
checked, and acted on, in its one transaction; here it is only rendered. The step message it was
asked from shows the outcome, edited in place. A refusal keeps the question open when answering
again can help (``workflow.service.answering.stays_open``); the desk closed it otherwise.
"""

import asyncio
import hashlib
import logging
from dataclasses import replace

from telegram import ForceReply, Message, Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.handlers.outcomes import outcome, question
from bot.handlers.questions import reask
from bot.handlers.replies import deliver_now, refusal_text, show_later
from bot.keyboards import shown
from bot.messages import instruction_keyboard
from bot.templating import render_html
from workflow.service.answering import Answer, stays_open
from workflow.service.pending import NothingPending
from workflow.service.turn import Result

__all__ = ["show"]

log = logging.getLogger(__name__)


async def show(update: Update, context: BotContext, result: Result, answer: Answer, media) -> None:
    """Show what the desk made of an answer (``media``: the document or photo it carried)."""
    rt, message = context.runtime, update.effective_message
    tz, lang = rt.settings.tz, result.lang
    if result.show == "refused":
        await _refused(update, context, result)
    elif result.show == "download":  # the receipt's scan: checked, fetched, then answered again
        await _receipt_file(update, context, result, answer, media)
    elif result.show == "note_saved":
        keyboard = instruction_keyboard(result.view, lang, with_note=True)
        sent = await message.reply_text(render_html("note_saved", lang, tz), reply_markup=keyboard)
        await shown(rt, sent.chat_id, sent.message_id, keyboard)
    elif result.show == "ask":  # the guided manifest's next question
        ask = question(result, rt.settings)
        prompt = await message.reply_text(ask.prompt, reply_markup=ForceReply(selective=True))
        await asyncio.to_thread(rt.pending.prompted, result.pending.telegram_id, ask.kind, prompt.message_id)
    elif result.show == "people":  # the manifest's checker is chosen with the buttons
        keyboard = outcome(result, rt.settings).keyboard
        sent = await message.reply_text(
            render_html("pick_next", lang, tz, case=result.view.case), reply_markup=keyboard
        )
        await shown(rt, sent.chat_id, sent.message_id, keyboard)
    else:  # acted: done, the checklist as it now stands, or the case closed
        await _acted(update, context, result)


async def _acted(update: Update, context: BotContext, result: Result) -> None:
    """The step message the question was asked from shows the outcome (its buttons recorded by the
    desk); if Telegram fails now, the outcome is queued to be shown once it answers again."""
    rt, pending = context.runtime, result.pending
    origin, chat = pending.data.get("origin"), update.effective_chat.id
    if result.show == "closed":  # the message keeps its text, loses its buttons; the closing notice follows
        text = keyboard = None
    else:  # done, or the checklist as it now stands: as a press shows it
        rendered = outcome(result, rt.settings)
        text, keyboard = rendered.text, rendered.keyboard
    try:
        if origin is None and text is not None:
            await update.effective_message.reply_text(text)
        elif text is not None:
            await context.bot.edit_message_text(text, chat_id=chat, message_id=origin, reply_markup=keyboard)
        elif origin is not None:
            await context.bot.edit_message_reply_markup(chat_id=chat, message_id=origin, reply_markup=None)
    except TelegramError as exc:
        log.warning("answer in update %s: the outcome waits for Telegram (%s)", update.update_id, exc)
        if text is not None:
            key = f"update:{update.update_id}"
            await show_later(context, pending.official_key, pending.case_id, key, text, keyboard, origin)
            return
        if origin is not None:  # its buttons are still on: the clearing of outdated buttons takes them
            made_for = (result.view.case.id, result.view.case.version)
            await asyncio.to_thread(rt.buttons.shown, chat, origin, made_for)
    deliver_now(context)


async def _refused(update: Update, context: BotContext, result: Result) -> None:
    rt, refusal, pending = context.runtime, result.refusal, result.pending
    lang, tz = result.lang, rt.settings.tz
    if not stays_open(pending.kind, refusal):  # the desk closed the question
        if refusal.code == "pin_locked":
            deliver_now(context)  # the admin's alert
        if pending.kind == "sign":  # the PIN message is gone: nothing to reply to
            await update.effective_chat.send_message(refusal_text(refusal, lang, rt))
        else:
            await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return
    if refusal.code == "choice_required":  # the manifest's answers are in: the buttons choose
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return
    if pending.kind == "tick_receipt" and refusal.code in ("scan_type", "scan_too_large"):
        text = render_html("receipt_file_invalid", lang, tz, code=refusal.code)
    elif pending.kind == "note" and refusal.code in ("answer_invalid", "note_too_long"):
        text = render_html("note_invalid", lang, tz, length=refusal.params.get("length", 0))
    elif pending.kind == "manifest" and refusal.code == "answer_invalid":
        text = render_html(f"invalid_manifest_{refusal.params['field']}", lang, tz)
    else:
        text = refusal_text(refusal, lang, rt)
    await reask(update, rt, pending, text)


async def _receipt_file(update: Update, context: BotContext, result: Result, answer: Answer, media) -> None:
    """The signed receipt as a photo or PDF, which the desk found fit to fetch: fetched, its
    SHA-256 taken, and the answer given again with it."""
    rt, message = context.runtime, update.effective_message
    data = await (await context.bot.get_file(media.file_id)).download_as_bytearray()
    fetched = replace(answer, sha256=hashlib.sha256(bytes(data)).hexdigest())
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    chat = update.effective_chat.id
    again = await asyncio.to_thread(rt.desk.answer, update.effective_user.id, chat, reply_to, fetched)
    if again is None or again.show == "elsewhere":  # the question went meanwhile (answered, /batal)
        await message.reply_text(refusal_text(NothingPending("the question went meanwhile"), result.lang, rt))
        return
    await show(update, context, again, fetched, media)


def media_of(message: Message) -> tuple[object, str | None, str | None] | None:
    """The file a message carries, if any: the document (with its type and name) or the largest
    photo (a JPEG without a name)."""
    if message.document:
        return message.document, message.document.mime_type, message.document.file_name
    if message.photo:
        return message.photo[-1], "image/jpeg", None
    return None
