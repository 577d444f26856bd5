"""The digest as people read it: Telegram HTML in Indonesian and English, the CLI text, the chart.
Built from plain values; no database."""

import io
import json
import struct
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.digest import digest_chart, digest_plain, digest_text
from bot.templating import LIMIT, visible_length
from botapi.parsemode import parse_html
from tests.conftest import WIB
from workflow.digest import Counts, Digest, Overdue, Period, Section, StepStats, Unrevoked

HEAD = "ab" * 32
#: A digest as stored before it had a section per SOP: ``Digest.to_json()`` of ``digest(2, 1)``'s
#: figures as the code made them then.
OLD_DIGEST = Path(__file__).parent / "data" / "digest-single-sop.json"
HOSTILE = "<script>x</script> & <b>tebal</b>"
LDK = ("ldk", "7.4.4.1", "Layanan Data dan Informasi Kependudukan", "Population data and information service")


def steps(*figures) -> tuple[StepStats, ...]:
    names = ("Direktur", "Kasubdit", "Kasi", "JFU")
    slas = (300, 300, 600, 1800)
    out = []
    for no, (name, sla, figure) in enumerate(zip(names, slas, figures, strict=True), start=1):
        count, median, p90, within = figure or (0, None, None, None)
        out.append(StepStats(no, name, sla, count, median, p90, within))
    return tuple(out)


def digest(overdue: int = 3, unrevoked: int = 2, name: str = "Budi Kasubdit") -> Digest:
    return Digest(
        day=date(2026, 11, 30),
        generated_at=datetime(2026, 11, 30, 0, 30, tzinfo=UTC),
        sections=(section(overdue, unrevoked, name),),
        audit_seq=4711,
        audit_head=HEAD,
    )


def section(
    overdue: int = 3, unrevoked: int = 2, name: str = "Budi Kasubdit", sop: tuple[str, ...] = LDK, to=()
) -> Section:
    """One SOP's figures; ``sop`` is its id, number, title and English title."""
    return Section(
        *sop,
        to=to,
        previous=Period(
            date(2026, 11, 27),
            date(2026, 11, 29),
            Counts(received=2, closed=2, rejected=1, open=4),
            steps((2, 60.0, 900.0, 0.5), None, None, (1, 2000.0, 2000.0, 0.0)),
        ),
        month=Period(
            date(2026, 11, 1),
            date(2026, 11, 29),
            Counts(received=6, closed=3, rejected=1, open=4),
            steps((6, 240.0, 900.0, 4 / 6), None, (11, 650.0, 1500.0, 4 / 11), (3, 2000.0, 4000.0, 1 / 3)),
        ),
        overdue=tuple(
            Overdue(f"LDK/2026/{i:04d}", 2, "ksd1", name, 10_800 - i) for i in range(1, overdue + 1)
        ),
        slowest_step=4,
        unrevoked=tuple(
            Unrevoked(
                f"LDK/2026/{i:04d}", datetime(2026, 11, 27, 7, tzinfo=UTC), "op2", "kasi1", name, "Dewi Kasi"
            )
            for i in range(1, unrevoked + 1)
        ),
    )


def visible(html: str) -> str:
    parsed = parse_html(html)  # raises on HTML Telegram would refuse
    assert parsed.length <= LIMIT
    return parsed.text


def test_the_indonesian_text_carries_the_key_figures():
    text = visible(digest_text(digest(), "id", WIB))

    assert "Ringkasan SLA 30-11-2026" in text
    assert "27-11-2026 s.d. 29-11-2026" in text
    assert "Masuk 2 · selesai 2 · ditolak 1 · masih terbuka 4" in text
    assert "Masuk 6 · selesai 3 · ditolak 1 · masih terbuka 4" in text
    assert "3. Kasi: 10 menit / 25 menit (SOP 10 menit), 36% tepat waktu, 11×" in text
    assert "4. JFU: 33 menit / 1 jam 6 menit (SOP 30 menit), 33% tepat waktu, 3×" in text
    assert "2. Kasubdit: belum ada yang selesai (SOP 5 menit)" in text
    assert "Paling lambat: langkah 4 (JFU), median 1,1× waktu SOP" in text
    assert "LDK/2026/0001 langkah 2, Budi Kasubdit: terlambat 2 jam 59 menit" in text
    assert "Akses operator belum dikonfirmasi dicabut: 2 berkas" in text
    assert "diberikan oleh Dewi Kasi" in text
    assert "Keadaan 30-11-2026 07:30 WIB" in text
    assert f"baris 4711, kepala {HEAD}" in text


def test_the_english_text_carries_the_key_figures():
    text = visible(digest_text(digest(), "en", WIB))

    assert "SLA digest 30-11-2026" in text
    assert "Received 6 · closed 3 · rejected 1 · still open 4" in text
    assert "1. Direktur: 4 min / 15 min (SOP 5 min), 67% on time, 6×" in text
    assert "Slowest: step 4 (JFU), median 1.1× its SOP time" in text
    assert "Overdue now: 3 steps" in text
    assert "LDK/2026/0003 step 2, Budi Kasubdit: 2 h 59 min late" in text
    assert f"row 4711, head {HEAD}" in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_two_hundred_overdue_steps_are_capped_and_counted_within_telegrams_limit(lang):
    html = digest_text(digest(overdue=200, unrevoked=50), lang, WIB)

    text = visible(html)
    assert visible_length(html) <= LIMIT
    assert "LDK/2026/0010" in text and "LDK/2026/0011" not in text
    assert ("dan 190 lainnya" if lang == "id" else "and 190 more") in text
    assert ("dan 40 lainnya" if lang == "id" else "and 40 more") in text


