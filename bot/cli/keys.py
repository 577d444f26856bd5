"""``disposisi keys``: the Ed25519 signing keys, kept in files outside the database."""

from pathlib import Path

import typer

from bot.cli.common import fail, load_settings
from bot.runtime import signing_keys
from workflow.keys import KeyFileError, generate_key, public_pem

app = typer.Typer(help="The signing keys (Ed25519) that seal every signature.", no_args_is_help=True)


@app.command()
def new(
    out: Path = typer.Option(..., help="Where to write the private key (mode 0600); FILE.pub beside it."),
) -> None:
    """Make a signing key: the first one, or the next one when rotating (see docs/keys.md)."""
    if out.exists():
        fail(f"{out} exists already: keys are never overwritten; choose another file", code=2)
    try:
        key_id = generate_key(out)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}", code=2)
    typer.echo(f"signing key {key_id} written to {out} (private, keep it off the database host's backups)")
    typer.echo(f"its public key: {out}.pub (publish it: anyone verifies a release with it)")
    typer.echo(
        f"next: set SIGNING_KEY_FILE={out}; when rotating, add the old key's .pub to SIGNING_PREVIOUS_KEYS"
    )


@app.command()
def show() -> None:
    """The signing key in use, the keys trusted to verify, and the current public key to publish."""
    settings = load_settings()
    try:
        keys = signing_keys(settings)
    except KeyFileError as exc:
        fail(str(exc), code=2)
    if not keys.can_sign:
        typer.echo("no signing key: SIGNING_KEY_FILE is not set (disposisi keys new --out FILE)")
    else:
        typer.echo(f"signing with {keys.key_id} ({settings.signing_key_file})")
    typer.echo(f"trusted to verify: {', '.join(keys.trusted_ids) or 'none'}")
    if keys.can_sign:
        typer.echo(public_pem(keys.public(keys.key_id)), nl=False)
