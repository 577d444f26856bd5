"""The server over plain HTTP: envelope, tokens, and Telegram's rules on sending and editing."""

import httpx
import pytest

from botapi import BotApiServer

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def keyboard(*data):
    return {"inline_keyboard": [[{"text": f"b{i}", "callback_data": d} for i, d in enumerate(data)]]}


def test_get_me_answers_in_the_envelope(api, server):
    status, body = api("getMe")

    assert status == 200
    assert body["ok"] is True
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True


def test_another_token_is_unauthorized_and_a_malformed_one_not_found(server):
    other = httpx.post(f"{server.api_url}999:other-token/getMe")
    malformed = httpx.post(f"{server.api_url}nonsense/getMe")

    assert (other.status_code, other.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert malformed.status_code == 404


def test_an_unknown_method_is_not_found(api):
    status, body = api("sendSticker", chat_id=1)

    assert (status, body["description"]) == (404, "Not Found")


def test_method_names_ignore_case_and_get_with_a_query_string_works(server):
    response = httpx.get(f"{server.api_url}{server.token}/GETME", params={"x": "1"})

    assert response.json()["ok"] is True


def test_a_form_body_is_read_like_json(server):
    server.user(1001, started=True)

    response = httpx.post(
        f"{server.api_url}{server.token}/sendMessage",
        data={
            "chat_id": "1001",
            "text": "<b>hai</b>",
            "parse_mode": "HTML",
            "reply_markup": '{"force_reply":true}',
        },
    )

    assert response.json()["result"]["text"] == "hai"
    assert server.user(1001).last_message.force_reply


def test_the_bot_may_not_write_first(api, server):
    server.user(1001)

    status, body = api("sendMessage", chat_id=1001, text="halo")

    assert (status, body["description"]) == (403, "Forbidden: bot can't initiate conversation with a user")


def test_a_user_who_blocked_the_bot_gets_nothing(api, server):
    andi = server.user(1001)
    andi.send("/start")
    andi.block()

    status, body = api("sendMessage", chat_id=1001, text="halo")

    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    assert andi.messages == []


def test_an_unknown_chat_is_not_found(api):
    status, body = api("sendMessage", chat_id=424242, text="halo")

    assert (status, body["description"]) == (400, "Bad Request: chat not found")


@pytest.mark.parametrize("text", ["", "   \n", "<b></b>"])
def test_an_empty_text_is_refused(api, server, text):
    server.user(1001, started=True)

    status, body = api("sendMessage", chat_id=1001, text=text, parse_mode="HTML")

    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


def test_4096_visible_characters_pass_even_with_tags_and_4097_do_not(api, server):
    server.user(1001, started=True)

    fits = api(
        "sendMessage",
        chat_id=1001,
        text="<b>" + "a" * 4000 + "</b><i>" + "&amp;" * 96 + "</i>",
        parse_mode="HTML",
    )
    too_long = api("sendMessage", chat_id=1001, text="a" * 4097)
    emoji_too_long = api("sendMessage", chat_id=1001, text="👍" * 2049)

    assert fits[0] == 200
    assert too_long == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"},
    )
    assert emoji_too_long[0] == 400


def test_bad_html_is_refused_with_the_byte_offset(api, server):
    server.user(1001, started=True)

    status, body = api("sendMessage", chat_id=1001, text="Nomor <470/2026>", parse_mode="HTML")

    assert status == 400
    assert (
        body["description"]
        == 'Bad Request: can\'t parse entities: Unsupported start tag "470/2026" at byte offset 6'
    )


@pytest.mark.parametrize(
    ("data", "ok"), [("x" * 64, True), ("é" * 32, True), ("x" * 65, False), ("é" * 33, False), ("", False)]
)
def test_callback_data_is_1_to_64_bytes(api, server, data, ok):
    server.user(1001, started=True)

    status, body = api("sendMessage", chat_id=1001, text="pilih", reply_markup=keyboard(data))

    assert (status == 200) is ok
    if not ok:
        assert body["description"] == "Bad Request: BUTTON_DATA_INVALID"