def test_very_long_names_shorten_the_lists_until_the_message_fits():
    html = digest_text(digest(overdue=200, unrevoked=200, name="N" * 300), "id", WIB)

    text = visible(html)
    assert "lainnya" in text
    assert f"kepala {HEAD}" in text  # the witness is never cut off


@pytest.mark.parametrize("lang", ["id", "en"])
def test_officials_names_are_escaped(lang):
    html = digest_text(digest(name=HOSTILE), lang, WIB)

    assert "<script>" not in html and "<b>tebal" not in html
    assert HOSTILE in visible(html)


def test_a_quiet_day_says_nothing_is_overdue_or_unrevoked():
    quiet = digest(overdue=0, unrevoked=0)

    assert "Tidak ada langkah yang terlambat." in visible(digest_text(quiet, "id", WIB))
    assert "No step is overdue." in visible(digest_text(quiet, "en", WIB))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_cli_text_lists_everything(lang):
    text = digest_plain(digest(overdue=30), lang, WIB)

    assert "LDK/2026/0030" in text
    assert "1h06m" in text and HEAD in text
    assert ("Bulan berjalan" if lang == "id" else "Month to date") in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_chart_is_a_png_of_reasonable_size(lang):
    png = digest_chart(digest(), lang)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", io.BytesIO(png[16:24]).read())
    assert (width, height) == (880, 495)
    assert 10_000 < len(png) < 500_000


def test_a_chart_with_nothing_finished_still_draws():
    blank = Period(date(2026, 11, 1), date(2026, 11, 29), Counts(0, 0, 0, 0), steps(None, None, None, None))
    quiet = replace(section(0, 0), previous=blank, month=blank, slowest_step=None)
    nothing = replace(digest(0, 0), sections=(quiet,), audit_seq=0, audit_head=None)

    png = digest_chart(nothing, "id")

    assert png.startswith(b"\x89PNG")
    assert "Tidak ada langkah yang terlambat." in visible(digest_text(nothing, "id", WIB))


# -- a section per SOP ---------------------------------------------------------------------------

PICKUP = ("pickup", "T.5", "Pengambilan data", "")  # an SOP file without an English title


def two_sops() -> Digest:
    pickup = section(1, 0, sop=PICKUP, to=("kasi",))
    pickup = replace(pickup, overdue=(Overdue("PKP/2026/0007", 4, "op1", "Fajar Operator", 120),))
    return replace(digest(1, 1), sections=(section(1, 1), pickup))


def test_each_section_is_headed_with_its_sops_own_title_in_the_readers_language():
    indonesian = visible(digest_text(two_sops(), "id", WIB))
    english = visible(digest_text(two_sops(), "en", WIB))

    assert "Layanan Data dan Informasi Kependudukan (SOP 7.4.4.1)" in indonesian
    assert "Population data and information service (SOP 7.4.4.1)" in english
    assert "Pengambilan data (SOP T.5)" in indonesian and "Pengambilan data (SOP T.5)" in english
    assert english.count("Month to date") == 2 and indonesian.count("Bulan berjalan") == 2
    assert english.index("Population data") < english.index(
        "PKP/2026/0007 step 4, Fajar Operator: 2 min late"
    )
    assert english.count("Audit chain") == 1


def test_a_reader_sees_only_the_sections_queued_to_them():
    text = visible(digest_text(two_sops().only(["pickup"]), "en", WIB))

    assert "Pengambilan data" in text and "Population data" not in text


def test_a_digest_without_sections_says_so():
    empty = replace(digest(), sections=())

    assert "No SOP reports its cases in the digest." in visible(digest_text(empty, "en", WIB))
    assert "Tidak ada SOP" in visible(digest_text(empty, "id", WIB))
    assert "No SOP reports its cases in the digest." in digest_plain(empty, "en", WIB)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_cli_text_has_a_section_per_sop(lang):
    text = digest_plain(two_sops(), lang, WIB)

    title = (
        "Layanan Data dan Informasi Kependudukan"
        if lang == "id"
        else "Population data and information service"
    )
    assert f"== 7.4.4.1 {title} ==" in text and "== T.5 Pengambilan data ==" in text
    assert text.index("LDK/2026/0001") < text.index("== T.5") < text.index("PKP/2026/0007")


def test_the_chart_of_two_sections_has_a_panel_for_each_one_above_the_other():
    one = digest_chart(digest(), "en")
    two = digest_chart(two_sops(), "id")

    assert two.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", two[16:24]) == (880, 2 * 495)
    assert struct.unpack(">II", one[16:24]) == (880, 495)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_digest_stored_before_sections_were_per_sop_renders_as_before(lang):
    old = Digest.from_json(json.loads(OLD_DIGEST.read_text()))

    text = visible(digest_text(old, lang, WIB))
    png = digest_chart(old, lang)

    unnamed = replace(section(2, 1), sop_id="", number="", title="", title_en="")
    assert old == replace(digest(), sections=(unnamed,))  # the fixture's figures, with no SOP named
    assert ("Ringkasan SLA 30-11-2026" if lang == "id" else "SLA digest 30-11-2026") in text
    assert ("3. Kasi: 10 menit / 25 menit" if lang == "id" else "3. Kasi: 10 min / 25 min") in text
    assert "LDK/2026/0002" in text and "📁" not in text  # no SOP named: no section heading
    assert png.startswith(b"\x89PNG") and struct.unpack(">II", png[16:24]) == (880, 495)
    assert "Month to date" in digest_plain(old, "en", WIB)
