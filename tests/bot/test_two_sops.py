"""Both shipped SOPs side by side in one bot: the TU chooses the SOP in /baru, and a 7.4.4.1 case
and a 7.4.4.2 case run to their ends at once, interleaved, each with its own steps and checklist."""

import asyncio
import re

from sqlalchemy import select

from tests.bot.conftest import DAG_BUTTON, LDK_BUTTON, choose_sop, forge_press, linked, running_bot
from tests.conftest import PIN
from workflow.db.models import AuditRow
from workflow.states import CaseState

CASE_NUMBER = re.compile(r"\b[A-Z]+-\d{4}-\d{4,}\b")  # whatever prefix numbers the SOP's cases
SHA = "d" * 64
TIMEOUT = 10


class Desk:
    """One official's phone, waiting for what concerns one case among the messages of several."""

    def __init__(self, server, user) -> None:
        self.server, self.user = server, user

    async def step(self, number: str, no: int):
        """The step message of case ``number``'s step ``no`` (with its buttons)."""

        def found():
            return next(
                (
                    m
                    for m in self.user.messages
                    if number in m.body and f"Langkah {no}:" in m.body and m.buttons
                ),
                None,
            )

        return await self.server.wait_for_async(found, timeout=TIMEOUT)

    async def press(self, message, *labels: str):
        """Press each label in turn on the message as each press left it."""
        for label in labels:
            self.user.press(message, label)
            message = await self.user.wait_for_edit_async(message, timeout=TIMEOUT)
        return message

    async def answer(self, question: str, text: str) -> None:
        self.user.reply(await self.user.wait_for_message_async(contains=question, timeout=TIMEOUT), text)


async def register(tu, button: str, number: str, institution: str):
    """/baru, the SOP chosen by its button, the questions answered, the scan sent: the case number
    and the choice's message as it was asked."""
    tu.send("/baru")
    asked = await tu.wait_for_message_async(contains="SOP yang mana", timeout=TIMEOUT)
    chosen = await choose_sop(tu, button)
    for question, answer in [
        ("nomor surat", number),
        ("Tanggal surat", "20-11-2026"),
        ("Instansi", institution),
        ("Keperluan", "Statistik kependudukan"),
        ("PKS", "lewati"),
    ]:
        tu.reply(await tu.wait_for_message_async(contains=question, timeout=TIMEOUT), answer)
    await tu.wait_for_message_async(contains="pindaian surat izin", timeout=TIMEOUT)
    tu.send_document(f"%PDF-1.4 {number}".encode(), "surat.pdf", mime_type="application/pdf")
    done = await tu.wait_for_message_async(contains="terdaftar sebagai", timeout=TIMEOUT)
    return CASE_NUMBER.search(done.body).group(), asked, chosen


async def report(desk: Desk, number: str, no: int, description: str) -> None:
    m = await desk.step(number, no)
    m = await desk.press(m, "Laporkan data")
    desk.user.press(m, "Berkas (softcopy)")
    await desk.answer("uraian data", description)
    await desk.answer("Jumlah record", "120")
    await desk.answer("SHA-256", SHA)
    await desk.answer("Lokasi", f"/srv/ekspor/{description}.csv")
    await desk.user.wait_for_message_async(contains="Data dilaporkan", timeout=TIMEOUT)


async def sign(desk: Desk, number: str, no: int) -> None:
    desk.user.press(await desk.step(number, no), "Tandatangani")
    await desk.answer("kirim PIN", PIN)
    await desk.user.wait_for_message_async(contains="Ditandatangani", timeout=TIMEOUT)


async def dispatch(desk: Desk, number: str, no: int, items: list[tuple[str, str, str]]) -> None:
    """Tick the checklist's items in order: (button, the question it asks, the answer)."""
    m = await desk.step(number, no)
    for button, question, answer in items:
        desk.user.press(m, f"☐ {button}")
        if question:
            await desk.answer(question, answer)
        if (button, question, answer) == items[-1]:  # the case closes
            await desk.user.wait_for_message_async(contains=f"{button} — dicatat", timeout=TIMEOUT)
        else:  # ticked in place: the next item's button is on the message as it is now
            m = await desk.user.wait_for_edit_async(m, timeout=TIMEOUT, contains=f"✔️ {button}")


