"""``disposisi sop``: list, show and check SOP files, and import an SOP document into a draft."""

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import fail, load_settings
from bot.failures import SetupError, database_failure, masked_url, require_database
from bot.runtime import check_prefixes
from bot.settings import Settings
from bot.templating import render_text
from workflow.db.migrate import NotMigrated, check_migrated
from workflow.db.reference import StoredVersion, stored_versions
from workflow.db.session import make_engine, make_session_factory
from workflow.openpoints import is_open
from workflow.sop import SopError
from workflow.sopfile import load_sop, load_sops
from workflow.sopimport import Draft, SopTextError, read_draft

app = typer.Typer(help="SOP definitions.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """One line per SOP of SOP_PATH (id, number, version, open for new cases, numbering, title),
    then the versions stored in the database with their open and closed cases."""
    settings = load_settings()
    try:
        sops = load_sops(settings.sop_path)
    except SopError as exc:
        fail(str(exc), code=2)
    default = settings.case_prefix.upper()
    stored, no_database = _stored(settings)
    text = render_text(
        "cli/sop_list.txt",
        settings.tz,
        sops=[sops[k] for k in sorted(sops)],
        default=default,
        source=settings.sop_path or "the shipped SOP",
        database=masked_url(settings.database_url),
        stored=stored,
        no_database=no_database,
    )
    typer.echo(text, nl=False)
    try:
        check_prefixes(settings, sops)
    except SetupError as exc:
        fail(str(exc), code=2)


def _stored(settings: Settings) -> tuple[list[StoredVersion], str | None]:
    """The SOP versions stored in the database, or why it was not read (it is never created)."""
    try:
        require_database(settings.database_url, "sop list")
        engine = make_engine(settings.database_url)
    except SetupError as exc:
        return [], str(exc)
    try:
        check_migrated(engine, "sop list")
        with make_session_factory(engine)() as session:
            return stored_versions(session), None
    except NotMigrated as exc:
        return [], str(exc)
    except Exception as exc:
        problem = database_failure(exc, settings.database_url)
        if problem is None:
            raise
        return [], str(problem)
    finally:
        engine.dispose()


@app.command()
def show(
    file: Path | None = typer.Argument(None, help="An SOP file; default the loaded SOPs (SOP_PATH)."),
) -> None:
    """Print the SOP's steps as a table, with the total SOP time, its registration fields, numbering,
    registrars, digest, instructions, returns, rules on duties and checklist."""
    settings = load_settings()
    try:
        sops = [load_sop(file)] if file else list(load_sops(settings.sop_path).values())
    except SopError as exc:
        fail(str(exc), code=2)
    prefix = settings.case_prefix.upper()
    shown = (render_text("cli/sop_show.txt", settings.tz, sop=s, default_prefix=prefix) for s in sops)
    typer.echo("\n".join(shown), nl=False)


@app.command()
def check(file: Path = typer.Argument(..., help="The SOP file to validate.")) -> None:
    """Validate an SOP file; exit 2 with a message naming file, step and field if it is bad."""
    try:
        sop = load_sop(file)
    except SopError as exc:
        fail(str(exc), code=2)
    minutes = int(sop.total_sla.total_seconds() // 60)
    typer.echo(f"ok: {file}: SOP {sop.id} version {sop.version}, {len(sop.steps)} steps, {minutes} minutes")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="The text extracted from an SOP document (UTF-8)."),
    out: Path | None = typer.Option(
        None, "--out", metavar="PATH", help="Where to write the draft; default sop-<number>.toml here."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite PATH if it exists."),
) -> None:
    """Read an SOP document's text into a draft SOP file and list its open points ("??" values)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}", code=2)
    try:
        draft = read_draft(data, str(file))
    except SopTextError as exc:
        fail(str(exc), code=2)
    out = out or default_out(draft, file)
    if out.exists() and not force:
        fail(f"{out} exists already: choose another file with --out PATH, or overwrite it with --force", 2)
    utc = ZoneInfo("UTC")  # neither text shows a time
    text = render_text("cli/sop_draft.toml", utc, draft=draft, source=file.name)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}", code=2)
    summary = render_text(
        "cli/sop_import.txt", utc, draft=draft, out=out, source=file, points=draft.open_points
    )
    typer.echo(summary, nl=False)


def default_out(draft: Draft, file: Path) -> Path:
    """``sop-<number>.toml`` in the current folder (``sop-<input name>.toml`` without a number)."""
    number = "" if is_open(draft.number) else re.sub(r"[^A-Za-z0-9._-]+", "-", draft.number).strip("-.")
    return Path(f"sop-{number or file.stem}.toml")
