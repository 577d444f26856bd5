"""``disposisi audit``: the tamper-evident audit chain."""

from datetime import date
from enum import StrEnum
from pathlib import Path

import typer

from bot.cli.common import fail, parse_date, runtime
from bot.cli.output import write_rows
from workflow.service.records import AUDIT_FIELDS

app = typer.Typer(help="The audit chain: head, verification, export.", no_args_is_help=True)


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def head() -> None:
    """Print the chain head (row number and MAC): publish it outside the database, e.g. daily."""
    with runtime("audit head") as rt:
        seq, mac = rt.records.head()
    typer.echo(f"{seq} {mac}")


@app.command()
def verify(
    from_head: str | None = typer.Option(None, metavar="HASH", help="A head MAC published earlier."),
) -> None:
    """Verify every row of the chain; exit 1 naming the first bad row and what is wrong."""
    with runtime("audit verify") as rt:
        result = rt.records.verify(from_head)
    if result.ok:
        typer.echo(f"ok: {result.rows} rows verify; head {result.head_seq} {result.head_mac}")
        return
    first = result.problems[0]
    more = f" ({len(result.problems) - 1} more problems follow)" if len(result.problems) > 1 else ""
    for problem in result.problems[1:]:
        typer.echo(f"  also: {problem.message}", err=True)
    fail(f"audit chain broken at row {first.seq}: {first.message}{more}")


@app.command()
def export(
    case: str | None = typer.Option(None, metavar="ID", help="Only this case's rows."),
    from_: str | None = typer.Option(None, "--from", metavar="YYYY-MM-DD", help="First office day."),
    to: str | None = typer.Option(None, metavar="YYYY-MM-DD", help="Last office day (inclusive)."),
    format_: Format = typer.Option(Format.csv, "--format", help="csv or jsonl."),
    out: Path | None = typer.Option(None, help="Write to this file instead of standard output."),
) -> None:
    """Export audit rows of a case, or of a date range, with their MACs."""
    if case is None and (from_ is None or to is None):
        fail("give --case ID, or both --from and --to", code=2)
    start: date | None = parse_date(from_) if from_ else None
    end: date | None = parse_date(to) if to else None
    with runtime("audit export") as rt:
        rows = rt.records.audit_rows(case=case, start=start, end=end)
    write_rows(rows, AUDIT_FIELDS, format_.value, out)
