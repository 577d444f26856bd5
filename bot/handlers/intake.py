"""Registering a permit letter from Telegram: ``/baru``, or the scan sent with a caption.

One question at a time (``bot.intake`` decides which and checks each answer). The answers live
in the user's pending row (kind ``intake``), so a restart or another replica picks the
conversation up where it was. The scan is downloaded only to hash it: the case keeps its SHA-256
and ``telegram:<file_unique_id>``. With ``ALLOW_SCAN_UPLOADS`` off no scan is downloaded and the
case opens without one (the CLI records it later).
"""

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot import intake
from bot.context import BotContext
from bot.handlers.identify import official_of
from bot.handlers.questions import consumer, refuse_answer
from bot.handlers.replies import refusal_text
from bot.runtime import Runtime
from bot.templating import render_html, render_plain
from workflow.errors import DomainError, DuplicateLetter, InvalidInput, StaleAction
from workflow.roster import Official
from workflow.service.pending import Pending

__all__ = [
    "CHOOSE_PATTERN",
    "FORCE_PATTERN",
    "on_answer",
    "on_choose",
    "on_force",
    "on_new",
    "start_from_scan",
]

KIND = "intake"
#: Callback data of "Tetap daftarkan": a one-off token kept in the pending row, checked on press.
FORCE_PREFIX = "intake:force:"
FORCE_PATTERN = r"^intake:force:[0-9a-f]{8}\Z"  # \Z: "$" would let a trailing newline in
#: Callback data of an SOP button (several SOPs open to the registrar): the pending row's one-off
#: token, then the SOP's index among those offered (``data["choices"]``); checked on press.
CHOOSE_PREFIX = "intake:sop:"
CHOOSE_PATTERN = r"^intake:sop:[0-9a-f]{8}:[0-9]{1,2}\Z"


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
    if await _allowed(update, rt, official, lang):
        await _choose_sop(update, context, official, lang, {}, _Turn({}, intro="new"))


async def start_from_scan(update: Update, context: BotContext, official: Official) -> None:
    """A scan (document or photo) with nothing pending: a new letter, the caption's fields taken."""
    rt = context.runtime
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    if not await _allowed(update, rt, official, lang):
        return
    message = update.effective_message
    data, errors = intake.absorb({}, intake.parse_caption(message.caption), _today(rt))
    taken = tuple(f for f in intake.FIELDS if f in data)
    data, sha256 = await _take_scan(context, message, data, errors)
    await _choose_sop(update, context, official, lang, data, _Turn(errors, "scan", taken, sha256))


