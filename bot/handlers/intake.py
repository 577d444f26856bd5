"""Registering a permit letter from Telegram: ``/baru``, or the scan sent with a caption.

First the SOP the letter goes to, asked only when several are open to the registrar (kept as the
pending data's ``sop``); then one question at a time, that SOP's registration fields
(``workflow.registration`` decides which and checks each answer). The answers live in the user's
pending row (kind ``intake``), so a restart or another replica picks the conversation up where it
was. The scan is downloaded only to hash it: the case keeps its SHA-256 and
``telegram:<file_unique_id>``. With ``ALLOW_SCAN_UPLOADS`` off no scan is downloaded and the case
opens without one (the CLI records it later).
"""

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.context import BotContext
from bot.handlers.answers import media_of
from bot.handlers.identify import official_of
from bot.handlers.questions import consumer, refuse_answer
from bot.handlers.replies import refusal_text
from bot.runtime import Runtime
from bot.templating import render_html, render_plain
from workflow import registration
from workflow.errors import DomainError, DuplicateLetter, InvalidInput, StaleAction
from workflow.files import scan_refusal
from workflow.letters import FIELD_LIMITS
from workflow.roster import Official
from workflow.service.pending import Pending
from workflow.sop import Sop, StepKind

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
    if sops := await _allowed(update, rt, official, lang):
        await _choose_sop(update, context, official, lang, sops, {}, _Turn({}, intro="new"))


async def start_from_scan(update: Update, context: BotContext, official: Official) -> None:
    """A scan (document or photo) with nothing pending: a new letter, the caption's fields taken
    (read by the chosen SOP's fields, once it is chosen)."""
    rt = context.runtime
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    if not (sops := await _allowed(update, rt, official, lang)):
        return
    message, errors = update.effective_message, {}
    asks_scan = any(sop.field("scan") for sop in sops)
    data, sha256 = await _take_scan(context, asks_scan, message, {"caption": message.caption or ""}, errors)
    await _choose_sop(update, context, official, lang, sops, data, _Turn(errors, "scan", (), sha256))


@consumer(KIND, files=True)
async def on_answer(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """An answer to the current question, or a scan (its caption may fill other questions)."""
    rt, message = context.runtime, update.effective_message
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    data, errors, sha256, taken = registration.resume(pending.data), {}, None, ()
    data.pop("force", None)
    if "choose" in data:  # the SOP is not chosen yet: ask again
        if sops := await _allowed(update, rt, official, lang):
            await _choose_sop(update, context, official, lang, sops, data, _Turn({}))
        return
    if not (sop := await _sop_of(update, rt, official, lang, data)):
        return
    if message.document or message.photo:
        before = set(data)
        caption = registration.parse_caption(sop, message.caption)
        data, errors = registration.absorb(sop, data, caption, _today(rt))
        taken = tuple(f.key for f in sop.fields if f.key in data and f.key not in before)
        data, sha256 = await _take_scan(context, bool(sop.field("scan")), message, data, errors)
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
    token = (query.data or "").removeprefix(FORCE_PREFIX)
    presser = await _presser(update, context, "force", token)
    if presser is None:
        return
    official, lang, pending = presser
    await query.answer()
    data = registration.resume(pending.data)
    if sop := await _sop_of(update, rt, official, lang, data):
        text, keyboard = await _register(context, official, lang, sop, data, {}, force=True)
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
    await _start(update, context, official, lang, sop, data, _Turn({}, intro="new"))


async def _presser(
    update: Update, context: BotContext, button: str, token: str
) -> tuple[Official, str, Pending] | None:
    """The official pressing an intake button, their language and pending row; None (answered,
    audited) for a stranger, or a button whose one-off token (``data[button]``) is not pending."""
    query, rt = update.callback_query, context.runtime
    tz = rt.settings.tz
    known = await asyncio.to_thread(rt.desk.who, query.from_user.id)
    if known is None:
        await asyncio.to_thread(rt.identity.stranger, query.from_user.id)
        await query.answer(render_plain("stranger", "id", tz), show_alert=True)
        return None
    official, lang = known
    pending = await asyncio.to_thread(rt.pending.get, query.from_user.id)
    if pending is None or pending.kind != KIND or pending.data.get(button) != token:
        stale = StaleAction(f"this intake button ({button}) is no longer pending", code="stale")
        await asyncio.to_thread(rt.cases.refuse, None, official.key, f"intake:{button}", stale)
        await query.answer(render_plain("intake_stale", lang, tz), show_alert=True)
        return None
    return official, lang, pending


async def _allowed(update: Update, rt: Runtime, official: Official, lang: str) -> list[Sop]:
    """The open SOPs ``official`` may register a letter on, asked of the service before the first
    question (the SOPs' ``registrars``: the rule has one home). None: the refusal, audited there,
    is told."""
    try:
        return await asyncio.to_thread(rt.cases.registrable, official.key, action="intake")
    except DomainError as refusal:
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return []


async def _choose_sop(
    update: Update,
    context: BotContext,
    official: Official,
    lang: str,
    sops: list[Sop],
    data: dict,
    turn: _Turn,
) -> None:
    """Before the first question: the SOP the letter goes to. Only one open to the official: it,
    unasked; several: their numbers and titles as buttons (a scan and its caption stay pending)."""
    rt = context.runtime
    if len(sops) == 1:
        await _start(update, context, official, lang, sops[0], data, turn)
        return
    await _audit_errors(rt, official, turn.errors)  # a refused scan is asked for again later
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


async def _start(
    update: Update, context: BotContext, official: Official, lang: str, sop: Sop, data: dict, turn: _Turn
) -> None:
    """The letter goes to ``sop``: read a kept caption by its fields, drop a scan it does not ask
    for, then the first question."""
    data = {**data, "sop": sop.id}
    caption = data.pop("caption", None)
    if sop.field("scan") is None:
        data.pop("scan", None)
    errors = dict(turn.errors)
    if caption is not None:
        data, refused = registration.absorb(
            sop, data, registration.parse_caption(sop, caption), _today(context.runtime)
        )
        errors |= refused
    taken = tuple(f.key for f in sop.fields if f.key in data and f.key != "scan")
    scan = (data.get("scan") or {}).get("sha256")
    if taken or scan:  # answers came with a scan and its caption: say so with the next question
        turn = _Turn(errors, "scan", taken, scan, turn.answered)
    else:
        turn = _Turn(errors, turn.intro, (), None, turn.answered)
    await _advance(update, context, official, lang, sop, data, turn)


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
    await _audit_errors(rt, official, turn.errors)
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


async def _audit_errors(rt: Runtime, official: Official, errors: dict) -> None:
    """Audit the answers refused, by field and why; never the text itself."""
    if errors:
        refusal = InvalidInput(f"intake answers refused: {errors}", code="answer_invalid", fields=errors)
        await refuse_answer(rt, official, Pending(official.telegram_id, official.key, KIND), refusal)


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
    context: BotContext, asks_scan: bool, message: Message, data: dict, errors: dict
) -> tuple[dict, str | None]:
    """Download and hash the document or photo in ``message``; the new data and the SHA-256.

    A refused file (uploads forbidden, not a PDF or image, too large) is never downloaded: the
    reason goes into ``errors["scan"]``. Without ``asks_scan`` (no SOP the letter may go to asks
    for the scan) it takes only the caption.
    """
    if not asks_scan:
        return data, None
    carried = media_of(message)
    if carried is None:
        return data, None
    media, mime, name = carried
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
