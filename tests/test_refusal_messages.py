"""Every reason an action is refused has its own code, audited, and its own sentence for the official
in every language, saying what to do next. No network."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.handlers.replies import why
from bot.templating import languages, render_plain
from tests.conftest import WIB
from workflow.errors import REFUSALS, DomainError, InvalidInput, Reason

ROOT = Path(__file__).resolve().parent.parent
#: The refusal classes that stand for several reasons: each raise names its code.
MANY_REASONS = {"NotAuthorised", "StaleAction", "ActionNotAllowed", "InvalidInput", "ReleaseNotAuthorised"}
AT = datetime(2026, 12, 1, 3, 4, tzinfo=UTC)


def _subclasses(cls: type) -> set[str]:
    return {cls.__name__}.union(*(_subclasses(sub) for sub in cls.__subclasses__()))


#: Every refusal class (those of the services and the engine are imported with ``why``'s module).
REFUSING = _subclasses(DomainError)


def sentence(code: str, lang: str) -> str:
    params = {"by": "Dewi Kasi", "holder": "Dewi Kasi", "at": AT, "role": "Direktur", "step_no": 3}
    params |= {"granters": "Dewi Kasi", "state": "rejected", "limit": 200, "tries_left": 2, "kind": "sign"}
    if code == "duties_apart":  # its `by` is the step kind the official did before
        params["by"] = "check_data"
    refusal = DomainError("why, in English", code=code, **params)
    return render_plain("refused", lang, WIB, **why(refusal))


@pytest.mark.parametrize("lang", languages())
def test_every_refusal_code_has_its_own_sentence_in_every_language(lang):
    said = {code: sentence(code, lang) for code in REFUSALS}

    assert all(len(text) > 20 for text in said.values()), said
    by_text: dict[str, list[str]] = {}
    for code, text in said.items():
        by_text.setdefault(text, []).append(code)
    assert [codes for codes in by_text.values() if len(codes) > 1] == []


def test_a_code_without_a_sentence_cannot_reach_a_person():
    with pytest.raises(ValueError, match="unknown refusal code"):
        InvalidInput("no such reason", code="something_new")
    with pytest.raises(ValueError, match="unknown refusal code"):
        InvalidInput("a class of several reasons needs one named")
    with pytest.raises(ValueError, match="unknown refusal code"):
        Reason("something_new", "text")


def test_the_indonesian_sentence_says_what_to_do_next():
    assert sentence("pin_not_set", "id").endswith("lalu kirim /pin.")
    assert sentence("not_holder", "id") == (
        "Langkah 3 dipegang oleh Dewi Kasi, bukan Anda. Bila Anda menggantikannya, "
        "minta admin mencatat surat perintah Plh. Anda."
    )
    assert sentence("release_not_authorised", "id").startswith("Data belum boleh dikeluarkan")


def test_every_refusal_raised_in_the_code_names_a_known_code():
    unnamed, unknown = [], []
    for path in sorted([*ROOT.glob("workflow/**/*.py"), *ROOT.glob("bot/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            codes = [k.value for k in node.keywords if k.arg == "code"]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in MANY_REASONS and not codes:
                unnamed.append(where)
            for code in codes if name in REFUSING else ():
                if isinstance(code, ast.Constant) and code.value not in REFUSALS:
                    unknown.append(f"{where} {code.value}")
            first = node.args[0] if node.args else None
            if name == "Reason" and isinstance(first, ast.Constant) and first.value not in REFUSALS:
                unknown.append(f"{where} {first.value}")

    assert unnamed == [] and unknown == []
