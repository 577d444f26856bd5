"""``disposisi sla``: where the SOP times stand."""

import typer

from bot.cli.common import runtime
from bot.templating import render_text

app = typer.Typer(help="SOP times: open steps, due times and lateness.", no_args_is_help=True)


@app.command()
def show() -> None:
    """List the open steps, the earliest due first, with how late each is in working time."""
    with runtime("sla show") as rt:
        rows = rt.queries.open_steps()
    typer.echo(render_text("cli/sla_show.txt", rt.settings.tz, rows=rows), nl=False)
