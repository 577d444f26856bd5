"""Every Telegram template renders in Indonesian and English at every step kind of the seed SOP,
from real case views, with officials' text escaped for Telegram's HTML. No network."""

import re
import shutil
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from jinja2 import meta

from bot.approval import approval
from bot.callbacks import decode
from bot.messages import Tick, history_text, step_keyboard, step_text
from bot.templating import (
    LIMIT,
    _html_environment,
    labels,
    languages,
    render_html,
    render_plain,
    templates_dir,
)
from botapi.parsemode import parse_html
from tests.conftest import WIB, Clock, build_services, letter
from tests.driving import LDK_ITEMS, MANIFEST, TICK_VALUES, step_action
from tests.test_digest_text import digest as sample_digest
from workflow.commands import Reject, Return, SubmitManifest, TickItem
from workflow.errors import REFUSALS
from workflow.letters import FIELD_LIMITS
from workflow.service.cases import CaseView
from workflow.sop import StepKind
from workflow.sopfile import load_sops

TELEGRAM = templates_dir() / "telegram"
LANGUAGES = languages()
#: Text an official or a letter might carry that Telegram's HTML would otherwise take as markup.
HOSTILE = "<script>alert(\"x\")</script> & 'kutip' <b>tebal</b>"
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;kutip&#39; &lt;b&gt;tebal&lt;/b&gt;"
TEMPLATES = sorted(p.stem for p in TELEGRAM.glob("*.html"))
#: The seed SOP's dispatch checklist items (their labels are SOP data, shown in the reader's language).
ITEMS = load_sops()["ldk"].first_of(StepKind.DISPATCH).checklist


@pytest.fixture(scope="module")
def walk(tmp_path_factory, migrated_template, sops, roster):
    """A case whose letter and notes are all hostile text, seen at each step, returned, closed and
    rejected; with the actions the holder of each step may take."""
    path = tmp_path_factory.mktemp("templates") / "test.db"
    shutil.copyfile(migrated_template, path)
    clock = Clock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    cases, _, engine = build_services(f"sqlite:///{path}", sops, roster, clock)
    hostile = replace(
        letter(number=f"470/{HOSTILE}", institution=f"BPJS {HOSTILE}"),
        purpose=HOSTILE,
        pks_number=HOSTILE,
    )
    number = cases.open_case(hostile, "tu1").number
    seen: dict[str, CaseView] = {}
    allowed: dict[str, list[str]] = {}
    case = cases.view(number).case
    while case.current is not None:
        name = f"step{case.current.step_no}"
        seen[name] = cases.view(number, viewer=case.current.assignee)
        allowed[name] = list(seen[name].allowed)
        if case.current.step_no == 8:
            break
        clock.advance(minutes=1)
        command = replace(step_action(case.current.step_no), note=HOSTILE)
        if isinstance(command, SubmitManifest):  # what the operator typed, shown to checker and signer
            command = replace(command, manifest=replace(MANIFEST, description=HOSTILE, location=HOSTILE))
        case = cases.act(number, case.current.assignee, command)
        if case.current.step_no == 3 and "returned" not in seen:
            case = cases.act(number, "kasi1", Return(reason=HOSTILE))
            seen["returned"] = cases.view(number)
    for item in LDK_ITEMS:
        clock.advance(minutes=1)
        cases.act(number, case.current.assignee, TickItem(item, f"{TICK_VALUES[item]} {HOSTILE}"))
    seen["closed"] = cases.view(number)
    other = cases.open_case(replace(hostile, number="470/2"), "tu1").number
    cases.act(other, "dir", Reject(reason=HOSTILE))
    seen["rejected"] = cases.view(other)
    yield seen, allowed
    engine.dispose()


@pytest.fixture
def views(walk) -> dict[str, CaseView]:
    return walk[0]


def refusal_params(at) -> defaultdict:
    """A refusal's params as ``bot.handlers.replies.why`` passes them, names hostile."""
    params = {
        "by": HOSTILE,
        "holder": HOSTILE,
        "granters": HOSTILE,
        "at": at,
        "role": "Direktur",
        "step_no": 3,
        "to_step": 2,
        "allowed": [3, 4],
        "registrars": ["tu", "admin", "direktur"],
        "role_names": {"direktur": "Direktur"},
    }
    item = {"item": "sent", "label": HOSTILE, "label_en": HOSTILE}  # a checklist item's SOP labels
    first = {"first": "archived", "first_label": HOSTILE, "first_label_en": HOSTILE}
    return defaultdict(
        lambda: None, params | item | first | {"state": "rejected", "limit": 200, "tries_left": 3}
    )


