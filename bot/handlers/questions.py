"""The questions the bot asks and who takes their answers: each kind of question has one consumer,
registered with ``@consumer("kind")`` (``files=True``: a document or a photo may answer it), and the
helpers every consumer shares to refuse an answer (audited) or ask again."""

import asyncio
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from bot.runtime import Runtime
from workflow.errors import DomainError
from workflow.roster import Official
from workflow.service.pending import Pending

__all__ = ["CONSUMERS", "TAKE_FILES", "consumer", "reask", "refuse_answer"]

Consumer = Callable[[Update, BotContext, Official, Pending], Awaitable[None]]
CONSUMERS: dict[str, Consumer] = {}
#: The kinds of question of the front end's own that a file may answer (the intake's scan; the
#: signed receipt is the desk's, ``workflow.service.answering.TAKE_FILES``).
TAKE_FILES: set[str] = set()


def consumer(kind: str, *, files: bool = False) -> Callable[[Consumer], Consumer]:
    """Register the function that handles answers to questions of ``kind`` (``files``: a document
    or photo may answer it; otherwise only text does)."""

    def register(function: Consumer) -> Consumer:
        CONSUMERS[kind] = function
        if files:
            TAKE_FILES.add(kind)
        return function

    return register


async def refuse_answer(
    rt: Runtime, official: Official, pending: Pending | None, refusal: DomainError
) -> None:
    """Audit a refused answer under its question's case, if any (``answer:<kind>``); nothing else
    changes. The refusal's message and params must not carry what was typed (it may be a PIN)."""
    action = f"answer:{pending.kind}" if pending is not None else "answer"
    case = pending.case_id if pending is not None else None
    await asyncio.to_thread(rt.cases.refuse, case, official.key, action, refusal)


async def reask(update: Update, rt: Runtime, pending: Pending, text: str) -> None:
    """Say why an answer was not taken, keeping the question open: the message asks it again, so a
    reply to it answers the question as a reply to the first prompt does."""
    sent = await update.effective_chat.send_message(text)
    await asyncio.to_thread(rt.pending.prompted, pending.telegram_id, pending.kind, sent.message_id)
