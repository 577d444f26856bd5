"""Answers to the bot's questions, as officials give them on their phones: a reply answers the
question it replies to and never a newer one, every refused answer is audited and changes nothing,
and digits typed once signing is locked do not stay in the chat. The real bot against the
project's Bot API server."""

import asyncio

from tests.bot.conftest import choose_sop, linked, running_bot
from tests.conftest import PIN, letter
from tests.driving import audit_rows, drive_to, outbox
from workflow.db.models import PendingInputRow
from workflow.states import CaseState

DIR, OP2 = (1001, "Andi"), (1005, "Gita")
DOCX = b"PK\x03\x04 not a scan"


def pending_row(sessions, telegram_id: int) -> PendingInputRow | None:
    with sessions() as s:
        return s.get(PendingInputRow, telegram_id)


def refused_answers(sessions, actor: str) -> list[tuple[str, str]]:
    rows = audit_rows(sessions, actor=actor, result="refused")
    return [(r.action, r.reason_code) for r in rows if r.action.startswith("answer")]


async def two_cases_at_the_direktur(cases, direktur):
    """Two letters at step 1 with the Direktur: their numbers and step messages."""
    numbers, messages = [], []
    for n in (1, 2):
        numbers.append((await asyncio.to_thread(cases.open_case, letter(number=f"470/{n}"), "tu1")).number)
        messages.append(await direktur.wait_for_message_async(contains=numbers[-1]))
    return numbers, messages


# -- a reply answers its own question ------------------------------------------------------------


