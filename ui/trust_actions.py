"""Backups, restore, passphrase, retention and the audit log, from the Sikkerhed menu."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
)

from db.errors import UserFacingError
from jobraad import audit, backup, retention
from jobraad import formatting as fmt
from jobraad.cli_trust import change_passphrase
from ui.dialogs.passphrase import PassphraseDialog
from ui.forms import Field, FormDialog
from ui.worker import Progress, run_with_progress

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def backup_now(window: MainWindow) -> None:
    def work(progress: Progress) -> object:
        return backup.automatic_backup(window.database, force=True, progress=progress)

    def done(path: object) -> None:
        name = path.name if isinstance(path, Path) else ""
        window.statusBar().showMessage(f"Sikkerhedskopien er gemt: {name}", 8000)

    def failed(message: str, is_bug: bool) -> None:
        (QMessageBox.critical if is_bug else QMessageBox.warning)(window, "Sikkerhedskopi", message)

    window._tasks.append(run_with_progress(window, "Tager sikkerhedskopi…", work, done, failed))


def background_backup(window: MainWindow, *, force: bool, prune_audit: bool = False) -> None:
    """At start (force, after pruning the audit log) and every so often: quietly, in a
    worker, reported in the status bar."""
    database = window.database

    def work(progress: Progress) -> object:
        if prune_audit:
            audit.apply_audit_retention(database)
        return backup.automatic_backup(database, force=force)

    def done(path: object) -> None:
        if isinstance(path, Path):
            window.statusBar().showMessage(f"Automatisk sikkerhedskopi gemt ({path.parent}).", 6000)

    def failed(message: str, is_bug: bool) -> None:
        window.statusBar().showMessage(f"Sikkerhedskopi mislykkedes: {message}", 15000)

    from ui.worker import Task

    task = Task(work)
    task.signals.finished.connect(done)
    task.signals.failed.connect(failed)
    window._tasks.append(task)
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().start(task)


def restore_backup(window: MainWindow, *, confirm: bool = True) -> None:
    """Replace the open file by a backup the user picks. `confirm=False` when the open
    file is damaged and the user has already said yes to a restore."""
    folder = backup.backup_folder(window.database)
    chosen, _ = QFileDialog.getOpenFileName(
        window, "Gendan sikkerhedskopi", str(folder), "Sikkerhedskopi (*.jobraad *.bak *.backup);;Alle filer (*)"
    )
    if not chosen:
        return
    answer = QMessageBox.StandardButton.Yes
    if confirm:
        answer = QMessageBox.question(
            window,
            "Gendan sikkerhedskopi",
            "Den nuværende database erstattes af sikkerhedskopien. Den nuværende fil gemmes ved siden af, så intet "
            "går tabt. jobraad lukker bagefter og skal startes igen. Fortsæt?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
    if answer != QMessageBox.StandardButton.Yes:
        return
    ask = PassphraseDialog(window, file_label=f"Sikkerhedskopi: {Path(chosen).name}")
    ask.setWindowTitle("Adgangskode til sikkerhedskopien")
    if ask.exec() != QDialog.DialogCode.Accepted:
        return
    db_path = window.database.path
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone()  # no read or backup may be running on the file
    window.database.close()
    try:
        backup.restore(Path(chosen), db_path, ask.value())
    except UserFacingError as err:
        QMessageBox.warning(window, "Gendan sikkerhedskopi", err.message + "\n\njobraad lukker nu; start det igen.")
    else:
        QMessageBox.information(window, "Gendan sikkerhedskopi", "Sikkerhedskopien er gendannet. Start jobraad igen.")
    window.force_quit()


def change_passphrase_dialog(window: MainWindow) -> None:
    def save(v: dict[str, object]) -> object:
        if v["new"] != v["repeat"]:
            from jobraad.errors import FieldProblem, ValidationFailed

            raise ValidationFailed([FieldProblem("repeat", "De to nye adgangskoder er ikke ens.")], "Ikke skiftet:")
        change_passphrase(window.database, str(v["old"]), str(v["new"]))
        return None

    dialog = FormDialog(
        "Skift adgangskode",
        [
            Field("old", "Nuværende adgangskode", required=True),
            Field("new", "Ny adgangskode", required=True),
            Field("repeat", "Gentag ny adgangskode", required=True),
        ],
        {},
        save,
        window,
        intro="Filen krypteres om med den nye adgangskode. Sikkerhedskopier har stadig den gamle.",
    )
    from PySide6.QtWidgets import QLineEdit

    for key in ("old", "new", "repeat"):
        widget = dialog.widgets[key]
        assert isinstance(widget, QLineEdit)
        widget.setEchoMode(QLineEdit.EchoMode.Password)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        window.statusBar().showMessage("Adgangskoden er skiftet.", 8000)


class RetentionDialog(QDialog):
    """Closed cases past the retention period, to delete after confirmation."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Lukkede sager til sletning")
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        due = retention.closed_cases_due_for_deletion(window.database, window.today)
        names = {r.citizen_id: r.name for r in window.model.rows()}
        intro = QLabel(
            "Sager, der har været lukket længere end opbevaringsperioden (indstilling). Kommunens fagsystem "
            "har stadig sagen. Sletning fjerner alt om borgeren her, også bilag, og kan ikke fortrydes."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("dueForDeletion")
        for d in due:
            item = QListWidgetItem(f"{names.get(d.citizen_id, 'Borger')} – lukket {fmt.date(d.closed_on)}")
            item.setData(Qt.ItemDataRole.UserRole, d.citizen_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        if not due:
            self.list.addItem("Ingen sager er klar til sletning.")
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.delete_button = buttons.addButton("Slet de valgte…", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.clicked.connect(self.delete_checked)
        self.delete_button.setEnabled(bool(due))
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Luk")
        layout.addWidget(buttons)

    def checked(self) -> list[int]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def delete_checked(self) -> None:
        ids = self.checked()
        if not ids:
            return
        answer = QMessageBox.warning(
            self,
            "Slet sager",
            f"Slet alt om {len(ids)} borger(e) permanent? Det kan ikke fortrydes.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database = self.window_.database

        def work(progress: Progress) -> object:
            return retention.delete_citizens(database, ids)

        def done(_result: object) -> None:
            self.window_.reload()
            self.accept()
            self.window_.statusBar().showMessage(f"{len(ids)} lukkede sager er slettet.", 8000)

        def failed(message: str, is_bug: bool) -> None:
            (QMessageBox.critical if is_bug else QMessageBox.warning)(self, "Slet sager", message)

        self.window_._tasks.append(run_with_progress(self, "Sletter og rydder op…", work, done, failed))


def export_audit_dialog(window: MainWindow) -> None:
    row = window.selected_row()
    choices = [("Hele loggen", "")]
    if row is not None:
        choices.insert(0, (f"Kun om {row.name}", row.cpr))
    chosen: dict[str, object] = {}
    dialog = FormDialog(
        "Eksportér log",
        [Field("who", "Hvad", kind="choice", choices=choices)],
        {"who": choices[0][1]},
        lambda v: chosen.update(v),
        window,
        intro="Loggen viser, hvornår sager er læst, søgt, ændret, eksporteret og slettet – aldrig indholdet.",
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    default = Path.home() / f"jobraad-log {dt.date.today():%Y-%m-%d}.csv"
    target, _ = QFileDialog.getSaveFileName(window, "Gem log", str(default), "CSV (*.csv)")
    if not target:
        return
    try:
        # Qt's save dialog has asked before replacing an existing file.
        count = audit.export_audit(window.database, Path(target), str(chosen["who"]) or None, replace=True)
    except UserFacingError as err:
        QMessageBox.warning(window, "Log", err.message)
        return
    window.statusBar().showMessage(f"{count} logposter er gemt i {Path(target).name}.", 8000)


def verify_audit(window: MainWindow) -> None:
    with window.database.reading() as session:
        report = audit.verify_chain(session)
    if report.ok:
        QMessageBox.information(window, "Log", f"Loggen er hel: {report.entries} poster er kontrolleret.")
    else:
        QMessageBox.warning(window, "Log", f"Loggen er ændret eller beskadiget ved post nr. {report.broken_at}.")
