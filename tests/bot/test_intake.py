"""The TU registers permit letters from Telegram: the real bot against the project's Bot API server."""

import asyncio
import hashlib
import re
from pathlib import Path

from sqlalchemy import func, select

from tests.bot.conftest import choose_sop, link, running_bot
from tests.conftest import letter
from workflow.db.models import AuditRow, CaseRow, PendingInputRow
from workflow.service.pending import Pending, PendingInputs

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CAPTION = "Nomor: 470/123/DUKCAPIL\nTanggal: 20-11-2026\nInstansi: BPJS Kesehatan\nKeperluan: Verifikasi data"
CASE_NUMBER = re.compile(r"[A-Z]{1,10}-(?:\d{4}-)?\d{4}")  # PREFIX-YEAR-0001 or PREFIX-0001
TEST_SOPS = Path(__file__).parent.parent / "sops"


async def linked(server, sessions, key: str, telegram_id: int, name: str):
    user = link(server, sessions, key, telegram_id, name)
    await user.wait_for_message_async(contains="Selamat datang")
    return user


async def answer(user, text: str, expect: str):
    """Reply to the bot's last question and wait for the next message containing ``expect``."""
    user.reply(user.last_message, text)
    return await user.wait_for_message_async(contains=expect)


def case_count(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(CaseRow))


def pending_row(sessions, telegram_id: int):
    with sessions() as s:
        return s.get(PendingInputRow, telegram_id)


