"""Backups, restore, passphrase, retention and the audit log: the Sikkerhed menu
(`TrustActions`, one per window), and the one restore flow, which the start of the
program uses too when the file turns out to be damaged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseDamagedError, UserFacingError
from jobraad import audit, audit_anchor, backup, retention, settings
from jobraad import formatting as fmt
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.passphrase import change_passphrase
from jobraad.vocab import OUTCOME_LABELS
from ui.dialogs.passphrase import PassphraseDialog
from ui.file_dialogs import FileKind, save_file
from ui.forms import Field, FormDialog
from ui.upkeep import BACKUP_CHECK_MS
from ui.worker import Progress, run_with_progress

if TYPE_CHECKING:
    from db.session import Database
    from jobraad.caseload import CaseloadRow

RESTORE_TITLE = "Gendan sikkerhedskopi"
BACKUP_FILES = "Sikkerhedskopi (*.jobraad *.bak *.backup);;Alle filer (*)"


def ask_to_restore(parent: QWidget | None, message: str) -> bool:
    """The file is damaged (`message` says so): does the user want to restore a backup now?"""
    answer = QMessageBox.critical(
        parent,
        "Databasen er beskadiget",
        message + "\n\nVil du gendanne en sikkerhedskopi nu?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def restore_backup(
    parent: QWidget | None,
    db_path: Path,
    folder: Path,
    *,
    confirm: bool,
    release: Callable[[], None] | None = None,
) -> str | None:
    """Replace the file at `db_path` by a backup the user picks (the dialog opens in
    `folder`) and whose passphrase the user gives. `confirm`: ask first (not when the user
    has just said yes to restoring a damaged file). `release()` lets go of the open file
    just before it is replaced. Returns the restored file's passphrase; None when nothing
    was restored (given up, or refused: the user was told why)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, RESTORE_TITLE, str(folder), BACKUP_FILES)
    if not chosen:
        return None
    if confirm:
        answer = QMessageBox.question(
            parent,
            RESTORE_TITLE,
            "Den nuværende database erstattes af sikkerhedskopien. Den nuværende fil gemmes ved siden af, så intet "
            "går tabt. jobraad lukker bagefter og skal startes igen. Fortsæt?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
    ask = PassphraseDialog(parent, file_label=f"Sikkerhedskopi: {Path(chosen).name}")
    ask.setWindowTitle("Adgangskode til sikkerhedskopien")
    if ask.exec() != QDialog.DialogCode.Accepted:
        return None
    passphrase = ask.value()
    if release is not None:
        release()
    try:
        backup.restore(Path(chosen), db_path, passphrase)
    except UserFacingError as err:
        QMessageBox.warning(parent, RESTORE_TITLE, err.message + "\n\njobraad lukker nu; start det igen.")
        return None
    return passphrase


class TrustActions:
    """The Sikkerhed menu of one window. `selected()` is the citizen selected in the list,
    `reload()` reads the caseload again, `quit_program()` ends the program without asking."""

    def __init__(
        self,
        window: QMainWindow,
        database: Database,
        today: dt.date,
        *,
        selected: Callable[[], CaseloadRow | None],
        reload: Callable[[], None],
        quit_program: Callable[[], None],
    ) -> None:
        self.window = window
        self.database = database
        self.today = today
        self.selected = selected
        self.reload = reload
        self.quit_program = quit_program

    def _tell(self, message: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(message, ms)

    def backup_now(self) -> None:
        database = self.database

        def work(progress: Progress) -> Path | None:
            return backup.automatic_backup(database, force=True, progress=progress)

        def done(path: object) -> None:
            self._tell(f"Sikkerhedskopien er gemt: {path.name if isinstance(path, Path) else ''}")

        def failed(message: str, is_bug: bool) -> None:
            (QMessageBox.critical if is_bug else QMessageBox.warning)(self.window, "Sikkerhedskopi", message)

        run_with_progress(self.window, "Tager sikkerhedskopi…", work, done, failed)

    def restore_backup(self) -> None:
        """From the menu: after a restore (or a failed one) the open file is gone, so the program ends."""
        if self._restore(confirm=True):
            self.quit_program()

    def file_damaged(self) -> None:
        """The file failed its integrity check behind the window: nothing is written to it (the
        database refuses), the user may restore a backup, and the program ends either way."""
        try:
            if ask_to_restore(self.window, DatabaseDamagedError(self.database.path).message):
                self._restore(confirm=False)
        finally:
            self.quit_program()

    def _restore(self, *, confirm: bool) -> bool:
        """The restore flow for the open file; True once the file was let go of."""
        released = False

        def release() -> None:
            nonlocal released
            released = True
            QThreadPool.globalInstance().waitForDone()  # no read or backup may be running on the file
            self.database.close()

        try:
            folder = settings.backup_folder(self.database)
        except UserFacingError:  # the settings are in the damaged part of the file
            folder = self.database.path.parent
        if restore_backup(self.window, self.database.path, folder, confirm=confirm, release=release) is not None:
            QMessageBox.information(self.window, RESTORE_TITLE, "Sikkerhedskopien er gendannet. Start jobraad igen.")
        return released

    def change_passphrase(self) -> None:
        database = self.database

        def save(v: dict[str, object]) -> object:
            if v["new"] != v["repeat"]:
                raise ValidationFailed([FieldProblem("repeat", "De to nye adgangskoder er ikke ens.")], "Ikke skiftet:")
            change_passphrase(database, str(v["old"]), str(v["new"]))
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
            self.window,
            intro="Filen krypteres om med den nye adgangskode. Sikkerhedskopier har stadig den gamle.",
        )
        for key in ("old", "new", "repeat"):
            widget = dialog.widgets[key]
            assert isinstance(widget, QLineEdit)
            widget.setEchoMode(QLineEdit.EchoMode.Password)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._tell("Adgangskoden er skiftet.")

    def delete_closed_cases(self) -> None:
        self.retention_dialog().exec()

    def retention_dialog(self) -> RetentionDialog:
        def deleted(count: int) -> None:
            self.reload()
            self._tell(f"{count} lukkede sager er slettet.")

        return RetentionDialog(self.window, self.database, self.today, deleted)

    def export_log(self) -> None:
        row = self.selected()
        choices = [("Hele loggen", "")]
        if row is not None:
            choices.insert(0, (f"Kun om {row.name}", row.cpr))
        chosen: dict[str, object] = {}
        dialog = FormDialog(
            "Eksportér log",
            [Field("who", "Hvad", kind="choice", choices=choices)],
            {"who": choices[0][1]},
            lambda v: chosen.update(v),
            self.window,
            intro="Loggen viser, hvornår sager er læst, søgt, ændret, eksporteret og slettet – aldrig indholdet.",
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name = f"jobraad-log {dt.date.today():%Y-%m-%d}.csv"
        target = save_file(self.window, FileKind.EXPORT, "Gem log", name, "CSV (*.csv)")
        if target is None:
            return
        try:
            # Qt's save dialog has asked before replacing an existing file.
            count = audit.export_audit(self.database, Path(target), str(chosen["who"]) or None, replace=True)
        except UserFacingError as err:
            QMessageBox.warning(self.window, "Log", err.message)
            return
        self._tell(f"{count} logposter er gemt i {Path(target).name}.")

    def verify_log(self) -> None:
        report = audit_anchor.verify(self.database)
        text = "\n\n".join(report.lines())
        if report.ok:
            QMessageBox.information(self.window, "Log", text)
        else:
            QMessageBox.warning(self.window, "Log", text)


class RetentionDialog(QDialog):
    """Closed cases past the retention period, to delete after confirmation;
    `on_deleted(count)` after a deletion."""

    def __init__(self, parent: QWidget, database: Database, today: dt.date, on_deleted: Callable[[int], None]) -> None:
        super().__init__(parent)
        self.database = database
        self.on_deleted = on_deleted
        self.setWindowTitle("Lukkede sager til sletning")
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        due = retention.deletion_list(database, today)
        intro = QLabel(
            "Sager, der har været lukket længere end opbevaringsperioden for deres udfald (regelfilen "
            "retention.toml, foreløbig: kommunens praksis, ikke lov; eller din indstilling). Kommunens fagsystem "
            "har stadig sagen. Sletning fjerner alt om borgeren her, også bilag, og kan kun fortrydes ved at "
            "gendanne en sikkerhedskopi.\n\n" + backup.deleted_in_backups_text(BACKUP_CHECK_MS // 60_000)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("dueForDeletion")
        for case in due:
            item = QListWidgetItem(
                f"{case.name} – lukket {fmt.date(case.closed_on)} ({OUTCOME_LABELS[case.outcome]}), "
                f"kan slettes fra {fmt.date(case.delete_from)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, case.citizen_id)
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
            f"Slet alt om {len(ids)} borger(e) permanent? Det kan ikke fortrydes.\n\n"
            + backup.deleted_in_backups_text(BACKUP_CHECK_MS // 60_000),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database = self.database

        def work(progress: Progress) -> object:
            return retention.delete_citizens(database, ids)

        def done(_result: object) -> None:
            self.accept()
            self.on_deleted(len(ids))

        def failed(message: str, is_bug: bool) -> None:
            (QMessageBox.critical if is_bug else QMessageBox.warning)(self, "Slet sager", message)

        run_with_progress(self, "Sletter og rydder op…", work, done, failed)
