"""Qt's own texts in Danish: the buttons of message boxes, the file and print dialogs.

The program's own text is Danish in the code (no tr()). Qt's texts come from the
translation Qt ships (qtbase_da.qm, in Qt's translations folder; build.spec carries it into
the frozen program). That translation has gaps, and a gap shows as English in the middle of
a Danish dialog ("Look in:" in the file dialog); `QT_DANISH_GAPS` fills the ones the
program's dialogs show.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

#: (Qt's translation context, Qt's English text) → Danish, for the texts qtbase_da.qm lacks
#: (Qt 6.11). tests/ui/test_language.py finds every untranslated text in the dialogs the
#: program opens, so a new gap (a Qt update, a new dialog) fails there.
QT_DANISH_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "Kig &i:",
    ("QFileDialog", "Files of &type:"): "Fil&type:",
    ("QAbstractFileIconProvider", "Folder"): "Mappe",
    ("QAbstractFileIconProvider", "Drive"): "Drev",
    ("QPrintSettingsOutput", "Double Sided Printing"): "Dobbeltsidet udskrivning",
    ("QPrintSettingsOutput", "Long side binding"): "Indbinding langs den lange side",
    ("QPrintSettingsOutput", "Short side binding"): "Indbinding langs den korte side",
    ("QPrintSettingsOutput", "Off"): "Fra",
    ("QPrintSettingsOutput", "Page &Set:"): "Side&sæt:",
}


class _DanishGaps(QTranslator):
    """Answers the texts in `QT_DANISH_GAPS`; for any other text it answers None (a null
    string, not an empty one), and Qt asks the next translator (qtbase_da.qm)."""

    def translate(self, context: str, sourceText: str, /, disambiguation: str | None = None, n: int = -1) -> str | None:
        return QT_DANISH_GAPS.get((context, sourceText))

    def isEmpty(self) -> bool:
        return False


def qt_translations_folder() -> str:
    """Where Qt's own .qm files are: inside PySide6, or the frozen program's copy of it."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def install_danish(app: QCoreApplication) -> list[QTranslator]:
    """Install Qt's Danish translation with its gaps filled; the translators installed, most
    asked first. Without Qt's translation (a log line says so) Qt's texts stay English and
    the program works."""
    installed: list[QTranslator] = []
    qtbase = QTranslator(app)
    if qtbase.load(QLocale(QLocale.Language.Danish), "qtbase", "_", qt_translations_folder()):
        app.installTranslator(qtbase)
        installed.append(qtbase)
    else:
        log.warning("Qt's Danish translation (qtbase_da.qm) was not found in %s", qt_translations_folder())
    gaps = _DanishGaps(app)
    app.installTranslator(gaps)  # installed last, so asked first; it answers only its own few texts
    installed.insert(0, gaps)
    return installed
