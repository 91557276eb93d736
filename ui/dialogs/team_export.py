"""The team lead's summary: export (anonymous by default), merge several, edit the goals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import UserFacingError
from jobraad import formatting as fmt
from jobraad import goals, outputs
from jobraad.team.export import export_summary, write_summary
from jobraad.team.merge import merge_summaries
from jobraad.team.model import period_from_texts
from ui import palette
from ui.file_dialogs import FileKind, open_files, save_file
from ui.forms import Field, FormDialog
from ui.worker import Progress, run_with_progress

if TYPE_CHECKING:
    from db.session import Database

FORMATS = [("Excel (XLSX)", "xlsx"), ("CSV (semikolon, til dansk Excel)", "csv"), ("PDF (én side med diagram)", "pdf")]


def export_dialog(database: Database, parent: QWidget) -> None:
    """Ask for period and format (never rows per citizen); then the file; then export in a worker."""
    today = dt.date.today()
    chosen: dict[str, Any] = {}

    def accept(v: dict[str, Any]) -> object:
        period = period_from_texts(
            fmt.date(v["start"]) if v["start"] else None,
            fmt.date(v["end"]) if v["end"] else None,
        )
        chosen.update(v, period=period)
        return None

    form = FormDialog(
        "Opgørelse til teamleder",
        [
            Field("start", "Fra", kind="date", problem_names=("fra", "periode")),
            Field("end", "Til", kind="date", problem_names=("til",)),
            Field("format", "Format", kind="choice", choices=FORMATS),
        ],
        {"start": dt.date(today.year, 1, 1), "end": dt.date(today.year, 12, 31), "format": "xlsx"},
        accept,
        parent,
        intro="Opgørelsen er anonym: ingen navne, CPR-numre eller fritekst, og tal under 5 vises som «<5».",
    )
    if form.exec() != QDialog.DialogCode.Accepted:
        return
    kind = chosen["format"]
    period = chosen["period"]
    name = f"teamopgørelse {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}.{kind}"
    target = save_file(parent, FileKind.EXPORT, "Gem opgørelse", name, f"{kind.upper()} (*.{kind})")
    if target is None:
        return
    path = target
    if path.suffix.lower() != f".{kind}":
        path = path.with_name(path.name + f".{kind}")
    # Qt's dialog asked before replacing the file it returned; a name we completed was not asked about.
    if path != target and path.exists() and not _may_replace(parent, path):
        return

    def work(progress: Progress) -> Path:
        progress(0, 1)
        export_summary(database, path, kind, period, replace=True)
        progress(1, 1)
        return path

    def done(result: object) -> None:
        QMessageBox.information(parent, "Opgørelse", f"Opgørelsen er gemt i {path.name}.")

    def failed(message: str, is_bug: bool) -> None:
        (QMessageBox.critical if is_bug else QMessageBox.warning)(parent, "Opgørelse", message)

    run_with_progress(parent, "Laver opgørelsen…", work, done, failed)


def merge_dialog(parent: QWidget) -> None:
    files = open_files(parent, FileKind.EXPORT, "Vælg opgørelser fra flere jobrådgivere", "Opgørelser (*.xlsx *.csv)")
    if not files:
        return
    target = save_file(
        parent,
        FileKind.EXPORT,
        "Gem samlet opgørelse",
        "samlet teamopgørelse.xlsx",
        "XLSX, CSV eller PDF (*.xlsx *.csv *.pdf)",
    )
    if target is None:
        return
    try:
        # The files being merged are never replaced; Qt's dialog asked before replacing another file.
        rules = outputs.rules_for(None, inputs=[Path(f) for f in files])
        outputs.check_output(Path(target), rules, replace=True)
        merged = merge_summaries([Path(f) for f in files])
        write_summary(merged, Path(target), rules=rules, replace=True)
    except UserFacingError as err:
        QMessageBox.warning(parent, "Saml opgørelser", err.message)
        return
    QMessageBox.information(parent, "Saml opgørelser", f"{len(files)} opgørelser er samlet i {Path(target).name}.")


def _may_replace(parent: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "Gem opgørelse",
        f"{path.name} findes allerede. Vil du erstatte den?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class GoalsEditor(QDialog):
    """Edit the goal set as text; a bad file is refused with its line numbers and nothing is saved."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setWindowTitle("Mål for indsatsen")
        self.resize(820, 700)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Målene er data: indsats, periode, helårspladser og hvert mål som en regel. "
            "Ret teksten, og gem. Fejl vises med linjenummer, og intet gemmes, før filen er i orden."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("goalsText")
        self.editor.setPlainText(goals.goals_text(database))
        layout.addWidget(self.editor)
        self.error = QLabel()
        self.error.setObjectName("goalsError")
        self.error.setStyleSheet(palette.error_style())
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Gem")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
        reset = QPushButton("Brug de medfølgende mål")
        reset.clicked.connect(self._reset)
        buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _reset(self) -> None:
        self.editor.setPlainText(goals.default_goals_text())

    def accept(self) -> None:
        try:
            goals.save_goals(self.database, self.editor.toPlainText())
        except UserFacingError as err:
            self.error.setText(err.message)
            return
        super().accept()
