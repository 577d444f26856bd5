"""The ``disposisi`` command line for the IT staff who install and run the bot."""

import logging
import sys
import traceback

import typer
from pydantic import ValidationError

from bot.cli import audit, case, db, demo, digest, keys, report, roster, run, sla, sop
from bot.failures import SetupError, bad_setting
from bot.logs import TEXT_FORMAT, redact

__all__ = ["app", "main"]

app = typer.Typer(
    name="disposisi",
    help="Run the SOP approval chain (Layanan Data dan Informasi Kependudukan, SOP 7.4.4.1).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(sop.app, name="sop")
app.add_typer(roster.app, name="roster")
app.add_typer(case.app, name="case")
app.add_typer(audit.app, name="audit")
app.add_typer(report.app, name="report")
app.add_typer(sla.app, name="sla")
app.add_typer(keys.app, name="keys")
app.command("digest")(digest.digest)
app.command("demo")(demo.demo)
app.command("run")(run.run)


def main() -> None:
    """Entry point of the ``disposisi`` script and ``python -m bot``.

    A setup error is one line and exit 2 (each command says which setting); anything else is a bug,
    shown with its traceback, bot tokens masked.
    """
    logging.basicConfig(level=logging.WARNING, format=TEXT_FORMAT)
    try:
        app()
    except ValidationError as exc:  # a bad setting read outside load_settings()
        typer.secho(f"error: {bad_setting(exc)}", err=True, fg=typer.colors.RED)
        sys.exit(2)
    except SetupError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(2)
    except Exception:
        sys.stderr.write(redact(traceback.format_exc(), None))
        sys.exit(1)