def test_an_identical_edit_is_not_modified(api, server):
    server.user(1001, started=True)
    _, sent = api(
        "sendMessage", chat_id=1001, text="<b>Surat</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    message_id = sent["result"]["message_id"]

    same = api(
        "editMessageText",
        chat_id=1001,
        message_id=message_id,
        text="<b>Surat</b>",
        parse_mode="HTML",
        reply_markup=keyboard("a"),
    )
    same_markup = api(
        "editMessageReplyMarkup", chat_id=1001, message_id=message_id, reply_markup=keyboard("a")
    )
    unbolded = api(
        "editMessageText", chat_id=1001, message_id=message_id, text="Surat", reply_markup=keyboard("a")
    )

    assert same == (400, {"ok": False, "error_code": 400, "description": NOT_MODIFIED})
    assert same_markup[1]["description"] == NOT_MODIFIED
    assert unbolded[0] == 200


def test_editing_text_without_markup_removes_the_keyboard(api, server):
    andi = server.user(1001, started=True)
    _, sent = api("sendMessage", chat_id=1001, text="Surat", reply_markup=keyboard("a"))

    status, body = api("editMessageText", chat_id=1001, message_id=sent["result"]["message_id"], text="Surat")

    assert status == 200
    assert "reply_markup" not in body["result"]
    assert andi.last_message.buttons == ()
    assert andi.last_message.edited


def test_a_deleted_message_cannot_be_edited(api, server):
    server.user(1001, started=True)
    _, sent = api("sendMessage", chat_id=1001, text="Surat")
    message_id = sent["result"]["message_id"]

    deleted = api("deleteMessage", chat_id=1001, message_id=message_id)
    edit = api("editMessageText", chat_id=1001, message_id=message_id, text="baru")
    again = api("deleteMessage", chat_id=1001, message_id=message_id)

    assert deleted[1]["result"] is True
    assert edit[1]["description"] == "Bad Request: message to edit not found"
    assert again[1]["description"] == "Bad Request: message to delete not found"


def test_a_callback_query_is_answered_once(api, server):
    andi = server.user(1001, started=True)
    _, sent = api("sendMessage", chat_id=1001, text="pilih", reply_markup=keyboard("ok"))
    query_id = andi.press(sent["result"]["message_id"], "b0")

    first = api("answerCallbackQuery", callback_query_id=query_id, text="Sudah dicatat", show_alert=True)
    second = api("answerCallbackQuery", callback_query_id=query_id, text="lagi")

    assert first[1]["result"] is True
    assert second[1]["description"] == (
        "Bad Request: query is too old and response timeout expired or query id is invalid"
    )
    assert [(a.text, a.show_alert) for a in andi.alerts] == [("Sudah dicatat", True)]


def test_a_callback_query_expires_after_its_timeout(clock):
    with BotApiServer(callback_timeout=15.0, clock=clock) as server, httpx.Client() as http:
        andi = server.user(1001, started=True)
        url = f"{server.api_url}{server.token}"
        sent = http.post(
            f"{url}/sendMessage", json={"chat_id": 1001, "text": "x", "reply_markup": keyboard("ok")}
        )
        query_id = andi.press(sent.json()["result"]["message_id"], data="ok")
        clock.advance(15.5)

        late = http.post(f"{url}/answerCallbackQuery", json={"callback_query_id": query_id})

    assert late.status_code == 400


def test_sending_too_fast_gets_429_with_retry_after():
    with (
        BotApiServer(per_chat_rate=1.0, per_chat_burst=2, global_rate=None) as server,
        httpx.Client() as http,
    ):
        server.user(1001, started=True)
        url = f"{server.api_url}{server.token}/sendMessage"

        answers = [http.post(url, json={"chat_id": 1001, "text": f"n{i}"}) for i in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert server.count("sendMessage", status=429) == 1


def test_commands_are_stored_per_language(api, server):
    api("setMyCommands", commands=[{"command": "start", "description": "Mulai"}], language_code="id")
    api("setMyCommands", commands=[{"command": "start", "description": "Start"}])

    _, indonesian = api("getMyCommands", language_code="id")
    bad = api("setMyCommands", commands=[{"command": "Bad Name", "description": "x"}])

    assert indonesian["result"] == [{"command": "start", "description": "Mulai"}]
    assert server.commands() == [{"command": "start", "description": "Start"}]
    assert bad[1]["description"] == "Bad Request: BOT_COMMAND_INVALID"


def test_a_document_upload_round_trips_through_get_file(server):
    server.user(1001, started=True)
    url = f"{server.api_url}{server.token}"

    sent = httpx.post(
        f"{url}/sendDocument",
        data={"chat_id": "1001", "caption": "izin"},
        files={"document": ("izin.pdf", b"%PDF-1.4 surat", "application/pdf")},
    ).json()["result"]
    again = httpx.post(f"{url}/sendDocument", json={"chat_id": 1001, "document": sent["document"]["file_id"]})
    path = httpx.post(f"{url}/getFile", json={"file_id": sent["document"]["file_id"]}).json()["result"][
        "file_path"
    ]
    content = httpx.get(f"{server.file_url}{server.token}/{path}")

    assert sent["document"]["file_name"] == "izin.pdf" and sent["caption"] == "izin"
    assert again.json()["result"]["document"]["file_unique_id"] == sent["document"]["file_unique_id"]
    assert content.content == b"%PDF-1.4 surat"
    assert server.user(1001).download(sent["message_id"]) == b"%PDF-1.4 surat"


def test_a_photo_must_be_an_image(server):
    server.user(1001, started=True)

    response = httpx.post(
        f"{server.api_url}{server.token}/sendPhoto",
        data={"chat_id": "1001"},
        files={"photo": ("x.jpg", b"not an image", "image/jpeg")},
    )

    assert response.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"


def test_the_request_log_never_holds_the_token(api, server):
    server.user(1001, started=True)
    api("sendMessage", chat_id=1001, text="halo")
    api("getMe")

    logged = repr(server.requests)

    assert [r.method for r in server.requests] == ["sendMessage", "getMe"]
    assert server.token not in logged
    assert server.token.split(":")[1] not in logged


def test_a_reply_to_a_missing_message_is_refused_unless_allowed(api, server):
    server.user(1001, started=True)

    refused = api("sendMessage", chat_id=1001, text="x", reply_parameters={"message_id": 99})
    allowed = api(
        "sendMessage",
        chat_id=1001,
        text="x",
        reply_parameters={"message_id": 99, "allow_sending_without_reply": True},
    )

    assert refused[1]["description"] == "Bad Request: message to be replied not found"
    assert allowed[0] == 200


def test_a_silent_message_is_marked_for_the_reader(api, server):
    andi = server.user(1001, started=True)

    api("sendMessage", chat_id=1001, text="pengingat malam", disable_notification=True)
    api("sendMessage", chat_id=1001, text="pesan biasa")

    assert [m.silent for m in andi.messages] == [True, False]
