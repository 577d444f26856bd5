"""Registering a letter by the SOP's questions: order, answer checks, captions, the letter (no I/O)."""

from datetime import date

import pytest

from workflow.letters import FIELD_LIMITS
from workflow.registration import (
    absorb,
    next_question,
    parse_caption,
    position,
    questions,
    resume,
    to_letter,
    validate,
)
from workflow.sopfile import load_sops, parse_sop

TODAY = date(2026, 11, 24)
SCAN = {"sha256": "b" * 64, "location": "telegram:AQADabc"}
LDK = load_sops()["ldk"]
KEYS = [f.key for f in LDK.fields]


def answered(*fields: str) -> dict:
    values = {
        "number": "470/123/DUKCAPIL",
        "date": "2026-11-20",
        "institution": "BPJS Kesehatan",
        "purpose": "Verifikasi data peserta",
        "pks_number": None,
        "scan": SCAN,
    }
    return {f: values[f] for f in fields}


def asks(data: dict, *, sop=LDK, scan: bool = True) -> str | None:
    field = next_question(sop, data, scan=scan)
    return field.key if field else None


def own_sop(fields: list[dict]):
    """The shipped SOP asking other questions."""
    data = LDK.model_dump(exclude={"fields", "signature_binds"})
    return parse_sop({**data, "signature_binds": ["number", "date"], "fields": fields}, "own.toml")


def field(key: str, **more) -> dict:
    return {"key": key, "label": key, "label_en": key, "ask": f"{key}?", "ask_en": f"{key}?", **more}


def test_questions_come_in_order_until_the_letter_is_complete():
    assert asks({}) == "number"
    assert asks(answered("number")) == "date"
    assert asks(answered("number", "date", "institution", "purpose")) == "pks_number"
    assert asks(answered(*KEYS[:-1])) == "scan"
    assert asks(answered(*KEYS)) is None


def test_the_position_counts_the_questions_asked():
    assert position(LDK, {}) == (1, 6)
    assert position(LDK, answered("number", "scan")) == (3, 6)
    assert position(LDK, answered("number"), scan=False) == (2, 5)


def test_a_skipped_pks_counts_as_answered():
    data = answered("number", "date", "institution", "purpose", "pks_number")

    assert data["pks_number"] is None
    assert asks(data) == "scan"


def test_without_uploads_the_scan_is_never_asked():
    assert asks(answered(*KEYS[:-1]), scan=False) is None
    assert asks({}, scan=False) == "number"
    assert "scan" not in [f.key for f in questions(LDK, scan=False)]


def test_a_question_answered_by_the_caption_is_not_asked_again():
    data = answered("number", "institution", "purpose", "scan")

    assert asks(data) == "date"


def test_an_sop_asks_its_own_fields_in_its_own_order():
    sop = own_sop([field("institution"), field("number"), field("date"), field("agenda_number")])

    assert asks({}, sop=sop) == "institution"
    assert asks({"institution": "BPS"}, sop=sop) == "number"
    assert asks({"institution": "BPS", "number": "1", "date": "2026-11-01"}, sop=sop) == "agenda_number"
    assert (
        asks({"institution": "BPS", "number": "1", "date": "2026-11-01", "agenda_number": "7"}, sop=sop)
        is None
    )


def test_a_conversation_pending_from_before_keeps_its_pks_answer():
    old = {"number": "1/A", "pks": "PKS/9", "sop": "ldk", "force": "0a1b2c3d"}

    assert resume(old) == {"number": "1/A", "pks_number": "PKS/9", "sop": "ldk", "force": "0a1b2c3d"}
    assert asks(resume(old)) == "date"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20-11-2026", "2026-11-20"), ("20/11/2026", "2026-11-20"), ("2026-11-20", "2026-11-20")],
)
def test_three_date_forms_are_accepted(text, expected):
    assert validate(LDK.field("date"), text, TODAY) == expected


def test_today_is_accepted_and_tomorrow_is_in_the_future():
    assert validate(LDK.field("date"), "24-11-2026", TODAY) == "2026-11-24"
    with pytest.raises(ValueError, match=r"^date_future$"):
        validate(LDK.field("date"), "25-11-2026", TODAY)


@pytest.mark.parametrize("text", ["20 November 2026", "2026/11/20", "31-02-2026", "20-13-2026", "kemarin"])
def test_malformed_dates_are_refused(text):
    with pytest.raises(ValueError, match=r"^date_format$"):
        validate(LDK.field("date"), text, TODAY)


@pytest.mark.parametrize("word", ["lewati", "LEWATI", "skip", "-", " Skip "])
def test_skip_words_mean_no_answer_to_a_field_not_required(word):
    assert validate(LDK.field("pks_number"), word, TODAY) is None


def test_a_required_field_cannot_be_skipped():
    assert validate(LDK.field("purpose"), "lewati", TODAY) == "lewati"  # taken as the purpose itself
    with pytest.raises(ValueError, match=r"^scan_expected$"):
        validate(LDK.field("scan"), "lewati", TODAY)


def test_a_scan_not_required_may_be_skipped():
    sop = own_sop([field("number"), field("date"), field("institution"), field("scan", required=False)])

    assert validate(sop.field("scan"), "lewati", TODAY) is None
    with pytest.raises(ValueError, match=r"^scan_expected$"):
        validate(sop.field("scan"), "sudah saya kirim", TODAY)


