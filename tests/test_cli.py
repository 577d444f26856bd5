"""The ``disposisi`` command line, run in-process against a temporary database."""

import getpass
import hashlib
import hmac
import re
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, select, text
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings
from bot.templating import render_text
from tests.conftest import WIB, letter
from workflow.commands import Forward
from workflow.db.audit import key_id
from workflow.db.models import AuditRow
from workflow.files import SCAN_MAX_BYTES
from workflow.limits import NOTE_LIMIT

ROSTER = Path(__file__).parent / "data" / "roster.toml"
SEED = Path(__file__).parent.parent / "workflow" / "sops" / "ldk-7.4.4.1.toml"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env; ./data/ lands here
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("AUDIT_KEY", "cli-test-audit-key-0123456789abcdef")
    for name in ("SOP_PATH", "TIMEZONE", "CASE_PREFIX", "AUDIT_PREVIOUS_KEYS"):
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


def refusals(tmp_path) -> list[tuple[str, str, str]]:
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.connect() as c:
        query = select(AuditRow.actor, AuditRow.action, AuditRow.reason_code).order_by(AuditRow.id)
        rows = [tuple(r) for r in c.execute(query.where(AuditRow.result == "refused"))]
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
        "--sop",
        "ldk",
        *extra,
    )


def test_sop_show_prints_the_eight_steps_and_95_minutes(cli):
    result = cli("sop", "show")

    assert result.exit_code == 0
    assert "Total SOP time: 95 menit" in result.output
    assert all(f"\n{n}   " in result.output for n in range(1, 9))


def test_sop_show_lists_the_registration_fields_in_the_order_asked(cli):
    result = cli("sop", "show", str(Path(__file__).parent / "sops" / "permohonan.toml"))

    section = result.output.split("Registration fields (asked in this order):")[1].split("\n\n")[0]
    fields = section.splitlines()[2:]
    assert result.exit_code == 0
    assert [line.split()[:2] for line in fields if line] == [
        ["institution", "yes"],
        ["number", "yes"],
        ["date", "yes"],
        ["agenda_number", "yes"],
        ["srikandi_ref", "no"],
    ]
    assert "Referensi Srikandi (Srikandi reference)" in result.output


def test_sop_show_states_numbering_registrars_digest_instructions_returns_rules_and_checklist(cli):
    result = cli("sop", "show", str(Path(__file__).parents[1] / "workflow" / "sops" / "dag-7.4.4.2.toml"))
    shipped = cli("sop", "show", str(SEED))

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "Open for new cases: yes" in lines
    assert "Case numbers:       DAG-YYYY-0001, from 1 again each year" in lines
    assert "Registrars:         tu, admin, direktur" in lines
    assert "Returns:            2 -> 1; 3 -> 2; 4 -> 3; 5 -> 4 or 3; 6 -> 5" in lines
    assert any(
        line.startswith("Duties kept apart:  check_data not by whoever did report_data") for line in lines
    )
    assert "Checklist of step 6:" in lines
    assert "  sent         text      Sudah dikirim (Sent), releases the data" in lines
    assert (
        "Case numbers:       LDK-YYYY-0001, from 1 again each year (the CASE_PREFIX setting)"
        in shipped.output
    )


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


def test_commands_on_an_unmigrated_database_name_the_command(cli, tmp_path):
    (tmp_path / "cli.db").touch()  # a database file without the schema

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
    rows = {
        line.split()[0]: line.split()
        for line in result.output.splitlines()
        if line.startswith(("dir ", "ksd1 "))
    }
    assert (rows["dir"][-2], rows["ksd1"][-2]) == ("yes", "no")  # the Digest column: the file's digest = true
    recorded = r"\(SP-001/DIR/XII/2026; recorded by cli:\S+ \d\d-\d\d-\d{4} \d\d:\d\d WIB\)"
    assert re.search(recorded, result.output)


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


