"""The first start: create the caseworker's database, or look at a demo caseload."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomeChoice(Enum):
    CREATE = "create"
    DEMO = "demo"
    OPEN_OTHER = "open_other"


class WelcomeDialog(QDialog):
    def __init__(self, db_path_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice: WelcomeChoice | None = None
        self.setWindowTitle("Velkommen til jobraad")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Velkommen til jobraad</h2>")
        layout.addWidget(title)
        text = QLabel(
            "jobraad holder din sagsstamme i én krypteret fil på denne computer.<br><br>"
            f"Der er endnu ingen database her:<br><code>{db_path_label}</code>"
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        for choice, label, tip in (
            (WelcomeChoice.CREATE, "&Opret min database…", "Vælg en adgangskode og start med en tom sagsstamme"),
            (WelcomeChoice.DEMO, "Se en &demo-sagsstamme", "40 opdigtede borgere i en midlertidig fil"),
            (WelcomeChoice.OPEN_OTHER, "Åbn en &anden fil…", "Åbn en eksisterende jobraad-database"),
        ):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.setObjectName(choice.value)
            button.setMinimumHeight(36)
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            layout.addWidget(button)

    def _choose(self, choice: WelcomeChoice) -> None:
        self.choice = choice
        self.accept()
