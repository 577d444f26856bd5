import json
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from workflow.sop import SHIPPED_SOPS, Needs, SopError, StepKind, default_checklist
from workflow.sopfile import load_sop, load_sops, parse_sop, sop_from_json

SEED = SHIPPED_SOPS / "ldk-7.4.4.1.toml"
#: The checksum of the shipped SOP's version 2, as running databases store it.
STORED_V2 = "7fbcc95f70ed615285640d724f629696b1172d7d8fd061f36603bb6aec420189"


def seed_data() -> dict:
    return tomllib.loads(SEED.read_text())


def test_seed_sop_has_the_eight_steps_of_the_reading():
    sop = load_sop(SEED)

    assert (sop.id, sop.number) == ("ldk", "7.4.4.1")
    assert [s.role for s in sop.steps] == [
        "direktur",
        "kasubdit",
        "kasi",
        "jfu",
        "kasi",
        "kasubdit",
        "direktur",
        "jfu",
    ]
    assert [s.kind for s in sop.steps] == [
        StepKind.DISPOSITION,
        StepKind.DISPOSITION,
        StepKind.GRANT_ACCESS,
        StepKind.REPORT_DATA,
        StepKind.CHECK_DATA,
        StepKind.DISPOSITION,
        StepKind.SIGN,
        StepKind.DISPATCH,
    ]
    assert [int(s.sla.total_seconds() // 60) for s in sop.steps] == [5, 5, 10, 30, 15, 5, 5, 20]
    assert sop.total_sla == timedelta(minutes=95)


def test_superior_roles_run_from_jfu_to_direktur():
    sop = load_sop(SEED)

    chain = ["jfu"]
    while sop.role(chain[-1]).superior:
        chain.append(sop.role(chain[-1]).superior)

    assert chain == ["jfu", "kasi", "kasubdit", "direktur"]


def test_stored_definition_round_trips():
    sop = load_sop(SEED)

    assert sop_from_json(sop.definition_json()) == sop


def test_several_sop_files_load_side_by_side():
    sops = load_sops(Path(__file__).parent / "sops")

    assert set(sops) == {"mini", "permohonan", "pickup", "recheck", "release4"}
    assert sops["release4"].step(1).sla == timedelta(seconds=3)


def test_a_folder_with_two_files_of_one_id_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text(SEED.read_text())
    (tmp_path / "b.toml").write_text(SEED.read_text())

    with pytest.raises(SopError, match=r"b\.toml: field 'id': SOP id 'ldk' is already defined"):
        load_sops(tmp_path)


def _refusal(mutate) -> str:
    data = seed_data()
    mutate(data)
    with pytest.raises(SopError) as info:
        parse_sop(data, "x.toml")
    return str(info.value)


def test_unknown_role_names_file_step_and_field():
    message = _refusal(lambda d: d["steps"][2].update(role="camat"))

    assert message == "x.toml: step 3, field 'role': unknown role 'camat'"


def test_unknown_kind_names_file_step_and_field():
    message = _refusal(lambda d: d["steps"][4].update(kind="approve"))

    assert message.startswith("x.toml: step 5, field 'kind': unknown kind 'approve'")


def test_bad_duration_names_file_step_and_field():
    message = _refusal(lambda d: d["steps"][3].update(sla="30 menit"))

    assert message.startswith("x.toml: step 4, field 'sla': bad duration '30 menit'")


def test_missing_step_is_refused():
    message = _refusal(lambda d: d["steps"].pop(2))

    assert "step 3, field 'no': missing step" in message


def test_duplicate_step_is_refused():
    message = _refusal(lambda d: d["steps"][3].update(no=3))

    assert "step 3, field 'no': duplicate step" in message


def test_unknown_key_is_refused():
    message = _refusal(lambda d: d["steps"][0].update(waktu="5m"))

    assert message == "x.toml: step 1, field 'waktu': unknown key"


def test_unknown_top_level_key_is_refused():
    message = _refusal(lambda d: d.update(author="me"))

    assert message == "x.toml: field 'author': unknown key"


def test_dispatch_without_sign_before_it_is_refused():
    def drop_sign(d):
        d["steps"][6].update(kind="disposition")

    assert "step 8, field 'kind': a dispatch step must come after a check_data and a sign step" in _refusal(
        drop_sign
    )


def test_dispatch_without_check_before_it_is_refused():
    assert "step 8, field 'kind': a dispatch step must come after" in _refusal(
        lambda d: d["steps"][4].update(kind="disposition")
    )


def test_missing_field_is_named():
    message = _refusal(lambda d: d["steps"][1].pop("action_en"))

    assert message.startswith("x.toml: step 2, field 'action_en'")


def test_unknown_superior_role_is_refused():
    message = _refusal(lambda d: d["roles"][1].update(superior="menteri"))

    assert message == "x.toml: role 'kasubdit', field 'superior': unknown role 'menteri'"


def test_file_that_is_not_toml_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("id = ")

    with pytest.raises(SopError, match=r"bad\.toml: not valid TOML"):
        load_sop(bad)


def test_a_second_signing_step_is_refused():
    message = _refusal(lambda d: d["steps"][5].update(kind="sign"))

    assert message == "x.toml: step 7, field 'kind': only one sign step is allowed"


# -- duties kept apart and what the signature binds ------------------------------------------------


def test_the_shipped_sop_keeps_the_reporter_from_checking_or_signing_and_the_checker_from_signing():
    sop = load_sop(SEED)

    assert sop.version == 2
    assert {(r.kind, tuple(r.not_by)) for r in sop.apart} == {
        (StepKind.CHECK_DATA, (StepKind.REPORT_DATA,)),
        (StepKind.SIGN, (StepKind.REPORT_DATA, StepKind.CHECK_DATA)),
    }
    assert sop.signature_binds == ("number", "date", "scan_sha256", "pks_number")
    assert sop.one_role_per_official is False


def test_a_rule_naming_a_step_kind_the_sop_lacks_is_refused_naming_the_rule_and_field():
    mini = tomllib.loads((Path(__file__).parent / "sops" / "mini.toml").read_text())
    mini["apart"] = [{"kind": "disposition", "not_by": ["check_data"]}]

    with pytest.raises(SopError) as refused:
        parse_sop(mini, "mini.toml")

    assert str(refused.value) == "mini.toml: rule apart #1, field 'not_by': this SOP has no check_data step"


def test_a_rule_that_could_never_apply_is_refused():
    message = _refusal(lambda d: d.update(apart=[{"kind": "report_data", "not_by": ["sign"]}]))

    assert message == (
        "x.toml: rule apart #1, field 'not_by': no sign step comes before the report_data step, "
        "so the rule could never apply"
    )


def test_a_signature_cannot_bind_an_unknown_registration_field():
    message = _refusal(lambda d: d.update(signature_binds=["number", "nik"]))

    assert message.startswith("x.toml: field 'signature_binds': unknown registration field 'nik'")


def test_an_sop_stored_before_the_rules_existed_keeps_its_checksum_and_has_none():
    data = seed_data()
    for field in ("apart", "signature_binds", "one_role_per_official"):
        data.pop(field)
    old = parse_sop({**data, "version": 1}, "ldk v1")

    assert old.apart == () and "apart" not in old.definition_json()
    assert sop_from_json(old.definition_json()).checksum() == old.checksum()


def test_the_shipped_sop_keeps_the_checksum_databases_already_store():
    """Version 2 of the shipped SOP is stored in running databases: a field that becomes SOP data
    with its old behaviour as the default must leave the definition (and its checksum) as it was,
    or every database would refuse the file ("give the changed file a new version number")."""
    ldk = load_sops()["ldk"]

    assert (ldk.version, ldk.checksum()) == (2, STORED_V2)


# -- the dispatch checklist ------------------------------------------------------------------------


def test_the_shipped_dispatch_step_lists_its_checklist_with_labels_and_what_each_needs():
    step = load_sop(SEED).step(8)

    assert [(i.key, i.label, i.label_en, i.needs, i.after) for i in step.checklist] == [
        ("duplicated", "Sudah digandakan", "Duplicated", Needs.NOTHING, None),
        ("archived", "Sudah diarsipkan", "Archived", Needs.TEXT, None),
        ("sent", "Sudah dikirim", "Sent", Needs.TEXT, None),
        ("receipt", "Tanda terima", "Receipt", Needs.RECEIPT, "sent"),
    ]
    assert step.item("archived").ask == "Kirim nomor arsip."
    assert [i.key for i in step.checklist if i.releases] == ["sent"]
    assert step.checklist == default_checklist()


def test_a_dispatch_step_that_lists_no_checklist_gets_the_default_one():
    release4 = load_sops(Path(__file__).parent / "sops")["release4"]

    assert release4.step(4).checklist == default_checklist()


def test_a_definition_stored_without_a_checklist_loads_the_default_and_keeps_its_checksum():
    ldk = load_sops()["ldk"]
    stored = ldk.definition_json()  # what databases hold for version 2: no checklist in it

    loaded = sop_from_json(stored)

    assert "checklist" not in json.loads(stored)["steps"][7]
    assert loaded.step(8).checklist == default_checklist()
    assert loaded.checksum() == STORED_V2


def test_a_checklist_of_its_own_is_stored_with_the_definition_and_changes_its_checksum():
    pickup = load_sops(Path(__file__).parent / "sops")["pickup"]
    with_default = parse_sop(
        {**pickup.model_dump(), "steps": [{**s.model_dump(exclude={"checklist"})} for s in pickup.steps]}, "x"
    )

    stored = json.loads(pickup.definition_json())

    assert [i["key"] for i in stored["steps"][3]["checklist"]] == ["sealed", "collected"]
    assert sop_from_json(pickup.definition_json()) == pickup
    assert pickup.checksum() != with_default.checksum()


def _item(d: dict, key: str) -> dict:
    return next(i for i in d["steps"][7]["checklist"] if i["key"] == key)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: _item(d, "sent").update(key="archived"),
            "x.toml: step 8, checklist item 'archived', field 'key': the step has another item 'archived'",
        ),
        (
            lambda d: _item(d, "receipt").update(after="posted"),
            "x.toml: step 8, checklist item 'receipt', field 'after': "
            "'posted' is not an earlier item of this step",
        ),
        (
            lambda d: _item(d, "archived").update(after="sent"),
            "x.toml: step 8, checklist item 'archived', field 'after': "
            "'sent' is not an earlier item of this step",
        ),
        (
            lambda d: _item(d, "sent").update(needs="receipt", ask="", ask_en=""),
            "x.toml: step 8, checklist item 'receipt', field 'needs': "
            "only one item of a step takes the receipt",
        ),
        (
            lambda d: d["steps"][6].update(checklist=d["steps"][7]["checklist"]),
            "x.toml: step 7, field 'checklist': only a dispatch step has a checklist",
        ),
        (
            lambda d: d["steps"][7].update(checklist=[]),
            "x.toml: step 8, field 'checklist': a dispatch step needs at least one item",
        ),
        (
            lambda d: _item(d, "archived").pop("ask_en"),
            "x.toml: step 8, checklist item 'archived', field 'ask_en': a text item asks for its value",
        ),
        (
            lambda d: _item(d, "duplicated").update(ask="Sudah?"),
            "x.toml: step 8, checklist item 'duplicated', field 'ask': only a text item asks a question",
        ),
        (
            lambda d: _item(d, "sent").pop("label_en"),
            "x.toml: step 8, checklist item 'sent', field 'label_en': Field required",
        ),
        (
            lambda d: _item(d, "sent").update(needs="photo"),
            "x.toml: step 8, checklist item 'sent', field 'needs': unknown needs 'photo'",
        ),
        (
            lambda d: _item(d, "sent").update(key="Sent Items"),
            "x.toml: step 8, checklist item 'Sent Items', field 'key': String should match pattern",
        ),
    ],
    ids=[
        "duplicate key",
        "after an unknown item",
        "after a later item",
        "two receipts",
        "checklist on a sign step",
        "empty checklist",
        "text item without its question",
        "question on an item without text",
        "missing label",
        "unknown needs",
        "key that is no slug",
    ],
)
def test_a_bad_checklist_is_refused_naming_file_step_and_field(mutate, expected):
    message = _refusal(mutate)

    assert message.startswith(expected), message


