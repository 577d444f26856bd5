"""The Bot API methods this server knows, by name, plus the bot-level ones (commands, webhook, files).

getUpdates is special (it waits) and lives in ``routes``; ``poll`` here is its synchronous part.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botapi import messages
from botapi.errors import bad_request, conflict
from botapi.params import Params
from botapi.state import Store

__all__ = ["METHODS", "Described", "canonical", "poll"]

MAX_DOWNLOAD = 20 * 1024 * 1024
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
QUERY_TOO_OLD = "query is too old and response timeout expired or query id is invalid"


@dataclass(frozen=True)
class Described:
    """A result Telegram sends with a ``description`` beside it (e.g. "Webhook was set")."""

    result: Any
    description: str


def get_me(store: Store, p: Params) -> dict[str, Any]:
    """getMe: the bot's own User object."""
    return store.bot


def set_my_commands(store: Store, p: Params) -> bool:
    """setMyCommands: stored per scope and language_code."""
    commands = p.obj("commands", "commands") or []
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be an array of at most 100 BotCommand")
    for command in commands:
        name = command.get("command", "") if isinstance(command, dict) else ""
        description = command.get("description", "") if isinstance(command, dict) else ""
        if not _COMMAND.match(str(name).removeprefix("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(description)) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    store.commands[_command_key(p)] = [
        {"command": str(c["command"]).removeprefix("/"), "description": str(c["description"])}
        for c in commands
    ]
    return True


def get_my_commands(store: Store, p: Params) -> list[dict[str, Any]]:
    """getMyCommands: exactly what was set for that scope and language (no fallback)."""
    return store.commands.get(_command_key(p), [])


def delete_my_commands(store: Store, p: Params) -> bool:
    """deleteMyCommands."""
    store.commands.pop(_command_key(p), None)
    return True


def set_chat_menu_button(store: Store, p: Params) -> bool:
    """setChatMenuButton: stored per chat (None: the default button)."""
    store.menu_buttons[p.integer("chat_id")] = p.obj("menu_button", "menu button") or {"type": "default"}
    return True


def get_chat_menu_button(store: Store, p: Params) -> dict[str, Any]:
    """getChatMenuButton."""
    chat_id = p.integer("chat_id")
    return store.menu_buttons.get(chat_id) or store.menu_buttons.get(None) or {"type": "commands"}


def set_webhook(store: Store, p: Params) -> Described:
    """setWebhook: updates are then POSTed to ``url`` (http allowed on loopback) instead of queued."""
    url = p.string("url") or ""
    if not url:
        return delete_webhook(store, p)
    secret = p.string("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        store.updates.clear()
    store.set_allowed_updates(p.obj("allowed_updates", "allowed updates"))
    store.webhook.url = url
    store.webhook.secret_token = secret
    store.webhook.max_connections = p.integer("max_connections") or 40
    return Described(True, "Webhook was set")


def delete_webhook(store: Store, p: Params) -> Described:
    """deleteWebhook: back to getUpdates mode."""
    if p.flag("drop_pending_updates"):
        store.updates.clear()
    was_set = bool(store.webhook.url)
    store.webhook.url, store.webhook.secret_token = "", None
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


def get_webhook_info(store: Store, p: Params) -> dict[str, Any]:
    """getWebhookInfo."""
    hook = store.webhook
    info: dict[str, Any] = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(store.updates),
    }
    if hook.url:
        info.update(max_connections=hook.max_connections, ip_address="127.0.0.1")
        if store.allowed_updates is not None:
            info["allowed_updates"] = sorted(store.allowed_updates)
    if hook.last_error_date is not None:
        info.update(last_error_date=hook.last_error_date, last_error_message=hook.last_error_message)
    return info


def send_chat_action(store: Store, p: Params) -> bool:
    """sendChatAction: nothing to show, but the same 400/403 as sending."""
    messages.recipient(store, p)
    return True


def answer_callback_query(store: Store, p: Params) -> bool:
    """answerCallbackQuery: once per query, within ``callback_timeout`` seconds of the press."""
    query = store.callbacks.get(p.string("callback_query_id") or "")
    timeout = store.callback_timeout
    expired = query is not None and timeout is not None and store.clock() - query.created > timeout
    if query is None or query.answer is not None or expired:
        raise bad_request(QUERY_TOO_OLD)
    query.answer = {
        "query_id": query.id,
        "data": query.data,
        "message_id": query.message_id,
        "text": p.string("text"),
        "show_alert": p.flag("show_alert"),
        "url": p.string("url"),
        "cache_time": p.integer("cache_time") or 0,
    }
    store.answers.setdefault(query.user_id, []).append(query.answer)
    return True


def get_file(store: Store, p: Params) -> dict[str, Any]:
    """getFile: the file's path under ``/file/bot<token>/``."""
    stored = store.files.get(p.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.as_file()


def poll(store: Store, p: Params) -> tuple[int, int]:
    """The synchronous part of getUpdates: confirm below ``offset``, remember allowed_updates.

    Returns:
        ``(limit, timeout)`` for the waiting part.
    """
    if store.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    store.confirm(p.integer("offset") or 0)
    store.set_allowed_updates(p.obj("allowed_updates", "allowed updates"))
    limit = min(max(p.integer("limit") or 100, 1), 100)
    return limit, max(p.integer("timeout") or 0, 0)


def _command_key(p: Params) -> tuple[str, str]:
    scope = p.obj("scope", "scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.string("language_code") or ""


Method = Callable[[Store, Params], Any]

METHODS: dict[str, Method] = {
    "getMe": get_me,
    "sendMessage": messages.send_message,
    "sendDocument": messages.send_document,
    "sendPhoto": messages.send_photo,
    "sendChatAction": send_chat_action,
    "editMessageText": messages.edit_message_text,
    "editMessageReplyMarkup": messages.edit_message_reply_markup,
    "deleteMessage": messages.delete_message,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
_BY_LOWER = {name.lower(): name for name in [*METHODS, "getUpdates"]}


def canonical(name: str) -> str | None:
    """The method's canonical spelling (Telegram ignores case), or None if unknown."""
    return _BY_LOWER.get(name.lower())
