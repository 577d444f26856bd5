"""Answers to the bot's questions: notes, reasons, the PIN, checklist values, the receipt (the
manifest's are in ``bot.handlers.manifest``). Each consumer validates, calls one service, and
replies; a refusal keeps the question open when answering again can fix it."""

import asyncio
import hashlib
from dataclasses import replace

from telegram import Update

from bot.context import BotContext
from bot.handlers.acting import FINAL, act, hold_origin, language, release_origin, show_done
from bot.handlers.questions import consumer, reask, refuse_answer
from bot.handlers.replies import deliver_now, done_text, refusal_text
from bot.keyboards import shown
from bot.messages import instruction_keyboard, step_keyboard, step_text
from bot.templating import render_html
from workflow.commands import Reject, Return, Sign, TickItem
from workflow.errors import DomainError, InvalidInput
from workflow.files import scan_refusal
from workflow.limits import written
from workflow.roster import Official
from workflow.service.pending import Pending

__all__ = ["on_note", "on_pin", "on_reason", "on_tick_value"]


@consumer("note")
async def on_note(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """A free-text note for the forward that follows; then the instruction quick picks."""
    rt, lang = context.runtime, await language(context.runtime, official)
    note = (update.effective_message.text or "").strip()
    try:
        if not note:  # an empty answer answers nothing; the length is the engine's rule
            raise InvalidInput("the note was empty", code="answer_invalid")
        written(note, "note")
    except DomainError as refusal:
        await refuse_answer(rt, official, pending, refusal)
        await reask(update, rt, pending, render_html("note_invalid", lang, rt.settings.tz, length=len(note)))
        return
    await asyncio.to_thread(rt.pending.put, replace(pending, data={**pending.data, "note": note}))
    view = await asyncio.to_thread(rt.cases.view, pending.case_id)
    keyboard = instruction_keyboard(view, lang, with_note=True)
    sent = await update.effective_message.reply_text(
        render_html("note_saved", lang, rt.settings.tz), reply_markup=keyboard
    )
    await shown(rt, sent.chat_id, sent.message_id, keyboard)


@consumer("return")
@consumer("reject")
async def on_reason(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """The reason for a return (to the step chosen when it was pressed) or a rejection."""
    lang = await language(context.runtime, official)
    reason = update.effective_message.text or ""
    if pending.kind == "return":
        command = Return(reason=reason, step_id=pending.step_id, to_step=pending.data.get("to_step"))
    else:
        command = Reject(reason=reason, step_id=pending.step_id)
    await act(update, context, official, pending, command, pending.kind, lang)


@consumer("sign")
async def on_pin(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """The signer's PIN, deleted from the chat at once; the service checks it with the signature.
    A wrong PIN keeps the question open (the tries left are counted); any other refusal ends it."""
    rt, lang = context.runtime, await language(context.runtime, official)
    pin = (update.effective_message.text or "").strip()
    await update.effective_message.delete()
    command = Sign(
        step_id=pending.step_id,
        manifest_hash=pending.data.get("manifest_hash"),
        to=pending.data.get("to"),
        pin=pin,
    )
    await hold_origin(rt, update, pending)
    try:
        before = await asyncio.to_thread(rt.cases.view, pending.case_id)
        await asyncio.to_thread(
            rt.cases.act, pending.case_id, official.key, command, seen_version=pending.case_version
        )
    except DomainError as refusal:
        await release_origin(rt, update, pending)
        if refusal.code == "wrong_pin":  # the question stays open: asked again with the tries left
            await reask(update, rt, pending, refusal_text(refusal, lang, rt))
            return
        await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
        if refusal.code == "pin_locked":
            deliver_now(context)  # the admin's alert
        await update.effective_chat.send_message(refusal_text(refusal, lang, rt))
        return
    text = await asyncio.to_thread(done_text, rt, before, pending.case_id, pending.step_id, "sign", lang)
    await show_done(update, context, pending, text)


@consumer("tick")
@consumer("tick_receipt", files=True)
async def on_tick_value(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """The value a checklist item asked for (``tick``: the text its SOP's ``ask`` asks), or the
    receipt (``tick_receipt``: its number, or the signed scan as photo/PDF)."""
    rt, lang = context.runtime, await language(context.runtime, official)
    message = update.effective_message
    item = pending.data["item"]
    sha = file_ref = None
    if pending.kind == "tick_receipt" and (message.document or message.photo):
        media = message.document or message.photo[-1]
        mime, name = (media.mime_type, media.file_name) if message.document else ("image/jpeg", None)
        refused = scan_refusal(mime, name, media.file_size)
        if refused is not None:  # never downloaded; the question stays open
            refusal = InvalidInput(f"the receipt file was refused: {refused}", code=refused, mime_type=mime)
            await refuse_answer(rt, official, pending, refusal)
            await reask(
                update, rt, pending, render_html("receipt_file_invalid", lang, rt.settings.tz, code=refused)
            )
            return
        data = await (await context.bot.get_file(media.file_id)).download_as_bytearray()
        sha, file_ref = hashlib.sha256(bytes(data)).hexdigest(), f"telegram:{media.file_id}"
    value = (message.text or message.caption or "").strip()
    command = TickItem(item, value=value, receipt_sha256=sha, receipt_file=file_ref, step_id=pending.step_id)
    await hold_origin(rt, update, pending)
    try:
        case = await asyncio.to_thread(
            rt.cases.act, pending.case_id, official.key, command, seen_version=pending.case_version
        )
    except DomainError as refusal:
        await release_origin(rt, update, pending)
        if isinstance(refusal, FINAL):
            await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
            await message.reply_text(refusal_text(refusal, lang, rt))
        else:
            await reask(update, rt, pending, refusal_text(refusal, lang, rt))
        return
    await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
    view = await asyncio.to_thread(rt.cases.view, case.number)
    allowed = await asyncio.to_thread(rt.cases.allowed, case.number, official.key)
    text = await asyncio.to_thread(step_text, view, lang, rt.settings.tz) if view.case.current else None
    origin = pending.data.get("origin")
    if text is not None and origin is not None:  # the checklist updates in place
        keyboard = step_keyboard(view, allowed, lang, uploads=rt.settings.allow_scan_uploads)
        chat = update.effective_chat.id
        await context.bot.edit_message_text(text, chat_id=chat, message_id=origin, reply_markup=keyboard)
        await shown(rt, chat, origin, keyboard)
    elif origin is not None:  # the case closed: its buttons go with the others
        await release_origin(rt, update, pending)
    deliver_now(context)  # what was recorded, and where the case stands, comes as a fresh message (acted)
