"""The checklist view: states, the consent rule as the user meets it, attachments."""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path
from unittest.mock import patch

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.enums import Aim, ContactKind, DocumentSource, DocumentState, VisitationGroup
from db.session import Database
from jobraad import attachments, consents, documentation
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.document_requests import ItemAction
from jobraad.formatting import date as fmt_date
from tests.helpers import consent_input
from ui.file_tabs.documentation import DocumentationTab
from ui.forms import FormDialog

TODAY = dt.date(2026, 3, 2)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def tab(qtbot: QtBot, database: Database) -> DocumentationTab:
    cid = create_citizen(
        database,
        CitizenInput(
            "Łucja",
            "Wąsik",
            "1505801234",
            aim=Aim.FOERTIDSPENSION,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=dt.date(2026, 1, 5),
        ),
    )
    t = DocumentationTab(database, TODAY)
    qtbot.addWidget(t)
    t.show_citizen(cid)
    return t


def _accepting(values: dict[str, object]):  # type: ignore[no-untyped-def]
    def run(dialog: FormDialog) -> int:
        for key, value in values.items():
            widget = dialog.widgets[key]
            if hasattr(widget, "setPlainText"):
                widget.setPlainText(str(value))
            elif hasattr(widget, "findData"):  # a choice: by its value
                widget.setCurrentIndex(widget.findData(value))
            else:
                widget.setText(str(value))  # type: ignore[attr-defined]
        dialog.accept()
        run.dialog = dialog  # type: ignore[attr-defined]
        return int(dialog.result())

    return run


def test_shows_the_pack_items_for_the_aim(tab: DocumentationTab) -> None:
    assert tab.select_entry("fp_ressourceforloeb")  # førtidspension item
    assert not tab.select_entry("fleksjob_arbejdsevne")
    assert "Ikke klar" in tab.readiness.text()
    assert "BEK 47/2026" in tab.pack_label.text() and "fastlægges ved sagens første" in tab.pack_label.text()
    assert "Ikke bekræftet" in tab.pack_label.text()  # the pack's unconfirmed facts are shown
    assert tab.steps.count() > 0 and "samtykke" in tab.steps.item(0).text().lower()


def test_changing_the_pack_asks_for_a_reason_and_shows_the_new_pack(tab: DocumentationTab) -> None:
    runner = _accepting({"pack": "l1750_2026", "reason": ""})
    with patch.object(FormDialog, "exec", runner):
        tab.change_pack()
    dialog = runner.dialog  # type: ignore[attr-defined]
    assert dialog.result() != FormDialog.DialogCode.Accepted  # no reason: refused, nothing changed
    assert not documentation.load_checklist(tab.database, tab.citizen_id, TODAY).pack_chosen  # type: ignore[arg-type]
    with patch.object(FormDialog, "exec", _accepting({"pack": "l1750_2026", "reason": "Mødet er efter 1. juli"})):
        tab.change_pack()
    checklist = documentation.load_checklist(tab.database, tab.citizen_id, TODAY)  # type: ignore[arg-type]
    assert (checklist.pack.id, checklist.pack_since) == ("l1750_2026", TODAY)
    assert "Samlet beskrivelse" in tab.pack_label.text() and "Foreløbig:" in tab.pack_label.text()
    assert "fastlagt 02-03-2026" in tab.pack_label.text()
    sections = [tab.tree.topLevelItem(i).text(0) for i in range(tab.tree.topLevelItemCount())]
    assert "Samlet beskrivelse" in sections and "Forberedende del" not in sections


def test_an_oplagt_case_is_marked_with_a_reason_and_shown(tab: DocumentationTab) -> None:
    assert tab.without_team_button.isVisibleTo(tab)  # a førtidspension case under a team pack
    with patch.object(FormDialog, "exec", _accepting({"reason": ""})):
        tab.change_without_team()
    assert not documentation.load_checklist(tab.database, tab.citizen_id, TODAY).without_team  # type: ignore[arg-type]
    with patch.object(FormDialog, "exec", _accepting({"reason": "Fremadskridende sygdom"})):
        tab.change_without_team()
    assert documentation.load_checklist(tab.database, tab.citizen_id, TODAY).without_team  # type: ignore[arg-type]
    assert "Oplagt sag om førtidspension" in tab.pack_label.text()
    with patch.object(FormDialog, "exec", _accepting({"pack": "l1750_2026", "reason": "Efter reformen"})):
        tab.change_pack()
    assert not tab.without_team_button.isVisibleTo(tab)  # no team under lov 1750's second part


