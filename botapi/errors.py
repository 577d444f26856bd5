"""Bot API errors and the JSON envelope they travel in, worded as Telegram words them."""

from typing import Any

__all__ = [
    "ApiError",
    "bad_request",
    "blocked",
    "cannot_initiate",
    "chat_not_found",
    "conflict",
    "envelope_error",
    "envelope_ok",
    "not_found",
    "too_many_requests",
    "unauthorized",
]


class ApiError(Exception):
    """A refused Bot API call: an HTTP status, Telegram's description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """The body Telegram answers with: ``{"ok": false, "error_code": ..., ...}``."""
        return envelope_error(self.code, self.description, self.parameters)


def envelope_ok(result: Any, description: str | None = None) -> dict[str, Any]:
    """A successful answer, ``{"ok": true, "result": ...}``."""
    body: dict[str, Any] = {"ok": True, "result": result}
    if description:
        body["description"] = description
    return body


def envelope_error(code: int, description: str, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """A refusal, ``{"ok": false, "error_code": N, "description": "..."}`` (+ ``parameters``)."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's ``Bad Request:`` prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def chat_not_found() -> ApiError:
    """The chat id names no user the server knows."""
    return bad_request("chat not found")


def blocked() -> ApiError:
    """The user blocked the bot."""
    return ApiError(403, "Forbidden: bot was blocked by the user")


def cannot_initiate() -> ApiError:
    """The user never wrote to the bot, so the bot may not write first."""
    return ApiError(403, "Forbidden: bot can't initiate conversation with a user")


def too_many_requests(retry_after: int) -> ApiError:
    """Flood control: 429 with ``parameters.retry_after`` in whole seconds."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def conflict(detail: str) -> ApiError:
    """409, e.g. getUpdates while a webhook is set."""
    return ApiError(409, f"Conflict: {detail}")


def unauthorized() -> ApiError:
    """A well-formed token that is not this bot's."""
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    """An unknown method or a malformed token."""
    return ApiError(404, "Not Found")
