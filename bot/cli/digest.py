"""``disposisi digest``: print a day's SLA digest, write its chart, and store and queue it once."""

from pathlib import Path

import typer

from bot.cli.common import cli_actor, fail, parse_date, runtime


def digest(
    date_: str = typer.Option(
        ...,
        "--date",
        metavar="YYYY-MM-DD",
        help="The office date the digest is sent on (it covers the previous working day and the month).",
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Only compute and print the figures as they are now; store and queue nothing.",
    ),
    chart: Path | None = typer.Option(
        None, metavar="FILE.png", help="Where to write the chart; default digest-YYYY-MM-DD.png here."
    ),
    lang: str = typer.Option("en", help="Language of the printed digest: en or id."),
) -> None:
    """Print the daily SLA digest of a day and write its chart (PNG).

    Every SOP whose daily_digest.send is true has a section. Without --dry-run: store the day's
    digest once and queue to each official with digest = true the sections their role gets.
    The running bot sends it. Run again, it prints the stored figures and queues nothing.
    """
    day = parse_date(date_)
    if lang not in ("en", "id"):
        fail(f"unknown language {lang!r}: en or id", code=2)
    out = chart or Path(f"digest-{day.isoformat()}.png")
    from bot.digest import digest_chart, digest_plain  # matplotlib loads slowly: only for this command

    with runtime("digest", writes=not dry_run) as rt:
        if dry_run and rt.settings.audit_key is None:
            fail("'digest --dry-run' reads the audit chain's head and needs AUDIT_KEY; see .env.example", 2)
        if not dry_run and day > rt.digests.today():
            # Stored now, it would stand in for that morning's digest with today's figures.
            fail(f"{day} is in the future: its digest is made that morning; preview it with --dry-run", 2)
        if dry_run:
            figures, created = rt.digests.build(day), False
        else:
            figures, created = rt.digests.generate(day, cli_actor(None))
        recipients = rt.digests.recipients(day)
    tz = rt.settings.tz
    typer.echo(digest_plain(figures, lang, tz), nl=False)  # the template ends its last line
    if figures.sections:
        try:
            out.write_bytes(digest_chart(figures, lang))
        except OSError as exc:
            fail(f"cannot write the chart to {out}: {exc.strerror or exc}", code=2)
        typer.echo(f"chart written to {out.resolve()}")
    else:
        typer.echo("no chart: no SOP has daily_digest.send = true")
    if dry_run:
        typer.echo("dry run: the figures as they stand now; nothing stored or queued")
    elif created:
        who = ", ".join(recipients) or "nobody (no active official with digest = true gets a section)"
        typer.echo(f"digest of {day} stored and queued to {len(recipients)} officials: {who}")
    else:
        generated = figures.generated_at.astimezone(tz).strftime("%d-%m-%Y %H:%M %Z")
        typer.echo(f"digest of {day} was already stored at {generated}: printed as stored, not queued again")
