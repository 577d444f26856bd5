"""Which SOP a new case starts on: SOPs open or closed to new cases, the default SOP, the SOP's
numbering and daily digest as fields of its file, with defaults that keep stored checksums."""

import json

import pytest

from tests.conftest import WIB, letter
from tests.driving import last_audit
from tests.test_sop import STORED_V2, _refusal, seed_data
from workflow.commands import Forward
from workflow.errors import InvalidInput
from workflow.service.cases import CaseService
from workflow.sop import DailyDigest, Numbering
from workflow.sopfile import load_sops, parse_sop, sop_from_json


def closed(sop):
    return sop.model_copy(update={"open": False})


# -- the fields ------------------------------------------------------------------------------------


def test_the_shipped_sop_is_open_numbered_by_case_prefix_yearly_and_in_the_digest_for_everyone():
    ldk = load_sops()["ldk"]

    assert ldk.open is True
    assert ldk.numbering == Numbering(prefix=None, yearly=True)
    assert ldk.daily_digest == DailyDigest(send=True, to=())
    assert ldk.checksum() == STORED_V2


def test_closing_an_sop_to_new_cases_or_changing_who_reads_its_digest_is_no_new_version():
    data = seed_data()
    data["open"] = False
    data["daily_digest"] = {"to": ["direktur"]}

    sop = parse_sop(data, "x.toml")

    assert sop.open is False
    assert not {"open", "daily_digest"} & json.loads(sop.definition_json()).keys()
    assert sop.checksum() == STORED_V2


def test_a_numbering_of_its_own_is_stored_with_the_definition_and_a_digest_plan_is_not():
    data = seed_data()
    data["numbering"] = {"prefix": "DAG", "yearly": False}
    data["daily_digest"] = {"send": False}

    sop = parse_sop(data, "x.toml")
    stored = json.loads(sop.definition_json())

    assert stored["numbering"] == {"prefix": "DAG", "yearly": False}
    assert "daily_digest" not in stored  # who reads about the cases is no part of how they run
    assert sop_from_json(sop.definition_json()) == sop.model_copy(update={"daily_digest": DailyDigest()})
    assert sop.checksum() != STORED_V2


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d.update(numbering={"prefix": "ldk-1"}),
            "x.toml: field 'numbering.prefix': String should match",
        ),
        (lambda d: d.update(numbering={"yearly": "sometimes"}), "x.toml: field 'numbering.yearly'"),
        (
            lambda d: d.update(daily_digest={"to": ["camat"]}),
            "x.toml: field 'daily_digest.to': unknown role 'camat'",
        ),
        (lambda d: d.update(open="yes please"), "x.toml: field 'open'"),
    ],
    ids=["prefix", "yearly", "digest role", "open"],
)
def test_a_bad_numbering_digest_or_open_field_names_file_and_field(mutate, expected):
    assert _refusal(mutate).startswith(expected)


# -- the SOP a new case starts on ------------------------------------------------------------------


@pytest.fixture
def two_open(services, sops):
    """The service with every test SOP open and no default SOP."""
    _, sessions = services
    return CaseService(sessions, sops, tz=WIB), sessions


def test_a_letter_naming_no_sop_is_refused_and_audited_when_several_are_open(two_open, sops):
    cases, sessions = two_open

    with pytest.raises(InvalidInput) as info:
        cases.open_case(letter(), "tu1")

    assert info.value.code == "sop_required"
    assert info.value.params["sops"] == sorted(sops)
    assert last_audit(sessions) == ("open_case", "refused", "sop_required")


def test_the_default_sop_takes_a_letter_naming_none(services, sops):
    _, sessions = services
    cases = CaseService(sessions, sops, tz=WIB, default_sop="mini")

    assert cases.open_case(letter(), "tu1").sop_id == "mini"


def test_the_only_open_sop_takes_a_letter_naming_none(services, sops):
    _, sessions = services
    only_mini = {key: (sop if key == "mini" else closed(sop)) for key, sop in sops.items()}
    cases = CaseService(sessions, only_mini, tz=WIB)

    assert cases.open_case(letter(), "tu1").sop_id == "mini"


def test_an_sop_closed_to_new_cases_takes_no_letter_but_its_open_cases_go_on(services, sops):
    cases, sessions = services
    number = cases.open_case(letter(), "tu1", sop_id="mini").number
    closing = CaseService(sessions, {**sops, "mini": closed(sops["mini"])}, tz=WIB, default_sop="ldk")

    with pytest.raises(InvalidInput) as info:
        closing.open_case(letter(number="2"), "tu1", sop_id="mini")
    assert (info.value.code, last_audit(sessions)) == ("sop_closed", ("open_case", "refused", "sop_closed"))

    closing.act(number, "dir", Forward(instruction="Untuk diproses", to="ksd1"))
    assert closing.view(number).case.current.step_no == 2


def test_registrable_lists_the_open_sops_whose_registrars_include_the_official(services, sops):
    _, sessions = services
    cases = CaseService(sessions, {**sops, "mini": closed(sops["mini"])}, tz=WIB)

    by_tu = [sop.id for sop in cases.registrable("tu1")]
    by_operator = [sop.id for sop in cases.registrable("op1")]

    assert "mini" not in by_tu and "ldk" in by_tu
    assert by_tu == sorted(by_tu)
    assert "ldk" not in by_operator  # 7.4.4.1: the TU, the admin and the Direktur register
