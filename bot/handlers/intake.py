"""Registering a permit letter from Telegram: ``/baru``, or the scan sent with a caption.

One question at a time: the SOP's registration fields (``workflow.registration`` decides which and
checks each answer), of the SOP chosen for the letter (the pending data's ``sop``), else of the one
a new case opens on. The answers live in the user's pending row (kind ``intake``), so a restart or
another replica picks the conversation up where it was. The scan is downloaded only to hash it:
the case keeps its SHA-256 and ``telegram:<file_unique_id>``. With ``ALLOW_SCAN_UPLOADS`` off no
scan is downloaded and the case opens without one (the CLI records it later).
"""

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.context import BotContext
from bot.handlers.identify import official_of
from bot.handlers.questions import consumer, refuse_answer
from bot.handlers.replies import refusal_text
from bot.intake import scan_refusal
from bot.runtime import Runtime
from bot.templating import render_html, render_plain
from workflow import registration
from workflow.errors import DomainError, DuplicateLetter, InvalidInput, StaleAction
from workflow.letters import FIELD_LIMITS
from workflow.roster import Official
from workflow.service.pending import Pending
from workflow.sop import Sop, StepKind

__all__ = ["FORCE_PATTERN", "on_answer", "on_force", "on_new", "start_from_scan"]

KIND = "intake"
#: Callback data of "Tetap daftarkan": a one-off token kept in the pending row, checked on press.
FORCE_PREFIX = "intake:force:"
FORCE_PATTERN = r"^intake:force:[0-9a-f]{8}\Z"  # \Z: "$" would let a trailing newline in


@dataclass(frozen=True, slots=True)
class _Turn:
    """What one message added to the conversation, shown with the next question."""

    errors: dict
    intro: str | None = None
    taken: tuple[str, ...] = ()
    scan_received: str | None = None
    answered: Pending | None = None  # the question the message answered (its prompts, if asked again)


async def on_new(update: Update, context: BotContext) -> None:
    """``/baru``: start a new letter from the first question (replacing anything pending)."""
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    if sop := await _allowed(update, rt, official, lang, {}):
        await _advance(update, context, official, lang, sop, {}, _Turn({}, intro="new"))


async def start_from_scan(update: Update, context: BotContext, official: Official) -> None:
    """A scan (document or photo) with nothing pending: a new letter, the caption's fields taken."""
    rt = context.runtime
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    if not (sop := await _allowed(update, rt, official, lang, {})):
        return
    message = update.effective_message
    data, errors = registration.absorb(sop, {}, registration.parse_caption(sop, message.caption), _today(rt))
    taken = tuple(f.key for f in sop.fields if f.key in data)
    data, sha256 = await _take_scan(context, sop, message, data, errors)
    await _advance(update, context, official, lang, sop, data, _Turn(errors, "scan", taken, sha256))


