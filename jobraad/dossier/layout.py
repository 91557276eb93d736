"""Setting the dossier with ReportLab: styles, flowables, the page template with its
header and footer ("Side X af Y" over the whole file), the cover, the contents, and
the bookmarks' pages.

The main part is laid out once (`build`), with ReportLab's public API only:

- The header and footer are drawn at the end of each page (`PageTemplate.onPageEnd`),
  as a form XObject that is the same on every page, defined once at the end. The total
  in "Side X af Y" is not known then either, so each page draws a form of its own for
  it, defined when it is (`Canvas.doForm` allows a form "defined later").
- The lines of the contents are known before the layout (the headings and the bilag),
  so the contents take their final space in the one pass, but their page numbers are
  not. The contents (and their heading) are laid out in place and drawn only when the
  layout is done, on pages of their own at the end of the canvas (the dots and the
  numbers by ReportLab's own `drawPageNumbers`, from each line's `onDraw` callback);
  `appendices` puts those pages in the place of the ones they were laid out on
  (`Layout.page_order`).
- After the main part the canvas gets the pages of the bilag (`draw_appendices`, from
  `appendices`), so they are in the main part's fonts and need no second PDF.

Tables draw a cell of plain text as a string rather than a paragraph (`_plain_lines`),
and a paragraph keeps its size for the width it was wrapped to (`_Para`): the same
output at a fraction of the cost.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.tableofcontents import drawPageNumbers

from jobraad.dossier import story
from jobraad.dossier.story import Document
from jobraad.hours_drawing import hours_drawing
from jobraad.pdf import CONFIDENTIAL, FONT, FONT_BOLD, MARGINS, PAGE_SIZE, escape, register_fonts, styles, table_style

__all__ = ["Layout", "define_furniture", "draw_furniture", "fit", "lay_out"]

RULE = Color(0.55, 0.55, 0.55)
_GREY = Color(0.38, 0.38, 0.38)
_HEADER_FILL = Color(0.88, 0.88, 0.88)
_SECTION_FILL = Color(0.94, 0.94, 0.94)

PAGE_W, PAGE_H = PAGE_SIZE
FRAME_W = PAGE_W - MARGINS.left - MARGINS.right
_HEADER_Y = PAGE_H - 12 * mm
_FOOTER_Y = 10 * mm
_FURNITURE_SIZE = 7.5
_CELL_PAD = 4  # left and right in a gridded table


@dataclass(frozen=True)
class Layout:
    pdf: bytes
    page_order: list[int]  # the 0-based pages of `pdf` in the order of the finished file
    main_pages: int  # the pages before the bilag
    outline: list[tuple[int, str, int]]  # level, title, 1-based page in the finished file


def lay_out(
    document: Document,
    bilag: Sequence[tuple[str, int]],
    draw_appendices: Callable[[Canvas, int, int], None],
) -> Layout:
    """Set `document`. `bilag` are the labels and page counts of the bilag, which
    `draw_appendices(canvas, first_page, total)` draws on the canvas after the main part."""
    buffer = io.BytesIO()
    doc = _DossierTemplate(buffer, document, bilag, draw_appendices)
    doc.build(_Flow(document, bilag).flowables(doc.page_of, doc.drawn_last), canvasmaker=doc.make_canvas)
    return Layout(buffer.getvalue(), doc.page_order, doc.main_pages, list(doc.outline))


# --- styles and flowables ----------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    s = styles()
    body = s["body"]
    s["grey"] = ParagraphStyle("grey", parent=body, textColor=_GREY)
    s["h3"] = ParagraphStyle(
        "h3", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12.5, spaceBefore=4, spaceAfter=3
    )
    s["sub"] = ParagraphStyle("sub", parent=s["h3"], keepWithNext=1)
    s["cover_title"] = ParagraphStyle("cover_title", parent=s["title"], fontSize=22, leading=27, spaceAfter=4)
    s["cover_sub"] = ParagraphStyle("cover_sub", parent=body, textColor=_GREY, spaceAfter=24)
    s["cover_name"] = ParagraphStyle("cover_name", parent=s["title"], fontSize=19, leading=24, spaceAfter=2)
    s["cover_cell"] = ParagraphStyle("cover_cell", parent=body, spaceAfter=0)
    s["cover_label"] = ParagraphStyle("cover_label", parent=body, fontName=FONT_BOLD, spaceAfter=0)
    s["ready"] = ParagraphStyle("ready", parent=body, fontName=FONT_BOLD, fontSize=12, leading=16, spaceAfter=2)
    s["bullet"] = ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=2)
    s["cell_small"] = ParagraphStyle("cell_small", parent=s["cell"], fontSize=8, leading=10)
    s["cell_right"] = ParagraphStyle("cell_right", parent=s["cell"], alignment=TA_RIGHT)
    s["cell_bold_right"] = ParagraphStyle("cell_bold_right", parent=s["cell_bold"], alignment=TA_RIGHT)
    s["toc0"] = ParagraphStyle(
        "toc0", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=5, spaceAfter=0
    )
    s["toc1"] = ParagraphStyle("toc1", parent=body, fontSize=10, leading=13, leftIndent=16, spaceAfter=0)
    for style in s.values():
        # The bullet of a list item is drawn in its own font, Helvetica unless told otherwise.
        style.bulletFontName = FONT
    return s


class _Para(Paragraph):
    """A paragraph that keeps its size for the width it was last wrapped to. A table
    measures each cell to size its rows, again after a split, and once more to draw
    it; the lines for one width are always the same, so they are broken once per
    width instead of three to five times. A split may take the lines away (when the
    paragraph must move on whole), so after one it is measured anew."""

    _wrapped: tuple[float, tuple[float, float]] | None = None  # width, size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped is not None and self._wrapped[0] == availWidth:
            return self._wrapped[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._wrapped = None
        return super().split(availWidth, availHeight)


class _Heading(_Para):
    """A heading that becomes a bookmark (outline level) and a link's destination (`key`)."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str, outline: str) -> None:
        super().__init__(escape(text), style)
        self.outline_title = outline or text
        self.level = level
        self.key = key


