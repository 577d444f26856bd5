import pytest

from bot.callbacks import BadPayload, Press, decode, encode, key_tag


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
        "1.ak.1.2.3.a.b.c.d",
        "1.ak.-1.2.3",
        "1.ak.1.2.3." + "x" * 60,
        "1.ak.1.2.3.a;drop",
    ],
)
def test_malformed_or_foreign_payloads_are_refused(data):
    with pytest.raises(BadPayload):
        decode(data)


def test_encoding_refuses_what_would_not_decode():
    with pytest.raises(ValueError):
        encode(Press("ak", 1, 2, 3, ("has space",)))
    with pytest.raises(ValueError):
        encode(Press("zz", 1, 2, 3))


def test_key_tags_are_stable_and_short():
    assert key_tag("dir") == key_tag("dir") != key_tag("ksd1")
    assert len(key_tag("x" * 64)) == 8