def values(view: CaseView) -> dict:
    """Every value any Telegram template asks for, user text hostile wherever a person writes it."""
    record = view.case.current or view.case.steps[-1]
    return {
        "case": view.case,
        "digest": sample_digest(name=HOSTILE),
        "step": view.sop.step(record.step_no),
        "due": record.due_at,
        "rows": view.timeline,
        "cut": 2,
        "acting_for": HOSTILE,
        "outcome": "Diteruskan",
        "by": HOSTILE,
        "at": record.started_at,
        "to": HOSTILE,
        "reason": HOSTILE,
        "name": HOSTILE,
        "key": "dir",
        "case_number": view.case.number,
        "role": "direktur",
        "length": 1001,
        "item": ITEMS[1],
        "closed": view.case.current is None,
        "hash": "b" * 64,
        "code": "not_holder",
        "left": 3,
        "p": refusal_params(record.started_at),
        "ticks": [Tick(ITEMS[0], HOSTILE, record.started_at, HOSTILE), Tick(ITEMS[1])],
        "current": view.sop.step(record.step_no),
        "target": view.sop.step(max(record.step_no - 1, 1)),
        "yours": False,
        "state": str(view.case.state),
        "detail": HOSTILE,
        "letter": view.case.letter,
        "fields": {f.key: f for f in view.sop.fields},  # the SOP's registration questions
        "errors": {"purpose": "too_long"},
        "forced": True,
        "first": "Direktur",  # the role of step 1, who is told of a new case
        "signer": "Direktur",  # the signing role, who needs the scan
        "roles": ["Direktur", "Kasubdit"],  # the signing roles of the loaded SOPs
        "existing": view.case.number,
        "sop": view.sop,
        "button": "Tetap daftarkan",
        "field": "purpose",
        "limits": FIELD_LIMITS,
        "today": date(2026, 11, 24),
        "intro": "new",
        "taken": ["number", "date"],
        "scan_received": "a" * 64,
        "position": 3,
        "total": 6,
        "views": [view],
        "n": 2,
        "late": timedelta(minutes=17),
        "holder": HOSTILE,
        "text": HOSTILE,
        "count": 11,
        "limit": 10,
        "ap": approval(view, record, uploads=True),
        "sp_number": HOSTILE,
        "rule": {"kind": "sign", "by": "check_data"},
        "manifest": view.case.manifest,
        "locked": True,
        "open": "reject",
        "change": "permit_scan",
        "deleted": True,
    }


def assert_safe(html: str) -> None:
    """Telegram would accept it, it fits, and no hostile text came through as markup."""
    parsed = parse_html(html)
    assert parsed.length <= LIMIT
    assert "<script" not in html and "<b>tebal" not in html
    if HOSTILE in parsed.text:
        assert ESCAPED in html


def test_indonesian_comes_first_and_every_language_labels_the_same_buttons_and_commands():
    assert LANGUAGES[0] == "id" and "en" in LANGUAGES
    for table in ("buttons", "commands"):
        keys = {lang: labels(lang, table).keys() for lang in LANGUAGES}
        assert all(keys[lang] == keys["id"] for lang in LANGUAGES), table
        texts = [text for lang in LANGUAGES for text in labels(lang, table).values()]
        assert all(texts) and not any("{" in text for text in texts), table


def test_the_case_views_cover_every_step_kind_of_the_seed_sop(views):
    kinds = {views[f"step{n}"].sop.step(n).kind for n in range(1, 9)}

    assert kinds == set(StepKind)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_renders_strictly_at_every_step_with_user_text_escaped(views, template, lang):
    source = (TELEGRAM / f"{template}.html").read_text(encoding="utf-8")
    env = _html_environment(lang)
    asked = meta.find_undeclared_variables(env.parse(source)) - {"tz"} - env.globals.keys()
    assert asked <= values(views["step1"]).keys(), f"give values() in this file a value for {asked}"

    rendered = {name: render_html(template, lang, WIB, **values(view)) for name, view in views.items()}

    for html in rendered.values():
        assert_safe(html)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("template", ["step_assigned", "step_returned", "done"])