def test_a_pks_number_is_kept_trimmed():
    assert validate(LDK.field("pks_number"), "  PKS/12/2025 ", TODAY) == "PKS/12/2025"


def test_an_empty_answer_is_refused():
    with pytest.raises(ValueError, match=r"^empty$"):
        validate(LDK.field("institution"), "   ", TODAY)


def test_the_purpose_may_have_several_lines_up_to_its_limit():
    purpose = LDK.field("purpose")

    assert validate(purpose, "Verifikasi\npeserta", TODAY) == "Verifikasi\npeserta"
    assert validate(purpose, "x" * FIELD_LIMITS["purpose"], TODAY) == "x" * 2000
    with pytest.raises(ValueError, match=r"^too_long$"):
        validate(purpose, "x" * 2001, TODAY)


def test_an_agenda_number_keeps_the_letters_limit():
    agenda = own_sop([field("number"), field("date"), field("institution"), field("agenda_number")])

    with pytest.raises(ValueError, match=r"^too_long$"):
        validate(agenda.field("agenda_number"), "x" * (FIELD_LIMITS["agenda_number"] + 1), TODAY)


def test_a_letter_number_must_be_one_line_without_control_characters():
    with pytest.raises(ValueError, match=r"^one_line$"):
        validate(LDK.field("number"), "470\n123", TODAY)
    with pytest.raises(ValueError, match=r"^control$"):
        validate(LDK.field("number"), "470\x07123", TODAY)


def test_text_where_the_scan_belongs_is_refused():
    with pytest.raises(ValueError, match=r"^scan_expected$"):
        validate(LDK.field("scan"), "sudah saya kirim", TODAY)


def test_a_caption_gives_its_fields_whatever_the_case_and_language_of_the_keys():
    caption = (
        "NOMOR: 470/123\ntanggal : 20-11-2026\nInstitution: BPJS Kesehatan\nPurpose: Verifikasi\nPKS: lewati"
    )

    assert parse_caption(LDK, caption) == {
        "number": "470/123",
        "date": "20-11-2026",
        "institution": "BPJS Kesehatan",
        "purpose": "Verifikasi",
        "pks_number": "lewati",
    }


def test_a_caption_key_may_be_spelled_several_ways():
    caption = "No. Surat: 1/A\nTgl: 2026-11-01\nInstansi: BPS\nKeperluan: Statistik\nNomor PKS: PKS/9"

    assert parse_caption(LDK, caption) == {
        "number": "1/A",
        "date": "2026-11-01",
        "institution": "BPS",
        "purpose": "Statistik",
        "pks_number": "PKS/9",
    }


def test_a_caption_key_may_be_the_sops_own_label_and_fields_the_sop_does_not_ask_are_ignored():
    sop = own_sop(
        [
            field("number"),
            field("date"),
            field("institution"),
            {**field("agenda_number"), "label": "No. Agenda TU"},
        ]
    )
    caption = "no agenda tu: 12\nKeperluan: Statistik\nNomor: 1/A"

    assert parse_caption(sop, caption) == {"agenda_number": "12", "number": "1/A"}


def test_the_purpose_continues_on_unkeyed_lines_and_other_lines_are_ignored():
    caption = "Surat izin terlampir\nKeperluan: Verifikasi\ndata peserta\nInstansi: BPJS\nsalam"

    assert parse_caption(LDK, caption) == {"purpose": "Verifikasi\ndata peserta", "institution": "BPJS"}


def test_no_caption_gives_nothing():
    assert parse_caption(LDK, None) == {}
    assert parse_caption(LDK, "izin BPJS") == {}


def test_absorb_keeps_valid_values_and_names_the_refused_ones():
    raw = {"number": "470/123", "date": "20-11-2099", "institution": "BPJS"}

    data, errors = absorb(LDK, {}, raw, TODAY)

    assert data == {"number": "470/123", "institution": "BPJS"}
    assert errors == {"date": "date_future"}
    assert asks(data) == "date"


def test_absorb_never_overwrites_an_answer():
    data, errors = absorb(LDK, {"number": "1/A"}, {"number": "2/B", "pks_number": "-"}, TODAY)

    assert data == {"number": "1/A", "pks_number": None}
    assert errors == {}


def test_the_answers_make_a_letter():
    letter = to_letter({**answered(*KEYS), "pks_number": "PKS/12/2025", "sop": "ldk", "force": "0a1b2c3d"})

    assert letter.number == "470/123/DUKCAPIL"
    assert letter.date == date(2026, 11, 20)
    assert letter.pks_number == "PKS/12/2025"
    assert (letter.scan_sha256, letter.scan_location) == ("b" * 64, "telegram:AQADabc")


def test_a_letter_without_a_scan_has_no_hash():
    letter = to_letter(answered(*KEYS[:-1]))

    assert letter.scan_sha256 is None and letter.scan_location is None and letter.pks_number is None


def test_what_an_sop_does_not_ask_stays_empty_in_the_letter():
    letter = to_letter({"number": "1/A", "date": "2026-11-01", "institution": "BPS", "agenda_number": "7"})

    assert (letter.purpose, letter.pks_number, letter.agenda_number) == ("", None, "7")
