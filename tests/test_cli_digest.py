"""``disposisi digest``: print a day's digest and its chart; store and queue it once, or only look.
And its setting, DIGEST_TIME."""

import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, func, select

from bot.settings import Settings
from tests import test_cli
from tests.conftest import WIB
from tests.test_cli import new_case
from workflow.db.models import AuditRow, DigestRow, OutboxRow
from workflow.sop import SHIPPED_SOPS

PNG = b"\x89PNG\r\n\x1a\n"
TEST_SOPS = Path(__file__).parent / "sops"
cli, ready = test_cli.cli, test_cli.ready  # the fixtures of tests/test_cli.py


def today() -> str:
    return datetime.now(UTC).astimezone(WIB).date().isoformat()


def tomorrow() -> str:
    """The digest of tomorrow covers today, when the test's case was registered."""
    return (datetime.now(UTC).astimezone(WIB).date() + timedelta(days=1)).isoformat()


def digest_rows(tmp_path) -> tuple[int, int, int]:
    """Stored digests, queued digest messages, and audit rows of generated digests."""
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.connect() as c:
        counts = tuple(
            c.scalar(query)
            for query in (
                select(func.count()).select_from(DigestRow),
                select(func.count()).where(OutboxRow.kind == "digest"),
                select(func.count()).where(AuditRow.action == "digest"),
            )
        )
    engine.dispose()
    return counts


def test_dry_run_prints_the_figures_and_writes_the_chart_and_changes_nothing(ready, tmp_path):
    new_case(ready, "--as", "tu1")
    day = tomorrow()

    result = ready("digest", "--date", day, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "SLA digest" in result.output and "received 1" in result.output
    chart = tmp_path / f"digest-{day}.png"
    assert f"chart written to {chart}" in result.output
    assert chart.read_bytes().startswith(PNG)
    assert "nothing stored or queued" in result.output
    assert digest_rows(tmp_path) == (0, 0, 0)


def test_generating_stores_and_queues_the_digest_once(ready, tmp_path):
    new_case(ready, "--as", "tu1")
    day, chart = today(), tmp_path / "charts" / "today.png"
    chart.parent.mkdir()

    first = ready("digest", "--date", day, "--chart", str(chart), "--lang", "id")
    again = ready("digest", "--date", day)

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "Ringkasan SLA" in first.output and "Terlambat sekarang" in first.output
    assert chart.read_bytes().startswith(PNG)
    assert "stored and queued to 1 officials: dir" in first.output
    assert "already stored" in again.output and "not queued again" in again.output
    assert digest_rows(tmp_path) == (1, 1, 1)


def test_a_future_day_is_only_previewed_never_stored(ready, tmp_path):
    day = tomorrow()

    result = ready("digest", "--date", day)

    assert result.exit_code == 2
    assert f"{day} is in the future" in result.output and "--dry-run" in result.output
    assert digest_rows(tmp_path) == (0, 0, 0)


def test_a_bad_date_is_refused_naming_it(ready, tmp_path):
    result = ready("digest", "--date", "2026-13-01")

    assert result.exit_code == 2
    assert "'2026-13-01' is not a date in the form YYYY-MM-DD" in result.output
    assert digest_rows(tmp_path) == (0, 0, 0)


@pytest.mark.parametrize("bad", ["7.30", "24:00", "07:60", "half past seven"])
def test_a_bad_digest_time_is_refused_naming_it(bad):
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, digest_time=bad)

    assert "DIGEST_TIME must be HH:MM" in str(refused.value) and repr(bad) in str(refused.value)


def test_the_digest_time_defaults_to_07_30_and_reads_hh_mm():
    assert Settings(_env_file=None).digest_time == time(7, 30)
    assert Settings(_env_file=None, digest_time="16:05").digest_time == time(16, 5)
    assert Settings(_env_file=None, digest_time="").digest_time == time(7, 30)


def test_every_sop_that_sends_a_digest_prints_its_own_section(cli, tmp_path, monkeypatch):
    folder = tmp_path / "sops"
    folder.mkdir()
    shutil.copy(SHIPPED_SOPS / "ldk-7.4.4.1.toml", folder)
    pickup = (
        (TEST_SOPS / "pickup.toml").read_text().replace("\n[", '\ndaily_digest = { to = ["kasi"] }\n\n[', 1)
    )
    (folder / "pickup.toml").write_text(pickup)
    release4 = (TEST_SOPS / "release4.toml").read_text()
    (folder / "release4.toml").write_text(
        release4.replace("\n[", "\ndaily_digest = { send = false }\n\n[", 1)
    )
    monkeypatch.setenv("SOP_PATH", str(folder))
    assert (
        cli("db", "upgrade").exit_code == 0 and cli("roster", "import", str(test_cli.ROSTER)).exit_code == 0
    )

    result = cli("digest", "--date", today())

    assert result.exit_code == 0, result.output
    assert "== 7.4.4.1 Population data and information service ==" in result.output
    assert "== T.5 Pengambilan data ==" in result.output and "Rilis empat langkah" not in result.output
    assert result.output.count("Month to date") == 2
    assert "stored and queued to 1 officials: dir" in result.output  # the roster's only digest reader
