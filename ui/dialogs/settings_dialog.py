"""Settings: the caseworker's own details, thresholds, lock and retention, from
`jobraad.settings.SPECS` (every setting listed there appears here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from jobraad import formatting as fmt
from jobraad import settings
from jobraad.errors import FieldProblem, ValidationFailed
from ui.dialogs.caseworker import email_problem
from ui.forms import Field, FormDialog

if TYPE_CHECKING:
    from db.session import Database


def settings_dialog(database: Database, parent: QWidget | None = None) -> FormDialog:
    values = settings.get_settings(database)
    specs = list(settings.SPECS.values())
    fields = [Field(spec.key, spec.label, kind="bool" if isinstance(spec.default, bool) else "text") for spec in specs]
    shown = {
        spec.key: (fmt.decimal(values[spec.key]) if isinstance(values[spec.key], float) else values[spec.key])
        for spec in specs
    }
    # A whole number as text: the form shows a bare 0 as an empty field, which would not save
    # (retention_months is 0 by default: "by the case's outcome").
    shown.update({k: str(v) for k, v in shown.items() if isinstance(v, int) and not isinstance(v, bool)})

    def save(v: dict[str, Any]) -> object:
        changes: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        for spec in specs:
            raw = str(v[spec.key]).strip()
            default = spec.default
            try:
                if isinstance(default, bool):  # a check box
                    changes[spec.key] = bool(v[spec.key])
                elif isinstance(default, int):
                    number = int(raw)
                    if number < 0:
                        raise ValueError
                    changes[spec.key] = number
                elif isinstance(default, float):
                    number_f = fmt.parse_number(raw)
                    if number_f is None or number_f < 0:
                        raise ValueError
                    changes[spec.key] = number_f
                else:
                    changes[spec.key] = raw
            except ValueError:
                problems.append(FieldProblem(spec.key, f"«{raw}» er ikke et gyldigt tal (0 eller mere)."))
        email = email_problem(str(v["caseworker_email"]))
        if email:
            problems.append(FieldProblem("caseworker_email", email))
        if problems:
            raise ValidationFailed(problems, "Indstillingerne er ikke gemt:")
        settings.set_settings(database, changes)
        return None

    return FormDialog(
        "Indstillinger",
        fields,
        shown,
        save,
        parent,
        intro="Gemmes i din krypterede database. Tærskler for signaler gælder fra næste visning.",
    )
