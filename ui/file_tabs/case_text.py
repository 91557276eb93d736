"""The Forberedende del tab: the forberedende del, the assessment and the recommendation,
written section by section."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import UserFacingError
from jobraad import case_texts
from jobraad import formatting as fmt
from jobraad.case_texts import CaseTextView
from ui.file_tabs.base import FileTab
from ui.shortcuts import local_shortcut

if TYPE_CHECKING:
    from db.session import Database


class CaseTextTab(FileTab):
    """Signals: changed() after a save. Edits of every section are kept until saved."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        self._views: list[CaseTextView] = []
        self._edits: dict[str, str] = {}
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.sections = QListWidget()
        self.sections.setObjectName("sections")
        self.sections.currentRowChanged.connect(self._show_section)
        splitter.addWidget(self.sections)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        right_layout.addWidget(self.title)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        right_layout.addWidget(self.hint)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("sectionEditor")
        self.editor.textChanged.connect(self._edited)
        right_layout.addWidget(self.editor)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setStyleSheet("color: #555;")
        buttons.addWidget(self.status, 1)
        self.save_button = QPushButton("&Gem tekst")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        right_layout.addLayout(buttons)
        splitter.addWidget(right)
        splitter.setSizes([260, 600])
        layout.addWidget(splitter)
        local_shortcut(QKeySequence.StandardKey.Save, self, self.save)
        self._loading = False

    def show_citizen(self, citizen_id: int) -> None:
        """Show the citizen's texts; the same citizen's unsaved edits stay as they are."""
        if citizen_id == self.citizen_id and self.dirty:
            return
        super().show_citizen(citizen_id)

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        self._edits = {}
        self._views = case_texts.list_case_texts(self.database, self.citizen_id)
        row = max(self.sections.currentRow(), 0)
        self.sections.blockSignals(True)
        self.sections.clear()
        for view in self._views:
            self.sections.addItem(QListWidgetItem(self._label(view)))
        self.sections.blockSignals(False)
        self.sections.setCurrentRow(row)
        self._show_section(row)
        self._update_status()

    def _label(self, view: CaseTextView) -> str:
        text = self._edits.get(view.section, view.text)
        mark = "✔ " if text.strip() else "○ "
        return mark + view.title + (" *" if view.section in self._edits else "")

    def _show_section(self, row: int) -> None:
        if not 0 <= row < len(self._views):
            return
        view = self._views[row]
        self._loading = True
        self.title.setText(f"<h3 style='margin:0'>{view.title}</h3>")
        self.hint.setText(view.hint)
        self.editor.setPlainText(self._edits.get(view.section, view.text))
        self._loading = False

    def _edited(self) -> None:
        if self._loading:
            return
        row = self.sections.currentRow()
        if not 0 <= row < len(self._views):
            return
        view = self._views[row]
        text = self.editor.toPlainText()
        if text.strip() == view.text:
            self._edits.pop(view.section, None)
        else:
            self._edits[view.section] = text
        item = self.sections.item(row)
        item.setText(self._label(view))
        font = QFont()
        font.setBold(view.section in self._edits)
        item.setFont(font)
        self._update_status()

    def _update_status(self) -> None:
        if self._edits:
            self.status.setText(f"{len(self._edits)} afsnit er ændret og ikke gemt.")
        else:
            stamps = [v.updated_at for v in self._views if v.updated_at]
            self.status.setText(f"Senest gemt {fmt.date_time(max(stamps))}" if stamps else "")
        self.save_button.setEnabled(bool(self._edits))

    @property
    def dirty(self) -> bool:
        return bool(self._edits)

    def save(self) -> bool:
        if self.citizen_id is None or not self._edits:
            return True
        try:
            case_texts.save_case_texts(self.database, self.citizen_id, self._edits)
        except UserFacingError as err:
            QMessageBox.warning(self, "Forberedende del", err.message)
            return False
        self.saved()
        return True

    def unsaved_description(self) -> str | None:
        return "tekst i den forberedende del" if self._edits else None

    def save_unsaved(self) -> bool:
        return self.save()

    def discard_unsaved(self) -> None:
        self._edits = {}
        self._update_status()
