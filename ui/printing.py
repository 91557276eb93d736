"""Printing a PDF from a window: Qt's print dialog, then the PDF as it is, in a worker, with
its progress and Annuller in the window (`PrintStatus`); the window never waits.

After the dialog, one of three routes (`route_for`):

- "Udskriv til fil" (Qt's PDF output with a file name): the PDF's own bytes, written by the
  one writer (`jobraad.outputs.write_output`): text, fonts and drawings as they are.
- A CUPS print path (`jobraad.print_spool`, Linux and macOS): the PDF on `lp`'s standard
  input, so the printer gets the PDF itself, not pictures of its pages.
- Otherwise (Windows, or no CUPS): each page rendered at the printer's resolution, at most
  `MAX_DPI`, in bands of `BAND` rows (each of Qt's calls that hold Python's lock stays
  short, so the window's thread gets its turn), grey where a band has no colour, and painted
  on the printer (`paint_pages`).

Cancelling stops the bands between two of them and aborts the printer, or stops `lp`
before it has the job (or cancels the job it made). Nothing is written to a temporary file.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

from jobraad.outputs import rules_for, write_output
from jobraad.print_spool import (
    PrintCancelled,
    PrintFailed,
    PrintOptions,
    Spooler,
    find_spooler,
    select_pages,
    spool,
)
from ui import palette
from ui.worker import Progress, start_task

if TYPE_CHECKING:
    from db.session import Database

__all__ = [
    "BAND",
    "MAX_DPI",
    "PrintJob",
    "PrintStatus",
    "Route",
    "choose_printer",
    "default_printer",
    "paint_pages",
    "print_options",
    "route_for",
]

MAX_DPI = 300  # enough for text on paper; more only makes the job bigger
# Rows rendered and painted at a time. Qt keeps Python's lock through each band's calls, so
# the window waits up to one band: at 256 rows 25-35 ms a band, at 128 rows 18-20 ms (and
# the job 1.5 % larger) (measured, 2026-12, a 20-page dossier at 300 dpi).
BAND = 128
_PAUSE = 0.001  # seconds, after each band


class Route(enum.Enum):
    FILE = "file"  # print to a PDF file: the bytes as they are
    SPOOLER = "spooler"  # the PDF to CUPS
    RASTER = "raster"  # the pages painted on Qt's printer


def choose_printer(parent: QWidget, doc_name: str, pages: int) -> QPrinter | None:
    """Qt's print dialog for a document of `pages` pages (0: not known, no page range);
    the printer as chosen, or None if the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc_name)
    printer.setFullPage(True)  # the PDF has its own margins
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Udskriv")
    option = QAbstractPrintDialog.PrintDialogOption
    options = option.PrintToFile | option.PrintCollateCopies | option.PrintShowPageSize
    if pages > 1:
        options |= option.PrintPageRange
        dialog.setMinMax(1, pages)
    dialog.setOptions(options)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def default_printer(doc_name: str) -> QPrinter:
    """The system's default printer, as the print dialog would start with it, for a print
    without asking (Enter in a preview): all pages, one copy, the PDF's own margins."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc_name)
    printer.setFullPage(True)
    return printer


def _page_range(printer: QPrinter) -> tuple[int, int] | None:
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        return printer.fromPage(), max(printer.fromPage(), printer.toPage())
    return None


def print_options(printer: QPrinter, title: str) -> PrintOptions:
    """What the print dialog chose, for the spooler."""
    sides: dict[QPrinter.DuplexMode, Literal["one", "long", "short"]] = {
        QPrinter.DuplexMode.DuplexNone: "one",
        QPrinter.DuplexMode.DuplexLongSide: "long",
        QPrinter.DuplexMode.DuplexShortSide: "short",
    }
    return PrintOptions(
        title=title,
        printer=printer.printerName(),
        copies=printer.copyCount(),
        pages=_page_range(printer),
        duplex=sides.get(printer.duplex()),  # DuplexAuto: as the printer is set up
        grayscale=printer.colorMode() == QPrinter.ColorMode.GrayScale,
        collate=printer.collateCopies(),
    )


def route_for(printer: QPrinter) -> tuple[Route, Spooler | None]:
    """How a PDF reaches `printer` (see the module's docstring)."""
    if printer.outputFileName():
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            return Route.FILE, None
        return Route.RASTER, None  # the printer driver's own file (Windows' "print to file")
    spooler = find_spooler()
    if spooler is not None:
        return Route.SPOOLER, spooler
    return Route.RASTER, None


class PrintJob:
    """One print of a PDF on a printer the dialog chose: `deliver` runs in a worker,
    `cancel` is called from the window. `title` is the job's name in the printer's queue
    (`jobraad.print_spool.job_title`: never the citizen's name); a print to a file never
    replaces `database` or its backups (`jobraad.outputs.rules_for`)."""

    def __init__(self, printer: QPrinter, title: str, database: Database) -> None:
        self.printer = printer
        self.title = title
        self.database = database
        self._cancelled = threading.Event()
        printer.setDocName(title)

    def cancel(self) -> None:
        self._cancelled.set()

    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def deliver(self, data: bytes, progress: Progress) -> str:
        """Print `data` (a PDF); what was done, in Danish. Raises `PrintCancelled` or
        `PrintFailed` (or a storage error for a file), with a Danish message."""
        if self.cancelled():
            raise PrintCancelled
        route, spooler = route_for(self.printer)
        pages = _page_range(self.printer)
        if route == Route.FILE:
            target = Path(self.printer.outputFileName())
            content = select_pages(data, *pages) if pages is not None else data
            # Qt's print dialog has asked before replacing an existing file.
            rules = rules_for(self.database)
            write_output(target, content, rules, replace=True, what="Udskriften kunne ikke gemmes")
            return f"Gemt som PDF-fil: {target.name}"
        where = f"printeren «{self.printer.printerName()}»" if self.printer.printerName() else "printeren"
        if route == Route.SPOOLER:
            assert spooler is not None
            progress(0, 0)
            spool(spooler, data, print_options(self.printer, self.title), self.cancelled)
            return f"Sendt til {where}."
        printed = paint_pages(data, self.printer, self.cancelled, progress)
        return f"{printed} {'side' if printed == 1 else 'sider'} sendt til {where}."


def paint_pages(
    data: bytes, printer: QPrinter, cancelled: Callable[[], bool], progress: Progress, max_dpi: int = MAX_DPI
) -> int:
    """Paint the pages of `data` (a PDF; the printer's page range, or all) on `printer`, each
    rendered at the printer's resolution but at most `max_dpi`, in bands of `BAND` rows,
    each page centred on the paper and shrunk to fit it if larger. When no page has colour
    the printer is set to grey (Qt then sends a third of the data); a band without colour
    is grey in any case. For a worker thread: `cancelled()` is asked
    between bands (then the printer is aborted and `PrintCancelled` raised), `progress(done,
    total)` told after each page. Returns the number of pages painted."""
    raw = QByteArray(data)
    buffer = QBuffer(raw)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    count = document.pageCount()
    if document.error() != QPdfDocument.Error.None_ or count == 0:
        raise PrintFailed("Dokumentet kunne ikke læses til udskrivning.")
    first, last = _page_range(printer) or (1, count)
    pages = range(max(first, 1) - 1, min(last, count))
    printer.setFullPage(True)
    grey = printer.colorMode() == QPrinter.ColorMode.GrayScale
    if not grey and not any(_has_colour(document, page) for page in pages if not cancelled()):
        printer.setColorMode(QPrinter.ColorMode.GrayScale)  # a third of the job, and no colour toner
        grey = True
    if cancelled():
        raise PrintCancelled
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed("Printeren kunne ikke startes.")
    # Qt's PDF output would store the pages as JPEG: fuzzy text, and larger than lossless.
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
    done = False
    try:
        resolution = printer.resolution()
        dpi = min(resolution, max_dpi)
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for n, page in enumerate(pages):
            if cancelled():
                raise PrintCancelled
            if n:
                printer.newPage()
            size = document.pagePointSize(page)
            width, height = max(1, round(size.width() * dpi / 72)), max(1, round(size.height() * dpi / 72))
            scale = min(resolution / dpi, paper.width() / width, paper.height() / height)
            painter.save()
            try:
                painter.translate((paper.width() - width * scale) / 2, (paper.height() - height * scale) / 2)
                painter.scale(scale, scale)
                for top in range(0, height, BAND):
                    if cancelled():
                        raise PrintCancelled
                    rows = min(BAND, height - top)
                    painter.drawImage(QPointF(0, top), _band(document, page, QSize(width, height), top, rows, grey))
                    # Qt's calls above keep Python's lock; Python hands it over to a waiting thread
                    # only now and then. A pause lets the window's thread have it after each band.
                    time.sleep(_PAUSE)
            finally:
                painter.restore()
            progress(n + 1, len(pages))
        done = True
    finally:
        if not done:
            printer.abort()
        painter.end()
        document.close()
    return len(pages)


def _has_colour(document: QPdfDocument, page: int) -> bool:
    """Whether `page` has any colour, seen at 36 dpi (a tinted pixel is enough)."""
    size = document.pagePointSize(page)
    image = document.render(page, QSize(max(1, round(size.width() / 2)), max(1, round(size.height() / 2))))
    return not image.allGray()


def _band(document: QPdfDocument, page: int, size: QSize, top: int, rows: int, grey: bool) -> QImage:
    """Rows `top` to `top + rows` of `page` rendered at `size`, on white; grey if it has no colour."""
    options = QPdfDocumentRenderOptions()
    options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)  # filled-in forms among the bilag
    options.setScaledSize(size)
    options.setScaledClipRect(QRect(0, top, size.width(), rows))
    rendered = document.render(page, QSize(size.width(), rows), options)  # transparent where nothing is drawn
    band = QImage(size.width(), rows, QImage.Format.Format_RGB32)
    band.fill(Qt.GlobalColor.white)
    on_white = QPainter(band)
    on_white.drawImage(0, 0, rendered)
    on_white.end()
    if grey or band.allGray():
        return band.convertToFormat(QImage.Format.Format_Grayscale8)
    return band


