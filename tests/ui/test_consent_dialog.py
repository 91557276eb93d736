"""The consent form and the consent list of the Dokumentation tab: a consent is recorded with
which information, from whom, for which case and until when; Enter saves, Esc cancels; a
refusal is shown in Danish and nothing is saved; the list shows the scope and validity and
withdraws a consent."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.enums import Aim, ContactKind, DocumentSource, DocumentState, VisitationGroup
from db.models import Consent
from db.session import Database
from jobraad import consents, documentation, health
from jobraad.citizens import CitizenInput, create_citizen
from tests.helpers import consent_input, stored
from ui.consent_dialog import ConsentDialog, consent_item_dialog, new_consent_dialog
from ui.file_tabs.documentation import DocumentationTab
from ui.forms import FormDialog

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def citizen(database: Database) -> int:
    cid = create_citizen(
        database,
        CitizenInput(
            "Łucja",
            "Wąsik",
            "1505801234",
            aim=Aim.FLEKSJOB,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=dt.date(2026, 1, 5),
        ),
    )
    health.add_contact(database, cid, health.ContactInput(ContactKind.EGEN_LAEGE, "Lægerne på Amagerbrogade"))
    return cid


def _line(dialog: FormDialog, key: str) -> QLineEdit:
    widget = dialog.widgets[key]
    assert isinstance(widget, QLineEdit)
    return widget


def _type(qtbot: QtBot, dialog: FormDialog, key: str, text: str) -> None:
    line = _line(dialog, key)
    line.clear()
    qtbot.keyClicks(line, text)


def _consents(database: Database) -> list[tuple[object, ...]]:
    with database.reading() as session:
        return [
            (c.source, c.information, c.source_name, c.purpose, c.given_on, c.expires_on)
            for c in session.scalars(select(Consent).order_by(Consent.id))
        ]


def test_fill_the_form_and_press_enter_to_save(qtbot: QtBot, database: Database, citizen: int) -> None:
    dialog = new_consent_dialog(database, citizen, Aim.FLEKSJOB, TODAY, None)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("retssikkerhedsloven § 11 a, stk. 1; retssikkerhedsvejledningen pkt. 117" in t for t in labels)
    # The suggestion: the citizen's registered GP, the case; the caseworker makes the information concrete.
    assert _line(dialog, "source_name").text() == "Lægerne på Amagerbrogade"
    assert _line(dialog, "purpose").text() == "Afklaring af ret til fleksjob – sag hos jobcentret"
    assert _line(dialog, "information").text().endswith("…")
    _type(qtbot, dialog, "information", "Lægeattest LÆ 265 og journaloplysninger om knæene")
    _type(qtbot, dialog, "given_on", "27-02-2026")
    _type(qtbot, dialog, "expires_on", "26-02-2027")
    qtbot.keyClick(_line(dialog, "expires_on"), Qt.Key.Key_Return)
    assert dialog.result() == FormDialog.DialogCode.Accepted
    assert _consents(database) == [
        (
            DocumentSource.EGEN_LAEGE,
            "Lægeattest LÆ 265 og journaloplysninger om knæene",
            "Lægerne på Amagerbrogade",
            "Afklaring af ret til fleksjob – sag hos jobcentret",
            dt.date(2026, 2, 27),
            dt.date(2027, 2, 26),
        )
    ]


def test_an_empty_field_is_named_in_danish_and_nothing_is_saved(qtbot: QtBot, database: Database, citizen: int) -> None:
    dialog = new_consent_dialog(database, citizen, Aim.FLEKSJOB, TODAY, None)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(qtbot, dialog, "information", "Lægeattest LÆ 265 og journaloplysninger om knæene")
    _line(dialog, "source_name").clear()
    before = stored(database)
    qtbot.keyClick(_line(dialog, "information"), Qt.Key.Key_Return)
    assert dialog.result() != FormDialog.DialogCode.Accepted and dialog.isVisible()
    assert dialog.error_text("source_name") == "Fra hvem skal udfyldes."
    assert stored(database) == before
    # A general consent is refused by the service, next to its field, with pkt. 117.
    _type(qtbot, dialog, "source_name", "Lægerne på Amagerbrogade")
    _type(qtbot, dialog, "information", "Alle oplysninger")
    qtbot.keyClick(_line(dialog, "information"), Qt.Key.Key_Return)
    assert "pkt. 117" in dialog.error_text("information") and "generelt" in dialog.error_text("information")
    assert stored(database) == before


def test_escape_cancels(qtbot: QtBot, database: Database, citizen: int) -> None:
    dialog = new_consent_dialog(database, citizen, Aim.FLEKSJOB, TODAY, None)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(qtbot, dialog, "information", "Lægeattest LÆ 265 og journaloplysninger om knæene")
    qtbot.keyClick(_line(dialog, "information"), Qt.Key.Key_Escape)
    assert dialog.result() == FormDialog.DialogCode.Rejected
    assert _consents(database) == []


def test_the_suggestion_follows_the_source_until_edited(qtbot: QtBot, database: Database, citizen: int) -> None:
    dialog = new_consent_dialog(database, citizen, Aim.FLEKSJOB, TODAY, None)
    qtbot.addWidget(dialog)
    combo = dialog.widgets["source"]
    _type(qtbot, dialog, "purpose", "Afklaring af fleksjob, sag 2026-17")
    combo.setCurrentIndex(combo.findData(DocumentSource.HOSPITAL))  # type: ignore[attr-defined]
    assert _line(dialog, "information").text().startswith("Epikriser")
    assert _line(dialog, "source_name").text() == ""  # no hospital registered: the caseworker names it
    assert _line(dialog, "purpose").text() == "Afklaring af fleksjob, sag 2026-17"  # typed text stays


# --- in the Dokumentation tab ---------------------------------------------------------------------


@pytest.fixture
def tab(qtbot: QtBot, database: Database, citizen: int) -> DocumentationTab:
    t = DocumentationTab(database, TODAY)
    qtbot.addWidget(t)
    t.show_citizen(citizen)
    return t


def test_ticking_the_consent_item_opens_the_consent_form(qtbot: QtBot, tab: DocumentationTab) -> None:
    assert tab.select_entry("samtykke_egen_laege")
    shown: list[ConsentDialog] = []

    def run(dialog: FormDialog) -> int:
        assert isinstance(dialog, ConsentDialog)
        shown.append(dialog)
        _type(qtbot, dialog, "information", "Lægeattest LÆ 265 og journaloplysninger om diabetes")
        dialog.accept()
        return int(dialog.result())

    with patch.object(FormDialog, "exec", run):
        tab.mark_received()
    assert shown and _line(shown[0], "source_name").text() == "Lægerne på Amagerbrogade"
    entry = tab.selected_entry()
    assert entry is not None and entry.state == DocumentState.MODTAGET and entry.received_on == TODAY
    assert _consents(tab.database) == [
        (
            DocumentSource.EGEN_LAEGE,
            "Lægeattest LÆ 265 og journaloplysninger om diabetes",
            "Lægerne på Amagerbrogade",
            "Afklaring af ret til fleksjob – sag hos jobcentret",
            TODAY,
            None,
        )
    ]
    model = tab.consents.model
    row = [model.index(0, col).data() for col in range(model.columnCount())]
    assert row == [
        "Egen læge",
        "Lægerne på Amagerbrogade",
        "Lægeattest LÆ 265 og journaloplysninger om diabetes",
        "Afklaring af ret til fleksjob – sag hos jobcentret",
        "02-03-2026",
        "Gyldig",
        "gyldigt til sagen er afsluttet, eller borgeren tilbagekalder det",
    ]


def test_the_consent_item_form_refuses_an_unfinished_suggestion(qtbot: QtBot, tab: DocumentationTab) -> None:
    assert tab.citizen_id is not None
    entry = documentation.load_checklist(tab.database, tab.citizen_id, TODAY).entry("samtykke_sof")
    dialog = consent_item_dialog(tab.database, tab.citizen_id, entry, Aim.FLEKSJOB, TODAY, None)
    qtbot.addWidget(dialog)
    dialog.show()
    before = stored(tab.database)
    qtbot.keyClick(_line(dialog, "information"), Qt.Key.Key_Return)
    assert dialog.error_text("source_name") == "Fra hvem skal udfyldes."  # no SOF contact registered
    _type(qtbot, dialog, "source_name", "Socialcenter Nørrebro")
    qtbot.keyClick(_line(dialog, "information"), Qt.Key.Key_Return)  # the unfinished suggestion as it is
    assert "»…«" in dialog.error_text("information")
    assert stored(tab.database) == before
    assert documentation.load_checklist(tab.database, tab.citizen_id, TODAY).entry("samtykke_sof").state == (
        DocumentState.MANGLER
    )


def test_ticking_a_health_item_while_the_consent_is_expired_is_refused(qtbot: QtBot, tab: DocumentationTab) -> None:
    assert tab.citizen_id is not None
    expired = consent_input(dt.date(2025, 1, 6), dt.date(2026, 1, 5))
    consents.add_consent(tab.database, tab.citizen_id, DocumentSource.EGEN_LAEGE, expired, TODAY)
    tab.reload()
    assert tab.consents.model.index(0, 5).data() == "Udløbet"
    assert tab.select_entry("lae265")
    before = stored(tab.database)
    shown: list[FormDialog] = []

    def run(dialog: FormDialog) -> int:
        shown.append(dialog)
        dialog.accept()
        return int(dialog.result())

    with patch.object(FormDialog, "exec", run):
        tab.mark_received()
    assert shown[0].result() != FormDialog.DialogCode.Accepted
    assert "Der er ikke et gyldigt samtykke fra borgeren den 02-03-2026" in shown[0].general_error.text()
    assert "Registrér samtykket først" in shown[0].general_error.text()
    assert stored(tab.database) == before
    assert tab.selected_entry().state == DocumentState.MANGLER  # type: ignore[union-attr]


def test_withdraw_a_consent_from_the_list(qtbot: QtBot, tab: DocumentationTab) -> None:
    assert tab.citizen_id is not None
    consents.add_consent(tab.database, tab.citizen_id, DocumentSource.SOF, consent_input(dt.date(2026, 2, 1)), TODAY)
    tab.reload()
    tab.consents.view.selectRow(0)
    assert tab.consents.buttons["withdraw"].text() == "Tilbagekald…"

    def run(dialog: FormDialog) -> int:
        _type(qtbot, dialog, "on", "01-03-2026")
        dialog.accept()
        return int(dialog.result())

    with patch.object(FormDialog, "exec", run):
        tab.consents.buttons["withdraw"].click()
    assert tab.consents.model.index(0, 5).data() == "Tilbagekaldt"
    assert tab.consents.model.index(0, 6).data() == "tilbagekaldt 01-03-2026"
    shown = documentation.load_checklist(tab.database, tab.citizen_id, TODAY).consents
    assert shown[0].withdrawn_on == dt.date(2026, 3, 1)