def test_the_tu_registers_a_letter_with_baru_and_the_direktur_is_told_at_once(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", 1001, "Andi")
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            tu.send("/baru")
            await choose_sop(tu)
            first = await tu.wait_for_message_async(contains="nomor surat")
            await answer(tu, "470/123/DUKCAPIL", "Tanggal surat")
            wrong = await answer(tu, "20 November 2026", "Tanggal tidak dikenali")
            await answer(tu, "20/11/2026", "Instansi")
            await answer(tu, "BPJS Kesehatan", "Keperluan")
            await answer(tu, "Verifikasi data peserta", "PKS")
            scan_question = await answer(tu, "lewati", "pindaian surat izin")
            tu.send_document(PDF, "izin.pdf", mime_type="application/pdf")
            done = await tu.wait_for_message_async(contains="terdaftar sebagai")
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            return first, wrong, scan_question, done, step1

    first, wrong, scan_question, done, step1 = asyncio.run(scenario())

    number = CASE_NUMBER.search(done.text).group()
    case = cases.view(number).case
    assert first.force_reply and first.markup["input_field_placeholder"]
    assert "DD-MM-YYYY, DD/MM/YYYY atau YYYY-MM-DD" in wrong.text and wrong.force_reply
    assert scan_question.force_reply
    assert (case.letter.number, case.letter.date.isoformat()) == ("470/123/DUKCAPIL", "2026-11-20")
    assert (case.letter.institution, case.letter.pks_number) == ("BPJS Kesehatan", None)
    assert case.letter.scan_sha256 == hashlib.sha256(PDF).hexdigest()
    assert case.letter.scan_location.startswith("telegram:AQAD")
    assert case.created_by == "tu1" and case.current.assignee == "dir"
    assert number in step1.text and "BPJS Kesehatan" in step1.text
    assert pending_row(sessions, 1009) is None


def test_a_scan_with_a_caption_asks_only_what_the_caption_did_not_give(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            sent = tu.send_document(PDF, "izin.pdf", caption=CAPTION, mime_type="application/pdf")
            choice = await choose_sop(tu)
            question = await tu.wait_for_message_async(contains="PKS")
            done = await answer(tu, "PKS/12/2025", "terdaftar sebagai")
            return sent, choice, question, done, tu.messages

    sent, choice, question, done, messages = asyncio.run(scenario())

    case = cases.view(CASE_NUMBER.search(done.text).group()).case
    replies = [m for m in messages if m.message_id > sent.message_id]
    assert [m.message_id for m in replies] == [choice.message_id, question.message_id, done.message_id]
    assert "Dari keterangan" in question.text and "Pindaian diterima" in question.text
    assert question.force_reply
    assert case.letter.pks_number == "PKS/12/2025" and case.letter.purpose == "Verifikasi data"
    assert case.letter.scan_sha256 == hashlib.sha256(PDF).hexdigest()


def test_batal_in_the_middle_leaves_no_case_and_nothing_pending(server, office):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            tu.send("/baru")
            await choose_sop(tu)
            await tu.wait_for_message_async(contains="nomor surat")
            await answer(tu, "470/123/DUKCAPIL", "Tanggal surat")
            waiting = pending_row(sessions, 1009)
            tu.send("/batal")
            return waiting, await tu.wait_for_message_async(contains="Dibatalkan")

    waiting, cancelled = asyncio.run(scenario())

    assert "Tidak ada yang diubah" in cancelled.text
    assert waiting.kind == "intake" and waiting.data == {"sop": "ldk", "number": "470/123/DUKCAPIL"}
    assert pending_row(sessions, 1009) is None
    assert case_count(sessions) == 0


def test_a_restart_in_the_middle_loses_no_answer(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            tu.send("/baru")
            await choose_sop(tu)
            await tu.wait_for_message_async(contains="nomor surat")
            await answer(tu, "470/123/DUKCAPIL", "Tanggal surat")
            await answer(tu, "2026-11-20", "Instansi")
        async with running_bot(settings):
            await answer(tu, "BPJS Kesehatan", "Keperluan")
            await answer(tu, "Verifikasi data peserta", "PKS")
            await answer(tu, "PKS/12/2025", "pindaian surat izin")
            tu.send_photo()
            return await tu.wait_for_message_async(contains="terdaftar sebagai")

    done = asyncio.run(scenario())

    letter_ = cases.view(CASE_NUMBER.search(done.text).group()).case.letter
    assert (letter_.number, letter_.date.isoformat(), letter_.institution) == (
        "470/123/DUKCAPIL",
        "2026-11-20",
        "BPJS Kesehatan",
    )
    assert letter_.pks_number == "PKS/12/2025" and letter_.scan_sha256 is not None


def test_an_operator_may_not_register_and_the_refusal_is_audited(server, office):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            operator = await linked(server, sessions, "op1", 1006, "Fajar")
            operator.send("/baru")
            by_command = await operator.wait_for_message_async(contains="hanya TU")
            operator.send_document(PDF, "izin.pdf", caption=CAPTION, mime_type="application/pdf")
            by_scan = await operator.wait_for_message_async(contains="hanya TU")
            return by_command, by_scan

    by_command, by_scan = asyncio.run(scenario())

    with sessions() as s:
        refusals = list(s.scalars(select(AuditRow).filter_by(actor="op1", action="intake")))
    assert not by_command.force_reply and not by_scan.force_reply
    assert [(r.result, r.reason_code) for r in refusals] == [("refused", "not_registrar")] * 2
    assert pending_row(sessions, 1006) is None and case_count(sessions) == 0
    assert server.count("getFile") == 0


def test_with_uploads_forbidden_no_scan_is_fetched_or_asked_for_and_the_case_opens_without_one(
    server, office
):
    cases, sessions, settings = office
    settings = settings.model_copy(update={"allow_scan_uploads": False})
    rest = "Tanggal: 20-11-2026\nInstansi: BPJS Kesehatan\nKeperluan: Verifikasi data\nPKS: -"

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            tu.send("/baru")
            await choose_sop(tu)
            first = await tu.wait_for_message_async(contains="nomor surat")
            await answer(tu, "470/123/DUKCAPIL", "Tanggal surat")
            tu.send_document(PDF, "izin.pdf", caption=rest, mime_type="application/pdf")
            done = await tu.wait_for_message_async(contains="terdaftar sebagai")
            return first, done, tu.messages

    first, done, messages = asyncio.run(scenario())

    number = CASE_NUMBER.search(done.text).group()
    assert server.count("getFile") == 0
    assert cases.view(number).case.letter.scan_sha256 is None
    assert "(1/5)" in first.text and not any("Kirim pindaian" in m.text for m in messages)
    assert "tidak diunduh" in done.text
    assert f"disposisi case scan {number} FILE" in done.text


def test_a_duplicate_letter_is_registered_again_only_when_the_tu_insists(server, office):
    cases, sessions, settings = office
    first = cases.open_case(letter(), "tu1").number

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            tu.send_document(PDF, "izin.pdf", caption=f"{CAPTION}\nPKS: lewati", mime_type="application/pdf")
            await choose_sop(tu)
            older = await tu.wait_for_message_async(contains="sudah terdaftar")
            tu.send("sudah saya periksa")  # any answer shows the choice again, with a new button
            duplicate = await tu.wait_for_message_async(contains="sudah terdaftar")
            stale = await tu.wait_for_answer_async(tu.press(older, "Tetap daftarkan"))
            tu.press(duplicate, "Tetap daftarkan")
            done = await tu.wait_for_edit_async(duplicate, contains="terdaftar sebagai")
            return stale, duplicate, done

    stale, duplicate, done = asyncio.run(scenario())

    second = CASE_NUMBER.search(done.text).group()
    assert first in duplicate.text and duplicate.button_texts == ["Tetap daftarkan"]
    assert second != first and not done.buttons
    assert stale.show_alert and "tidak berlaku" in stale.text
    with sessions() as s:
        assert s.scalar(select(AuditRow.reason_code).filter_by(action="intake:force")) == "stale"
    assert cases.view(second).case.letter.scan_sha256 == hashlib.sha256(PDF).hexdigest()
    assert pending_row(sessions, 1009) is None and case_count(sessions) == 2


def test_an_sop_with_its_own_fields_asks_its_own_questions_and_opens_its_case_with_them(server, office):
    cases, sessions, settings = office
    settings = settings.model_copy(update={"sop_path": TEST_SOPS / "permohonan.toml"})

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            tu.send("/baru")
            first = await tu.wait_for_message_async(contains="Dari instansi mana")
            await answer(tu, "Badan Pusat Statistik", "Nomor surat permohonan?")
            await answer(tu, "B-12/2026", "Tanggal surat permohonan?")
            agenda = await answer(tu, "20-11-2026", "Nomor agenda TU?")
            empty = await answer(tu, " ", "Nomor agenda tidak boleh kosong")
            optional = await answer(tu, "AG-7", "Nomor referensi Srikandi?")
            done = await answer(tu, "lewati", "terdaftar sebagai")
            return first, agenda, empty, optional, done, tu.messages

    first, agenda, empty, optional, done, messages = asyncio.run(scenario())

    case = cases.view(CASE_NUMBER.search(done.text).group()).case
    assert "(1/5)" in first.text and first.force_reply
    assert agenda.markup["input_field_placeholder"] == "Nomor agenda"  # the SOP's label
    assert empty.force_reply and "Ketik lewati" in optional.text
    assert optional.markup["input_field_placeholder"] == "Referensi Srikandi atau lewati"
    assert not any(word in m.text for m in messages for word in ("Keperluan", "PKS", "pindaian surat izin"))
    assert "Nomor agenda: AG-7" in done.text and "Referensi Srikandi: -" in done.text
    assert case.sop_id == "permohonan"
    assert (case.letter.institution, case.letter.number, case.letter.date.isoformat()) == (
        "Badan Pusat Statistik",
        "B-12/2026",
        "2026-11-20",
    )
    assert (case.letter.agenda_number, case.letter.srikandi_ref, case.letter.purpose) == ("AG-7", None, "")
    assert case.letter.scan_sha256 is None and pending_row(sessions, 1009) is None


def test_the_sop_chosen_for_the_letter_asks_its_questions_and_gets_the_case(server, office):
    """The pending data's ``sop`` (the SOP chosen for the letter when several are open) decides the
    questions and the SOP the case opens on, whatever the default."""
    cases, sessions, settings = office
    settings = settings.model_copy(update={"sop_path": TEST_SOPS})  # several SOPs open, none default

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", 1009, "Indah")
            chosen = Pending(1009, "tu1", "intake", data={"sop": "permohonan"})
            await asyncio.to_thread(PendingInputs(sessions).put, chosen)
            tu.send("Badan Pusat Statistik")
            await tu.wait_for_message_async(contains="Nomor surat permohonan?")
            await answer(tu, "B-12/2026", "Tanggal surat permohonan?")
            await answer(tu, "20-11-2026", "Nomor agenda TU?")
            await answer(tu, "AG-7", "Nomor referensi Srikandi?")
            return await answer(tu, "SRK-99", "terdaftar sebagai")

    done = asyncio.run(scenario())

    case = cases.view(CASE_NUMBER.search(done.text).group()).case
    assert case.sop_id == "permohonan"
    assert (case.letter.institution, case.letter.srikandi_ref) == ("Badan Pusat Statistik", "SRK-99")
