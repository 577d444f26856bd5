"""The statement budget: what each kind of input sends to the database, through the real bot, on
SQLite and on PostgreSQL.

What is counted (``tests/statements.py``): from the input reaching the bot until the bot has
shown the presser the outcome and then sent nothing for half a second, with the outbox delivery
held back (sending the next official's notification is the delivery's work, not the input's:
``tests/bot/walk.py``). *Transactions* are BEGINs; *sent* is every statement plus BEGIN, COMMIT,
ROLLBACK and PostgreSQL's connection pre-ping. So the window holds the desk's one transaction
(``workflow.service.desk``) and whatever the handler records after Telegram answered.

The budget is one transaction and at most 12 sent, except where written below with the reason.
The counts are printed (``pytest -s``) and ``benchmarks/statements.py`` prints them per window.
"""

import pytest

from tests.bot.walk import KINDS, walk

#: kind -> (transactions, sent) at most.
BUDGET = {kind: (1, 12) for kind in KINDS} | {
    # The note is saved in the desk's transaction; its reply carries Teruskan's quick picks, so
    # the message's id (known once Telegram answered) is recorded in a second one, to take those
    # buttons off when the case moves on.
    "note": (2, 9),
    # The receipt is a file: the desk first says whether the open question takes it (a read), the
    # bot fetches it from Telegram and hashes it, and the desk then acts in one transaction.
    "receipt": (2, 15),
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, db_url):
    return db_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_every_kind_of_input_stays_within_its_statement_budget(url):
    results = walk(url)

    print(f"\n{'kind':10} {'tx':>3} {'sent':>5}  budget   statements")
    over = []
    for kind in KINDS:
        counts = results[kind].press
        tx, sent = BUDGET[kind]
        print(
            f"{kind:10} {counts.transactions:3} {counts.sent:5}  {tx} / {sent:2}   {dict(counts.by_table())}"
        )
        if counts.transactions > tx or counts.sent > sent:
            over.append(f"{kind}: {counts.transactions} tx / {counts.sent} sent, budget {tx} / {sent}")
    assert not over, "over the budget: " + "; ".join(over)
    assert results["forward"].press.by_table()["UPDATE cases"] == 1  # the walk measured real actions
