"""The PDF page of the printable documents (``bot/documents.py``): A4, DejaVu Sans, a footer.

Apart from ``documents.py`` because fpdf2 brings numpy, Pillow and fontTools with it (about 60 MiB
resident): the bot loads this module only when it makes its first PDF, not at start.
"""

import importlib.util
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace, TextStyle

__all__ = ["layout"]

_FAMILY = "dejavu"
_FACES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
#: Shows a visible placeholder for a script DejaVu lacks (CJK…); the text layer keeps the character.
_FALLBACK = ("lastresort", "LastResortHE-Regular.ttf")
#: Room (mm) a section title needs below it, or it starts on the next page.
_KEEP_WITH_HEADING = 30
_BLACK = "#000000"
_STYLES = {
    "h1": TextStyle(color=_BLACK, font_size_pt=13, font_style="B", t_margin=2, b_margin=1, l_margin="Center"),
    "h2": TextStyle(color=_BLACK, font_size_pt=10.5, font_style="B", t_margin=5, b_margin=1),
    "p": TextStyle(t_margin=1, b_margin=2),
    "b": FontFace(emphasis="BOLD"),
}


def layout(html: str, case_number: str, author: str) -> bytes:
    """Lay ``html`` out on A4 pages in DejaVu Sans, no section title alone at a page's foot."""
    pdf = _Sheet(case_number)
    pdf.cover(html)
    pdf.set_author(author)
    pdf.add_page()
    for n, part in enumerate(html.split("<h2>")):
        if n and pdf.will_page_break(_KEEP_WITH_HEADING):
            pdf.add_page()
        pdf.write_html(("<h2>" if n else "") + part, tag_styles=_STYLES, table_line_separators=True)
    return bytes(pdf.output())


class _Sheet(FPDF):
    """A4 with the DejaVu Sans family and a footer naming the case and the page."""

    def __init__(self, case_number: str) -> None:
        super().__init__(format="A4")
        self._case_number = case_number
        self.set_margins(left=20, top=15, right=20)
        self.set_auto_page_break(True, margin=18)
        fonts = _font_dir()
        for style, file in _FACES.items():
            self.add_font(_FAMILY, style, fonts / file)
        self.set_font(_FAMILY, size=9.5)

    def cover(self, text: str) -> None:
        """Add the placeholder font if ``text`` has a character DejaVu lacks (it takes seconds to load)."""
        faces = [self.fonts[_FAMILY + style] for style in _FACES]
        if any(ord(c) not in face.cmap for c in set(text) if c.isprintable() for face in faces):
            self.add_font(_FALLBACK[0], "", _font_dir() / _FALLBACK[1])
            self.set_fallback_fonts([_FALLBACK[0]], exact_match=False)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, size=7.5)
        self.cell(0, 5, f"{self._case_number} · {self.page_no()}/{{nb}}", align="C")


@cache
def _font_dir() -> Path:
    """DejaVu Sans as matplotlib ships it (a PyPI wheel; no system fonts needed)."""
    spec = importlib.util.find_spec("matplotlib")  # found, not imported: only its files are read
    for root in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(root) / "mpl-data" / "fonts" / "ttf"
        if all((folder / file).is_file() for file in (*_FACES.values(), _FALLBACK[1])):
            return folder
    raise RuntimeError("the printable documents need DejaVu Sans from matplotlib: pip install matplotlib")
