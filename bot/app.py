"""One place wires everything: ``build_application(settings)``."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from time import perf_counter

from aiohttp import web
from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.context import BotContext, BotData
from bot.delivery import Delivery
from bot.failures import SetupError, explain
from bot.handlers.buttons import on_press
from bot.handlers.commands import on_language, on_pin, on_receipt
from bot.handlers.digest import on_digest
from bot.handlers.documents import on_print
from bot.handlers.inputs import on_cancel, on_message
from bot.handlers.intake import CHOOSE_PATTERN, FORCE_PATTERN, on_choose, on_force, on_new
from bot.handlers.queries import on_help, on_search, on_status, on_tasks
from bot.handlers.start import on_start
from bot.ratelimit import SendLimiter
from bot.runtime import open_runtime
from bot.settings import Settings
from bot.templating import labels, languages, render_html
from bot.transport import Transport
from bot.updates import UPDATES
from bot.web import health_app, webhook_app
from workflow.service.operations import Operations
from workflow.service.sweep import SlaSweep

__all__ = ["build_application", "last_sweep", "running", "serve"]

log = logging.getLogger(__name__)

#: How often the SLA sweep looks for steps past their due time (the deadlines are rows).
SWEEP_INTERVAL = 5.0
#: How often the delivery job looks at the outbox (actions also start it at once).
DELIVERY_INTERVAL = 1.0
#: How often the bot checks whether today's digest is due but not yet made (after downtime).
DIGEST_INTERVAL = 60.0


def build_application(
    settings: Settings,
    *,
    per_chat_rate: float | None = 1.0,
    sweep_interval: float | None = SWEEP_INTERVAL,
    digest_interval: float | None = DIGEST_INTERVAL,
) -> Application:
    """The bot against ``TELEGRAM_API_BASE_URL``; resources open in post_init and close in post_shutdown.

    ``sweep_interval=None`` turns off the SLA sweep and the daily digest with it (tests whose cases
    run on a fake clock); ``digest_interval=None`` turns off only the digest. ``per_chat_rate`` is
    the messages per second one chat gets (None: no per-chat limit, for tests whose server has none).
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base = settings.telegram_api_base_url.rstrip("/")
    # A delivery pass may outlast the 1 s tick under load; the skipped tick loses nothing (the
    # outbox is rows, and every action starts a pass), so APScheduler need not warn about it.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    # The one limiter, under every request of the bot: the outbox's and the handlers' (bot.ratelimit).
    limiter = SendLimiter(global_rate=settings.telegram_send_rate, per_chat_rate=per_chat_rate)

    async def post_init(app: Application) -> None:
        runtime = open_runtime(settings, "run", writes=True)
        app.bot_data.runtime = runtime
        app.bot_data.delivery = Delivery(
            runtime, Transport(limiter), lease=timedelta(seconds=settings.outbox_lease_seconds)
        )
        for lang in languages():  # Indonesian (the first) is also the default for every other language
            commands = [BotCommand(name, text) for name, text in labels(lang, "commands").items()]
            await app.bot.set_my_commands(commands, language_code=None if lang == "id" else lang)
        if sweep_interval is not None:  # None: no SLA sweep (tests whose cases run on a fake clock)
            sweep = SlaSweep(
                runtime.sessions, lambda: datetime.now(UTC), runtime.calendar, settings.sla_policy
            )
            app.bot_data.extra["sweep"] = sweep
            app.job_queue.run_repeating(
                _sweep,
                interval=sweep_interval,
                first=0.5,
                name="sla-sweep",
                job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )
        if sweep_interval is not None and digest_interval is not None:
            _schedule_digest(app, settings, digest_interval)
        app.job_queue.run_repeating(
            _deliver,
            interval=DELIVERY_INTERVAL,
            first=0.1,
            name="delivery",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    async def post_shutdown(app: Application) -> None:
        if app.bot_data.runtime is not None:
            app.bot_data.runtime.close()

    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .rate_limiter(limiter)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("batal", on_cancel))
    app.add_handler(CommandHandler("pin", on_pin))
    app.add_handler(CommandHandler("bahasa", on_language))
    app.add_handler(CommandHandler("terima", on_receipt))
    app.add_handler(CommandHandler("cetak", on_print))
    app.add_handler(CommandHandler("tugas", on_tasks))
    app.add_handler(CommandHandler("status", on_status))
    app.add_handler(CommandHandler("cari", on_search))
    app.add_handler(CommandHandler("bantuan", on_help))
    app.add_handler(CommandHandler("digest", on_digest))
    app.add_handler(CommandHandler("baru", on_new))
    app.add_handler(CallbackQueryHandler(on_force, pattern=FORCE_PATTERN))
    app.add_handler(CallbackQueryHandler(on_choose, pattern=CHOOSE_PATTERN))
    app.add_handler(CallbackQueryHandler(on_press))
    app.add_handler(MessageHandler(filters.TEXT | filters.PHOTO | filters.Document.ALL, on_message))
    app.add_error_handler(_on_error)
    return app


