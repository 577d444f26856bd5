"""What every command shares: settings, the runtime, the actor name, errors."""

import getpass
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NoReturn

import typer
from pydantic import ValidationError

from bot.failures import SetupError, bad_setting
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from workflow.calendar_config import CalendarError
from workflow.db.migrate import NotMigrated
from workflow.db.reference import SopChanged
from workflow.errors import DomainError
from workflow.files import check_scan
from workflow.keys import KeyFileError
from workflow.roster import RosterError
from workflow.service.caseload import CLI_PREFIX
from workflow.sop import SopError

__all__ = [
    "actor_option",
    "cli_actor",
    "fail",
    "load_settings",
    "parse_date",
    "runtime",
    "scan_sha256",
]

actor_option = typer.Option(
    None, "--as", metavar="KEY", help="Act as this roster official; default cli:<os user> (the admin)."
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error to stderr and exit with ``code`` (1: refused, 2: bad input or setup)."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def cli_actor(key: str | None) -> str:
    """The audited actor: the roster key given with ``--as``, or ``cli:<os user>``."""
    return key if key else f"{CLI_PREFIX}{getpass.getuser()}"


def load_settings() -> Settings:
    """The settings, or exit 2 naming the first bad one (never its value)."""
    try:
        return Settings()
    except ValidationError as exc:
        fail(str(bad_setting(exc)), code=2)


@contextmanager
def runtime(
    command_name: str, *, writes: bool = False, settings: Settings | None = None
) -> Iterator[Runtime]:
    """Open the runtime for one command and turn known failures into clear messages."""
    try:
        rt = open_runtime(settings or load_settings(), command_name, writes=writes)
    except (SopError, NotMigrated, SetupError, CalendarError, KeyFileError) as exc:
        fail(str(exc), code=2)
    try:
        yield rt
    except DomainError as exc:
        fail(f"refused: {exc}")
    except (RosterError, SopChanged) as exc:
        fail(str(exc), code=2)
    except SopError as exc:  # a stored SOP version that no longer validates: the database was altered
        fail(str(exc))
    finally:
        rt.close()


def parse_date(text: str) -> date:
    """A YYYY-MM-DD option value, or a usage error naming the format."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    hasher = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(chunk)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}", code=2)
    return hasher.hexdigest()


def scan_sha256(rt: Runtime, path: Path, actor: str, action: str, ref: str | None = None) -> str:
    """The SHA-256 of a permit scan, once the file is one the office takes as a scan (a PDF or an
    image within the size limit, ``workflow.files``: the bot's rule too); a refusal is audited
    (``action``, on case ``ref`` when there is one) and raised, before the file is read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}", code=2)
    try:
        check_scan(None, path.name, size)
    except DomainError as refusal:
        rt.cases.refuse(ref, actor, action, refusal)
        raise
    return _sha256_of(path)
