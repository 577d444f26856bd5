"""What an SOP decides, as officials meet it in Telegram: the real bot against the project's Bot API
server, on the test SOP ``recheck`` (tests/sops/recheck.toml): its own instructions in the forward
picker, a choice of steps to return to at step 5, and only the TU registering letters."""

import asyncio

from sqlalchemy import select

from tests.bot.conftest import forge_press, linked, running_bot
from tests.conftest import HERE, letter
from tests.test_sop_rules import RECHECK_MOVES
from workflow.db.models import AuditRow
from workflow.errors import NotAuthorised
from workflow.service.identity import IdentityService

RECHECK = HERE / "sops" / "recheck.toml"
TO_STEP_3 = "Kembalikan ke langkah 3: Menerima dan memberikan hak akses/otoritas kepada operator"
TO_STEP_4 = "Kembalikan ke langkah 4: Menerima dan membuka datawarehouse, serta melaporkan kepada Kasi"


def refusals(sessions, actor: str) -> list[tuple[str, str]]:
    with sessions() as s:
        rows = s.scalars(select(AuditRow).filter_by(actor=actor, result="refused").order_by(AuditRow.id))
        return [(r.action, r.reason_code) for r in rows]


def drive(cases, number: str, until: int) -> None:
    """Move a recheck case on by the service until step ``until`` is open."""
    case = cases.view(number).case
    while case.current.step_no < until:
        case = cases.act(number, case.current.assignee, RECHECK_MOVES[case.current.step_no])


def test_the_checker_is_offered_both_steps_the_sop_allows_and_the_chosen_one_gets_the_step(server, office):
    cases, sessions, settings = office
    number = cases.open_case(letter(), "tu1", sop_id="recheck").number

    async def scenario():
        async with running_bot(settings):
            kasi = await linked(server, sessions, "kasi1", (1003, "Dewi"))
            await asyncio.to_thread(drive, cases, number, 5)
            step5 = await kasi.wait_for_message_async(contains="Langkah 5", timeout=10)
            kasi.press(step5, "Kembalikan")
            picker = await kasi.wait_for_edit_async(step5)
            kasi.press(picker, TO_STEP_3)
            question = await kasi.wait_for_message_async(contains="Tulis alasan pengembalian")
            kasi.reply(question, "Hak akses diberikan ke operator yang salah")
            returned = await kasi.wait_for_message_async(contains="Dikembalikan ke langkah 3")
            return picker, question, returned

    picker, question, returned = asyncio.run(scenario())

    assert picker.button_texts == [TO_STEP_4, TO_STEP_3, "Kembali"]
    assert f"{number}</b> ke langkah 3" in question.html
    case = cases.view(number).case
    assert (case.current.step_no, case.current.assignee) == (3, "kasi1")
    assert case.steps[-2].payload["to_step"] == 3 and case.manifest is None
    assert "Dikembalikan ke langkah 3" in returned.text


def test_a_forged_return_to_a_step_the_sop_does_not_allow_is_refused_and_audited(server, office):
    cases, sessions, settings = office
    number = cases.open_case(letter(), "tu1", sop_id="recheck").number

    async def scenario():
        async with running_bot(settings):
            kasi = await linked(server, sessions, "kasi1", (1003, "Dewi"))
            await asyncio.to_thread(drive, cases, number, 5)
            step5 = await kasi.wait_for_message_async(contains="Langkah 5", timeout=10)
            case = cases.view(number).case
            query = forge_press(server, kasi, step5, f"1.rt.{case.id}.{case.current.id}.{case.version}.2")
            return await kasi.wait_for_answer_async(query)

    alert = asyncio.run(scenario())

    assert (
        alert.show_alert and "SOP tidak membolehkan pengembalian dari langkah ini ke langkah 2" in alert.text
    )
    assert cases.view(number).case.current.step_no == 5
    assert refusals(sessions, "kasi1")[-1] == ("press:rt", "return_target_not_allowed")


def test_the_forward_picker_offers_the_cases_own_instructions_and_refuses_a_forged_one(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", (1001, "Andi"))
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1", sop_id="recheck")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1", timeout=10)
            direktur.press(step1, "Teruskan")
            picks = await direktur.wait_for_edit_async(step1)
            case = cases.view(number).case
            # index 2 is an instruction of the shipped SOP, not of this case's
            forged = f"1.fw.{case.id}.{case.current.id}.{case.version}.2"
            query = forge_press(server, direktur, picks, forged)
            alert = await direktur.wait_for_answer_async(query)
            direktur.press(picks, "Mohon dicek ulang")
            people = await direktur.wait_for_edit_async(picks)
            direktur.press(people, "Kepada Budi Kasubdit")
            await direktur.wait_for_message_async(contains="Berkas kini dipegang")
            return number, picks, alert

    number, picks, alert = asyncio.run(scenario())

    assert picks.button_texts == ["Mohon dicek ulang", "Tindak lanjuti", "Kembali"]
    assert alert.show_alert and "Tombol tidak dikenal" in alert.text
    assert refusals(sessions, "dir") == [("press:fw", "bad_payload")]
    assert cases.view(number).case.steps[0].instruction == "Mohon dicek ulang"


def test_an_official_who_chose_english_reads_the_sops_english_labels(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", (1001, "Andi"))
            await asyncio.to_thread(IdentityService(sessions).set_language, "dir", "en")
            await asyncio.to_thread(cases.open_case, letter(), "tu1", sop_id="recheck")
            step1 = await direktur.wait_for_message_async(contains="Step 1", timeout=10)
            direktur.press(step1, "Forward")
            return await direktur.wait_for_edit_async(step1)

    picks = asyncio.run(scenario())

    assert picks.button_texts == ["Please check again", "Follow up", "Back"]


def test_baru_by_a_role_the_sop_does_not_name_is_refused_with_the_services_reason(server, office):
    cases, sessions, settings = office
    settings = settings.model_copy(update={"sop_path": RECHECK})  # the bot registers on recheck

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", (1001, "Andi"))
            direktur.send("/baru")
            return await direktur.wait_for_message_async(contains="mendaftarkan surat izin")

    refused = asyncio.run(scenario())
    try:  # the same official on the service's other path (the command line's)
        cases.open_case(letter(), "dir", sop_id="recheck")
    except NotAuthorised as refusal:
        other = refusal

    assert "Maaf, hanya TU yang dapat mendaftarkan surat izin" in refused.text
    assert not refused.force_reply
    with sessions() as s:
        rows = list(
            s.scalars(select(AuditRow).filter_by(actor="dir", result="refused").order_by(AuditRow.id))
        )
    assert [(r.action, r.reason_code) for r in rows] == [
        ("intake", "not_registrar"),
        ("open_case", "not_registrar"),
    ]
    assert rows[0].message == rows[1].message == str(other)
    assert rows[0].detail == rows[1].detail == {"registrars": ["tu"], "role_names": {}}
