"""Reply markup checks: inline keyboards (``callback_data`` of 1-64 bytes), force reply, removal."""

from typing import Any

from botapi.errors import bad_request
from botapi.params import Params

__all__ = ["inline_keyboard", "read_markup"]

_KINDS = ("inline_keyboard", "force_reply", "remove_keyboard", "keyboard")


def read_markup(params: Params, inline_only: bool = False) -> dict[str, Any] | None:
    """The ``reply_markup`` parameter, checked as Telegram checks it, or None when absent.

    Args:
        params: the call's parameters.
        inline_only: edits accept only an inline keyboard.
    """
    markup = params.obj("reply_markup", "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict) or not any(k in markup for k in _KINDS):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {"inline_keyboard": _check_inline(markup["inline_keyboard"])}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup and not _rows_of(markup["keyboard"], (dict, str)):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    return markup


def inline_keyboard(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a markup that a Message object carries: only an inline keyboard."""
    if markup and "inline_keyboard" in markup:
        return markup
    return None


def _check_inline(rows: Any) -> list[list[dict[str, Any]]]:
    if not _rows_of(rows, (dict,)):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            _check_button(button)
    return rows


def _check_button(button: dict[str, Any]) -> None:
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not text.strip():
        # Our wording: Telegram refuses an empty label, but the exact text was not checked.
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [
        k
        for k in (
            "callback_data",
            "url",
            "switch_inline_query",
            "web_app",
            "login_url",
            "switch_inline_query_current_chat",
            "copy_text",
            "pay",
        )
        if k in button
    ]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")


def _rows_of(rows: Any, kinds: tuple[type, ...]) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, list) and all(isinstance(b, kinds) for b in row) for row in rows
    )
