"""Sign-offs through the real bot, as officials see them on their phones: the checker and the
signer see what they approve before the buttons; the PIN is a second factor (a change needs the
old PIN, a reset the admin's one-time code); the SOP's rules keep duties apart, and a refusal names
the rule; when the next holder must be chosen, the bot asks."""

import asyncio
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tests.bot.conftest import forge_press, handled_so_far, linked, running_bot
from tests.conftest import PIN, letter, reimport
from tests.driving import MANIFEST, audit_rows, drive_to
from workflow.db.models import OfficialRow, StandInRow
from workflow.roster import Official
from workflow.service.pins import Pins
from workflow.signingpin import pin_matches
from workflow.sopfile import load_sops

SOPS = load_sops()  # the shipped SOPs: whoever signs at a step of one may hold a PIN

DIR, KSD1, KASI1, OP2, ADM = (1001, "Andi"), (1002, "Budi"), (1003, "Dewi"), (1005, "Gita"), (1010, "Joko")
SCAN = b"%PDF-1.4 surat izin pemanfaatan data"


def stand_in_now(sessions, official: str, for_key: str, sp: str = "SP-7/2026") -> None:
    """A stand-in order covering both the services' test clock and the real one (the bot's)."""
    now = datetime.now(UTC)
    with sessions.begin() as session:
        session.add(
            StandInRow(
                official_key=official,
                for_key=for_key,
                starts_at=datetime(2026, 1, 1, tzinfo=UTC),
                ends_at=now + timedelta(days=1),
                sp_number=sp,
                active=True,
                created_by="cli:admin",
                created_at=now,
            )
        )


async def step(user, no: int):
    return await user.wait_for_message_async(contains=f"Langkah {no}:", timeout=10)


# -- see what you approve -------------------------------------------------------------------------