def test_a_cancel_reason_over_the_note_limit_is_refused_on_the_command_line_as_in_the_bot(ready, tmp_path):
    new_case(ready, "--as", "tu1")

    refused = ready("case", "cancel", "1", "--reason", "x" * (NOTE_LIMIT + 1), "--as", "tu1")
    shown = ready("case", "show", "1")

    assert refused.exit_code == 1 and f"at most {NOTE_LIMIT}" in refused.output
    assert refusals(tmp_path) == [("tu1", "cancel", "note_too_long")]
    assert "open" in shown.output.lower() and "cancelled" not in shown.output.lower()


def test_only_the_roster_roles_cancel_a_case_on_the_command_line(ready, tmp_path):
    new_case(ready, "--as", "tu1")

    refused = ready("case", "cancel", "1", "--reason", "Surat ditarik", "--as", "op3")
    done = ready("case", "cancel", "1", "--reason", "Surat ditarik", "--as", "adm")

    assert refused.exit_code == 1 and done.exit_code == 0
    assert refusals(tmp_path) == [("op3", "cancel", "cancel_not_allowed")]


def test_a_file_that_is_no_scan_is_refused_by_the_command_line_before_it_is_read(ready, tmp_path):
    text, large = tmp_path / "izin.txt", tmp_path / "izin.pdf"
    text.write_text("not a scan")
    with large.open("wb") as handle:  # sparse: one byte over the limit costs no disk
        handle.truncate(SCAN_MAX_BYTES + 1)
    new_case(ready, "--as", "tu1")

    wrong_type = ready("case", "scan", "1", str(text), "--as", "tu1")
    too_large = new_case(ready, "--scan", str(large), "--as", "tu1")
    shown = ready("case", "show", "1")

    assert (wrong_type.exit_code, too_large.exit_code) == (1, 1)
    assert "not a PDF or an image" in wrong_type.output and "at most" in too_large.output
    assert refusals(tmp_path) == [("tu1", "attach_scan", "scan_type"), ("tu1", "open_case", "scan_too_large")]
    assert "Permit scan:  sha256" not in shown.output
    assert len([r for r in audit_rows(tmp_path) if r[1:] == ("open_case", "ok")]) == 1


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


CLI_KEY = "cli-test-audit-key-0123456789abcdef"
HEAD_LINE = re.compile(r"(\S+) (\d+) ([0-9a-f]{64})")


def sql(tmp_path, statement: str, **params) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.begin() as c:
        c.execute(text(statement), params)
    engine.dispose()


def test_audit_head_append_publishes_lines_that_verify_checks(ready, tmp_path):
    published = tmp_path / "offsite" / "heads.txt"
    published.parent.mkdir()

    first = ready("audit", "head", "--append", str(published))
    new_case(ready, "--as", "tu1")
    second = ready("audit", "head", "--append", str(published))
    checked = ready("audit", "verify", "--published", str(published))

    lines = [HEAD_LINE.fullmatch(line) for line in published.read_text().splitlines()]
    assert first.exit_code == second.exit_code == 0
    assert [m[2] + " " + m[3] for m in lines] == [first.output.strip(), second.output.strip()]
    assert all(datetime.fromisoformat(m[1]).utcoffset() == timedelta(0) for m in lines)
    assert checked.exit_code == 0, checked.output
    assert "the head published at row 12 is still in the chain" in checked.output


def test_verify_names_a_chain_cut_short_since_the_published_head(ready, tmp_path):
    new_case(ready, "--as", "tu1")
    published = tmp_path / "heads.txt"
    ready("audit", "head", "--append", str(published))
    published.write_text(published.read_text() + "2026-12-0 half a line cut by a full disk\n")
    at = published.read_text().split()[0]
    with create_engine(f"sqlite:///{tmp_path}/cli.db").connect() as c:
        mac = c.execute(text("SELECT mac FROM audit WHERE seq = 10")).scalar_one()
    saved = hmac.new(CLI_KEY.encode(), f"head\n10\n{mac}".encode(), hashlib.sha256).hexdigest()
    sql(tmp_path, "DELETE FROM audit WHERE seq > 10")
    sql(tmp_path, "UPDATE audit_head SET seq = 10, mac = :mac, head_mac = :hm", mac=mac, hm=saved)

    alone = ready("audit", "verify")
    against = ready("audit", "verify", "--published", str(published))

    when = datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert alone.exit_code == 0
    assert against.exit_code == 1
    assert (
        f"audit chain broken at row 12: the chain was cut short or rewritten since the head published "
        f"at {when} (row 12)"
    ) in against.output


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--from-head", "abc", "--from-head must be a head MAC"),
        ("--from-head", "A" * 64, "--from-head must be a head MAC"),
        ("--from-head", "", "--from-head must be a head MAC"),
        ("--published", "missing.txt", "--published missing.txt: no such file"),
        ("--published", ".", "--published .: cannot read it"),
        ("--published", "junk.txt", "--published junk.txt: no well-formed line"),
    ],
)
def test_malformed_verify_input_is_a_usage_error_not_a_tamper_alarm(ready, tmp_path, option, value, says):
    (tmp_path / "junk.txt").write_text("yesterday 12 not-a-mac\n2026-11-24 12 " + "a" * 64 + "\n")

    result = ready("audit", "verify", option, value)

    lines = result.output.strip().splitlines()
    assert result.exit_code == 2
    assert len(lines) == 1 and lines[0].startswith(f"error: {says}")


