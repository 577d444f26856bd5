"""What a permit letter must give before it becomes a case: the SOP's required fields."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import letter
from tests.driving import last_audit
from workflow.errors import InvalidInput
from workflow.letters import check_letter
from workflow.sopfile import load_sops

TODAY = date(2026, 11, 24)
SOPS = {**load_sops(), **load_sops(Path(__file__).parent / "sops")}


@pytest.fixture
def sessions(services):
    return services[1]


def test_by_default_the_number_the_institution_and_the_purpose_are_required():
    with pytest.raises(InvalidInput) as info:
        check_letter(replace(letter(), purpose=" "), TODAY)

    assert (info.value.code, info.value.params["field"]) == ("letter_field_missing", "purpose")


def test_a_field_the_sop_does_not_require_may_be_empty():
    check_letter(
        replace(letter(), purpose="", agenda_number="AG-7"), TODAY, SOPS["permohonan"].required_fields
    )


def test_a_field_the_sop_requires_must_be_given_even_one_the_shipped_sop_never_asks():
    with pytest.raises(InvalidInput) as info:
        check_letter(letter(), TODAY, SOPS["permohonan"].required_fields)

    assert (info.value.code, info.value.params["field"]) == ("letter_field_missing", "agenda_number")


def test_the_case_service_refuses_a_letter_without_a_field_its_sop_requires_and_audits_it(cases, sessions):
    with pytest.raises(InvalidInput) as info:
        cases.open_case(replace(letter(), purpose=""), "tu1", sop_id="permohonan")

    assert info.value.params["field"] == "agenda_number"
    assert last_audit(sessions) == ("open_case", "refused", "letter_field_missing")


def test_the_case_service_opens_a_letter_with_what_its_sop_asks(cases):
    case = cases.open_case(replace(letter(), purpose="", agenda_number="AG-7"), "tu1", sop_id="permohonan")

    assert (case.sop_id, case.letter.agenda_number, case.letter.purpose) == ("permohonan", "AG-7", "")


def test_the_shipped_sop_still_refuses_a_letter_without_a_purpose(cases, sessions):
    with pytest.raises(InvalidInput):
        cases.open_case(replace(letter(), purpose=""), "tu1")

    assert last_audit(sessions) == ("open_case", "refused", "letter_field_missing")
