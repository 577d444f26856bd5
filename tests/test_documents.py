"""The printable documents: rendered to PDF, read back with pypdf, the case's real facts on the page."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from bot.cli import app
from bot.documents import KINDS, dispatch_documents, render_pdf
from tests.conftest import HERE, WIB
from tests.driving import MANIFEST, OTHER_MANIFEST, dispatch, drive_to, open_ldk
from workflow.commands import Forward, SubmitManifest
from workflow.roster import load_roster
from workflow.service.roster import RosterService

INSTITUTION = "Dinas Kependudukan & Catatan Sipil — Kota Bandung ✓"
PKS = "PKS <12>/2026 & Adendum"
NOTE = "Mohon dicek <segera> & dilaporkan — Ñandú Çelik, Łódź"
OPERATOR = "Gita Śliwińska"  # the roster's "Gita Operator", renamed: not Latin-1


def text(pdf: bytes) -> str:
    """The PDF's text, whitespace folded (table cells wrap their lines)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def renamed(services, sops, tmp_path, clock):
    """The test roster with the operator op2 under a name that is not Latin-1."""
    _, sessions = services
    path = tmp_path / "roster.toml"
    path.write_text((HERE / "data" / "roster.toml").read_text().replace("Gita Operator", OPERATOR))
    roles = {r.key for s in sops.values() for r in s.roles}
    RosterService(sessions, clock).import_roster(load_roster(path, roles, WIB), "cli:test")


@pytest.fixture
def at_dispatch(cases, clock, renamed):
    """A case at step 8; the Kasubdit gave step 1 as Plh. of the Direktur, with a note."""
    number = open_ldk(cases, institution=INSTITUTION, pks_number=PKS)
    clock.advance(days=8)  # 2 December: ksd1 stands in for the Direktur (tests/data/roster.toml)
    cases.act(number, "ksd1", Forward(instruction="Untuk diproses", note=NOTE, to="ksd1"))
    drive_to(cases, number, 8, clock=clock)
    return number


@pytest.fixture
def closed(cases, clock, at_dispatch):
    dispatch(cases, at_dispatch, clock=clock)
    return at_dispatch


def test_lembar_disposisi_shows_the_letter_every_disposition_the_manifest_and_the_signature(cases, closed):
    view = cases.view(closed)

    page = text(render_pdf("lembar_disposisi", view, WIB))

    assert "LEMBAR DISPOSISI" in page and "SOP 7.4.4.1" in page
    assert "KEMENTERIAN DALAM NEGERI" in page
    assert f"Nomor berkas: {closed}" in page
    assert "470/123/DUKCAPIL" in page and "20 November 2026" in page
    assert INSTITUTION in page and PKS in page and "Verifikasi data peserta" in page
    assert "Budi Kasubdit (Plh. Dr. Andi Direktur)" in page
    for name in ("Budi Kasubdit", "Dewi Kasi", OPERATOR, "Dr. Andi Direktur"):
        assert name in page
    for instruction in ("Untuk diproses", "Segera", "Untuk diperhatikan"):
        assert instruction in page
    assert NOTE in page and "Mohon diproses" in page
    assert "02-12-2026 09:0" in page and "WIB" in page  # 02:0x UTC shown in WIB
    assert MANIFEST.description in page and "1.200 rekaman" in page
    assert MANIFEST.sha256 in page and MANIFEST.checksum() in page
    assert "Ditandatangani oleh Dr. Andi Direktur" in page
    assert "selesai" in page


def test_checklist_boxes_what_is_left_and_ticks_what_was_done(cases, clock, at_dispatch):
    dispatch(cases, at_dispatch, ["duplicated", "archived"], clock=clock)
    view = cases.view(at_dispatch)

    page = text(render_pdf("checklist", view, WIB))

    assert "DAFTAR PERIKSA PENGIRIMAN DATA" in page and at_dispatch in page
    assert "☑ Sudah digandakan" in page  # the SOP's labels, as the buttons say them
    assert "☑ Sudah diarsipkan ARS-2026-001" in page
    assert "☐ Sudah dikirim" in page and "☐ Tanda terima" in page
    assert f"Petugas pengiriman (JFU) {OPERATOR}" in page
    assert INSTITUTION in page and "470/123/DUKCAPIL" in page and PKS in page
    assert MANIFEST.sha256 in page and MANIFEST.location in page
    assert "Ditandatangani oleh Dr. Andi Direktur" in page


def test_checklist_of_a_closed_case_has_every_item_ticked(cases, closed):
    page = text(render_pdf("checklist", cases.view(closed), WIB))

    assert page.count("☑") == 4 and "☐" not in page
    assert "Sudah dikirim email" in page and "Nomor: TT-009" in page