@consumer(KIND, files=True)
async def on_answer(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """An answer to the current question, or a scan (its caption may fill other questions)."""
    rt, message = context.runtime, update.effective_message
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    data, errors, sha256, taken = dict(pending.data), {}, None, ()
    data.pop("force", None)
    if "sop" not in data:  # the SOP is not chosen yet: ask again (a pending row from before, too)
        await _choose_sop(update, context, official, lang, data, _Turn({}))
        return
    if message.document or message.photo:
        before = set(data)
        data, errors = intake.absorb(data, intake.parse_caption(message.caption), _today(rt))
        taken = tuple(f for f in intake.FIELDS if f in data and f not in before)
        data, sha256 = await _take_scan(context, message, data, errors)
    else:
        field = intake.next_question(data, scan=rt.settings.allow_scan_uploads)
        if field is not None:
            try:
                data[field] = intake.validate(field, message.text or "", _today(rt))
            except ValueError as refusal:
                errors[field] = str(refusal)
    await _advance(update, context, official, lang, data, _Turn(errors, None, taken, sha256, pending))


async def on_force(update: Update, context: BotContext) -> None:
    """The "Tetap daftarkan" button: register a letter the service found already registered."""
    query = update.callback_query
    token = (query.data or "").removeprefix(FORCE_PREFIX)
    presser = await _presser(update, context, "force", token)
    if presser is None:
        return
    official, lang, pending = presser
    await query.answer()
    text, keyboard = await _register(context, official, lang, pending.data, {}, force=True)
    await query.edit_message_text(text, reply_markup=keyboard)


async def on_choose(update: Update, context: BotContext) -> None:
    """An SOP button: the letter goes to that SOP (kept as ``data["sop"]``); then the first question."""
    query, rt = update.callback_query, context.runtime
    token, _, index = (query.data or "").removeprefix(CHOOSE_PREFIX).partition(":")
    presser = await _presser(update, context, "choose", token)
    if presser is None:
        return
    official, lang, pending = presser
    offered = pending.data.get("choices") or []
    sop_id = offered[int(index)] if int(index) < len(offered) else "?"  # "?": refused, unknown_sop
    try:  # still open and still theirs (audited if not); opening the case checks both again
        await asyncio.to_thread(rt.cases.check_registrar, official.key, sop_id=sop_id, action="intake:choose")
    except DomainError as refusal:
        await query.answer(refusal_text(refusal, lang, rt), show_alert=True)
        return
    await query.answer()
    sop = rt.sops[sop_id]
    await query.edit_message_text(render_html("intake_sop_chosen", lang, rt.settings.tz, sop=sop))
    data = {k: v for k, v in pending.data.items() if k not in ("choose", "choices")}
    # answers kept before the choice came with a scan and its caption: say so with the next question
    taken = tuple(f for f in intake.FIELDS if f in data and f != "scan")
    scan = (data.get("scan") or {}).get("sha256")
    turn = _Turn({}, "scan" if taken or scan else "new", taken, scan)
    await _advance(update, context, official, lang, {**data, "sop": sop_id}, turn)


async def _presser(
    update: Update, context: BotContext, button: str, token: str
) -> tuple[Official, str, Pending] | None:
    """The official pressing an intake button, their language and pending row; None (answered,
    audited) for a stranger, or a button whose one-off token (``data[button]``) is not pending."""
    query, rt = update.callback_query, context.runtime
    tz = rt.settings.tz
    official = await asyncio.to_thread(rt.identity.who, query.from_user.id)
    if official is None:
        await asyncio.to_thread(rt.identity.stranger, query.from_user.id)
        await query.answer(render_plain("stranger", "id", tz), show_alert=True)
        return None
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    pending = await asyncio.to_thread(rt.pending.get, query.from_user.id)
    if pending is None or pending.kind != KIND or pending.data.get(button) != token:
        stale = StaleAction(f"this intake button ({button}) is no longer pending", code="stale")
        await asyncio.to_thread(rt.cases.refuse, None, official.key, f"intake:{button}", stale)
        await query.answer(render_plain("intake_stale", lang, tz), show_alert=True)
        return None
    return official, lang, pending


async def _allowed(update: Update, rt: Runtime, official: Official, lang: str) -> bool:
    """Whether ``official`` may register a letter on an open SOP, asked of the service before the
    first question (the SOPs' ``registrars``: the rule has one home); a refusal is audited there and
    names who may (on DEFAULT_SOP, else the first open SOP)."""
    if await asyncio.to_thread(rt.cases.registrable, official.key):
        return True
    open_ids = sorted(k for k, sop in rt.sops.items() if sop.open)
    sop_id = rt.settings.default_sop or (open_ids[0] if open_ids else None)
    try:
        await asyncio.to_thread(rt.cases.check_registrar, official.key, sop_id=sop_id, action="intake")
    except DomainError as refusal:
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
    return False


async def _choose_sop(
    update: Update, context: BotContext, official: Official, lang: str, data: dict, turn: _Turn
) -> None:
    """Before the first question: the SOP the letter goes to. Only one open to the official: it,
    unasked; several: their numbers and titles as buttons (the answers so far stay pending)."""
    rt = context.runtime
    sops = await asyncio.to_thread(rt.cases.registrable, official.key)
    if len(sops) <= 1:
        chosen = {"sop": sops[0].id} if sops else {}  # none: opening the case says why
        await _advance(update, context, official, lang, {**data, **chosen}, turn)
        return
    await _audit_errors(rt, official, turn.errors)  # the caption's refused values are asked later
    token, tz = secrets.token_hex(4), rt.settings.tz
    choices = {"choose": token, "choices": [sop.id for sop in sops]}
    await asyncio.to_thread(
        rt.pending.put, Pending(official.telegram_id, official.key, KIND, data={**data, **choices})
    )
    buttons = [
        [
            InlineKeyboardButton(
                render_plain("intake_sop_button", lang, tz, sop=sop),
                callback_data=f"{CHOOSE_PREFIX}{token}:{i}",
            )
        ]
        for i, sop in enumerate(sops)
    ]
    text = render_html("intake_sop_question", lang, tz, intro=turn.intro, scan_received=turn.scan_received)
    await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(buttons))