class _Gap(Flowable):
    """Vertical space between two flowables that never begins a page: it takes what is left of
    the frame when that is less than its height (so it does not spill onto the next page), and
    is dropped at the top of a page (`_DossierTemplate.filterFlowables`)."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.gap = height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (0, max(0.0, min(self.gap, ah)))

    def draw(self) -> None:
        pass


class _EndOfMainPart(Flowable):
    """Zero-size: marks where the main part ends (the bilag begin on the next page)."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        pass


class _DrawnLast(Flowable):
    """`content`, laid out in its place but drawn when the layout is done: its size and
    its splits are `content`'s, and `drawOn` only notes the page and the place. Only for
    what fills the frame's width (the contents and their heading), so that the frame's
    alignment has nothing to move."""

    def __init__(self, content: Flowable, drawings: list[_Drawing]) -> None:
        super().__init__()
        self.content = content
        self.drawings = drawings

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.content.wrapOn(self.canv, aw, ah)

    def split(self, aw: float, ah: float) -> list[Flowable]:
        return [_DrawnLast(part, self.drawings) for part in self.content.splitOn(self.canv, aw, ah)]

    def getSpaceBefore(self) -> float:
        return self.content.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.content.getSpaceAfter()

    def getKeepWithNext(self) -> bool:
        return bool(self.content.getKeepWithNext())  # type: ignore[no-untyped-call]  # untyped in types-reportlab

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        if abs(_sW) > 0.01:
            raise ValueError("only what fills the frame's width is drawn last")
        self.drawings.append(_Drawing(canvas.getPageNumber(), x, y, self.content))


@dataclass(frozen=True)
class _Drawing:
    page: int
    x: float
    y: float
    flowable: Flowable


@dataclass(frozen=True)
class _ContentsEntry:
    level: int
    text: str  # as it is shown (NFC)
    link: str | None  # the heading's destination, for a link from the line
    page_key: str  # where its page is found in `_DossierTemplate.page_of`