@pytest.mark.parametrize("command", ["head", "verify"])
def test_reading_the_chain_without_an_audit_key_is_a_usage_error(ready, monkeypatch, command):
    monkeypatch.delenv("AUDIT_KEY")

    result = ready("audit", command)

    assert result.exit_code == 2
    assert f"'audit {command}' reads the audit chain and needs AUDIT_KEY" in result.output


def test_a_well_formed_head_that_is_not_in_the_chain_is_a_tamper_alarm(ready):
    result = ready("audit", "verify", "--from-head", "c" * 64)

    assert result.exit_code == 1
    assert "is not in the chain" in result.output


def test_rotate_key_writes_a_private_key_file_and_records_the_rotation(ready, tmp_path):
    out = tmp_path / "new-audit-key.env"

    result = ready("audit", "rotate-key", "--out", str(out))
    again = ready("audit", "rotate-key", "--out", str(out))

    written = out.read_text()
    new_key = written.removeprefix("AUDIT_KEY=").strip()
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.connect() as c:
        row = c.execute(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).one()
    engine.dispose()
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert re.fullmatch(r"AUDIT_KEY=[0-9a-f]{64}\n", written)
    assert (row.action, row.key_id) == ("audit_key_rotated", key_id(CLI_KEY.encode()))
    assert row.detail == {"from_key": key_id(CLI_KEY.encode()), "to_key": key_id(new_key.encode())}
    assert "AUDIT_PREVIOUS_KEYS" in result.output and "Restart the bot" in result.output
    assert new_key not in result.output and CLI_KEY not in result.output
    assert again.exit_code == 2 and "already exists" in again.output
    assert out.read_text() == written


def test_rotate_key_without_an_audit_key_writes_nothing(ready, tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIT_KEY")
    out = tmp_path / "new.env"

    result = ready("audit", "rotate-key", "--out", str(out))

    assert result.exit_code == 2 and "needs AUDIT_KEY" in result.output
    assert not out.exists()


def test_verification_holds_across_two_rotations_and_names_a_dropped_key(ready, tmp_path, monkeypatch):
    ready("audit", "rotate-key", "--out", str(tmp_path / "k1.env"))
    first = (tmp_path / "k1.env").read_text().removeprefix("AUDIT_KEY=").strip()
    monkeypatch.setenv("AUDIT_KEY", first)
    monkeypatch.setenv("AUDIT_PREVIOUS_KEYS", CLI_KEY)
    new_case(ready, "--as", "tu1")
    ready("audit", "rotate-key", "--out", str(tmp_path / "k2.env"))
    monkeypatch.setenv("AUDIT_KEY", (tmp_path / "k2.env").read_text().removeprefix("AUDIT_KEY=").strip())
    monkeypatch.setenv("AUDIT_PREVIOUS_KEYS", f" {first} , {CLI_KEY}")
    new_case(ready, "--as", "tu1", "--force")

    kept = ready("audit", "verify")
    monkeypatch.setenv("AUDIT_PREVIOUS_KEYS", first)
    dropped = ready("audit", "verify")

    assert kept.exit_code == 0, kept.output
    assert dropped.exit_code == 1
    assert (
        f"audit chain broken at row 1: row 1 was made with the audit key {key_id(CLI_KEY.encode())}"
    ) in dropped.output
    assert "edited" not in dropped.output


def test_a_malformed_previous_key_stops_the_start_naming_the_setting_and_not_the_key(tmp_path):
    secret = "a-key-of-thirty-one-characters!"
    env = {"AUDIT_PREVIOUS_KEYS": f"{'x' * 40},{secret}", "PATH": "", "HOME": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "sop", "show"], capture_output=True, text=True, env=env, cwd=tmp_path
    )

    assert result.returncode == 2
    assert "bad setting AUDIT_PREVIOUS_KEYS" in result.stderr and "key 2 of 2 is shorter" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_a_rejected_previous_key_never_reaches_a_traceback(monkeypatch):
    secret = "a-key-of-thirty-one-characters!"
    monkeypatch.setenv("AUDIT_PREVIOUS_KEYS", secret)

    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)

    assert "AUDIT_PREVIOUS_KEYS must be comma-separated keys of at least 32 characters" in str(refused.value)
    assert secret not in str(refused.value)


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


