"""The driver: what a user can do in a Telegram app, and what they see."""

import pytest


def keyboard(*labels):
    return {"inline_keyboard": [[{"text": label, "callback_data": label.lower()} for label in labels]]}


def bot_says(api, text, **params):
    return api("sendMessage", chat_id=1001, text=text, **params)[1]["result"]["message_id"]


def test_pressing_a_button_queues_a_callback_query_with_the_message(api, server):
    andi = server.user(1001, started=True)
    message_id = bot_says(api, "pilih", reply_markup=keyboard("Setuju", "Tolak"))

    andi.press(andi.last_message, "Tolak")
    _, body = api("getUpdates")

    query = body["result"][0]["callback_query"]
    assert query["data"] == "tolak"
    assert query["message"]["message_id"] == message_id
    assert query["from"]["id"] == 1001
    assert query["chat_instance"]


def test_a_button_that_is_not_on_the_message_now_cannot_be_pressed(api, server):
    andi = server.user(1001, started=True)
    message_id = bot_says(api, "pilih", reply_markup=keyboard("Setuju"))
    stale = andi.last_message
    api("editMessageReplyMarkup", chat_id=1001, message_id=message_id)

    with pytest.raises(LookupError):
        andi.press(stale, "Setuju")
    with pytest.raises(LookupError):
        andi.press(message_id, "Tidak ada")


def test_a_url_button_sends_nothing(api, server):
    andi = server.user(1001, started=True)
    bot_says(
        api, "buka", reply_markup={"inline_keyboard": [[{"text": "Situs", "url": "https://example.org"}]]}
    )

    with pytest.raises(LookupError):
        andi.press(andi.last_message, "Situs")


def test_a_reply_quotes_the_message_it_answers(api, server):
    andi = server.user(1001, started=True)
    prompt = bot_says(api, "Alasan penolakan?", reply_markup={"force_reply": True})

    andi.reply(prompt, "Data tidak lengkap")
    _, body = api("getUpdates")

    message = body["result"][0]["message"]
    assert message["reply_to_message"]["message_id"] == prompt
    assert message["reply_to_message"]["text"] == "Alasan penolakan?"
    assert andi.last_message.force_reply


def test_messages_show_the_current_state_of_the_chat(api, server):
    andi = server.user(1001, started=True)
    first = bot_says(api, "<b>satu</b>", parse_mode="HTML")
    second = bot_says(api, "dua")
    api("editMessageText", chat_id=1001, message_id=first, text="satu (diubah)")
    api("deleteMessage", chat_id=1001, message_id=second)

    shown = andi.messages

    assert [(m.text, m.edited) for m in shown] == [("satu (diubah)", True)]
    assert shown[0].html == "satu (diubah)"


def test_waiting_finds_only_messages_after_the_users_last_action(api, server):
    andi = server.user(1001, started=True)
    bot_says(api, "Selamat datang")
    andi.send("/start")

    with pytest.raises(TimeoutError, match="Selamat datang"):
        andi.wait_for_message("Selamat", timeout=0.1)
    bot_says(api, "Selamat datang lagi")

    assert andi.wait_for_message("Selamat", timeout=1).text == "Selamat datang lagi"


def test_a_user_who_blocked_the_bot_cannot_write_until_unblocking(server):
    andi = server.user(1001)
    andi.send("/start")
    andi.block()

    with pytest.raises(RuntimeError):
        andi.send("halo")
    andi.unblock()

    assert andi.send("halo").text == "halo"


def test_users_send_photos_and_documents_the_bot_can_fetch(api, server):
    andi = server.user(1001)

    photo = andi.send_photo(caption="KTP")
    document = andi.send_document(b"isi surat", "surat.pdf", caption="Surat izin")
    _, file = api("getFile", file_id=document.document["file_id"])

    assert photo.photo[0]["width"] == 1 and photo.caption == "KTP"
    assert document.document["mime_type"] == "application/pdf"
    assert file["result"]["file_path"].endswith(".pdf")
