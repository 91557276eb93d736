"""Printing the dossier and the request letter: the PDF as it is (to a file with its text and
fonts, to CUPS on lp's standard input), or painted page by page in a worker while the
window answers, with Annuller that stops it."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from db.enums import DocumentState
from db.session import Database
from jobraad import documentation
from jobraad.print_spool import CANCELLED
from tests.helpers import HANGING_LP, fake_cups
from tests.jobraad.test_dossier import CPR_ANH, add_case, flat, fonts_used, make, page_texts
from tests.ui import test_documentation_tab as documentation_tests
from tests.ui.test_documentation_tab import TODAY, _audit_details
from ui import printing
from ui.dialogs.dossier_preview import DossierPreview
from ui.dialogs.request_letter import RequestLetterDialog
from ui.file_tabs.documentation import DocumentationTab
from ui.forms import FormDialog

# The documentation tab's fixtures: a citizen's checklist, with a consent and a GP for a letter.
tab = documentation_tests.tab
letter_tab = documentation_tests.with_consent_and_gp

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in for CUPS is POSIX shell scripts")

NAME_AND_CPR = ("Nguyễn", "Ánh", "010162", "0101621233", "1233")
SUGGESTED = "Sag NÁ 2026-03-02.pdf"  # suggested_name("Sag", "Nguyễn Thị", "Ánh", TODAY)


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The dossier of a case with 30 weeks of hours and five bilag (20 pages)."""
    from db.session import create_database

    database = create_database(tmp_path_factory.mktemp("dossier") / "sag.jobraad", "en lang nok adgangskode")
    try:
        data, info = make(database, add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH, weeks=30, received=5))
    finally:
        database.close()
    assert info.pages == 20
    return data


def _file_printer(path: Path) -> QPrinter:
    """A printer as Qt's dialog leaves it after "Udskriv til fil" (PDF)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _choose(monkeypatch: pytest.MonkeyPatch, printer: QPrinter) -> list[tuple[str, int]]:
    """The print dialog, answered with `printer`; what it was asked (title, pages)."""
    asked: list[tuple[str, int]] = []

    def choose(_parent: object, title: str, pages: int) -> QPrinter:
        asked.append((title, pages))
        return printer

    monkeypatch.setattr(printing, "choose_printer", choose)
    return asked


def _painted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every print goes the raster way (as on Windows); the bands painted, by page."""
    monkeypatch.setattr(printing, "route_for", lambda _printer: (printing.Route.RASTER, None))
    bands: list[int] = []
    real = printing._band

    def band(document: Any, page: int, *args: Any) -> Any:
        bands.append(page)
        return real(document, page, *args)

    monkeypatch.setattr(printing, "_band", band)
    return bands


