"""How much an official may write, each limit defined once: the engine and the services enforce
them whatever path an action comes by (the bot, the CLI, the service API), and the front end asks
the same values before it keeps an answer. Pure.

The permit letter's own fields have theirs beside the letter (``workflow.letters.FIELD_LIMITS``),
and a scan's size and type are ``workflow.files``.
"""

from workflow.errors import NoteTooLong, ReasonMissing

__all__ = ["DESCRIPTION_LIMIT", "LOCATION_LIMIT", "NOTE_LIMIT", "VALUE_LIMIT", "written"]

#: The longest note or reason an official may write, in characters.
NOTE_LIMIT = 1000
#: The longest value a checklist item takes (a register number, a reference).
VALUE_LIMIT = 200
#: The longest description of a data manifest.
DESCRIPTION_LIMIT = 1000
#: The longest storage location a file manifest names.
LOCATION_LIMIT = 500


def written(value: str | None, what: str = "note", *, required: bool = False) -> str:
    """A note or reason, stripped and checked against ``NOTE_LIMIT``.

    Args:
        value: what the official wrote.
        what: what it is ("note", "reason"), for the refusal's message.
        required: an empty one is refused (a return, a rejection, a cancellation).

    Raises:
        ReasonMissing: ``required`` and nothing was written.
        NoteTooLong: over ``NOTE_LIMIT`` characters.
    """
    value = (value or "").strip()
    if required and not value:
        raise ReasonMissing(f"a {what} is required")
    if len(value) > NOTE_LIMIT:
        raise NoteTooLong(
            f"the {what} has {len(value)} characters; at most {NOTE_LIMIT} are allowed",
            length=len(value),
            limit=NOTE_LIMIT,
        )
    return value