def test_health_request_without_consent_is_refused_in_the_dialog(tab: DocumentationTab) -> None:
    tab.select_entry("lae265")
    runner = _accepting({"who": "Læge Hansen"})
    with patch.object(FormDialog, "exec", runner):
        tab.mark_requested()
    dialog = runner.dialog  # type: ignore[attr-defined]
    assert dialog.result() != FormDialog.DialogCode.Accepted
    assert "samtykke" in dialog.general_error.text()
    entry = documentation.load_checklist(tab.database, tab.citizen_id, TODAY).entry("lae265")  # type: ignore[arg-type]
    assert entry.state == DocumentState.MANGLER


def test_request_after_consent_updates_the_view(tab: DocumentationTab) -> None:
    consents.add_consent(tab.database, tab.citizen_id, DocumentSource.EGEN_LAEGE, consent_input(TODAY), TODAY)  # type: ignore[arg-type]
    tab.reload()
    tab.select_entry("lae265")
    with patch.object(FormDialog, "exec", _accepting({"who": "Læge Hansen"})):
        tab.mark_requested()
    entry = tab.selected_entry()
    assert entry is not None and entry.state == DocumentState.ANMODET and entry.requested_from == "Læge Hansen"
    assert tab.tree.currentItem().text(1).startswith("Anmodet 02-03-2026")
    assert "Læge Hansen" in tab.details.toPlainText()


def test_a_back_dated_request_is_due_its_answer_time_after_its_own_date(tab: DocumentationTab) -> None:
    asked = TODAY - dt.timedelta(days=10)
    consents.add_consent(tab.database, tab.citizen_id, DocumentSource.EGEN_LAEGE, consent_input(asked), TODAY)  # type: ignore[arg-type]
    tab.reload()
    tab.select_entry("lae265")
    with patch.object(FormDialog, "exec", _accepting({"who": "Læge Hansen", "on": fmt_date(asked)})):
        tab.mark_requested()
    entry = tab.selected_entry()
    assert entry is not None and entry.requested_on == asked
    assert entry.expected_by == documentation.answer_due(entry.item, asked)  # not counted from today


def test_not_relevant_needs_a_reason(tab: DocumentationTab) -> None:
    tab.select_entry("hospital_journal")
    runner = _accepting({"reason": ""})
    with patch.object(FormDialog, "exec", runner):
        tab.mark_not_relevant()
    assert "skal udfyldes" in runner.dialog.error_text("reason")  # type: ignore[attr-defined]
    with patch.object(FormDialog, "exec", _accepting({"reason": "Ingen hospitalsforløb"})):
        tab.mark_not_relevant()
    assert tab.selected_entry().state == DocumentState.IKKE_RELEVANT  # type: ignore[union-attr]


def test_attach_file_to_an_item_and_refuse_a_bad_one(tab: DocumentationTab, tmp_path: Path) -> None:
    good = tmp_path / "lae265.png"
    good.write_bytes(PNG)
    bad = tmp_path / "noter.pdf"
    bad.write_text("ikke en pdf")
    tab.select_entry("lae265")
    entry = tab.selected_entry()
    assert entry is not None
    with patch("ui.file_tabs.documentation.QMessageBox.warning") as warning:
        tab._attach(entry, [good, bad])
    assert warning.call_count == 1 and "noter.pdf" in warning.call_args.args[2]
    entry = tab.selected_entry()
    assert entry is not None and [a.filename for a in entry.attachments] == ["lae265.png"]
    view, data = attachments.read_attachment(tab.database, entry.attachments[0].attachment_id)
    assert data == PNG and view.mime_type == "image/png"
    assert tab.tree.currentItem().text(3) == "1"


# --- what an item offers ------------------------------------------------------------------


def _enabled(tab: DocumentationTab) -> set[str]:
    return {str(action) for action, button in tab.buttons.items() if button.isEnabled()}


