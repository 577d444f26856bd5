"""Setup failures in one line: what is wrong, which setting, and how to fix it; never the token.

``disposisi run`` and every command that opens the database turn what goes wrong while starting
(a rejected token, an unreachable Bot API or database, a database that does not exist yet, a port
in use) into a ``SetupError`` whose message names the setting; the command prints it and exits 2.
The README's "When something goes wrong" lists each message and its fix.
"""

from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError

from bot.logs import redact
from bot.settings import Settings

__all__ = [
    "SetupError",
    "bad_setting",
    "database_failure",
    "env_file",
    "explain",
    "masked_url",
    "require_database",
    "sqlite_file",
]

_EXAMPLE = "e.g. sqlite:///data/disposisi.db or postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME"


class SetupError(RuntimeError):
    """A setting, or a service a setting points at, is wrong; the message names it and the fix."""


def bad_setting(exc: ValidationError) -> SetupError:
    """The first bad setting, named as in ``.env`` (the value itself is never shown: it may be a secret)."""
    first = exc.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
    reason = str(first["msg"]).removeprefix("Value error, ")
    return SetupError(
        f"bad setting {name}: {reason} (settings from {_where_settings_come_from()}; "
        ".env.example lists every setting)"
    )


def masked_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (the whole URL hidden if it does not parse)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


def env_file() -> Path | None:
    """The ``.env`` file the settings were read from: ``./.env`` if it exists, else None."""
    path = Path(".env")
    return path.resolve() if path.is_file() else None


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (absolute), or None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).resolve()


def require_database(url: str, command_name: str) -> None:
    """Refuse a SQLite ``DATABASE_URL`` whose file does not exist, before anything creates it.

    Raises:
        SetupError: the URL does not parse, or the file is missing; the message names ``command_name``.
    """
    try:
        path = sqlite_file(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise database_failure(exc, url) from None
    if path is not None and not path.exists():
        raise SetupError(
            f"'{command_name}' needs a database, but there is none at {path} (DATABASE_URL="
            f"{masked_url(url)}; settings from {_where_settings_come_from()}): create it with "
            "'disposisi db upgrade', or run the command in the folder that holds your .env"
        )


def database_failure(exc: BaseException, url: str) -> SetupError | None:
    """What a database error at start-up means, naming ``DATABASE_URL``; None if it is not one."""
    if isinstance(exc, (ArgumentError, NoSuchModuleError)):
        return SetupError(f"DATABASE_URL is not a database URL this program understands ({exc}); {_EXAMPLE}")
    if isinstance(exc, (OperationalError, InterfaceError)):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        password = _password(url)
        if password:
            reason = reason.replace(password, "***")
        advice = (
            "check that the file's folder exists and that this user may write there"
            if _is_sqlite(url)
            else "check that the server runs and that host, port, user, password and database name are right"
        )
        return SetupError(f"cannot open the database at DATABASE_URL={masked_url(url)}: {reason}; {advice}")
    return None


def explain(exc: BaseException, settings: Settings) -> SetupError | None:
    """The one line that says what stopped the bot from starting, or None for anything else (a bug).

    Looks at ``exc`` and what caused it; the token never appears in the message.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        problem = _one(current, settings)
        if problem is not None:
            token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
            return SetupError(redact(str(problem), token))
        current = current.__cause__ or current.__context__
    return None


def _one(exc: BaseException, settings: Settings) -> SetupError | None:
    base = f"TELEGRAM_API_BASE_URL={settings.telegram_api_base_url}"
    if isinstance(exc, SetupError):
        return exc
    if isinstance(exc, InvalidToken):
        return SetupError(
            f"the Bot API at {base} rejected TELEGRAM_BOT_TOKEN (not shown here): copy the token again "
            "from @BotFather (/mybots, API Token) into TELEGRAM_BOT_TOKEN"
        )
    if isinstance(exc, Conflict):
        return SetupError(
            f"the Bot API at {base} refused to hand this bot its updates ({exc.message}): another process "
            "polls with the same TELEGRAM_BOT_TOKEN; stop it (one process per token when polling)"
        )
    if isinstance(exc, BadRequest) and settings.webhook_url:
        return SetupError(
            f"the Bot API refused the webhook ({exc.message}): WEBHOOK_URL={settings.webhook_url} must be a "
            "public https:// URL on port 443, 80, 88 or 8443 that reaches this host, and WEBHOOK_SECRET "
            "1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return SetupError(
            f"cannot reach the Bot API at {base} ({exc.message}): check the network, a firewall or proxy, "
            "and the setting"
        )
    return database_failure(exc, settings.database_url)


def _is_sqlite(url: str) -> bool:
    try:
        return make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        return False


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        return None


def _where_settings_come_from() -> str:
    found = env_file()
    return str(found) if found else f"the environment; no .env in {Path.cwd()}"
