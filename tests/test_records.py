"""Evidence packs, audit exports and the usage report, from real cases."""

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from tests.conftest import WIB
from tests.driving import MANIFEST, OTHER_MANIFEST, dispatch, drive_to, open_ldk
from workflow.commands import Reject, SubmitManifest
from workflow.db.audit import PublishedHead
from workflow.service.records import Records


@pytest.fixture
def records(services, clock):
    cases, sessions = services
    return Records(sessions, cases, WIB, clock)


def release(cases, clock, manifest=MANIFEST, **letter_fields) -> str:
    number = open_ldk(cases, **letter_fields)
    case = drive_to(cases, number, 4, clock=clock)
    cases.act(number, case.current.assignee, SubmitManifest(manifest))
    drive_to(cases, number, 8, clock=clock)
    dispatch(cases, number, clock=clock)
    return number


def test_evidence_pack_of_a_finished_case_holds_every_element_and_verifies(cases, records, clock):
    number = release(cases, clock, pks_number="PKS-77/2026")

    pack = zipfile.ZipFile(io.BytesIO(records.evidence(number)))
    evidence = json.loads(pack.read(f"{number}/evidence.json"))
    verification = json.loads(pack.read(f"{number}/verification.json"))
    audit = [json.loads(line) for line in pack.read(f"{number}/audit.jsonl").decode().splitlines()]
    sums = pack.read(f"{number}/SHA256SUMS").decode()

    assert [t["step"] for t in evidence["timeline"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all(t["done_by"] and t["finished_at"] for t in evidence["timeline"])
    assert evidence["permit_letter"]["scan_sha256"] == "a" * 64
    assert evidence["permit_letter"]["pks_number"] == "PKS-77/2026"
    assert evidence["manifest"]["records"] == 1200
    assert evidence["manifest_sha256"] == MANIFEST.checksum() == evidence["signature"]["manifest_sha256"]
    assert evidence["signature"]["signer_name"] == "Dr. Andi Direktur"
    assert evidence["checklist"]["receipt"]["value"] == "TT-009"
    assert [a["action"] for a in audit][:2] == ["open_case", "forward"]
    assert all(a["case_number"] == number for a in audit)
    assert verification["chain_ok"] is True
    assert all(r["ok"] for r in verification["case_rows"]) and len(verification["case_rows"]) == len(audit)
    assert len(sums.splitlines()) == 3


def test_evidence_pack_reports_a_tampered_chain(cases, records, clock, services):
    _, sessions = services
    number = release(cases, clock)
    from sqlalchemy import text

    with sessions.begin() as s:
        s.execute(text("UPDATE audit SET actor = 'someone' WHERE action = 'sign'"))

    verification = json.loads(
        zipfile.ZipFile(io.BytesIO(records.evidence(number))).read(f"{number}/verification.json")
    )

    assert verification["chain_ok"] is False
    assert verification["problems"][0]["kind"] == "edited"
    assert [r["ok"] for r in verification["case_rows"]].count(False) == 1


def test_audit_export_by_case_holds_only_that_case(cases, records, clock):
    first = release(cases, clock)
    open_ldk(cases, number="470/2")

    rows = records.audit_rows(case=first)

    assert rows and {r["case_number"] for r in rows} == {first}
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)


def test_audit_export_by_office_days(cases, records, clock):
    open_ldk(cases)  # 24 Nov, 09:00 WIB
    clock.advance(days=1)
    open_ldk(cases, number="470/2")  # 25 Nov

    on_the_25th = records.audit_rows(start=date(2026, 11, 25), end=date(2026, 11, 25))

    assert [r["action"] for r in on_the_25th] == ["open_case"]
    assert on_the_25th[0]["at"].startswith("2026-11-25T02:00")


def test_usage_report_matches_the_hand_computed_fixture(cases, records, clock):
    a = release(cases, clock, number="A/1", institution="BPJS Kesehatan")  # closes 24 Nov WIB
    clock.advance(days=1)
    b = release(
        cases, clock, OTHER_MANIFEST, number="B/1", institution="Badan Pusat Statistik", pks_number="PKS-9"
    )
    rejected = open_ldk(cases, number="C/1", institution="BPJS Kesehatan")
    cases.act(rejected, "dir", Reject(reason="Izin kedaluwarsa"))
    open_ldk(cases, number="D/1", institution="BPJS Kesehatan")  # still open

    everything = records.usage(date(2026, 11, 1), date(2026, 11, 30))
    first_day = records.usage(date(2026, 11, 24), date(2026, 11, 24))
    bpjs_only = records.usage(date(2026, 11, 1), date(2026, 11, 30), institution="  bpjs   KESEHATAN ")

    assert [
        (r["case_number"], r["institution"], r["records"], r["pages"], r["pks_number"]) for r in everything
    ] == [
        (b, "Badan Pusat Statistik", 40, 3, "PKS-9"),
        (a, "BPJS Kesehatan", 1200, "", ""),
    ]
    assert everything[1]["released_at"].startswith("2026-11-24")
    assert everything[1]["manifest_sha256"] == MANIFEST.checksum()
    assert everything[1]["receipt"] == "TT-009"
    assert [r["case_number"] for r in first_day] == [a]
    assert [r["case_number"] for r in bpjs_only] == [a]


def test_verify_checks_the_chain_against_a_head_published_earlier(cases, records, services):
    _, sessions = services
    open_ldk(cases)
    seq, mac = records.head()
    published = PublishedHead(datetime(2026, 11, 24, 2, 30, tzinfo=UTC), seq, mac)
    still = records.verify(published=published)
    with sessions.begin() as s:
        s.execute(text("DELETE FROM audit WHERE seq = :seq"), {"seq": seq})

    cut = records.verify(published=published)

    assert still.ok
    assert [p.kind for p in cut.problems] == ["truncated", "truncated"]  # against the head row, and the file
    assert cut.problems[-1].message.endswith(f"the head published at 2026-11-24 02:30:00 UTC (row {seq})")
