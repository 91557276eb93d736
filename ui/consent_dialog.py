"""The consent form (retssikkerhedsloven § 11 a, stk. 1): which information, from whom, for
which case, given when, valid until when. It starts from a suggestion (`jobraad.document_requests.
consent_draft`) that the caseworker confirms or edits; the service refuses, field by field, a
consent that is empty, general or unfinished, and nothing is saved then.

Two uses: a new consent from the consent list (`new_consent_dialog`, the source is chosen in
the form), and a consent checklist item marked as received (`consent_item_dialog`, the source
is the item's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QWidget

from db.enums import Aim, DocumentSource, DocumentState
from jobraad import consents, documentation
from jobraad.consents import ConsentInput
from jobraad.document_requests import consent_draft
from jobraad.vocab import SOURCE_LABELS
from ui.forms import Field, FormDialog

if TYPE_CHECKING:
    from db.session import Database
    from jobraad.documentation import ChecklistEntry

# The fields, with the names the service gives them in a refusal (`jobraad.consents`).
SCOPE_FIELDS = [
    Field("information", "Hvilke oplysninger", required=True, problem_names=(consents.FIELD_INFORMATION,)),
    Field("source_name", "Fra hvem", required=True, problem_names=(consents.FIELD_SOURCE_NAME,)),
    Field("purpose", "Til hvilken sag", required=True, problem_names=(consents.FIELD_PURPOSE,)),
    Field("given_on", "Givet den", kind="date", required=True, problem_names=(consents.FIELD_GIVEN_ON, "dato")),
    Field("expires_on", "Gyldig til (valgfri)", kind="date", problem_names=(consents.FIELD_EXPIRES_ON,)),
]
_LIMITS = {
    "information": consents.INFORMATION_MAX,
    "source_name": consents.SOURCE_NAME_MAX,
    "purpose": consents.PURPOSE_MAX,
}
# Sources a consent can be recorded for from the consent list: not the jobcenter itself.
_SOURCES = [(label, s) for s, label in SOURCE_LABELS.items() if s != DocumentSource.JOBCENTER]


def legal_line() -> str:
    """The short line the form cites its rule with."""
    rules = consents.consent_rules()
    return f"Samtykke efter {rules.reference}. {rules.requirement}"


def _values(draft: ConsentInput) -> dict[str, Any]:
    return {
        "information": draft.information,
        "source_name": draft.source_name,
        "purpose": draft.purpose,
        "given_on": draft.given_on,
        "expires_on": draft.expires_on,
    }


def _input(values: dict[str, Any]) -> ConsentInput:
    return ConsentInput(
        information=values["information"],
        source_name=values["source_name"],
        purpose=values["purpose"],
        given_on=values["given_on"],
        expires_on=values["expires_on"],
    )


class ConsentDialog(FormDialog):
    """The consent form: Enter saves (every field is one line), Esc cancels."""

    def __init__(
        self,
        title: str,
        fields: list[Field],
        values: dict[str, Any],
        save: Callable[[dict[str, Any]], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, fields, values, save, parent, intro=legal_line())
        for key, limit in _LIMITS.items():
            line = self.widgets[key]
            assert isinstance(line, QLineEdit)
            line.setMaxLength(limit)
        box = self.findChild(QDialogButtonBox)
        assert box is not None
        box.button(QDialogButtonBox.StandardButton.Save).setDefault(True)


def consent_item_dialog(
    database: Database, citizen_id: int, entry: ChecklistEntry, aim: Aim, today: dt.date, parent: QWidget | None
) -> ConsentDialog:
    """The form for marking a consent item received: the consent is recorded with the item."""
    source = entry.item.consent_for
    assert source is not None

    def save(values: dict[str, Any]) -> object:
        documentation.set_state(
            database,
            citizen_id,
            entry.item.id,
            entry.instance,
            DocumentState.MODTAGET,
            on=values["given_on"],
            consent=_input(values),
            today=today,
        )
        return None

    draft = consent_draft(database, citizen_id, source, aim, today)
    return ConsentDialog(f"Modtaget: {entry.title}", list(SCOPE_FIELDS), _values(draft), save, parent)


def new_consent_dialog(
    database: Database, citizen_id: int, aim: Aim, today: dt.date, parent: QWidget | None
) -> ConsentDialog:
    """The form for a new consent from the consent list; the suggestion follows the source chosen."""
    first = DocumentSource.EGEN_LAEGE

    def save(values: dict[str, Any]) -> object:
        return consents.add_consent(database, citizen_id, DocumentSource(values["source"]), _input(values), today)

    fields = [Field("source", "Kilde", kind="choice", choices=_SOURCES), *SCOPE_FIELDS]
    values = {"source": first, **_values(consent_draft(database, citizen_id, first, aim, today))}
    dialog = ConsentDialog("Nyt samtykke", fields, values, save, parent)
    combo = dialog.widgets["source"]
    assert isinstance(combo, QComboBox)
    shown = {"draft": consent_draft(database, citizen_id, first, aim, today)}

    def source_changed(_index: int) -> None:
        # A suggestion the caseworker has not touched follows the source; typed text stays.
        before, after = (
            shown["draft"],
            consent_draft(database, citizen_id, DocumentSource(combo.currentData()), aim, today),
        )
        for key in ("information", "source_name", "purpose"):
            line = dialog.widgets[key]
            assert isinstance(line, QLineEdit)
            if line.text() == getattr(before, key):
                line.setText(getattr(after, key))
        shown["draft"] = after

    combo.currentIndexChanged.connect(source_changed)
    return dialog