class _Contents(Flowable):
    """The table of contents, as ReportLab's `TableOfContents` draws it (the entry's text,
    dots and the page number at the right), stacked line by line. Its entries are known
    before the layout, so it takes its final space in the one pass; it is drawn
    (`_DrawnLast`) when every page is known. An entry that fits on its line is drawn as a
    string (`_ContentsLine`), a longer one as a paragraph; both link to the heading's page."""

    _CALLBACK = "dossier_contents_number"

    def __init__(
        self,
        entries: list[_ContentsEntry],
        level_styles: Sequence[ParagraphStyle],
        page_of: dict[str, int],
        rows: list[Flowable] | None = None,
    ) -> None:
        super().__init__()
        self.entries = entries
        self.level_styles = level_styles
        self.page_of = page_of
        self.rows = rows if rows is not None else self._rows()
        self._heights: list[float] = []
        self._width = 0.0

    def _rows(self) -> list[Flowable]:
        rows: list[Flowable] = []
        for n, entry in enumerate(self.entries):
            style = self.level_styles[entry.level]
            if style.spaceBefore:
                rows.append(Spacer(1, style.spaceBefore))
            if entry.text == " ".join(entry.text.split()) and entry.text.isprintable():
                rows.append(_ContentsLine(self, n))  # a paragraph if it turns out too long (`wrap`)
            else:
                rows.append(self.paragraph(n))
        return rows

    def paragraph(self, n: int) -> _Para:
        """Entry `n` as a paragraph: its text, a link, and the callback that draws its page."""
        entry = self.entries[n]
        text = escape(entry.text)
        if entry.link:
            text = f'<a href="#{entry.link}">{text}</a>'
        return _Para(f'{text}<onDraw name="{self._CALLBACK}" label="{n}"/>', self.level_styles[entry.level])

    def _measure(self, aw: float, ah: float) -> list[float]:
        self.canv.setNamedCB(self._CALLBACK, self._number)
        self._width = aw
        self._heights = [row.wrapOn(self.canv, aw, ah)[1] for row in self.rows]
        return self._heights

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return aw, sum(self._measure(aw, ah))

    def split(self, aw: float, ah: float) -> list[Flowable]:
        """Between two lines, as a table splits between its rows."""
        used, fits = 0.0, 0
        for height in self._measure(aw, ah):
            if used + height > ah:
                break
            used += height
            fits += 1
        if fits == 0:
            return []
        parts = (self.rows[:fits], self.rows[fits:])
        return [_Contents(self.entries, self.level_styles, self.page_of, list(rows)) for rows in parts if rows]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        # As wide as the frame, so there is no slack (`_sW`) to align it in.
        top = y + sum(self._heights)
        for row, height in zip(self.rows, self._heights, strict=True):
            top -= height
            row.drawOn(canvas, x, top)

    def _number(self, canvas: Canvas, _kind: str | None, label: str) -> None:
        """Called where a paragraph entry's text ends: the dots and the page number, as
        ReportLab's own contents draw them."""
        entry = self.entries[int(label)]
        style = self.level_styles[entry.level]
        drawPageNumbers(canvas, style, [(self.page_of[entry.page_key], entry.link)], self._width, 0, _DOTS)


_DOTS = " . "


