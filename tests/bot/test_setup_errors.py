"""Setup errors: the real ``disposisi`` process prints one line naming the setting, exits 2, and
never shows the token; a database appears only when ``disposisi db upgrade`` makes it."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from telegram.error import BadRequest

from bot.failures import explain
from bot.settings import Settings
from tests.bot.conftest import TOKEN
from tests.conftest import TEST_AUDIT_KEY

pytestmark = pytest.mark.slow

REJECTED = "987654:REJECTED-token-that-must-never-be-printed"
ROSTER = Path(__file__).parent.parent / "data" / "roster.toml"


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def disposisi(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in ``cwd`` with only ``settings`` (no settings inherited)."""
    env = {k: v for k, v in os.environ.items() if not _is_setting(k)}
    env.update(settings, PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def _is_setting(name: str) -> bool:
    return name in Settings.model_fields or name.lower() in Settings.model_fields


@pytest.fixture
def ready(office, server):
    """The settings of a bot that would start: a migrated database with the roster, the server."""
    _, _, settings = office
    return {
        "DATABASE_URL": settings.database_url,
        "AUDIT_KEY": TEST_AUDIT_KEY.decode(),
        "SIGNING_KEY_FILE": str(settings.signing_key_file),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "HEALTH_PORT": "0",
    }


def assert_one_clear_line(result, *names: str, secret: str = REJECTED) -> str:
    """Exit 2, one ``error:`` line naming ``names``, no traceback, ``secret`` nowhere."""
    output = result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert result.returncode == 2, output
    assert len(errors) == 1, output
    assert all(name in errors[0] for name in names), errors[0]
    assert "Traceback" not in output
    assert secret not in output
    return errors[0]


def test_a_rejected_token_is_named_never_shown(ready, tmp_path):
    result = disposisi("run", cwd=tmp_path, **{**ready, "TELEGRAM_BOT_TOKEN": REJECTED})

    assert_one_clear_line(result, "TELEGRAM_BOT_TOKEN", "rejected", "@BotFather")
    assert "987654" not in result.stdout + result.stderr


def test_at_debug_the_traceback_shows_but_not_the_token(ready, tmp_path):
    result = disposisi("run", cwd=tmp_path, **{**ready, "TELEGRAM_BOT_TOKEN": REJECTED, "LOG_LEVEL": "DEBUG"})

    assert result.returncode == 2
    assert "Traceback" in result.stderr and "InvalidToken" in result.stderr
    assert REJECTED not in result.stdout + result.stderr


def test_an_unreachable_bot_api_is_named(ready, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"

    result = disposisi(
        "run", cwd=tmp_path, **{**ready, "TELEGRAM_API_BASE_URL": url, "TELEGRAM_BOT_TOKEN": REJECTED}
    )

    assert_one_clear_line(result, "cannot reach the Bot API", f"TELEGRAM_API_BASE_URL={url}")


def test_an_unreachable_database_is_named_without_its_password(ready, tmp_path):
    url = f"postgresql+psycopg://disposisi:hunter2-secret@127.0.0.1:{closed_port()}/disposisi"

    result = disposisi("run", cwd=tmp_path, **{**ready, "DATABASE_URL": url})

    line = assert_one_clear_line(result, "cannot open the database", "DATABASE_URL=", secret="hunter2-secret")
    assert "disposisi:***@127.0.0.1" in line


def test_a_command_on_an_unreachable_database_is_one_line_too(tmp_path):
    url = f"postgresql+psycopg://u:hunter2-secret@127.0.0.1:{closed_port()}/x"

    result = disposisi("roster", "show", cwd=tmp_path, DATABASE_URL=url)

    assert_one_clear_line(result, "cannot open the database", "DATABASE_URL=", secret="hunter2-secret")


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("WEBHOOK_SECRET", "not a secret!", "1-256 characters"),
        ("WEBHOOK_PORT", "eighty", "integer"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT"),
        ("POLL_TIMEOUT_SECONDS", "0", "POLL_TIMEOUT_SECONDS"),
        ("DATABASE_URL", "postgres//nowhere", "postgresql+psycopg://"),
    ],
)
def test_a_malformed_setting_is_named(ready, tmp_path, name, value, said):
    result = disposisi("run", cwd=tmp_path, **{**ready, name: value, "TELEGRAM_BOT_TOKEN": REJECTED})

    assert_one_clear_line(result, name, said)


def test_a_port_in_use_is_named(ready, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])

        result = disposisi("run", cwd=tmp_path, **{**ready, "HEALTH_PORT": port})

    assert_one_clear_line(result, "cannot listen on", port, "HEALTH_PORT", secret=TOKEN)


def test_a_refused_webhook_names_both_webhook_settings():
    settings = Settings(_env_file=None, webhook_url="http://example.org/hook", webhook_secret="abc")

    problem = explain(BadRequest("Bad webhook: An HTTPS URL must be provided for webhook"), settings)

    assert problem is not None
    assert "WEBHOOK_URL=http://example.org/hook" in str(problem) and "WEBHOOK_SECRET" in str(problem)


# --- No database appears by accident ------------------------------------------------------------


def test_a_command_elsewhere_names_the_missing_database_and_creates_nothing(tmp_path):
    result = disposisi("roster", "show", cwd=tmp_path)

    line = assert_one_clear_line(result, "DATABASE_URL=sqlite:///data/disposisi.db", "disposisi db upgrade")
    assert str(tmp_path / "data" / "disposisi.db") in line
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_says_which_file_it_creates(tmp_path):
    result = disposisi("db", "upgrade", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"new SQLite database file {tmp_path / 'data' / 'disposisi.db'}" in result.stderr
    assert (tmp_path / "data" / "disposisi.db").is_file()


def test_run_says_which_database_and_env_file_it_uses(ready, tmp_path):
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={REJECTED}\n", encoding="utf-8")
    settings = {k: v for k, v in ready.items() if k != "TELEGRAM_BOT_TOKEN"}

    result = disposisi("run", cwd=tmp_path, **settings)

    assert f"settings: {tmp_path / '.env'}" in result.stderr
    assert f"database: {ready['DATABASE_URL']}" in result.stderr
    assert_one_clear_line(result, "TELEGRAM_BOT_TOKEN")


def test_run_refuses_a_database_without_a_roster(ready, tmp_path):
    assert disposisi("db", "upgrade", cwd=tmp_path).returncode == 0
    empty = f"sqlite:///{tmp_path / 'data' / 'disposisi.db'}"

    result = disposisi("run", cwd=tmp_path, **{**ready, "DATABASE_URL": empty})

    assert_one_clear_line(result, "no active officials", "disposisi roster import")
