"""The bilag: the received documents placed after the main part, and the finished file.

1. Each attachment is read once (pypdf for a PDF, ReportLab's `ImageReader` for PNG
   and JPEG), before the layout, so the number of pages is known for "Side X af Y".
2. On the main part's canvas, after its last page (`draw_appendix_pages`), an image
   or an unreadable file becomes a page of its own; a PDF page gets a page of its size
   with only a thin stamp (bilag, name, "Side X af Y"), in the main part's fonts.
3. pypdf puts the pages in the order of the file (`Layout.page_order`), each original
   PDF page with its stamp on top as a form XObject (`_overlay`: the page keeps its
   size, content, fonts and form fields), and writes the bookmarks for every section
   and every bilag.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.constants import PageAttributes
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, StreamObject
from reportlab.lib.colors import black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from jobraad import formatting as fmt
from jobraad.dossier.gather import AppendixFile
from jobraad.dossier.layout import FRAME_W, PAGE_H, RULE, Layout, draw_furniture, fit
from jobraad.dossier.story import Document
from jobraad.pdf import CONFIDENTIAL, FONT, FONT_BOLD, MARGINS, register_fonts

__all__ = ["Appendix", "assemble", "draw_appendix_pages", "read_appendices"]

log = logging.getLogger(__name__)

_STAMP_SIZE = 7.0
_UNREADABLE = "Filen kunne ikke læses og er ikke vedlagt. Se den i jobraad, eller indhent den igen."


@dataclass
class Appendix:
    file: AppendixFile
    kind: str  # "pdf", "image" or "broken"
    page_sizes: list[tuple[float, float]]  # of the original pages as shown (after /Rotate)
    reader: PdfReader | None = None
    image: ImageReader | None = None
    problem: str = ""

    @property
    def pages(self) -> int:
        return len(self.page_sizes)

    @property
    def readable(self) -> bool:
        return self.kind != "broken"


def read_appendices(files: Sequence[AppendixFile]) -> list[Appendix]:
    return [_read(f) for f in files]


def _read(file: AppendixFile) -> Appendix:
    appendix = Appendix(file, "broken", [A4])
    try:
        if file.mime_type == "application/pdf":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pypdf warns about small flaws it repairs
                reader = PdfReader(io.BytesIO(file.data))
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
            image = ImageReader(io.BytesIO(file.data))
            image.getSize()
            appendix.kind, appendix.image = "image", image
    except Exception:  # a damaged file must not stop the dossier; its page says so instead
        appendix.kind, appendix.page_sizes = "broken", [A4]
        appendix.problem = _UNREADABLE
    return appendix


# --- their pages on the main part's canvas -----------------------------------------------------


def draw_appendix_pages(
    appendices: Sequence[Appendix], document: Document, canvas: Canvas, first_page: int, total: int
) -> None:
    """One page per appendix page, from `first_page` on: the full page for an image or an
    unreadable file, a transparent stamp of the original page's size for a PDF page
    (`assemble` merges it onto the original page)."""
    page_no = first_page - 1
    for a in appendices:
        for index, (w, h) in enumerate(a.page_sizes):
            page_no += 1
            of = f" (side {index + 1} af {a.pages})" if a.pages > 1 else ""
            if a.kind == "pdf":
                canvas.setPageSize((w, h))
                _stamp(canvas, w, h, f"{a.file.label}{of}", document.stamp, page_no, total)
            else:
                canvas.setPageSize(A4)
                draw_furniture(canvas, page_no, total)
                _sheet(canvas, a)
            canvas.showPage()


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
    canvas.drawString(x0, top, fit(left_top, x1 - x0 - right_w - 10, FONT_BOLD, _STAMP_SIZE))
    page_text = f"Side {page} af {total}"
    page_w = stringWidth(page_text, FONT_BOLD, _STAMP_SIZE)
    canvas.drawRightString(x1, bottom, page_text)
    canvas.setFont(FONT, _STAMP_SIZE)
    canvas.drawString(x0, bottom, fit(CONFIDENTIAL, x1 - x0 - page_w - 10, FONT, _STAMP_SIZE))
    canvas.restoreState()


def _sheet(canvas: Canvas, a: Appendix) -> None:
    """An image (fitted into the frame) or the notice for a file that could not be read."""
    left, bottom = MARGINS.left, MARGINS.bottom
    width, height = FRAME_W, PAGE_H - MARGINS.top - MARGINS.bottom
    canvas.saveState()
    canvas.setFont(FONT_BOLD, 10)
    caption_y = bottom + height - 10
    canvas.drawString(left, caption_y, fit(a.file.label, width, FONT_BOLD, 10))
    canvas.setFont(FONT, 8)
    received = f" · modtaget {fmt.date(a.file.received_on)}" if a.file.received_on else ""
    canvas.drawString(left, caption_y - 12, fit(f"{a.file.filename}{received}", width, FONT, 8))
    box_top = caption_y - 20
    if a.kind == "image" and a.image is not None:
        iw, ih = a.image.getSize()
        scale = min(width / iw, (box_top - bottom) / ih)
        dw, dh = iw * scale, ih * scale
        x, y = left + (width - dw) / 2, box_top - dh
        canvas.drawImage(a.image, x, y, dw, dh)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(x, y, dw, dh)
    else:
        canvas.setFillColor(white)
        canvas.setStrokeColor(black)
        canvas.rect(left, box_top - 60, width, 50, fill=0)
        canvas.setFillColor(black)
        canvas.setFont(FONT, 10)
        canvas.drawString(left + 8, box_top - 32, fit(a.problem, width - 16, FONT, 10))
    canvas.restoreState()


# --- the finished file -------------------------------------------------------------------------


def assemble(layout: Layout, appendices: Sequence[Appendix], step: Callable[[], None]) -> bytes:
    """The pages in the order of the file, each original bilag page with its stamp on
    top, and the outline for all of it. `step` is called after each bilag."""
    main = PdfReader(io.BytesIO(layout.pdf))
    writer = PdfWriter()
    # A page with links (the contents) goes in after the pages they point to, at its place:
    # pypdf copies a link's page along with the link, and would copy that page again when
    # it is added itself (twice the work, and a stray copy in the file).
    pages = [main.pages[index] for index in layout.page_order[: layout.main_pages]]
    for page in pages:
        if PageAttributes.ANNOTS not in page:
            writer.add_page(page)
    for at, page in enumerate(pages):
        if PageAttributes.ANNOTS in page:
            writer.insert_page(page, at)
    stamps = iter(layout.page_order[layout.main_pages :])
    brackets: dict[str, DecodedStreamObject] = {}
    for a in appendices:
        for page_no in range(a.pages):
            stamp = main.pages[next(stamps)]
            if a.reader is not None:
                _put_original(writer, a.reader, page_no, stamp, brackets)
            else:
                writer.add_page(stamp)
        step()
    parents: dict[int, object] = {}
    for level, title, page_no in layout.outline:
        parent = parents.get(level - 1) if level > 0 else None
        parents[level] = writer.add_outline_item(title=title, page_number=page_no - 1, parent=parent)  # type: ignore[arg-type]
    if main.metadata is not None:
        writer.add_metadata(main.metadata)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _put_original(
    writer: PdfWriter, reader: PdfReader, page_no: int, stamp: PageObject, brackets: dict[str, DecodedStreamObject]
) -> None:
    """Add an original bilag page with its stamp on top. A page pypdf cannot take apart
    is replaced by its stamp page; a page that cannot be stamped goes in without it
    (its content matters more)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # about flaws in the sender's PDF, which pypdf repairs
        try:
            page = writer.add_page(reader.pages[page_no])
        except Exception as err:  # pypdf raises many kinds on a damaged file
            # The kind only: pypdf's messages may quote bytes of the document (health data).
            log.warning("Et bilag kunne ikke tilføjes (%s); kun stemplet er med.", type(err).__name__)
            writer.add_page(stamp)
            return
        try:
            if page.rotation % 360:
                # So that the stamp lands upright at the top of the page as it is shown.
                page.transfer_rotation_to_content()
            _overlay(writer, page, stamp, brackets)
        except Exception as err:
            log.warning("Et bilag kunne ikke stemples (%s); siden er med uden stempel.", type(err).__name__)