@consumer(KIND, files=True)
async def on_answer(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """An answer to the current question, or a scan (its caption may fill other questions)."""
    rt, message = context.runtime, update.effective_message
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    data, errors, sha256, taken = registration.resume(pending.data), {}, None, ()
    data.pop("force", None)
    if not (sop := await _sop_of(update, rt, official, lang, data)):
        return
    if message.document or message.photo:
        before = set(data)
        caption = registration.parse_caption(sop, message.caption)
        data, errors = registration.absorb(sop, data, caption, _today(rt))
        taken = tuple(f.key for f in sop.fields if f.key in data and f.key not in before)
        data, sha256 = await _take_scan(context, sop, message, data, errors)
    else:
        field = registration.next_question(sop, data, scan=rt.settings.allow_scan_uploads)
        if field is not None:
            try:
                data[field.key] = registration.validate(field, message.text or "", _today(rt))
            except ValueError as refusal:
                errors[field.key] = str(refusal)
    await _advance(update, context, official, lang, sop, data, _Turn(errors, None, taken, sha256, pending))


async def on_force(update: Update, context: BotContext) -> None:
    """The "Tetap daftarkan" button: register a letter the service found already registered."""
    query, rt = update.callback_query, context.runtime
    tz = rt.settings.tz
    official = await asyncio.to_thread(rt.identity.who, query.from_user.id)
    if official is None:
        await asyncio.to_thread(rt.identity.stranger, query.from_user.id)
        await query.answer(render_plain("stranger", "id", tz), show_alert=True)
        return
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    pending = await asyncio.to_thread(rt.pending.get, query.from_user.id)
    token = (query.data or "").removeprefix(FORCE_PREFIX)
    if pending is None or pending.kind != KIND or pending.data.get("force") != token:
        stale = StaleAction("this duplicate-letter button is no longer pending", code="stale")
        await asyncio.to_thread(rt.cases.refuse, None, official.key, "intake:force", stale)
        await query.answer(render_plain("intake_stale", lang, tz), show_alert=True)
        return
    await query.answer()
    data = registration.resume(pending.data)
    if sop := await _sop_of(update, rt, official, lang, data):
        text, keyboard = await _register(context, official, lang, sop, data, {}, force=True)
        await query.edit_message_text(text, reply_markup=keyboard)


async def _allowed(update: Update, rt: Runtime, official: Official, lang: str, data: dict) -> Sop | None:
    """The SOP whose questions are asked, if ``official`` may register a letter on it: asked of the
    service before the first question (the SOP's ``registrars``: the rule has one home); a refusal
    is audited there and names who may."""
    try:
        await asyncio.to_thread(
            rt.cases.check_registrar, official.key, sop_id=data.get("sop"), action="intake"
        )
    except DomainError as refusal:
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return None
    return await _sop_of(update, rt, official, lang, data)


async def _sop_of(update: Update, rt: Runtime, official: Official, lang: str, data: dict) -> Sop | None:
    """The SOP whose questions are asked: the one chosen for the letter (``data["sop"]``), else the
    one a new case opens on. None when there is none to use (several open and none chosen, or it
    was closed meanwhile): the refusal is audited and told, and the conversation ends."""
    try:
        return rt.cases.sop_for_new_case(data.get("sop"))
    except DomainError as refusal:
        await asyncio.to_thread(rt.cases.refuse, None, official.key, "intake", refusal)
        await asyncio.to_thread(rt.pending.clear, update.effective_user.id)
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return None


async def _advance(
    update: Update, context: BotContext, official: Official, lang: str, sop: Sop, data: dict, turn: _Turn
) -> None:
    """Keep the answers, then ask the next question, or register the letter once complete."""
    rt, message = context.runtime, update.effective_message
    uploads = rt.settings.allow_scan_uploads
    if turn.errors:  # what was refused, by field and why; never the text itself
        refusal = InvalidInput(
            f"intake answers refused: {turn.errors}", code="answer_invalid", fields=turn.errors
        )
        await refuse_answer(rt, official, Pending(official.telegram_id, official.key, KIND), refusal)
    field = registration.next_question(sop, data, scan=uploads)
    if field is None:
        text, keyboard = await _register(context, official, lang, sop, data, turn.errors)
        await message.reply_text(text, reply_markup=keyboard)
        return
    before = turn.answered
    previous = before and registration.next_question(sop, registration.resume(before.data), scan=uploads)
    earlier = before.prompts if previous == field else ()  # asked again: its prompts stay open
    following = Pending(update.effective_user.id, official.key, KIND, data=data, earlier_prompts=earlier)
    await asyncio.to_thread(rt.pending.put, following)
    position, total = registration.position(sop, data, scan=uploads)
    values = {"field": field.key, "fields": _fields(sop), "limits": FIELD_LIMITS, "today": _today(rt)}
    text = render_html(
        "intake_question",
        lang,
        rt.settings.tz,
        **values,
        errors=turn.errors,
        intro=turn.intro,
        taken=turn.taken,
        scan_received=turn.scan_received,
        position=position,
        total=total,
    )
    hint = render_plain("intake_placeholder", lang, rt.settings.tz, **values)
    prompt = await message.reply_text(
        text, reply_markup=ForceReply(selective=True, input_field_placeholder=hint)
    )
    await asyncio.to_thread(rt.pending.prompted, update.effective_user.id, KIND, prompt.message_id)


async def _register(
    context: BotContext,
    official: Official,
    lang: str,
    sop: Sop,
    data: dict,
    errors: dict,
    *,
    force: bool = False,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Open the case on ``sop``; the reply's text and keyboard. A duplicate keeps the answers pending."""
    rt = context.runtime
    tz, letter, telegram_id = rt.settings.tz, registration.to_letter(data), official.telegram_id
    values = {"letter": letter, "errors": errors, "fields": _fields(sop), "limits": FIELD_LIMITS}
    values["today"] = _today(rt)
    try:
        open_case = partial(rt.cases.open_case, letter, official.key, sop_id=sop.id, force=force)
        case = await asyncio.to_thread(open_case)
    except DuplicateLetter as duplicate:
        token = secrets.token_hex(4)
        pending = Pending(telegram_id, official.key, KIND, data={**data, "force": token})
        await asyncio.to_thread(rt.pending.put, pending)
        label = render_plain("intake_force_button", lang, tz)
        button = InlineKeyboardButton(label, callback_data=f"{FORCE_PREFIX}{token}")
        existing = duplicate.params.get("case", "-")
        text = render_html("intake_duplicate", lang, tz, **values, existing=existing, button=label)
        return text, InlineKeyboardMarkup([[button]])
    except DomainError as refusal:
        await asyncio.to_thread(rt.pending.clear, telegram_id)
        return render_html("intake_failed", lang, tz, code=refusal.code), None
    await asyncio.to_thread(rt.pending.clear, telegram_id)
    if context.bot_data.delivery is not None:  # the step-1 holder's message goes out now
        context.application.create_task(context.bot_data.delivery.run_once(context.bot))
    first, signing = sop.role(sop.step(1).role).name, sop.first_of(StepKind.SIGN)
    signer = sop.role(signing.role).name if signing else None
    return render_html(
        "intake_done", lang, tz, **values, case=case, forced=force, first=first, signer=signer
    ), None


async def _take_scan(
    context: BotContext, sop: Sop, message: Message, data: dict, errors: dict
) -> tuple[dict, str | None]:
    """Download and hash the document or photo in ``message``; the new data and the SHA-256.

    A refused file (uploads forbidden, not a PDF or image, too large) is never downloaded: the
    reason goes into ``errors["scan"]``. An SOP that does not ask for the scan takes only the caption.
    """
    if sop.field("scan") is None:
        return data, None
    if message.photo:
        media, mime, name = message.photo[-1], "image/jpeg", None
    elif message.document:
        media, mime, name = message.document, message.document.mime_type, message.document.file_name
    else:
        return data, None
    if not context.runtime.settings.allow_scan_uploads:
        errors["scan"] = "uploads_forbidden"
    elif refused := scan_refusal(mime, name, media.file_size):
        errors["scan"] = refused
    else:
        content = await (await context.bot.get_file(media.file_id)).download_as_bytearray()
        sha256 = hashlib.sha256(content).hexdigest()
        scan = {"sha256": sha256, "location": f"telegram:{media.file_unique_id}", "file_id": media.file_id}
        return {**data, "scan": scan}, sha256
    return data, None


def _fields(sop: Sop) -> dict:
    """The SOP's registration fields by key, as the intake templates look them up."""
    return {f.key: f for f in sop.fields}


def _today(rt: Runtime) -> date:
    return datetime.now(rt.settings.tz).date()
