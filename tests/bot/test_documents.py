"""``/cetak``: the lembar disposisi as a PDF to an official who may see the case; a refusal to others."""

import asyncio
import io

from pypdf import PdfReader

from tests.bot.conftest import link, running_bot
from tests.driving import audit_rows, dispatch, drive_to, open_ldk


def test_cetak_sends_the_lembar_disposisi_to_an_official_who_handled_the_case(server, office):
    cases, sessions, settings = office
    number = open_ldk(cases, institution="Dinas Kependudukan & Catatan Sipil — Kota Bandung ✓")
    drive_to(cases, number, 8)
    dispatch(cases, number)

    async def scenario():
        async with running_bot(settings):
            kasi = link(server, sessions, "kasi1", 2001, "Dewi")
            await kasi.wait_for_message_async(contains="Selamat datang")
            kasi.send(f"/cetak {number}")
            document = await server.wait_for_async(
                lambda: next((m for m in kasi.messages if m.document), None)
            )
            return kasi, document

    kasi, sent = asyncio.run(scenario())

    assert sent.document["file_name"] == f"{number}-lembar-disposisi.pdf"
    assert "Dinas Kependudukan &amp; Catatan Sipil" in sent.html
    pdf = kasi.download(sent)
    page = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert pdf.startswith(b"%PDF-") and "LEMBAR DISPOSISI" in page and number in page
    assert "Dewi Kasi" in page and "Dinas Kependudukan & Catatan Sipil — Kota Bandung ✓" in page


def test_cetak_refuses_and_audits_an_official_outside_the_case(server, office):
    cases, sessions, settings = office
    number = open_ldk(cases)
    drive_to(cases, number, 4)  # ksd1 and kasi1 handled it; kasi2 is on the other line

    async def scenario():
        async with running_bot(settings):
            kasi = link(server, sessions, "kasi2", 2002, "Eko")
            await kasi.wait_for_message_async(contains="Selamat datang")
            kasi.send(f"/cetak {number}")
            refused = await kasi.wait_for_message_async(contains="tidak dapat dikirim")
            kasi.send("/cetak LDK-2001-0099")
            unknown = await kasi.wait_for_message_async(contains="tidak dapat dikirim")
            kasi.send("/cetak")
            usage = await kasi.wait_for_message_async(contains="Cara pakai")
            return kasi, refused, unknown, usage

    kasi, refused, unknown, usage = asyncio.run(scenario())

    assert "tidak terlibat dalam berkas ini" in refused.text and number in refused.text
    assert "Berkas tidak ditemukan" in unknown.text
    assert "/cetak NOMOR-BERKAS" in usage.text
    assert not any(m.document for m in kasi.messages)
    rows = audit_rows(sessions, action="print")
    assert [(r.actor, r.result, r.reason_code) for r in rows] == [
        ("kasi2", "refused", "not_your_case"),
        ("kasi2", "refused", "case_not_found"),
    ]
    assert rows[0].case_id == cases.view(number).case.id
