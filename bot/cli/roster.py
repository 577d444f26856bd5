"""``disposisi roster``: officials and stand-ins."""

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from bot.cli.common import actor_option, cli_actor, fail, runtime
from bot.templating import render_text
from workflow.roster import RosterError, load_roster
from workflow.service.rosterplan import UnconfirmedDeactivation

app = typer.Typer(help="The roster of officials.", no_args_is_help=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="The roster TOML file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would change; change nothing."),
    yes: bool = typer.Option(False, "--yes", help="Deactivate those no longer listed without asking."),
    as_: str | None = actor_option,
) -> None:
    """Import the roster: add and update officials, deactivate those no longer listed.

    Prints what it adds, changes and deactivates, naming the open steps (case and step) of anyone it
    deactivates. Deactivating needs --yes, or a yes at the prompt when run in a terminal. Running it
    again with the same file changes nothing. Telegram links made in the bot are kept when the file
    gives no telegram_id. Every change is audited.
    """
    with runtime("roster import", writes=not dry_run) as rt:
        roles = {r.key for s in rt.sops.values() for r in s.roles}
        try:
            roster = load_roster(file, roles, rt.settings.tz)
        except RosterError as exc:
            fail(str(exc), code=2)
        plan = rt.roster.plan(roster)
        typer.echo(
            render_text("cli/roster_plan.txt", rt.settings.tz, plan=plan, file=file, dry_run=dry_run),
            nl=False,
        )
        if dry_run or plan.empty:
            return
        if plan.deactivated and not yes:
            _confirm_deactivation(plan.deactivated)
        try:
            rt.roster.import_roster(roster, cli_actor(as_), approved=plan)
        except UnconfirmedDeactivation as exc:
            fail(
                f"nothing changed: the database changed since the plan above ({exc}); run the import again", 2
            )
    typer.echo(f"roster imported from {file}")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _confirm_deactivation(keys: tuple[str, ...]) -> None:
    """Ask in a terminal; elsewhere (a script, cron) refuse without --yes."""
    who = ", ".join(keys)
    if not _interactive():
        fail(f"nothing changed: deactivating {who} needs --yes (check the list above first)", code=2)
    if not typer.confirm(f"Deactivate {who}?", default=False):
        fail("nothing changed", code=1)


@app.command()
def show() -> None:
    """List the officials and the stand-in orders."""
    with runtime("roster show") as rt:
        directory = rt.roster.directory()
        officials = sorted(directory.officials.values(), key=lambda o: (not o.active, o.role, o.key))
        typer.echo(
            render_text(
                "cli/roster_show.txt",
                rt.settings.tz,
                officials=officials,
                stand_ins=directory.stand_ins,
                now=datetime.now(UTC),
                minute=timedelta(minutes=1),
            ),
            nl=False,
        )


@app.command()
def invite(
    key: str = typer.Argument(..., help="The roster key of the official."), as_: str | None = actor_option
) -> None:
    """Print a single-use, expiring link that connects KEY's Telegram account to the roster."""
    with runtime("roster invite", writes=True) as rt:
        ttl = timedelta(hours=rt.settings.invite_ttl_hours)
        code = rt.identity.invite(key, cli_actor(as_), ttl)
        username = rt.settings.telegram_bot_username
    link = (
        f"https://t.me/{username}?start={code}" if username else f"(set TELEGRAM_BOT_USERNAME) /start {code}"
    )
    typer.echo(f"invitation for {key}, valid {rt.settings.invite_ttl_hours} hours, usable once:")
    typer.echo(link)


@app.command()
def unlink(
    key: str = typer.Argument(..., help="The roster key of the official."), as_: str | None = actor_option
) -> None:
    """Forget KEY's Telegram account (e.g. a lost phone); a new invitation links a new one."""
    with runtime("roster unlink", writes=True) as rt:
        rt.identity.unlink(key, cli_actor(as_))
    typer.echo(f"{key}: Telegram account unlinked")


@app.command("unlock-pin")
def unlock_pin(
    key: str = typer.Argument(..., help="The roster key of the official."), as_: str | None = actor_option
) -> None:
    """Reset KEY's signing PIN: print a one-time code with which they choose a new one.

    For a first PIN, a forgotten one, or signing locked after five wrong tries. The old PIN stops
    working at once; the official is told on Telegram. Hand the code over in person or by phone,
    never through Telegram. Audited, naming who reset it; the record of failures is kept.
    """
    with runtime("roster unlock-pin", writes=True) as rt:
        hours = rt.settings.invite_ttl_hours
        code = rt.pins.issue_code(key, cli_actor(as_), timedelta(hours=hours))
    typer.echo(f"one-time PIN code for {key}, valid {hours} hours, usable once:")
    typer.echo(code)
    typer.echo("hand it over outside Telegram; they send /pin to the bot and enter it there")
