"""The HTTP side of a running bot: the webhook endpoint and ``GET /healthz``.

The webhook answers 403 to a missing or wrong ``X-Telegram-Bot-Api-Secret-Token`` (compared in
constant time) and takes each ``update_id`` once, even across restarts and replicas (the ids are
rows). ``/healthz`` reports whether the database answers, how long the outbox queue is, and how many
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
from workflow.service.operations import Operations

__all__ = ["health_app", "webhook_app", "webhook_path"]

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(settings: Settings) -> str:
    """The path part of ``WEBHOOK_URL`` (``/`` if it has none)."""
    return urlparse(settings.webhook_url).path or "/"


def health_app(operations: Operations) -> web.Application:
    """Only ``GET /healthz``: 200 with ``operations.health()`` as JSON, 503 when the database fails."""
    web_app = web.Application()

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
            update = Update.de_json(await request.json(), app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        if update is None or not await asyncio.to_thread(operations.first_time, update.update_id):
            return web.Response(text="ok")  # a repeat: Telegram retried a delivery we already took
        await app.update_queue.put(update)
        return web.Response(text="ok")

    web_app.router.add_post(webhook_path(settings), receive)
    return web_app
