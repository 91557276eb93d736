from pytestqt.qtbot import QtBot

from db.session import Database
from jobraad.settings import get_settings
from ui.dialogs.settings_dialog import settings_dialog


def test_settings_saved_and_bad_number_refused(qtbot: QtBot, database: Database) -> None:
    dialog = settings_dialog(database)
    qtbot.addWidget(dialog)
    dialog.widgets["caseworker_name"].setText("Hanne Jobrådgiver")  # type: ignore[attr-defined]
    dialog.widgets["signal_low_hours"].setText("ti")  # type: ignore[attr-defined]
    dialog.accept()
    assert "ikke et gyldigt tal" in dialog.error_text("signal_low_hours")
    assert get_settings(database)["caseworker_name"] == ""
    dialog.widgets["signal_low_hours"].setText("12,5")  # type: ignore[attr-defined]
    dialog.accept()
    values = get_settings(database)
    assert values["caseworker_name"] == "Hanne Jobrådgiver"
    assert values["signal_low_hours"] == 12.5
