"""The Indsatser tab: courses, mentors, workshops and other offers with their results."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from db.enums import ActivityKind
from jobraad import formatting as fmt
from jobraad import records
from jobraad.vocab import ACTIVITY_LABELS
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import RecordList
from ui.forms import Field, FormDialog, choices

if TYPE_CHECKING:
    from db.session import Database


class ActivitiesTab(FileTab):
    """Signals: changed() after an indsats was saved or deleted."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.activities = RecordList(
            "Indsatser og tilbud",
            [
                ("Type", lambda a: ACTIVITY_LABELS[a.kind]),
                ("Titel", lambda a: a.title),
                ("Udbyder", lambda a: a.provider),
                ("Start", lambda a: fmt.date(a.start_date)),
                ("Slut", lambda a: fmt.date(a.end_date)),
                ("Resultat", lambda a: a.result),
            ],
            on_add=lambda: self._activity_dialog(None),
            on_edit=self._activity_dialog,
            on_delete=self._delete_activity,
        )
        layout.addWidget(self.activities)

    def reload(self) -> None:
        if self.citizen_id is not None:
            self.activities.set_rows(records.list_activities(self.database, self.citizen_id))

    def _activity_dialog(self, activity: records.ActivityView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("kind", "Type", kind="choice", choices=choices(ACTIVITY_LABELS)),
            Field("title", "Titel", problem_names=("titel",)),
            Field("provider", "Udbyder", problem_names=("udbyder",)),
            Field("start_date", "Start", kind="date", problem_names=("startdato", "start")),
            Field("end_date", "Slut", kind="date", problem_names=("slutdato", "slut")),
            Field("result", "Resultat", kind="multiline", problem_names=("resultat",)),
        ]
        values: dict[str, Any] = {"kind": ActivityKind.JOBDANSK, "start_date": self.today}
        if activity is not None:
            values = {f.key: getattr(activity, f.key) for f in fields}

        def save(v: dict[str, Any]) -> object:
            data = records.ActivityInput(
                ActivityKind(v["kind"]), v["title"], v["provider"], v["start_date"], v["end_date"], v["result"]
            )
            if activity is None:
                return records.add_activity(self.database, citizen_id, data)
            records.update_activity(self.database, activity.activity_id, data)
            return None

        self.run_dialog(FormDialog("Indsats", fields, values, save, self))

    def _delete_activity(self, activity: records.ActivityView) -> None:
        if self.confirm(f"Slet indsatsen «{ACTIVITY_LABELS[activity.kind]} {activity.title}»?"):
            self.attempt(lambda: records.delete_activity(self.database, activity.activity_id))
