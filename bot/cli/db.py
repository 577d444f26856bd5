"""``disposisi db``: the database schema."""

import typer

from bot.settings import Settings
from workflow.db.migrate import upgrade as run_upgrade
from workflow.db.session import make_engine

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Create or migrate the database schema to the newest revision (DATABASE_URL)."""
    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        run_upgrade(engine)
    finally:
        engine.dispose()
    typer.echo(f"database is at the newest revision ({engine.url.render_as_string(hide_password=True)})")
