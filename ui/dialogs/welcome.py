"""The first start: create the caseworker's database, or look at a demo caseload; and, once a
new database is made, what goes in it first (an import, with a template to fill in; the demo;
or nothing yet)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from db.errors import UserFacingError
from ui.file_dialogs import FileKind, open_file, save_file


class WelcomeChoice(Enum):
    CREATE = "create"
    DEMO = "demo"
    OPEN_OTHER = "open_other"


class NextStep(Enum):
    IMPORT = "import"
    DEMO = "demo"
    EMPTY = "empty"


def _choice_button(layout: QVBoxLayout, name: str, label: str, tip: str, chosen: Callable[[], None]) -> QPushButton:
    button = QPushButton(label)
    button.setToolTip(tip)
    button.setObjectName(name)
    button.setMinimumHeight(36)
    button.setAutoDefault(False)
    button.clicked.connect(lambda _=False: chosen())
    layout.addWidget(button)
    return button


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
            button = _choice_button(layout, choice.value, label, tip, partial(self._choose, choice))
            if choice == WelcomeChoice.CREATE:
                button.setDefault(True)

    def exec(self) -> int:
        self.choice = None  # shown again after a step was cancelled: nothing chosen yet
        return super().exec()

    def _choose(self, choice: WelcomeChoice) -> None:
        self.choice = choice
        self.accept()


class FirstStepsDialog(QDialog):
    """Asked once a new database is made: import citizens from a spreadsheet (`import_path`),
    look at the demo first, or start with an empty caseload. "Gem skabelon…" saves the import's
    template CSV through `save_template(path)` and leaves the choice open. Closing it (Esc)
    starts empty."""

    def __init__(self, save_template: Callable[[Path], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = NextStep.EMPTY
        self.import_path: Path | None = None
        self.template_path: Path | None = None
        self._save_template = save_template
        self.setWindowTitle("Kom i gang")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Din database er klar</h2>"))
        text = QLabel(
            "Hvordan vil du begynde? Har du dine borgere i et regneark, kan de importeres på én gang: "
            "gem skabelonen, udfyld den i Excel (én borger pr. linje, cpr, fornavn og efternavn skal "
            "udfyldes), og importér den. Du kan også importere senere under Filer › Importér borgere (Ctrl+I)."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.import_button = _choice_button(
            layout,
            "import",
            "&Importér borgere fra regneark…",
            "Vælg en CSV- eller XLSX-fil med kolonnerne fra skabelonen",
            self._choose_import,
        )
        self.import_button.setDefault(True)
        _choice_button(
            layout,
            "template",
            "&Gem skabelon…",
            "Gem en tom CSV-skabelon med de kolonner, importen læser",
            self._choose_template,
        )
        _choice_button(
            layout,
            "demo",
            "Se &demo-sagsstammen først",
            "40 opdigtede borgere i en midlertidig fil. Din nye database er gemt og åbnes næste gang.",
            lambda: self._choose(NextStep.DEMO),
        )
        _choice_button(
            layout,
            "empty",
            "Start med en &tom sagsstamme",
            "Opret borgerne én ad gangen under Filer › Ny borger (Ctrl+N)",
            lambda: self._choose(NextStep.EMPTY),
        )
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

    def _choose(self, step: NextStep) -> None:
        self.choice = step
        self.accept()

    def _choose_import(self) -> None:
        chosen = open_file(self, FileKind.IMPORT, "Importér borgere", "Regneark (*.csv *.xlsx *.txt);;Alle filer (*)")
        if chosen:
            self.import_path = chosen
            self._choose(NextStep.IMPORT)

    def _choose_template(self) -> None:
        from jobraad.import_template import TEMPLATE_NAME  # the importer: not before the first window

        path = save_file(self, FileKind.EXPORT, "Gem skabelon", TEMPLATE_NAME, "CSV-fil (*.csv)")
        if path is None:
            return
        try:
            self._save_template(path)
        except UserFacingError as err:
            self.status.setText(err.message)
        else:
            self.template_path = path
            self.status.setText(
                f"Skabelonen er gemt: {path}. Udfyld den, gem den, og vælg så «Importér borgere fra regneark»."
            )
        self.status.show()
