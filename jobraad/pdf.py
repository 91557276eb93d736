"""Shared ReportLab setup for everything jobraad prints: the embedded font, A4
page and margins, paragraph styles, and the confidentiality footer.
(Saving goes through the one writer, `jobraad.outputs`.)

The font is embedded (DejaVu Sans from `resources/fonts`), never one of the PDF
base fonts: Helvetica cannot print Ş, ğ, Ł, ą or ễ, and a name must print
exactly as it is written.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.sax.saxutils import escape as _xml_escape

from reportlab.graphics.shapes import Rect
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, TableStyle

from jobraad.resources import resource

__all__ = [
    "CONFIDENTIAL",
    "FONT",
    "FONT_BOLD",
    "MARGINS",
    "NOT_GIVEN",
    "PAGE_SIZE",
    "Margins",
    "caseworker_contact",
    "confidential_footer",
    "escape",
    "make_footer",
    "new_document",
    "rect",
    "register_fonts",
    "styles",
    "table_style",
]

FONT = "JobraadSans"
FONT_BOLD = "JobraadSans-Bold"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

PAGE_SIZE = A4
CONFIDENTIAL = "Fortroligt — indeholder følsomme personoplysninger"


@dataclass(frozen=True)
class Margins:
    """Page margins in points. The left one is wider: printed pages are hole-punched."""

    left: float
    right: float
    top: float
    bottom: float


MARGINS = Margins(left=30 * mm, right=20 * mm, top=20 * mm, bottom=20 * mm)


_fonts_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> str:
    """Register the embedded font family once per process; returns its name.

    Safe from several threads at once (the program warms it up in the background
    while a dossier may be started): a font registered twice would replace the one
    a document being written is using.

    The TTF bytes are read through `resource()` into memory, so this also works
    when `resources` sits inside a zip or a frozen bundle.
    """
    global _fonts_registered
    with _fonts_lock:
        if not _fonts_registered:
            for name, filename in _FONT_FILES.items():
                data = resource("fonts", filename).read_bytes()
                pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
            # No oblique face is shipped: italic falls back to the upright faces.
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
            _fonts_registered = True
    return FONT


def rect(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: Color | None,
    stroke: Color | None,
    stroke_width: float | None = None,
) -> Rect:
    """A drawing's rectangle with its fill and stroke (None: none). They are set as
    attributes because types-reportlab types `Rect`'s keyword arguments wrongly."""
    shape = Rect(x, y, width, height)
    shape.fillColor = fill
    shape.strokeColor = stroke
    if stroke_width is not None:
        shape.strokeWidth = stroke_width
    return shape


def escape(text: str) -> str:
    """User text made safe for a ReportLab `Paragraph`: NFC-composed (a decomposed
    'ễ' from another system would print as a letter plus a loose accent) and with
    the mini-markup characters escaped, so '<' or '&' in a name prints as written."""
    return _xml_escape(unicodedata.normalize("NFC", text))


#: What a printed document says where a setting (the caseworker's name, phone, mail) is empty.
NOT_GIVEN = "<i>ikke angivet</i>"


def caseworker_contact(name: str, phone: str, email: str, *, separator: str = " · ") -> str:
    """The caseworker as a printed document names them, as `Paragraph` markup: the name, then
    phone and mail after a line break (joined by `separator`). What is empty is said to be so:
    no name "ikke angivet"; a name without phone and mail "Telefon og mail ikke angivet"."""
    text = escape(name) if name else NOT_GIVEN
    reach = [f"{label} {escape(value)}" for label, value in (("Telefon", phone), ("Mail", email)) if value]
    if reach:
        text += "<br/>" + separator.join(reach)
    elif name:
        text += f"<br/>Telefon og mail {NOT_GIVEN}"
    return text


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles for A4 documents in the embedded font, black on white.

    Keys: title, h1, h2, body, body_bold, small, cell, cell_bold. A new dict each
    call, so a caller may adjust a style without touching anyone else's.
    """
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=10.5,
        leading=14.5,
        alignment=TA_LEFT,
        textColor=black,
        spaceAfter=6,
        # Ragged right: ReportLab does not hyphenate Danish, and justified lines of long
        # compounds ("rehabiliteringsteamet") would open wide gaps.
        allowWidows=0,
    )
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=10),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=FONT_BOLD, fontSize=13, leading=17, spaceBefore=10, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14.5, spaceBefore=8, spaceAfter=4
        ),
        "body": body,
        "body_bold": ParagraphStyle("body_bold", parent=body, fontName=FONT_BOLD),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=body, fontName=FONT_BOLD, fontSize=9, leading=11.5, spaceAfter=0
        ),
    }


def table_style(*commands: tuple[Any, ...]) -> TableStyle:
    """A `TableStyle` that sets the embedded font first. Use it for every `Table`:
    ReportLab's table default is Helvetica, which then appears in the PDF even
    when every cell is a Paragraph, and cannot print all names."""
    register_fonts()
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("LEADING", (0, 0), (-1, -1), 11.5),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *commands,
        ]
    )


def make_footer(text: str = CONFIDENTIAL, *, page_numbers: bool = False) -> Callable[[Canvas, Any], None]:
    """An `onPage` callback for a platypus document that draws `text` (and
    optionally "Side n") small at the foot of every page, inside the margins."""

    def draw(canvas: Canvas, doc: Any) -> None:
        register_fonts()
        width, _height = doc.pagesize
        y = MARGINS.bottom - 9 * mm
        canvas.saveState()
        canvas.setLineWidth(0.5)
        canvas.line(MARGINS.left, y + 10, width - MARGINS.right, y + 10)
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGINS.left, y, unicodedata.normalize("NFC", text))
        if page_numbers:
            canvas.drawRightString(width - MARGINS.right, y, f"Side {doc.page}")
        canvas.restoreState()

    return draw


confidential_footer = make_footer()


def new_document(
    out: BinaryIO | str,
    *,
    title: str,
    author: str = "",
    footer: Callable[[Canvas, Any], None] | None = confidential_footer,
) -> BaseDocTemplate:
    """An A4 platypus document with `MARGINS` and one frame without inner padding,
    so text starts exactly at the margin. `footer` is drawn on every page.

    `title` and `author` go into the PDF's properties, which many programs show:
    never put a citizen's name there.
    """
    register_fonts()
    doc = BaseDocTemplate(
        out,
        pagesize=PAGE_SIZE,
        leftMargin=MARGINS.left,
        rightMargin=MARGINS.right,
        topMargin=MARGINS.top,
        bottomMargin=MARGINS.bottom,
        title=title,
        author=author,
        creator="jobraad",
        producer="jobraad",
        # Otherwise the canvas starts every page in Helvetica and lists it as a page font.
        initialFontName=FONT,
        initialFontSize=10.5,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer or _no_footer)])
    return doc


def _no_footer(_canvas: Canvas, _doc: Any) -> None:
    pass