# -- instructions, registrars and where returns go: SOP data with defaults -------------------------

RECHECK = Path(__file__).parent / "sops" / "recheck.toml"


def test_the_shipped_sop_states_the_instructions_registrars_and_returns_it_always_had():
    sop = load_sop(SEED)

    assert [(i.label, i.label_en) for i in sop.instructions] == [
        ("Untuk diproses", "For processing"),
        ("Segera", "Urgent"),
        ("Untuk diperhatikan", "For attention"),
        ("Untuk diketahui", "For information"),
        ("Arsip", "Archive"),
    ]
    assert sop.registrars == ("tu", "admin", "direktur")
    assert [s.returns_to for s in sop.steps] == [(), (1,), (2,), (3,), (4,), (5,), (6,), (7,)]


def test_an_sop_may_let_a_step_return_to_several_earlier_steps():
    sop = load_sop(RECHECK)

    assert sop.step(5).returns_to == (4, 3)
    assert sop.step(8).returns_to == (7,)  # left out: the step before
    assert sop.registrars == ("tu",)
    assert [i.label for i in sop.instructions] == ["Mohon dicek ulang", "Tindak lanjuti"]


def test_a_return_to_a_later_step_names_file_step_and_field():
    message = _refusal(lambda d: d["steps"][4].update(returns_to=[4, 6]))

    assert message == "x.toml: step 5, field 'returns_to': step 6 is not an earlier step (a return goes back)"


