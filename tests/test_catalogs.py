"""The message catalogs (templates/locale): every message the templates and bot/templating.py ask
for is translated in every catalog, nothing stale is kept, placeholders and markup survive the
translation, and a new language is one more catalog."""

import re
import shutil

import pytest
from babel.messages.pofile import read_po

import bot.templating as templating
from bot.catalogs import LOCALE, catalog_path, extract
from bot.templating import languages, render_html
from tests.conftest import WIB

LANGUAGES = languages()
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdif%])")
TAG = re.compile(r"</?\w+>")


@pytest.fixture(scope="module")
def pot():
    return extract()


def catalog(lang: str):
    with catalog_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


def forms(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(PLACEHOLDER.findall(text))


def test_there_are_catalogs_for_indonesian_first_and_english(pot):
    assert LANGUAGES[0] == "id" and "en" in LANGUAGES
    assert len(pot) > 300  # the templates' messages were found: the extraction is no empty pass


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(pot, lang):
    translated = catalog(lang)
    missing = [
        message.id
        for message in pot
        if message.id
        and (
            (found := translated.get(message.id, message.context)) is None
            or found.fuzzy
            or not all(s.strip() for s in forms(found.string))
        )
    ]

    assert not missing, f"{lang}: untranslated or fuzzy (translate them in its .po): {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_keeps_messages_nobody_uses(pot, lang):
    translated = catalog(lang)
    used = {(m.id, m.context) for m in pot if m.id}

    stale = [m.id for m in translated if m.id and (m.id, m.context) not in used]

    assert not stale, f"{lang}: unused messages (python -m bot.catalogs update drops them): {stale}"
    assert not translated.obsolete, f"{lang}: obsolete (#~) entries: {list(translated.obsolete)}"


def test_the_template_catalog_is_up_to_date(pot):
    with (LOCALE / "messages.pot").open("rb") as file:
        written = read_po(file)

    assert {(m.id, m.context) for m in written if m.id} == {(m.id, m.context) for m in pot if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_and_the_markup(pot, lang):
    translated = catalog(lang)
    wrong = []
    for message in pot:
        if not message.id or (found := translated.get(message.id, message.context)) is None:
            continue
        ids = forms(message.id)
        for string in filter(None, forms(found.string)):  # an empty one is untranslated: tested above
            if all(placeholders(string) != placeholders(i) for i in ids):
                wrong.append(("placeholders", ids[0], string))
            if sorted(TAG.findall(string)) != sorted(TAG.findall(ids[0])):
                wrong.append(("markup", ids[0], string))

    assert not wrong, f"{lang}: {wrong}"


def test_a_third_language_is_one_more_catalog(tmp_path, monkeypatch):
    copy = tmp_path / "templates"
    shutil.copytree(templating.templates_dir(), copy)
    french = copy / "locale" / "fr" / "LC_MESSAGES"
    french.mkdir(parents=True)
    po = catalog_path("en").read_text(encoding="utf-8")
    po = po.replace('msgstr "Language set to %(language)s."', 'msgstr "Langue choisie : %(language)s."')
    (french / "messages.po").write_text(po.replace("Language: en", "Language: fr"), encoding="utf-8")
    cached = [templating.languages, templating.translations, templating._html_environment, templating.labels]
    monkeypatch.setattr(templating, "templates_dir", lambda: copy)
    for function in cached:
        function.cache_clear()
    try:
        assert templating.languages()[0] == "id" and set(templating.languages()) == {*LANGUAGES, "fr"}
        assert "/bahasa fr (français)" in render_html("language_usage", "id", WIB)
        assert render_html("language_set", "fr", WIB) == "Langue choisie : français."
        assert "/bahasa fr" in templating.labels("en", "commands")["bahasa"]
    finally:
        monkeypatch.undo()
        for function in cached:
            function.cache_clear()
    assert templating.languages() == LANGUAGES
