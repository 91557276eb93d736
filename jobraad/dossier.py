"""The dossier for the rehabiliteringsteam: one PDF that carries the whole case.

Cover, table of contents, the forberedende del in its sections (the caseworker's
text plus what jobraad knows), the sundhedskoordinator's notes and skånehensyn,
the progression in each placement (the same chart and figures as the screen),
the documentation checklist with what is missing stated, the caseworker's
assessment and proposed recommendation, and the received documents appended as
bilag.

How it is made, all in memory (no temporary file), each step once:

1. The attachments of received checklist items are read and counted first (pypdf
   for PDFs, ReportLab's `ImageReader` for PNG/JPEG), so the number of appendix
   pages is known before the main part is laid out. Each file is parsed once.
2. The main part is laid out in one platypus pass (`build`). The lines of the
   table of contents are known before (the section headings and the bilag), so
   it takes its final space at once; the pages are kept by `_KeepingCanvas`
   until the layout is done, and only then get their header and footer ("Side X
   af Y" over the whole file) and the contents their page numbers.
3. On the same canvas follow the appendix pages: an image or an unreadable file
   becomes a page of its own; a PDF page gets a page of its size with a thin
   stamp (bilag, name, "Side X af Y"), in the main part's fonts.
4. pypdf puts the original pages in the place of their stamps, with the stamp
   on top as a form XObject (the original page keeps its size, content, fonts
   and form fields), and writes the bookmarks (the outline) for every section
   and every bilag.

Tables draw a cell of plain text as a string rather than a paragraph
(`_plain_lines`), and a paragraph keeps its lines for the width it was wrapped to
(`_Para`): the same output at a fraction of the cost.

Making a dossier is recorded in the audit log (`Action.PRINT`, "dossier"), in the
same transaction that writes the file: if writing fails, nothing is logged.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.constants import PageAttributes
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, StreamObject
from reportlab.lib.colors import Color, black, white
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
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
    TableStyle,
)
from reportlab.platypus.tableofcontents import drawPageNumbers
from sqlalchemy import select

from db.enums import ActivityKind, ContactKind, DocumentState, MeetingKind
from db.models import Attachment, Citizen
from db.session import Database
from jobraad import audit, cpr
from jobraad import formatting as fmt
from jobraad.case_texts import SECTION_TITLES, SECTIONS, list_case_texts
from jobraad.citizen_file import CitizenFile, read_citizen_file
from jobraad.documentation import AttachmentRef, Checklist, ChecklistEntry, Readiness, read_checklist
from jobraad.errors import UserFacingError
from jobraad.health import ContactView, HealthNoteView, current_skaanehensyn, list_contacts, list_health_notes
from jobraad.hours_drawing import hours_drawing
from jobraad.outputs import check_output, rules_for, write_output
from jobraad.pdf import (
    CONFIDENTIAL,
    FONT,
    FONT_BOLD,
    MARGINS,
    PAGE_SIZE,
    escape,
    register_fonts,
    styles,
    table_style,
)
from jobraad.placements import PlacementProgress, citizen_progress
from jobraad.records import ActivityView, MeetingView, list_activities, list_meetings
from jobraad.rulepacks import SECTION_LABELS
from jobraad.settings import get_settings
from jobraad.vocab import (
    ABSENCE_LABELS,
    ACTIVITY_LABELS,
    AIM_LABELS,
    BENEFIT_LABELS,
    CONTACT_LABELS,
    DOCUMENT_STATE_LABELS,
    GROUP_LABELS,
    HEALTH_NOTE_LABELS,
    PLACEMENT_LABELS,
    SOURCE_LABELS,
)

__all__ = ["DossierInfo", "DossierOptions", "build_dossier", "find_citizen_by_cpr"]

log = logging.getLogger(__name__)

TITLE = "Sag til rehabiliteringsteamet"
NOT_DESCRIBED = "Ikke beskrevet."
NO_PLACEMENTS = "Ingen virksomhedsplaceringer registreret."

# The forberedende del (BEK 2408/2021) in its order; the last two sections of
# `case_texts.SECTIONS` are the caseworker's assessment and recommendation.
PREPARATORY_SECTIONS: tuple[str, ...] = tuple(key for key, _, _ in SECTIONS if key not in ("vurdering", "indstilling"))

# Courses that belong to "uddannelse og erhvervserfaring" as well as to the efforts tried.
_COURSE_KINDS = frozenset({ActivityKind.JOBDANSK, ActivityKind.FVU, ActivityKind.AMU, ActivityKind.WORKSHOP_CV})

_GREY = Color(0.38, 0.38, 0.38)
_RULE = Color(0.55, 0.55, 0.55)
_HEADER_FILL = Color(0.88, 0.88, 0.88)
_SECTION_FILL = Color(0.94, 0.94, 0.94)

_PAGE_W, _PAGE_H = PAGE_SIZE
_FRAME_W = _PAGE_W - MARGINS.left - MARGINS.right
_HEADER_Y = _PAGE_H - 12 * mm
_FOOTER_Y = 10 * mm
_DATE_W = 64  # a dd-mm-åååå cell in 9 pt with its padding
_FURNITURE_SIZE = 7.5
_STAMP_SIZE = 7.0


# --- public API --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierOptions:
    """`meeting_date` None: the citizen's next rehabiliteringsteam meeting, if any."""

    meeting_date: dt.date | None = None
    include_appendices: bool = True


@dataclass(frozen=True)
class DossierInfo:
    pages: int
    appendices: int
    sections: list[str]


def find_citizen_by_cpr(database: Database, cpr_text: str) -> int:
    """The id of the citizen with this CPR number (with or without the dash).
    Raises `UserFacingError` with a Danish message if it is invalid or unknown."""
    try:
        digits = cpr.normalise(cpr_text)
    except cpr.InvalidCpr as err:
        raise UserFacingError(str(err)) from None
    with database.reading() as session:
        citizen_id = session.scalars(select(Citizen.id).where(Citizen.cpr == digits)).first()
    if citizen_id is None:
        raise UserFacingError(f"Der er ingen borger med CPR-nummer {fmt.cpr(digits)} i sagsstammen.")
    return citizen_id


def build_dossier(
    database: Database,
    citizen_id: int,
    out: BinaryIO | Path,
    *,
    today: dt.date | None = None,
    options: DossierOptions = DossierOptions(),
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
) -> DossierInfo:
    """Make the dossier of one citizen and write it to `out` (a binary stream, or a
    path written by the one writer: an existing file is replaced only with `replace`, the
    database or a backup never). Raises `CitizenNotFound` for an unknown id,
    `OutputRefusedError` for a refused path (before any work) and `StorageError` when the
    file cannot be written; then nothing is logged."""
    today = today or dt.date.today()
    rules = None
    if isinstance(out, (str, Path)):
        rules = rules_for(database)
        check_output(Path(out), rules, replace=replace)
    data = _gather(database, citizen_id, today, options)
    steps = 3 + len(data.appendices)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, steps)

    step()
    main_pdf, layout = _build_main(data)
    step()
    pdf = _assemble(data, main_pdf, layout, step)
    pages = layout.body_pages + data.appendix_pages

    def write(fh: BinaryIO) -> None:
        fh.write(pdf)

    with database.transaction() as session:
        audit.record(session, audit.Action.PRINT, citizen_id, "dossier")
        # Written inside the transaction: if writing fails, the log entry rolls back.
        if isinstance(out, (str, Path)):
            assert rules is not None
            write_output(Path(out), write, rules, replace=replace)
        else:
            write(out)
    step()
    return DossierInfo(pages=pages, appendices=len(data.appendices), sections=list(layout.sections))


# --- gathering the case ------------------------------------------------------------------------


