"""Qt's own dialogs (file dialog, message boxes, print dialog) speak Danish, with no English
text left in them, and the program spells "Annuller" one way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDir, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QLabel,
    QMessageBox,
    QTabWidget,
    QTreeView,
)
from pytestqt.qtbot import QtBot

from ui.language import install_danish

ROOT = Path(__file__).resolve().parents[2]


class _Untranslated(QTranslator):
    """Asked before every other translator: notes each English text that none of the Danish
    ones translates (Qt then shows the English text)."""

    def __init__(self, danish: list[QTranslator]) -> None:
        super().__init__()
        self.danish = danish
        self.english: set[str] = set()

    def translate(self, context: str, sourceText: str, /, disambiguation: str | None = None, n: int = -1) -> str | None:
        if not any(t.translate(context, sourceText, disambiguation, n) for t in self.danish):
            self.english.add(sourceText)
        return None  # not an answer: Qt asks the next translator

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def danish(qapp: QApplication) -> Iterator[_Untranslated]:
    installed = install_danish(qapp)
    watch = _Untranslated(installed)
    qapp.installTranslator(watch)
    yield watch
    for translator in [watch, *installed]:
        qapp.removeTranslator(translator)


def _shown_texts(dialog: QDialog) -> set[str]:
    """Every text the dialog shows: labels, buttons, tooltips, group and tab titles, list choices,
    column headers."""
    texts = {w.text() for w in dialog.findChildren(QLabel)} | {b.text() for b in dialog.findChildren(QAbstractButton)}
    texts |= {w.toolTip() for w in dialog.findChildren(QAbstractButton)}
    texts |= {box.title() for box in dialog.findChildren(QGroupBox)}
    for tabs in dialog.findChildren(QTabWidget):
        texts |= {tabs.tabText(i) for i in range(tabs.count())}
    for combo in dialog.findChildren(QComboBox):
        texts |= {combo.itemText(i) for i in range(combo.count())}
    for tree in dialog.findChildren(QTreeView):
        model = tree.model()
        if model is not None:
            texts |= {str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())}
            root = tree.rootIndex()
            texts |= {str(model.index(r, 2, root).data()) for r in range(model.rowCount(root))}  # the Type column
    return {t for t in texts if t}


def _file_dialog(qtbot: QtBot, mode: QFileDialog.AcceptMode, folder: Path) -> QFileDialog:
    dialog = QFileDialog(None, "Gem dossier", str(folder), "PDF (*.pdf);;Alle filer (*)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(mode)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.findChild(QTreeView).model().rowCount(dialog.findChild(QTreeView).rootIndex()) > 0)
    return dialog


@pytest.mark.parametrize("mode", [QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave])
def test_file_dialog_speaks_danish(
    qtbot: QtBot, danish: _Untranslated, tmp_path: Path, mode: QFileDialog.AcceptMode
) -> None:
    (tmp_path / "Breve").mkdir()
    (tmp_path / "dossier.pdf").write_bytes(b"%PDF-1.4\n")
    dialog = _file_dialog(qtbot, mode, tmp_path)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"Kig &i:", "&Filnavn:", "Fil&type:"} <= labels
    assert not labels & {"&Look in:", "File &name:", "Files of &type:"}
    shown = _shown_texts(dialog)
    assert "Mappe" in shown  # the Type column of the folder "Breve"
    assert "Annuller" in shown
    assert not shown & danish.english, f"English in Qt's file dialog: {shown & danish.english}"


def test_message_box_buttons_speak_danish(qtbot: QtBot, danish: _Untranslated) -> None:
    buttons = QMessageBox.StandardButton
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Gem ændringer?",
        "Der er ændringer, der ikke er gemt.",
        buttons.Yes | buttons.No | buttons.Save | buttons.Discard | buttons.Cancel | buttons.Close | buttons.Ok,
    )
    qtbot.addWidget(box)
    texts = {box.button(b).text().replace("&", "") for b in (buttons.Yes, buttons.No, buttons.Save, buttons.Cancel)}
    assert texts == {"Ja", "Nej", "Gem", "Annuller"}
    assert box.button(buttons.Discard).text() == "Forkast"
    assert box.button(buttons.Close).text() == "Luk"
    assert not _shown_texts(box) & danish.english


def test_print_dialog_speaks_danish(qtbot: QtBot, danish: _Untranslated) -> None:
    printer = QPrinter()  # outlives the dialog, which keeps a pointer to it
    dialog = QPrintDialog(printer)
    dialog.show()
    shown = _shown_texts(dialog)
    dialog.close()
    dialog.deleteLater()
    assert "Dobbeltsidet udskrivning" in shown
    assert not shown & danish.english, f"English in Qt's print dialog: {shown & danish.english}"


def test_qts_translation_is_where_qt_looks() -> None:
    """The file build.spec must carry: found in Qt's own translations folder."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    assert (Path(folder) / "qtbase_da.qm").is_file()
    assert QTranslator().load(QLocale(QLocale.Language.Danish), "qtbase", "_", folder)


def test_without_the_danish_translator_qt_is_english(qtbot: QtBot, tmp_path: Path) -> None:
    """The check above means something: with no translator the same label is English."""
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Look in:"
    dialog = QFileDialog(None, "x", str(QDir.homePath()))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    assert "&Look in:" in {label.text() for label in dialog.findChildren(QLabel)}


def test_annuller_has_one_spelling() -> None:
    """Danish buttons say "Annuller" (no accent) everywhere, as Qt's own Cancel does."""
    accented = re.compile("Annullér")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "ui").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if accented.search(line)
    ]
    assert not found, f'"Annullér" instead of "Annuller" in {found}'
