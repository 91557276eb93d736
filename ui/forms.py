"""A small form dialog used for every record in the citizen's file.

Fields are described as data; the dialog parses what was typed (Danish dates
dd-mm-åååå), hands plain values to a save function (a `jobraad` service), and
shows any refusal next to the field it concerns. The dialog closes only when
the save went through, so nothing is half-saved and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import UserFacingError
from jobraad import formatting as fmt
from jobraad.dates import InvalidDate, parse_date
from jobraad.errors import FieldProblem, ValidationFailed
from ui import palette


def choices(labels: Mapping[Any, str]) -> list[tuple[str, Any]]:
    """A choice field's (label, value) pairs from a vocabulary (value -> Danish label)."""
    return [(label, key) for key, label in labels.items()]


@dataclass
class Field:
    key: str
    label: str
    kind: str = "text"  # text, multiline, date, time, choice, bool, int
    required: bool = False
    choices: Sequence[tuple[str, Any]] = ()
    placeholder: str = ""
    # Names a service may use for this field in its FieldProblem (Danish).
    problem_names: tuple[str, ...] = field(default_factory=tuple)
    maximum: int = 10


class FormDialog(QDialog):
    """Edit `values` through `fields`; `save(values)` is called on OK and may raise
    `ValidationFailed` (shown next to the fields) or another `UserFacingError`."""

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        values: dict[str, Any],
        save: Callable[[dict[str, Any]], object],
        parent: QWidget | None = None,
        intro: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.fields = list(fields)
        self._save = save
        self.result_value: object = None
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for f in self.fields:
            widget = self._make_widget(f, values.get(f.key))
            widget.setObjectName(f.key)
            self.widgets[f.key] = widget
            error = QLabel()
            error.setObjectName(f"{f.key}_error")
            error.setStyleSheet(palette.error_style())
            error.setWordWrap(True)
            error.hide()
            self.errors[f.key] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(error)
            container = QWidget()
            container.setLayout(box)
            box.setContentsMargins(0, 0, 0, 0)
            label = QLabel(("&" if not f.label.startswith("&") else "") + f.label + (" *" if f.required else ""))
            label.setBuddy(widget)
            form.addRow(label, container)
        layout.addLayout(form)
        self.general_error = QLabel()
        self.general_error.setObjectName("general_error")
        self.general_error.setStyleSheet(palette.error_style())
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Gem")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.fields:
            self.widgets[self.fields[0].key].setFocus()

    def _make_widget(self, f: Field, value: Any) -> QWidget:
        if f.kind == "multiline":
            w = QPlainTextEdit()
            w.setTabChangesFocus(True)
            w.setPlainText(value or "")
            w.setMinimumHeight(110)
            return w
        if f.kind == "choice":
            combo = QComboBox()
            for label, data in f.choices:
                combo.addItem(label, data)
            index = combo.findData(value)
            combo.setCurrentIndex(max(index, 0))
            return combo
        if f.kind == "bool":
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if f.kind == "int":
            spin = QSpinBox()
            spin.setRange(0, f.maximum)
            spin.setValue(int(value or 0))
            return spin
        line = QLineEdit()
        if f.kind == "date":
            line.setPlaceholderText("dd-mm-åååå")
            line.setText(fmt.date(value) if isinstance(value, dt.date) else (value or ""))
        elif f.kind == "time":
            line.setPlaceholderText("tt:mm")
            line.setText(f"{value:%H:%M}" if isinstance(value, dt.time) else (value or ""))
        else:
            line.setPlaceholderText(f.placeholder)
            line.setText(str(value or ""))
        return line

    def values(self) -> tuple[dict[str, Any], list[FieldProblem]]:
        """Parsed values, and the problems found while parsing."""
        out: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        for f in self.fields:
            w = self.widgets[f.key]
            if isinstance(w, QPlainTextEdit):
                value: Any = w.toPlainText()
            elif isinstance(w, QComboBox):
                value = w.currentData()
            elif isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QSpinBox):
                value = w.value()
            else:
                assert isinstance(w, QLineEdit)
                text = w.text().strip()
                value = text
                if f.kind == "date":
                    value = None
                    if text:
                        try:
                            value = parse_date(text)
                        except InvalidDate as err:
                            problems.append(FieldProblem(f.key, str(err)))
                elif f.kind == "time":
                    value = None
                    if text:
                        try:
                            hours, minutes = (int(x) for x in text.replace(".", ":").split(":"))
                            value = dt.time(hours, minutes)
                        except ValueError:
                            problems.append(FieldProblem(f.key, f"«{text}» er ikke et klokkeslæt. Skriv tt:mm."))
            if f.required and value in ("", None) and not any(p.field == f.key for p in problems):
                problems.append(FieldProblem(f.key, f"{f.label} skal udfyldes."))
            out[f.key] = value
        return out, problems

    def _field_for(self, problem_field: str) -> str | None:
        name = problem_field.casefold()
        for f in self.fields:
            if name == f.key.casefold() or name == f.label.casefold() or name in f.problem_names:
                return f.key
        return None

    def show_problems(self, problems: Sequence[FieldProblem], summary: str = "") -> None:
        for label in self.errors.values():
            label.hide()
        general: list[str] = []
        first: str | None = None
        for p in problems:
            key = self._field_for(p.field)
            if key is None:
                general.append(str(p))
                continue
            label = self.errors[key]
            label.setText((label.text() + "\n" if label.isVisible() else "") + p.message)
            label.show()
            first = first or key
        self.general_error.setText("\n".join([summary, *general]).strip() if general or summary else "")
        self.general_error.setVisible(bool(general or summary))
        if first:
            self.widgets[first].setFocus()

    def accept(self) -> None:
        values, problems = self.values()
        if problems:
            self.show_problems(problems, "Ret de markerede felter. Intet er gemt.")
            return
        try:
            self.result_value = self._save(values)
        except ValidationFailed as err:
            self.show_problems(err.problems, err.message.splitlines()[0])
            return
        except UserFacingError as err:
            self.show_problems([], err.message)
            return
        super().accept()

    def error_text(self, key: str) -> str:
        """The message shown next to a field ('' if none): for tests and screen readers."""
        label = self.errors[key]
        return label.text() if not label.isHidden() else ""
