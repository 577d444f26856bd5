"""Commands of daily use: ``/pin`` (the signing PIN), ``/bahasa`` (language), ``/terima`` (receipt)."""

import asyncio

from telegram import ForceReply, Update

from bot.context import BotContext
from bot.handlers.identify import official_of
from bot.handlers.questions import consumer, reask, refuse_answer
from bot.handlers.replies import deliver_now, refusal_text, refuse_command
from bot.runtime import Runtime
from bot.templating import languages, render_html
from workflow.commands import TickItem
from workflow.errors import DomainError, InvalidInput, NotAuthorised
from workflow.roster import Official
from workflow.service.pending import Pending
from workflow.signingpin import check_pin_format, pin_matches
from workflow.sop import StepKind

__all__ = ["on_language", "on_pin", "on_receipt"]


async def on_pin(update: Update, context: BotContext) -> None:
    """``/pin``: choose or change the signing PIN (the Direktur and whoever stands in for them).

    The new PIN twice, then the proof: the old PIN, or after a reset (and for the first PIN) the
    one-time code the admin handed over outside Telegram. Every message with a PIN or code is
    deleted at once; only the new PIN's hash is kept between the messages.
    """
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    try:  # the rule on who holds a PIN is the service's; it audits the refusal
        status = await asyncio.to_thread(rt.pins.begin, official.key)
    except NotAuthorised as refusal:
        text = render_html("pin_not_for_you", lang, rt.settings.tz, roles=refusal.params.get("roles", []))
        await update.effective_message.reply_text(text)
        return
    if status.proof == "none_issued":
        await update.effective_message.reply_text(
            render_html("pin_need_code", lang, rt.settings.tz, locked=status.locked)
        )
        return
    prompt = await update.effective_message.reply_text(
        render_html("ask_new_pin", lang, rt.settings.tz), reply_markup=ForceReply(selective=True)
    )
    pending = Pending(
        update.effective_user.id,
        official.key,
        "pin_new",
        data={"proof": status.proof},
        prompt_message_id=prompt.message_id,
    )
    await asyncio.to_thread(rt.pending.put, pending)


@consumer("pin_new")
@consumer("pin_confirm")
@consumer("pin_proof")
async def on_pin_entry(update: Update, context: BotContext, official: Official, pending: Pending) -> None:
    """The new PIN, the same again, then the old PIN or the admin's code; each deleted at once."""
    rt = context.runtime
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    secret = (update.effective_message.text or "").strip()
    await update.effective_message.delete()
    chat, tz = update.effective_chat, rt.settings.tz
    if pending.kind == "pin_proof":
        await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
        try:
            await asyncio.to_thread(rt.pins.change, official.key, secret, pending.data["hash"])
        except DomainError as refusal:
            if refusal.code == "pin_locked":
                deliver_now(context)  # the admin's alert
            await chat.send_message(refusal_text(refusal, lang, rt))
            return
        await chat.send_message(render_html("pin_saved", lang, tz))
        return
    try:
        check_pin_format(secret)
    except DomainError as refusal:  # its message says what a PIN is, never what was typed
        await refuse_answer(rt, official, pending, refusal)
        await reask(update, rt, pending, render_html("pin_invalid", lang, tz))
        return
    if pending.kind == "pin_new":
        new_hash = await asyncio.to_thread(rt.pins.new_pin_hash, secret)
        await _ask_next(chat, rt, pending, "pin_confirm", "ask_pin_again", lang, hash=new_hash)
        return
    if not await asyncio.to_thread(pin_matches, secret, pending.data["hash"]):
        await refuse_answer(
            rt, official, pending, InvalidInput("the new PIN was not the same twice", code="pin_mismatch")
        )
        await asyncio.to_thread(rt.pending.clear, pending.telegram_id)
        await chat.send_message(render_html("pin_mismatch", lang, tz))
        return
    question = "ask_old_pin" if pending.data["proof"] == "old_pin" else "ask_pin_code"
    await _ask_next(chat, rt, pending, "pin_proof", question, lang)


async def _ask_next(chat, rt, pending: Pending, kind: str, template: str, lang: str, **data) -> None:
    prompt = await chat.send_message(
        render_html(template, lang, rt.settings.tz), reply_markup=ForceReply(selective=True)
    )
    following = Pending(
        pending.telegram_id,
        pending.official_key,
        kind,
        data={**pending.data, **data},
        prompt_message_id=prompt.message_id,
    )
    await asyncio.to_thread(rt.pending.put, following)


async def on_language(update: Update, context: BotContext) -> None:
    """``/bahasa [id|en]``: the language of the bot's messages to this official."""
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    choice = (context.args or [""])[0].lower()
    if choice not in languages():
        await refuse_command(
            rt,
            official.key,
            "bahasa",
            InvalidInput(f"/bahasa takes {' or '.join(languages())}", code="command_usage"),
        )
        await update.effective_message.reply_text(render_html("language_usage", lang, rt.settings.tz))
        return
    await asyncio.to_thread(rt.identity.set_language, official.key, choice, languages())
    await update.effective_message.reply_text(render_html("language_set", choice, rt.settings.tz))


async def on_receipt(update: Update, context: BotContext) -> None:
    """``/terima <case> <receipt no>``: tick the receipt of a case at its dispatch step."""
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    if len(context.args or []) < 2:
        await refuse_command(
            rt,
            official.key,
            "terima",
            InvalidInput("/terima takes a case and a receipt number", code="command_usage"),
        )
        await update.effective_message.reply_text(render_html("receipt_usage", lang, rt.settings.tz))
        return
    case_ref, receipt = context.args[0], " ".join(context.args[1:])
    item = await asyncio.to_thread(_receipt_item, rt, case_ref)
    command = TickItem(item, value=receipt)
    try:
        await asyncio.to_thread(rt.cases.act, case_ref, official.key, command)
    except DomainError as refusal:
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return
    deliver_now(context)  # what was recorded, and where the case stands, comes as a fresh message (acted)


def _receipt_item(rt: Runtime, case_ref: str) -> str:
    """The key of the item that takes the receipt on the case's SOP ("" when the case or the item is
    unknown: the engine then refuses the tick, audited, as for any unknown case or item)."""
    try:
        sop = rt.cases.view(case_ref).sop
    except DomainError:
        return ""
    dispatch = sop.first_of(StepKind.DISPATCH)
    item = dispatch.receipt_item if dispatch is not None else None
    return item.key if item is not None else ""
