"""Messages that answer a question the bot asked (a ForceReply prompt or a guided conversation).

What the bot waits for is a database row (``workflow.service.pending``), so an answer given
after a restart, or handled by another replica, still finds its question. A message answers the
open question when it replies to that question's prompt, or to nothing; a reply to an older
prompt answers nothing (``addressed``), and is refused naming the open question. Each kind of
question has one consumer: the desk's questions (a note, a reason, the PIN, a checklist value, the
manifest) are taken by the desk in one transaction (``workflow.service.answering``, shown by
``bot.handlers.answers``), the others by the front end's consumers (``bot.handlers.questions``);
only the kinds that take files take a document or a photo. Every refused answer is audited.
"""

import asyncio
import logging
from dataclasses import replace

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.handlers import answers
from bot.handlers.identify import official_of, refuse_stranger
from bot.handlers.intake import start_from_scan
from bot.handlers.questions import CONSUMERS, TAKE_FILES, reask, refuse_answer
from bot.runtime import Runtime
from bot.templating import render_html
from workflow.errors import DomainError, InvalidInput
from workflow.roster import Official
from workflow.service.answering import KINDS, Answer
from workflow.service.cases import CaseView
from workflow.service.pending import NothingPending, Pending, PromptClosed, addressed
from workflow.signingpin import looks_like_pin
from workflow.sop import ChecklistItem

__all__ = ["on_cancel", "on_message"]

log = logging.getLogger(__name__)


async def on_message(update: Update, context: BotContext) -> None:
    """Give a message to the desk, which takes the answers to its questions in one transaction;
    route the rest to the consumer of the question it answers; refuse strangers."""
    rt, user, message = context.runtime, update.effective_user, update.effective_message
    if user is None or message is None:
        return
    carried = answers.media_of(message)
    media = carried[0] if carried else None
    answer = Answer(message.text or message.caption or "")
    if carried is not None:
        _, mime, name = carried
        answer = replace(
            answer, file_ref=f"telegram:{media.file_id}", mime_type=mime, file_name=name, size=media.file_size
        )
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    try:
        result = await asyncio.to_thread(rt.desk.answer, user.id, update.effective_chat.id, reply_to, answer)
    except Exception:
        if media is None and looks_like_pin(message.text):  # whatever failed, a PIN leaves the chat
            await _delete(message)
        raise
    if result is None:
        await refuse_stranger(update, context)
        return
    if result.show != "elsewhere":
        if result.pending.kind == "sign" and media is None:  # the PIN leaves the chat, whatever came of it
            await _delete(message)
        if result.refusal is not None and result.refusal.code == "text_expected":
            await reask(
                update, rt, result.pending, await _told(rt, result.lang, "text_expected", result.pending)
            )
            return
        await answers.show(update, context, result, answer, media)
        return
    official, lang, pending = result.official, result.lang, result.pending
    known = pending is not None and (pending.kind in CONSUMERS or pending.kind in KINDS)
    pending = pending if known else None
    is_file = media is not None
    try:
        question = addressed(pending, reply_to)
    except NothingPending as refusal:
        if is_file:
            await start_from_scan(update, context, official)
            return
        await _unanswered(update, context, official, lang, pending, refusal)
        return
    except PromptClosed as refusal:
        await _unanswered(update, context, official, lang, pending, refusal)
        return
    if is_file and question.kind not in TAKE_FILES:
        await refuse_answer(
            rt, official, question, InvalidInput("a file where the question needs text", code="text_expected")
        )
        await reask(update, rt, question, await _told(rt, lang, "text_expected", question))
        return
    await CONSUMERS[question.kind](update, context, official, question)


async def _delete(message) -> None:
    """Take a message (a PIN) out of the chat; Telegram refusing changes nothing decided."""
    try:
        await message.delete()
    except TelegramError as exc:
        log.warning("message %s could not be deleted: %s", message.message_id, exc)


async def _unanswered(
    update: Update,
    context: BotContext,
    official: Official,
    lang: str,
    pending: Pending | None,
    refusal: DomainError,
) -> None:
    """A message that answers no open question: audited, deleted when it may be a PIN (typed after
    signing locked, say), and told which question is open, if any."""
    rt, message = context.runtime, update.effective_message
    deleted = not (message.document or message.photo) and looks_like_pin(message.text)
    if deleted:
        refusal.params["looks_like_pin"] = True  # the audit row says why it was deleted, not what it was
    await refuse_answer(rt, official, None, refusal)  # not the open question's: it answered nothing
    if deleted:
        await message.delete()
    locked = deleted and (await asyncio.to_thread(rt.pins.status, official.key)).locked
    text = await _told(rt, lang, refusal.code, pending, deleted=deleted, locked=locked)
    if pending is not None:  # it names the open question: a reply to it answers that question
        await reask(update, rt, pending, text)
    else:
        await update.effective_chat.send_message(text)


async def _told(rt: Runtime, lang: str, code: str, pending: Pending | None, **values) -> str:
    """``unanswered``: why the message was not taken, and the open question with its case."""
    number = item = None
    if pending is not None and pending.case_id is not None:
        view = await asyncio.to_thread(rt.cases.view, pending.case_id)
        number, item = view.case.number, _asked_item(view, pending)
    values = {"deleted": False, "locked": False, **values}
    return render_html(
        "unanswered",
        lang,
        rt.settings.tz,
        code=code,
        open=pending and pending.kind,
        case_number=number,
        item=item,
        **values,
    )


def _asked_item(view: CaseView, pending: Pending) -> ChecklistItem | None:
    """The SOP checklist item a tick question asks about (``None`` for any other question)."""
    key = pending.data.get("item") if pending.kind in ("tick", "tick_receipt") else None
    record = view.case.step_by_id(pending.step_id) if key and pending.step_id is not None else None
    return view.sop.step(record.step_no).item(key) if record is not None else None


async def on_cancel(update: Update, context: BotContext) -> None:
    """``/batal``: forget the pending question, if any."""
    rt, user = context.runtime, update.effective_user
    official, lang = await official_of(update, context)
    if official is None:
        return
    cleared = await asyncio.to_thread(rt.pending.clear, user.id)
    await update.effective_message.reply_text(
        render_html("cancelled" if cleared else "nothing_pending", lang, rt.settings.tz)
    )
