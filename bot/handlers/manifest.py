"""The guided manifest of step 4: one question per field (per form, file or hardcopy), each
answer checked before the next is asked; the last one submits it, or waits for the checker to be
picked with the buttons."""

import asyncio
from dataclasses import replace
from zoneinfo import ZoneInfo

from telegram import ForceReply, Update

from bot.context import BotContext
from bot.handlers.acting import act, language
from bot.handlers.questions import consumer, reask, refuse_answer
from bot.handlers.replies import Ask, refusal_text
from bot.keyboards import shown
from bot.messages import people_keyboard
from bot.templating import render_html
from workflow.case import Case
from workflow.commands import SubmitManifest
from workflow.errors import ChoiceRequired, DomainError, InvalidInput
from workflow.limits import DESCRIPTION_LIMIT, LOCATION_LIMIT
from workflow.manifest import Manifest, is_sha256
from workflow.roster import Official
from workflow.service.pending import Pending

__all__ = ["MANIFEST_FIELDS", "first_manifest_question", "on_manifest_answer"]

#: The questions of the guided manifest, per form, in order.
MANIFEST_FIELDS = {
    "file": ("description", "records", "sha256", "location"),
    "hardcopy": ("description", "pages", "records"),
}


def first_manifest_question(form: str, lang: str, tz: ZoneInfo, case: Case) -> Ask:
    """The first question of the guided manifest."""
    field = MANIFEST_FIELDS[form][0]
    return Ask(
        "manifest", render_html(f"ask_manifest_{field}", lang, tz, case=case), {"form": form, "values": {}}
    )


async def _ask(update: Update, text: str) -> int:
    message = await update.effective_message.reply_text(text, reply_markup=ForceReply(selective=True))
    return message.message_id


@consumer("manifest")
async def on_manifest_answer(
    update: Update, context: BotContext, official: Official, pending: Pending
) -> None:
    """One answer of the guided manifest; the last one submits it."""
    rt, lang = context.runtime, await language(context.runtime, official)
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
        refusal = InvalidInput(
            f"the manifest's {field} was not accepted", code="answer_invalid", field=field, length=len(text)
        )
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
        keyboard = people_keyboard(view, candidates, lang, action="mf", first=("p",))
        sent = await update.effective_message.reply_text(
            render_html("pick_next", lang, tz, case=view.case), reply_markup=keyboard
        )
        await shown(rt, sent.chat_id, sent.message_id, keyboard)
        return
    await act(
        update,
        context,
        official,
        pending,
        SubmitManifest(manifest, step_id=pending.step_id),
        "submit_manifest",
        lang,
    )


def _manifest_value(field: str, text: str):
    if field == "description":
        if not text or len(text) > DESCRIPTION_LIMIT:
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
        sha256 = text.lower()
        if not is_sha256(sha256):
            raise ValueError(field)
        return sha256
    if not text or len(text) > LOCATION_LIMIT:  # location
        raise ValueError(field)
    return text
