"""``disposisi db``: the database schema."""

import typer

from bot.cli.common import fail, load_settings
from bot.failures import SetupError, database_failure, masked_url, sqlite_file
from workflow.db.migrate import upgrade as run_upgrade
from workflow.db.session import make_engine

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Create or migrate the database schema to the newest revision (DATABASE_URL).

    The only command that creates a database: it says which file or server it works on.
    """
    url = load_settings().database_url
    try:
        path = sqlite_file(url)
        if path is not None:
            what = "existing" if path.exists() else "new"
            typer.echo(f"{what} SQLite database file {path}", err=True)
        else:
            typer.echo(f"database server {masked_url(url)}", err=True)
        engine = make_engine(url)
        try:
            run_upgrade(engine)
        finally:
            engine.dispose()
    except OSError as exc:  # the folder of a new SQLite file cannot be made
        fail(
            f"cannot create the database folder for DATABASE_URL={masked_url(url)}: {exc.strerror or exc}", 2
        )
    except Exception as exc:
        problem = exc if isinstance(exc, SetupError) else database_failure(exc, url)
        if problem is None:
            raise
        fail(str(problem), code=2)
    typer.echo(f"database is at the newest revision ({masked_url(url)})")
