"""Webhook mode: POST queued updates, one at a time and in order, to the URL setWebhook gave.

Like Telegram: the secret token travels in ``X-Telegram-Bot-Api-Secret-Token``; an update leaves
the queue only on a 2xx answer; failures are retried with a growing pause and shown in
getWebhookInfo's ``last_error_*``.
"""

import asyncio
import contextlib
import copy
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
from aiohttp import web

from botapi.state import Store

__all__ = ["SECRET_HEADER", "deliver_updates", "delivery_context"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_TIMEOUT = aiohttp.ClientTimeout(total=10)


async def deliver_updates(store: Store, session: aiohttp.ClientSession) -> None:
    """Run until the store closes."""
    failures = 0
    while True:
        try:
            item = await store.wait_async(lambda: _next(store), 3600)
        except TimeoutError:
            continue
        if item == "closed":
            return
        url, secret, update = item
        headers = {SECRET_HEADER: secret} if secret else {}
        error = await _post(session, url, update, headers)
        with store.lock:
            if error is None:
                store.updates = [u for u in store.updates if u["update_id"] != update["update_id"]]
                failures = 0
            else:
                store.webhook.last_error_date = store.now()
                store.webhook.last_error_message = error
                failures += 1
            store.notify()
        if error is not None:
            await asyncio.sleep(min(0.05 * 2**failures, 2.0))


def _next(store: Store) -> tuple[str, str | None, dict[str, Any]] | str | None:
    if store.closed:
        return "closed"
    if store.webhook.url and store.updates:
        return store.webhook.url, store.webhook.secret_token, copy.deepcopy(store.updates[0])
    return None


async def _post(
    session: aiohttp.ClientSession, url: str, update: dict[str, Any], headers: dict[str, str]
) -> str | None:
    """None on success, else the error as getWebhookInfo words it."""
    try:
        async with session.post(url, json=update, headers=headers, timeout=_TIMEOUT) as response:
            if 200 <= response.status < 300:
                return None
            return f"Wrong response from the webhook: {response.status} {response.reason}"
    except TimeoutError:
        return "Read timeout expired"
    except aiohttp.ClientError:
        return "Connection refused"


def delivery_context(store: Store) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp cleanup context that runs ``deliver_updates`` while the application runs."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        session = aiohttp.ClientSession()
        task = asyncio.create_task(deliver_updates(store, session))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await session.close()

    return context
