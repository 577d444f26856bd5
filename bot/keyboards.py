"""No button outlives the state it was made for: every message the bot shows with a case's buttons
is recorded (``shown``), and once the case has moved on, whoever acted and wherever, the buttons
come off every such message in every chat (``clear_outdated``, run by each delivery pass).

The version a keyboard was made for is read from its own callback data (``bot.callbacks``), so a
message is recorded exactly as the official sees it. Buttons that are not a case's (the intake's
*Tetap daftarkan*) are not recorded.
"""

import asyncio
import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.callbacks import BadPayload, decode
from bot.ratelimit import no_retry
from bot.runtime import Runtime

__all__ = ["BATCH", "clear_outdated", "made_for", "shown"]

log = logging.getLogger(__name__)

#: Messages one pass takes the buttons off at most (the rest next pass).
BATCH = 100
#: What Telegram answers when the buttons are off already, or the message is gone: done.
_GONE = ("not modified", "message to edit not found", "can't be edited", "chat not found")


def made_for(markup: InlineKeyboardMarkup | None) -> tuple[int, int] | None:
    """The case id and version a keyboard's buttons were made for; None if it has no case buttons."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    for row in markup.inline_keyboard:
        for button in row:
            try:
                press = decode(button.callback_data)
            except BadPayload:
                continue
            return press.case_id, press.version
    return None


async def shown(rt: Runtime, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None) -> None:
    """The message was sent, or edited, with ``markup`` (None: without buttons now)."""
    await asyncio.to_thread(rt.buttons.shown, chat_id, message_id, made_for(markup))


async def clear_outdated(bot: Bot, rt: Runtime) -> int:
    """Take the buttons off every recorded message whose case has moved on; how many.

    The edits keep to the bot's rate through its limiter (``bot.ratelimit``). A message whose
    buttons are off already, or that is gone, counts as done; a 429 or a network error leaves the
    rest for the next pass.
    """
    done = 0
    for keyboard in await asyncio.to_thread(rt.buttons.outdated, BATCH):
        try:
            await bot.edit_message_reply_markup(
                chat_id=keyboard.chat_id, message_id=keyboard.message_id, reply_markup=None, **no_retry(bot)
            )
        except RetryAfter:
            break
        except (BadRequest, Forbidden) as exc:
            if not any(text in exc.message.lower() for text in _GONE):
                log.warning(
                    "buttons of message %s (case %s) not taken off: %s",
                    keyboard.message_id,
                    keyboard.case_id,
                    exc.message,
                )
        except TelegramError as exc:  # a network error: next pass
            log.info("buttons of message %s wait for Telegram: %s", keyboard.message_id, exc)
            break
        await asyncio.to_thread(rt.buttons.cleared, keyboard)
        done += 1
    return done
