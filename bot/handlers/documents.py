"""``/cetak <case>``: the lembar disposisi of a case as a PDF, for officials who may see the case."""

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import BotContext
from bot.documents import filename, render_pdf
from bot.handlers.identify import official_of
from bot.handlers.replies import refuse_command, why
from bot.templating import render_html
from workflow.errors import DomainError, InvalidInput, NotAuthorised
from workflow.visibility import may_see

__all__ = ["on_print"]

_KIND = "lembar_disposisi"


async def on_print(update: Update, context: BotContext) -> None:
    """Send the lembar disposisi of a case; refuse (and audit) anyone who may not see it."""
    rt, tz, message = context.runtime, context.runtime.settings.tz, update.effective_message
    official, lang = await official_of(update, context)
    if official is None:
        return
    if len(context.args or []) != 1:
        await refuse_command(
            rt, official.key, "cetak", InvalidInput("/cetak takes one case number", code="command_usage")
        )
        await message.reply_text(render_html("print_usage", lang, tz))
        return
    ref = number = context.args[0].upper()
    try:
        view = await asyncio.to_thread(rt.cases.view, ref, viewer=official.key)
        number = view.case.number
        if not may_see(view.case, view.sop, view.directory, official.key, datetime.now(UTC)):
            raise NotAuthorised(f"{official.key} may not see case {number}", code="not_your_case")
    except DomainError as refusal:
        await asyncio.to_thread(rt.cases.refuse, ref, official.key, "print", refusal)
        await message.reply_text(_refused(refusal, number, lang, tz))
        return
    pdf = await asyncio.to_thread(render_pdf, _KIND, view, tz)
    caption = render_html("print_caption", lang, tz, case=view.case)
    await message.reply_document(document=pdf, filename=filename(view, _KIND), caption=caption)


def _refused(refusal: DomainError, number: str, lang: str, tz: ZoneInfo) -> str:
    """``print_refused``: the case, then why, as ``refused`` says it for a button."""
    return render_html("print_refused", lang, tz, case_number=number, **why(refusal))