@dataclass
class _Appendix:
    number: int
    title: str  # the checklist item's title
    filename: str
    received_on: dt.date | None
    kind: str  # "pdf", "image" or "broken"
    page_sizes: list[tuple[float, float]]  # of the original pages as shown (after /Rotate)
    reader: PdfReader | None = None
    image: ImageReader | None = None
    problem: str = ""
    first_page: int = 0  # 1-based page in the final file, set when laid out

    @property
    def pages(self) -> int:
        return len(self.page_sizes)

    @property
    def label(self) -> str:
        return f"Bilag {self.number}: {self.title}"


@dataclass
class _Data:
    today: dt.date
    file: CitizenFile
    checklist: Checklist
    readiness: Readiness
    texts: dict[str, str]
    placements: list[PlacementProgress]  # oldest first
    activities: list[ActivityView]
    health_notes: list[HealthNoteView]
    skaanehensyn: list[str]
    contacts: list[ContactView]
    meeting_date: dt.date | None
    meeting: MeetingView | None
    caseworker: str
    jobcenter: str
    stable_weeks: int
    include_appendices: bool
    appendices: list[_Appendix]
    appendix_of: dict[int, _Appendix]  # attachment id -> its bilag
    loose_files: list[tuple[str, dt.datetime]]  # attachments not tied to a checklist item

    @property
    def appendix_pages(self) -> int:
        return sum(a.pages for a in self.appendices)


def _gather(database: Database, citizen_id: int, today: dt.date, options: DossierOptions) -> _Data:
    with database.reading() as session:
        file = read_citizen_file(session, citizen_id, today)
        checklist = read_checklist(session, citizen_id, today)
        received = [
            (entry, ref)
            for entry in checklist.entries
            if entry.state == DocumentState.MODTAGET
            for ref in entry.attachments
        ]
        blobs: dict[int, bytes] = {}
        if options.include_appendices and received:
            # The bytes of the attachments to append, in one query. (`attachments.read_attachment`
            # would log each as a separate view; the dossier is logged once, as a printout.)
            ids = [ref.attachment_id for _, ref in received]
            blobs = dict(session.execute(select(Attachment.id, Attachment.data).where(Attachment.id.in_(ids))).all())
        loose = [
            (name, added)
            for name, added in session.execute(
                select(Attachment.filename, Attachment.added_at)
                .where(Attachment.citizen_id == citizen_id, Attachment.item_id.is_(None))
                .order_by(Attachment.added_at, Attachment.id)
            )
        ]
    texts = {t.section: t.text for t in list_case_texts(database, citizen_id)}
    placements = sorted(citizen_progress(database, citizen_id, today), key=lambda p: p.placement.start_date)
    meetings = [m for m in list_meetings(database, citizen_id) if m.kind == MeetingKind.REHABILITERINGSTEAM]
    meeting_date: dt.date | None = options.meeting_date
    if meeting_date is not None:
        meeting = next((m for m in meetings if m.starts_at.date() == meeting_date), None)
    else:
        meeting = next((m for m in meetings if m.starts_at.date() >= today), None)
        meeting_date = meeting.starts_at.date() if meeting else None
    settings = get_settings(database)

    appendices: list[_Appendix] = []
    appendix_of: dict[int, _Appendix] = {}
    for entry, ref in received:
        if ref.attachment_id not in blobs:
            continue
        title = entry.title
        if len(entry.attachments) > 1:  # several files for one document: tell them apart
            title += f" – fil {entry.attachments.index(ref) + 1} af {len(entry.attachments)}"
        appendix = _read_appendix(len(appendices) + 1, title, entry.received_on, ref, blobs[ref.attachment_id])
        appendices.append(appendix)
        appendix_of[ref.attachment_id] = appendix

    return _Data(
        today=today,
        file=file,
        checklist=checklist,
        readiness=checklist.readiness,
        texts=texts,
        placements=placements,
        activities=list_activities(database, citizen_id),
        health_notes=list_health_notes(database, citizen_id),
        skaanehensyn=current_skaanehensyn(database, citizen_id),
        contacts=list_contacts(database, citizen_id),
        meeting_date=meeting_date,
        meeting=meeting,
        caseworker=str(settings.get("caseworker_name") or "").strip(),
        jobcenter=str(settings.get("jobcenter_name") or "").strip(),
        stable_weeks=int(settings.get("stable_level_weeks") or 4),
        include_appendices=options.include_appendices,
        appendices=appendices,
        appendix_of=appendix_of,
        loose_files=loose,
    )


def _read_appendix(number: int, title: str, received_on: dt.date | None, ref: AttachmentRef, data: bytes) -> _Appendix:
    appendix = _Appendix(number, title, ref.filename, received_on, "broken", [A4])
    try:
        if ref.mime_type == "application/pdf":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pypdf warns about small flaws it repairs
                reader = PdfReader(io.BytesIO(data))
                if reader.is_encrypted:
                    reader.decrypt("")
                sizes = []
                for page in reader.pages:
                    # As shown: a page turned a quarter is as wide as it is high unturned.
                    w, h = float(page.cropbox.width), float(page.cropbox.height)
                    sizes.append((h, w) if page.rotation % 180 else (w, h))
            if not sizes:
                raise ValueError("no pages")
            appendix.kind, appendix.reader, appendix.page_sizes = "pdf", reader, sizes
        else:
            image = ImageReader(io.BytesIO(data))
            image.getSize()
            appendix.kind, appendix.image = "image", image
    except Exception:  # a damaged file must not stop the dossier; its page says so instead
        appendix.kind, appendix.page_sizes = "broken", [A4]
        appendix.problem = "Filen kunne ikke læses og er ikke vedlagt. Se den i jobraad, eller indhent den igen."
    return appendix


# --- small formatting helpers ------------------------------------------------------------------


def _hours(x: float | None) -> str:
    return fmt.DASH if x is None else fmt.hours(x)


def _slope(x: float | None) -> str:
    return fmt.DASH if x is None else fmt.hours_change(x)


def _pct(x: float | None) -> str:
    return fmt.DASH if x is None else fmt.percent(x)


def _period(start: dt.date | None, end: dt.date | None, planned_end: dt.date | None = None) -> str:
    if start is None:
        return "uden dato"
    if end is not None:
        return f"{fmt.date(start)} – {fmt.date(end)}"
    if planned_end is not None:
        return f"{fmt.date(start)} – (plan: {fmt.date(planned_end)})"
    return f"fra {fmt.date(start)}"


_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


# --- styles and flowables ----------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    s = styles()
    body = s["body"]
    s["grey"] = ParagraphStyle("grey", parent=body, textColor=_GREY)
    s["h3"] = ParagraphStyle(
        "h3", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12.5, spaceBefore=4, spaceAfter=3
    )
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
    """A paragraph that keeps its lines for the width it was last wrapped to. A table
    measures each cell to size its rows, again after a split, and once more to draw
    it (`Table._listCellGeom`); the lines for one width are always the same, so they
    are broken once per width instead of three to five times."""

    _wrapped: tuple[float, tuple[float, float], Any] | None = None  # width, size, the lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        wrapped = self._wrapped
        # `split` drops the lines when the paragraph must move on whole: then break them anew.
        if wrapped is not None and wrapped[0] == availWidth and getattr(self, "blPara", None) is wrapped[2]:
            return wrapped[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size, getattr(self, "blPara", None))
        return size


class _Heading(_Para):
    """A heading that becomes a bookmark (outline level) and, if `toc`, a line in the contents."""

    def __init__(
        self, text: str, style: ParagraphStyle, level: int, key: str, *, toc: bool = True, outline: str = ""
    ) -> None:
        super().__init__(escape(text), style)
        self.plain = text
        self.outline_title = outline or text
        self.level = level
        self.key = key
        self.toc = toc


