"""Reading an SOP document's extracted text into a draft SOP definition (``workflow.sopimport``).

``data/sop-7.4.4.1-seed.txt`` is a byte-for-byte copy of the project's seed,
``shared/seed/000_60825edc8bd972fd.txt`` (the text extracted from the scanned SOP 7.4.4.1), kept here
so the tests do not depend on a folder beside the clone. ``data/sop-kia.txt`` and
``data/sop-surat-masuk.txt`` are SOPs written for these tests in the same layout, with their own
extraction noise.
"""

import re
import tomllib
from pathlib import Path

import pytest

from bot.templating import render_text
from workflow.duration import parse_duration
from workflow.openpoints import is_open
from workflow.sop import SHIPPED_SOPS
from workflow.sopfile import load_sop
from workflow.sopimport import SopTextError, read_draft

DATA = Path(__file__).parent / "data"
SEED_TEXT = DATA / "sop-7.4.4.1-seed.txt"
SHARED_SEED = Path(__file__).parent.parent.parent / "shared" / "seed" / "000_60825edc8bd972fd.txt"
SHIPPED = SHIPPED_SOPS / "ldk-7.4.4.1.toml"
OPEN = "??"


def draft_of(path: Path):
    return read_draft(path.read_bytes(), path.name)


def shape(value):
    """The draft's data with every open point written as ``"??"``: what was read, and what was not."""
    if is_open(value):
        return OPEN
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return value


def normal(text: str) -> str:
    """Case and spacing aside, and a word split across lines joined: what the comparison ignores."""
    return re.sub(r"\s+", "", text).lower()


# -- the seed ---------------------------------------------------------------------------------------


def test_the_seed_fixture_is_a_copy_of_the_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip("no shared/seed beside the clone")

    assert SEED_TEXT.read_bytes() == SHARED_SEED.read_bytes()


def test_the_seed_reads_as_the_shipped_sop_step_by_step():
    shipped = load_sop(SHIPPED)

    draft = draft_of(SEED_TEXT)

    assert [s.no for s in draft.steps] == [s.no for s in shipped.steps]
    assert [normal(s.action) for s in draft.steps] == [normal(s.action) for s in shipped.steps]
    assert [s.action for s in draft.steps] == [s.action for s in shipped.steps]  # exactly, in fact
    assert [s.requires for s in draft.steps] == [s.requires for s in shipped.steps]
    assert [s.produces for s in draft.steps] == [s.produces for s in shipped.steps]
    assert [parse_duration(s.sla) for s in draft.steps] == [s.sla for s in shipped.steps]


def test_the_seed_header_reads_as_the_shipped_sop():
    shipped = load_sop(SHIPPED)

    draft = draft_of(SEED_TEXT)

    assert (draft.number, draft.title) == (shipped.number, shipped.title)
    assert draft.legal_basis == shipped.legal_basis
    assert draft.warning == shipped.warning
    assert draft.issuer == shipped.issuer
    assert [(r.key, r.name) for r in draft.roles] == [(r.key, r.name) for r in shipped.roles]


def test_in_the_seed_every_step_leaves_its_role_kind_and_english_open():
    draft = draft_of(SEED_TEXT)

    assert [p.where for p in draft.open_points] == [
        "field 'id'",
        "field 'title_en'",
        "field 'warning_en'",
        "field 'numbering'",
        *(f"role '{key}', field 'superior'" for key in ("direktur", "kasubdit", "kasi", "jfu")),
        *(f"step {no}, field '{f}'" for no in range(1, 9) for f in ("role", "kind", "action_en")),
    ]
    assert draft.steps[2].role == "?? which role performs step 3: direktur, kasubdit, kasi, jfu"