_STAMP = "/JobraadStempel"  # the stamp's name among an original page's XObjects


def _overlay(writer: PdfWriter, page: PageObject, stamp: PageObject, brackets: dict[str, DecodedStreamObject]) -> None:
    """Draw the stamp page on top of `page` as a form XObject: the stamp's content stream,
    copied into the file, becomes the form, with the stamp page's resources (the main
    part's fonts), and the page's own content streams are kept as they are (copied, not
    decoded), only bracketed by q/Q so that the original's graphics state cannot move
    the stamp. Nothing is parsed, unlike `PageObject.merge_page`, which decodes both
    pages' content, parses the stamp's and renames the fonts of both."""
    content = stamp[PageAttributes.CONTENTS].get_object()  # ReportLab writes a page as one stream
    if not isinstance(content, StreamObject):
        raise TypeError("the stamp page has no single content stream")
    form = content.clone(writer)
    box = page.cropbox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(v) for v in (0, 0, stamp.mediabox.width, stamp.mediabox.height)
            ),
            NameObject("/Matrix"): ArrayObject(FloatObject(v) for v in (1, 0, 0, 1, box.left, box.bottom)),
            NameObject("/Resources"): stamp[PageAttributes.RESOURCES].clone(writer),
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
    page[NameObject(PageAttributes.RESOURCES)] = resources
    contents = page.get(PageAttributes.CONTENTS)
    streams = contents.get_object() if contents is not None else ArrayObject()
    # Copies: `replace_contents` empties the streams it replaces.
    originals = [
        s.get_object().clone(writer, force_duplicate=True)
        for s in (streams if isinstance(streams, ArrayObject) else [streams])
    ]
    page.replace_contents(
        ArrayObject([_bracket(brackets, "q\n"), *originals, _bracket(brackets, f"Q\nq {name} Do Q\n")])
    )


def _bracket(brackets: dict[str, DecodedStreamObject], code: str) -> DecodedStreamObject:
    """A small content stream, one per text for the whole file."""
    if code not in brackets:
        stream = DecodedStreamObject()
        stream.set_data(code.encode("ascii"))
        brackets[code] = stream
    return brackets[code]