class _EndOfMainPart(Flowable):
    """Zero-size: marks where the main part ends (for the appendix entries of the contents)."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        pass


@dataclass
class _Layout:
    body_pages: int
    sections: list[str]
    outline: list[tuple[int, str, int]]  # level, title, 1-based page


class _KeepingCanvas(Canvas):
    """A canvas that keeps its pages until `save`, and only then finishes and writes
    them. What depends on the whole layout (the total in "Side X af Y", the page
    numbers in the contents, the destinations of the headings) is drawn then, so the
    main part is laid out once. `finish_page(canvas, page, pages)` draws the header
    and footer of each page; `later` adds a drawing to the current page;
    `after_pages(canvas, pages)` may add pages of its own (with `Canvas.showPage`)."""

    def __init__(
        self,
        *args: Any,
        finish_page: Callable[[Canvas, int, int], None],
        after_pages: Callable[[Canvas, int], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._finish_page = finish_page
        self._after_pages = after_pages
        self._kept: list[dict[str, Any]] = []
        self._later: list[Callable[[Canvas], object]] = []

    def later(self, draw: Callable[[Canvas], object]) -> None:
        self._later.append(draw)

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # type: ignore[override]
        # A destination refers to the page object as written, which happens at `save`.
        self.later(lambda canvas: Canvas.bookmarkPage(canvas, key, **kwargs))

    def showPage(self) -> None:
        self._kept.append(dict(self.__dict__))  # the page's content and state
        self._later = []
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        if self._code:  # type: ignore[attr-defined]
            self.showPage()
        kept = self._kept
        for page, state in enumerate(kept, start=1):
            self.__dict__.update(state)
            for draw in self._later:
                draw(self)
            self._finish_page(self, page, len(kept))
            Canvas.showPage(self)
        self._after_pages(self, len(kept))
        Canvas.save(self)


class _DossierTemplate(BaseDocTemplate):
    """An A4 document with the dossier's header and footer on every page, laid out in
    one pass (`build`, not `multiBuild`): the contents' entries are known before, so
    they take their final space, and `_KeepingCanvas` draws the page numbers and the
    footers ("Side X af Y" over the whole file) once the page count is known."""

    def __init__(self, out: BinaryIO, data: _Data, header_left: str, header_right: str) -> None:
        super().__init__(
            out,
            pagesize=PAGE_SIZE,
            leftMargin=MARGINS.left,
            rightMargin=MARGINS.right,
            topMargin=MARGINS.top,
            bottomMargin=MARGINS.bottom,
            # Never the citizen's name here: many programs show the PDF's title in lists.
            title=TITLE,
            author=data.caseworker,
            subject="Forberedende del med bilag",
            creator="jobraad",
            producer="jobraad",
            initialFontName=FONT,
            initialFontSize=10.5,
        )
        self.data = data
        self.header_left = header_left
        self.header_right = header_right
        self.body_pages = 0  # known when the canvas is saved
        self.outline: list[tuple[int, str, int]] = []
        # The 1-based page of each heading (by its key) and of each bilag ("bilag<n>").
        self.page_of: dict[str, int] = {}
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
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def make_canvas(self, *args: Any, **kwargs: Any) -> Canvas:
        """The `canvasmaker` for `build`."""
        return _KeepingCanvas(
            *args,
            finish_page=self._finish_page,
            after_pages=lambda canvas, pages: _draw_appendix_pages(canvas, self.data, pages),
            **kwargs,
        )

    def _finish_page(self, canvas: Canvas, page: int, body_pages: int) -> None:
        self.body_pages = body_pages
        draw_furniture(canvas, self.header_left, self.header_right, page, body_pages + self.data.appendix_pages)

    def beforeDocument(self) -> None:
        self.outline = []
        self.page_of.clear()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.key)
            self.outline.append((flowable.level, flowable.outline_title, self.page))
            self.page_of[flowable.key] = self.page
        elif isinstance(flowable, _EndOfMainPart):
            # The last flowable of the main part: the bilag begin on the next page.
            first = self.page + 1
            for appendix in self.data.appendices:
                appendix.first_page = first
                self.page_of[f"bilag{appendix.number}"] = first
                first += appendix.pages


@dataclass(frozen=True)
class _ContentsEntry:
    level: int
    markup: str
    link: str | None  # the heading's destination, for a link from the line
    page_key: str  # where its page is found in `_DossierTemplate.page_of`


class _Contents(Flowable):
    """The table of contents, as ReportLab's `TableOfContents` draws it (a table of one
    paragraph per entry, dots and the page number at the right). Its entries are known
    before the layout, so it takes its final space in the one pass; the page numbers
    are drawn by `_KeepingCanvas` at `save`, when every page is known."""

    _CALLBACK = "dossier_contents_number"

    def __init__(
        self,
        entries: list[_ContentsEntry],
        level_styles: Sequence[ParagraphStyle],
        table_style: TableStyle,
        page_of: dict[str, int],
    ) -> None:
        super().__init__()
        self.entries = entries  # filled in while the story is made
        self.level_styles = level_styles
        self.table_style = table_style
        self.page_of = page_of
        self._table: Table | None = None
        self._width = 0.0

    def _make_table(self, width: float) -> Table:
        if self._table is None or width != self._width:
            rows: list[list[Flowable]] = []
            for n, entry in enumerate(self.entries):
                style = self.level_styles[entry.level]
                text = f'<a href="#{entry.link}">{entry.markup}</a>' if entry.link else entry.markup
                if style.spaceBefore:
                    rows.append([Spacer(1, style.spaceBefore)])
                rows.append([_Para(f'{text}<onDraw name="{self._CALLBACK}" label="{n}"/>', style)])
            self._table = Table(rows, colWidths=(width,), style=self.table_style)
            self._width = width
        return self._table

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.canv.setNamedCB(self._CALLBACK, self._number)
        return self._make_table(aw).wrapOn(self.canv, aw, ah)

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self.canv.setNamedCB(self._CALLBACK, self._number)
        return self._make_table(aw).splitOn(self.canv, aw, ah)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        # As wide as the frame, so there is no slack (`_sW`) to align it in.
        self._make_table(self._width).drawOn(canvas, x, y)

    def _number(self, canvas: Canvas, _kind: str | None, label: str) -> None:
        """Called where an entry's text ends: the dots and the page number follow at save."""
        entry = self.entries[int(label)]
        style = self.level_styles[entry.level]
        where: dict[str, Any] = canvas._curr_tx_info  # type: ignore[attr-defined]
        x, y = where["cur_x"], where["cur_y"]
        matrix = canvas._currentMatrix  # type: ignore[attr-defined]
        width = self._width

        def draw(c: Canvas) -> None:
            c.saveState()
            c.transform(*matrix)  # the page ends untransformed: this is where the entry was drawn
            c._curr_tx_info = {"cur_x": x, "cur_y": y}  # type: ignore[attr-defined]
            try:
                drawPageNumbers(c, style, [(self.page_of[entry.page_key], entry.link)], width, 0, " . ")
            finally:
                del c._curr_tx_info  # type: ignore[attr-defined]
            c.restoreState()

        if not isinstance(canvas, _KeepingCanvas):
            raise TypeError("the contents need a _KeepingCanvas")
        canvas.later(draw)


def draw_furniture(canvas: Canvas, left_text: str, right_text: str, page: int, total: int) -> None:
    """Header and footer of a dossier page (A4, the dossier's margins)."""
    register_fonts()
    left, right = MARGINS.left, _PAGE_W - MARGINS.right
    canvas.saveState()
    canvas.setFillColor(black)
    canvas.setStrokeColor(_RULE)
    canvas.setLineWidth(0.5)
    canvas.setFont(FONT, _FURNITURE_SIZE)
    right_w = stringWidth(right_text, FONT, _FURNITURE_SIZE)
    canvas.drawString(left, _HEADER_Y, _fit(left_text, right - left - right_w - 12, FONT, _FURNITURE_SIZE))
    canvas.drawRightString(right, _HEADER_Y, right_text)
    canvas.line(left, _HEADER_Y - 4, right, _HEADER_Y - 4)
    canvas.line(left, _FOOTER_Y + 10, right, _FOOTER_Y + 10)
    canvas.setFont(FONT_BOLD, _FURNITURE_SIZE)
    canvas.drawString(left, _FOOTER_Y, CONFIDENTIAL)
    canvas.drawRightString(right, _FOOTER_Y, f"Side {page} af {total}")
    canvas.restoreState()


