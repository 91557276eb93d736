"""The "Forlæng praktik…" dialog: a new end date, the decision date and the reason for one
extension of a virksomhedspraktik; the step the rules give (LAB § 61) is shown, not chosen."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from jobraad import formatting as fmt
from jobraad import placements
from jobraad.placements import ExtensionPreview, PlacementView
from ui.forms import Field, FormDialog

if TYPE_CHECKING:
    from db.session import Database

FIELDS = (
    Field("extended_to", "Ny slutdato", kind="date", required=True, problem_names=("ny slutdato",)),
    Field("decided_on", "Besluttet den", kind="date", required=True, problem_names=("besluttet",)),
    Field("reason", "Begrundelse", kind="multiline", required=True, problem_names=("begrundelse",)),
)


def step_text(preview: ExtensionPreview) -> str:
    """The step as the dialog shows it (rich text)."""
    mark = " <i>(foreløbig)</i>" if preview.provisional else ""
    earliest = (
        f"<br>Besluttes hen mod udgangen af perioden: tidligst {fmt.date(preview.earliest_decision)}."
        if preview.earliest_decision is not None
        else ""
    )
    return (
        f"Trin efter reglerne: <b>{escape(preview.step_label)}</b> – {escape(preview.paragraph)}{mark}<br>"
        f"Praktikken må nu vare til {fmt.date(preview.current_end)}; dette trin kan forlænge den "
        f"højst til {fmt.date(preview.latest_end)}.{earliest}"
    )


class ExtendPlacementDialog(FormDialog):
    """Records one extension through `placements.extend_placement`; closes only when it was saved."""

    def __init__(
        self,
        database: Database,
        placement: PlacementView,
        preview: ExtensionPreview,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        def save(values: dict[str, Any]) -> object:
            return placements.extend_placement(
                database,
                placement.placement_id,
                decided_on=values["decided_on"],
                extended_to=values["extended_to"],
                reason=values["reason"],
                today=today,
            )

        values: dict[str, Any] = {"decided_on": today, "extended_to": None, "reason": ""}
        super().__init__(f"Forlæng praktik – {placement.employer_name}", FIELDS, values, save, parent)
        self.step_label = QLabel(step_text(preview))
        self.step_label.setObjectName("step")
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        self.step_label.setWordWrap(True)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.step_label)
