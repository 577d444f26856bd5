"""Answers to the bot's questions: notes, reasons, the manifest, the PIN, checklist values, the
receipt. Each consumer validates, calls one service, and replies; a refusal keeps the question
open when answering again can fix it."""

import asyncio
import hashlib
import logging
from dataclasses import replace
from zoneinfo import ZoneInfo

from telegram import ForceReply, Update
from telegram.error import TelegramError

from bot import intake
from bot.context import BotContext
from bot.handlers.inputs import consumer, reask, refuse_answer
from bot.handlers.replies import Ask, deliver_now, done_text, refusal_text, show_later
from bot.messages import instruction_keyboard, people_keyboard, step_keyboard, step_text
from bot.runtime import Runtime
from bot.templating import render_html
from workflow.case import Case
from workflow.commands import Reject, Return, Sign, SubmitManifest, TickItem
from workflow.errors import (
    CaseClosed,
    ChoiceRequired,
    DomainError,
    InvalidInput,
    NoteTooLong,
    StaleAction,
    StepAlreadyHandled,
)
from workflow.manifest import Manifest
from workflow.roster import Official
from workflow.service.pending import Pending
from workflow.states import ChecklistItem

__all__ = ["MANIFEST_FIELDS", "first_manifest_question"]

log = logging.getLogger(__name__)

#: The questions of the guided manifest, per form, in order.
MANIFEST_FIELDS = {
    "file": ("description", "records", "sha256", "location"),
    "hardcopy": ("description", "pages", "records"),
}
#: Refusals after which asking again cannot help: the question is dropped.
_FINAL = (CaseClosed, StaleAction, StepAlreadyHandled)


def first_manifest_question(form: str, lang: str, tz: ZoneInfo, case: Case) -> Ask:
    """The first question of the guided manifest."""
    field = MANIFEST_FIELDS[form][0]
    return Ask(
        "manifest", render_html(f"ask_manifest_{field}", lang, tz, case=case), {"form": form, "values": {}}
    )


async def _ask(update: Update, text: str) -> int:
    message = await update.effective_message.reply_text(text, reply_markup=ForceReply(selective=True))
    return message.message_id


async def _reply_done(update: Update, context: BotContext, pending: Pending, text: str) -> None:
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
    deliver_now(context)


async def _act(update, context, official, pending, command, action: str, lang: str) -> bool:
    """Apply ``command``; on success show it done, on refusal say why. Whether it was applied."""
    rt = context.runtime
    try:
        before = await asyncio.to_thread(rt.cases.view, pending.case_id)
        await asyncio.to_thread(
            rt.cases.act, pending.case_id, official.key, command, seen_version=pending.case_version
        )
    except DomainError as refusal:
        if isinstance(refusal, _FINAL):
            await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
            await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        else:  # e.g. a reason missing or too long: the question stays open, asked again
            await reask(update, rt, pending, refusal_text(refusal, lang, rt))
        return False
    text = await asyncio.to_thread(done_text, rt, before, pending.case_id, pending.step_id, action, lang)
    await _reply_done(update, context, pending, text)
    return True


async def _lang(rt: Runtime, official: Official) -> str:
    return await asyncio.to_thread(rt.identity.language, official.key)