def test_the_seed_suggestions_match_the_shipped_roles_and_kinds():
    shipped = load_sop(SHIPPED)

    draft = draft_of(SEED_TEXT)

    roles = [re.match(r'"(\w+)"', s.hint("role")) for s in draft.steps]
    assert [m.group(1) if m else None for m in roles] == [
        None, "kasubdit", "kasi", None, "kasi", "kasubdit", "direktur", "jfu"
    ]  # fmt: skip
    suggested = [s.role for s, m in zip(shipped.steps, roles, strict=True) if m]
    assert [m.group(1) for m in roles if m] == suggested
    assert [s.hint("kind").split()[0] for s in draft.steps] == [s.kind.value for s in shipped.steps]


def test_the_seed_keeps_the_header_facts_the_sop_format_has_no_field_for():
    notes = dict(draft_of(SEED_TEXT).notes)

    assert notes["Tgl Pembuatan"] == "12 Desember 2011"
    assert notes["Keterkaitan"] == (
        "SOP Pemberian Izin Pemanfaatan Data Kependudukan; SOP Administrasi Persuratan"
    )
    assert notes["Pencatatan dan Pendataan"] == "Data kependudukan dapat berbentuk dalam softcopy/hardcopy."


# -- SOPs of other shapes ---------------------------------------------------------------------------


def test_five_steps_three_columns_labels_before_values_and_columns_run_together():
    draft = draft_of(DATA / "sop-kia.txt")

    assert shape(draft.data()) == {
        "id": OPEN,
        "version": 1,
        "number": "470/12/SOP/2023",
        "title": "Penerbitan Kartu Identitas Anak",
        "title_en": OPEN,
        "issuer": "Pemerintah Kabupaten Sleman, Dinas Kependudukan dan Pencatatan Sipil",
        "legal_basis": [
            "Permendagri Nomor 2 Tahun 2016 tentang Kartu Identitas Anak",
            "Peraturan Bupati Sleman Nomor 15 Tahun 2021",
        ],
        "warning": "Kartu tidak boleh diserahkan kepada selain orang tua atau wali anak.",
        "warning_en": OPEN,
        "open": False,
        "numbering": {"prefix": OPEN},
        "roles": [
            {"key": "kepala_dinas", "name": "Kepala Dinas", "superior": OPEN},
            {"key": "kasi", "name": "Kasi", "superior": OPEN},
            {"key": "operator", "name": "Operator", "superior": OPEN},
        ],
        "steps": [
            step(1, "Menerima berkas permohonan dan memverifikasi kelengkapan",
                 ["Formulir F-1.03", "Akta kelahiran"], ["Berkas lengkap"], "15m"),
            step(2, "Memberikan disposisi kepada Kasi", ["Berkas lengkap"], ["Disposisi"], "5m"),
            step(3, "Memeriksa data anak dalam database kependudukan",
                 ["Disposisi", "Berkas lengkap"], ["Data terverifikasi"], "1h"),
            step(4, "Mencetak kartu identitas anak", ["Data terverifikasi"], ["KIA", "Tanda terima"], "30m"),
            step(5, "Menyerahkan kartu kepada pemohon", ["KIA", "Tanda terima"], ["Arsip"], "10m"),
        ],
    }  # fmt: skip
    assert draft.steps[1].role == "?? which role performs step 2: kepala_dinas, kasi, operator"
    assert draft.steps[2].hint("role") == '"kasi" (step 2 ends "… kepada Kasi")'
    assert dict(draft.notes)["Tgl Pengesahan"] == "9 Januari 2023"
    assert "Tgl Revisi" not in dict(draft.notes) and "Keterkaitan" not in dict(draft.notes)  # "-"


