"""``disposisi run``: the bot, polling."""

import asyncio
import signal

import typer

from bot.app import serve
from bot.cli.common import fail
from bot.logs import setup_logging
from bot.runtime import signing_keys
from bot.settings import Settings
from workflow.keys import KeyFileError

__all__ = ["run"]


def run() -> None:
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when WEBHOOK_URL is set.

    GET /healthz answers on HEALTH_PORT (polling) or beside the webhook (WEBHOOK_PORT).
    """
    settings = Settings()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    setup_logging(settings.log_level, token)
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
    typer.echo("starting the bot (Ctrl-C stops it)", err=True)
    asyncio.run(_until_signalled(settings))


async def _until_signalled(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(settings, stop)