class PrintStatus(QWidget):
    """A print in the window that started it: what is happening, the pages done of all,
    and a button that cancels it; afterwards what came of it.

    Signals: ended(message, printed) – the print is over; `printed` False when it was
    cancelled or failed (the message says why)."""

    ended = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("printStatus")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("printProgress")
        self.bar.setFormat("%v af %m sider")
        self.bar.setMinimumWidth(200)
        self.bar.setMaximumWidth(280)
        self.cancel_button = QPushButton("&Annuller udskrivning")
        self.cancel_button.setToolTip("Stop udskrivningen")
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._job: PrintJob | None = None
        self.setMinimumHeight(self.cancel_button.sizeHint().height())  # the window keeps its layout when it ends
        self.bar.hide()
        self.cancel_button.hide()
        self.hide()

    def running(self) -> bool:
        return self._job is not None

    def start(self, job: PrintJob, work: Callable[[Progress], str]) -> None:
        """Run `work` (which prints with `job`) in a worker; this shows how it goes."""
        self._job = job
        self.label.setStyleSheet("")
        self.label.setText("Udskriver…")
        self.bar.setRange(0, 0)  # busy, until the first page is done
        self.bar.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.show()
        start_task(work, self._done, self._failed, self._progressed)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Annullerer udskrivningen…")

    def _progressed(self, done: int, total: int) -> None:
        if self._job is None or self._job.cancelled():
            return
        if total <= 0:
            self.label.setText("Sender til printeren…")
            self.bar.setRange(0, 0)
            return
        self.label.setText(f"Udskriver side {min(done + 1, total)} af {total}…" if done < total else "Afslutter…")
        self.bar.setRange(0, total)
        self.bar.setValue(done)

    def _finish(self, message: str, printed: bool) -> None:
        self._job = None
        self.bar.hide()
        self.cancel_button.hide()
        self.label.setStyleSheet("" if printed else palette.error_style())
        self.label.setText(message)
        self.ended.emit(message, printed)

    def _done(self, message: object) -> None:
        self._finish(str(message), True)

    def _failed(self, message: str, is_bug: bool) -> None:
        self._finish(message, False)
        if is_bug:
            QMessageBox.critical(self, "Udskriv", message)
