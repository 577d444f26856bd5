"""The ``disposisi`` command line, run in-process against a temporary database."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from bot.cli import app
from workflow.db.models import AuditRow

ROSTER = Path(__file__).parent / "data" / "roster.toml"
SEED = Path(__file__).parent.parent / "workflow" / "sops" / "ldk-7.4.4.1.toml"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env; ./data/ lands here
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("AUDIT_KEY", "cli-test-audit-key-0123456789abcdef")
    for name in ("SOP_PATH", "TIMEZONE", "CASE_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def ready(cli):
    assert cli("db", "upgrade").exit_code == 0
    assert cli("roster", "import", str(ROSTER)).exit_code == 0
    return cli


def audit_rows(tmp_path) -> list[AuditRow]:
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.connect() as c:
        rows = c.execute(select(AuditRow.actor, AuditRow.action, AuditRow.result)).all()
    engine.dispose()
    return rows


def new_case(cli, *extra):
    return cli(
        "case",
        "new",
        "--letter-number",
        "470/9/X",
        "--letter-date",
        "2026-11-20",
        "--institution",
        "BPS",
        "--purpose",
        "Statistik",
        *extra,
    )


def test_sop_show_prints_the_eight_steps_and_95_minutes(cli):
    result = cli("sop", "show")

    assert result.exit_code == 0
    assert "Total SOP time: 95 menit" in result.output
    assert all(f"\n{n}   " in result.output for n in range(1, 9))


def test_sop_check_accepts_the_seed(cli):
    result = cli("sop", "check", str(SEED))

    assert result.exit_code == 0
    assert "8 steps, 95 minutes" in result.output


def test_sop_check_names_file_step_and_field_of_a_bad_file(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SEED.read_text().replace('sla = "30m"', 'sla = "30 menit"'))

    result = cli("sop", "check", str(bad))

    assert result.exit_code == 2
    assert f"{bad}: step 4, field 'sla': bad duration '30 menit'" in result.output


def test_commands_on_an_unmigrated_database_name_the_command(cli):
    result = cli("case", "show", "1")

    assert result.exit_code == 2
    assert "'case show' needs a migrated database" in result.output
    assert "disposisi db upgrade" in result.output


def test_roster_import_twice_reports_no_changes(ready):
    result = ready("roster", "import", str(ROSTER))

    assert result.exit_code == 0
    assert "no changes" in result.output


def test_roster_show_lists_officials_and_stand_ins(ready):
    result = ready("roster", "show")

    assert "Dr. Andi Direktur" in result.output
    assert "ksd1 for dir" in result.output


def test_case_new_scan_show_and_cancel(ready, tmp_path):
    scan = tmp_path / "izin.pdf"
    scan.write_bytes(b"%PDF-1.4 permit")

    created = new_case(ready, "--as", "tu1")
    attached = ready("case", "scan", "1", str(scan))
    shown = ready("case", "show", "1")
    cancelled = ready("case", "cancel", "1", "--reason", "Surat ditarik", "--as", "tu1")

    assert created.exit_code == 0 and "step 1 is with Dr. Andi Direktur" in created.output
    assert "no permit scan yet" in created.output
    assert attached.exit_code == 0
    assert "Permit scan:  sha256 " in shown.output and "Dr. Andi Direktur" in shown.output
    assert cancelled.exit_code == 0
    assert ("tu1", "cancel", "ok") in audit_rows(tmp_path)


def test_cli_actions_are_audited_under_the_os_user(ready, tmp_path):
    new_case(ready)

    actors = {actor for actor, action, _ in audit_rows(tmp_path) if action == "open_case"}

    assert len(actors) == 1 and actors.pop().startswith("cli:")


def test_duplicate_letter_is_refused_unless_forced(ready, tmp_path):
    new_case(ready)

    again = new_case(ready)
    forced = new_case(ready, "--force")

    assert again.exit_code == 1 and "already case LDK-" in again.output
    assert forced.exit_code == 0
    assert ("open_case", "refused") in {(a, r) for _, a, r in audit_rows(tmp_path)}


def test_bad_date_is_refused_with_its_format(ready):
    result = ready(
        "case",
        "new",
        "--letter-number",
        "1",
        "--letter-date",
        "20-11-2026",
        "--institution",
        "BPS",
        "--purpose",
        "x",
    )

    assert result.exit_code == 2
    assert "not a date in the form YYYY-MM-DD" in result.output


def test_unknown_official_in_as_is_refused(ready):
    result = new_case(ready, "--as", "nobody")

    assert result.exit_code == 1
    assert "'nobody' is not an active official" in result.output


def test_changing_data_without_an_audit_key_is_refused_before_anything_happens(ready, monkeypatch):
    monkeypatch.delenv("AUDIT_KEY")

    result = new_case(ready, "--as", "tu1")

    assert result.exit_code == 2
    assert "'case new' changes data and needs AUDIT_KEY" in result.output


def test_bad_setting_is_named(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    env = {"TIMEZONE": "Mars/Olympus", "PATH": "", "HOME": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "sop", "show"], capture_output=True, text=True, env=env, cwd=tmp_path
    )

    assert result.returncode == 2
    assert "bad setting TIMEZONE" in result.stderr and "Mars/Olympus" in result.stderr


def test_python_dash_m_bot_runs_the_same_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sop", "show"], capture_output=True, text=True, cwd=tmp_path
    )

    assert result.returncode == 0
    assert "Total SOP time: 95 menit" in result.stdout


def test_audit_head_verify_and_a_tampered_row(ready, tmp_path):
    new_case(ready, "--as", "tu1")
    head = ready("audit", "head")
    seq, mac = head.output.split()

    clean = ready("audit", "verify", "--from-head", mac)
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.begin() as c:
        c.exec_driver_sql("UPDATE audit SET actor = 'x' WHERE seq = 3")
    engine.dispose()
    broken = ready("audit", "verify")

    assert seq == "12" and len(mac) == 64
    assert clean.exit_code == 0 and clean.output.startswith("ok: 12 rows verify")
    assert broken.exit_code == 1
    assert "audit chain broken at row 3: row 3 was edited" in broken.output


def test_audit_export_needs_a_case_or_a_range(ready):
    result = ready("audit", "export")

    assert result.exit_code == 2
    assert "give --case ID, or both --from and --to" in result.output


def test_audit_export_writes_csv_with_macs(ready, tmp_path):
    new_case(ready, "--as", "tu1")
    out = tmp_path / "audit.csv"

    result = ready("audit", "export", "--case", "1", "--format", "csv", "--out", str(out))

    lines = out.read_text().splitlines()
    assert result.exit_code == 0
    assert lines[0].startswith("seq,at,actor,acting_for,action,result,case_number")
    assert len(lines) == 2 and ",tu1,,open_case,ok,LDK-" in lines[1]


def test_case_evidence_and_usage_report(ready, tmp_path):
    new_case(ready, "--as", "tu1")
    pack = tmp_path / "e.zip"

    evidence = ready("case", "evidence", "1", "--out", str(pack))
    usage = ready("report", "usage", "--from", "2026-01-01", "--to", "2026-12-31")
    backwards = ready("report", "usage", "--from", "2026-12-31", "--to", "2026-01-01")

    assert evidence.exit_code == 0 and pack.stat().st_size > 0
    assert usage.exit_code == 0 and usage.output.startswith("institution,case_number,letter_number")
    assert backwards.exit_code == 2


def test_the_env_example_file_works_as_a_dot_env(cli, tmp_path, monkeypatch):
    example = Path(__file__).parent.parent / ".env.example"
    (tmp_path / ".env").write_text(example.read_text())
    for name in ("DATABASE_URL", "AUDIT_KEY"):
        monkeypatch.delenv(name)

    result = cli("sop", "show")

    assert result.exit_code == 0, result.output
    assert "Total SOP time: 95 menit" in result.output


def test_roster_invite_prints_a_deep_link_and_unlink_forgets(ready, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "dukcapil_disposisi_bot")

    invited = ready("roster", "invite", "dir")
    unlinked = ready("roster", "unlink", "dir")
    unknown = ready("roster", "invite", "nobody")

    link = invited.output.splitlines()[-1]
    assert link.startswith("https://t.me/dukcapil_disposisi_bot?start=")
    assert len(link.split("start=")[1]) <= 64
    assert unlinked.exit_code == 0
    assert unknown.exit_code == 1


def test_a_bad_calendar_file_stops_the_command_naming_the_line(ready, tmp_path, monkeypatch):
    shipped = Path(__file__).parent.parent / "workflow" / "calendars" / "id-office.toml"
    bad = tmp_path / "kantor.toml"
    bad.write_text(shipped.read_text().replace('"07:30-16:30"', '"07:30-1630"'))
    monkeypatch.setenv("OFFICE_CALENDAR", str(bad))

    result = ready("case", "show", "1")

    assert result.exit_code == 2
    assert f"{bad} line " in result.output and "'07:30-1630' is not HH:MM-HH:MM" in result.output


def test_sla_show_lists_open_steps_with_due_times(ready):
    empty = ready("sla", "show")
    new_case(ready, "--as", "tu1")

    listed = ready("sla", "show")

    assert empty.exit_code == 0 and "No open steps." in empty.output
    assert listed.exit_code == 0
    assert "LDK-" in listed.output and "Dr. Andi Direktur" in listed.output and "WIB" in listed.output
