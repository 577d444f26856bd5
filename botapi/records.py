"""The records the server keeps: users, messages, callback queries, the webhook, the request log."""

from dataclasses import dataclass
from typing import Any

__all__ = ["CallbackRecord", "LoggedRequest", "MessageRecord", "UserRecord", "Webhook"]


@dataclass
class UserRecord:
    """A user the driver created, and whether the bot may write to them."""

    data: dict[str, Any]
    started: bool = False
    blocked: bool = False

    @property
    def chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` of the private chat with this user."""
        keys = ("first_name", "last_name", "username")
        return {"id": self.data["id"], "type": "private", **{k: self.data[k] for k in keys if k in self.data}}


@dataclass
class MessageRecord:
    """A message in a chat: the Bot API object plus what only the server knows about it."""

    data: dict[str, Any]
    from_bot: bool
    markup: dict[str, Any] | None = None  # any reply markup the bot sent, force_reply included
    source: str | None = None  # the text or caption exactly as the bot sent it (HTML source)
    silent: bool = False  # sent with disable_notification
    deleted: bool = False


@dataclass
class CallbackRecord:
    """A button press waiting for, or having had, answerCallbackQuery."""

    id: str
    user_id: int
    message_id: int
    data: str
    created: float
    answer: dict[str, Any] | None = None


@dataclass
class Webhook:
    """The webhook setting; an empty url means getUpdates mode."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True)
class LoggedRequest:
    """One call the server received: method, parameters (uploads summarised), HTTP status.

    ``status`` is None for a request a ``hang`` fault never answered.
    """

    method: str
    params: dict[str, Any]
    status: int | None
    description: str | None = None
