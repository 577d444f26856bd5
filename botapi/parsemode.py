"""Telegram's HTML parse mode: the visible text, its entities, and the errors Telegram gives.

Follows the Bot API server's parser (tdlib ``parse_html``): only the tags Telegram supports, the
four named character references plus numeric ones, tags that must nest, and byte offsets into the
UTF-8 text in every error. Entity offsets and lengths are in UTF-16 code units, as Telegram's.
"""

from dataclasses import dataclass
from typing import Any

__all__ = ["ALLOWED_TAGS", "HtmlError", "Parsed", "parse_html", "utf16_len"]

_KINDS = {
    "bold": ("b", "strong"),
    "italic": ("i", "em"),
    "underline": ("u", "ins"),
    "strikethrough": ("s", "strike", "del"),
    "spoiler": ("tg-spoiler", "span"),
    "blockquote": ("blockquote",),
}
_SIMPLE = {tag: kind for kind, tags in _KINDS.items() for tag in tags}
ALLOWED_TAGS = frozenset({*_SIMPLE, "a", "tg-emoji", "code", "pre"})
#: The attributes Telegram reads, with the prefix their value must start with.
_ARGUMENTS = {
    ("a", "href"): "",
    ("code", "class"): "language-",
    ("span", "class"): "tg-",
    ("tg-emoji", "emoji-id"): "",
}
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACES = frozenset(b" \t\r\n\v\x00")  # tdlib counts NUL as a space: it ends the C string
_TOKEN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


class HtmlError(ValueError):
    """Text Telegram refuses with "can't parse entities"; ``detail`` is Telegram's wording."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    @property
    def description(self) -> str:
        """The full Bot API description."""
        return f"Bad Request: can't parse entities: {self.detail}"


@dataclass(frozen=True)
class Parsed:
    """What a user sees: the text without tags, and the formatting as Bot API entities."""

    text: str
    entities: tuple[dict[str, Any], ...]

    @property
    def length(self) -> int:
        """Length of the visible text in UTF-16 code units, the unit of Telegram's limits."""
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (characters outside the BMP count twice)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    name: str
    argument: str
    offset: int  # UTF-16 offset where the entity starts
    piece: int  # index into the output pieces, to recover the inner text of <a>