def roster_without_dir(tmp_path) -> Path:
    """The test roster with the Direktur marked inactive."""
    text = ROSTER.read_text(encoding="utf-8")
    head, rest = text.split('key = "dir"', 1)
    path = tmp_path / "roster-without-dir.toml"
    path.write_text(head + 'key = "dir"\nactive = false' + rest, encoding="utf-8")
    return path


def test_roster_import_dry_run_prints_the_plan_and_changes_nothing(ready, tmp_path):
    before = len(audit_rows(tmp_path))

    result = ready("roster", "import", str(roster_without_dir(tmp_path)), "--dry-run")

    assert result.exit_code == 0
    assert "dry run, nothing changed" in result.output and "deactivate: dir" in result.output
    assert len(audit_rows(tmp_path)) == before


def test_roster_import_that_deactivates_needs_yes_and_names_the_open_steps(ready, tmp_path):
    number = re.search(r"LDK-\d{4}-\d{4}", new_case(ready).output)[0]
    before = len(audit_rows(tmp_path))

    refused = ready("roster", "import", str(roster_without_dir(tmp_path)))

    assert refused.exit_code == 2
    assert f"deactivate: dir, who holds the open step {number} step 1" in refused.output
    assert "needs --yes" in refused.output and len(audit_rows(tmp_path)) == before

    done = ready("roster", "import", str(roster_without_dir(tmp_path)), "--yes")

    assert done.exit_code == 0
    assert ("cli:" + getpass.getuser(), "roster_deactivated", "ok") in audit_rows(tmp_path)


@pytest.mark.parametrize(("answer", "code", "deactivated"), [("n", 1, False), ("y", 0, True)])
def test_roster_import_in_a_terminal_asks_before_deactivating(
    ready, tmp_path, monkeypatch, answer, code, deactivated
):
    monkeypatch.setattr("bot.cli.roster._interactive", lambda: True)

    result = CliRunner().invoke(
        app, ["roster", "import", str(roster_without_dir(tmp_path))], input=f"{answer}\n"
    )

    assert result.exit_code == code
    assert "Deactivate dir?" in result.output
    assert any(a == "roster_deactivated" for _, a, _ in audit_rows(tmp_path)) is deactivated


def test_case_show_puts_each_step_s_instruction_and_note_on_lines_of_their_own(cases):
    """The timeline of ``case show``: a step's times line ends before its instruction and its note."""
    number = cases.open_case(letter(), "tu1").number
    cases.act(number, "dir", Forward(instruction="Untuk diproses", note="Mohon segera", to="ksd1"))

    text = render_text("cli/case_show.txt", WIB, view=cases.view(number), signer=None, sig_problems=[])

    timeline = text.split("Timeline (working / wall time against the SOP time):\n")[1].splitlines()
    assert timeline[2].strip().endswith("; completed")
    assert timeline[3:5] == ["    instruction: Untuk diproses", "    note: Mohon segera"]
    assert timeline[5].startswith(" 2. ")
