"""``disposisi audit``: the tamper-evident audit chain."""

import os
import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

import typer

from bot.cli.common import cli_actor, fail, parse_date, runtime
from bot.cli.headfile import HeadFileError, append_head, last_head
from bot.cli.output import write_rows
from bot.cli.release import verify_release_command
from bot.runtime import Runtime
from bot.templating import render_text
from workflow.db.audit import PublishedHead, is_head_mac
from workflow.service.keyrotation import record_rotation
from workflow.service.records import AUDIT_FIELDS
from workflow.service.statecheck import state_problems

app = typer.Typer(help="The audit chain: head, verification, export, key rotation.", no_args_is_help=True)


app.command("verify-release")(verify_release_command)


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def head(
    append: Path | None = typer.Option(
        None, metavar="FILE", help="Also append `<UTC time> <seq> <mac>` to FILE, kept off the database host."
    ),
) -> None:
    """Print the chain head (row number and MAC): publish it outside the database, e.g. daily."""
    with runtime("audit head") as rt:
        _needs_key(rt, "audit head")
        seq, mac = rt.records.head()
    typer.echo(f"{seq} {mac}")
    if append is not None:
        try:
            append_head(append, PublishedHead(datetime.now(UTC), seq, mac))
        except OSError as exc:
            fail(f"--append {append}: cannot write it: {exc.strerror}", code=2)


@app.command()
def verify(
    from_head: str | None = typer.Option(None, metavar="HASH", help="A head MAC published earlier."),
    published: Path | None = typer.Option(
        None, metavar="FILE", help="The file `audit head --append` writes: its last head must still hold."
    ),
    state: bool = typer.Option(
        False, "--state", help="Also check every case's steps, signature and state against its audit rows."
    ),
) -> None:
    """Verify every row of the chain; exit 1 naming the first bad row and what is wrong.

    With --state, also name every case whose rows say what its audit rows do not (a step, a
    manifest, a signature or an ending written into the database behind the bot's back).
    """
    # Malformed input is the operator's slip, not evidence of tampering: exit 2, never 1.
    if from_head is not None and not is_head_mac(from_head):
        fail("--from-head must be a head MAC as `audit head` prints it: 64 lowercase hex digits", code=2)
    against: PublishedHead | None = None
    if published is not None:
        try:
            against = last_head(published)
        except HeadFileError as exc:
            fail(f"--published {published}: {exc}", code=2)
    with runtime("audit verify") as rt:
        _needs_key(rt, "audit verify")
        result = rt.records.verify(from_head, against)
        cases = state_problems(rt.sessions) if state else {}
    for number, problems in cases.items():
        for problem in problems:
            typer.echo(f"{number}: {problem}", err=True)
    if result.ok and not cases:
        still = f"; the head published at row {against.seq} is still in the chain" if against else ""
        agree = "; every case agrees with its audit rows" if state else ""
        typer.echo(f"ok: {result.rows} rows verify; head {result.head_seq} {result.head_mac}{still}{agree}")
        return
    if result.ok:
        fail(f"{len(cases)} cases say what their audit rows do not (listed above): their rows were altered")
    first = result.problems[0]
    more = f" ({len(result.problems) - 1} more problems follow)" if len(result.problems) > 1 else ""
    for problem in result.problems[1:]:
        typer.echo(f"  also: {problem.message}", err=True)
    fail(f"audit chain broken at row {first.seq}: {first.message}{more}")


def _needs_key(rt: Runtime, command_name: str) -> None:
    # The chain is read through the key that checks it; without one, say so rather than crash.
    if rt.settings.audit_key is None:
        fail(f"'{command_name}' reads the audit chain and needs AUDIT_KEY; see .env.example", code=2)


@app.command("rotate-key")
def rotate_key(
    out: Path = typer.Option(..., metavar="FILE", help="Where to write AUDIT_KEY=<new key>; must not exist."),
) -> None:
    """Start a new audit key: write it to FILE (mode 0600) and record the rotation in the chain."""
    if out.exists():
        fail(f"--out {out} already exists: a key file is never overwritten; choose a new name", code=2)
    with runtime("audit rotate-key", writes=True) as rt:
        key = secrets.token_hex(32)
        _write_key(out, key)
        try:
            old_id, new_id = record_rotation(rt.sessions, key.encode(), cli_actor(None), datetime.now(UTC))
        except BaseException:
            out.unlink(missing_ok=True)  # not recorded: a key nobody may start using
            raise
    text = render_text("cli/audit_rotate_key.txt", rt.settings.tz, out=out, from_key=old_id, to_key=new_id)
    typer.echo(text, nl=False)


def _write_key(path: Path, key: str) -> None:
    """Create ``path`` readable by its owner only; refuse if it appeared meanwhile."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fail(f"--out {path} already exists: a key file is never overwritten; choose a new name", code=2)
    except OSError as exc:
        fail(f"--out {path}: cannot create it: {exc.strerror}", code=2)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f"AUDIT_KEY={key}\n")


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
