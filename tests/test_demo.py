"""``disposisi demo`` shows a whole case without a token, and leaves nothing behind.

Every scenario registers the letter through ``/baru``; those that sign first have the Direktur
choose a PIN with the admin's one-time code; ``late`` shows a reminder and an escalation arrive.
"""

import re
from pathlib import Path

import pytest

from bot.demo.stage import run_demo

#: The TU registers through the bot: /baru, its six questions, the scan, the case number.
INTAKE = [
    "TU sends /baru",
    "TU ← (1/6) Berapa nomor surat izin itu?",
    "TU replies: 470/2211/DUKCAPIL/XI/2026",
    "TU ← (6/6) Kirim pindaian surat izin",
    "TU replies: 📎 surat-izin-470-2211.pdf",
    "TU ← ✅ Surat terdaftar sebagai LDK-",
]
#: The admin's one-time code, then /pin: the new PIN twice and the code; never shown.
PIN = [
    "… the admin runs `disposisi roster unlock-pin direktur --as admin`",
    "Direktur ← 🔑 PIN penandatanganan Anda telah diatur ulang",
    "Direktur sends /pin",
    "Direktur ← Kirim PIN penandatanganan baru",
    "Direktur replies: ••••••",
    "Direktur ← Kirim PIN yang sama sekali lagi.",
    "Direktur replies: ••••••",
    "Direktur ← Terakhir, kirim kode sekali pakai",
    "Direktur replies: <one-time code>",
    "Direktur ← 🔐 PIN penandatanganan disimpan.",
]
#: Step 2 left past its SOP time: the Kasubdit is reminded, then the Direktur told.
LATE = [
    "Kasubdit ← 📨 Langkah 2",
    "Kasubdit ← ⏰ Pengingat 1: langkah 2 LDK-",
    "Direktur ← 🚨 Eskalasi: langkah 2 LDK-",
    "Kasubdit presses [Teruskan]",
]


def in_order(out: str, lines: list[str]) -> bool:
    """Whether each line of ``out`` named (by its text after the time) appears, in this order."""
    at = 0
    for expected in lines:
        found = re.compile(r"^\[ *\d+\.\ds\] " + re.escape(expected), re.M).search(out, at)
        if found is None:
            return False
        at = found.end()
    return True


@pytest.mark.parametrize(
    ("scenario", "ending", "shown", "extra"),
    [
        ("happy", "ended closed", "Tanda terima — dicatat", PIN),
        ("reject", "ended rejected", "Surat izin sudah kedaluwarsa", []),
        ("return", "ended closed", "Dikembalikan ke langkah 4", PIN),
        ("late", "ended closed", "Tanda terima — dicatat", [*PIN, *LATE]),
    ],
)
def test_the_demo_narrates_a_case_to_its_end(scenario, ending, shown, extra, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    status = run_demo(scenario)

    out = capsys.readouterr().out
    assert status == 0
    assert ending in out and shown in out
    assert in_order(out, [*extra[: len(PIN)], *INTAKE, *extra[len(PIN) :]])
    assert "Direktur ← 📨 Langkah 1" in out
    assert re.search(r"^Permit scan: +sha256 [0-9a-f]{64} at telegram:", out, re.M)  # came through the bot
    assert re.search(r"^Registered: .* by Indah Sari$", out, re.M)
    assert bool(re.search(r"^ {14}holds: Ed25519 signature, key [0-9a-f]+$", out, re.M)) == bool(extra)
    assert ("SOP 5s — LATE" in out) == (scenario == "late")
    assert "Timeline (working / wall time against the SOP time):" in out
    assert not (tmp_path / "data").exists()  # a temporary database, never ./data/
    temp = out.split("temporary database in ")[1].split()[0]
    assert not Path(temp).exists()


def test_the_demo_plays_sop_7_4_4_2_to_its_end_with_the_kasubdit_signing(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    status = run_demo("happy", "dag")

    out = capsys.readouterr().out
    assert status == 0
    assert "SOP 7.4.4.2 Layanan Permohonan Data Agregat Kependudukan" in out
    assert re.search(r"^Case \S+ — CLOSED  \(SOP dag v1, 7\.4\.4\.2\)$", out, re.M)
    assert in_order(
        out,
        [
            "Kasubdit sends /pin",
            "TU sends /baru",
            "Direktur ← 📨 Langkah 1",
            "Kasi ← 📨 Langkah 2",
            "Operator ← 📨 Langkah 3",
            "Kasi ← 📨 Langkah 4",
            "Kasubdit ← 📨 Langkah 5",
            "Kasubdit replies: ••••••",
            "Operator ← 📨 Langkah 6",
            "Operator presses [☐ Dicatat di register layanan]",
            "Operator presses [☐ Sudah dikirim]",
            "Operator presses [☐ Tanda terima]",
        ],
    )
    assert "Langkah 7" not in out  # six steps
    assert re.search(r"^Signed: .* by Budi Santoso over", out, re.M)  # the demo's Kasubdit
    assert "Checklist:    registered (REG-DAG-2026-031), sent (email ke pengguna), receipt" in out
    assert not (tmp_path / "data").exists()