@consumer("note")
async def on_note(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """A free-text note for the forward that follows; then the instruction quick picks."""
    rt, lang = context.runtime, await _lang(context.runtime, official)
    note = (update.effective_message.text or "").strip()
    if not note or len(note) > 1000:
        refusal = (NoteTooLong if note else InvalidInput)(
            f"a note has 1 to 1,000 characters, not {len(note)}", length=len(note)
        )
        await refuse_answer(rt, official, pending, refusal)
        await reask(update, rt, pending, render_html("note_invalid", lang, rt.settings.tz, length=len(note)))
        return
    await asyncio.to_thread(rt.pending.put, replace(pending, data={**pending.data, "note": note}))
    view = await asyncio.to_thread(rt.cases.view, pending.case_id)
    await update.effective_message.reply_text(
        render_html("note_saved", lang, rt.settings.tz),
        reply_markup=instruction_keyboard(view, lang, with_note=True),
    )


@consumer("return")
@consumer("reject")
async def on_reason(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """The reason for a return or a rejection."""
    lang = await _lang(context.runtime, official)
    reason = update.effective_message.text or ""
    command = (Return if pending.kind == "return" else Reject)(reason=reason, step_id=pending.step_id)
    await _act(update, context, official, pending, command, pending.kind, lang)


@consumer("sign")
async def on_pin(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """The signer's PIN, deleted from the chat at once; the service checks it with the signature.
    A wrong PIN keeps the question open (the tries left are counted); any other refusal ends it."""
    rt, lang = context.runtime, await _lang(context.runtime, official)
    pin = (update.effective_message.text or "").strip()
    await update.effective_message.delete()
    command = Sign(
        step_id=pending.step_id,
        manifest_hash=pending.data.get("manifest_hash"),
        to=pending.data.get("to"),
        pin=pin,
    )
    try:
        before = await asyncio.to_thread(rt.cases.view, pending.case_id)
        await asyncio.to_thread(
            rt.cases.act, pending.case_id, official.key, command, seen_version=pending.case_version
        )
    except DomainError as refusal:
        if refusal.code == "wrong_pin":  # the question stays open: asked again with the tries left
            await reask(update, rt, pending, refusal_text(refusal, lang, rt))
            return
        await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
        if refusal.code == "pin_locked":
            deliver_now(context)  # the admin's alert
        await update.effective_chat.send_message(refusal_text(refusal, lang, rt))
        return
    text = await asyncio.to_thread(done_text, rt, before, pending.case_id, pending.step_id, "sign", lang)
    await _reply_done(update, context, pending, text)


@consumer("manifest")
async def on_manifest_answer(
    update: Update, context: BotContext, official: Official, pending: Pending
) -> None:
    """One answer of the guided manifest; the last one submits it."""
    rt, lang = context.runtime, await _lang(context.runtime, official)
    tz = rt.settings.tz
    form, values = pending.data["form"], dict(pending.data["values"])
    fields = MANIFEST_FIELDS[form]
    if len(values) == len(fields):  # every answer is in: the checker is chosen with the buttons
        refusal = ChoiceRequired("choose who checks the data with the buttons", candidates=[])
        await refuse_answer(rt, official, pending, refusal)
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return
    field = fields[len(values)]
    text = (update.effective_message.text or "").strip()
    try:
        values[field] = _manifest_value(field, text)
    except ValueError:
        refusal = InvalidInput(f"the manifest's {field} was not accepted", field=field, length=len(text))
        await refuse_answer(rt, official, pending, refusal)
        await reask(update, rt, pending, render_html(f"invalid_manifest_{field}", lang, tz))
        return
    if len(values) < len(fields):
        data = {**pending.data, "values": values}  # kept before the next question is asked
        question = replace(pending, data=data, prompt_message_id=None, earlier_prompts=())  # the next one
        await asyncio.to_thread(rt.pending.put, question)
        view = await asyncio.to_thread(rt.cases.view, pending.case_id)
        prompt_id = await _ask(
            update, render_html(f"ask_manifest_{fields[len(values)]}", lang, tz, case=view.case)
        )
        await asyncio.to_thread(rt.pending.prompted, pending.telegram_id, "manifest", prompt_id)
        return
    try:
        manifest = Manifest(form=form, **values)
    except DomainError as refusal:
        await refuse_answer(rt, official, pending, refusal)
        await reask(update, rt, pending, refusal_text(refusal, lang, rt))
        return
    candidates, default = await asyncio.to_thread(rt.cases.candidates, pending.case_id, official.key)
    if default is None and len(candidates) > 1:  # the checker must be chosen: the answers wait for it
        await asyncio.to_thread(rt.pending.put, replace(pending, data={**pending.data, "values": values}))
        view = await asyncio.to_thread(rt.cases.view, pending.case_id)
        await update.effective_message.reply_text(
            render_html("pick_next", lang, tz, case=view.case),
            reply_markup=people_keyboard(view, candidates, lang, action="mf", first=("p",)),
        )
        return
    await _act(
        update,
        context,
        official,
        pending,
        SubmitManifest(manifest, step_id=pending.step_id),
        "submit_manifest",
        lang,
    )


@consumer("tick_archived")
@consumer("tick_sent")
@consumer("tick_receipt", files=True)
async def on_tick_value(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """The archive number, the channel, or the receipt (its number, or the signed scan as photo/PDF)."""
    rt, lang = context.runtime, await _lang(context.runtime, official)
    message = update.effective_message
    item = ChecklistItem(pending.data["item"])
    sha = file_ref = None
    if item is ChecklistItem.RECEIPT and (message.document or message.photo):
        media = message.document or message.photo[-1]
        mime, name = (media.mime_type, media.file_name) if message.document else ("image/jpeg", None)
        refused = intake.scan_refusal(mime, name, media.file_size)
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
    try:
        case = await asyncio.to_thread(
            rt.cases.act, pending.case_id, official.key, command, seen_version=pending.case_version
        )
    except DomainError as refusal:
        if isinstance(refusal, _FINAL):
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
        await context.bot.edit_message_text(
            text,
            chat_id=update.effective_chat.id,
            message_id=origin,
            reply_markup=step_keyboard(view, allowed, lang, uploads=rt.settings.allow_scan_uploads),
        )
    await message.reply_text(
        render_html(
            "ticked", lang, rt.settings.tz, item=item.value, closed=view.case.current is None, case=view.case
        )
    )
    deliver_now(context)


def _manifest_value(field: str, text: str):
    if field == "description":
        if not text or len(text) > 1000:
            raise ValueError(field)
        return text
    if field in ("records", "pages"):
        if field == "records" and text.lower() in ("lewati", "skip", "-"):
            return None
        number = int(text.replace(".", "").replace(",", ""))
        if number < (1 if field == "pages" else 0):
            raise ValueError(field)
        return number
    if field == "sha256":
        digest = text.lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(field)
        return digest
    if not text or len(text) > 500:  # location
        raise ValueError(field)
    return text