@contextlib.asynccontextmanager
async def running(app: Application, *, polling: bool = True) -> AsyncIterator[Application]:
    """Run ``app`` inside an event loop someone else owns (``disposisi run``, the demo, the tests).

    ``run_polling`` owns its loop; this does what it does (``post_init`` included) and undoes it.
    Without ``polling`` the updates come from the webhook (``bot.web``).
    """
    async with app:
        await app.post_init(app)
        await app.start()
        if polling:
            # Long polling: each getUpdates waits up to POLL_TIMEOUT_SECONDS for an update; PTB adds
            # that to the HTTP read timeout, and stop() cancels the request in flight.
            timeout = app.bot_data.runtime.settings.poll_timeout_seconds
            await app.updater.start_polling(
                poll_interval=0.0,
                timeout=timeout,
                allowed_updates=UPDATES,
                error_callback=_polling_failed(app.bot_data.runtime.settings),
            )
        try:
            yield app
        finally:
            if polling:
                await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """``disposisi run``: polling, or the webhook when ``WEBHOOK_URL`` is set; ``/healthz`` beside."""
    app = build_application(settings)
    webhook = bool(settings.webhook_url)
    async with running(app, polling=not webhook):
        operations = Operations(app.bot_data.runtime.sessions, last_sweep=lambda: last_sweep(app))
        if webhook:
            secret = settings.webhook_secret.get_secret_value()
            await app.bot.set_webhook(settings.webhook_url, secret_token=secret, allowed_updates=UPDATES)
            site_app, port = webhook_app(app, settings, operations), settings.webhook_port
        else:
            site_app, port = health_app(operations), settings.health_port
        runner = web.AppRunner(site_app, access_log=None)
        await runner.setup()
        if port:
            await _listen(runner, settings.webhook_listen, port, "WEBHOOK_PORT" if webhook else "HEALTH_PORT")
            log.info(
                "listening on %s:%s (%s)", settings.webhook_listen, port, "webhook" if webhook else "health"
            )
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def _polling_failed(settings: Settings):
    """Say in one line why a poll failed (PTB tries again with a growing pause); the traceback at DEBUG."""

    def report(exc: TelegramError) -> None:
        problem = explain(exc, settings)
        log.error("polling for updates failed: %s", problem if problem is not None else exc)
        log.debug("polling for updates failed", exc_info=exc)

    return report


async def _listen(runner: web.AppRunner, host: str, port: int, setting: str) -> None:
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        raise SetupError(
            f"cannot listen on {host}:{port} (WEBHOOK_LISTEN, {setting}): {exc.strerror or exc}; "
            f"another program uses the port, or choose another {setting}"
        ) from exc


def last_sweep(app: Application) -> datetime | None:
    """When this process last finished an SLA sweep (None before the first, or with the sweep off)."""
    return app.bot_data.extra.get("sweep_finished_at")


async def _sweep(context: BotContext) -> None:
    """Queue the reminders and escalations that fell due (rows; exactly once), then send them.

    Each reminder and escalation is one INFO line of its own (``workflow.db.caselog``); the sweep
    itself logs at DEBUG, so a quiet hour logs nothing at INFO.
    """
    started = perf_counter()
    created = await asyncio.to_thread(context.bot_data.extra["sweep"].run)
    context.bot_data.extra["sweep_finished_at"] = datetime.now(UTC)
    took = (perf_counter() - started) * 1000
    if created:
        log.debug("SLA sweep: %d notices queued in %.0f ms", created, took)
        await context.bot_data.delivery.run_once(context.bot)
    else:
        log.debug("SLA sweep: nothing due (%.0f ms)", took)


def _schedule_digest(app: Application, settings: Settings, interval: float) -> None:
    """The daily digest at ``DIGEST_TIME``, and a check every ``interval`` seconds (the first one
    ``interval`` after the start) that makes the digest a bot that was down at that time missed.
    Whether one is due is read from the office calendar and the ``digests`` rows, never this timer."""
    every_run = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    at = settings.digest_time.replace(tzinfo=settings.tz)
    app.job_queue.run_daily(_digest, at, name="digest", job_kwargs=every_run)
    app.job_queue.run_repeating(
        _digest, interval=interval, first=interval, name="digest-catch-up", job_kwargs=every_run
    )


async def _digest(context: BotContext) -> None:
    """Make today's digest once it is due (a row: once across replicas and restarts), then send it."""
    digest = await asyncio.to_thread(context.runtime.digests.catch_up)
    if digest is not None:
        log.info("daily digest of %s stored and queued", digest.day)
        await context.bot_data.delivery.run_once(context.bot)


async def _deliver(context: BotContext) -> None:
    await context.bot_data.delivery.run_once(context.bot)


async def _on_error(update: object, context: BotContext) -> None:
    """Log with context; tell the user something short."""
    log.error("handler failed for %s", _described(update), exc_info=context.error)
    if (
        isinstance(update, Update)
        and update.effective_chat is not None
        and context.bot_data.runtime is not None
    ):
        tz = context.runtime.settings.tz
        await context.bot.send_message(update.effective_chat.id, render_html("error", "id", tz))


def _described(update: object) -> str:
    """Which update failed: its id, kind, sender and callback data, never the text of a message
    (it may be a PIN)."""
    if not isinstance(update, Update):
        return type(update).__name__
    kind = "callback_query" if update.callback_query else "message" if update.effective_message else "update"
    user = update.effective_user.id if update.effective_user else None
    data = f", data {update.callback_query.data!r}" if update.callback_query else ""
    return f"update {update.update_id} ({kind} from {user}{data})"
