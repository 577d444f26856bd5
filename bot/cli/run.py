"""``disposisi run``: the bot, polling or behind a webhook."""

import asyncio
import logging
import signal

import typer

from bot.app import serve
from bot.cli.common import fail, load_settings, runtime
from bot.failures import env_file, explain, masked_url
from bot.logs import setup_logging
from bot.runtime import signing_keys
from bot.settings import Settings
from workflow.keys import KeyFileError

__all__ = ["run"]

log = logging.getLogger(__name__)


def run() -> None:
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when WEBHOOK_URL is set.

    GET /healthz answers on HEALTH_PORT (polling) or beside the webhook (WEBHOOK_PORT). A setting
    that stops the start is one line naming it (exit 2); the traceback only at LOG_LEVEL=DEBUG.
    """
    settings = load_settings()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    setup_logging(settings.log_level, token, settings.log_format)
    _check_settings(settings, token)
    found = env_file()
    typer.echo(f"settings: {found if found else 'no .env file here; from the environment only'}", err=True)
    typer.echo(f"database: {masked_url(settings.database_url)}", err=True)
    _check_roster(settings)
    typer.echo("starting the bot (Ctrl-C stops it)", err=True)
    try:
        asyncio.run(_until_signalled(settings))
    except Exception as exc:
        problem = explain(exc, settings)
        if problem is None:
            raise
        log.debug("the bot could not start", exc_info=True)  # through the token filter
        fail(str(problem), code=2)


def _check_settings(settings: Settings, token: str | None) -> None:
    if token is None:
        fail("TELEGRAM_BOT_TOKEN is not set; see .env.example", code=2)
    if settings.audit_key is None:
        fail(
            "AUDIT_KEY is not set: the bot records every action in the audit chain; see .env.example", code=2
        )
    if settings.signing_key_file is None:
        fail(
            "SIGNING_KEY_FILE is not set: signatures are sealed with a key kept outside the database; "
            "make one with `disposisi keys new --out FILE` (see docs/keys.md)",
            code=2,
        )
    try:
        signing_keys(settings)
    except KeyFileError as exc:
        fail(f"SIGNING_KEY_FILE or SIGNING_PREVIOUS_KEYS: {exc}", code=2)
    if settings.webhook_url and settings.webhook_secret is None:
        fail(
            "WEBHOOK_URL is set but WEBHOOK_SECRET is not: the webhook would accept anyone's updates", code=2
        )


def _check_roster(settings: Settings) -> None:
    """The database opens, is migrated and has someone to send steps to."""
    with runtime("run", writes=True, settings=settings) as rt:
        active = [o for o in rt.roster.directory().officials.values() if o.active]
    if not active:
        fail(
            "the database has no active officials: import the roster first with "
            "'disposisi roster import FILE' (see examples/roster.toml)",
            code=2,
        )


async def _until_signalled(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(settings, stop)