def test_a_return_to_the_step_itself_or_to_no_step_is_refused():
    to_itself = _refusal(lambda d: d["steps"][2].update(returns_to=[3]))
    to_nothing = _refusal(lambda d: d["steps"][2].update(returns_to=[0]))

    assert to_itself.startswith("x.toml: step 3, field 'returns_to': step 3 is not an earlier step")
    assert to_nothing.startswith("x.toml: step 3, field 'returns_to': step 0 is not an earlier step")


def test_a_return_target_that_is_no_step_number_or_named_twice_is_refused():
    word = _refusal(lambda d: d["steps"][4].update(returns_to=["kasi"]))
    twice = _refusal(lambda d: d["steps"][4].update(returns_to=[4, "previous"]))

    assert word.startswith("x.toml: step 5, field 'returns_to")
    assert "'kasi' is not a step number" in word
    assert twice == "x.toml: step 5, field 'returns_to': a step is named twice"


def test_a_registrar_role_nobody_can_hold_names_file_and_field():
    message = _refusal(lambda d: d.update(registrars=["tu", "camat"]))

    assert message.startswith("x.toml: field 'registrars': unknown role 'camat'")


def test_a_registrar_naming_the_role_of_a_missing_step_is_refused():
    message = _refusal(lambda d: d.update(registrars=["step:9"]))

    assert message == "x.toml: field 'registrars': 'step:9': this SOP has no step 9"