def test_a_reply_to_the_note_prompt_of_one_case_never_rejects_another_case(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            (a, b), (step_a, step_b) = await two_cases_at_the_direktur(cases, direktur)
            direktur.press(step_a, "Catatan")
            note_prompt = await direktur.wait_for_message_async(contains="Tulis catatan disposisi")
            direktur.press(step_b, "Tolak")
            reject_prompt = await direktur.wait_for_message_async(contains="Tulis alasan penolakan")
            before = cases.view(a).case, cases.view(b).case

            direktur.reply(note_prompt, "Mohon dicek ulang datanya")
            told = await direktur.wait_for_message_async()
            unchanged = cases.view(a).case, cases.view(b).case
            direktur.reply(reject_prompt, "Surat izin sudah kedaluwarsa")
            await direktur.wait_for_edit_async(step_b, contains="Ditolak")
            return a, b, before, unchanged, told

    a, b, before, unchanged, told = asyncio.run(scenario())

    assert unchanged == before
    assert "membalas pertanyaan yang sudah tidak terbuka" in told.text
    assert f"Pertanyaan yang terbuka: alasan penolakan untuk {b}" in told.text
    rejected = cases.view(b).case
    assert rejected.state is CaseState.REJECTED
    assert rejected.steps[-1].note == "Surat izin sudah kedaluwarsa"  # from its own prompt only
    assert cases.view(a).case == before[0]
    assert refused_answers(sessions, "dir") == [("answer", "prompt_closed")]


def test_a_plain_message_and_a_reply_to_the_refusal_both_answer_the_open_question(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            (a, _), (step_a, step_b) = await two_cases_at_the_direktur(cases, direktur)
            direktur.press(step_a, "Tolak")
            old_prompt = await direktur.wait_for_message_async(contains="Tulis alasan penolakan")
            direktur.press(step_b, "Catatan")
            await direktur.wait_for_message_async(contains="Tulis catatan disposisi")

            direktur.reply(old_prompt, "Alasan untuk berkas pertama")
            told = await direktur.wait_for_message_async(contains="Pertanyaan yang terbuka")
            direktur.reply(told, "Catatan dari balasan")  # the refusal asks the open question again
            await direktur.wait_for_message_async(contains="Catatan disimpan")
            direktur.send("Catatan tanpa membalas")
            saved = await direktur.wait_for_message_async(contains="Catatan disimpan")
            return a, saved

    a, saved = asyncio.run(scenario())

    assert cases.view(a).case.state is CaseState.OPEN  # the old reject prompt rejected nothing
    row = pending_row(sessions, DIR[0])
    assert (row.kind, row.data["note"]) == ("note", "Catatan tanpa membalas")
    assert saved.buttons  # the instruction quick picks for case b


def test_a_reply_to_an_earlier_manifest_question_does_not_answer_the_next_one(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            operator = await linked(server, sessions, "op2", OP2)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 4)
            step4 = await operator.wait_for_message_async(contains="Langkah 4")
            operator.press(step4, "Laporkan data")
            forms = await operator.wait_for_edit_async(step4)
            operator.press(forms, "Berkas (softcopy)")
            description = await operator.wait_for_message_async(contains="uraian data")
            operator.reply(description, "Daftar NIK peserta")
            records = await operator.wait_for_message_async(contains="Jumlah record")

            operator.reply(description, "1200")  # the description question was answered already
            told = await operator.wait_for_message_async(contains="Pertanyaan yang terbuka")
            operator.reply(records, "1200")
            sha = await operator.wait_for_message_async(contains="SHA-256")
            return number, told, sha

    number, told, sha = asyncio.run(scenario())

    assert "laporan data (manifest) untuk" in told.text and number in told.text
    assert sha.force_reply
    values = pending_row(sessions, OP2[0]).data["values"]
    assert values == {"description": "Daftar NIK peserta", "records": 1200}
    assert refused_answers(sessions, "op2") == [("answer", "prompt_closed")]


# -- every refused answer is audited ---------------------------------------------------------------


def test_an_empty_or_over_long_note_and_an_answer_to_a_closed_prompt_are_audited(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            before = cases.view(number).case
            direktur.press(step1, "Catatan")
            prompt = await direktur.wait_for_message_async(contains="Tulis catatan disposisi")

            direktur.reply(prompt, "x" * 1001)
            too_long = await direktur.wait_for_message_async(contains="1 sampai 1.000 karakter")
            direktur.reply(prompt, "   ")
            empty = await direktur.wait_for_message_async(contains="1 sampai 1.000 karakter")
            direktur.send("/batal")
            await direktur.wait_for_message_async(contains="Dibatalkan")
            direktur.reply(prompt, "Catatan yang terlambat")
            closed = await direktur.wait_for_message_async()
            return number, before, too_long, empty, closed

    number, before, too_long, empty, closed = asyncio.run(scenario())

    assert "1.001" in too_long.text and "(yang Anda kirim: 0)" in empty.text
    assert "sudah tidak terbuka" in closed.text and "Tidak ada yang sedang menunggu" in closed.text
    assert cases.view(number).case == before
    assert refused_answers(sessions, "dir") == [
        ("answer:note", "note_too_long"),
        ("answer:note", "answer_invalid"),
        ("answer", "prompt_closed"),
    ]
    rows = audit_rows(sessions, actor="dir", result="refused")
    assert rows[0].case_id == before.id and rows[0].detail == {"length": 1001, "limit": 1000}


def test_a_malformed_manifest_answer_and_a_photo_for_a_text_question_are_audited(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            operator = await linked(server, sessions, "op2", OP2)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 4)
            step4 = await operator.wait_for_message_async(contains="Langkah 4")
            operator.press(step4, "Laporkan data")
            operator.press(await operator.wait_for_edit_async(step4), "Berkas (softcopy)")
            operator.reply(await operator.wait_for_message_async(contains="uraian data"), "Daftar NIK")
            records = await operator.wait_for_message_async(contains="Jumlah record")
            before = cases.view(number).case

            operator.reply(records, "dua ribu")
            wrong = await operator.wait_for_message_async(contains="harus berupa angka")
            operator.send_photo(reply_to=wrong)  # the refusal asked again: a reply to it answers
            photo = await operator.wait_for_message_async(contains="jawablah dengan teks")
            operator.reply(photo, "1.200")
            await operator.wait_for_message_async(contains="SHA-256")
            return number, before, photo

    number, before, photo = asyncio.run(scenario())

    assert f"Pertanyaan yang terbuka: laporan data (manifest) untuk {number}" in photo.text
    assert cases.view(number).case == before
    assert refused_answers(sessions, "op2") == [
        ("answer:manifest", "answer_invalid"),
        ("answer:manifest", "text_expected"),
    ]


def test_a_receipt_file_of_the_wrong_type_is_refused_unread_audited_and_ticks_nothing(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            operator = await linked(server, sessions, "op2", OP2)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 8)
            step8 = await operator.wait_for_message_async(contains="Langkah 8", timeout=10)
            operator.press(step8, "☐ Tanda terima")
            question = await operator.wait_for_message_async(contains="tanda terima")
            before = cases.view(number).case

            operator.send_document(
                DOCX, "tanda-terima.docx", mime_type="application/msword", reply_to=question
            )
            told = await operator.wait_for_message_async(contains="bukan PDF atau gambar")
            return number, before, told

    number, before, told = asyncio.run(scenario())

    assert "Tanda terima tidak dicatat" in told.text
    assert cases.view(number).case == before
    assert server.count("file") == 0 and server.count("getFile") == 0  # never downloaded
    assert refused_answers(sessions, "op2") == [("answer:tick_receipt", "scan_type")]


def test_a_scan_of_the_wrong_type_and_a_bad_date_in_the_intake_are_audited(server, office):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", (1009, "Indah"))
            tu.send("/baru")
            await choose_sop(tu)
            tu.reply(await tu.wait_for_message_async(contains="nomor surat"), "470/9")
            date_question = await tu.wait_for_message_async(contains="Tanggal surat")
            tu.reply(date_question, "kemarin")
            await tu.wait_for_message_async(contains="Tanggal tidak dikenali")
            tu.reply(date_question, "20-11-2026")  # asked again, the first prompt still answers it
            institution = await tu.wait_for_message_async(contains="Instansi")
            tu.reply(institution, "BPJS Kesehatan")
            tu.reply(await tu.wait_for_message_async(contains="Keperluan"), "Verifikasi data")
            tu.reply(await tu.wait_for_message_async(contains="PKS"), "lewati")
            tu.send_document(DOCX, "izin.docx", mime_type="application/msword")
            return await tu.wait_for_message_async(contains="bukan PDF atau gambar")

    asyncio.run(scenario())

    assert pending_row(sessions, 1009).data["date"] == "2026-11-20"

    assert refused_answers(sessions, "tu1") == [
        ("answer:intake", "answer_invalid"),
        ("answer:intake", "answer_invalid"),
    ]
    rows = audit_rows(sessions, actor="tu1", result="refused")
    assert [r.detail["fields"] for r in rows] == [{"date": "date_format"}, {"scan": "scan_type"}]


# -- a PIN after signing locked ---------------------------------------------------------------------


def test_digits_typed_after_signing_locked_are_deleted_like_pin_answers(server, office):
    cases, sessions, settings = office
    wrong = ("000000", "111111", "222222", "333333", "444444")

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 7)
            step7 = await direktur.wait_for_message_async(contains="Langkah 7", timeout=10)
            direktur.press(step7, "Tandatangani")
            prompt = await direktur.wait_for_message_async(contains="kirim PIN")
            for pin in wrong:
                direktur.send(pin)
                await direktur.wait_for_message_async(contains="PIN")
            assert "dikunci" in direktur.last_message.text

            direktur.send(PIN)  # the right PIN, typed again after the lock
            plain = await direktur.wait_for_message_async(contains="tampak seperti PIN")
            direktur.reply(prompt, "2468 10")
            replied = await direktur.wait_for_message_async(contains="tampak seperti PIN")
            return number, plain, replied, direktur.history

    number, plain, replied, history = asyncio.run(scenario())

    typed = [m.text for m in history if not m.from_bot]
    assert not any(pin in (t or "") for t in typed for pin in (*wrong, PIN, "2468 10"))
    assert "terkunci" in plain.text and "terkunci" in replied.text
    assert cases.view(number).case.signature is None
    assert refused_answers(sessions, "dir") == [("answer", "nothing_pending"), ("answer", "prompt_closed")]
    rows = [r for r in audit_rows(sessions, actor="dir", result="refused") if r.action == "answer"]
    assert all(r.detail["looks_like_pin"] for r in rows)
    assert not any(PIN in str(r.detail) + (r.message or "") for r in audit_rows(sessions))
    assert outbox(sessions, recipient="adm", kind="pin_locked") == [("adm", "pin_locked", None)]
