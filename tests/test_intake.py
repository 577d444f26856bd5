"""The intake conversation's rules: question order, answer checks and captions (no I/O)."""

from datetime import date

import pytest

from bot.intake import (
    FIELDS,
    LIMITS,
    absorb,
    next_question,
    parse_caption,
    scan_acceptable,
    to_letter,
    validate,
)

TODAY = date(2026, 11, 24)
SCAN = {"sha256": "b" * 64, "location": "telegram:AQADabc"}


def answered(*fields: str) -> dict:
    values = {
        "number": "470/123/DUKCAPIL",
        "date": "2026-11-20",
        "institution": "BPJS Kesehatan",
        "purpose": "Verifikasi data peserta",
        "pks": None,
        "scan": SCAN,
    }
    return {f: values[f] for f in fields}


def test_questions_come_in_order_until_the_letter_is_complete():
    assert next_question({}) == "number"
    assert next_question(answered("number")) == "date"
    assert next_question(answered("number", "date", "institution", "purpose")) == "pks"
    assert next_question(answered(*FIELDS[:-1])) == "scan"
    assert next_question(answered(*FIELDS)) is None


def test_a_skipped_pks_counts_as_answered():
    data = answered("number", "date", "institution", "purpose", "pks")

    assert data["pks"] is None
    assert next_question(data) == "scan"


def test_without_uploads_the_scan_is_never_asked():
    assert next_question(answered(*FIELDS[:-1]), scan=False) is None
    assert next_question({}, scan=False) == "number"


def test_a_question_answered_by_the_caption_is_not_asked_again():
    data = answered("number", "institution", "purpose", "scan")

    assert next_question(data) == "date"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20-11-2026", "2026-11-20"), ("20/11/2026", "2026-11-20"), ("2026-11-20", "2026-11-20")],
)
def test_three_date_forms_are_accepted(text, expected):
    assert validate("date", text, TODAY) == expected


def test_today_is_accepted_and_tomorrow_is_in_the_future():
    assert validate("date", "24-11-2026", TODAY) == "2026-11-24"
    with pytest.raises(ValueError, match=r"^date_future$"):
        validate("date", "25-11-2026", TODAY)


@pytest.mark.parametrize("text", ["20 November 2026", "2026/11/20", "31-02-2026", "20-13-2026", "kemarin"])
def test_malformed_dates_are_refused(text):
    with pytest.raises(ValueError, match=r"^date_format$"):
        validate("date", text, TODAY)


@pytest.mark.parametrize("word", ["lewati", "LEWATI", "skip", "-", " Skip "])
def test_skip_words_mean_no_pks(word):
    assert validate("pks", word, TODAY) is None


def test_a_pks_number_is_kept_trimmed():
    assert validate("pks", "  PKS/12/2025 ", TODAY) == "PKS/12/2025"


def test_an_empty_answer_is_refused():
    with pytest.raises(ValueError, match=r"^empty$"):
        validate("institution", "   ", TODAY)


def test_the_purpose_may_have_several_lines_up_to_its_limit():
    assert validate("purpose", "Verifikasi\npeserta", TODAY) == "Verifikasi\npeserta"
    assert validate("purpose", "x" * LIMITS["purpose"], TODAY) == "x" * 2000
    with pytest.raises(ValueError, match=r"^too_long$"):
        validate("purpose", "x" * 2001, TODAY)


def test_a_letter_number_must_be_one_line_without_control_characters():
    with pytest.raises(ValueError, match=r"^one_line$"):
        validate("number", "470\n123", TODAY)
    with pytest.raises(ValueError, match=r"^control$"):
        validate("number", "470\x07123", TODAY)


def test_text_where_the_scan_belongs_is_refused():
    with pytest.raises(ValueError, match=r"^scan_expected$"):
        validate("scan", "sudah saya kirim", TODAY)


def test_a_caption_gives_its_fields_whatever_the_case_and_language_of_the_keys():
    caption = (
        "NOMOR: 470/123\ntanggal : 20-11-2026\nInstitution: BPJS Kesehatan\nPurpose: Verifikasi\nPKS: lewati"
    )

    assert parse_caption(caption) == {
        "number": "470/123",
        "date": "20-11-2026",
        "institution": "BPJS Kesehatan",
        "purpose": "Verifikasi",
        "pks": "lewati",
    }


def test_a_caption_key_may_be_spelled_several_ways():
    caption = "No. Surat: 1/A\nTgl: 2026-11-01\nInstansi: BPS\nKeperluan: Statistik\nNomor PKS: PKS/9"

    assert parse_caption(caption) == {
        "number": "1/A",
        "date": "2026-11-01",
        "institution": "BPS",
        "purpose": "Statistik",
        "pks": "PKS/9",
    }


def test_the_purpose_continues_on_unkeyed_lines_and_other_lines_are_ignored():
    caption = "Surat izin terlampir\nKeperluan: Verifikasi\ndata peserta\nInstansi: BPJS\nsalam"

    assert parse_caption(caption) == {"purpose": "Verifikasi\ndata peserta", "institution": "BPJS"}


def test_no_caption_gives_nothing():
    assert parse_caption(None) == {}
    assert parse_caption("izin BPJS") == {}


def test_absorb_keeps_valid_values_and_names_the_refused_ones():
    raw = {"number": "470/123", "date": "20-11-2099", "institution": "BPJS"}

    data, errors = absorb({}, raw, TODAY)

    assert data == {"number": "470/123", "institution": "BPJS"}
    assert errors == {"date": "date_future"}
    assert next_question(data) == "date"


def test_absorb_never_overwrites_an_answer():
    data, errors = absorb({"number": "1/A"}, {"number": "2/B", "pks": "-"}, TODAY)

    assert data == {"number": "1/A", "pks": None}
    assert errors == {}


@pytest.mark.parametrize(
    ("mime", "name", "ok"),
    [
        ("application/pdf", "izin.pdf", True),
        ("image/jpeg", None, True),
        ("image/png", "izin.png", True),
        (None, "izin.pdf", True),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "izin.docx", False),
        (None, "izin.zip", False),
        (None, None, False),
    ],
)
def test_only_a_pdf_or_an_image_is_a_scan(mime, name, ok):
    assert scan_acceptable(mime, name) is ok


def test_the_answers_make_a_letter():
    letter = to_letter({**answered(*FIELDS), "pks": "PKS/12/2025", "force": "0a1b2c3d"})

    assert letter.number == "470/123/DUKCAPIL"
    assert letter.date == date(2026, 11, 20)
    assert letter.pks_number == "PKS/12/2025"
    assert (letter.scan_sha256, letter.scan_location) == ("b" * 64, "telegram:AQADabc")


def test_a_letter_without_a_scan_has_no_hash():
    letter = to_letter(answered(*FIELDS[:-1]))

    assert letter.scan_sha256 is None and letter.scan_location is None and letter.pks_number is None
