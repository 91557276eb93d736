"""Windows fit the screen they open on: their buttons are never below its edge, and the
caseload shows Navn, Dokumentation and Næste frist on a 1366 × 768 laptop as on a larger screen."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from reportlab.pdfgen.canvas import Canvas

import ui.screen
from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.demo import generate_demo
from tests.ui.conftest import pretend_screen, settle
from ui.caseload_view import fit_columns
from ui.dialogs.attachment_viewer import AttachmentViewer
from ui.dialogs.dossier_preview import DossierPreview
from ui.main_window import MainWindow
from ui.models.caseload import CaseloadTableModel
from ui.screen import FRAME_HEIGHT, FRAME_WIDTH, keep_on_screen

TODAY = dt.date(2026, 11, 25)
# The screens' room for windows: a 40-pixel taskbar below.
SCREENS = {"1366x768": QRect(0, 0, 1366, 728), "1920x1080": QRect(0, 0, 1920, 1040)}


def _pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "Side 1")
    canvas.save()
    return out.getvalue()


def test_the_dossier_preview_and_its_buttons_fit_the_screen(qtbot: QtBot, database: Database) -> None:
    screen = QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    assert room.height() < 1000 + FRAME_HEIGHT  # the offscreen screen is smaller than the preview's wish
    preview = DossierPreview(_pdf(), "sag.pdf", database)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    assert room.contains(preview.geometry())
    assert preview.geometry().bottom() + FRAME_HEIGHT // 2 <= room.bottom() + 1
    buttons = {b.text(): b for b in preview.findChildren(QPushButton)}
    for text in ("&Udskriv", "Udskriv &til…", "&Gem som…", "Luk"):
        assert preview.rect().contains(buttons[text].geometry()), text


def test_the_attachment_viewer_fits_the_screen(qtbot: QtBot) -> None:
    room = QGuiApplication.primaryScreen().availableGeometry()
    viewer = AttachmentViewer("attest.pdf", "application/pdf", _pdf())
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    assert room.contains(viewer.geometry())


def test_the_dossier_is_suggested_in_the_documents_folder(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    from unittest.mock import patch

    from PySide6.QtWidgets import QFileDialog

    from ui.places import documents_folder

    preview = DossierPreview(_pdf(), "Sag SÆ 2026-03-02.pdf", database)
    qtbot.addWidget(preview)
    with patch.object(QFileDialog, "getSaveFileName", return_value=(str(tmp_path / "sag.pdf"), "")) as asked:
        assert preview.save_as() == tmp_path / "sag.pdf"
    assert Path(asked.call_args.args[2]) == documents_folder() / "Sag SÆ 2026-03-02.pdf"


@pytest.fixture(params=list(SCREENS))
def room(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QRect:
    """The screen the window opens on (the test machine's own screen stands in for it)."""
    area = SCREENS[request.param]
    pretend_screen(monkeypatch, area)
    return area


@pytest.fixture
def window(qtbot: QtBot, database: Database, room: QRect) -> Iterator[MainWindow]:
    generate_demo(database, citizens=30, seed=1, today=TODAY)
    create_citizen(  # a name far longer than the column: elided, nothing pushed out of view
        database,
        CitizenInput("Anne-Mette Charlotte Frederikke", "Østergaard-Vestergaard Christiansen", "0202801236"),
    )
    w = MainWindow(database, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w


def _fully_shown(widget: QWidget) -> bool:
    return widget.visibleRegion().boundingRect() == widget.rect()


def test_the_main_window_and_its_buttons_fit_the_screen(window: MainWindow, room: QRect) -> None:
    asked = window.size()
    assert window.width() + FRAME_WIDTH <= room.width() and window.height() + FRAME_HEIGHT <= room.height()
    window.open_citizen(window.model.rows()[0].citizen_id)
    tabs = window.file.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        settle()  # the layouts are done, as before a user sees them
        assert window.size() == asked, tabs.tabText(index)  # no section makes the window grow
        buttons = [b for b in window.findChildren(QPushButton) if b.isVisible()]
        assert buttons
        for button in buttons:
            where = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
            assert window.rect().contains(where), (tabs.tabText(index), button.text())
            assert _fully_shown(button), (tabs.tabText(index), button.text())


def test_the_caseload_always_shows_name_documentation_and_next_deadline(window: MainWindow, room: QRect) -> None:
    window.open_citizen(window.model.rows()[0].citizen_id)  # the file beside the list takes its room
    settle()
    table = window.table
    header = table.horizontalHeader()
    metrics = QFontMetrics(header.font())
    width = table.viewport().width()
    for column in CaseloadTableModel.ALWAYS_SHOWN:
        assert not table.isColumnHidden(column), CaseloadTableModel.HEADERS[column]
        left = table.columnViewportPosition(column)
        shown = min(left + table.columnWidth(column), width) - max(left, 0)
        # Room for the header's text, and for a date or a name with it.
        assert shown >= metrics.horizontalAdvance(CaseloadTableModel.HEADERS[column]) + 16, header
        assert shown >= 100
    assert table.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways: the names stay
    used = sum(table.columnWidth(c) for c in range(header.count()) if not table.isColumnHidden(c))
    assert used <= width
    if room.width() >= 1920:  # a larger screen shows every column
        assert not any(table.isColumnHidden(c) for c in range(header.count()))


def test_the_columns_give_way_in_order_and_the_required_ones_stay() -> None:
    wants = {0: (100, 150), 1: (60, 80), 2: (40, 40), 3: (90, 200)}
    always, give_way = (0, 3), (2, 1)
    assert fit_columns(1000, wants, always, give_way) == {0: 150, 1: 80, 2: 40, 3: 730}
    # The others grow before the last required column (its text is long; it takes the rest).
    assert fit_columns(380, wants, always, give_way) == {0: 150, 1: 80, 2: 40, 3: 110}
    assert fit_columns(340, wants, always, give_way) == {0: 150, 1: 60, 2: 40, 3: 90}
    assert fit_columns(300, wants, always, give_way) == {0: 150, 1: 60, 3: 90}  # 2 gives way first
    assert fit_columns(250, wants, always, give_way) == {0: 150, 3: 100}
    assert fit_columns(150, wants, always, give_way) == {0: 100, 3: 90}  # too narrow: the least they need


def test_a_window_framed_taller_than_thought_is_made_to_fit(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    room = SCREENS["1366x768"]
    pretend_screen(monkeypatch, room)
    window = QWidget()
    qtbot.addWidget(window)
    ui.screen.fit_to_screen(window, 1360, 840)
    assert window.height() == room.height() - FRAME_HEIGHT
    inner = window.geometry()
    title_bar = 70  # the window manager's frame: taller than FRAME_HEIGHT allows for
    framed = QRect(inner.x() - 4, inner.y() - title_bar, inner.width() + 8, inner.height() + title_bar + 4)
    monkeypatch.setattr(window, "frameGeometry", lambda: framed)
    keep_on_screen(window)
    assert window.height() + title_bar + 4 <= room.height()
    assert window.width() + 8 <= room.width()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen screen, showing the tooltip
def test_a_name_cut_short_in_the_list_is_shown_whole_in_its_tooltip(window: MainWindow, room: QRect) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    window.pages.setCurrentIndex(1)
    window.search.setText("Frederikke")
    settle()
    table = window.table
    name = "Anne-Mette Charlotte Frederikke Østergaard-Vestergaard Christiansen"
    index = window.proxy.index(0, CaseloadTableModel.NAME)
    assert index.data() == name
    where = table.visualRect(index).center()
    QApplication.sendEvent(
        table.viewport(), QHelpEvent(QEvent.Type.ToolTip, where, table.viewport().mapToGlobal(where))
    )
    try:
        assert QToolTip.text() == name
    finally:
        QToolTip.hideText()