def test_step_messages_show_the_letter_and_notes_escaped_at_every_step(views, template, lang):
    extra = {"outcome": labels(lang)["done_forward"], "by": "Budi", "at": None, "to": None}
    extra = extra if template == "done" else {}

    texts = {name: step_text(view, lang, WIB, template, **extra) for name, view in views.items()}

    for name, html in texts.items():
        assert_safe(html)
        assert html.count(ESCAPED) >= 3, name  # letter number, purpose and PKS at least
        assert views[name].case.number in parse_html(html).text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_history_shows_every_note_escaped(views, lang):
    view = views["closed"]

    html = history_text(view, lang, WIB)

    assert_safe(html)
    assert html.count(ESCAPED) == sum(1 for row in view.timeline if row.note)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_kind_gets_buttons_in_its_language_with_valid_callback_data(walk, lang):
    views, allowed = walk
    words = labels(lang)

    keyboards = {name: step_keyboard(views[name], allowed[name], lang) for name in allowed}

    assert len(keyboards) == 8
    for name, keyboard in keyboards.items():
        buttons = [b for row in keyboard.inline_keyboard for b in row]
        assert words["history"] in [b.text for b in keyboard.inline_keyboard[-1]], name
        ticks = {f"☐ {i.label if lang == 'id' else i.label_en}" for i in ITEMS}  # the SOP's labels
        assert {b.text for b in buttons} <= set(words.values()) | ticks, name
        assert all(decode(b.callback_data).case_id == views[name].case.id for b in buttons), name
        assert len(buttons) > 2, name  # besides reading the history and reassigning, the step's own


#: Templates shown where Telegram takes text as typed: a press's alert, a button, an input placeholder.
PLAIN = [
    "refused", "hashes", "stranger", "intake_stale", "intake_placeholder", "intake_force_button",
    "return_target_button",
]  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("template", PLAIN)
def test_plain_text_fields_carry_no_markup_and_show_user_text_as_written(views, template, lang):
    shown = {name: render_plain(template, lang, WIB, **values(view)) for name, view in views.items()}

    for text in shown.values():
        assert "&lt;" not in text and "&amp;" not in text and "&#" not in text
        assert "<b>" not in text.replace(HOSTILE, "")  # no tag of the template's own
    if template == "refused":  # the holder's name, as it was written
        assert all(HOSTILE in text for text in shown.values())


#: What varies a message besides the case: every refusal and intake code, question, field, count …
INTAKE_CODES = [
    "empty", "too_long", "one_line", "control", "date_format", "date_future", "scan_expected", "scan_type",
    "scan_too_large", "uploads_forbidden",
]  # fmt: skip
CODES = [*REFUSALS, *INTAKE_CODES, "something_new"]
FIELDS = ["number", "date", "institution", "purpose", "pks_number", "scan"]
QUESTIONS = [
    "note", "return", "reject", "sign", "manifest", "tick", "tick_receipt",
    "pin_new", "pin_confirm", "pin_proof", "intake", None,
]  # fmt: skip
VARIANTS = [
    *({"code": code} for code in CODES),
    *({"errors": {field: code}, "field": field} for field in FIELDS for code in INTAKE_CODES),
    *({"field": field} for field in FIELDS),
    *({"intro": intro, "taken": [], "scan_received": None} for intro in ("scan", None)),
    *({"open": question, "case_number": None} for question in QUESTIONS),
    *({"item": item} for item in (*ITEMS, None)),
    *({"count": count} for count in (0, 1, 3)),
    {"change": None, "by": None, "at": None, "to": None, "hash": None, "forced": False, "left": 1},
    {"deleted": False, "locked": False, "manifest": None, "name": None, "acting_for": None},
    {"rule": {"kind": "sign", "by": None}, "sp_number": None, "errors": {}},
    {"rule": None},
]


def renderings(views, lang: str):
    """(template, visible text) of every template in ``lang``, at every step, in every variant it uses."""
    env = _html_environment(lang)
    for template in TEMPLATES:
        source = (TELEGRAM / f"{template}.html").read_text(encoding="utf-8")
        asked = meta.find_undeclared_variables(env.parse(source))
        variants = [{}, *(v for v in VARIANTS if v.keys() <= asked)]
        if "refused" in template:  # a refusal's sentence is looked up by its code: only REFUSALS has one
            variants = [v for v in variants if v.get("code", "not_holder") in REFUSALS]
        if template == "_duties":  # its includers render it only with a rule
            variants = [v for v in variants if v.get("rule", True)]
        if template == "ask_tick":  # asked only about an item that asks
            variants = [v for v in variants if getattr(v.get("item", ITEMS[1]), "ask", "")]
        for view in views.values():
            base = values(view) | {
                "outcome": labels(lang)["done_forward"],
                "button": render_plain("intake_force_button", lang, WIB),
            }
            for variant in variants:
                yield template, parse_html(render_html(template, lang, WIB, **(base | variant))).text
    for table in ("buttons", "commands"):
        for text in labels(lang, table).values():
            yield table, text