def test_the_buttons_offer_what_the_item_allows(tab: DocumentationTab, tmp_path: Path) -> None:
    tab.select_entry("fd_uddannelse_cv")  # written as text: go and write it (a CV file may go with it)
    assert _enabled(tab) == {"write", "attach"}
    tab.select_entry("indsatser_afproevet")  # gathered by the jobcenter: no letter to anyone
    assert _enabled(tab) == {"requested", "received", "not_relevant", "attach"}
    tab.select_entry("lae265")  # untouched: nothing to reset, no attachment to show
    assert _enabled(tab) == {"requested", "received", "not_relevant", "attach", "letter"}
    good = tmp_path / "lae265.png"
    good.write_bytes(PNG)
    with patch("ui.file_dialogs.QFileDialog.getOpenFileNames", return_value=([str(good)], "")):
        tab.buttons[ItemAction.ATTACH].click()
    assert tab.citizen_id is not None
    consents.add_consent(tab.database, tab.citizen_id, DocumentSource.EGEN_LAEGE, consent_input(TODAY), TODAY)
    with patch.object(FormDialog, "exec", _accepting({})):
        tab.buttons[ItemAction.RECEIVE].click()
    assert _enabled(tab) == {"requested", "received", "not_relevant", "reset", "attach", "view", "remove", "letter"}
    # Received with its file: nothing to keep on paper. Without a file it could be.
    assert tab.tree.currentItem().text(1).startswith("Modtaget")


# --- request letters ----------------------------------------------------------------------


def _audit_details(database: Database) -> list[str]:
    from jobraad.audit import audit_rows

    with database.reading() as session:
        return [f"{label}: {detail}" for _at, label, detail, _who in audit_rows(session, "1505801234")]


@pytest.fixture
def with_consent_and_gp(tab: DocumentationTab) -> DocumentationTab:
    from jobraad import health, settings

    assert tab.citizen_id is not None
    consents.add_consent(tab.database, tab.citizen_id, DocumentSource.EGEN_LAEGE, consent_input(TODAY), TODAY)
    health.add_contact(
        tab.database, tab.citizen_id, health.ContactInput(ContactKind.EGEN_LAEGE, "Lægerne på Amagerbrogade")
    )
    settings.set_settings(tab.database, {"caseworker_name": "Søren Ærø"})
    tab.reload()
    tab.select_entry("lae265")
    return tab


def test_the_letter_is_suggested_in_the_documents_folder_under_initials_and_date(
    with_consent_and_gp: DocumentationTab, tmp_path: Path
) -> None:
    from ui.places import documents_folder

    with (
        patch.object(FormDialog, "exec", _accepting({})),
        patch("ui.file_dialogs.QFileDialog.getSaveFileName", return_value=(str(tmp_path / "brev.pdf"), "")) as asked,
        patch("ui.file_tabs.documentation.QDesktopServices.openUrl"),
    ):
        with_consent_and_gp.make_letter()
    suggested = Path(asked.call_args.args[2])
    assert suggested == documents_folder() / "Anmodning ŁW 2026-03-02.pdf"  # Łucja Wąsik: no name in the file's


def test_letter_is_written_and_the_item_marked_requested(with_consent_and_gp: DocumentationTab, tmp_path: Path) -> None:
    tab = with_consent_and_gp
    target = tmp_path / "Anmodning LÆ 265.pdf"
    runner = _accepting({})
    with (
        patch.object(FormDialog, "exec", runner),
        patch("ui.file_dialogs.QFileDialog.getSaveFileName", return_value=(str(target), "")),
        patch("ui.file_tabs.documentation.QDesktopServices.openUrl") as opened,
    ):
        tab.make_letter()
    dialog = runner.dialog  # type: ignore[attr-defined]
    assert dialog.widgets["recipient_name"].text() == "Lægerne på Amagerbrogade"  # the registered GP
    assert dialog.widgets["caseworker"].text() == "Søren Ærø"
    assert dialog.result() == FormDialog.DialogCode.Accepted
    assert opened.call_count == 1
    text = PdfReader(target).pages[0].extract_text()
    assert "Łucja Wąsik" in text and "afklaring af ret til førtidspension" in text
    entry = tab.selected_entry()
    assert entry is not None and entry.state == DocumentState.ANMODET
    assert entry.requested_from == "Lægerne på Amagerbrogade" and entry.requested_on == TODAY
    assert _audit_details(tab.database).count("Udskrift: anmodningsbrev") == 1


