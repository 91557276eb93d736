"""The Dokumentation and Møder sections read on a laptop screen (issue 19): every column in
view, dates and item names whole (wrapped, not cut), long places and notes elided with the
whole text in their tooltip."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from db.enums import Aim, DocumentSource, DocumentState, MeetingKind, VisitationGroup
from db.session import Database
from jobraad import consents, records
from jobraad import documentation as doc
from jobraad.citizens import CitizenInput, create_citizen
from tests.helpers import consent_input
from tests.ui.conftest import heading_fits, pretend_screen
from ui.main_window import MainWindow

TODAY = dt.date(2026, 3, 2)  # inside the BEK 47/2026 pack's period
START = dt.date(2026, 1, 5)
SCREENS = [(1366, 768), (1920, 1080)]
LONG_PLACE = "Jobcenter København, Nørrebro, mødelokale 3 på anden sal, indgang fra gården"


@pytest.fixture
def citizen(database: Database) -> int:
    cid = create_citizen(
        database,
        CitizenInput(
            "Søren", "Ærø", "0101621233", aim=Aim.FLEKSJOB, group=VisitationGroup.GRUPPE_3, forloeb_start=START
        ),
    )
    consents.add_consent(database, cid, DocumentSource.EGEN_LAEGE, consent_input(START), TODAY)
    asked = TODAY - dt.timedelta(days=40)
    doc.set_state(
        database, cid, "lae265", "", DocumentState.ANMODET, on=asked, requested_from="Læge Hansen", today=TODAY
    )
    for days, kind in ((3, MeetingKind.REHABILITERINGSTEAM), (10, MeetingKind.SAMTALE)):
        when = dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(13, 30))
        note = "Borgeren ønsker at tage sin bisidder med; husk tolk og skærmbriller til mødet."
        records.add_meeting(database, cid, records.MeetingInput(kind, when, LONG_PLACE, note))
    return cid


@pytest.fixture(params=SCREENS, ids=["1366x768", "1920x1080"])
def window(
    request: pytest.FixtureRequest, qtbot: QtBot, database: Database, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    width, height = request.param
    # The screen of that size: the window keeps itself inside the screen it is shown on.
    pretend_screen(monkeypatch, QRect(0, 0, width, height))
    w = MainWindow(database, today=TODAY)
    w.resize(width - 16, height - 48)  # as `fit_to_screen` leaves room for the frame
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    w.deleteLater()


def _header(view: QAbstractItemView) -> QHeaderView:
    return view.horizontalHeader() if isinstance(view, QTableView) else view.header()  # type: ignore[attr-defined]


def _in_view(view: QAbstractItemView, column: int) -> bool:
    header = _header(view)
    return header.sectionViewportPosition(column) >= 0 and (
        header.sectionViewportPosition(column) + header.sectionSize(column) <= view.viewport().width()
    )


def _whole(view: QAbstractItemView, column: int) -> bool:
    """The column is as wide as its widest text."""
    return _header(view).sectionSize(column) >= view.sizeHintForColumn(column)


def test_the_checklist_shows_every_column_with_whole_dates_and_wrapped_names(
    qtbot: QtBot, window: MainWindow, citizen: int
) -> None:
    window.open_citizen(citizen, "documentation")
    tree = window.file.documentation.tree
    qtbot.waitUntil(lambda: tree.viewport().width() > 0 and tree.topLevelItemCount() > 0)
    columns = [tree.headerItem().text(c) for c in range(tree.columnCount())]
    assert columns == ["Punkt", "Status", "Kilde", "Bilag"]
    assert all(_in_view(tree, c) for c in range(4)), [_header(tree).sectionSize(c) for c in range(4)]
    assert _whole(tree, 1) and _whole(tree, 3), [
        (_header(tree).sectionSize(c), tree.sizeHintForColumn(c)) for c in range(4)
    ]
    assert tree.horizontalScrollBar().maximum() == 0
    # The request's line: its dates whole; its name, if narrower than its text, on more lines.
    assert window.file.documentation.select_entry("lae265")
    item = tree.currentItem()
    assert "Anmodet 21-01-2026" in item.text(1) and "dage over" in item.text(1)
    metrics = tree.fontMetrics()
    name_width = tree.header().sectionSize(0) - tree.indentation() * 2 - 8
    lines_needed = -(-metrics.horizontalAdvance(item.text(0)) // max(name_width, 1))
    assert tree.visualItemRect(item).height() >= min(lines_needed, 2) * metrics.height()


def test_the_meetings_show_every_column_with_time_type_and_decision_whole(
    qtbot: QtBot, window: MainWindow, citizen: int
) -> None:
    window.open_citizen(citizen, "meetings")
    view = window.file.meetings.meetings.view
    qtbot.waitUntil(lambda: view.viewport().width() > 0 and view.model().rowCount() == 2)
    assert all(_in_view(view, c) for c in range(view.model().columnCount()))
    for column in (0, 1, 5):  # Tidspunkt, Uge, Team (where the workflow stands: "Afgjort …")
        assert _whole(view, column), view.model().headerData(column, Qt.Orientation.Horizontal)
    # Sted gives way at the laptop size, and its whole text is in the tooltip.
    place = view.model().index(0, 3)
    assert view.model().data(place, Qt.ItemDataRole.ToolTipRole) == LONG_PLACE
    assert view.horizontalScrollBar().maximum() == 0


def test_the_consents_headings_in_view_are_whole_or_named_on_the_pointer(
    qtbot: QtBot, window: MainWindow, citizen: int
) -> None:
    """At 1366x768 "Hvilke oplysninger" showed as "ilke oplysning", cut at both ends: the
    columns in view have headings that fit, and every heading names itself on the pointer."""
    window.open_citizen(citizen, "documentation")
    view = window.file.documentation.consents.view
    qtbot.waitUntil(lambda: view.viewport().width() > 0 and view.model().rowCount() > 0)
    model = view.model()
    for column in range(model.columnCount()):
        text = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        assert not _in_view(view, column) or heading_fits(view, column), text
        assert model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == text
