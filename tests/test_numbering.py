"""Each SOP numbers its own cases (``numbering`` in its file), and a case is found by its full
number or by a bare sequence number that names one case; SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest

from tests.conftest import SEAL, WIB, Clock, build_services, letter
from tests.driving import last_audit
from workflow.errors import CaseAmbiguous, CaseNotFound
from workflow.numbering import case_prefixes
from workflow.service.cases import CaseService
from workflow.sop import Numbering, SopError

#: 23:30 WIB on New Year's Eve (16:30 UTC): half an hour before the office's year turns.
NEW_YEARS_EVE = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)


def counting_on(sop, prefix="DAG"):
    """``sop`` numbering its cases PREFIX-0001 across years."""
    return sop.model_copy(update={"numbering": Numbering(prefix=prefix, yearly=False)})


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office(request, sops, roster):
    """Two SOPs: ``ldk`` numbered by the service's prefix (CASE_PREFIX) each year, ``mini`` as
    DAG-0001 counting on; the clock at New Year's Eve, 23:30 WIB."""
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "postgres_url")
    clock = Clock(NEW_YEARS_EVE)
    _, sessions, engine = build_services(url, sops, roster, clock, migrate=request.param == "postgres")
    two = {"ldk": sops["ldk"], "mini": counting_on(sops["mini"])}
    cases = CaseService(sessions, two, tz=WIB, default_sop="ldk", clock=clock, seal=SEAL)
    yield cases, sessions, clock
    engine.dispose()


def register(cases, n: int, sop_id: str = "ldk") -> str:
    return cases.open_case(letter(number=f"470/{n}/X"), "tu1", sop_id=sop_id).number


# -- numbering ---------------------------------------------------------------------------------


def test_each_sop_numbers_its_own_cases_and_the_office_year_turns_at_midnight_wib(office):
    cases, _, clock = office

    before = [register(cases, 1), register(cases, 2, "mini"), register(cases, 3)]
    clock.advance(minutes=31)  # 00:01 WIB on 1 January 2027; still 2026 in UTC
    after = [register(cases, 4), register(cases, 5, "mini")]

    assert before == ["LDK-2026-0001", "DAG-0001", "LDK-2026-0002"]
    assert after == ["LDK-2027-0001", "DAG-0002"]


def test_the_prefix_argument_numbers_the_sops_naming_no_prefix(services, sops):
    _, sessions = services
    cases = CaseService(sessions, {"ldk": sops["ldk"]}, tz=WIB, prefix="dis", clock=Clock(NEW_YEARS_EVE))

    assert register(cases, 1) == "DIS-2026-0001"


def test_two_sops_with_one_prefix_cannot_make_a_service(services, sops):
    _, sessions = services
    clash = {"ldk": sops["ldk"], "mini": counting_on(sops["mini"], prefix="LDK")}

    with pytest.raises(
        SopError, match=r"SOPs 'ldk' and 'mini' both number their cases LDK-.*numbering\.prefix"
    ):
        CaseService(sessions, clash, tz=WIB)


def test_an_sop_naming_no_prefix_takes_the_default_one_in_capitals(sops):
    prefixes = case_prefixes({"ldk": sops["ldk"], "mini": sops["mini"]}, "dis")

    assert prefixes == {"ldk": "DIS", "mini": "MINI"}


# -- finding a case by its number --------------------------------------------------------------


def test_the_full_number_finds_the_case_in_any_letter_case(office):
    cases, _, _ = office
    register(cases, 1)
    register(cases, 2, "mini")

    assert cases.view("ldk-2026-0001").case.number == "LDK-2026-0001"
    assert cases.view(" dag-0001 ").case.number == "DAG-0001"


def test_a_bare_number_naming_one_case_finds_it(office):
    cases, _, _ = office
    register(cases, 1)
    register(cases, 2)
    register(cases, 3, "mini")

    assert cases.view("2").case.number == "LDK-2026-0002"
    assert cases.view("0002").case.number == "LDK-2026-0002"


def test_a_bare_number_naming_several_cases_is_refused_listing_them_and_audited(office):
    cases, sessions, _ = office
    register(cases, 1)
    register(cases, 2, "mini")

    with pytest.raises(CaseAmbiguous) as info:
        cases.cancel("1", "tu1", "salah daftar")

    assert info.value.code == "case_ambiguous"
    assert info.value.params["numbers"] == ["DAG-0001", "LDK-2026-0001"]
    assert "use the full number" in str(info.value)
    assert last_audit(sessions) == ("cancel", "refused", "case_ambiguous")
    with pytest.raises(CaseAmbiguous):
        cases.view("1")


def test_last_years_case_of_a_yearly_sop_is_no_candidate_for_a_bare_number(office):
    cases, _, clock = office
    register(cases, 1)
    clock.advance(hours=1)  # 2027 in the office
    register(cases, 2, "mini")

    assert cases.view("1").case.number == "DAG-0001"
    assert cases.view("LDK-2026-0001").case.number == "LDK-2026-0001"


def test_a_bare_number_naming_no_case_is_not_found_and_audited(office):
    cases, sessions, _ = office
    register(cases, 1)

    with pytest.raises(CaseNotFound):
        cases.cancel("7", "tu1", "salah daftar")

    assert last_audit(sessions) == ("cancel", "refused", "case_not_found")


def test_the_refusal_names_only_the_cases_the_official_may_see(office):
    cases, _, _ = office
    register(cases, 1)
    register(cases, 2, "mini")

    with pytest.raises(CaseAmbiguous) as info:
        cases.view("1", viewer="kasi2")  # a Kasi who took no part in either case

    assert info.value.params["numbers"] == []
    assert "DAG-0001, LDK-2026-0001" in str(info.value)  # the CLI and the audit row name them all
