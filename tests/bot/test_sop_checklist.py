"""The dispatch checklist is the SOP's: on an SOP with a checklist of its own (tests/sops/pickup.toml:
two items, one asking for text, no receipt) the step message lists those items by their SOP labels in
the official's language, the buttons tick them, the questions are the SOP's, and the case closes when
both are ticked. The real bot against the fake Bot API server."""

import asyncio

from tests.bot.conftest import linked, running_bot
from tests.conftest import PIN, letter
from tests.driving import MANIFEST, current
from workflow.commands import AcceptManifest, Sign, SubmitManifest
from workflow.states import CaseState


def to_dispatch(cases) -> str:
    """A pickup case, reported, checked and signed: its dispatch step (4) is with the operator op1."""
    number = cases.open_case(letter(), "tu1", sop_id="pickup", assignee="op1").number
    for command in (SubmitManifest(MANIFEST), AcceptManifest(), Sign(pin=PIN)):
        cases.act(number, current(cases, number).assignee, command)
    return number


def test_the_checklist_shows_the_sops_own_items_and_ticking_them_closes_the_case(server, office):
    cases, sessions, settings = office
    number = to_dispatch(cases)

    async def scenario():
        async with running_bot(settings):
            op1 = await linked(server, sessions, "op1", (1004, "Fajar"))
            step = await op1.wait_for_message_async(contains="Langkah 4", timeout=10)
            op1.press(step, "☐ Diambil pemohon")  # before its `after` item: asked, then refused
            op1.reply(await op1.wait_for_message_async(contains="Siapa yang mengambil data"), "Budi")
            told = await op1.wait_for_message_async(contains="lebih dulu")
            op1.press(step, "☐ Cakram disegel")
            sealed = await op1.wait_for_edit_async(step, timeout=10)
            op1.press(sealed, "☐ Diambil pemohon")
            question = await op1.wait_for_message_async(contains="Siapa yang mengambil data")
            op1.reply(question, "Budi Santoso, NIP 1987")
            done = await op1.wait_for_message_async(contains="Diambil pemohon — dicatat", timeout=10)
            return step, told, sealed, question, done

    step, told, sealed, question, done = asyncio.run(scenario())

    assert "☐ Cakram disegel — belum" in step.text and "☐ Diambil pemohon — belum" in step.text
    assert [b for b in step.button_texts if b.startswith("☐")] == ["☐ Cakram disegel", "☐ Diambil pemohon"]
    assert told.text == "Centang “Cakram disegel” lebih dulu, baru “Diambil pemohon”."
    assert "✔️ Cakram disegel — oleh Fajar Operator pada" in sealed.text
    assert [b for b in sealed.button_texts if b.startswith("☐")] == ["☐ Diambil pemohon"]
    assert question.text == f"{number}: Siapa yang mengambil data (nama dan NIP)?"
    assert number in done.text
    case = cases.view(number).case
    assert case.state is CaseState.CLOSED
    assert case.checklist["collected"].value == "Budi Santoso, NIP 1987"


def test_in_english_the_checklist_reads_the_sops_english_labels_and_terima_finds_no_receipt(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            op1 = await linked(server, sessions, "op1", (1004, "Fajar"))
            op1.send("/bahasa en")
            await op1.wait_for_message_async(contains="Language set to English")
            number = await asyncio.to_thread(to_dispatch, cases)
            step = await op1.wait_for_message_async(contains="Step 4", timeout=10)
            op1.send(f"/terima {number} TT-009")  # this SOP takes no receipt
            return number, step, await op1.wait_for_message_async(contains="no such item")

    number, step, refused = asyncio.run(scenario())

    assert "☐ Disc sealed — open" in step.text and "☐ Collected by the requester — open" in step.text
    assert [b for b in step.button_texts if b.startswith("☐")] == [
        "☐ Disc sealed",
        "☐ Collected by the requester",
    ]
    assert refused.text.startswith("This step's checklist has no such item.")
    assert cases.view(number).case.checklist == {}