def _fit(text: str, width: float, font: str, size: float) -> str:
    """`text`, shortened with an ellipsis to fit `width`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- the story ---------------------------------------------------------------------------------


class _Story:
    def __init__(self, data: _Data, page_of: dict[str, int]) -> None:
        self.data = data
        self.s = _styles()
        self.flow: list[Flowable] = []
        self.sections: list[str] = []
        # The lines of the contents, known before the layout; the pages are found in `page_of`.
        self.contents_entries: list[_ContentsEntry] = []
        self.page_of = page_of
        self._keys = 0

    # building blocks

    def heading(self, text: str, level: int, *, toc: bool = True, new_page: bool = False) -> None:
        if new_page:
            self.flow.append(PageBreak())
        else:
            self.flow.append(CondPageBreak(60 * mm if level == 0 else 35 * mm))
        self._keys += 1
        style = self.s["h1"] if level == 0 else self.s["h2"]
        style = ParagraphStyle(f"heading{self._keys}", parent=style, keepWithNext=1)
        key = f"afsnit{self._keys}"
        self.flow.append(_Heading(text, style, level, key, toc=toc))
        if toc:
            self.sections.append(text)
            self.contents_entries.append(_ContentsEntry(level, escape(text), key, key))

    def sub(self, text: str) -> None:
        self.flow.append(_Para(escape(text), ParagraphStyle("sub", parent=self.s["h3"], keepWithNext=1)))

    def para(self, markup: str, style: str = "body") -> None:
        self.flow.append(_Para(markup, self.s[style]))

    def text(self, text: str, style: str = "body") -> None:
        """User text: blank lines part paragraphs; single line breaks are kept."""
        self.flow.extend(_text_paragraphs(text, self.s[style]))

    def user_text_or_empty(self, text: str) -> None:
        if text.strip():
            self.text(text)
        else:
            self.para(NOT_DESCRIBED, "grey")

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.flow.append(_Para(escape(item), self.s["bullet"], bulletText="•"))

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        extra: Sequence[tuple[Any, ...]] = (),
        right: Sequence[int] = (),
        small: Sequence[int] = (),
    ) -> None:
        """A gridded table; cells are markup or flowables; columns in `right` are right-aligned
        numbers, columns in `small` (not right-aligned) are in the small cell style.

        A cell of plain lines that a paragraph would set as they are is given to the table as
        a string (`_plain_lines`), and an empty cell too when another cell of its row already
        has a line of text (so the row is as high as with an empty paragraph)."""
        if set(right) & set(small):
            raise ValueError("a small column cannot be right-aligned")

        def cell_style(col: int, bold: bool = False) -> ParagraphStyle:
            if col in right:
                return self.s["cell_bold_right"] if bold else self.s["cell_right"]
            if col in small and not bold:
                return self.s["cell_small"]
            return self.s["cell_bold"] if bold else self.s["cell"]

        cells: list[list[Any]] = [[_Para(escape(h), cell_style(i, True)) for i, h in enumerate(header)]]
        for row in rows:
            line: list[Any] = list(row)
            empty: list[int] = []
            has_line = False  # a string in the full cell size
            for i, c in enumerate(row):
                if isinstance(c, Flowable):
                    continue
                if not c:
                    empty.append(i)
                elif (text := _plain_lines(c, widths[i] - 2 * _CELL_PAD, cell_style(i).fontSize)) is not None:
                    line[i] = text
                    has_line = has_line or i not in small
                else:
                    line[i] = _Para(c, cell_style(i))
            if not has_line:
                for i in empty:
                    line[i] = _Para(row[i], cell_style(i))
            cells.append(line)
        small_text = self.s["cell_small"]
        style = table_style(
            ("GRID", (0, 0), (-1, -1), 0.5, _RULE),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
            ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            # A string is placed by the cell's alignment; a paragraph by its style (above).
            *(("ALIGN", (col, 1), (col, -1), "RIGHT") for col in right),
            *(("FONTSIZE", (col, 1), (col, -1), small_text.fontSize) for col in small),
            *(("LEADING", (col, 1), (col, -1), small_text.leading) for col in small),
            *extra,
        )
        # splitInRow: a cell with more text than a page (a long result or remark) flows on.
        self.flow.append(Table(cells, colWidths=list(widths), repeatRows=1, splitInRow=1, style=style, hAlign="LEFT"))
        self.flow.append(Spacer(1, 6))

    def facts(self, rows: Sequence[tuple[str, str]], label_width: float = 45 * mm, style: str = "cell") -> None:
        """Label/value pairs without grid; values are markup."""
        label_style = self.s["cell_bold"] if style == "cell" else self.s["cover_label"]
        cells = [[_Para(escape(label), label_style), _Para(value, self.s[style])] for label, value in rows]
        t = Table(
            cells,
            colWidths=[label_width, _FRAME_W - label_width],
            splitInRow=1,
            style=table_style(
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ),
            hAlign="LEFT",
        )
        self.flow.append(t)
        self.flow.append(Spacer(1, 6))

    # the parts, in order

    def build(self) -> list[Flowable]:
        self.cover()
        self.contents()
        self.preparatory()
        self.health()
        self.progression()
        self.documentation()
        self.assessment()
        self.appendix_list()
        return self.flow

    def cover(self) -> None:
        d, f = self.data, self.data.file
        self._keys += 1
        self.flow.append(_Heading(TITLE, self.s["cover_title"], 0, "forside", toc=False, outline="Forside"))
        self.para("Forberedende del af rehabiliteringsplanen med bilag", "cover_sub")
        self.flow.append(_Para(escape(f.name), self.s["cover_name"]))
        self.para(f"CPR-nummer {fmt.cpr(f.cpr)} · {f.age} år")
        self.flow.append(Spacer(1, 8))
        language = escape(f.language) if f.language.strip() else "dansk / ikke oplyst"
        if f.interpreter_needed:
            language += " – <b>tolk nødvendig</b>"
        group = "—"
        if f.current is not None:
            group = f"{GROUP_LABELS[f.current.group]} siden {fmt.date(f.current.start_date)}"
            if f.weeks_in_forloeb is not None:
                group += f" (uge {f.weeks_in_forloeb} i forløbet)"
        if f.closed_outcome is not None:
            group = f"Sagen er lukket {fmt.date(f.closed_on)}"
        pack = d.checklist.pack
        pack_text = escape(pack.label) + ("" if d.checklist.pack_chosen else " – standard for perioden")
        rows = [
            ("Møde i rehabiliteringsteamet", _meeting_text(d)),
            ("Sigte, der overvejes", escape(AIM_LABELS[f.aim])),
            ("Visitationsgruppe", escape(group)),
            ("Sprog", language),
            ("Regelpakke", pack_text),
            ("Jobrådgiver", escape(d.caseworker) if d.caseworker else "<i>ikke angivet (Indstillinger)</i>"),
            ("Jobcenter", escape(d.jobcenter) or "—"),
            ("Udskrevet", fmt.date(d.today)),
        ]
        self.facts(rows, 66 * mm, style="cover_cell")
        self.flow.append(Spacer(1, 10))
        self.flow.append(self._readiness_box())
        self.flow.append(Spacer(1, 18))
        self.para(
            "Dokumentet indeholder helbredsoplysninger og andre følsomme personoplysninger. "
            "Det må kun bruges til behandlingen af borgerens sag og skal opbevares og destrueres fortroligt.",
            "grey",
        )

    def _readiness_box(self) -> Flowable:
        r, d = self.data.readiness, self.data
        inner: list[Flowable] = []
        if r.required == 0:
            inner.append(
                _Para(
                    f"Regelpakken stiller ingen krav til dokumentation for sigtet «{escape(AIM_LABELS[d.file.aim])}».",
                    self.s["ready"],
                )
            )
        elif r.ready:
            inner.append(_Para("Klar til rehabiliteringsteamet", self.s["ready"]))
            inner.append(
                _Para(
                    f"Alle {r.required} krævede dokumentationspunkter er modtaget eller vurderet ikke relevante.",
                    self.s["cell"],
                )
            )
        else:
            n = len(r.missing)
            what = "krævet punkt mangler" if n == 1 else "krævede punkter mangler"
            inner.append(_Para(f"Ikke klar: {n} {what}", self.s["ready"]))
            shown = r.missing[:12]
            for title in shown:
                inner.append(_Para(escape(title), self.s["cell"], bulletText="•"))
            if len(r.missing) > len(shown):
                inner.append(_Para(f"… og {len(r.missing) - len(shown)} flere (se Dokumentation).", self.s["cell"]))
        if r.overdue:
            inner.append(Spacer(1, 3))
            inner.append(_Para(f"{r.overdue} anmodning(er) er forsinket.", self.s["cell"]))
        return Table(
            [[inner]],
            colWidths=[_FRAME_W],
            style=table_style(
                ("BOX", (0, 0), (-1, -1), 1.2, black),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ),
        )

    def contents(self) -> None:
        self.flow.append(PageBreak())
        self._keys += 1
        self.flow.append(_Heading("Indhold", self.s["title"], 0, "indhold", toc=False))
        self.flow.append(
            _Contents(
                self.contents_entries,
                [self.s["toc0"], self.s["toc1"]],
                table_style(
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ),
                self.page_of,
            )
        )

    def preparatory(self) -> None:
        d = self.data
        self.heading("1. Forberedende del", 0, new_page=True)
        self.para(
            "Afsnittene følger den forberedende del af rehabiliteringsplanen. Under hvert afsnit står først "
            "jobrådgiverens beskrivelse og derefter de oplysninger, der er registreret i sagen.",
            "grey",
        )
        for n, key in enumerate(PREPARATORY_SECTIONS, start=1):
            self.heading(f"1.{n} {SECTION_TITLES[key]}", 1)
            self.user_text_or_empty(d.texts.get(key, ""))
            known = self._known.get(key)
            if known is not None:
                known()

    # what jobraad knows, per section of the forberedende del

    @property
    def _known(self) -> dict[str, Callable[[], None]]:
        return {
            "uddannelse_cv": self._known_uddannelse_cv,
            "udfordringer": self._known_udfordringer,
            "helbred": self._known_helbred,
            "helbred_arbejde": self._known_helbred_arbejde,
            "forsoergelse": self._known_forsoergelse,
            "indsatser": self._known_indsatser,
        }

    def _known_uddannelse_cv(self) -> None:
        courses = [a for a in self.data.activities if a.kind in _COURSE_KINDS]
        if courses:
            self.sub("Kurser og opkvalificering registreret i sagen")
            self._activity_table(sorted(courses, key=_activity_order))

    def _known_udfordringer(self) -> None:
        f = self.data.file
        self.sub("Registreret i sagen")
        language = f.language.strip() or "ikke oplyst"
        interpreter = "Tolk er nødvendig." if f.interpreter_needed else "Tolk er ikke nødvendig."
        self.para(f"Sprog: {escape(language)}. {interpreter}")

    def _known_helbred(self) -> None:
        d = self.data
        health = [e for e in d.checklist.entries if e.item.health]
        received = [e for e in health if e.state == DocumentState.MODTAGET]
        self.sub("Dokumentation, beskrivelsen bygger på")
        if received:
            rows = [
                [
                    escape(e.title),
                    escape(e.requested_from or SOURCE_LABELS[e.item.source]),
                    fmt.date(e.received_on),
                    self._attachment_text(e),
                ]
                for e in received
            ]
            self.table(["Dokument", "Fra", "Modtaget", "Bilag"], rows, [170, 110, _DATE_W, _FRAME_W - 280 - _DATE_W])
        else:
            self.para("Der er endnu ikke modtaget helbredsdokumentation.", "grey")
        waiting = [e for e in health if not e.done]
        if waiting:
            self.sub("Helbredsdokumentation, der ikke er modtaget")
            self.bullets([_entry_status_line(e, d.today) for e in waiting])
        notes_with_conditions = [n for n in d.health_notes if n.conditions.strip()]
        if notes_with_conditions:
            latest = notes_with_conditions[0]
            self.sub(f"Helbredsforhold ifølge sundhedskoordinatoren ({fmt.date(latest.note_date)})")
            self.text(latest.conditions)
        doctors = [
            c for c in d.contacts if c.kind in (ContactKind.EGEN_LAEGE, ContactKind.SPECIALLAEGE, ContactKind.HOSPITAL)
        ]
        if doctors:
            self.para(
                "<b>Behandlere:</b> "
                + "; ".join(
                    escape(f"{CONTACT_LABELS[c.kind]}: {c.name}" + (f", {c.unit}" if c.unit else "")) for c in doctors
                )
            )

    def _known_helbred_arbejde(self) -> None:
        d = self.data
        self.sub("Skånehensyn (sundhedskoordinatoren)")
        if d.skaanehensyn:
            self.bullets(d.skaanehensyn)
        else:
            self.para("Ingen skånehensyn registreret.", "grey")
        limits = next((n for n in d.health_notes if n.functional_limits.strip()), None)
        if limits is not None:
            self.sub(f"Funktionsbegrænsninger ({fmt.date(limits.note_date)})")
            self.text(limits.functional_limits)

    def _known_forsoergelse(self) -> None:
        f = self.data.file
        self.sub("Registreret i sagen")
        years = f.support_years_last10
        self.para(
            f"Nuværende ydelse: {escape(BENEFIT_LABELS[f.benefit_type])}. "
            f"På offentlig forsørgelse {years} af de seneste 10 år."
        )
        if f.forloeb:
            rows = [
                [
                    escape(GROUP_LABELS[fl.group]),
                    _period(fl.start_date, fl.end_date),
                    escape(fl.reason) or "—",
                ]
                for fl in f.forloeb
            ]
            self.table(["Visitation", "Periode", "Begrundelse"], rows, [95, 130, _FRAME_W - 225])

    def _known_indsatser(self) -> None:
        d = self.data
        self.sub("Indsatser og virksomhedsplaceringer registreret i sagen")
        rows: list[tuple[dt.date | None, list[str]]] = []
        for a in d.activities:
            what = escape(a.title or ACTIVITY_LABELS[a.kind]) + (f"<br/>{escape(a.provider)}" if a.provider else "")
            rows.append(
                (
                    a.start_date,
                    [escape(ACTIVITY_LABELS[a.kind]), what, _period(a.start_date, a.end_date), _or_dash(a.result)],
                )
            )
        for pp in d.placements:
            p = pp.placement
            what = escape(p.employer_name) + (f"<br/>{escape(p.tasks)}" if p.tasks else "")
            rows.append(
                (
                    p.start_date,
                    [
                        escape(PLACEMENT_LABELS[p.kind]),
                        what,
                        _period(p.start_date, p.end_date, p.planned_end),
                        _or_dash(p.result),
                    ],
                )
            )
        if not rows:
            self.para("Ingen indsatser eller virksomhedsplaceringer registreret.", "grey")
            return
        rows.sort(key=lambda r: (r[0] is None, r[0] or dt.date.min))
        self.table(["Type", "Indsats", "Periode", "Resultat"], [r for _, r in rows], [104, 128, 95, _FRAME_W - 327])

    def _activity_table(self, activities: Sequence[ActivityView]) -> None:
        rows = [
            [
                escape(a.title or ACTIVITY_LABELS[a.kind]) + (f"<br/>{escape(a.provider)}" if a.provider else ""),
                _period(a.start_date, a.end_date),
                _or_dash(a.result),
            ]
            for a in activities
        ]
        self.table(["Kursus", "Periode", "Resultat"], rows, [170, 110, _FRAME_W - 280])

    def health(self) -> None:
        d = self.data
        self.heading("2. Sundhedskoordinatorens notater og skånehensyn", 0, new_page=True)
        if not d.health_notes:
            self.para("Ingen notater fra sundhedskoordinatoren registreret.", "grey")
        for note in d.health_notes:  # newest first
            who = f" · {note.coordinator}" if note.coordinator else ""
            parts: list[Flowable] = [
                _Para(
                    escape(f"{fmt.date(note.note_date)} · {HEALTH_NOTE_LABELS[note.kind]}{who}"),
                    ParagraphStyle("note_head", parent=self.s["h3"], keepWithNext=1),
                )
            ]
            for label, value in (
                ("Helbredsforhold", note.conditions),
                ("Funktionsbegrænsninger", note.functional_limits),
                ("Anbefalinger", note.recommendations),
            ):
                if value.strip():
                    parts.append(_Para(f"<b>{label}:</b>", self.s["body"]))
                    parts.extend(_text_paragraphs(value, self.s["body"]))
            if note.skaanehensyn:
                parts.append(_Para("<b>Skånehensyn:</b>", self.s["body"]))
                parts.extend(_Para(escape(x), self.s["bullet"], bulletText="•") for x in note.skaanehensyn)
            self.flow.extend(parts)
            self.flow.append(Spacer(1, 4))
        self.sub("Aktuelle skånehensyn")
        if d.skaanehensyn:
            self.bullets(d.skaanehensyn)
        else:
            self.para("Ingen skånehensyn registreret.", "grey")
        self.sub("Kontakter i sundhedsvæsen og forvaltning")
        if d.contacts:
            rows = [
                [
                    escape(CONTACT_LABELS[c.kind]),
                    escape(c.name),
                    _or_dash(c.unit),
                    _or_dash(c.phone),
                    _or_dash(c.secure_mail),
                ]
                for c in d.contacts
            ]
            self.table(["Type", "Navn", "Enhed", "Telefon", "Sikker mail"], rows, [70, 95, 110, 65, _FRAME_W - 340])
        else:
            self.para("Ingen kontakter registreret.", "grey")

    def progression(self) -> None:
        d = self.data
        self.heading("3. Progression i virksomhedsplacering", 0, new_page=True)
        if not d.placements:
            self.para(NO_PLACEMENTS, "grey")
            return
        self.para(
            "Timer pr. uge for hver placering: planlagt (stiplet), fremmøde (fuldt optrukket) og tendens (prikket). "
            "Uger med sygdom er vist som åbne firkanter og indgår ikke i tendensen.",
            "grey",
        )
        for n, pp in enumerate(d.placements, start=1):
            p = pp.placement
            self.heading(f"3.{n} {p.employer_name} – {PLACEMENT_LABELS[p.kind]}", 1, new_page=n > 1)
            rows = [
                ("Periode", _period(p.start_date, p.end_date, p.planned_end)),
                ("Længde", escape(p.length_text)),
                ("Planlagte timer pr. uge", _hours(p.planned_hours_per_week)),
            ]
            if p.tasks:
                rows.append(("Arbejdsopgaver", escape(p.tasks)))
            if p.mentor_kind or p.mentor_name:
                rows.append(("Mentor", escape(", ".join(x for x in (p.mentor_kind, p.mentor_name) if x))))
            if p.skaanehensyn:
                rows.append(("Skånehensyn", "<br/>".join(escape(x) for x in p.skaanehensyn)))
            if p.result:
                rows.append(("Resultat", escape(p.result)))
            self.facts(rows)
            if not pp.weeks:
                self.para("Ingen timer registreret for placeringen.", "grey")
                continue
            self.flow.append(hours_drawing(pp.series, width=_FRAME_W, height=190))
            self.flow.append(Spacer(1, 6))
            pr = pp.progression
            figures = [
                ("Fremmøde", _pct(pr.attendance_rate)),
                ("Tendens 4 uger", _slope(pr.slope_4)),
                ("Tendens 8 uger", _slope(pr.slope_8)),
                (
                    "Højeste stabile niveau",
                    f"{_hours(pr.highest_stable)} t/uge (holdt i {d.stable_weeks} uger)"
                    if pr.highest_stable is not None
                    else "—",
                ),
                ("Uger uden progression", str(pr.weeks_without_progression)),
                ("Registrerede uger", str(pr.weeks_logged)),
            ]
            half = (len(figures) + 1) // 2
            cells = []
            for i in range(half):
                row: list[Any] = []
                for label, value in (figures[i], figures[i + half] if i + half < len(figures) else ("", "")):
                    row += [_Para(escape(label), self.s["cell_bold"]), _Para(escape(value), self.s["cell"])]
                cells.append(row)
            self.flow.append(
                Table(
                    cells,
                    colWidths=[95, 110, 125, _FRAME_W - 330],
                    style=table_style(
                        ("BOX", (0, 0), (-1, -1), 0.5, _RULE),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ),
                    hAlign="LEFT",
                )
            )
            self.flow.append(Spacer(1, 6))
            if pp.signals:
                self.para("<b>Signaler:</b>")
                self.bullets([s.text for s in pp.signals])
            else:
                self.para("Signaler: ingen.", "grey")
            week_rows = []
            for w in pp.weeks:
                absence = ""
                if w.absence > 0 or w.absence_reason is not None:
                    reason = ABSENCE_LABELS[w.absence_reason].lower() if w.absence_reason else "uden årsag"
                    absence = f"{_hours(w.absence)} t ({reason})"
                remark = escape(w.observation)
                if w.follow_up:
                    remark = ("<b>Opfølgning.</b> " + remark).strip()
                week_rows.append(
                    [
                        f"uge {w.iso_week}, {w.iso_year}",
                        _hours(w.planned),
                        _hours(w.attended),
                        absence or "—",
                        remark,
                    ]
                )
            self.sub("Uge for uge")
            self.table(
                ["Uge", "Planlagt", "Fremmøde", "Fravær", "Bemærkning"],
                week_rows,
                [78, 56, 64, 92, _FRAME_W - 290],
                right=(1, 2),
                small=(4,),
            )

    def documentation(self) -> None:
        d = self.data
        r = d.readiness
        self.heading("4. Dokumentation", 0, new_page=True)
        pack = d.checklist.pack
        self.para(f"Regelpakke: {escape(pack.label)}. Sigte: {escape(AIM_LABELS[d.file.aim])}.")
        if r.required == 0:
            self.para("Regelpakken stiller ingen krav til dokumentation for dette sigte.", "grey")
        elif r.ready:
            self.para("<b>Klar til rehabiliteringsteamet:</b> alle krævede punkter er modtaget eller ikke relevante.")
        else:
            self.para(f"<b>Ikke klar:</b> {r.done} af {r.required} krævede punkter er på plads.")
        entries = list(d.checklist.entries)
        if entries:
            rows: list[list[Any]] = []
            extra: list[tuple[Any, ...]] = []
            order = {key: n for n, key in enumerate(SECTION_LABELS)}
            by_section: dict[str, list[ChecklistEntry]] = {}
            for e in entries:
                by_section.setdefault(e.item.section, []).append(e)
            for section in sorted(by_section, key=lambda s: order.get(s, len(order))):
                row_no = len(rows) + 1  # +1: the header row
                rows.append([_Para(escape(SECTION_LABELS.get(section, section)), self.s["cell_bold"]), "", "", "", ""])
                extra += [
                    ("SPAN", (0, row_no), (-1, row_no)),
                    ("BACKGROUND", (0, row_no), (-1, row_no), _SECTION_FILL),
                ]
                for e in by_section[section]:
                    rows.append(self._checklist_row(e))
            self.table(
                ["Punkt", "Kilde", "Status", "Datoer", "Bilag"],
                rows,
                [128, 70, 68, 92, _FRAME_W - 358],
                extra,
                small=(3,),
            )
        missing = [e for e in entries if e.item.required and not e.done]
        open_recommended = [e for e in entries if not e.item.required and not e.done]
        if missing:
            n = len(missing)
            self.sub(f"Mangler: {n} krævet punkt" if n == 1 else f"Mangler: {n} krævede punkter")
            self.bullets([_entry_status_line(e, d.today) for e in missing])
        elif entries:
            self.para("<b>Mangler:</b> ingen krævede punkter.")
        if open_recommended:
            self.sub("Anbefalede punkter, der ikke foreligger")
            self.bullets([_entry_status_line(e, d.today) for e in open_recommended])
        consents = d.checklist.consents
        self.sub("Registrerede samtykker")
        if consents:
            rows2 = [
                [
                    escape(SOURCE_LABELS[c.source]),
                    escape(c.scope),
                    fmt.date(c.given_on),
                    fmt.date(c.expires_on) or "—",
                    fmt.date(c.withdrawn_on) or "—",
                ]
                for c in consents
            ]
            self.table(
                ["Kilde", "Omfang", "Givet", "Udløber", "Trukket tilbage"],
                rows2,
                [80, _FRAME_W - 80 - 3 * _DATE_W, _DATE_W, _DATE_W, _DATE_W],
            )
        else:
            self.para("Ingen samtykker registreret.", "grey")
        if d.loose_files:
            self.sub("Øvrige filer i sagen (ikke knyttet til et dokumentationspunkt, ikke vedlagt)")
            self.bullets([f"{name} (tilføjet {fmt.date(at.date())})" for name, at in d.loose_files])

    def _checklist_row(self, e: ChecklistEntry) -> list[Any]:
        d = self.data
        item = e.item
        kind = "Krævet" if item.required else "Anbefalet"
        if item.form:
            kind += f" · {item.form}"
        title = escape(e.title) + f"<br/><font size=7.5>{escape(kind)}</font>"
        source = escape(SOURCE_LABELS[item.source])
        if e.requested_from:
            source += f"<br/><font size=7.5>{escape(e.requested_from)}</font>"
        state = escape(DOCUMENT_STATE_LABELS[e.state])
        if e.state == DocumentState.MANGLER:
            state = f"<b>{state}</b>"
        if e.overdue(d.today):
            state += f"<br/><b>forsinket {e.days_overdue(d.today)} dage</b>"
        if e.state == DocumentState.IKKE_RELEVANT and e.not_relevant_reason:
            state += f"<br/><font size=7.5>{escape(e.not_relevant_reason)}</font>"
        dates = [
            f"{label} {fmt.date(value)}"
            for label, value in (
                ("Anmodet", e.requested_on),
                ("Forventet", e.expected_by if e.state == DocumentState.ANMODET else None),
                ("Modtaget", e.received_on),
            )
            if value is not None
        ]
        return [title, source, state, "<br/>".join(dates) or "—", self._attachment_text(e)]

    def _attachment_text(self, e: ChecklistEntry) -> str:
        d = self.data
        if not e.attachments:
            return "Ingen fil" if e.state == DocumentState.MODTAGET else "—"
        parts = []
        for ref in e.attachments:
            name = f"<font size=7.5>{escape(ref.filename)}</font>"
            appendix = d.appendix_of.get(ref.attachment_id)
            if appendix is not None:
                parts.append(f"<b>Bilag {appendix.number}</b><br/>{name}")
            elif e.state != DocumentState.MODTAGET:
                parts.append(f"{name}<br/><font size=7.5>(ikke vedlagt: ikke modtaget)</font>")
            else:
                parts.append(f"{name}<br/><font size=7.5>(ikke vedlagt i denne udskrift)</font>")
        return "<br/>".join(parts)

    def assessment(self) -> None:
        d = self.data
        self.heading(f"5. {SECTION_TITLES['vurdering']}", 0, new_page=True)
        self.user_text_or_empty(d.texts.get("vurdering", ""))
        self.heading(f"6. {SECTION_TITLES['indstilling']}", 0)
        self.user_text_or_empty(d.texts.get("indstilling", ""))

    def appendix_list(self) -> None:
        d = self.data
        self.heading("Bilag", 0, new_page=True)
        if not d.include_appendices:
            self.para(
                "Bilag er ikke medtaget i denne udskrift. Dokumentationsoversigten viser, hvilke filer der findes.",
                "grey",
            )
        elif not d.appendices:
            self.para("Ingen bilag: der er ikke vedhæftet filer til modtagne dokumentationspunkter.", "grey")
        else:
            self.para("Modtagne dokumenter, vedlagt i denne rækkefølge efter denne side.")
            rows = [
                [
                    f"<b>Bilag {a.number}</b>",
                    escape(a.title),
                    f"<font size=7.5>{escape(a.filename)}</font>"
                    + ("<br/><b>kunne ikke læses</b>" if a.kind == "broken" else ""),
                    fmt.date(a.received_on) or "—",
                    str(a.pages) if a.kind != "broken" else "—",
                ]
                for a in d.appendices
            ]
            self.table(
                ["Bilag", "Dokument", "Fil", "Modtaget", "Sider"],
                rows,
                [48, 170, _FRAME_W - 300 - _DATE_W, _DATE_W, 34],
                right=(4,),
            )
        self.flow.append(_EndOfMainPart())
        self.contents_entries += [_ContentsEntry(1, escape(a.label), None, f"bilag{a.number}") for a in d.appendices]


_CELL_PAD = 4  # left and right in a gridded table


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


def _activity_order(a: ActivityView) -> tuple[bool, dt.date]:
    return (a.start_date is None, a.start_date or dt.date.min)


def _or_dash(text: str) -> str:
    return escape(text) if text.strip() else "—"


def _text_paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip())]
    return [_Para(escape(b).replace("\n", "<br/>"), style) for b in blocks if b]


def _entry_status_line(e: ChecklistEntry, today: dt.date) -> str:
    if e.state == DocumentState.ANMODET:
        who = f" hos {e.requested_from}" if e.requested_from else ""
        line = f"{e.title} – anmodet{who} {fmt.date(e.requested_on)}"
        if e.expected_by is not None:
            line += f", forventet {fmt.date(e.expected_by)}"
        if e.overdue(today):
            line += f" (forsinket {e.days_overdue(today)} dage)"
        return line
    if e.item.consent_for is not None:
        return f"{e.title} – ikke indhentet endnu"
    return f"{e.title} – ikke anmodet endnu"


def _meeting_text(d: _Data) -> str:
    if d.meeting_date is None:
        return "ikke fastsat"
    text = f"{_WEEKDAYS[d.meeting_date.weekday()].capitalize()} {fmt.date(d.meeting_date)}"
    if d.meeting is not None:
        text += f" kl. {fmt.time(d.meeting.starts_at)}"
        if d.meeting.location:
            text += f", {d.meeting.location}"
    return escape(text)


# --- laying out and putting together -----------------------------------------------------------


def _header_texts(d: _Data) -> tuple[str, str]:
    return (
        f"{TITLE} · {d.file.name} · CPR {fmt.cpr(d.file.cpr)}",
        f"Udskrevet {fmt.date(d.today)}",
    )


def _build_main(d: _Data) -> tuple[bytes, _Layout]:
    """The main part and, after it, a page for each appendix page (`_draw_appendix_pages`)."""
    left, right = _header_texts(d)
    buffer = io.BytesIO()
    doc = _DossierTemplate(buffer, d, left, right)
    story = _Story(d, doc.page_of)
    doc.build(story.build(), canvasmaker=doc.make_canvas)
    return buffer.getvalue(), _Layout(doc.body_pages, story.sections, list(doc.outline))


def _draw_appendix_pages(canvas: Canvas, d: _Data, body_pages: int) -> None:
    """One page per appendix page, after the main part on its canvas (so in its fonts,
    and without a second PDF to write and read): the full page for an image or an
    unreadable file, a transparent stamp of the original page's size for a PDF page
    (`_assemble` puts the original page in its place, with the stamp on top). Each page
    is written with `Canvas.showPage`: the pages of the main part are kept no longer."""
    left, right = _header_texts(d)
    total = body_pages + d.appendix_pages
    page_no = body_pages
    for a in d.appendices:
        for index, (w, h) in enumerate(a.page_sizes):
            page_no += 1
            of = f" (side {index + 1} af {a.pages})" if a.pages > 1 else ""
            if a.kind == "pdf":
                canvas.setPageSize((w, h))
                _stamp(canvas, w, h, f"{a.label}{of}", f"{d.file.name} · CPR {fmt.cpr(d.file.cpr)}", page_no, total)
            else:
                canvas.setPageSize(A4)
                draw_furniture(canvas, left, right, page_no, total)
                _appendix_sheet(canvas, a)
            Canvas.showPage(canvas)


def _stamp(canvas: Canvas, w: float, h: float, left_top: str, right_top: str, page: int, total: int) -> None:
    """A thin line of text at the top and bottom edge of an original page."""
    register_fonts()
    x0, x1 = min(20 * mm, w * 0.1), w - min(10 * mm, w * 0.05)
    top, bottom = h - 7 * mm, 5 * mm
    canvas.saveState()
    canvas.setFillColor(black)
    canvas.setFont(FONT, _STAMP_SIZE)
    right_w = stringWidth(right_top, FONT, _STAMP_SIZE)
    canvas.drawRightString(x1, top, right_top)
    canvas.setFont(FONT_BOLD, _STAMP_SIZE)
    canvas.drawString(x0, top, _fit(left_top, x1 - x0 - right_w - 10, FONT_BOLD, _STAMP_SIZE))
    page_text = f"Side {page} af {total}"
    page_w = stringWidth(page_text, FONT_BOLD, _STAMP_SIZE)
    canvas.drawRightString(x1, bottom, page_text)
    canvas.setFont(FONT, _STAMP_SIZE)
    canvas.drawString(x0, bottom, _fit(CONFIDENTIAL, x1 - x0 - page_w - 10, FONT, _STAMP_SIZE))
    canvas.restoreState()


def _appendix_sheet(canvas: Canvas, a: _Appendix) -> None:
    """An image (fitted into the frame) or the notice for a file that could not be read."""
    left, bottom = MARGINS.left, MARGINS.bottom
    width, height = _FRAME_W, _PAGE_H - MARGINS.top - MARGINS.bottom
    canvas.saveState()
    canvas.setFont(FONT_BOLD, 10)
    caption_y = bottom + height - 10
    canvas.drawString(left, caption_y, _fit(a.label, width, FONT_BOLD, 10))
    canvas.setFont(FONT, 8)
    received = f" · modtaget {fmt.date(a.received_on)}" if a.received_on else ""
    canvas.drawString(left, caption_y - 12, _fit(f"{a.filename}{received}", width, FONT, 8))
    box_top = caption_y - 20
    if a.kind == "image" and a.image is not None:
        iw, ih = a.image.getSize()
        scale = min(width / iw, (box_top - bottom) / ih)
        dw, dh = iw * scale, ih * scale
        x, y = left + (width - dw) / 2, box_top - dh
        canvas.drawImage(a.image, x, y, dw, dh)
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(x, y, dw, dh)
    else:
        canvas.setFillColor(white)
        canvas.setStrokeColor(black)
        canvas.rect(left, box_top - 60, width, 50, fill=0)
        canvas.setFillColor(black)
        canvas.setFont(FONT, 10)
        canvas.drawString(left + 8, box_top - 32, _fit(a.problem, width - 16, FONT, 10))
    canvas.restoreState()


_STAMP = "/JobraadStempel"  # the stamp's name among an original page's XObjects


def _put_original(writer: PdfWriter, index: int, reader: PdfReader, page_no: int, wrappers: dict[str, Any]) -> None:
    """Put an original appendix page in the place of its stamp page (at `index`), with
    the stamp on top. A page pypdf cannot take apart leaves the stamp page in its
    place; a page that cannot be stamped goes in without it (its content matters more)."""
    stamp = writer.pages[index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # about flaws in the sender's PDF, which pypdf repairs
        try:
            page = writer.insert_page(reader.pages[page_no], index)
        except Exception as err:  # pypdf raises many kinds on a damaged file
            # The kind only: pypdf's messages may quote bytes of the document (health data).
            log.warning("Et bilag kunne ikke tilføjes (%s); kun stemplet er med.", type(err).__name__)
            return
        del writer.pages[index + 1]  # type: ignore[attr-defined]  # pypdf's page list deletes pages
        try:
            if page.rotation % 360:
                # So that the stamp lands upright at the top of the page as it is shown.
                page.transfer_rotation_to_content()
            _overlay(writer, page, stamp, wrappers)
        except Exception as err:
            log.warning("Et bilag kunne ikke stemples (%s); siden er med uden stempel.", type(err).__name__)
        stamp.clear()  # out of the page tree: left as an empty dictionary


def _overlay(writer: PdfWriter, page: PageObject, stamp: PageObject, wrappers: dict[str, Any]) -> None:
    """Draw the stamp page on top of `page` as a form XObject: the stamp's content
    stream becomes the form, with the stamp page's resources (the main part's fonts),
    and the page's content streams are kept as they are, only bracketed by q/Q so that
    the original's graphics state cannot move the stamp. Nothing is parsed, decoded or
    copied, unlike `PageObject.merge_page`, which also renames the fonts of both."""
    form = stamp[PageAttributes.CONTENTS].get_object()  # ReportLab writes a page as one stream
    if not isinstance(form, StreamObject):
        raise TypeError("the stamp page has no single content stream")
    box = page.cropbox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(v) for v in (0, 0, stamp.mediabox.width, stamp.mediabox.height)
            ),
            NameObject("/Matrix"): ArrayObject(FloatObject(v) for v in (1, 0, 0, 1, box.left, box.bottom)),
            NameObject("/Resources"): stamp[PageAttributes.RESOURCES],
        }
    )
    # Own copies of the resources and their XObjects: an original PDF may share them among its pages.
    resources = DictionaryObject(page.get(PageAttributes.RESOURCES, DictionaryObject()).get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    name, n = _STAMP, 0
    while name in xobjects:
        n += 1
        name = f"{_STAMP}{n}"
    xobjects[NameObject(name)] = form.indirect_reference
    resources[NameObject("/XObject")] = xobjects
    contents = page.get(PageAttributes.CONTENTS)
    streams = contents.get_object() if contents is not None else ArrayObject()
    parts = list(streams) if isinstance(streams, ArrayObject) else [contents]
    page[NameObject(PageAttributes.CONTENTS)] = ArrayObject(
        [_wrapper(writer, wrappers, "q\n"), *parts, _wrapper(writer, wrappers, f"Q\nq {name} Do Q\n")]
    )
    page[NameObject(PageAttributes.RESOURCES)] = resources


def _wrapper(writer: PdfWriter, wrappers: dict[str, Any], code: str) -> Any:
    """A small content stream, one per text for the whole file."""
    if code not in wrappers:
        stream = DecodedStreamObject()
        stream.set_data(code.encode("ascii"))
        wrappers[code] = writer._add_object(stream)
    return wrappers[code]


def _assemble(d: _Data, main_pdf: bytes, layout: _Layout, step: Callable[[], None]) -> bytes:
    """The main part and the appendix pages in order (the original pages put in place
    of their stamps), and the outline for all of it."""
    writer = PdfWriter(clone_from=io.BytesIO(main_pdf))
    index = layout.body_pages
    wrappers: dict[str, Any] = {}
    for a in d.appendices:
        for page_no in range(a.pages):
            if a.kind == "pdf" and a.reader is not None:
                _put_original(writer, index, a.reader, page_no, wrappers)
            index += 1
        step()
    parents: dict[int, Any] = {}
    for level, title, page_no in layout.outline:
        parent = parents.get(level - 1) if level > 0 else None
        parents[level] = writer.add_outline_item(title=title, page_number=page_no - 1, parent=parent)
    bilag_parent = parents.get(0)
    for a in d.appendices:
        writer.add_outline_item(title=a.label, page_number=a.first_page - 1, parent=bilag_parent)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
