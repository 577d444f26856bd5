"""``disposisi run``: the bot, polling."""

import typer

from bot.app import build_application
from bot.cli.common import fail
from bot.logs import setup_logging
from bot.settings import Settings

__all__ = ["run"]


def run() -> None:
    """Run the bot (long polling) against TELEGRAM_API_BASE_URL until interrupted."""
    settings = Settings()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    setup_logging(settings.log_level, token)
    if token is None:
        fail("TELEGRAM_BOT_TOKEN is not set; see .env.example", code=2)
    if settings.audit_key is None:
        fail(
            "AUDIT_KEY is not set: the bot records every action in the audit chain; see .env.example", code=2
        )
    typer.echo("starting the bot (Ctrl-C stops it)", err=True)
    build_application(settings).run_polling(allowed_updates=["message", "callback_query"])
