"""Create, edit, close and reopen a citizen through the dialogs, as a user would."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.enums import Aim, Outcome, VisitationGroup
from db.models import CaseOutcome, Citizen, Forloeb, JournalNote
from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from ui.dialogs.citizen import (
    change_group_dialog,
    close_case_dialog,
    edit_citizen_dialog,
    new_citizen_dialog,
    reopen_case_dialog,
)
from ui.forms import FormDialog


def _fill(qtbot: QtBot, dialog: FormDialog, **values: str) -> None:
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

    for key, text in values.items():
        widget = dialog.widgets[key]
        if isinstance(widget, QLineEdit):
            widget.clear()
            if text.isascii():
                qtbot.keyClicks(widget, text)
            else:
                widget.setText(text)  # QTest types ASCII keys only
        else:
            assert isinstance(widget, QPlainTextEdit)
            widget.setPlainText(text)


def _count(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(Citizen)) or 0


def test_new_citizen_with_bad_cpr_shows_message_next_to_field_and_saves_nothing(
    qtbot: QtBot, database: Database
) -> None:
    dialog = new_citizen_dialog(database)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, first_name="Anna", last_name="Holm", cpr="310299-1234")
    dialog.accept()
    assert dialog.result() != FormDialog.DialogCode.Accepted
    assert "gyldig fødselsdato" in dialog.error_text("cpr")
    assert dialog.error_text("first_name") == ""
    assert _count(database) == 0


def test_new_citizen_missing_names_and_bad_date(qtbot: QtBot, database: Database) -> None:
    dialog = new_citizen_dialog(database)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, first_name="", last_name="", cpr="010162-1233", forloeb_start="31-02-2026")
    dialog.accept()
    assert "skal udfyldes" in dialog.error_text("first_name")
    assert "skal udfyldes" in dialog.error_text("last_name")
    assert "findes ikke i kalenderen" in dialog.error_text("forloeb_start")
    assert _count(database) == 0


def test_new_citizen_saved(qtbot: QtBot, database: Database) -> None:
    dialog = new_citizen_dialog(database)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, first_name="Şükrü", last_name="Ağaoğlu", cpr="0101621233", forloeb_start="01-09-2026")
    group = dialog.widgets["group"]
    group.setCurrentIndex(group.findData(VisitationGroup.GRUPPE_3))  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    with database.reading() as session:
        citizen = session.scalars(select(Citizen)).one()
        assert (citizen.first_name, citizen.last_name, citizen.cpr) == ("Şükrü", "Ağaoğlu", "0101621233")
        forloeb = session.scalars(select(Forloeb)).one()
        assert (forloeb.group, forloeb.start_date) == (VisitationGroup.GRUPPE_3, dt.date(2026, 9, 1))


def test_duplicate_cpr_refused(qtbot: QtBot, database: Database) -> None:
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    dialog = new_citizen_dialog(database)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, first_name="C", last_name="D", cpr="010162-1233")
    dialog.accept()
    assert "allerede i sagsstammen" in dialog.error_text("cpr")
    assert _count(database) == 1


def test_edit_keeps_values_and_saves(qtbot: QtBot, database: Database) -> None:
    cid = create_citizen(database, CitizenInput("Łucja", "Wąsik", "1505801234", phone="11 22 33 44"))
    dialog = edit_citizen_dialog(database, cid)
    qtbot.addWidget(dialog)
    assert dialog.widgets["first_name"].text() == "Łucja"  # type: ignore[attr-defined]
    _fill(qtbot, dialog, phone="not a phone", email="x@")
    dialog.accept()
    assert "telefonnummer" in dialog.error_text("phone")
    assert "e-mailadresse" in dialog.error_text("email")
    with database.reading() as session:
        assert session.get(Citizen, cid).phone == "11 22 33 44"  # type: ignore[union-attr]
    _fill(qtbot, dialog, phone="55 66 77 88", email="lucja@example.dk")
    dialog.accept()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    with database.reading() as session:
        c = session.get(Citizen, cid)
        assert c is not None and (c.phone, c.email) == ("55 66 77 88", "lucja@example.dk")


def test_change_group_needs_reason_then_starts_new_forloeb(qtbot: QtBot, database: Database) -> None:
    cid = create_citizen(
        database,
        CitizenInput("A", "B", "0101621233", group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2026, 1, 5)),
    )
    dialog = change_group_dialog(database, cid, VisitationGroup.GRUPPE_2)
    qtbot.addWidget(dialog)
    combo = dialog.widgets["group"]
    combo.setCurrentIndex(combo.findData(VisitationGroup.GRUPPE_1))  # type: ignore[attr-defined]
    _fill(qtbot, dialog, on="01-10-2026", reason="")
    dialog.accept()
    assert "skal udfyldes" in dialog.error_text("reason")
    _fill(qtbot, dialog, reason="Progression i timetal")
    dialog.accept()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    with database.reading() as session:
        rows = session.execute(
            select(Forloeb.group, Forloeb.start_date, Forloeb.end_date).order_by(Forloeb.start_date)
        ).all()
    assert rows == [
        (VisitationGroup.GRUPPE_2, dt.date(2026, 1, 5), dt.date(2026, 10, 1)),
        (VisitationGroup.GRUPPE_1, dt.date(2026, 10, 1), None),
    ]


def test_close_and_reopen(qtbot: QtBot, database: Database) -> None:
    cid = create_citizen(database, CitizenInput("A", "B", "0101621233", forloeb_start=dt.date(2026, 1, 5)))
    dialog = close_case_dialog(database, cid)
    qtbot.addWidget(dialog)
    combo = dialog.widgets["outcome"]
    combo.setCurrentIndex(combo.findData(Outcome.FLEKSJOB))  # type: ignore[attr-defined]
    _fill(qtbot, dialog, on="01-11-2026")
    dialog.accept()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    with database.reading() as session:
        outcome = session.scalars(select(CaseOutcome)).one()
        assert (outcome.outcome, outcome.closed_on, outcome.reopened_on) == (
            Outcome.FLEKSJOB,
            dt.date(2026, 11, 1),
            None,
        )
    reopen = reopen_case_dialog(database, cid)
    qtbot.addWidget(reopen)
    _fill(qtbot, reopen, on="01-10-2026")  # before the closing: refused
    reopen.accept()
    assert "før sagen blev lukket" in reopen.error_text("on")
    _fill(qtbot, reopen, on="20-11-2026")
    reopen.accept()
    assert reopen.result() == FormDialog.DialogCode.Accepted
    with database.reading() as session:
        assert session.scalars(select(CaseOutcome.reopened_on)).one() == dt.date(2026, 11, 20)
        open_forloeb = session.scalars(select(Forloeb).where(Forloeb.end_date.is_(None))).one()
        assert open_forloeb.start_date == dt.date(2026, 11, 20)


# --- the 6-year rule for ressourceforløb (LAB § 112, stk. 3) ------------------------------------------


def _choose_ressourceforloeb(dialog: FormDialog) -> None:
    aim = dialog.widgets["aim"]
    aim.setCurrentIndex(aim.findData(Aim.RESSOURCEFORLOEB))  # type: ignore[attr-defined]


def _aim_and_notes(database: Database, cid: int) -> tuple[Aim, list[str]]:
    with database.reading() as session:
        citizen = session.get(Citizen, cid)
        assert citizen is not None
        return citizen.aim, list(session.scalars(select(JournalNote.text).where(JournalNote.citizen_id == cid)))


def test_ressourceforloeb_close_to_folkepension_asks_and_nej_saves_nothing(qtbot: QtBot, database: Database) -> None:
    today = dt.date(2026, 12, 4)
    cid = create_citizen(database, CitizenInput("Aysel", "Kaya", "1503621234"), today=today)  # 67 on 15-03-2029
    dialog = edit_citizen_dialog(database, cid, today=today)
    qtbot.addWidget(dialog)
    _choose_ressourceforloeb(dialog)
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.No) as asked:
        dialog.accept()
    assert "Ønsker borgeren selv et ressourceforløb?" in asked.call_args.args[2]
    assert dialog.result() != FormDialog.DialogCode.Accepted
    assert "15-03-2029" in dialog.error_text("aim") and "LAB § 112, stk. 3" in dialog.error_text("aim")
    assert _aim_and_notes(database, cid) == (Aim.JOB, [])


def test_ressourceforloeb_close_to_folkepension_saved_when_the_citizen_wishes_it(
    qtbot: QtBot, database: Database
) -> None:
    today = dt.date(2026, 12, 4)
    cid = create_citizen(database, CitizenInput("Aysel", "Kaya", "1503621234"), today=today)
    dialog = edit_citizen_dialog(database, cid, today=today)
    qtbot.addWidget(dialog)
    _choose_ressourceforloeb(dialog)
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.Yes):
        dialog.accept()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    aim, notes = _aim_and_notes(database, cid)
    assert aim == Aim.RESSOURCEFORLOEB
    assert notes == [
        "Borgeren ønsker selv ressourceforløb, selv om der er mindre end 6 år til folkepensionsalderen "
        "(LAB § 112, stk. 3)."
    ]


def test_a_new_younger_citizen_gets_ressourceforloeb_without_a_question(qtbot: QtBot, database: Database) -> None:
    dialog = new_citizen_dialog(database, today=dt.date(2026, 12, 4))
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, first_name="Sara", last_name="Lund", cpr="0101751234")
    _choose_ressourceforloeb(dialog)
    with patch.object(QMessageBox, "question", side_effect=AssertionError("asked")):
        dialog.accept()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    assert _aim_and_notes(database, dialog.result_value) == (Aim.RESSOURCEFORLOEB, [])  # type: ignore[arg-type]