def test_ten_steps_values_before_labels_a_page_break_hours_days_and_outputs_over_lines():
    draft = draft_of(DATA / "sop-surat-masuk.txt")

    data = shape(draft.data())

    assert {k: v for k, v in data.items() if k != "steps"} == {
        "id": OPEN,
        "version": 1,
        "number": "800.1.2/PU/03",
        "title": "Pengelolaan Surat Masuk dan Arsip Dinas",
        "title_en": OPEN,
        "issuer": "Pemerintah Provinsi Jawa Tengah, Sekretariat Daerah, Biro Umum",
        "legal_basis": [
            "Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan",
            "Peraturan Pemerintah Nomor 28 Tahun 2012",
            "Peraturan Gubernur Jawa Tengah No. 52 Tahun 2020",
        ],
        "warning": (
            "Surat rahasia hanya dibuka oleh pejabat yang dituju; bila tidak diproses, "
            "kepentingan pemohon dapat dirugikan."
        ),
        "warning_en": OPEN,
        "open": False,
        "numbering": {"prefix": OPEN},
        "roles": [
            {"key": key, "name": key.capitalize(), "superior": OPEN}
            for key in ("staf", "kasubag", "kabag", "sekretaris")
        ],
    }
    assert data["steps"] == [
        step(1, "Menerima surat masuk dan mencatat dalam buku agenda",
             ["Surat masuk", "Buku agenda"], ["Surat tercatat"], "10m"),
        step(2, "Memindai surat dan mengunggah ke Srikandi", ["Surat tercatat"], ["Pindaian surat"], "15m"),
        step(3, "Meneruskan surat kepada Kasubag", ["Pindaian surat"], ["Surat masuk"], "5m"),
        step(4, "Menelaah surat dan mengusulkan disposisi kepada Kabag",
             ["Surat masuk", "Lembar disposisi"], ["Telaahan staf"], "1h"),
        step(5, "Memeriksa telaahan dan meneruskan kepada Sekretaris",
             ["Telaahan staf"], ["Telaahan staf", "Lembar disposisi"], "30m"),
        step(6, "Memberikan disposisi kepada Kabag", ["Lembar disposisi"], ["Disposisi"], "1h30m"),
        step(7, "Meneruskan disposisi kepada Staf", ["Disposisi"], ["Disposisi"], "10m"),
        step(8, "Menindaklanjuti surat sesuai disposisi dalam 2 hari kerja",
             ["Disposisi", "Surat masuk"], ["Surat balasan", "Laporan tindak lanjut"], OPEN),
        step(9, "Menandatangani surat balasan", ["Surat balasan"], ["Surat balasan ditandatangani"], "15m"),
        step(10, "Mengirim surat balasan dan melakukan pengarsipan",
             ["Surat balasan ditandatangani", "Buku agenda"], ["Tanda terima", "Berkas pengarsipan"], "20m"),
    ]  # fmt: skip


def step(no, action, requires, produces, sla):
    return {
        "no": no,
        "role": OPEN,
        "kind": OPEN,
        "action": action,
        "action_en": OPEN,
        "requires": requires,
        "produces": produces,
        "sla": sla,
    }


def test_days_are_left_open_with_why_since_a_day_of_sop_time_is_an_office_day():
    eighth = draft_of(DATA / "sop-surat-masuk.txt").steps[7]

    assert eighth.sla == '?? step 8\'s SOP time as office time ("2 hari")'
    assert '"1d" is 24 hours of office time' in eighth.hint("sla")


def test_steps_remember_the_line_they_start_on():
    draft = draft_of(DATA / "sop-surat-masuk.txt")

    lines = (DATA / "sop-surat-masuk.txt").read_text().splitlines()

    assert all(lines[s.line - 1].lstrip().startswith(f"{s.no}.") for s in draft.steps)


# -- noise ------------------------------------------------------------------------------------------

TABLE = "Uraian Prosedur\nKASI JFU Kelengkapan Waktu Output\n"


def steps_of(body: str):
    return read_draft((TABLE + body).encode(), "t.txt").steps


def test_a_time_inside_the_action_is_text_and_the_waktu_column_is_the_time():
    (only,) = steps_of("1. menyelesaikan dalam 3 hari kerja - Berkas 20 menit - Laporan\n")

    assert (only.action, only.requires, only.produces, only.sla) == (
        "Menyelesaikan dalam 3 hari kerja",
        ("Berkas",),
        ("Laporan",),
        "20m",
    )


def test_a_step_without_a_time_leaves_its_time_and_outputs_open():
    (only,) = steps_of("1. menerima berkas\n- Berkas\n- Disposisi\n")

    assert only.requires == ("Berkas", "Disposisi")
    assert is_open(only.sla) and is_open(only.produces[0])