async def _advance(
    update: Update, context: BotContext, official: Official, lang: str, data: dict, turn: _Turn
) -> None:
    """Keep the answers, then ask the next question, or register the letter once complete."""
    rt, message = context.runtime, update.effective_message
    uploads = rt.settings.allow_scan_uploads
    await _audit_errors(rt, official, turn.errors)
    field = intake.next_question(data, scan=uploads)
    if field is None:
        text, keyboard = await _register(context, official, lang, data, turn.errors)
        await message.reply_text(text, reply_markup=keyboard)
        return
    before = turn.answered
    again = before is not None and intake.next_question(before.data, scan=uploads) == field
    earlier = before.prompts if again else ()  # the same question asked again: its prompts stay open
    following = Pending(update.effective_user.id, official.key, KIND, data=data, earlier_prompts=earlier)
    await asyncio.to_thread(rt.pending.put, following)
    asked = [f for f in intake.FIELDS if uploads or f != "scan"]
    values = {"field": field, "limits": intake.LIMITS, "today": _today(rt)}
    text = render_html(
        "intake_question",
        lang,
        rt.settings.tz,
        **values,
        errors=turn.errors,
        intro=turn.intro,
        taken=turn.taken,
        scan_received=turn.scan_received,
        position=sum(f in data for f in asked) + 1,
        total=len(asked),
    )
    hint = render_plain("intake_placeholder", lang, rt.settings.tz, field=field)
    prompt = await message.reply_text(
        text, reply_markup=ForceReply(selective=True, input_field_placeholder=hint)
    )
    await asyncio.to_thread(rt.pending.prompted, update.effective_user.id, KIND, prompt.message_id)


async def _audit_errors(rt: Runtime, official: Official, errors: dict) -> None:
    """Audit the answers refused, by field and why; never the text itself."""
    if errors:
        refusal = InvalidInput(f"intake answers refused: {errors}", code="answer_invalid", fields=errors)
        await refuse_answer(rt, official, Pending(official.telegram_id, official.key, KIND), refusal)


async def _register(
    context: BotContext, official: Official, lang: str, data: dict, errors: dict, *, force: bool = False
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Open the case; the reply's text and keyboard. A duplicate keeps the answers pending."""
    rt = context.runtime
    tz, letter, telegram_id = rt.settings.tz, intake.to_letter(data), official.telegram_id
    values = {"letter": letter, "errors": errors, "limits": intake.LIMITS, "today": _today(rt)}
    try:
        case = await asyncio.to_thread(
            rt.cases.open_case, letter, official.key, sop_id=data.get("sop"), force=force
        )
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
    if context.bot_data.delivery is not None:  # the Direktur's step-1 message goes out now
        context.application.create_task(context.bot_data.delivery.run_once(context.bot))
    return render_html("intake_done", lang, tz, **values, case=case, forced=force), None


async def _take_scan(
    context: BotContext, message: Message, data: dict, errors: dict
) -> tuple[dict, str | None]:
    """Download and hash the document or photo in ``message``; the new data and the SHA-256.

    A refused file (uploads forbidden, not a PDF or image, too large) is never downloaded: the
    reason goes into ``errors["scan"]``.
    """
    if message.photo:
        media, mime, name = message.photo[-1], "image/jpeg", None
    elif message.document:
        media, mime, name = message.document, message.document.mime_type, message.document.file_name
    else:
        return data, None
    if not context.runtime.settings.allow_scan_uploads:
        errors["scan"] = "uploads_forbidden"
    elif refused := intake.scan_refusal(mime, name, media.file_size):
        errors["scan"] = refused
    else:
        content = await (await context.bot.get_file(media.file_id)).download_as_bytearray()
        sha256 = hashlib.sha256(content).hexdigest()
        scan = {"sha256": sha256, "location": f"telegram:{media.file_unique_id}", "file_id": media.file_id}
        return {**data, "scan": scan}, sha256
    return data, None


def _today(rt: Runtime) -> date:
    return datetime.now(rt.settings.tz).date()
