"""The caseworker's own details (name, jobcenter, phone, e-mail), asked for once at the first
start: they stand on the dossier's cover and in the letters. Later they are changed under
Indstillinger, which checks the e-mail the same way (`email_problem`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialogButtonBox, QWidget

from jobraad import settings
from jobraad.errors import FieldProblem, ValidationFailed
from ui.forms import Field, FormDialog

if TYPE_CHECKING:
    from db.session import Database

CASEWORKER_KEYS = ("caseworker_name", "jobcenter_name", "caseworker_phone", "caseworker_email")


def email_problem(text: str) -> str | None:
    """What is wrong with an e-mail address as typed, in Danish (None: nothing, or empty).
    Lightly: an address with something before and after one "@", no spaces."""
    text = text.strip()
    if not text:
        return None
    name, at, domain = text.partition("@")
    if not at or not name or not domain or "@" in domain or any(ch.isspace() for ch in text):
        return f"«{text}» er ikke en e-mailadresse. Skriv den hele, fx navn@kk.dk."
    return None


def caseworker_dialog(database: Database, parent: QWidget | None = None) -> FormDialog:
    """Gem stores the four details (the name is required); Senere closes without storing."""
    values = settings.get_settings(database)
    specs = settings.SPECS
    fields = [
        Field(key, specs[key].label, required=key == "caseworker_name", placeholder=placeholder)
        for key, placeholder in zip(
            CASEWORKER_KEYS, ("Fornavn Efternavn", "", "fx 33 66 33 66", "navn@kk.dk"), strict=True
        )
    ]

    def save(v: dict[str, Any]) -> object:
        problem = email_problem(v["caseworker_email"])
        if problem:
            raise ValidationFailed([FieldProblem("caseworker_email", problem)], "Oplysningerne er ikke gemt:")
        settings.set_settings(database, {key: str(v[key]).strip() for key in CASEWORKER_KEYS})
        return None

    dialog = FormDialog(
        "Velkommen – dine oplysninger",
        fields,
        {key: values[key] for key in CASEWORKER_KEYS},
        save,
        parent,
        intro=(
            "Dit navn, dit jobcenter og hvordan man når dig står på dossierets forside og i brevene til "
            "borgere og læger. Du kan altid ændre dem under Filer › Indstillinger (Ctrl+,)."
        ),
    )
    dialog.setObjectName("caseworkerDialog")
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    later = box.button(QDialogButtonBox.StandardButton.Cancel)
    later.setText("&Senere")
    later.setToolTip("Spørg igen næste gang, programmet starter")
    return dialog
