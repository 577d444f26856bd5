"""``disposisi sop``: show and check SOP files."""

from pathlib import Path

import typer

from bot.cli.common import fail, load_settings
from bot.templating import render_text
from workflow.sop import SopError, load_sop, load_sops

app = typer.Typer(help="SOP definitions.", no_args_is_help=True)


@app.command()
def show(
    file: Path | None = typer.Argument(None, help="An SOP file; default the loaded SOPs (SOP_PATH)."),
) -> None:
    """Print the SOP's steps as a table, with the total SOP time."""
    settings = load_settings()
    try:
        sops = [load_sop(file)] if file else list(load_sops(settings.sop_path).values())
    except SopError as exc:
        fail(str(exc), code=2)
    typer.echo("\n".join(render_text("cli/sop_show.txt", settings.tz, sop=s) for s in sops), nl=False)


@app.command()
def check(file: Path = typer.Argument(..., help="The SOP file to validate.")) -> None:
    """Validate an SOP file; exit 2 with a message naming file, step and field if it is bad."""
    try:
        sop = load_sop(file)
    except SopError as exc:
        fail(str(exc), code=2)
    minutes = int(sop.total_sla.total_seconds() // 60)
    typer.echo(f"ok: {file}: SOP {sop.id} version {sop.version}, {len(sop.steps)} steps, {minutes} minutes")
