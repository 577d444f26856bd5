"""Serve an aiohttp application on its own event loop in a daemon thread.

So synchronous tests, async tests running their own loop, and the demo can all use one server.
"""

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable

from aiohttp import web

__all__ = ["Background"]


class Background:
    """One aiohttp application, served from ``start()`` until ``stop()``."""

    def __init__(self, name: str = "botapi-server") -> None:
        self.name = name
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        """Whether the thread is serving."""
        return self._thread is not None

    def start(self, make_app: Callable[[], web.Application], host: str, port: int) -> int:
        """Bind ``host:port`` (0: any free port) and serve; returns the bound port."""
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        bound: concurrent.futures.Future[int] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._serve, args=(make_app, host, port, bound), name=self.name, daemon=True
        )
        self._thread.start()
        try:
            return bound.result(timeout=10)
        except BaseException:
            self._thread.join(timeout=5)
            self._thread = None
            raise

    def stop(self) -> None:
        """Stop serving: in-flight requests get ``shutdown_timeout`` to finish, then the thread ends."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=15)
        self._thread = None

    def _serve(
        self,
        make_app: Callable[[], web.Application],
        host: str,
        port: int,
        bound: "concurrent.futures.Future[int]",
    ) -> None:
        loop = self._loop = asyncio.new_event_loop()
        try:
            try:
                runner = loop.run_until_complete(_open(make_app(), host, port))
            except BaseException as error:
                bound.set_exception(error)
                return
            bound.set_result(runner.addresses[0][1])
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()


async def _open(app: web.Application, host: str, port: int) -> web.AppRunner:
    # No access log: it would print URLs, and every API URL carries the bot token.
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=2.0, handler_cancellation=True
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner
