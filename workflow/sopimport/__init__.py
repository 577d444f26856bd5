"""From the text of an SOP document ("SOP AP" layout) to a draft SOP definition.

Pure: it takes the file's bytes and returns a ``Draft``; writing it is the command line's work.
``text`` decodes the document and drops its extraction noise, ``header`` reads the fields above
the procedure table, ``table`` reads the actor columns and the steps, and ``draft`` turns them into
an SOP definition with an open point (``workflow.openpoints``) wherever the text does not say.
"""

from workflow.sopimport.draft import Draft, DraftRole, DraftStep, build
from workflow.sopimport.header import read_header
from workflow.sopimport.table import read_table
from workflow.sopimport.text import SopTextError, decode, lines_of, vocabulary

__all__ = ["Draft", "DraftRole", "DraftStep", "SopTextError", "read_draft"]


def read_draft(data: bytes, source: str) -> Draft:
    """Read a draft SOP from the extracted text of an SOP document.

    Args:
        data: the file's content.
        source: the file's name, for error messages.

    Raises:
        SopTextError: the text cannot be read (empty, binary, not UTF-8, no procedure table, no
            steps, a step number out of turn); the message names the source and the line.
    """
    text = decode(data, source)
    lines = lines_of(text)
    words = vocabulary(lines)
    table = read_table(lines, words, source, last_line=len(text.splitlines()))
    header = read_header([line for line in lines if line.no < table.line], words)
    return build(header, table)