def parse_html(source: str) -> Parsed:
    """Parse ``source`` as Telegram's HTML parse mode.

    Raises:
        HtmlError: for what Telegram refuses (unsupported or unclosed tags, mismatched end tags,
            a span without class "tg-spoiler", bad attributes), naming the byte offset.
    """
    return _Parser(source.encode("utf-8")).run()


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, i: int) -> int:
        return self.data[i] if i < len(self.data) else 0

    def run(self) -> Parsed:
        i, data = 0, self.data
        while i < len(data):
            if data[i] == ord("&") and (decoded := _decode_reference(data, i)) is not None:
                char, i = decoded
                self._emit(char)
            elif data[i] == ord("<"):
                i = self._end_tag(i) if self.at(i + 1) == ord("/") else self._start_tag(i)
            else:
                stops = [p for p in (data.find(b"<", i + 1), data.find(b"&", i + 1)) if p != -1]
                end = min(stops, default=len(data))
                self._emit(data[i:end].decode("utf-8"))
                i = end
        if self.stack:
            raise HtmlError(f"Can't find end tag corresponding to start tag {self.stack[-1].name}")
        for entity in self.entities:  # a language survives only on <pre>
            if entity["type"] == "code":
                entity.pop("language", None)
        text = "".join(self.out)
        if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
            raise HtmlError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        ordered = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return Parsed(text, tuple(ordered))

    def _emit(self, piece: str) -> None:
        self.out.append(piece)
        self.utf16 += utf16_len(piece)

    def _start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ord(">"):
            i += 1
        if self._ended(i):
            raise HtmlError(f"Unclosed start tag at byte offset {begin}")
        name = self.data[begin + 1 : i].lower().decode("utf-8", "replace")
        if name not in ALLOWED_TAGS:
            raise HtmlError(f'Unsupported start tag "{name}" at byte offset {begin}')
        argument = ""
        while self.at(i) != ord(">"):
            i = self._skip_spaces(i)
            if self.at(i) == ord(">"):
                break
            attr_begin = i
            while self.at(i) not in _SPACES and self.at(i) != ord("="):
                i += 1
            attr = self.data[attr_begin:i].decode("utf-8", "replace")
            if not attr:
                raise HtmlError(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
            i = self._skip_spaces(i)
            if self.at(i) != ord("="):
                raise HtmlError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {begin}"
                )
            i = self._skip_spaces(i + 1)
            if self._ended(i):
                raise HtmlError(f'Unclosed start tag "{name}" at byte offset {begin}')
            value, i = self._attribute_value(i)
            if self._ended(i):
                raise HtmlError(f"Unclosed start tag at byte offset {begin}")
            argument = _argument(name, attr, value, argument)
        if name == "span" and argument != "spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_Open(name, argument, self.utf16, len(self.out)))
        return i + 1

    def _attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in (ord("'"), ord('"')):
            start = i
            while self.at(i) in _TOKEN:
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ord(">"):
                raise HtmlError(f"Unexpected end of name token at byte offset {start}")
            return self.data[start:i].lower().decode("ascii"), i
        i += 1
        pieces: list[str] = []
        while not self._ended(i) and self.at(i) != quote:
            if self.at(i) == ord("&") and (decoded := _decode_reference(self.data, i)) is not None:
                char, i = decoded
                pieces.append(char)
                continue
            stop = i + 1
            while not self._ended(stop) and self.at(stop) not in (quote, ord("&")):
                stop += 1
            pieces.append(self.data[i:stop].decode("utf-8", "replace"))
            i = stop
        if self.at(i) == quote:
            i += 1
        return "".join(pieces), i

    def _end_tag(self, begin: int) -> int:
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ord(">"):
            i += 1
        found = self.data[begin + 2 : i].lower().decode("utf-8", "replace")
        i = self._skip_spaces(i)
        if self.at(i) != ord(">"):
            raise HtmlError(f"Unclosed end tag at byte offset {begin}")
        top = self.stack.pop()
        if found and found != top.name:
            raise HtmlError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", found "</{found}>"'
            )
        if self.utf16 > top.offset:
            self._close(top)
        return i + 1

    def _close(self, top: _Open) -> None:
        span = {"offset": top.offset, "length": self.utf16 - top.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (span["offset"], span["length"])
        if top.name in _SIMPLE:
            self.entities.append({"type": _SIMPLE[top.name], **span})
        elif top.name == "a":
            url = top.argument or "".join(self.out[top.piece :])
            if url:
                self.entities.append({"type": "text_link", **span, "url": url})
        elif top.name == "tg-emoji":
            if not top.argument.isdigit() or int(top.argument) == 0:
                raise HtmlError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": top.argument})
        else:  # <pre><code class="language-x"> (either order) make one pre entity with a language
            other = "code" if top.name == "pre" else "pre"
            merged = same_span and last is not None and last["type"] == other
            if merged and top.name == "pre" and "language" in last:
                last["type"] = "pre"
            elif merged and top.name == "code" and top.argument:
                last["language"] = top.argument
            else:  # a language on a lone <code> is dropped at the end
                language = {"language": top.argument} if top.argument else {}
                self.entities.append({"type": top.name, **span, **language})

    def _skip_spaces(self, i: int) -> int:
        while not self._ended(i) and self.at(i) in _SPACES:
            i += 1
        return i

    def _ended(self, i: int) -> bool:
        return self.at(i) == 0


def _argument(tag: str, attr: str, value: str, current: str) -> str:
    prefix = _ARGUMENTS.get((tag, attr))
    return value.removeprefix(prefix) if prefix is not None and value.startswith(prefix) else current


def _decode_reference(data: bytes, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos``; None leaves the ``&`` as a literal, as Telegram does."""
    end = pos + 1
    at = lambda i: data[i] if i < len(data) else 0  # noqa: E731
    if at(end) == ord("#"):
        end += 1
        hexadecimal = at(end) == ord("x")
        end += hexadecimal
        digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
        start = end
        while at(end) and at(end) in digits:
            end += 1
        code = int(data[start:end], 16 if hexadecimal else 10) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        if data[pos + 1 : end] not in _NAMED:
            return None
        char = _NAMED[data[pos + 1 : end]]
    return char, end + (at(end) == ord(";"))