def test_tanda_terima_describes_the_data_and_leaves_lines_to_sign(cases, closed):
    page = text(render_pdf("tanda_terima", cases.view(closed), WIB))

    assert "TANDA TERIMA DATA KEPENDUDUKAN" in page and closed in page
    assert INSTITUTION in page and "470/123/DUKCAPIL" in page
    assert MANIFEST.description in page and "1.200 rekaman" in page and MANIFEST.sha256 in page
    assert "Dikirim melalui email" in page
    assert "Yang menerima," in page and "Yang menyerahkan," in page and f"({OPERATOR})" in page
    assert "Diterima di ....." in page and "tanggal ....." in page
    assert MANIFEST.location not in page  # where the data is kept stays in the office


def test_an_open_case_prints_without_manifest_or_signature(cases):
    number = open_ldk(cases)

    page = text(render_pdf("lembar_disposisi", cases.view(number), WIB))

    assert number in page and "sedang diproses" in page and "dalam proses" in page
    assert "Dr. Andi Direktur" in page
    assert "manifest" not in page and "Ditandatangani" not in page


def test_a_hardcopy_manifest_prints_its_pages(cases):
    number = open_ldk(cases)
    drive_to(cases, number, 4)
    cases.act(number, "op2", SubmitManifest(OTHER_MANIFEST))

    page = text(render_pdf("lembar_disposisi", cases.view(number), WIB))

    assert "Cetakan (hardcopy)" in page and "40 rekaman, 3 halaman" in page
    assert OTHER_MANIFEST.description in page


def test_text_beyond_dejavu_still_reaches_the_page(cases):
    number = open_ldk(cases, institution="山田データ株式会社")

    page = text(render_pdf("tanda_terima", cases.view(number), WIB))

    assert "山田データ株式会社" in page


def test_a_note_of_many_lines_still_fits_its_row(cases):
    number = open_ldk(cases)
    cases.act(number, "dir", Forward(instruction="Untuk diproses", note="baris\n" * 160, to="ksd1"))

    page = text(render_pdf("lembar_disposisi", cases.view(number), WIB))

    assert "baris baris baris" in page


def test_the_jfu_gets_the_checklist_and_the_tanda_terima(cases, at_dispatch):
    documents = dispatch_documents(cases.view(at_dispatch), WIB)

    assert [name for name, _ in documents] == [
        f"{at_dispatch}-checklist.pdf",
        f"{at_dispatch}-tanda-terima.pdf",
    ]
    assert all(pdf.startswith(b"%PDF-") for _, pdf in documents)


def test_an_unknown_document_is_an_error(cases):
    with pytest.raises(ValueError, match="unknown document"):
        render_pdf("surat_sakti", cases.view(open_ldk(cases)), WIB)


# -- disposisi case print ---------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("AUDIT_KEY", "cli-test-audit-key-0123456789abcdef")
    for name in ("SOP_PATH", "TIMEZONE", "CASE_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    assert run("db", "upgrade").exit_code == 0
    assert run("roster", "import", str(HERE / "data" / "roster.toml")).exit_code == 0
    new = (
        "--letter-number",
        "470/9/X",
        "--letter-date",
        "2026-11-20",
        "--purpose",
        "Statistik",
        "--sop",
        "ldk",
    )
    assert run("case", "new", *new, "--institution", INSTITUTION).exit_code == 0
    return run


def test_case_print_writes_the_three_documents(cli, tmp_path):
    out = tmp_path / "cetak" / "berkas"

    result = cli("case", "print", "1", "--out", str(out))

    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    number = names[0].split("-checklist")[0]
    assert names == [f"{number}-{kind.replace('_', '-')}.pdf" for kind in sorted(KINDS)]
    assert all(number in text((out / name).read_bytes()) for name in names)
    assert INSTITUTION in text((out / f"{number}-tanda-terima.pdf").read_bytes())


def test_case_print_of_an_unknown_case_is_refused(cli, tmp_path):
    result = cli("case", "print", "LDK-2001-0099", "--out", str(tmp_path / "out"))

    assert result.exit_code == 1
    assert "no case 'LDK-2001-0099'" in result.output
    assert not (tmp_path / "out").exists()


def test_case_print_to_an_unwritable_folder_is_bad_input(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    result = cli("case", "print", "1", "--out", str(blocker / "out"))

    assert result.exit_code == 2
    assert f"cannot write the documents to {blocker / 'out'}" in result.output


def test_templates_exist_for_every_kind():
    folder = Path(__file__).parent.parent / "templates" / "documents"

    assert {p.stem for p in folder.glob("*.html") if not p.stem.startswith("_")} == set(KINDS)
