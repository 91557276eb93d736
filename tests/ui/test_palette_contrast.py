"""Colours from the palette: the Overblik, the caseload and a citizen's Dokumentation and Praktik
rendered under a dark, a light and a high-contrast palette, every text measured against the
background it is drawn on (WCAG ratio at least 4.5; `tests/ui/contrast.py` says how)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from db.session import Database
from jobraad.demo import generate_demo
from jobraad.overview import load_overview
from tests.ui.contrast import shortfalls
from ui import palette
from ui.citizen_file import TAB_DOCUMENTATION, TAB_PLACEMENTS
from ui.main_window import MainWindow

TODAY = dt.date.today()
Role = QPalette.ColorRole


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    pal = QPalette()
    for role, value in colours.items():
        pal.setColor(role, QColor(value))
    return pal


DARK = {
    Role.Window: "#2d2d2d",
    Role.WindowText: "#e8e8e8",
    Role.Base: "#1e1e1e",
    Role.AlternateBase: "#2a2a2a",
    Role.Text: "#e8e8e8",
    Role.Button: "#3a3a3a",
    Role.ButtonText: "#e8e8e8",
    Role.Highlight: "#2f65ca",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#8ab4f8",
    Role.Mid: "#555555",
    Role.PlaceholderText: "#a0a0a0",
    Role.ToolTipBase: "#3a3a3a",
    Role.ToolTipText: "#e8e8e8",
    Role.BrightText: "#ffffff",
}
HIGH_CONTRAST = {
    Role.Window: "#000000",
    Role.WindowText: "#ffffff",
    Role.Base: "#000000",
    Role.AlternateBase: "#000000",
    Role.Text: "#ffffff",
    Role.Button: "#000000",
    Role.ButtonText: "#ffffff",
    Role.Highlight: "#1aebff",
    Role.HighlightedText: "#000000",
    Role.Link: "#ffff00",
    Role.Mid: "#ffffff",
    Role.PlaceholderText: "#c0c0c0",
    Role.ToolTipBase: "#000000",
    Role.ToolTipText: "#ffffff",
    Role.BrightText: "#ffffff",
}


@pytest.fixture(params=["dark", "light", "high contrast"])
def scheme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The application's palette for the test: dark, the style's own light one, or high contrast."""
    before = qapp.palette()
    chosen = {
        "dark": lambda: _palette(DARK),
        "light": lambda: qapp.style().standardPalette(),
        "high contrast": lambda: _palette(HIGH_CONTRAST),
    }[request.param]()
    qapp.setPalette(chosen)
    yield request.param
    qapp.setPalette(before)


@pytest.fixture
def window(qtbot: QtBot, database: Database, scheme: str) -> MainWindow:
    generate_demo(database, citizens=40, seed=1, today=TODAY)
    w = MainWindow(database, today=TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def _measure(widget: QWidget, least: int) -> None:
    widget.grab()  # drawn: stylesheets polished, the views laid out
    measured, short = shortfalls(widget)
    assert measured >= least
    assert short == [], "\n".join(map(str, short[:20]))


def test_the_palette_in_use_is_the_one_chosen(window: MainWindow, scheme: str) -> None:
    # The test palettes really are what the window draws with (else the measurements prove nothing).
    assert palette.is_dark() is (scheme != "light")
    assert window.overview.tree.palette().color(Role.Base) == QApplication.palette().color(Role.Base)


def test_overblik_text_is_readable(window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.overview
    lines = window.overview.lines()
    assert any(line.startswith("Overskredet") for line in lines)
    assert any("God nyhed" in line for line in lines) and any("Alvorligt" in line for line in lines)
    _measure(window.overview, 60)


def test_caseload_text_is_readable(window: MainWindow) -> None:
    window.pages.setCurrentIndex(1)
    assert window.proxy.rowCount() > 30
    _measure(window, 300)


def test_documentation_and_praktik_text_is_readable(window: MainWindow) -> None:
    rows = window.model.rows()
    documented = next(r.citizen_id for r in rows if r.readiness is not None and r.readiness.required and r.due)
    window.open_citizen(documented, "documentation")
    assert window.file.tabs.currentIndex() == TAB_DOCUMENTATION
    _measure(window.file, 40)

    overview = load_overview(window.database, TODAY, rows)
    flagged = overview.signals[0].citizen_id  # a praktik that needs attention
    window.open_citizen(flagged, "placements")
    assert window.file.tabs.currentIndex() == TAB_PLACEMENTS
    assert "Alvorligt" in window.file.placements.summary.text() or "Opmærksom" in window.file.placements.summary.text()
    _measure(window.file, 40)


def test_a_low_contrast_colour_is_caught(window: MainWindow) -> None:
    # The measuring itself: a hint and a section drawn in colours close to their background are reported.
    bg = QApplication.palette().color(Role.Window)
    window.overview.hint.setStyleSheet(f"color: {palette.mix(bg, QColor('#808080'), 0.3).name()};")
    text = QApplication.palette().color(Role.Text)
    section = window.overview.tree.topLevelItem(0)
    assert section is not None
    section.setBackground(0, palette.mix(text, QApplication.palette().color(Role.Base), 0.1))
    _, short = shortfalls(window.overview)
    texts = [s.text for s in short]
    assert any(t.startswith("Dobbeltklik") for t in texts) and any(t.startswith("Overskredet") for t in texts)


def test_readable_moves_a_colour_until_it_reaches_the_ratio() -> None:
    dark_base, light_base = QColor("#1e1e1e"), QColor("#ffffff")
    red = QColor(214, 40, 40)
    assert palette.contrast(red, dark_base) < palette.MIN_CONTRAST
    assert palette.contrast(palette.readable(red, dark_base), dark_base) >= palette.MIN_CONTRAST
    assert palette.contrast(palette.readable(red, light_base), light_base) >= palette.MIN_CONTRAST
    assert palette.contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