class _ContentsLine(Flowable):
    """An entry of the contents on one line, drawn as a paragraph in its style would draw it
    (the first baseline one font size below the top, `rl_config.paraFontSizeHeightOffset`),
    with the dots and the page number placed as ReportLab's `drawPageNumbers` places them,
    and one link over the line: the same page at a fraction of a paragraph's cost (no markup
    to parse, no lines to break). An entry too long for its line is set as a paragraph."""

    _ROOM_FOR_NUMBER = "999"

    def __init__(self, contents: _Contents, n: int) -> None:
        super().__init__()
        self.contents = contents
        self.n = n
        self.entry = contents.entries[n]
        self.style = contents.level_styles[self.entry.level]
        self._paragraph: _Para | None = None

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        style = self.style
        room = aw - style.leftIndent - style.rightIndent
        need = sum(
            stringWidth(t, style.fontName, style.fontSize) for t in (self.entry.text, _DOTS, self._ROOM_FOR_NUMBER)
        )
        if self._paragraph is None and need > room:
            self._paragraph = self.contents.paragraph(self.n)
        if self._paragraph is not None:
            self.width, self.height = self._paragraph.wrapOn(self.canv, aw, ah)
        else:
            self.width, self.height = aw, style.leading
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        if self._paragraph is not None:
            self._paragraph.drawOn(canvas, x, y)
            return
        style, entry = self.style, self.entry
        baseline = y + self.height - style.fontSize
        start = x + style.leftIndent
        end = x + self.width
        number = str(self.contents.page_of[entry.page_key])
        text_w = stringWidth(entry.text, style.fontName, style.fontSize)
        number_w = stringWidth(number, style.fontName, style.fontSize)
        dots = int(
            (self.width - style.leftIndent - text_w - number_w) / stringWidth(_DOTS, style.fontName, style.fontSize)
        )
        canvas.saveState()
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.drawString(start, baseline, entry.text)
        canvas.drawRightString(end, baseline, dots * _DOTS + number)
        if entry.link:
            canvas.linkRect("", entry.link, (start, baseline, end, baseline + style.leading), relative=1)
        canvas.restoreState()


# --- the page furniture ------------------------------------------------------------------------


def draw_furniture(canvas: Canvas, page: int, total: int | None) -> None:
    """Header and footer of a dossier page: the form that `define_furniture` defines when the
    layout is done (the same on every page), and "Side X af Y". `total` None: the total is
    not known yet, and "Side X af Y" is the form `_page_number_form(page)`."""
    canvas.doForm(_FURNITURE_FORM)
    if total is None:
        canvas.doForm(_page_number_form(page))
    else:
        canvas.saveState()
        _draw_page_number(canvas, page, total)
        canvas.restoreState()


def define_furniture(canvas: Canvas, left_text: str, right_text: str) -> None:
    """The header and the footer but the page number (A4, the dossier's margins), as the form
    every page draws: once in the file instead of on every page."""
    register_fonts()
    left, right = MARGINS.left, PAGE_W - MARGINS.right
    canvas.beginForm(_FURNITURE_FORM)
    canvas.setFillColor(black)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.setFont(FONT, _FURNITURE_SIZE)
    right_w = stringWidth(right_text, FONT, _FURNITURE_SIZE)
    canvas.drawString(left, _HEADER_Y, fit(left_text, right - left - right_w - 12, FONT, _FURNITURE_SIZE))
    canvas.drawRightString(right, _HEADER_Y, right_text)
    canvas.line(left, _HEADER_Y - 4, right, _HEADER_Y - 4)
    canvas.line(left, _FOOTER_Y + 10, right, _FOOTER_Y + 10)
    canvas.setFont(FONT_BOLD, _FURNITURE_SIZE)
    canvas.drawString(left, _FOOTER_Y, CONFIDENTIAL)
    canvas.endForm()


def _draw_page_number(canvas: Canvas, page: int, total: int) -> None:
    canvas.setFont(FONT_BOLD, _FURNITURE_SIZE)
    canvas.setFillColor(black)
    canvas.drawRightString(PAGE_W - MARGINS.right, _FOOTER_Y, f"Side {page} af {total}")


_FURNITURE_FORM = "dossier_furniture"


def _page_number_form(page: int) -> str:
    return f"dossier_side_{page}"