def test_hyphenated_and_suffix_splits_are_joined_and_a_doubled_word_keeps_its_hyphen():
    (only,) = steps_of(
        "1. menandatangani surat-\nsurat dan penanda-\ntanganan - Berkas 5 menit - Surat diproses\nkan\n"
    )

    assert only.action == "Menandatangani surat-surat dan penandatanganan"
    assert only.produces == ("Surat diproseskan",)


def test_page_numbers_flowchart_labels_and_a_repeated_header_are_left_out():
    steps = steps_of(
        "1. menerima berkas - Berkas 5 menit - Disposisi\n7\n- 7 -\nHalaman 7 dari 9\nmulai\n\n"
        "Uraian Prosedur\nKASI JFU Kelengkapan Waktu Output\n"
        "2. meneruskan kepada JFU - Disposisi 5 menit - Arsip\nselesai\n 8 \n"
    )

    assert [(s.action, s.produces) for s in steps] == [
        ("Menerima berkas", ("Disposisi",)),
        ("Meneruskan kepada JFU", ("Arsip",)),
    ]


def test_a_section_named_beside_another_but_given_no_list_stays_empty():
    text = "Dasar Hukum Keterkaitan\n1. UU 1\nPeringatan\nJangan.\n" + TABLE + "1. a - B 5 menit - C\n"

    draft = read_draft(text.encode(), "t.txt")

    assert (draft.legal_basis, draft.warning) == (("UU 1",), "Jangan.")
    assert "Keterkaitan" not in dict(draft.notes)


# -- text that cannot be read -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "t.txt line 1: the file is empty"),
        (b" \n\n  \n", "t.txt line 1: the file is empty"),
        (b"Nomor SOP 1\n\x89PNG\x00\x00", "t.txt line 2: binary data (byte 0x00): not a text file"),
        (b"%PDF-1.7\n%\xe2\xe3", "t.txt line 1: a PDF file: extract its text first"),
        ("Nomor SOP 1\nNama SOP X\nPeringatan caf\u00e9\n".encode("latin-1"), "t.txt line 3: not UTF-8"),
        (b"Nomor SOP 1\nNama SOP Layanan\n\nsomething else\n", "t.txt line 4: no procedure table"),
        (TABLE.encode() + b"mulai\n", "t.txt line 3: the procedure table (line 1) has no steps"),
        (b"Uraian Prosedur\nKelengkapan Waktu Output\n1. menerima\n", "t.txt line 3: the procedure table's"),
        (TABLE.encode() + b"1. menerima - A 5 menit - B\n3. lalu\n", "t.txt line 4: step 3 where step 2"),
    ],
    ids=["empty", "blank", "binary", "pdf", "latin-1", "no-table", "no-steps", "no-actors", "step-lost"],
)
def test_unreadable_text_is_refused_naming_the_line(data, says):
    with pytest.raises(SopTextError) as refused:
        read_draft(data, "t.txt")

    assert str(refused.value).startswith(says)
    assert "\n" not in str(refused.value)


# -- the draft file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sop-7.4.4.1-seed.txt", "sop-kia.txt", "sop-surat-masuk.txt"])
def test_the_written_draft_is_toml_that_reads_back_as_the_draft(name):
    draft = draft_of(DATA / name)

    text = render_text("cli/sop_draft.toml", None, draft=draft, source=name)

    assert tomllib.loads(text) == draft.data()


def test_a_value_with_quotes_backslashes_and_control_characters_survives_the_toml():
    draft = draft_of(DATA / "sop-kia.txt")
    odd = 'Kartu "KIA" \\ C:\\arsip\ttab\x7f\x01 é'
    changed = type(draft)(**{**draft.__dict__, "title": odd, "legal_basis": (odd, "x")})

    text = render_text("cli/sop_draft.toml", None, draft=changed, source='a "b".txt')

    assert tomllib.loads(text)["title"] == odd
    assert tomllib.loads(text)["legal_basis"] == [odd, "x"]
