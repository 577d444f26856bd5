"""Telegram's HTML parse mode: allowed tags, Telegram's errors, lengths in UTF-16 after parsing."""

import pytest

from botapi.parsemode import HtmlError, parse_html, utf16_len


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("<b>x</b>", "bold"),
        ("<strong>x</strong>", "bold"),
        ("<i>x</i>", "italic"),
        ("<em>x</em>", "italic"),
        ("<u>x</u>", "underline"),
        ("<ins>x</ins>", "underline"),
        ("<s>x</s>", "strikethrough"),
        ("<strike>x</strike>", "strikethrough"),
        ("<del>x</del>", "strikethrough"),
        ('<span class="tg-spoiler">x</span>', "spoiler"),
        ("<tg-spoiler>x</tg-spoiler>", "spoiler"),
        ("<code>x</code>", "code"),
        ("<pre>x</pre>", "pre"),
        ("<blockquote>x</blockquote>", "blockquote"),
        ('<a href="https://example.org">x</a>', "text_link"),
        ('<tg-emoji emoji-id="5368324170671202286">x</tg-emoji>', "custom_emoji"),
        ("<B>x</B>", "bold"),
    ],
)
def test_each_supported_tag_becomes_an_entity(source, kind):
    parsed = parse_html(source)

    assert parsed.text == "x"
    assert [e["type"] for e in parsed.entities] == [kind]


def test_tags_vanish_and_references_are_decoded():
    parsed = parse_html("<b>Surat</b> &lt;470&gt; &amp; &quot;izin&quot; &#65;&#x42; &nbsp; a&b")

    assert parsed.text == 'Surat <470> & "izin" AB &nbsp; a&b'


def test_a_link_counts_its_text_not_its_address():
    parsed = parse_html('<a href="https://example.org/a/very/long/path">tautan</a>')

    assert parsed.length == 6
    assert parsed.entities[0]["url"] == "https://example.org/a/very/long/path"


def test_nested_entities_are_ordered_by_offset_then_outer_first():
    parsed = parse_html("ab <b>cd <i>ef</i></b>")

    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == [
        ("bold", 3, 5),
        ("italic", 6, 2),
    ]


def test_pre_with_a_code_language_makes_one_pre_entity():
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre>')

    assert parsed.entities == ({"type": "pre", "offset": 0, "length": 5, "language": "python"},)


def test_offsets_and_lengths_are_in_utf16_code_units():
    parsed = parse_html("👍 <b>ok</b>")

    assert parsed.entities[0]["offset"] == 3
    assert parsed.length == 5
    assert utf16_len("👍") == 2


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("Pak Budi < Bu Ani", 'Unsupported start tag "" at byte offset 9'),
        ("é <br>", 'Unsupported start tag "br" at byte offset 3'),
        ("<b>x", "Can't find end tag corresponding to start tag b"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("text <b", "Unclosed start tag at byte offset 5"),
        ('<a href="x', "Unclosed start tag at byte offset 0"),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<a href=x?y>x</a>", "Unexpected end of name token at byte offset 8"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
    ],
)
def test_telegram_refuses_bad_html_with_its_own_words(source, detail):
    with pytest.raises(HtmlError) as refused:
        parse_html(source)

    assert refused.value.detail == detail
    assert refused.value.description == f"Bad Request: can't parse entities: {detail}"


def test_an_end_tag_without_a_name_closes_the_open_tag():
    assert parse_html("<b>x</>").entities[0]["type"] == "bold"


def test_an_escaped_text_of_4096_visible_characters_with_tags_measures_4096():
    body = "&lt;" + "a" * 4094 + "&gt;"

    parsed = parse_html(f"<b>{body}</b>")

    assert parsed.length == 4096
    assert len(f"<b>{body}</b>") > 4096