@pytest.fixture
def preview(qtbot: QtBot, database: Database, dossier: bytes) -> DossierPreview:
    window = DossierPreview(dossier, SUGGESTED, database)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _embedded(reader: PdfReader) -> list[bool]:
    """For each font on each page: whether its file is in the PDF."""
    found = []
    for page in reader.pages:
        for font in fonts_used(page["/Resources"]):
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            descriptors = [t["/FontDescriptor"].get_object() for t in targets if "/FontDescriptor" in t]
            found.append(any(k in d for d in descriptors for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    return found


@pytest.fixture
def cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = fake_cups(tmp_path / "cups")
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    yield folder


# --- the dossier ----------------------------------------------------------------------------------


def test_printing_the_dossier_to_a_file_writes_the_pdf_itself(
    qtbot: QtBot, preview: DossierPreview, dossier: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "udskrift.pdf"
    asked = _choose(monkeypatch, _file_printer(target))
    with qtbot.waitSignal(preview.print_status.ended, timeout=10_000) as ended:
        preview.choose_button.click()  # «Udskriv til…»: the print dialog
    assert asked == [("jobraad – Sag NÁ 2026-03-02", 20)]
    assert ended.args == ["Gemt som PDF-fil: udskrift.pdf", True]
    assert preview.print_status.label.text() == "Gemt som PDF-fil: udskrift.pdf"
    assert target.read_bytes() == dossier  # not pictures of the pages
    reader = PdfReader(target)
    text = flat("\n".join(page_texts(target.read_bytes())))
    assert "Syerske i 12 år" in text and "Nguyễn Thị Ánh" in text
    fonts = _embedded(reader)
    assert fonts and all(fonts)
    assert preview.print_button.isEnabled()


def test_printing_some_pages_to_a_file_keeps_their_text(
    qtbot: QtBot, preview: DossierPreview, dossier: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "side 2-3.pdf"
    printer = _file_printer(target)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    _choose(monkeypatch, printer)
    with qtbot.waitSignal(preview.print_status.ended, timeout=10_000):
        preview.print_document()
    assert page_texts(target.read_bytes()) == page_texts(dossier)[1:3]
    assert all(_embedded(PdfReader(target)))


def test_printing_to_a_file_never_replaces_the_database(
    qtbot: QtBot, preview: DossierPreview, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = database.path.read_bytes()
    _choose(monkeypatch, _file_printer(database.path))
    with qtbot.waitSignal(preview.print_status.ended, timeout=10_000) as ended:
        preview.print_document()
    message, printed = ended.args
    assert not printed and "databasen" in message
    assert database.path.read_bytes() == before


@posix_only
def test_the_dossier_goes_to_cups_as_it_is_with_no_name_in_the_job(
    qtbot: QtBot, preview: DossierPreview, dossier: bytes, cups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # no file: a printer
    printer.setCopyCount(2)
    _choose(monkeypatch, printer)
    with qtbot.waitSignal(preview.print_status.ended, timeout=10_000) as ended:
        preview.print_document()
    assert ended.args == ["Sendt til printeren.", True]
    assert (cups / "lp-stdin").read_bytes() == dossier
    args = (cups / "lp-args").read_text(encoding="utf-8").splitlines()
    assert args[:4] == ["-n", "2", "-t", "jobraad – Sag NÁ 2026-03-02"]
    assert not [a for a in args for secret in NAME_AND_CPR if secret in a]


@pytest.mark.usefixtures("program_heap")
def test_the_window_answers_while_the_pages_are_painted(
    qtbot: QtBot, preview: DossierPreview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on a Windows printer: every page rendered and painted, in a worker."""
    bands = _painted(monkeypatch)
    target = tmp_path / "spool.pdf"
    _choose(monkeypatch, _file_printer(target))
    gaps: list[int] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: gaps.append(clock.restart()))
    clock.start()
    timer.start()
    with qtbot.waitSignal(preview.print_status.ended, timeout=60_000) as ended:
        preview.print_document()
        assert preview.print_status.isVisible() and preview.print_status.cancel_button.isVisible()
    timer.stop()
    assert ended.args == ["20 sider sendt til printeren.", True]
    assert len(PdfReader(target).pages) == 20 and len(set(bands)) == 20
    assert len(gaps) > 50  # the print took a while: the ticks came all along
    # The first wait holds the click itself: the print status line laid out and painted, the
    # worker started and its opening of the document (31-51 ms here, 111-131 ms on CI's shared
    # machine). The waits after it are the worker's painting, page after page.
    click, painting = gaps[0], gaps[1:]
    assert click < 250, f"the click on Udskriv waited {click} ms"
    assert max(painting) < 100, f"the window waited {max(painting)} ms while the pages were painted"


def test_annuller_stops_the_painting(
    qtbot: QtBot, preview: DossierPreview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bands = _painted(monkeypatch)
    _choose(monkeypatch, _file_printer(tmp_path / "spool.pdf"))
    with qtbot.waitSignal(preview.print_status.ended, timeout=60_000) as ended:
        preview.print_document()
        qtbot.waitUntil(lambda: preview.print_status.bar.value() >= 1, timeout=30_000)
        preview.print_status.cancel_button.click()
    assert ended.args == [CANCELLED, False]
    assert preview.print_status.label.text() == CANCELLED
    assert max(bands) < 18  # stopped long before the last page
    assert preview.print_button.isEnabled()


def test_closing_the_preview_cancels_the_print_first(
    qtbot: QtBot, preview: DossierPreview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bands = _painted(monkeypatch)
    _choose(monkeypatch, _file_printer(tmp_path / "spool.pdf"))
    preview.print_document()
    qtbot.waitUntil(lambda: bool(bands), timeout=30_000)
    with qtbot.waitSignal(preview.print_status.ended, timeout=60_000) as ended:
        preview.reject()  # Esc, or the window's close button
        assert preview.isVisible()  # until the print has stopped
    assert ended.args == [CANCELLED, False]
    assert not preview.isVisible() and preview.result() == DossierPreview.DialogCode.Rejected
    assert max(bands) < 18


# --- the request letter -----------------------------------------------------------------------


def _printing(qtbot: QtBot, then: str = "") -> Any:
    """Stands in for the letter form's `exec`: Udskriv…, then wait until the print is over
    (pressing Annuller udskrivning once lp has the letter, with `then="cancel"`)."""

    def run(dialog: FormDialog) -> int:
        assert isinstance(dialog, RequestLetterDialog)
        run.dialog = dialog  # type: ignore[attr-defined]
        with qtbot.waitSignal(dialog.print_status.ended, timeout=30_000):
            dialog.print_button.click()
            if then == "cancel":
                started = Path(str(run.cups)) / "lp-started"  # type: ignore[attr-defined]
                qtbot.waitUntil(started.exists, timeout=10_000)
                dialog.print_status.cancel_button.click()
        return int(dialog.result())

    return run


def test_the_letter_printed_to_a_file_has_its_text_and_fonts_and_marks_the_item(
    qtbot: QtBot, letter_tab: DocumentationTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_tab = letter_tab
    target = tmp_path / "brev.pdf"
    asked = _choose(monkeypatch, _file_printer(target))
    runner = _printing(qtbot)
    monkeypatch.setattr(FormDialog, "exec", runner)
    opened: list[object] = []
    monkeypatch.setattr("ui.file_tabs.documentation.QDesktopServices.openUrl", opened.append)
    file_tab.make_letter()
    assert asked == [("jobraad – Anmodning ŁW 2026-03-02", 0)]
    assert runner.dialog.result() == FormDialog.DialogCode.Accepted and opened == []  # printed: nothing to open
    reader = PdfReader(target)
    text = flat(reader.pages[0].extract_text())
    assert "Łucja Wąsik" in text and "afklaring af ret til førtidspension" in text
    assert all(_embedded(reader))
    entry = file_tab.selected_entry()
    assert entry is not None and entry.state == DocumentState.ANMODET
    assert _audit_details(file_tab.database).count("Udskrift: anmodningsbrev") == 1


@posix_only
def test_the_letter_goes_to_cups_with_no_name_in_the_job(
    qtbot: QtBot, letter_tab: DocumentationTab, cups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_tab = letter_tab
    _choose(monkeypatch, QPrinter(QPrinter.PrinterMode.HighResolution))
    monkeypatch.setattr(FormDialog, "exec", _printing(qtbot))
    file_tab.make_letter()
    letter = (cups / "lp-stdin").read_bytes()
    assert "Łucja Wąsik" in flat(PdfReader(io.BytesIO(letter)).pages[0].extract_text())
    args = (cups / "lp-args").read_text(encoding="utf-8").splitlines()
    assert "jobraad – Anmodning ŁW 2026-03-02" in args
    assert not [a for a in args for secret in ("Łucja", "Wąsik", "150580", "1505801234") if secret in a]
    entry = file_tab.selected_entry()
    assert entry is not None and entry.state == DocumentState.ANMODET


@posix_only
def test_a_cancelled_letter_print_marks_nothing_and_keeps_the_form(
    qtbot: QtBot, letter_tab: DocumentationTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_tab = letter_tab
    folder = fake_cups(tmp_path / "cups", HANGING_LP)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    _choose(monkeypatch, QPrinter(QPrinter.PrinterMode.HighResolution))
    runner = _printing(qtbot, then="cancel")
    runner.cups = folder
    monkeypatch.setattr(FormDialog, "exec", runner)
    file_tab.make_letter()
    dialog = runner.dialog
    assert dialog.result() != FormDialog.DialogCode.Accepted
    assert dialog.general_error.text() == CANCELLED and dialog.print_button.isEnabled()
    entry = documentation.load_checklist(file_tab.database, file_tab.citizen_id, TODAY).entry("lae265")  # type: ignore[arg-type]
    assert entry.state == DocumentState.MANGLER and entry.events == ()
    assert "Udskrift: anmodningsbrev" not in _audit_details(file_tab.database)


def test_a_letter_without_colour_is_painted_grey_at_300_dpi(
    qtbot: QtBot, letter_tab: DocumentationTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_tab = letter_tab
    _painted(monkeypatch)
    target = tmp_path / "spool.pdf"
    printer = _file_printer(target)
    assert printer.resolution() > printing.MAX_DPI and printer.colorMode() == QPrinter.ColorMode.Color
    _choose(monkeypatch, printer)
    monkeypatch.setattr(FormDialog, "exec", _printing(qtbot))
    file_tab.make_letter()
    images = [
        xobject.get_object()
        for page in PdfReader(target).pages
        for xobject in page["/Resources"]["/XObject"].values()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert images
    assert {str(i["/ColorSpace"]) for i in images} == {"/DeviceGray"}
    assert {int(i["/Width"]) for i in images} == {2480}  # A4 at 300 dpi, not the printer's 1200


# --- the dossier by keyboard: Ctrl+D, Enter -------------------------------------------------------


@posix_only
def test_ctrl_d_then_enter_prints_the_team_dossier_on_the_default_printer(
    qtbot: QtBot, database: Database, cups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's task "start → printed dossier for a known CPR": from the Overblik the window
    opens on, the CPR typed, Enter, Ctrl+D, Enter, and the team's dossier is at the printer: no
    mouse, no reader dialog, no print dialog (the passphrase step: tests/ui/test_app_start.py)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    citizen = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH, weeks=4, received=1)
    monkeypatch.setattr(printing, "choose_printer", lambda *_a: pytest.fail("Enter asks no print dialog"))
    monkeypatch.setattr(DossierPreview, "exec", lambda self: self.show() or 0)  # shown, not waited for
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.pages.currentWidget() is window.overview  # as after the passphrase
    window.overview.tree.setFocus()
    keys = 0

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        nonlocal keys
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, key, modifier)
        keys += 1

    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClicks(focus, CPR_ANH)  # typed on the Overblik: it goes to the search
    press(Qt.Key.Key_Return)  # the only match opens
    assert window.file.citizen_id == citizen
    press(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(window.file, "last_preview", None), DossierPreview), timeout=30_000)
    preview: DossierPreview = window.file.last_preview
    qtbot.addWidget(preview)
    preview.activateWindow()
    qtbot.waitUntil(lambda: preview.isAncestorOf(QApplication.focusWidget()))
    assert preview.reader() == "team"
    with qtbot.waitSignal(preview.print_status.ended, timeout=10_000) as ended:
        press(Qt.Key.Key_Return)
    assert keys == 3  # CPR typed, then Enter, Ctrl+D, Enter: after the passphrase, the four actions
    assert ended.args == ["Sendt til printeren.", True]
    assert (cups / "lp-stdin").read_bytes() == preview.data
    assert "Rehabiliteringsteam" in flat(page_texts(preview.data)[0])
    args = (cups / "lp-args").read_text(encoding="utf-8").splitlines()
    assert args[:4] == ["-n", "1", "-t", "jobraad – Sag NÁ 2026-03-02"]  # lp's default destination
    assert not [a for a in args for secret in NAME_AND_CPR if secret in a]
