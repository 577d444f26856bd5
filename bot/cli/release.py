"""``disposisi audit verify-release``: a release checked from an audit export and the public key
alone, with no database and no audit key: what an inspector or the requester's auditor can run."""

import csv
import json
from pathlib import Path

import typer

from bot.cli.common import fail
from workflow.keys import KeyFileError, SigningKeys
from workflow.releasecheck import verify_release

__all__ = ["verify_release_command"]


def verify_release_command(
    export: Path = typer.Argument(..., help="`disposisi audit export --case ID` output (CSV or JSON Lines)."),
    public_key: list[Path] = typer.Option(
        ..., "--public-key", metavar="FILE", help="The office's signing public key (PEM); may repeat."
    ),
) -> None:
    """Verify the release of one case from its audit export and the signing public key alone.

    Checks that the signature verifies, binds this case, the registered permit letter, the manifest
    that was reported and accepted, and the signer the record names; lists the ticks after it.
    Exit 0: the release verifies; 1: it does not (the reasons are printed); 2: unreadable input.
    """
    try:
        keys = SigningKeys.load(None, public_key)
    except KeyFileError as exc:
        fail(f"--public-key: {exc}", code=2)
    rows = _rows(export)
    check = verify_release(rows, keys)
    for problem in check.problems:
        typer.echo(f"  {problem}", err=True)
    if not check.ok:
        fail(f"the release of {check.case or 'this export'} does not verify")
    bound = check.binding
    typer.echo(
        f"ok: the release of {check.case} verifies: signed by {bound['signer']}"
        f"{' (Plh. for ' + bound['acting_for'] + ')' if bound['acting_for'] else ''} at {bound['signed_at']} "
        f"with key {bound['key_id']}; manifest {bound['manifest_hash']}; "
        f"registration {json.dumps(bound['registration'], ensure_ascii=False)}; "
        f"ticked after it: {', '.join(check.ticks) or 'nothing'}"
    )


def _rows(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}", code=2)
    try:
        if text.lstrip().startswith("{"):
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return list(csv.DictReader(text.splitlines()))
    except (ValueError, csv.Error) as exc:
        fail(f"{path} is not an audit export (CSV or JSON Lines): {exc}", code=2)
    raise AssertionError("unreachable")
