"""Writing tables as CSV or JSON Lines, to a file or standard output."""

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import typer

__all__ = ["write_rows"]


def write_rows(rows: list[dict], fields: Sequence[str], fmt: str, out: Path | None) -> None:
    """Write ``rows`` (only ``fields``, in that order) as ``csv`` or ``jsonl``."""
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(buffer, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in row.items()}
            )
    else:
        for row in rows:
            buffer.write(json.dumps({k: row[k] for k in fields if k in row}, ensure_ascii=False) + "\n")
    if out is None:
        typer.echo(buffer.getvalue(), nl=False)
    else:
        out.write_text(buffer.getvalue(), encoding="utf-8")
        typer.echo(f"{len(rows)} rows written to {out}", err=True)
