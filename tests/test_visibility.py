"""Who may see a case, on plain values (no database)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import WIB
from workflow.case import Case, Letter, StepRecord
from workflow.directory import Directory
from workflow.roster import Official, StandIn
from workflow.sopfile import load_sops
from workflow.states import CaseState
from workflow.visibility import may_see

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
SOP = load_sops()["ldk"]
PEOPLE = [
    Official("dir", "Direktur", "direktur"),
    Official("ksd1", "Kasubdit 1", "kasubdit", reports_to="dir"),
    Official("ksd2", "Kasubdit 2", "kasubdit", reports_to="dir"),
    Official("kasi1", "Kasi 1", "kasi", reports_to="ksd1"),
    Official("kasi2", "Kasi 2", "kasi", reports_to="ksd2"),
    Official("op1", "Operator 1", "jfu", reports_to="kasi1"),
    Official("op3", "Operator 3", "jfu", reports_to="kasi2"),
    Official("tu1", "TU", "tu"),
    Official("adm", "Admin", "admin"),
    Official("gone", "Former Kasi", "kasi", active=False),
]


def case_held_by(*holders: str) -> Case:
    steps = tuple(
        StepRecord(i, no, key, NOW, NOW + timedelta(minutes=5))
        for i, (no, key) in enumerate(zip(range(1, len(holders) + 1), holders, strict=True), 1)
    )
    letter = Letter("1/2026", date(2026, 11, 20), "BPS", "Statistik")
    return Case(1, "LDK-2026-0001", "ldk", 1, CaseState.OPEN, 3, letter, "tu1", NOW, steps)


@pytest.mark.parametrize(
    ("official", "sees"),
    [
        ("dir", True),
        ("ksd1", True),
        ("kasi1", True),
        ("tu1", True),
        ("adm", True),
        ("ksd2", False),
        ("kasi2", False),
        ("op1", False),
        ("op3", False),
        ("gone", False),
        ("nobody", False),
    ],
)
def test_holders_their_superiors_tu_admin_and_direktur_see_the_case(official, sees):
    case = case_held_by("dir", "ksd1", "kasi1")

    assert may_see(case, SOP, Directory.of(PEOPLE), official, NOW) is sees


def test_the_superiors_of_the_operator_see_it_through_reports_to():
    case = case_held_by("dir", "ksd1", "kasi1", "op1")

    assert may_see(case, SOP, Directory.of(PEOPLE), "kasi1", NOW)
    assert may_see(case, SOP, Directory.of(PEOPLE), "ksd1", NOW)
    assert not may_see(case, SOP, Directory.of(PEOPLE), "kasi2", NOW)


def test_an_active_stand_in_sees_what_their_principal_sees():
    order = StandIn("kasi2", "ksd1", NOW - timedelta(days=1), NOW + timedelta(days=1), "SP-1")
    case = case_held_by("dir", "ksd1", "kasi1")

    assert may_see(case, SOP, Directory.of(PEOPLE, [order]), "kasi2", NOW)
    assert not may_see(case, SOP, Directory.of(PEOPLE, [order]), "kasi2", NOW + timedelta(days=2))


def test_stand_in_dates_are_whole_wib_days():
    order = StandIn(
        "kasi2", "ksd1", datetime(2026, 11, 30, 17, tzinfo=UTC), datetime(2026, 12, 1, 17, tzinfo=UTC), "SP-2"
    )
    last_minute = datetime(2026, 12, 1, 23, 59, tzinfo=WIB)

    assert order.covers(last_minute)
    assert not order.covers(last_minute + timedelta(minutes=1))
