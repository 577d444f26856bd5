"""The ``disposisi`` command line for the IT staff who install and run the bot."""

import logging
import sys

import typer
from pydantic import ValidationError

from bot.cli import audit, case, db, demo, digest, keys, report, roster, run, sla, sop

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
    """Entry point of the ``disposisi`` script and ``python -m bot``."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app()
    except ValidationError as exc:  # a bad setting in the environment or .env
        first = exc.errors()[0]
        typer.secho(
            f"error: bad setting {str(first['loc'][0]).upper()}: {first['msg']}",
            err=True,
            fg=typer.colors.RED,
        )
        sys.exit(2)
