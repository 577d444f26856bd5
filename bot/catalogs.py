"""The maintainers' tool for the message catalogs in ``templates/locale`` (run it in a checkout).

    python -m bot.catalogs update      # extract every message into messages.pot, merge it into each catalog
    python -m bot.catalogs init LANG   # start the catalog of a new language (e.g. jv), then translate it

The messages (``msgid``) are the English wording, found by Babel in the Telegram templates and in
``bot/templating.py`` (``babel.cfg`` says where). The English catalog repeats them; ``update`` fills
its new entries itself. Every other catalog is translated by hand: ``update`` leaves a new message
empty (or ``#, fuzzy`` when it guessed from a similar one) until someone translates it, and the tests
fail until then. The bot reads the ``.po`` files as they are; nothing is compiled.
"""

import sys
from copy import deepcopy
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

__all__ = ["ROOT", "catalog_path", "extract", "main"]

#: The checkout: ``babel.cfg`` and ``templates/`` are at its top.
ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "templates" / "locale"
#: The language the messages are written in: its catalog is filled from them.
SOURCE_LANGUAGE = "en"
_POT_HEADER = """\
# The messages of the disposisi Telegram bot, in English: the template of every catalog.
# Made by: python -m bot.catalogs update (do not edit by hand)
#"""


def catalog_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every message of the Telegram templates and of ``bot/templating.py``, as a template catalog."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    pot = Catalog(project="disposisi", fuzzy=False, header_comment=_POT_HEADER)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, strip_comment_tags=True
    ):
        pot.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return pot


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=lang)


#: Header lines that change with every run or Babel release: left out, so that two branches that
#: each change a message do not conflict on them.
_VOLATILE = (b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:')


def _write(path: Path, catalog: Catalog) -> None:
    out = BytesIO()
    write_po(out, catalog, width=110, ignore_obsolete=True, include_previous=True, include_lineno=False)
    lines = out.getvalue().splitlines(keepends=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(line for line in lines if not line.startswith(_VOLATILE)))


def _fill_source(catalog: Catalog) -> None:
    """The English catalog says what the messages say."""
    for message in catalog:
        if message.id and (not message.string or message.fuzzy):
            message.string = message.id
            message.flags.discard("fuzzy")


def update() -> list[str]:
    """Write ``messages.pot`` and merge it into every catalog; return what is left to translate."""
    pot = extract()
    _write(LOCALE / "messages.pot", pot)
    todo = []
    for path in sorted(LOCALE.glob("*/LC_MESSAGES/messages.po")):
        lang = path.parent.parent.name
        catalog = _read(path, lang)
        catalog.update(
            deepcopy(pot)
        )  # Babel adds the template's own Message objects: filling English would fill all
        if lang == SOURCE_LANGUAGE:
            _fill_source(catalog)
        _write(path, catalog)
        left = [m for m in catalog if m.id and (m.fuzzy or not all(_strings(m)))]
        todo.append(f"{lang}: {len(left)} message(s) to translate or review (empty or fuzzy)")
    return todo


def init(lang: str) -> Path:
    """A new catalog for ``lang`` from ``messages.pot`` (run ``update`` first), every message empty."""
    path = catalog_path(lang)
    if path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} exists already; run 'update' to refresh it")
    with (LOCALE / "messages.pot").open("rb") as pot_file:
        pot = read_po(pot_file)
    catalog = Catalog(locale=lang, project="disposisi", fuzzy=False)
    catalog.update(pot)
    _write(path, catalog)
    return path


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def main(argv: list[str]) -> int:
    usage = "usage: python -m bot.catalogs update | init LANG"
    if argv == ["update"]:
        for line in update():
            print(line)
        return 0
    if len(argv) == 2 and argv[0] == "init":
        print(f"created {init(argv[1]).relative_to(ROOT)}; translate it, then run the tests")
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
