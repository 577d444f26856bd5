"""Each rule the front end asks is defined once, in ``workflow/`` (no I/O): the roster's own roles,
who may hold a signing PIN and what a PIN looks like, how long a note or a manifest's fields may be,
and who reads the daily digest on demand."""

import ast
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.templating import render_plain
from tests.conftest import WIB
from workflow.digest import Counts, Digest, Period, Section
from workflow.directory import Directory
from workflow.errors import DomainError, InvalidInput, NotAuthorised
from workflow.limits import DESCRIPTION_LIMIT, LOCATION_LIMIT, NOTE_LIMIT, written
from workflow.manifest import Manifest
from workflow.roster import ADMIN_ROLE, NON_SOP_ROLES, TU_ROLE, Official, StandIn, oversees_cases
from workflow.signingpin import (
    PIN_MAX_DIGITS,
    PIN_MIN_DIGITS,
    check_may_hold_pin,
    check_pin_format,
    looks_like_pin,
    may_hold_pin,
)
from workflow.sopfile import load_sops

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
SOPS = load_sops()
PEOPLE = [
    Official("dir", "Dr. Andi", "direktur"),
    Official("ksd1", "Budi", "kasubdit"),
    Official("op3", "Citra", "jfu"),
    Official("tu1", "Dedi", TU_ROLE),
    Official("adm", "Eka", ADMIN_ROLE),
]
FILE = Manifest("file", "data NIK", records=3, sha256="a" * 64, location="/srv/ekstrak/1.csv")


# -- the roster's own roles -----------------------------------------------------------------------


def test_the_tu_and_the_admin_oversee_every_case_and_no_sop_role_does():
    roles = (*NON_SOP_ROLES, "direktur", "kasubdit", "jfu")

    assert [r for r in roles if oversees_cases(r)] == ["tu", "admin"]


def _role_literals(path: Path, root: Path = ROOT) -> list[str]:
    """Where ``path`` writes "tu" or "admin" as a string of its own."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(root)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in NON_SOP_ROLES
    ]


def test_the_engine_and_its_services_name_the_roster_roles_only_where_they_are_defined():
    written_again = [
        where
        for path in sorted((ROOT / "workflow").rglob("*.py"))
        if path != ROOT / "workflow" / "roster.py"
        for where in _role_literals(path)
    ]

    assert written_again == []


def test_the_check_for_role_literals_notices_one(tmp_path):
    (tmp_path / "x.py").write_text('if me.role in ("tu", "admin"):\n    pass\n')

    assert _role_literals(tmp_path / "x.py", tmp_path) == ["x.py:1", "x.py:1"]


# -- the signing PIN ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pin", "ok"),
    [("1234", True), ("12345678", True)]
    + [(bad, False) for bad in ("123", "123456789", "12a4", "\u0661\u0662\u0663\u0664")],
)
def test_a_pin_is_four_to_eight_ascii_digits(pin, ok):
    if ok:
        check_pin_format(pin)
    else:
        with pytest.raises(InvalidInput, match=f"{PIN_MIN_DIGITS} to {PIN_MAX_DIGITS}"):
            check_pin_format(pin)


def test_a_stray_message_is_taken_for_a_pin_from_the_shortest_pin_up():
    assert looks_like_pin("1 2 3 4") and looks_like_pin("1" * (PIN_MAX_DIGITS + 1))
    assert not looks_like_pin("1" * (PIN_MIN_DIGITS - 1)) and not looks_like_pin("12 ab")


def test_a_pin_is_for_those_who_sign_at_a_step_and_whoever_any_order_names_for_them():
    order = StandIn("op3", "dir", NOW + timedelta(days=3), NOW + timedelta(days=4), "SP-1")  # to come
    directory = Directory.of(PEOPLE)

    holders = {o.key for o in PEOPLE if may_hold_pin(o.key, directory, SOPS.values())}

    assert holders == {"dir", "ksd1"}  # the Kasubdit signs 7.4.4.2
    assert may_hold_pin("op3", Directory.of(PEOPLE, [order]), SOPS.values())
    assert not may_hold_pin("ksd1", directory, [SOPS["ldk"]])  # 7.4.4.1 alone: only the Direktur
    assert not may_hold_pin("nobody", directory, SOPS.values())


# -- how long a note, a reason, a manifest's fields ------------------------------------------------


def test_a_note_is_stripped_and_refused_over_the_limit_with_the_limit_named():
    assert written(f"  {'x' * NOTE_LIMIT}  ") == "x" * NOTE_LIMIT
    with pytest.raises(DomainError) as refused:
        written("x" * (NOTE_LIMIT + 1), "reason")
    with pytest.raises(DomainError) as missing:
        written("   ", "reason", required=True)

    assert (refused.value.code, refused.value.params["limit"]) == ("note_too_long", NOTE_LIMIT)
    assert missing.value.code == "reason_missing"


@pytest.mark.parametrize(
    "change",
    [{"description": "x" * (DESCRIPTION_LIMIT + 1)}, {"location": "/" + "x" * LOCATION_LIMIT}],
    ids=["description", "location"],
)
def test_a_manifest_over_a_limit_is_refused_whoever_builds_it(change):
    assert replace(FILE, description="x" * DESCRIPTION_LIMIT, location="/" + "x" * (LOCATION_LIMIT - 1))

    with pytest.raises(InvalidInput, match=r"manifest|location"):
        replace(FILE, **change)


# -- who reads the digest on demand ---------------------------------------------------------------


def test_the_admin_reads_every_section_a_receiver_their_roles_and_anyone_else_nothing():
    day = date(2026, 12, 1)
    empty = Period(day, day, Counts(0, 0, 0, 0), ())
    to_kasi = Section("ldk", "T", "T", "", ("kasi",), empty, empty, (), None, ())
    to_direktur = Section("dag", "T", "T", "", ("direktur",), empty, empty, (), None, ())
    digest = Digest(day, NOW, (to_kasi, to_direktur), 0, None)
    receiver = Official("kasi1", "Fajar", "kasi", receives_digest=True)
    not_receiving = Official("kasi2", "Eko", "kasi", receives_digest=False)
    unreached = Official("op1", "Gita", "jfu", receives_digest=True)

    assert digest.read_by(PEOPLE[4]) is digest  # the admin
    assert digest.read_by(receiver).sections == (to_kasi,)
    assert digest.read_by(not_receiving) is None
    assert digest.read_by(unreached) is None  # no section reaches the role: nothing to read


def test_a_refusal_names_the_signing_roles():
    with pytest.raises(NotAuthorised) as refused:
        check_may_hold_pin("op3", Directory.of(PEOPLE), SOPS.values())

    assert refused.value.code == "not_signer" and refused.value.params["roles"] == ["Direktur", "Kasubdit"]


# -- the sentences name the limits as workflow/ defines them ---------------------------------------

RETYPED = re.compile(r"\b1,000 characters|\b500 characters|\b4 to 8 digits|\b20 MB\b")


def test_no_sentence_retypes_a_limit_that_workflow_defines():
    retyped = [
        f"{path.name}: {found.group()}"
        for path in sorted((ROOT / "templates" / "telegram").glob("*.html"))
        for found in RETYPED.finditer(path.read_text(encoding="utf-8"))
    ]

    assert retyped == []


@pytest.mark.parametrize(("lang", "shown"), [("en", "1,000"), ("id", "1.000")])
def test_the_note_limit_reaches_the_sentence_in_each_language(lang, shown):
    text = render_plain("note_invalid", lang, WIB, length=NOTE_LIMIT + 1)

    assert f"1 {'to' if lang == 'en' else 'sampai'} {shown}" in text