def test_checker_and_signer_see_the_manifest_what_the_signature_binds_and_can_fetch_the_permit(
    server, office
):
    cases, sessions, settings = office
    with server.store.lock:
        scan = server.store.files.put(SCAN, "izin.pdf", "application/pdf")
    permit = letter(
        pks_number="PKS-12/2026", scan=hashlib.sha256(SCAN).hexdigest(), scan_file_id=scan.file_id
    )

    async def scenario():
        async with running_bot(settings):
            kasi, kasubdit, direktur = [
                await linked(server, sessions, key, who)
                for key, who in (("kasi1", KASI1), ("ksd1", KSD1), ("dir", DIR))
            ]
            number = (await asyncio.to_thread(cases.open_case, permit, "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 5)
            checking = await step(kasi, 5)
            query = kasi.press(checking, "SHA-256")
            full = await kasi.wait_for_answer_async(query)
            kasi.press(checking, "Surat izin")
            sent = await server.wait_for_async(lambda: next((m for m in kasi.messages if m.document), None))
            kasi.press(checking, "Terima data")
            forwarding = await step(kasubdit, 6)
            await asyncio.to_thread(drive_to, cases, number, 7)
            signing = await step(direktur, 7)
            return number, checking, full, kasi.download(sent), forwarding, signing

    number, checking, full, fetched, forwarding, signing = asyncio.run(scenario())

    for message in (checking, forwarding, signing):
        assert MANIFEST.description in message.text
        assert "Jumlah record: 1.200" in message.text
        assert f"Lokasi: {MANIFEST.location}" in message.text
        assert f"SHA-256 berkas: {MANIFEST.sha256[:16]}…" in message.text
        assert "Dilaporkan oleh Gita Operator" in message.text
        assert f"Hash manifest: {MANIFEST.checksum()[:16]}…" in message.text
    assert full.show_alert and MANIFEST.sha256 in full.text and MANIFEST.checksum() in full.text
    assert fetched == SCAN
    assert "Tanda tangan Anda mengikat" not in checking.text
    binds = signing.text[signing.text.index("Tanda tangan Anda mengikat") :]
    for shown in (
        f"Berkas {number}, SOP ldk 7.4.4.1 v2",
        "Nomor surat izin: 470/123/DUKCAPIL",
        "Tanggal surat izin: 20-11-2026",
        f"SHA-256 pindaian surat izin: {hashlib.sha256(SCAN).hexdigest()[:16]}…",
        "Nomor PKS/MoU: PKS-12/2026",
        f"Manifest di atas: hash {MANIFEST.checksum()[:16]}…",
        "Penanda tangan: Anda",
    ):
        assert shown in binds
    assert signing.button_texts.index("SHA-256") > signing.button_texts.index("Tandatangani")
    assert binds.index("Penanda tangan") < len(binds)  # the binding comes before the buttons


def test_with_uploads_off_the_permit_shows_its_hash_and_where_it_is_kept_and_is_never_sent(server, office):
    cases, sessions, settings = office
    settings = settings.model_copy(update={"allow_scan_uploads": False})
    with server.store.lock:
        scan = server.store.files.put(SCAN, "izin.pdf", "application/pdf")
    permit = letter(scan_file_id=scan.file_id, scan_location="arsip TU, map 2026/XI")

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            case = await asyncio.to_thread(cases.open_case, permit, "tu1")
            first = await step(direktur, 1)
            forged = f"1.sc.{case.id}.{case.current.id}.{case.version}"  # a modified client asks anyway
            refused = await direktur.wait_for_answer_async(forge_press(server, direktur, first, forged))
            await handled_so_far(direktur)  # the scan, if it were sent after the alert, is here by now
            return first, direktur, refused

    first, direktur, refused = asyncio.run(scenario())

    assert "Pindaian surat izin: SHA-256 aaaaaaaaaaaaaaaa…, disimpan di arsip TU, map 2026/XI" in first.text
    assert "Surat izin" not in first.button_texts
    assert refused.show_alert and not any(m.document for m in direktur.messages)
    assert audit_rows(sessions, result="refused")[-1].reason_code == "scan_not_kept"


# -- a PIN that is a second factor ----------------------------------------------------------------


def test_changing_the_pin_without_the_old_one_is_refused_counted_and_leaves_the_pin_as_it_was(server, office):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            direktur.send("/pin")
            direktur.reply(
                await direktur.wait_for_message_async(contains="PIN penandatanganan baru"), "135790"
            )
            direktur.reply(await direktur.wait_for_message_async(contains="sekali lagi"), "135790")
            direktur.reply(await direktur.wait_for_message_async(contains="PIN lama"), "111111")
            told = await direktur.wait_for_message_async(contains="PIN salah")
            return told, direktur.history

    told, history = asyncio.run(scenario())

    assert told.text == "PIN salah; sisa 4 kali percobaan sebelum penandatanganan dikunci."
    with sessions() as session:
        row = session.get(OfficialRow, "dir")
    assert pin_matches(PIN, row.pin_hash) and row.pin_failures == 1
    assert [(r.action, r.reason_code) for r in audit_rows(sessions, actor="dir", result="refused")] == [
        ("pin_change", "wrong_pin")
    ]
    assert not any(secret in (m.text or "") for m in history for secret in ("135790", "111111"))


def test_without_a_pin_the_official_is_sent_to_the_admin_for_a_one_time_code(server, office):
    _, sessions, settings = office
    with sessions.begin() as session:
        session.get(OfficialRow, "dir").pin_hash = None

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            direktur.send("/pin")
            return await direktur.wait_for_message_async()

    told = asyncio.run(scenario())

    assert "kode sekali pakai dari admin" in told.text and "bukan lewat Telegram" in told.text
    assert not told.force_reply


def test_five_wrong_pins_lock_signing_and_only_the_admins_reset_and_code_let_a_new_pin_sign(server, office):
    cases, sessions, settings = office
    wrong = ("000000", "111111", "222222", "333333", "444444")

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            admin = await linked(server, sessions, "adm", ADM)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 7)
            step7 = await step(direktur, 7)
            direktur.press(step7, "Tandatangani")
            direktur.reply(await direktur.wait_for_message_async(contains="kirim PIN"), wrong[0])
            told = [(await direktur.wait_for_message_async(contains="PIN salah")).body]
            for pin in wrong[1:]:
                direktur.send(pin)  # the PIN question stays open after a wrong PIN
                told.append((await direktur.wait_for_message_async()).body)
            alert = await admin.wait_for_message_async(contains="dikunci")
            locked = await direktur.wait_for_answer_async(direktur.press(step7, "Tandatangani"))
            code = await asyncio.to_thread(Pins(sessions, SOPS).issue_code, "dir", "adm", timedelta(hours=1))
            reset = await direktur.wait_for_message_async(contains="diatur ulang oleh Joko Admin")
            direktur.send("/pin")
            direktur.reply(
                await direktur.wait_for_message_async(contains="PIN penandatanganan baru"), "135790"
            )
            direktur.reply(await direktur.wait_for_message_async(contains="sekali lagi"), "135790")
            direktur.reply(
                await direktur.wait_for_message_async(contains="Terakhir, kirim kode sekali pakai"), code
            )
            await direktur.wait_for_message_async(contains="PIN penandatanganan disimpan")
            direktur.press(step7, "Tandatangani")
            direktur.reply(await direktur.wait_for_message_async(contains="kirim PIN"), "135790")
            signed = await direktur.wait_for_edit_async(step7, contains="Ditandatangani")
            return number, told, alert, locked, reset, signed, direktur.history, code

    number, told, alert, locked, reset, signed, history, code = asyncio.run(scenario())

    assert told[:4] == [
        f"PIN salah; sisa {n} kali percobaan sebelum penandatanganan dikunci." for n in (4, 3, 2, 1)
    ]
    assert told[4].startswith("Penandatanganan dikunci setelah 5 kali PIN salah; admin telah diberi tahu.")
    assert "Dr. Andi Direktur" in alert.text and "disposisi roster unlock-pin dir" in alert.text
    assert locked.show_alert and locked.text.startswith("Penandatanganan dikunci")
    assert "PIN lama tidak berlaku lagi" in reset.text
    assert not signed.buttons
    assert cases.view(number).case.signature.signer == "dir"
    assert [r.reason_code for r in audit_rows(sessions, actor="dir", result="refused")] == [
        *["wrong_pin"] * 5,
        "pin_locked",
    ]
    assert [r.action for r in audit_rows(sessions, result="ok") if r.action.startswith("pin_")] == [
        "pin_locked",
        "pin_reset",
        "pin_set",
    ]
    assert not any(s in (m.text or "") for m in history for s in (*wrong, "135790", code))


# -- duties kept apart ----------------------------------------------------------------------------


def test_the_operator_standing_in_for_the_kasi_is_refused_checking_their_own_data_with_the_rule_named(
    server, office
):
    cases, sessions, settings = office
    stand_in_now(sessions, "op2", "kasi1")

    async def scenario():
        async with running_bot(settings):
            operator = await linked(server, sessions, "op2", OP2)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 5)
            checking = await step(operator, 5)  # as Plh. Kasi, the operator receives the step too
            refused = await operator.wait_for_answer_async(operator.press(checking, "Terima data"))
            return number, checking, refused

    number, checking, refused = asyncio.run(scenario())

    assert "Anda bertindak sebagai Plh. Dewi Kasi." in checking.text
    assert refused.show_alert
    assert refused.text.startswith(
        "Ditolak oleh aturan pemisahan tugas SOP: pejabat yang melaporkan data (atau yang diwakilinya "
        "sebagai Plh./Plt.) tidak boleh juga memeriksa data pada berkas yang sama."
    )
    assert "Alihkan" in refused.text
    assert cases.view(number).case.current.step_no == 5
    refusal = audit_rows(sessions, actor="op2", result="refused")[-1]
    assert (refusal.action, refusal.reason_code) == ("accept_manifest", "duties_apart")
    assert "may not check the data" in refusal.message