def fit(text: str, width: float, font: str, size: float) -> str:
    """`text`, shortened with an ellipsis to fit `width`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- the document ------------------------------------------------------------------------------


class _DossierCanvas(Canvas):
    """A canvas that, before it writes the file, has `finish(canvas)` add what depends on
    the finished layout (`_DossierTemplate.finish`)."""

    def __init__(self, *args: Any, finish: Callable[[Canvas], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._finish = finish

    def save(self) -> None:
        self._finish(self)
        super().save()


class _DossierTemplate(BaseDocTemplate):
    """An A4 document with the dossier's header and footer on every page, laid out in
    one pass (`build`)."""

    def __init__(
        self,
        out: io.BytesIO,
        document: Document,
        bilag: Sequence[tuple[str, int]],
        draw_appendices: Callable[[Canvas, int, int], None],
    ) -> None:
        super().__init__(
            out,
            pagesize=PAGE_SIZE,
            leftMargin=MARGINS.left,
            rightMargin=MARGINS.right,
            topMargin=MARGINS.top,
            bottomMargin=MARGINS.bottom,
            # Never the citizen's name here: many programs show the PDF's title in lists.
            title=document.title,
            author=document.author,
            subject=document.subject,
            creator="jobraad",
            producer="jobraad",
            initialFontName=FONT,
            initialFontSize=10.5,
        )
        self.document = document
        self.bilag = bilag
        self.draw_appendices = draw_appendices
        self.outline: list[tuple[int, str, int]] = []
        # The 1-based page of each heading (by its key) and of each bilag ("bilag<n>").
        self.page_of: dict[str, int] = {}
        self.drawn_last: list[_Drawing] = []
        self.page_order: list[int] = []
        self.main_pages = 0
        self.page_has_content = False  # whether anything has been set on the current page
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=self._page_end)])

    def make_canvas(self, *args: Any, **kwargs: Any) -> Canvas:
        """The `canvasmaker` for `build`."""
        return _DossierCanvas(*args, finish=self.finish, **kwargs)

    def _page_end(self, canvas: Canvas, _doc: object) -> None:
        draw_furniture(canvas, self.page, None)

    def beforePage(self) -> None:
        self.page_has_content = False

    def filterFlowables(self, flowables: list[Flowable]) -> None:
        """No blank page and no page that begins with space: a gap or a page break at the
        top of a page is dropped (ReportLab discards a first flowable set to None)."""
        if not self.page_has_content and isinstance(flowables[0], (_Gap, PageBreak)):
            flowables[0] = None  # type: ignore[call-overload]  # the documented way to drop it; the stubs say Flowable

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, (_Gap, Spacer, PageBreak, _EndOfMainPart)):
            self.page_has_content = True
        if isinstance(flowable, _DrawnLast):
            flowable = flowable.content
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.key)
            self.outline.append((flowable.level, flowable.outline_title, self.page))
            self.page_of[flowable.key] = self.page
        elif isinstance(flowable, _EndOfMainPart):
            # The last flowable of the main part: the bilag begin on the next page.
            first = self.page + 1
            for n, (label, pages) in enumerate(self.bilag, start=1):
                self.page_of[f"bilag{n}"] = first
                self.outline.append((1, label, first))
                first += pages

    def finish(self, canvas: Canvas) -> None:
        """When the main part is laid out: the bilag's pages, then the pages drawn last
        (the contents), then the forms of the header and footer and of the page numbers."""
        main = self.page
        total = main + sum(pages for _, pages in self.bilag)
        self.draw_appendices(canvas, main + 1, total)
        pages = sorted({d.page for d in self.drawn_last})
        for page in pages:
            canvas.setPageSize(PAGE_SIZE)
            for d in self.drawn_last:
                if d.page == page:
                    d.flowable.drawOn(canvas, d.x, d.y)
            draw_furniture(canvas, page, total)
            canvas.showPage()
        define_furniture(canvas, *self.document.header)
        for page in range(1, main + 1):
            canvas.beginForm(_page_number_form(page))
            _draw_page_number(canvas, page, total)
            canvas.endForm()
        redrawn = {page: total + n for n, page in enumerate(pages)}  # 0-based, after the bilag
        self.page_order = [redrawn.get(page, page - 1) for page in range(1, main + 1)] + list(range(main, total))
        self.main_pages = main


# --- from the story to flowables ---------------------------------------------------------------


class _Flow:
    def __init__(self, document: Document, bilag: Sequence[tuple[str, int]]) -> None:
        self.document = document
        self.s = _styles()
        self.keys = {id(e): f"afsnit{n}" for n, e in enumerate(document.elements) if isinstance(e, story.Heading)}
        # The lines of the contents, known before the layout; their pages are found in `page_of`.
        self.contents = [
            _ContentsEntry(e.level, unicodedata.normalize("NFC", e.text), self.keys[id(e)], self.keys[id(e)])
            for e in document.elements
            if isinstance(e, story.Heading) and e.in_contents
        ] + [
            _ContentsEntry(1, unicodedata.normalize("NFC", label), None, f"bilag{n}")
            for n, (label, _) in enumerate(bilag, start=1)
        ]

    def flowables(self, page_of: dict[str, int], drawn_last: list[_Drawing]) -> list[Flowable]:
        out: list[Flowable] = []
        elements = self.document.elements
        for n, e in enumerate(elements):
            match e:
                case story.Heading():
                    # The contents' heading is drawn last with them.
                    contents_next = n + 1 < len(elements) and isinstance(elements[n + 1], story.Contents)
                    out += self.heading(e, drawn_last if contents_next else None)
                case story.Contents():
                    out.append(_DrawnLast(self.contents_table(page_of), drawn_last))
                case story.Para():
                    out.append(_Para(e.markup, self.s[e.style], bulletText="•" if e.bullet else None))
                case story.Space():
                    out.append(_Gap(e.height))
                case story.PageBreak():
                    out.append(PageBreak())
                case story.Grid():
                    out += self.grid(e)
                case story.Facts():
                    out += self.facts(e)
                case story.Box():
                    out.append(self.box(e))
                case story.Figures():
                    out.append(self.figures(e))
                case story.Chart():
                    out.append(hours_drawing(e.series, width=FRAME_W, height=190))
                case story.EndOfMainPart():
                    out.append(_EndOfMainPart())
        # Space before a page break or the end has nothing to part: left out, so it cannot spill.
        return [
            f
            for f, after in zip(out, [*out[1:], None], strict=True)
            if not (isinstance(f, _Gap) and isinstance(after, (_Gap, PageBreak, _EndOfMainPart)))
        ]

    def heading(self, e: story.Heading, drawn_last: list[_Drawing] | None) -> list[Flowable]:
        out: list[Flowable] = []
        key = self.keys[id(e)]
        if e.style:
            style = self.s[e.style]
        else:
            out.append(PageBreak() if e.new_page else CondPageBreak(60 * mm if e.level == 0 else 35 * mm))
            style = ParagraphStyle(key, parent=self.s["h1"] if e.level == 0 else self.s["h2"], keepWithNext=1)
        heading: Flowable = _Heading(e.text, style, e.level, key, e.outline)
        out.append(heading if drawn_last is None else _DrawnLast(heading, drawn_last))
        return out

    def contents_table(self, page_of: dict[str, int]) -> _Contents:
        return _Contents(self.contents, [self.s["toc0"], self.s["toc1"]], page_of)

    def grid(self, g: story.Grid) -> list[Flowable]:
        """A cell of plain lines that a paragraph would set as they are is given to the table
        as a string (`_plain_lines`), and an empty cell too when another cell of its row
        already has a line of text (so the row is as high as with an empty paragraph)."""
        right, small = set(g.right), set(g.small)

        def cell_style(col: int, bold: bool = False) -> ParagraphStyle:
            if col in right:
                return self.s["cell_bold_right"] if bold else self.s["cell_right"]
            if col in small and not bold:
                return self.s["cell_small"]
            return self.s["cell_bold"] if bold else self.s["cell"]

        cells: list[list[Any]] = [[_Para(escape(h), cell_style(i, True)) for i, h in enumerate(g.header)]]
        extra: list[tuple[Any, ...]] = []
        section_rows = set(g.section_rows)
        for row_no, row in enumerate(g.rows):
            line: list[Any] = list(row)
            empty: list[int] = []
            has_line = False  # a string in the full cell size
            for i, c in enumerate(row):
                if row_no in section_rows and i == 0:
                    line[0] = _Para(c, self.s["cell_bold"])
                elif not c:
                    empty.append(i)
                elif (text := _plain_lines(c, g.widths[i] - 2 * _CELL_PAD, cell_style(i).fontSize)) is not None:
                    line[i] = text
                    has_line = has_line or i not in small
                else:
                    line[i] = _Para(c, cell_style(i))
            if not has_line:
                for i in empty:
                    line[i] = _Para(row[i], cell_style(i))
            cells.append(line)
            if row_no in section_rows:
                at = row_no + 1  # +1: the header row
                extra += [("SPAN", (0, at), (-1, at)), ("BACKGROUND", (0, at), (-1, at), _SECTION_FILL)]
        small_text = self.s["cell_small"]
        style = table_style(
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
            ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            # A string is placed by the cell's alignment; a paragraph by its style (above).
            *(("ALIGN", (col, 1), (col, -1), "RIGHT") for col in g.right),
            *(("FONTSIZE", (col, 1), (col, -1), small_text.fontSize) for col in g.small),
            *(("LEADING", (col, 1), (col, -1), small_text.leading) for col in g.small),
            *extra,
        )
        # splitInRow: a cell with more text than a page (a long result or remark) flows on.
        table = Table(cells, colWidths=list(g.widths), repeatRows=1, splitInRow=1, style=style, hAlign="LEFT")
        return [table, _Gap(6)]

    def facts(self, f: story.Facts) -> list[Flowable]:
        label_width = 66 * mm if f.cover else 45 * mm
        label_style = self.s["cover_label"] if f.cover else self.s["cell_bold"]
        value_style = self.s["cover_cell"] if f.cover else self.s["cell"]
        cells = [[_Para(escape(label), label_style), _Para(value, value_style)] for label, value in f.rows]
        table = Table(
            cells,
            colWidths=[label_width, FRAME_W - label_width],
            splitInRow=1,
            style=table_style(
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ),
            hAlign="LEFT",
        )
        return [table, _Gap(6)]

    def box(self, b: story.Box) -> Flowable:
        inner: list[Flowable] = [
            Spacer(1, p.height)
            if isinstance(p, story.Space)
            else _Para(p.markup, self.s[p.style], bulletText="•" if p.bullet else None)
            for p in b.parts
        ]
        return Table(
            [[inner]],
            colWidths=[FRAME_W],
            splitInRow=1,  # a long list of what is missing flows on to the next page
            style=table_style(
                ("BOX", (0, 0), (-1, -1), 1.2, black),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ),
        )

    def figures(self, f: story.Figures) -> Flowable:
        pairs = f.pairs
        half = (len(pairs) + 1) // 2
        cells = []
        for i in range(half):
            row: list[Any] = []
            for label, value in (pairs[i], pairs[i + half] if i + half < len(pairs) else ("", "")):
                row += [_Para(escape(label), self.s["cell_bold"]), _Para(escape(value), self.s["cell"])]
            cells.append(row)
        return Table(
            cells,
            colWidths=[95, 110, 125, FRAME_W - 330],
            style=table_style(
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ),
            hAlign="LEFT",
        )


def _plain_lines(markup: str, room: float, size: float) -> str | None:
    """The lines of a cell's markup as one string, if they are plain text (lines parted
    by <br/>) that a paragraph in a cell style would set as they are, each line on one
    line; else None. A table draws such a string in the same font, size and leading as
    the paragraph (`table_style`, and FONTSIZE/LEADING for a small column) and on the
    same baselines (ReportLab sets a paragraph's first baseline one font size below its
    top, `rl_config.paraFontSizeHeightOffset`, as it does a string in a cell), at a
    fraction of the cost: no markup parsing, no line breaking, no graphics state."""
    lines = markup.split("<br/>")
    for line in lines:
        if not (
            line
            and "<" not in line
            and "&" not in line
            and line.isprintable()
            and line == " ".join(line.split())
            and stringWidth(line, FONT, size) < room - 0.01
        ):
            return None
    return "\n".join(lines)
