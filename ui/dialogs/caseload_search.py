"""Søg i alle notater: the whole caseload's journal notes and case texts searched at once
(`jobraad.search`), each hit opening the note in its place in the citizen's file.

The window stays open beside the main window, so the caseworker can go through the hits one
by one. The search runs behind the window (a large caseload's notes take a moment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from jobraad import formatting as fmt
from jobraad.search import MIN_CHARS, SearchHit, SearchResult, search_notes
from ui import palette
from ui.file_tabs.record_list import ColumnFit, record_table
from ui.models.records import RecordTableModel
from ui.shortcuts import local_shortcut
from ui.worker import Progress, start_task

if TYPE_CHECKING:
    from db.session import Database

SHORTCUT = "Ctrl+Shift+J"
TITLE = "Søg i alle notater"


def _where(hit: SearchHit) -> str:
    return f"{hit.kind.value}: {hit.label}"


def _when(hit: SearchHit) -> str:
    return fmt.date(hit.at) if hit.at else ""


def result_text(result: SearchResult) -> str:
    """What the status line says about a search's hits."""
    if not result.total:
        return "Ingen notater eller tekster indeholder det, du søgte efter."
    citizens = "1 borger" if result.citizens == 1 else f"{result.citizens} borgere"
    hits = "1 fund" if result.total == 1 else f"{result.total} fund"
    if result.truncated:
        return f"{hits} hos {citizens}. Viser de {len(result.hits)} nyeste – søg mere præcist for at se resten."
    return f"{hits} hos {citizens}. Enter eller dobbeltklik åbner notatet i borgerens sag."


class CaseloadSearchDialog(QDialog):
    """Signals: hit_opened(citizen_id, target) when the user opens a hit; `target` is where
    in the citizen's file ("journal:<note id>", "texts:<section key>", see `jobraad.search`)."""

    hit_opened = Signal(int, str)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self._searching = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Søger i journalnotater og sagstekster hos alle borgere i sagsstammen. "
            "Store og små bogstaver er ens, også æ, ø og å. Hver søgning skrives i logbogen (uden søgeordene)."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(palette.muted_style())
        layout.addWidget(intro)
        row = QHBoxLayout()
        label = QLabel("Søg &efter:")
        self.query = QLineEdit()
        self.query.setObjectName("notesQuery")
        self.query.setPlaceholderText("ord fra notatet, fx skånebehov")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.search)
        label.setBuddy(self.query)
        self.search_button = QPushButton("&Søg")
        self.search_button.setObjectName("notesSearchButton")
        self.search_button.setToolTip("Søg i alle borgeres notater og tekster (Enter)")
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.search)
        row.addWidget(label)
        row.addWidget(self.query, 1)
        row.addWidget(self.search_button)
        layout.addLayout(row)
        self.status = QLabel(f"Skriv mindst {MIN_CHARS} tegn, og tryk Enter.")
        self.status.setObjectName("notesSearchStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.model: RecordTableModel[SearchHit] = RecordTableModel(
            [("Borger", lambda h: h.name), ("Dato", _when), ("Hvor", _where), ("Uddrag", lambda h: h.snippet)], self
        )
        self.table = record_table(self.model)
        self.table.setObjectName("notesHits")
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._open_index)
        self._fit = ColumnFit(self.table, [(3, 200), (2, 140)])
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_button = QPushButton("&Åbn i sagen")
        self.open_button.setObjectName("notesOpen")
        self.open_button.setToolTip("Åbn det valgte notat i borgerens sag (Enter)")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_selected)
        close = QPushButton("&Luk")
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        enter = local_shortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.open_selected)
        enter.setWhatsThis("Åbn det valgte fund i borgerens sag")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        self.resize(900, 520)

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def selected(self) -> SearchHit | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def search(self) -> None:
        """Search for what is typed, behind the window; the hits replace the earlier ones."""
        if self._searching:
            return
        query = self.query.text()
        self._searching = True
        self.search_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Søger…")

        def work(_progress: Progress) -> SearchResult:
            return search_notes(self.database, query)

        start_task(work, self._found, self._failed)

    def _found(self, result: object) -> None:
        if not shiboken6.isValid(self):  # closed and deleted while searching
            return
        assert isinstance(result, SearchResult)
        self._searching = False
        self.search_button.setEnabled(True)
        self.model.set_rows(result.hits)
        self.status.setText(result_text(result))
        if result.hits:
            self.table.selectRow(0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, message: str, _is_bug: bool) -> None:
        if not shiboken6.isValid(self):
            return
        self._searching = False
        self.search_button.setEnabled(True)
        self.status.setStyleSheet(palette.error_style())
        self.status.setText(message)
        self.query.setFocus()

    def _open_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.open_selected()

    def open_selected(self) -> None:
        hit = self.selected()
        if hit is not None:
            self.hit_opened.emit(hit.citizen_id, hit.target)

    def start(self) -> None:
        """Shown (again) in front, with the search text selected for a new search."""
        self.show()  # a child window: above the main window already
        self.activateWindow()
        self.query.setFocus()
        self.query.selectAll()
