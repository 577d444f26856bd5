"""The HTTP side of a running bot: the webhook endpoint and ``GET /healthz``.

The webhook answers 403 to a missing or wrong ``X-Telegram-Bot-Api-Secret-Token`` (compared in
constant time) and takes each ``update_id`` once, even across restarts and replicas (the ids are
rows). A body that is not an update the bot asked for (``bot.updates``) gets 400, one over
``MAX_BODY`` 413, each with one WARNING line naming what was wrong; nothing of it is stored.
``/healthz`` reports whether the database answers, how long the outbox queue is, and how many
seconds ago this process finished its last SLA sweep (null before the first, or with the sweep off).
"""

import asyncio
import hmac
import logging
from urllib.parse import urlparse

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.updates import MAX_BODY, UPDATES, Malformed, parse_update
from workflow.service.operations import Operations

__all__ = ["health_app", "webhook_app", "webhook_path"]

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(settings: Settings) -> str:
    """The path part of ``WEBHOOK_URL`` (``/`` if it has none)."""
    return urlparse(settings.webhook_url).path or "/"


def health_app(operations: Operations) -> web.Application:
    """Only ``GET /healthz``: 200 with ``operations.health()`` as JSON, 503 when the database fails."""
    web_app = web.Application(client_max_size=MAX_BODY)

    async def healthz(_request: web.Request) -> web.Response:
        report = await asyncio.to_thread(operations.health)
        return web.json_response(report, status=200 if report["status"] == "ok" else 503)

    web_app.router.add_get("/healthz", healthz)
    return web_app


def webhook_app(app: Application, settings: Settings, operations: Operations) -> web.Application:
    """``POST <webhook path>`` feeding the bot's update queue, and ``GET /healthz``."""
    secret = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret else None
    web_app = health_app(operations)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if secret is None or not hmac.compare_digest(given, secret):
            log.warning("webhook call refused: missing or wrong secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            if (request.content_length or 0) > MAX_BODY:
                raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
            update = Update.de_json(parse_update(await request.read(), UPDATES), app.bot)
        except web.HTTPRequestEntityTooLarge:
            return _refused(request, 413, f"body over {MAX_BODY} bytes")
        except Malformed as exc:
            return _refused(request, 400, str(exc))
        except Exception as exc:  # checked above; still, a body never costs a 500
            return _refused(request, 400, f"not a Telegram update ({type(exc).__name__})")
        if update is None or not await asyncio.to_thread(operations.first_time, update.update_id):
            return web.Response(text="ok")  # a repeat: Telegram retried a delivery we already took
        await app.update_queue.put(update)
        return web.Response(text="ok")

    web_app.router.add_post(webhook_path(settings), receive)
    return web_app


def _refused(request: web.Request, status: int, why: str) -> web.Response:
    """One WARNING line, no traceback, and nothing of the body (it may carry a PIN)."""
    log.warning("webhook body refused with %s: %s (from %s)", status, why, request.remote)
    return web.Response(status=status, text="not a Telegram update")