def words_of(text: str, views) -> set[str]:
    """The words of a rendered message that the catalogs chose: not the officials' text, the names,
    the SOP's own words, the commands or what is meant to be typed (``disposisi case scan …``)."""
    for view in views.values():
        data = [view.directory.name(o) for o in ("tu1", "dir", "ksd1", "kasi1", "op1", "op2", "jfu1")]
        data += [s.action for s in view.sop.steps] + [r for s in view.sop.steps for r in s.requires]
        data += [t for s in view.sop.steps for i in s.checklist for t in (i.label, i.ask)]
        data += [t for f in view.sop.fields for t in (f.label, f.ask, f.label_en, f.ask_en)]
        data += [s.name for s in sample_digest().sections[0].month.steps]
        data += [t for s in sample_digest().sections for t in (s.title, s.title_en)]
        data += [i.label for i in view.sop.instructions] + [i.label_en for i in view.sop.instructions]
        for value in sorted(filter(None, data), key=len, reverse=True):
            text = text.replace(value, " ")
    text = text.replace(HOSTILE, " ")
    text = re.sub(r"disposisi (case|roster) [\w-]+( \S+)*?( FILE)?\b", " ", text)
    text = re.sub(r"/\w+", " ", text)  # the commands: /batal, /terima …
    return set(re.findall(r"[A-Za-z]+", text))


#: English a translator might leave in an Indonesian message (words Indonesian officials also use,
#: such as SOP, PIN, SHA-256, PKS/MoU, admin, manifest, record, hash, hardcopy, are not here).
ENGLISH = {
    "the", "of", "by", "and", "is", "was", "not", "to", "from", "at", "for", "with", "your", "you", "or",
    "Step", "step", "steps", "Letter", "letter", "Case", "case", "cases", "Reminder", "Due", "due",
    "Required", "recorded", "Reassign", "closed", "open", "waiting", "done", "History", "Received",
    "Please", "Send", "send", "Sorry", "Usage", "unknown", "Records", "Pages", "Permit", "permit",
    "Signing", "signing", "button", "buttons", "Scan", "scan", "late", "none", "yet", "min", "Reason",
    "Note", "note", "Returned", "returned", "Rejected", "rejected", "cancelled", "Escalation", "Purpose",
    "Requester", "Institution", "Forward", "Forwarded", "Sign", "Signed", "Ticked", "Access", "access",
    "Language", "Choose", "Search", "Help", "Cancel", "Register", "cannot", "must", "already", "in",
}  # fmt: skip
#: Indonesian an English message should not carry (the SOP's own words, names and the instructions
#: of the lembar disposisi, which stay Indonesian in every language, are taken out first).
INDONESIAN = {
    "yang", "dan", "dari", "untuk", "oleh", "pada", "berkas", "Berkas", "langkah", "Langkah", "surat",
    "Surat", "tidak", "Tidak", "sudah", "belum", "Anda", "kirim", "Kirim", "dengan", "atau", "ini",
    "itu", "telah", "akan", "menit", "jam", "detik", "selesai", "ditolak", "dikembalikan", "Riwayat",
    "Kembali", "Catatan", "Tolak", "Alihkan", "Teruskan", "Diterima", "Pemohon", "Keperluan", "Batas",
    "Pengingat", "Mohon", "Maaf", "Silakan", "tombol", "pejabat", "pindaian", "Pindaian", "bahasa",
}  # fmt: skip


@pytest.mark.parametrize(("lang", "foreign"), [("id", ENGLISH), ("en", INDONESIAN)])
def test_no_message_carries_stock_words_of_the_other_language(views, lang, foreign):
    found: dict[str, set[str]] = {}
    for template, text in renderings(views, lang):
        words = words_of(text, views) & foreign
        if lang == "id" and "(closed)" in text:  # a case's state, as the engine names it
            words.add("(closed)")
        if words:
            found.setdefault(template, set()).update(words)

    assert not found, f"{lang} messages with words of the other language: {found}"
