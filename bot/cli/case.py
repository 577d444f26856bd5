"""``disposisi case``: register permit letters and look at cases."""

from pathlib import Path

import typer

from bot.cli.common import actor_option, cli_actor, fail, parse_date, runtime, scan_sha256
from bot.templating import render_text
from workflow.case import Letter
from workflow.signature import signature_problems
from workflow.timeline import display_name

app = typer.Typer(help="Cases: one permit letter each.", no_args_is_help=True)

_ID = typer.Argument(
    ...,
    metavar="ID",
    help="Case number (LDK-2026-0001), or its bare sequence number (1) when only one case has it.",
)


@app.command()
def new(
    letter_number: str = typer.Option(..., help="Number of the permit letter (surat izin)."),
    letter_date: str = typer.Option(..., metavar="YYYY-MM-DD", help="Date of the permit letter."),
    institution: str = typer.Option(..., help="The requesting institution (pengguna)."),
    purpose: str = typer.Option(..., help="Purpose of the data use."),
    pks: str | None = typer.Option(None, help="PKS/MoU number."),
    agenda: str | None = typer.Option(None, help="Agenda number of the incoming letter."),
    srikandi: str | None = typer.Option(None, help="SRIKANDI reference."),
    scan: Path | None = typer.Option(
        None, help="The permit scan (PDF or image); only its SHA-256 is stored."
    ),
    scan_location: str | None = typer.Option(None, help="Where the scan is kept; default the file's path."),
    sop: str | None = typer.Option(None, help="SOP id; default DEFAULT_SOP, else the only open SOP."),
    to: str | None = typer.Option(None, metavar="KEY", help="Who takes step 1, when several could."),
    force: bool = typer.Option(False, help="Register the same letter from the same institution again."),
    as_: str | None = actor_option,
) -> None:
    """Register an incoming permit letter and notify the official of step 1."""
    parsed_date = parse_date(letter_date)
    location = scan_location or (str(scan.resolve()) if scan else None)
    with runtime("case new", writes=True) as rt:
        sha = scan_sha256(rt, scan, cli_actor(as_), "open_case") if scan else None
        letter = Letter(
            number=letter_number.strip(),
            date=parsed_date,
            institution=institution.strip(),
            purpose=purpose.strip(),
            pks_number=pks,
            agenda_number=agenda,
            srikandi_ref=srikandi,
            scan_sha256=sha,
            scan_location=location,
        )
        case = rt.cases.open_case(letter, cli_actor(as_), sop_id=sop, assignee=to, force=force)
        holder = rt.cases.view(case.number).directory.name(case.current.assignee)
    typer.echo(f"{case.number} registered; step 1 is with {holder}")
    if sha is None:
        typer.echo(
            f"note: no permit scan yet; signing is refused until 'disposisi case scan {case.number} FILE'"
        )


@app.command("scan")
def scan_(
    case_id: str = _ID,
    file: Path = typer.Argument(..., help="The permit scan."),
    location: str | None = typer.Option(None, help="Where the scan is kept; default the file's path."),
    as_: str | None = actor_option,
) -> None:
    """Attach the permit letter's scan to a case registered without it."""
    with runtime("case scan", writes=True) as rt:
        sha = scan_sha256(rt, file, cli_actor(as_), "attach_scan", case_id)
        case = rt.cases.attach_scan(case_id, cli_actor(as_), sha, location or str(file.resolve()))
    typer.echo(f"{case.number}: permit scan recorded, sha256 {sha}")


@app.command()
def show(case_id: str = _ID) -> None:
    """Print a case: the letter, the manifest, the signature and the timeline."""
    with runtime("case show") as rt:
        view = rt.cases.view(case_id)
    sig = view.case.signature
    signer = display_name(view.directory, sig.signer, sig.acting_for) if sig else None
    held = signature_problems(view.case, rt.seal)  # verified again, as the release rule does
    typer.echo(
        render_text("cli/case_show.txt", rt.settings.tz, view=view, signer=signer, sig_problems=held),
        nl=False,
    )


@app.command()
def evidence(
    case_id: str = _ID,
    out: Path = typer.Option(..., metavar="FILE.zip", help="Where to write the evidence pack."),
) -> None:
    """Write a case's evidence pack: timeline, permit, manifest, signature, receipt, audit, verification."""
    with runtime("case evidence") as rt:
        data = rt.records.evidence(case_id)
    out.write_bytes(data)
    typer.echo(f"evidence pack written to {out} ({len(data)} bytes)")


@app.command("print")
def print_(
    case_id: str = _ID,
    out: Path = typer.Option(..., metavar="DIR", help="Folder for the three PDFs; created if needed."),
) -> None:
    """Write a case's printable documents: lembar disposisi, dispatch checklist and tanda terima (PDF)."""
    from bot.documents import KINDS, filename, render_pdf  # fpdf2 loads slowly: only for this command

    with runtime("case print") as rt:
        view = rt.cases.view(case_id)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for kind in KINDS:
            path = out / filename(view, kind)
            path.write_bytes(render_pdf(kind, view, rt.settings.tz))
            typer.echo(f"written {path}")
    except OSError as exc:
        fail(f"cannot write the documents to {out}: {exc.strerror or exc}", code=2)


@app.command()
def cancel(
    case_id: str = _ID,
    reason: str = typer.Option(..., help="Why the case is withdrawn."),
    as_: str | None = actor_option,
) -> None:
    """Withdraw a case (TU or admin; only before access is granted at step 3)."""
    with runtime("case cancel", writes=True) as rt:
        case = rt.cases.cancel(case_id, cli_actor(as_), reason)
    typer.echo(f"{case.number} cancelled")


__all__ = ["app", "fail"]
