"""Our own small Telegram Bot API server and the driver through which tests act as users.

``BotApiServer`` serves the methods the bot uses on 127.0.0.1 with Telegram's rules where they
matter (the JSON envelope, HTML parsing and lengths, button data, "message is not modified", 403
for users who blocked the bot or never started it, 429 flood control), and injects faults.
``server.user(...)`` returns a ``User`` who sends texts, photos and documents, replies, presses
buttons and reads what the bot sent.
"""

from botapi.driver import TINY_PNG, User
from botapi.errors import ApiError
from botapi.limits import Fault, Faults, RateLimiter
from botapi.parsemode import HtmlError, Parsed, parse_html, utf16_len
from botapi.records import LoggedRequest
from botapi.server import DEFAULT_TOKEN, BotApiServer
from botapi.views import Button, CallbackAnswer, ChatMessage

__all__ = [
    "DEFAULT_TOKEN",
    "TINY_PNG",
    "ApiError",
    "BotApiServer",
    "Button",
    "CallbackAnswer",
    "ChatMessage",
    "Fault",
    "Faults",
    "HtmlError",
    "LoggedRequest",
    "Parsed",
    "RateLimiter",
    "User",
    "parse_html",
    "utf16_len",
]
