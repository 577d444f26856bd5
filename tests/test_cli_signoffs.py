"""The command line of sign-offs, as the IT staff use it: signing keys, a PIN reset with a one-time
code, a release verified from the audit export and the public key alone, and the cross-check of
every case against its audit rows that catches what a database write changed."""

import base64
import json
import re
import shlex
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import SIGNING_KEY_FILE, TEST_AUDIT_KEY, Clock, build_services
from tests.driving import dispatch, drive_to, edit_case_row, edit_step_row, open_ldk
from workflow.db.models import AuditRow, CaseRow, OutboxRow
from workflow.keys import generate_key
from workflow.service.pins import Pins
from workflow.sopfile import load_sops


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("AUDIT_KEY", TEST_AUDIT_KEY.decode())
    monkeypatch.setenv("SIGNING_KEY_FILE", str(SIGNING_KEY_FILE))
    for name in ("SOP_PATH", "TIMEZONE", "CASE_PREFIX", "AUDIT_PREVIOUS_KEYS", "SIGNING_PREVIOUS_KEYS"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    assert run("db", "upgrade").exit_code == 0
    return run


@pytest.fixture
def office(cli, tmp_path, sops, roster):
    """The services on the command line's database: cases are moved along as the bot would."""
    cases, sessions, engine = build_services(
        f"sqlite:///{tmp_path}/cli.db", sops, roster, Clock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    )
    yield cases, sessions
    engine.dispose()


# -- signing keys ---------------------------------------------------------------------------------


def test_keys_new_writes_a_private_key_only_its_owner_reads_and_its_public_key_beside_it(cli, tmp_path):
    made = cli("keys", "new", "--out", str(tmp_path / "keys" / "signing.pem"))
    again = cli("keys", "new", "--out", str(tmp_path / "keys" / "signing.pem"))

    private = tmp_path / "keys" / "signing.pem"
    assert made.exit_code == 0 and "SIGNING_KEY_FILE=" in made.output
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (tmp_path / "keys" / "signing.pem.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in made.output
    assert again.exit_code == 2 and "never overwritten" in again.output


def test_keys_show_names_the_signing_key_and_the_keys_trusted_to_verify(cli, tmp_path, monkeypatch):
    old = tmp_path / "old.pem"
    old_id = generate_key(old)
    monkeypatch.setenv("SIGNING_PREVIOUS_KEYS", f"{old}.pub")

    shown = cli("keys", "show")

    assert shown.exit_code == 0
    assert old_id in shown.output and "signing with " in shown.output
    assert "-----BEGIN PUBLIC KEY-----" in shown.output


def test_a_bad_signing_key_file_stops_a_command_naming_it(cli, tmp_path, monkeypatch):
    (tmp_path / "not-a-key.pem").write_text("hello")
    monkeypatch.setenv("SIGNING_KEY_FILE", str(tmp_path / "not-a-key.pem"))

    result = cli("case", "show", "1")

    assert result.exit_code == 2 and "not-a-key.pem: not an unencrypted PEM private key" in result.output


def test_run_refuses_to_start_without_a_signing_key(cli, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.delenv("SIGNING_KEY_FILE")

    result = cli("run")

    assert result.exit_code == 2
    assert "SIGNING_KEY_FILE is not set" in result.output and "disposisi keys new" in result.output


# -- the PIN reset --------------------------------------------------------------------------------


def test_unlock_pin_prints_a_one_time_code_tells_the_official_and_the_code_sets_a_new_pin(cli, office):
    _, sessions = office

    result = cli("roster", "unlock-pin", "dir", "--as", "adm")

    code = re.search(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", result.output, re.MULTILINE).group()
    assert result.exit_code == 0 and "outside Telegram" in result.output
    with sessions() as session:
        told = session.scalars(select(OutboxRow.recipient).where(OutboxRow.kind == "pin_reset")).all()
    assert told == ["dir"]
    pins = Pins(sessions, load_sops())
    assert pins.status("dir").proof == "code"
    pins.change("dir", code, Pins.new_pin_hash("135790"))
    assert pins.status("dir").has_pin


def test_unlock_pin_for_an_official_who_signs_nowhere_is_refused_and_audited(cli, office):
    _, sessions = office

    result = cli("roster", "unlock-pin", "op3", "--as", "adm")

    assert result.exit_code == 1 and "does not sign" in result.output
    with sessions() as session:
        refused = session.execute(
            select(AuditRow.actor, AuditRow.action, AuditRow.reason_code).where(AuditRow.result == "refused")
        ).all()
        told = session.scalars(select(OutboxRow.recipient).where(OutboxRow.kind == "pin_reset")).all()
    assert refused == [("adm", "pin_reset", "not_signer")]
    assert told == []


# -- a release verified from the export and the public key alone -----------------------------------


def test_a_release_verifies_from_the_audit_export_and_the_public_key_alone(cli, office, tmp_path):
    cases, _ = office
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    dispatch(cases, number)
    export = tmp_path / "export.csv"
    assert cli("audit", "export", "--case", number, "--out", str(export)).exit_code == 0

    result = cli("audit", "verify-release", str(export), "--public-key", f"{SIGNING_KEY_FILE}.pub")

    assert result.exit_code == 0, result.output
    assert f"ok: the release of {number} verifies: signed by dir" in result.output
    assert "ticked after it: duplicated, archived, sent, receipt" in result.output


def test_an_export_whose_signature_was_forged_or_checked_with_another_key_does_not_verify(
    cli, office, tmp_path
):
    cases, _ = office
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    export = tmp_path / "export.jsonl"
    cli("audit", "export", "--case", number, "--format", "jsonl", "--out", str(export))
    rows = [json.loads(line) for line in export.read_text().splitlines()]
    sign = next(r for r in rows if r["action"] == "sign")
    sign["detail"]["signature"]["binding"] = sign["detail"]["signature"]["binding"].replace("dir", "ksd1")
    forged = tmp_path / "forged.jsonl"
    forged.write_text("".join(json.dumps(r) + "\n" for r in rows))
    other = tmp_path / "other.pem"
    generate_key(other)

    altered = cli("audit", "verify-release", str(forged), "--public-key", f"{SIGNING_KEY_FILE}.pub")
    wrong_key = cli("audit", "verify-release", str(export), "--public-key", f"{other}.pub")
    garbage = cli("audit", "verify-release", str(SIGNING_KEY_FILE), "--public-key", f"{other}.pub")

    assert altered.exit_code == 1 and "does not verify with that public key" in altered.output
    assert wrong_key.exit_code == 1 and "not with the public key given" in wrong_key.output
    assert garbage.exit_code in (1, 2) and "Traceback" not in garbage.output


def test_the_readme_openssl_command_verifies_the_sign_row_without_the_tool(cli, office, tmp_path):
    """The README's `openssl pkeyutl -verify …`, exactly as written there, checks a sign row."""
    cases, _ = office
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    export = tmp_path / "export.jsonl"
    assert cli("audit", "export", "--case", number, "--format", "jsonl", "--out", str(export)).exit_code == 0
    sign = next(r for r in map(json.loads, export.read_text().splitlines()) if r["action"] == "sign")
    (tmp_path / "binding.txt").write_text(sign["detail"]["signature"]["binding"], encoding="utf-8")
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(sign["detail"]["signature"]["value"]))
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shown = " ".join(re.search(r"`(openssl pkeyutl -verify[^`]*)`", readme).group(1).split())
    command = shlex.split(shown.replace("FILE.pub", f"{SIGNING_KEY_FILE}.pub"))

    good = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    (tmp_path / "binding.txt").write_text(sign["detail"]["signature"]["binding"].replace("dir", "ksd1"))
    altered = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)

    assert good.returncode == 0 and "Signature Verified Successfully" in good.stdout, good.stderr
    assert altered.returncode != 0 and "Signature Verification Failure" in altered.stdout


# -- the cross-check of cases against their audit rows --------------------------------------------


def test_verify_state_finds_every_case_in_agreement_after_real_work(cli, office):
    cases, _ = office
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    dispatch(cases, number)
    drive_to(cases, open_ldk(cases, number="470/2/X"), 5)

    result = cli("audit", "verify", "--state")

    assert result.exit_code == 0, result.output
    assert "every case agrees with its audit rows" in result.output


@pytest.mark.parametrize(
    "tamper, reported",
    [
        ("step actor", "step 3 (#{id}) says completed by kasi2; no audit row records it"),
        ("manifest", "the manifest is not the one the audit recorded as reported"),
        ("state", "the case is closed; no audit row records how it ended"),
        ("letter", "the letter's number is '470/999/X'; the audit recorded '470/123/DUKCAPIL'"),
        ("signature", "the signature is not the one the audit recorded"),
    ],
)
def test_verify_state_names_the_case_whose_rows_were_written_behind_the_bots_back(
    cli, office, tamper, reported
):
    cases, sessions = office
    number = open_ldk(cases)
    case = drive_to(cases, number, 8 if tamper == "signature" else 6)
    if tamper == "signature":  # another case's genuine signature, copied over this one's
        other = open_ldk(cases, number="470/2/X")
        drive_to(cases, other, 8)
        with sessions() as session:
            copied = session.scalar(select(CaseRow.signature).where(CaseRow.number == other))
        edit_case_row(sessions, number, signature=copied)
    elif tamper == "step actor":
        edit_step_row(sessions, case.steps[2].id, actor="kasi2")
    elif tamper == "manifest":
        edit_case_row(sessions, number, manifest={**case.manifest.to_dict(), "records": 99999})
    elif tamper == "state":
        edit_case_row(sessions, number, state="closed")
    else:
        edit_case_row(sessions, number, letter_number="470/999/X")

    result = cli("audit", "verify", "--state")

    assert result.exit_code == 1
    assert f"{number}: {reported.format(id=case.steps[2].id)}" in result.output
    assert "1 cases say what their audit rows do not" in result.output


def test_case_show_reports_a_forged_signature(cli, office):
    cases, sessions = office
    number = open_ldk(cases)
    drive_to(cases, number, 8)
    stored = cases.view(number).case.signature
    edit_case_row(
        sessions,
        number,
        signature={
            "signer": stored.signer,
            "acting_for": None,
            "role": stored.role,
            "manifest_hash": stored.manifest_hash,
            "signed_at": stored.signed_at.isoformat(),
            "binding": stored.binding.replace('"role":"direktur"', '"role": "direktur"'),
            "sig": stored.value,
            "key_id": stored.key_id,
        },
    )

    shown = cli("case", "show", number)

    assert shown.exit_code == 0
    assert "DOES NOT HOLD: the signature does not verify: it was forged or altered" in shown.output


def test_sop_check_names_a_rule_about_a_step_kind_the_sop_does_not_have(cli, tmp_path):
    mini = (Path(__file__).parent / "sops" / "mini.toml").read_text()
    bad = tmp_path / "mini.toml"
    bad.write_text(
        mini.replace('sla = "2s"', 'sla = "2s"', 1) + '\n[[apart]]\nkind = "sign"\nnot_by = ["report_data"]\n'
    )

    result = cli("sop", "check", str(bad))

    assert result.exit_code == 2
    assert f"{bad}: rule apart #1, field 'kind': this SOP has no sign step" in result.output