def test_an_sop_without_registrars_is_refused():
    message = _refusal(lambda d: d.update(registrars=[]))

    assert message.startswith("x.toml: field 'registrars'")


def test_an_instruction_longer_than_a_case_can_record_names_the_instruction_and_field():
    message = _refusal(lambda d: d["instructions"][2].update(label="x" * 41))

    assert message.startswith("x.toml: instruction #3, field 'label': ")
    assert "40 characters" in message


def test_an_instruction_without_its_english_label_is_refused():
    message = _refusal(lambda d: d["instructions"][1].pop("label_en"))

    assert message.startswith("x.toml: instruction #2, field 'label_en'")


def test_an_instruction_offered_twice_is_refused():
    message = _refusal(lambda d: d["instructions"].append({"label": "Segera", "label_en": "At once"}))

    assert message == "x.toml: instruction #6, field 'label': 'Segera' is offered twice"


def test_an_sop_offering_no_instruction_is_refused():
    message = _refusal(lambda d: d.update(instructions=[]))

    assert message.startswith("x.toml: field 'instructions'")


def test_a_definition_stored_before_the_fields_existed_loads_with_them_and_keeps_its_checksum():
    """The stored JSON of version 2 as databases hold it (no instructions, registrars or returns_to)."""
    stored = json.loads(load_sop(SEED).definition_json())
    assert not {"instructions", "registrars"} & stored.keys()
    assert not any("returns_to" in step for step in stored["steps"])

    sop = sop_from_json(json.dumps(stored))

    assert sop == load_sop(SEED)
    assert [i.label for i in sop.instructions][:2] == ["Untuk diproses", "Segera"]
    assert sop.registrars == ("tu", "admin", "direktur")
    assert sop.step(5).returns_to == (4,) and sop.step(1).returns_to == ()
    assert sop.checksum() == STORED_V2


