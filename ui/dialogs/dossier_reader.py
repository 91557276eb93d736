"""Who the dossier is for, asked before it is made: the readers of `jobraad.dossier.reader_choices`
(the rehabiliteringsteam first, chosen). Enter makes it for the team, so the usual case costs
one key more than before."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui import palette


class ReaderDialog(QDialog):
    """A choice among `choices` ((key, Danish label), the default first); `reader()` after OK."""

    def __init__(self, choices: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dossier")
        self.setMinimumWidth(440)
        self._keys = [key for key, _label in choices]
        layout = QVBoxLayout(self)
        intro = QLabel("<b>Hvem er dossieret til?</b>")
        layout.addWidget(intro)
        note = QLabel("Hver modtager får kun det, der er til dem; forsiden nævner modtageren og det, der er udeladt.")
        note.setWordWrap(True)
        note.setStyleSheet(palette.muted_style())
        layout.addWidget(note)
        self.group = QButtonGroup(self)
        for i, (key, label) in enumerate(choices):
            button = QRadioButton(label)
            button.setObjectName(f"reader_{key}")
            self.group.addButton(button, i)
            layout.addWidget(button)
        first = self.group.button(0)
        if first is not None:
            first.setChecked(True)
            first.setFocus()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Lav dossier")
        ok.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def reader(self) -> str:
        """The chosen reader's key."""
        return self._keys[max(self.group.checkedId(), 0)]
