"""What the office takes as a scan, from the bot or the command line (no I/O)."""

import pytest

from workflow.files import SCAN_MAX_BYTES, scan_acceptable, scan_refusal


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


def test_a_file_over_the_download_limit_is_refused_before_it_is_fetched():
    assert scan_refusal("application/pdf", "izin.pdf", SCAN_MAX_BYTES) is None
    assert scan_refusal("application/pdf", "izin.pdf", SCAN_MAX_BYTES + 1) == "scan_too_large"
    assert scan_refusal("text/plain", "izin.txt", 10) == "scan_type"
