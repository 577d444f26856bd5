"""My open steps, a case's status and the search, as the asking official may see them."""

import pytest

from tests.driving import drive_to, open_ldk
from workflow.errors import NotAuthorised
from workflow.service.queries import CaseQueries


@pytest.fixture
def queries(services, clock):
    cases, sessions = services
    return CaseQueries(sessions, cases, clock)


def test_my_tasks_are_my_open_steps_oldest_first(cases, queries, clock):
    first = open_ldk(cases, number="470/1")
    clock.advance(minutes=5)
    second = open_ldk(cases, number="470/2")
    third = open_ldk(cases, number="470/3")
    drive_to(cases, third, 2)

    assert queries.my_tasks("dir") == [first, second]
    assert queries.my_tasks("ksd1") == [third]
    assert queries.my_tasks("op1") == []


def test_a_stand_in_sees_the_steps_of_the_one_they_stand_in_for(cases, queries, clock):
    number = open_ldk(cases)
    clock.advance(days=7)  # 1 December: ksd1 stands in for the Direktur

    assert number in queries.my_tasks("ksd1")


def test_status_is_refused_to_an_official_who_may_not_see_the_case(cases, queries):
    number = open_ldk(cases)
    drive_to(cases, number, 3)

    assert queries.status(number, "kasi1").case.number == number
    with pytest.raises(NotAuthorised):
        queries.status(number, "kasi2")


def test_search_finds_by_letter_institution_or_purpose_among_visible_cases(cases, queries):
    bpjs = open_ldk(cases, number="470/AB/2026", institution="BPJS Kesehatan")
    drive_to(cases, bpjs, 3)
    bps = open_ldk(cases, number="471/CD/2026", institution="Badan Pusat Statistik")

    by_institution = [v.case.number for v in queries.search("bpjs", "kasi1")]
    by_letter = [v.case.number for v in queries.search("471/cd", "dir")]
    hidden = [v.case.number for v in queries.search("statistik", "kasi1")]

    assert by_institution == [bpjs]
    assert by_letter == [bps]
    assert hidden == []  # kasi1 never held the BPS case


def test_open_steps_come_earliest_due_first_with_their_lateness(cases, queries, clock):
    first = open_ldk(cases, number="470/1")
    clock.advance(minutes=2)
    second = open_ldk(cases, number="470/2")
    clock.advance(minutes=8)  # the first is 5 minutes late, the second 3

    rows = queries.open_steps()

    assert [view.case.number for view, _ in rows] == [first, second]
    assert [(row.working - row.sla).total_seconds() for _, row in rows] == [300, 180]
