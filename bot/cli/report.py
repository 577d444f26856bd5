"""``disposisi report``: figures for the office's reports."""

from pathlib import Path

import typer

from bot.cli.common import fail, parse_date, runtime
from bot.cli.output import write_rows
from workflow.service.records import USAGE_FIELDS

app = typer.Typer(help="Reports.", no_args_is_help=True)


@app.command()
def usage(
    from_: str = typer.Option(..., "--from", metavar="YYYY-MM-DD", help="First office day."),
    to: str = typer.Option(..., metavar="YYYY-MM-DD", help="Last office day (inclusive)."),
    institution: str | None = typer.Option(None, help="Only this institution."),
    format_: str = typer.Option("csv", "--format", help="csv (the only format)."),
    out: Path | None = typer.Option(None, help="Write to this file instead of standard output."),
) -> None:
    """Releases per institution with permit and PKS numbers, purposes and record counts."""
    if format_ != "csv":
        fail(f"unknown format {format_!r}: only csv", code=2)
    start, end = parse_date(from_), parse_date(to)
    if end < start:
        fail("--to is before --from", code=2)
    with runtime("report usage") as rt:
        rows = rt.records.usage(start, end, institution)
    write_rows(rows, USAGE_FIELDS, "csv", out)
