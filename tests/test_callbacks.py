"""The callback codec: what encoding produces, decoding accepts, and nothing else."""

import pytest
from hypothesis import example, given, reject
from hypothesis import strategies as st

from bot.callbacks import ACTIONS, ARITY, BadPayload, Press, decode, encode, key_tag

ids = st.integers(min_value=0, max_value=10**12 - 1)
args = st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=16)


@st.composite
def presses(draw) -> Press:
    """Any press ``encode`` accepts: a known action with its own number of arguments, within 64 bytes."""
    action = draw(st.sampled_from(sorted(ACTIONS)))
    count = draw(st.sampled_from(ARITY[action]))
    press = Press(action, draw(ids), draw(ids), draw(ids), tuple(draw(args) for _ in range(count)))
    try:
        encode(press)
    except ValueError:  # over 64 bytes: encode refuses it, and says so
        reject()
    return press


#: What a modified client might put in place of one character of good callback data.
ODD = st.sampled_from(
    [
        "٣",
        "３",
        "²",
        "۱",
        "৭",
        "-",
        "+",
        " ",
        "\n",
        "\t",
        "\u00a0",
        "\u200b",
        "0",
        "00",
        "A",
        "..",
        "_",
        "é",
        "",
    ]
)


@st.composite
def tampered(draw) -> str:
    """Good callback data with one character replaced, inserted or deleted, or a field added."""
    data = encode(draw(presses()))
    at = draw(st.integers(min_value=0, max_value=len(data)))
    how = draw(st.sampled_from(["replace", "insert", "delete", "append field"]))
    if how == "append field":
        return f"{data}.{draw(args)}"
    odd = draw(ODD)
    if how == "insert":
        return data[:at] + odd + data[at:]
    if how == "delete":
        return data[:at] + data[at + 1 :]
    return data[:at] + odd + data[at + 1 :]


@given(presses())
def test_every_press_that_encodes_decodes_to_itself(press):
    assert decode(encode(press)) == press


@given(st.one_of(tampered(), st.text(max_size=80), st.binary(max_size=70).map(lambda b: b.decode("latin-1"))))
@example("1.ak.١٢.3.4")
@example("1.ak.12.3.4\n")
@example("1.ak.012.3.4")
@example("1.ak.+12.3.4")
@example("1.ak. 12.3.4")
@example("1.ak.²2.3.4")
@example("1.ak.12.3.4.0")
@example("1.tk.12.3.4.0\n")
def test_any_other_string_is_refused(data):
    try:
        press = decode(data)
    except BadPayload:
        return

    assert encode(press) == data  # accepted only because encode produces exactly this


@given(st.one_of(st.none(), st.integers(), st.binary(max_size=10), st.lists(st.text(max_size=3), max_size=3)))
def test_what_is_not_a_string_is_refused_as_a_bad_payload(data):
    with pytest.raises(BadPayload):
        decode(data)


def test_a_press_round_trips_within_64_bytes():
    press = Press("fw", 123456789, 987654321, 99, ("4", key_tag("kasubdit_pemanfaatan_data_dan_dokumen")))

    data = encode(press)

    assert decode(data) == press
    assert len(data.encode()) <= 64


@pytest.mark.parametrize(
    "data",
    [
        "",
        None,
        "2.ak.1.2.3",
        "1.xx.1.2.3",
        "1.ak.1.2",
        "1.ak.a.2.3",
        "1.ak.1.2.3.UPPER",
        "1.fw.1.2.3.a.b.c",
        "1.ak.-1.2.3",
        "1.ak.1.2.3." + "x" * 60,
        "1.ak.1.2.3.a;drop",
        "1.ak.١.2.3",  # Arabic-Indic digit one
        "1.ak.１.2.3",  # fullwidth digit one
        "1.ak.².2.3",  # a superscript: str.isdigit says yes, int() says no
        "1.ak.01.2.3",  # encode never writes a leading zero
        "1.ak.1.2.3 ",
        "1.fw.1.2.3.0\n",  # "$" in a pattern would let the newline through
        "1.ak.1.2.3.0",  # acknowledge carries no argument
        "1.tk.1.2.3",  # a checklist tick carries its item
    ],
)
def test_malformed_or_foreign_payloads_are_refused(data):
    with pytest.raises(BadPayload):
        decode(data)


def test_encoding_refuses_what_would_not_decode():
    for press in (
        Press("ak", 1, 2, 3, ("has space",)),
        Press("zz", 1, 2, 3),
        Press("ak", 1, 2, 3, ("x",)),  # acknowledge carries no argument
        Press("tk", 1, 2, 3),
        Press("ak", -1, 2, 3),
        Press("ak", 10**12, 2, 3),
        Press("ak", True, 2, 3),
        Press("fw", 1, 2, 3, ("0\n",)),
    ):
        with pytest.raises(ValueError):
            encode(press)


def test_key_tags_are_stable_and_short():
    assert key_tag("dir") == key_tag("dir") != key_tag("ksd1")
    assert len(key_tag("x" * 64)) == 8
