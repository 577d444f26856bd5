"""The questions the bot waits to have answered: which question a message answers, and the
prompts that ask it."""

from dataclasses import replace

import pytest

from tests.conftest import letter
from workflow.service.pending import NothingPending, Pending, PendingInputs, PromptClosed, addressed

NOTE = Pending(1001, "dir", "note", case_id=1, step_id=2, case_version=3, prompt_message_id=40)


def test_a_message_replying_to_nothing_or_to_the_prompt_answers_the_open_question():
    assert addressed(NOTE, None) is NOTE
    assert addressed(NOTE, 40) is NOTE


def test_a_reply_to_any_other_message_answers_nothing_and_names_the_open_question():
    with pytest.raises(PromptClosed) as refused:
        addressed(NOTE, 39)

    assert refused.value.params == {"reply_to": 39, "open": "note"}


def test_with_nothing_open_a_reply_is_to_a_closed_prompt_and_a_plain_message_answers_nothing():
    with pytest.raises(PromptClosed):
        addressed(None, 40)
    with pytest.raises(NothingPending):
        addressed(None, None)


def test_a_question_asked_again_keeps_its_earlier_prompts_and_a_new_question_drops_them(services):
    cases, sessions = services
    pending = PendingInputs(sessions)
    pending.put(replace(NOTE, case_id=cases.open_case(letter(), "tu1").id))

    pending.prompted(1001, "note", 41)
    pending.prompted(1001, "reject", 99)  # not the open question: ignored
    asked_again = pending.get(1001)
    pending.put(replace(asked_again, kind="reject", prompt_message_id=50, earlier_prompts=()))

    assert asked_again.prompts == (40, 41) and asked_again.data == {}
    assert addressed(asked_again, 40) is asked_again
    assert pending.get(1001).prompts == (50,)
