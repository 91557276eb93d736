"""Dialogs for a citizen: create and edit stamdata, change group, close and reopen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox, QWidget

from db.enums import Aim, BenefitType, Outcome, VisitationGroup
from jobraad import citizens
from jobraad.citizens import CitizenInput
from jobraad.vocab import AIM_LABELS, BENEFIT_LABELS, GROUP_LABELS, OUTCOME_LABELS
from ui.forms import Field, FormDialog, choices

if TYPE_CHECKING:
    from db.session import Database


def stamdata_fields(creating: bool) -> list[Field]:
    fields = [
        Field("first_name", "Fornavn", required=True, problem_names=("fornavn",)),
        Field("last_name", "Efternavn", required=True, problem_names=("efternavn",)),
        Field("cpr", "CPR-nummer", required=True, placeholder="DDMMÅÅ-SSSS", problem_names=("cpr",)),
        Field("phone", "Telefon", problem_names=("telefon",)),
        Field("email", "E-mail", problem_names=("email",)),
        Field("address", "Adresse", kind="multiline"),
        Field("language", "Sprog", placeholder="fx arabisk, tyrkisk, dansk"),
        Field("interpreter_needed", "Behov for tolk", kind="bool"),
        Field("benefit_type", "Ydelse", kind="choice", choices=choices(BENEFIT_LABELS)),
        Field(
            "support_years_last10",
            "Forsørgelsesår (af 10)",
            kind="int",
            problem_names=("forsørgelsesår",),
        ),
        Field("aim", "Sigte", kind="choice", choices=choices(AIM_LABELS)),
    ]
    if creating:
        fields += [
            Field("group", "Gruppe", kind="choice", choices=choices(GROUP_LABELS)),
            Field("forloeb_start", "Forløbsstart", kind="date", required=True, problem_names=("forløbsstart",)),
        ]
    fields.append(Field("notes", "Noter", kind="multiline"))
    return fields


def _input(values: dict[str, Any]) -> CitizenInput:
    return CitizenInput(
        first_name=values["first_name"],
        last_name=values["last_name"],
        cpr=values["cpr"],
        phone=values["phone"],
        email=values["email"],
        address=values["address"],
        language=values["language"],
        interpreter_needed=values["interpreter_needed"],
        benefit_type=BenefitType(values["benefit_type"]),
        support_years_last10=values["support_years_last10"],
        aim=Aim(values["aim"]),
        notes=values["notes"],
        group=VisitationGroup(values.get("group") or VisitationGroup.GRUPPE_2),
        forloeb_start=values.get("forloeb_start"),
    )


def _saved_asking_about_ressourceforloeb(dialog: QWidget, save: Callable[[bool], object]) -> object:
    """`save(False)`; when that refuses ressourceforløb by the 6-year rule, ask whether the
    citizen wishes it himself, and on Ja `save(True)`. On Nej the refusal stands (shown by the form)."""
    try:
        return save(False)
    except citizens.RessourceforloebRefused as refusal:
        answer = QMessageBox.question(
            dialog,
            "Ressourceforløb",
            f"{refusal.problems[0].message}\n\nØnsker borgeren selv et ressourceforløb?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            raise
        return save(True)


def new_citizen_dialog(
    database: Database, parent: QWidget | None = None, *, today: dt.date | None = None
) -> FormDialog:
    """On success `result_value` is the new citizen's id."""
    today = today or dt.date.today()
    values: dict[str, Any] = {
        "benefit_type": BenefitType.KONTANTHJAELP,
        "aim": Aim.JOB,
        "group": VisitationGroup.GRUPPE_2,
        "forloeb_start": today,
    }
    dialog = FormDialog(
        "Ny borger",
        stamdata_fields(creating=True),
        values,
        lambda v: _saved_asking_about_ressourceforloeb(
            dialog,
            lambda wish: citizens.create_citizen(database, _input(v), wishes_ressourceforloeb=wish, today=today),
        ),
        parent,
        intro="Felter med * skal udfyldes. CPR-nummeret kontrolleres for gyldig fødselsdato.",
    )
    return dialog


def edit_citizen_dialog(
    database: Database, citizen_id: int, parent: QWidget | None = None, *, today: dt.date | None = None
) -> FormDialog:
    current = citizens.get_citizen_input(database, citizen_id)
    values = {k: getattr(current, k) for k in CitizenInput.__dataclass_fields__}
    dialog = FormDialog(
        "Redigér stamdata",
        stamdata_fields(creating=False),
        values,
        lambda v: _saved_asking_about_ressourceforloeb(
            dialog,
            lambda wish: citizens.update_citizen(
                database, citizen_id, _input(v), wishes_ressourceforloeb=wish, today=today
            ),
        ),
        parent,
    )
    return dialog


def change_group_dialog(
    database: Database, citizen_id: int, current: VisitationGroup | None, parent: QWidget | None = None
) -> FormDialog:
    other_groups = [(label, g) for g, label in GROUP_LABELS.items() if g != current]
    return FormDialog(
        "Skift gruppe",
        [
            Field("group", "Ny gruppe", kind="choice", choices=other_groups, problem_names=("gruppe",)),
            Field("on", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("reason", "Begrundelse", kind="multiline", required=True, problem_names=("begrundelse",)),
        ],
        {"on": dt.date.today()},
        lambda v: citizens.change_group(database, citizen_id, VisitationGroup(v["group"]), v["on"], v["reason"]),
        parent,
        intro="Et gruppeskift afslutter det nuværende forløb og starter et nyt: fristerne regnes fra den nye dato.",
    )


def close_case_dialog(database: Database, citizen_id: int, parent: QWidget | None = None) -> FormDialog:
    return FormDialog(
        "Luk sag",
        [
            Field("outcome", "Afslutning", kind="choice", choices=choices(OUTCOME_LABELS)),
            Field("on", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("note", "Note", kind="multiline"),
        ],
        {"on": dt.date.today()},
        lambda v: citizens.close_case(database, citizen_id, Outcome(v["outcome"]), v["on"], v["note"]),
        parent,
        intro="Sagen flyttes til de lukkede sager. Den kan genåbnes senere.",
    )


def reopen_case_dialog(database: Database, citizen_id: int, parent: QWidget | None = None) -> FormDialog:
    return FormDialog(
        "Genåbn sag",
        [
            Field("group", "Gruppe", kind="choice", choices=choices(GROUP_LABELS)),
            Field("on", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("reason", "Begrundelse", kind="multiline"),
        ],
        {"on": dt.date.today(), "group": VisitationGroup.GRUPPE_2},
        lambda v: citizens.reopen_case(
            database, citizen_id, v["on"], VisitationGroup(v["group"]), v["reason"] or "Genåbnet"
        ),
        parent,
    )