def test_a_case_of_each_shipped_sop_runs_to_its_end_side_by_side(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            who = [("dir", 1001, "Andi"), ("ksd1", 1002, "Budi"), ("kasi1", 1003, "Dewi")]
            who += [("op1", 1004, "Fajar"), ("op2", 1005, "Gita"), ("tu1", 1009, "Indah")]
            users = [await linked(server, sessions, key, (tid, name)) for key, tid, name in who]
            dir_, ksd1, kasi1, op1, op2 = (Desk(server, u) for u in users[:5])
            tu = users[5]

            ldk, asked, chosen = await register(tu, LDK_BUTTON, "470/1/DUKCAPIL", "BPJS Kesehatan")
            dag, _, _ = await register(tu, DAG_BUTTON, "005/2/BPS", "BPS Provinsi Jawa Barat")

            await dir_.press(await dir_.step(ldk, 1), "Teruskan", "Untuk diproses", "Kepada Budi Kasubdit")
            await dir_.press(await dir_.step(dag, 1), "Teruskan", "Untuk diproses", "Kepada Dewi Kasi")
            await ksd1.press(await ksd1.step(ldk, 2), "Teruskan", "Untuk diproses")  # one Kasi under him
            await kasi1.press(await kasi1.step(dag, 2), "Teruskan", "Segera", "Kepada Fajar Operator")
            await kasi1.press(await kasi1.step(ldk, 3), "Teruskan", "Segera", "Kepada Gita Operator")
            await report(op1, dag, 3, "agregat")
            await report(op2, ldk, 4, "nik")
            await kasi1.press(await kasi1.step(dag, 4), "Terima data")
            await kasi1.press(await kasi1.step(ldk, 5), "Terima data")
            await sign(ksd1, dag, 5)  # 7.4.4.2: the Kasubdit signs
            await ksd1.press(await ksd1.step(ldk, 6), "Teruskan", "Untuk diketahui")
            await dispatch(
                op1,
                dag,
                6,
                [
                    ("Dicatat di register layanan", "nomor register", "REG-31"),
                    ("Sudah dikirim", "saluran pengiriman", "email ke bps"),
                    ("Tanda terima", "foto atau PDF", "TT-31"),
                ],
            )
            await sign(dir_, ldk, 7)  # 7.4.4.1: the Direktur signs
            await dispatch(
                op2,
                ldk,
                8,
                [
                    ("Sudah digandakan", "", ""),
                    ("Sudah diarsipkan", "nomor arsip", "ARS-1"),
                    ("Sudah dikirim", "saluran pengiriman", "email ke bpjs"),
                    ("Tanda terima", "foto atau PDF", "TT-1"),
                ],
            )
            closed = [
                await tu.wait_for_message_async(contains=f"{number} selesai", timeout=TIMEOUT, since=0)
                for number in (ldk, dag)
            ]
            return ldk, dag, asked, chosen, closed

    ldk, dag, asked, chosen, closed = asyncio.run(scenario())

    one, two = cases.view(ldk).case, cases.view(dag).case
    assert asked.button_texts == [DAG_BUTTON, LDK_BUTTON]  # both open to the TU: asked, by id
    assert "SOP 7.4.4.1" in chosen.body and not chosen.buttons
    assert (one.sop_id, two.sop_id) == ("ldk", "dag")
    assert [(s.step_no, s.actor) for s in one.steps] == [
        (1, "dir"), (2, "ksd1"), (3, "kasi1"), (4, "op2"), (5, "kasi1"), (6, "ksd1"), (7, "dir"), (8, "op2"),
    ]  # fmt: skip
    assert [(s.step_no, s.actor) for s in two.steps] == [
        (1, "dir"), (2, "kasi1"), (3, "op1"), (4, "kasi1"), (5, "ksd1"), (6, "op1"),
    ]  # fmt: skip
    assert (one.state, two.state) == (CaseState.CLOSED, CaseState.CLOSED)
    assert (one.signature.signer, two.signature.signer) == ("dir", "ksd1")
    assert list(one.checklist) == ["duplicated", "archived", "sent", "receipt"]
    assert list(two.checklist) == ["registered", "sent", "receipt"]
    assert two.checklist["registered"].value == "REG-31" and two.checklist["receipt"].value == "TT-31"
    assert all(number in m.body for m, number in zip(closed, (ldk, dag), strict=True))


def test_a_used_or_forged_sop_button_is_refused_and_audited(server, office):
    _, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            tu = await linked(server, sessions, "tu1", (1009, "Indah"))
            direktur = await linked(server, sessions, "dir", (1001, "Andi"))
            tu.send("/baru")
            asked = await tu.wait_for_message_async(contains="SOP yang mana", timeout=TIMEOUT)
            data = asked.markup["inline_keyboard"][1][0]["callback_data"]  # SOP 7.4.4.1
            # another official's client sends the TU's button data from a message of its own
            forged = forge_press(server, direktur, direktur.last_message, data)
            foreign = await direktur.wait_for_answer_async(forged)
            await choose_sop(tu)
            await tu.wait_for_message_async(contains="nomor surat", timeout=TIMEOUT)
            again = await tu.wait_for_answer_async(forge_press(server, tu, asked, data))
            return foreign, again

    foreign, again = asyncio.run(scenario())

    assert foreign.show_alert and "tidak berlaku" in foreign.text
    assert again.show_alert and "tidak berlaku" in again.text
    with sessions() as s:
        rows = s.execute(select(AuditRow.actor, AuditRow.reason_code).filter_by(action="intake:choose")).all()
    assert sorted(rows) == [("dir", "stale"), ("tu1", "stale")]