# -- when the next holder must be chosen, the bot asks -------------------------------------------


def test_the_signer_picks_the_dispatching_operator_when_the_one_who_reported_has_left(server, office, roster):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 7)
            without_op2 = replace(roster, officials=tuple(o for o in roster.officials if o.key != "op2"))
            await asyncio.to_thread(reimport, sessions, without_op2)
            signing = await step(direktur, 7)
            direktur.press(signing, "Tandatangani")
            picker = await direktur.wait_for_edit_async(signing)
            direktur.press(picker, "Kepada Hadi Operator")
            direktur.reply(await direktur.wait_for_message_async(contains="kirim PIN"), PIN)
            await direktur.wait_for_edit_async(signing, contains="Ditandatangani")
            return number, picker

    number, picker = asyncio.run(scenario())

    assert [t for t in picker.button_texts if t.startswith("Kepada")] == [
        "Kepada Fajar Operator",
        "Kepada Hadi Operator",
    ]
    case = cases.view(number).case
    assert (case.current.step_no, case.current.assignee, case.signature.signer) == (8, "op3", "dir")


def test_the_operator_picks_the_checker_when_the_kasi_who_granted_access_has_left(server, office, roster):
    cases, sessions, settings = office
    kasi3 = Official(key="kasi3", name="Fitri Kasi", role="kasi", reports_to="ksd1")

    async def scenario():
        async with running_bot(settings):
            operator = await linked(server, sessions, "op2", OP2)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 4)
            changed = replace(roster, officials=(*(o for o in roster.officials if o.key != "kasi1"), kasi3))
            await asyncio.to_thread(reimport, sessions, changed)
            reporting = await step(operator, 4)
            operator.press(reporting, "Laporkan data")
            operator.press(await operator.wait_for_edit_async(reporting), "Cetakan (hardcopy)")
            for question, answer in (("uraian", "Cetakan data peserta"), ("halaman", "3"), ("record", "40")):
                operator.reply(await operator.wait_for_message_async(contains=question), answer)
            picker = await operator.wait_for_message_async(contains="Pilih pejabat")
            operator.press(picker, "Kepada Fitri Kasi")
            await operator.wait_for_edit_async(picker, contains="Data dilaporkan")
            return number, picker

    number, picker = asyncio.run(scenario())

    assert [t for t in picker.button_texts if t.startswith("Kepada")] == [
        "Kepada Eko Kasi",
        "Kepada Fitri Kasi",
    ]
    case = cases.view(number).case
    assert (case.current.step_no, case.current.assignee, case.manifest.pages) == (5, "kasi3", 3)
