"""The webhook's check of a body: Telegram's updates pass, anything else is Malformed, never
another error."""

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.updates import UPDATES, Malformed, parse_update

USER = {"id": 1001, "is_bot": False, "first_name": "Andi", "language_code": "id"}
CHAT = {"id": 1001, "type": "private", "first_name": "Andi"}
MESSAGE = {"message_id": 5, "date": 1795560000, "chat": CHAT, "from": USER, "text": "halo"}

GOOD = {
    "a text": {"update_id": 1, "message": MESSAGE},
    "a reply with entities": {
        "update_id": 2,
        "message": {
            **MESSAGE,
            "text": "/start abc",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "reply_to_message": {**MESSAGE, "from": {**USER, "id": 42, "is_bot": True}},
        },
    },
    "a document": {
        "update_id": 3,
        "message": {
            **MESSAGE,
            "document": {
                "file_id": "f",
                "file_unique_id": "u",
                "file_size": 10,
                "mime_type": "application/pdf",
            },
            "caption": "Nomor: 1",
        },
    },
    "a photo": {
        "update_id": 4,
        "message": {**MESSAGE, "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]},
    },
    "a press": {
        "update_id": 5,
        "callback_query": {
            "id": "77",
            "from": USER,
            "chat_instance": "1",
            "data": "1.ak.1.2.3",
            "message": {**MESSAGE, "from": {**USER, "is_bot": True}},
        },
    },
}


@pytest.mark.parametrize("name", GOOD)
def test_telegram_s_updates_pass(name):
    assert parse_update(json.dumps(GOOD[name]).encode(), UPDATES) == GOOD[name]


@pytest.mark.parametrize(
    "body, where",
    [
        (b"[]", "the body: an object expected, got a list"),
        (b'{"update_id": 1.5, "message": {}}', "update.update_id: a whole number expected"),
        (json.dumps({"update_id": 1, "message": {**MESSAGE, "text": ["x"]}}).encode(), "message.text"),
        (json.dumps({"update_id": 1, "message": MESSAGE, "callback_query": {}}).encode(), "exactly one of"),
        (
            json.dumps(
                {
                    "update_id": 1,
                    "message": {**MESSAGE, "reply_to_message": {**MESSAGE, "reply_to_message": MESSAGE}},
                }
            ).encode(),
            "a reply nested in a reply",
        ),
        (
            json.dumps({"update_id": 1, "message": {**MESSAGE, "from": {**USER, "is_bot": 0}}}).encode(),
            "is_bot",
        ),
    ],
)
def test_a_malformed_body_is_refused_naming_where(body, where):
    with pytest.raises(Malformed, match=where):
        parse_update(body, UPDATES)


def test_a_refusal_never_repeats_the_body():
    body = json.dumps({"update_id": 1, "message": {**MESSAGE, "chat": {"id": "246810", "type": "private"}}})

    with pytest.raises(Malformed) as refused:
        parse_update(body.encode(), UPDATES)

    assert "246810" not in str(refused.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
fields = st.sampled_from(
    ["update_id", "message", "callback_query", "chat", "from", "id", "text", "date", "x"]
)


@given(st.dictionaries(fields, json_values, max_size=4) | json_values)
def test_any_json_is_an_update_or_malformed_never_another_error(value):
    with contextlib.suppress(Malformed):
        parse_update(json.dumps(value).encode(), UPDATES)


@given(st.binary(max_size=60))
def test_any_bytes_are_an_update_or_malformed_never_another_error(body):
    with contextlib.suppress(Malformed):
        parse_update(body, UPDATES)