def test_the_registrars_default_is_the_role_of_step_1_of_each_sop():
    """A stored SOP whose step 1 is not the Direktur's (the release test SOP: the JFU's) keeps
    letting that role register, as before the field existed."""
    release4 = load_sops(Path(__file__).parent / "sops")["release4"]

    stored = sop_from_json(release4.definition_json())

    assert "registrars" not in release4.definition_json()
    assert stored.registrars == ("tu", "admin", "jfu")


def test_fields_stated_away_from_their_defaults_are_stored_and_change_the_checksum():
    shipped = load_sop(SEED)
    data = seed_data()
    data["steps"][4]["returns_to"] = [4, 3]

    changed = parse_sop(data, "x.toml")

    assert '"returns_to":[4,3]' in changed.definition_json()
    assert changed.checksum() != shipped.checksum()
    assert sop_from_json(changed.definition_json()) == changed


# -- the registration questions ([[fields]]): SOP data with defaults -------------------------------

PERMOHONAN = Path(__file__).parent / "sops" / "permohonan.toml"


def test_the_shipped_sop_asks_the_permit_letter_as_the_bot_always_did():
    sop = load_sop(SEED)

    assert [(f.key, f.required) for f in sop.fields] == [
        ("number", True),
        ("date", True),
        ("institution", True),
        ("purpose", True),
        ("pks_number", False),
        ("scan", True),
    ]
    assert (sop.field("pks_number").label, sop.field("pks_number").label_en) == (
        "Nomor PKS/MoU",
        "PKS/MoU number",
    )
    assert sop.required_fields == ("number", "date", "institution", "purpose", "scan")


def test_an_sop_that_lists_no_fields_asks_the_default_ones_and_keeps_its_checksum():
    data = seed_data()
    del data["fields"]

    sop = parse_sop(data, "x.toml")

    assert sop.fields == load_sop(SEED).fields
    assert "fields" not in sop.definition_json() and sop.checksum() == STORED_V2


def test_fields_of_its_own_are_stored_with_the_definition_and_change_its_checksum():
    sop = load_sop(PERMOHONAN)

    assert [f.key for f in sop.fields] == ["institution", "number", "date", "agenda_number", "srikandi_ref"]
    assert sop.field("srikandi_ref").required is False and sop.field("scan") is None
    assert sop.field("agenda_number").ask_en == "The TU agenda number?"
    assert '"fields":[' in sop.definition_json()
    assert sop_from_json(sop.definition_json()) == sop


def _with_fields(*changes) -> str:
    def mutate(data):
        for change in changes:
            change(data["fields"])

    return _refusal(mutate)


def test_a_field_that_is_no_letter_field_is_refused_naming_file_and_field():
    message = _with_fields(lambda fields: fields[4].update(key="nik"))

    assert message.startswith(
        "x.toml: registration field 'nik', field 'key': unknown letter field (known: number, date"
    )


def test_a_field_asked_twice_is_refused():
    message = _with_fields(lambda fields: fields[4].update(key="purpose"))

    assert message == "x.toml: registration field 'purpose', field 'key': the field is asked twice"


@pytest.mark.parametrize("key", ["number", "date", "institution"])
def test_a_field_every_case_needs_must_be_asked(key):
    message = _with_fields(lambda fields: fields.remove(next(f for f in fields if f["key"] == key)))

    assert message == f"x.toml: field 'fields': every case needs the {key!r} field, asked and required"


@pytest.mark.parametrize("key", ["number", "date", "institution"])
def test_a_field_every_case_needs_must_be_required(key):
    message = _with_fields(lambda fields: next(f for f in fields if f["key"] == key).update(required=False))

    assert message == (
        f"x.toml: registration field {key!r}, field 'required': every case needs it, so it must be required"
    )


def test_a_field_without_its_question_names_the_field():
    message = _with_fields(lambda fields: fields[3].pop("ask_en"))

    assert message == "x.toml: registration field 'purpose', field 'ask_en': Field required"


@pytest.mark.parametrize(("key", "bound"), [("scan", "scan_sha256"), ("pks_number", "pks_number")])
def test_a_signature_cannot_bind_a_field_the_sop_does_not_ask(key, bound):
    message = _with_fields(lambda fields: fields.remove(next(f for f in fields if f["key"] == key)))

    assert message == (
        f"x.toml: field 'signature_binds': {bound!r} is not asked at registration "
        f"(add a registration field {key!r} to [[fields]], or do not bind it)"
    )
