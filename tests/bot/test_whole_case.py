"""A whole case, from /baru to the receipt, by officials pressing the real buttons on their phones."""

import asyncio
import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from tests.bot.conftest import choose_sop, link, running_bot
from workflow.db.models import OutboxRow
from workflow.service.pins import Pins
from workflow.sopfile import load_sops
from workflow.states import CaseState

SOPS = load_sops()  # the shipped SOPs: whoever signs at a step of one may hold a PIN

SHA = "c" * 64


async def step_message(user, contains: str):
    return await user.wait_for_message_async(contains=contains, timeout=10)


def test_a_whole_case_from_baru_to_the_receipt_by_buttons_and_replies(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            dir_, ksd1, kasi1, op1, op2 = (
                link(server, sessions, key, tid, name)
                for key, tid, name in [
                    ("dir", 1001, "Andi"),
                    ("ksd1", 1002, "Budi"),
                    ("kasi1", 1003, "Dewi"),
                    ("op1", 1004, "Fajar"),
                    ("op2", 1005, "Gita"),
                ]
            )
            for user in (dir_, ksd1, kasi1, op1, op2):
                await user.wait_for_message_async(contains="Selamat datang")

            # the admin resets the Direktur's PIN and hands over the one-time code outside Telegram
            code = await asyncio.to_thread(Pins(sessions, SOPS).issue_code, "dir", "adm", timedelta(hours=1))
            await step_message(dir_, "telah diatur ulang")
            dir_.send("/pin")
            dir_.reply(await step_message(dir_, "PIN penandatanganan baru"), "123456")
            dir_.reply(await step_message(dir_, "sekali lagi"), "123456")
            dir_.reply(await step_message(dir_, "Terakhir, kirim kode sekali pakai"), code.lower())
            await step_message(dir_, "PIN penandatanganan disimpan")

            tu = link(server, sessions, "tu1", 1009, "Indah")  # the TU registers the letter with /baru
            await tu.wait_for_message_async(contains="Selamat datang")
            tu.send("/baru")
            await choose_sop(tu)
            for question, answer in [
                ("nomor surat", "470/123/DUKCAPIL"),
                ("Tanggal surat", "20-11-2026"),
                ("Instansi", "BPJS Kesehatan"),
                ("Keperluan", "Verifikasi data peserta"),
                ("PKS", "lewati"),
            ]:
                await step_message(tu, question)
                tu.reply(tu.last_message, answer)
            await step_message(tu, "pindaian surat izin")
            tu.send_document(b"%PDF-1.4 surat izin", "izin.pdf", mime_type="application/pdf")
            registered = await step_message(tu, "terdaftar sebagai")
            number = re.search(r"LDK-\d{4}-\d{4}", registered.text).group()

            m = await step_message(dir_, "Langkah 1")  # Direktur: forward to a Kasubdit of his choice
            dir_.press(m, "Teruskan")
            m = await dir_.wait_for_edit_async(m)
            dir_.press(m, "Untuk diproses")
            m = await dir_.wait_for_edit_async(m)
            dir_.press(m, "Kepada Budi Kasubdit")
            forwarded = await step_message(dir_, "Berkas kini dipegang")  # a fresh message: what now

            m = await step_message(ksd1, "Langkah 2")  # Kasubdit: a note, then forward (one Kasi)
            ksd1.press(m, "Catatan")
            ksd1.reply(await step_message(ksd1, "Tulis catatan"), "Mohon dicek <b>keabsahan</b> PKS")
            picks = await step_message(ksd1, "Catatan disimpan")
            ksd1.press(picks, "Tanpa instruksi (catatan saja)")

            m = await step_message(kasi1, "Langkah 3")  # Kasi: access to the second operator
            assert "Mohon dicek &lt;b&gt;keabsahan&lt;/b&gt; PKS" in m.html
            kasi1.press(m, "Teruskan")
            m = await kasi1.wait_for_edit_async(m)
            kasi1.press(m, "Segera")
            m = await kasi1.wait_for_edit_async(m)
            kasi1.press(m, "Kepada Gita Operator")

            m = await step_message(op2, "Langkah 4")  # Operator: the guided manifest
            op2.press(m, "Laporkan data")
            m = await op2.wait_for_edit_async(m)
            op2.press(m, "Berkas (softcopy)")
            op2.reply(await step_message(op2, "uraian data"), "Daftar NIK peserta")
            op2.reply(await step_message(op2, "Jumlah record"), "dua ribu")
            await step_message(op2, "harus berupa angka")
            op2.reply(await step_message(op2, "Jumlah record"), "1.200")
            op2.reply(await step_message(op2, "SHA-256"), SHA.upper())
            op2.reply(await step_message(op2, "Lokasi"), "/srv/ldk/bpjs.csv")
            reported = await step_message(op2, "Data dilaporkan")

            m = await step_message(kasi1, "Langkah 5")  # Kasi accepts the manifest
            kasi1.press(m, "Terima data")
            m = await step_message(ksd1, "Langkah 6")
            ksd1.press(m, "Teruskan")
            m = await ksd1.wait_for_edit_async(m)
            ksd1.press(m, "Untuk diketahui")

            m = await step_message(dir_, "Langkah 7")  # Direktur signs with his PIN
            dir_.press(m, "Tandatangani")
            dir_.reply(await step_message(dir_, "kirim PIN"), "123456")
            signed = await dir_.wait_for_edit_async(m, contains="Ditandatangani")
            signed_note = await step_message(dir_, "Berkas kini dipegang")

            m = await step_message(op2, "Langkah 8")  # the checklist, ticked in the chat

            def both_papers():
                names = [d.document["file_name"] for d in op2.messages if d.document]
                return names if len(names) == 2 else None

            papers = await server.wait_for_async(both_papers, timeout=10)
            op2.press(m, "☐ Sudah digandakan")
            m = await op2.wait_for_edit_async(m)
            one_ticked = m
            op2.press(m, "☐ Sudah diarsipkan")
            op2.reply(await step_message(op2, "nomor arsip"), "ARS-2026-114")
            m = await op2.wait_for_edit_async(m)
            op2.press(m, "☐ Sudah dikirim")
            op2.reply(await step_message(op2, "saluran pengiriman"), "email ke bpjs@example.id")
            m = await op2.wait_for_edit_async(m)
            op2.press(m, "☐ Tanda terima")
            op2.send_document(
                b"%PDF-1.4 tanda terima",
                "tanda-terima.pdf",
                caption="TT-009",
                reply_to=await step_message(op2, "tanda terima"),
            )
            closed = [await step_message(u, "selesai") for u in (dir_, ksd1, kasi1, op2, tu)]
            acted = forwarded, reported, signed_note
            return number, signed, closed, [u.history for u in (dir_, op2)], papers, code, acted, one_ticked

    number, signed, closed, (dir_history, _), papers, code, acted, one_ticked = asyncio.run(scenario())

    case = cases.view(number).case
    assert case.state is CaseState.CLOSED
    assert [s.step_no for s in case.steps] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert case.steps[2].payload["access_granted_to"] == "op2"
    assert case.manifest.records == 1200 and case.manifest.sha256 == SHA
    assert case.signature.signer == "dir" and case.signature.manifest_hash == case.manifest.checksum()
    assert case.checklist["archived"].value == "ARS-2026-114"
    assert case.checklist["receipt"].receipt_sha256 == hashlib.sha256(b"%PDF-1.4 tanda terima").hexdigest()
    assert case.checklist["receipt"].value == "TT-009"
    assert case.letter.scan_sha256 == hashlib.sha256(b"%PDF-1.4 surat izin").hexdigest()
    assert case.checklist["receipt"].receipt_file.startswith("telegram:")
    assert not signed.buttons
    assert sorted(papers) == [f"{number}-checklist.pdf", f"{number}-tanda-terima.pdf"]
    assert all(number in m.text for m in closed)  # the TU who registered the letter too
    forwarded, reported, signed_note = acted  # each actor is told what happened and who holds it now
    assert "Diteruskan" in forwarded.text and "Budi Kasubdit, pada langkah 2" in forwarded.text
    assert "Berkas kini dipegang Dewi Kasi, pada langkah 5" in reported.text
    assert "Ditandatangani" in signed_note.text and "Gita Operator, pada langkah 8" in signed_note.text
    assert not any(m.buttons for m in acted)
    # the ticked item stays on the message, done, with who and when; only open items are buttons
    assert re.search(r"✔️ Sudah digandakan — oleh Gita Operator pada .+ WIB", one_ticked.text)
    assert "☐ Sudah diarsipkan — belum" in one_ticked.text
    ticks = [b for b in one_ticked.button_texts if b.startswith("☐")]
    assert ticks == ["☐ Sudah diarsipkan", "☐ Sudah dikirim", "☐ Tanda terima"]
    assert not any("123456" in (m.text or "") for m in dir_history)  # the PIN messages were deleted
    assert not any(code.lower() in (m.text or "").lower() for m in dir_history)  # and the code's
    with sessions() as s:
        statuses = set(s.scalars(select(OutboxRow.status)))
    assert statuses == {"sent"}
