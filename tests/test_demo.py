"""``disposisi demo`` shows a whole case without a token, and leaves nothing behind."""

from pathlib import Path

import pytest

from bot.demo.stage import run_demo


@pytest.mark.parametrize(
    ("scenario", "ending", "shown"),
    [
        ("happy", "ended closed", "Tanda terima dicatat"),
        ("reject", "ended rejected", "Surat izin sudah kedaluwarsa"),
        ("return", "ended closed", "Dikembalikan ke langkah 4"),
    ],
)
def test_the_demo_narrates_a_case_to_its_end(scenario, ending, shown, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    status = run_demo(scenario)

    out = capsys.readouterr().out
    assert status == 0
    assert ending in out and shown in out
    assert "Direktur ← 📨 Langkah 1" in out
    assert "Timeline (working / wall time against the SOP time):" in out
    assert not (tmp_path / "data").exists()  # a temporary database, never ./data/
    temp = out.split("temporary database in ")[1].split()[0]
    assert not Path(temp).exists()
