"""``/tugas`` (my open steps), ``/status <case>``, ``/cari <text>`` and ``/bantuan``."""

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.handlers.identify import official_of
from bot.handlers.replies import refusal_text, refuse_command
from bot.keyboards import shown
from bot.messages import fit, revoke_keyboard, revoke_operators, step_keyboard, step_text
from bot.templating import render_html
from workflow.errors import DomainError, InvalidInput

__all__ = ["on_help", "on_search", "on_status", "on_tasks"]

#: At most this many step messages answer one /tugas.
TASK_LIMIT = 10


async def on_tasks(update: Update, context: BotContext) -> None:
    """``/tugas``: each open step I hold (or stand in for), oldest first, with its buttons."""
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    numbers = await asyncio.to_thread(rt.queries.my_tasks, official.key)
    tz = rt.settings.tz
    await update.effective_message.reply_text(
        render_html("tasks", lang, tz, count=len(numbers), limit=TASK_LIMIT)
    )
    for number in numbers[:TASK_LIMIT]:
        view = await asyncio.to_thread(rt.cases.view, number, viewer=official.key)
        allowed = list(view.allowed)
        current = view.case.current
        acting_for = None if current.assignee == official.key else view.directory.name(current.assignee)
        text = step_text(view, lang, tz, acting_for=acting_for, uploads=rt.settings.allow_scan_uploads)
        keyboard = step_keyboard(view, allowed, lang, uploads=rt.settings.allow_scan_uploads)
        sent = await update.effective_message.reply_text(text, reply_markup=keyboard)
        await shown(rt, sent.chat_id, sent.message_id, keyboard)


async def on_status(update: Update, context: BotContext) -> None:
    """``/status <case>``: the timeline with durations against the SOP time."""
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    if len(context.args or []) != 1:
        await refuse_command(
            rt, official.key, "status", InvalidInput("/status takes one case number", code="command_usage")
        )
        await update.effective_message.reply_text(render_html("status_usage", lang, rt.settings.tz))
        return
    try:
        view = await asyncio.to_thread(rt.queries.status, context.args[0], official.key)
    except DomainError as refusal:
        await asyncio.to_thread(rt.cases.refuse, context.args[0], official.key, "status", refusal)
        await update.effective_message.reply_text(refusal_text(refusal, lang, rt))
        return
    revoked_by = view.directory.name(view.case.access_revoked_by) if view.case.access_revoked_by else None
    text = fit(
        "status",
        lang,
        rt.settings.tz,
        list(view.timeline),
        case=view.case,
        to=revoke_operators(view),  # who was granted data access, and who confirmed it was revoked
        by=revoked_by,
    )
    allowed = list(view.allowed)
    # The holder's superior may reassign from here (Alihkan); the holder's own buttons come with /tugas.
    keyboard = (
        step_keyboard(view, allowed, lang, uploads=rt.settings.allow_scan_uploads)
        if allowed == ["reassign"]
        else None
    )
    keyboard = keyboard or revoke_keyboard(view, allowed, lang)  # a closed case: Akses sudah dicabut
    sent = await update.effective_message.reply_text(text, reply_markup=keyboard)
    await shown(rt, sent.chat_id, sent.message_id, keyboard)


async def on_search(update: Update, context: BotContext) -> None:
    """``/cari <text>``: cases by letter number, institution or purpose, among those I may see."""
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    text = " ".join(context.args or []).strip()
    if len(text) < 2:
        await refuse_command(
            rt, official.key, "cari", InvalidInput("/cari takes at least 2 characters", code="command_usage")
        )
        await update.effective_message.reply_text(render_html("search_usage", lang, rt.settings.tz))
        return
    views = await asyncio.to_thread(rt.queries.search, text, official.key)
    await update.effective_message.reply_text(
        render_html("search", lang, rt.settings.tz, text=text, views=views)
    )


async def on_help(update: Update, context: BotContext) -> None:
    """``/bantuan``: what the bot does and its commands."""
    rt = context.runtime
    official, lang = await official_of(update, context)
    if official is None:
        return
    await update.effective_message.reply_text(render_html("help", lang, rt.settings.tz))