def test_a_letter_that_cannot_be_saved_changes_nothing(
    with_consent_and_gp: DocumentationTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = with_consent_and_gp

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    folder = tmp_path / "breve"
    folder.mkdir()
    monkeypatch.setattr(os, "replace", disk_full)
    runner = _accepting({})
    with (
        patch.object(FormDialog, "exec", runner),
        patch("ui.file_dialogs.QFileDialog.getSaveFileName", return_value=(str(folder / "b.pdf"), "")),
    ):
        tab.make_letter()
    dialog = runner.dialog  # type: ignore[attr-defined]
    assert dialog.result() != FormDialog.DialogCode.Accepted
    assert "ikke plads nok på disken" in dialog.general_error.text()
    assert list(folder.iterdir()) == []
    entry = documentation.load_checklist(tab.database, tab.citizen_id, TODAY).entry("lae265")  # type: ignore[arg-type]
    assert entry.state == DocumentState.MANGLER and entry.events == ()
    assert "Udskrift: anmodningsbrev" not in _audit_details(tab.database)


def test_a_cancelled_letter_is_not_logged_as_printed(with_consent_and_gp: DocumentationTab) -> None:
    with patch.object(FormDialog, "exec", return_value=FormDialog.DialogCode.Rejected):
        with_consent_and_gp.make_letter()
    assert "Udskrift: anmodningsbrev" not in _audit_details(with_consent_and_gp.database)


def test_no_health_letter_form_without_consent(tab: DocumentationTab) -> None:
    tab.select_entry("lae265")
    with (
        patch.object(FormDialog, "exec") as shown,
        patch("ui.file_tabs.documentation.QMessageBox.warning") as warning,
    ):
        tab.make_letter()
    assert shown.call_count == 0
    assert "Registrér samtykket først" in warning.call_args.args[2]


# --- readiness from content (issue 17) -------------------------------------------------------


def test_a_written_point_says_whether_its_text_is_written_and_enter_goes_to_it(
    tab: DocumentationTab, qtbot: QtBot
) -> None:
    from jobraad.case_texts import save_case_texts

    assert tab.select_entry("fd_helbred")
    assert tab.tree.currentItem().text(1) == "Ikke skrevet"
    with qtbot.waitSignal(tab.open_text) as blocker:
        qtbot.keyClick(tab.tree, Qt.Key.Key_Return)
    assert blocker.args == ["helbred"]
    assert tab.citizen_id is not None
    save_case_texts(tab.database, tab.citizen_id, {"helbred": "Kronisk rygsmerte siden 2019."}, today=TODAY)
    tab.reload()
    assert tab.select_entry("fd_helbred")
    assert tab.tree.currentItem().text(1).startswith("Skrevet ")


def test_received_without_a_file_is_flagged_until_it_is_attached_or_kept_on_paper(tab: DocumentationTab) -> None:
    assert tab.citizen_id is not None
    consents.add_consent(tab.database, tab.citizen_id, DocumentSource.EGEN_LAEGE, consent_input(TODAY), TODAY)
    tab.reload()
    tab.select_entry("lae265")
    with patch.object(FormDialog, "exec", _accepting({})):
        tab.buttons[ItemAction.RECEIVE].click()
    assert tab.tree.currentItem().text(1) == f"Modtaget {fmt_date(TODAY)} · ikke vedhæftet"
    assert "• Lægeattest LÆ 265 fra egen læge – modtaget, men ikke vedhæftet" in tab.readiness.toolTip()
    assert any(tab.steps.item(i).text().startswith("Vedhæft «Lægeattest LÆ 265") for i in range(tab.steps.count()))
    assert tab.buttons[ItemAction.ON_PAPER].isEnabled()
    with patch.object(FormDialog, "exec", _accepting({"reason": "Modtaget med posten, ligger i papirsagen"})):
        tab.buttons[ItemAction.ON_PAPER].click()
    assert tab.tree.currentItem().text(1) == f"Modtaget {fmt_date(TODAY)} · på papir"
    assert "ikke vedhæftet" not in tab.readiness.toolTip()
    entry = documentation.load_checklist(tab.database, tab.citizen_id, TODAY).entry("lae265")
    assert entry.on_paper_reason == "Modtaget med posten, ligger i papirsagen"
