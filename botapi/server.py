"""``BotApiServer``: our own Bot API on 127.0.0.1, run on an event loop in a background thread.

Usable from synchronous tests, from async tests (PTB on their own loop) and by the demo::

    with BotApiServer() as server:
        app = ApplicationBuilder().token(server.token).base_url(server.api_url) \\
            .base_file_url(server.file_url).build()
        andi = server.user(1001, "Andi")
        andi.send("/start")
"""

import re
import time
from collections.abc import Callable
from typing import Any, Self, TypeVar

from botapi.background import Background
from botapi.driver import User
from botapi.limits import Clock, Fault, Faults, RateLimiter
from botapi.methods import get_my_commands, get_webhook_info
from botapi.params import Params
from botapi.records import LoggedRequest
from botapi.routes import build_app
from botapi.state import Store

__all__ = ["DEFAULT_TOKEN", "BotApiServer"]

DEFAULT_TOKEN = "123456:TEST-token-not-real"
T = TypeVar("T")


class BotApiServer:
    """A small Telegram Bot API server with a driver for tests; see ``botapi/README.md``.

    Args:
        token: the only token accepted (others get 401); the bot's id is the number before ':'.
        host, port: where to listen (port 0 picks a free one).
        per_chat_rate, per_chat_burst: messages per second per chat after a burst (None: no limit).
        global_rate, global_burst: the same over all chats (None: no limit).
        callback_timeout: seconds within which a callback query must be answered (None: forever).
        clock: monotonic clock for rate limits, faults and callback expiry.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 3,
        global_rate: float | None = 30.0,
        global_burst: int = 30,
        callback_timeout: float | None = 15.0,
        bot_username: str = "disposisi_test_bot",
        bot_name: str = "Disposisi (test)",
        clock: Clock = time.monotonic,
    ) -> None:
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", token):
            raise ValueError("a bot token looks like 123456:ABC-def")
        self.token = token
        self.host, self.port = host, port
        self.limiter = RateLimiter(per_chat_rate, per_chat_burst, global_rate, global_burst, clock)
        self.faults = Faults(clock)
        bot = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.store = Store(bot, self.limiter, callback_timeout, clock)
        self._users: dict[int, User] = {}
        self._background = Background()

    # Lifecycle ---------------------------------------------------------------------------------

    def start(self) -> str:
        """Listen and serve in a background thread; returns the base URL."""
        self.store.closed = False
        self.port = self._background.start(
            lambda: build_app(self.store, self.faults, self.token), self.host, self.port
        )
        return self.base_url

    def stop(self) -> None:
        """Answer pending long polls and hung calls, close every connection, end the thread."""
        if self._background.running:
            self.store.close()
            self._background.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token, then ``/METHOD``."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``: PTB appends the token, then ``/PATH``."""
        return f"{self.base_url}/file/bot"

    # Driver ------------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        started: bool = False,
    ) -> User:
        """The user with this id (created on first call); ``started`` as if they had /start-ed."""
        extra = {"last_name": last_name, "username": username, "language_code": language_code}
        data = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            **{k: v for k, v in extra.items() if v is not None},
        }
        with self.store.lock:
            self.store.add_user(data, started)
            return self._users.setdefault(user_id, User(self.store, user_id))

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every call received, oldest first: method, params (uploads summarised), status."""
        with self.store.lock:
            return list(self.store.log)

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every ``method`` call, whatever its outcome."""
        return [r.params for r in self.requests if r.method.lower() == method.lower()]

    def count(self, method: str | None = None, status: int | None = None) -> int:
        """How many calls match the method and/or HTTP status."""
        return sum(
            1
            for r in self.requests
            if (method is None or r.method.lower() == method.lower())
            and (status is None or r.status == status)
        )

    def commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The commands setMyCommands stored for that scope and language."""
        values = {"language_code": language_code, "scope": scope}
        with self.store.lock:
            return get_my_commands(self.store, Params({k: v for k, v in values.items() if v}))

    @property
    def webhook(self) -> dict[str, Any]:
        """What getWebhookInfo would answer."""
        with self.store.lock:
            return get_webhook_info(self.store, Params({}))

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Block until ``predicate()`` is truthy (re-checked on every change); its value."""
        return self.store.wait(predicate, timeout)

    async def wait_for_async(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """``wait_for`` without blocking the calling event loop."""
        return await self.store.wait_async(predicate, timeout)

    # Faults and limits ---------------------------------------------------------------------------

    def fail(
        self,
        method: str | None = None,
        times: int | None = 1,
        *,
        seconds: float | None = None,
        status: int = 502,
        applied: bool = False,
    ) -> Fault:
        """Answer ``status`` to the next ``times`` calls (or for ``seconds``) of ``method`` or any."""
        return self.faults.add("fail", method, times, seconds, status, applied)

    def hang(
        self,
        method: str | None = None,
        times: int | None = 1,
        *,
        seconds: float | None = None,
        applied: bool = False,
    ) -> Fault:
        """Never answer the next ``times`` calls (or for ``seconds``): the client times out."""
        return self.faults.add("hang", method, times, seconds, applied=applied)

    def clear_faults(self) -> None:
        """Forget pending faults."""
        self.faults.clear()

    def set_rate_limits(
        self,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 3,
        global_rate: float | None = 30.0,
        global_burst: int = 30,
    ) -> None:
        """Change flood control while running (None turns a limit off)."""
        self.limiter.configure(per_chat_rate, per_chat_burst, global_rate, global_burst)
