"""The Møder tab: meetings with the citizen and partners, and the caseworker's own
deadlines and reminders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from db.enums import MeetingKind
from jobraad import formatting as fmt
from jobraad import records
from jobraad.vocab import MEETING_LABELS
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import ColumnFit, RecordList, RowAction
from ui.forms import Field, FormDialog, choices

if TYPE_CHECKING:
    from db.session import Database


class MeetingsTab(FileTab):
    """Signals: changed() after a meeting or a deadline was saved, done or deleted."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        layout = QVBoxLayout(self)
        self.meetings = RecordList(
            "Møder",
            [
                ("Tidspunkt", lambda m: fmt.date_time(m.starts_at)),
                ("Uge", lambda m: fmt.week(m.starts_at.date(), with_year=True)),
                ("Type", lambda m: MEETING_LABELS[m.kind]),
                ("Sted", lambda m: m.location),
                ("Afgjort", lambda m: fmt.date(m.decided_on)),
                ("Note", lambda m: m.note),
            ],
            on_add=lambda: self._meeting_dialog(None),
            on_edit=self._meeting_dialog,
            on_delete=self._delete_meeting,
        )
        # Sted and Note give way (elided, whole in the tooltip): date, week, type and decision stay whole.
        self.meetings.view.setWordWrap(False)
        ColumnFit(self.meetings.view, give_way=[(5, 60), (3, 90), (2, 100)])
        layout.addWidget(self.meetings)
        self.deadlines = RecordList(
            "Egne frister og påmindelser",
            [
                ("Frist", lambda d: fmt.date(d.due_on)),
                ("Titel", lambda d: d.title),
                ("Udført", lambda d: fmt.date(d.done_on) or "—"),
            ],
            on_add=lambda: self._deadline_dialog(None),
            on_edit=self._deadline_dialog,
            on_delete=self._delete_deadline,
            extra=(RowAction("done", "Markér udført", self._toggle_done),),
        )
        self.deadlines.view.setWordWrap(False)
        ColumnFit(self.deadlines.view, give_way=[(1, 160)])
        layout.addWidget(self.deadlines)

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        self.meetings.set_rows(records.list_meetings(self.database, self.citizen_id))
        self.deadlines.set_rows(records.list_deadlines(self.database, self.citizen_id))

    def select_meeting(self, meeting_id: int) -> bool:
        return self.meetings.select_where(lambda m: m.meeting_id == meeting_id)

    def select_deadline(self, deadline_id: int) -> bool:
        return self.deadlines.select_where(lambda d: d.deadline_id == deadline_id)

    # --- meetings -------------------------------------------------------------------------------

    def _meeting_dialog(self, meeting: records.MeetingView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("kind", "Type", kind="choice", choices=choices(MEETING_LABELS)),
            Field("date", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("time", "Klokken", kind="time", required=True, problem_names=("tidspunkt",)),
            Field("location", "Sted", problem_names=("sted",)),
            Field("decided_on", "Afgjort den", kind="date", problem_names=("afgjort",)),
            Field("note", "Note", kind="multiline"),
        ]
        start = meeting.starts_at if meeting else dt.datetime.combine(self.today, dt.time(10, 0))
        values = {
            "kind": meeting.kind if meeting else MeetingKind.SAMTALE,
            "date": start.date(),
            "time": start.time(),
            "location": meeting.location if meeting else "",
            "decided_on": meeting.decided_on if meeting else None,
            "note": meeting.note if meeting else "",
        }

        def save(v: dict[str, Any]) -> object:
            data = records.MeetingInput(
                MeetingKind(v["kind"]),
                dt.datetime.combine(v["date"], v["time"]),
                v["location"],
                v["note"],
                v["decided_on"],
            )
            if meeting is None:
                return records.add_meeting(self.database, citizen_id, data)
            records.update_meeting(self.database, meeting.meeting_id, data)
            return None

        self.run_dialog(FormDialog("Møde", fields, values, save, self))

    def _delete_meeting(self, meeting: records.MeetingView) -> None:
        if self.confirm(f"Slet mødet {fmt.date_time(meeting.starts_at)}?"):
            self.attempt(lambda: records.delete_meeting(self.database, meeting.meeting_id))

    # --- deadlines ------------------------------------------------------------------------------

    def _deadline_dialog(self, deadline: records.DeadlineView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("title", "Titel", required=True, problem_names=("titel",)),
            Field("due_on", "Frist", kind="date", required=True, problem_names=("dato", "frist")),
        ]
        values: dict[str, Any] = (
            {"title": deadline.title, "due_on": deadline.due_on}
            if deadline
            else {"due_on": self.today + dt.timedelta(weeks=1)}
        )

        def save(v: dict[str, Any]) -> object:
            data = records.DeadlineInput(v["due_on"], v["title"])
            if deadline is None:
                return records.add_deadline(self.database, citizen_id, data)
            records.update_deadline(self.database, deadline.deadline_id, data)
            return None

        self.run_dialog(FormDialog("Frist", fields, values, save, self))

    def _toggle_done(self, deadline: records.DeadlineView) -> None:
        done = None if deadline.done_on else self.today
        self.attempt(lambda: records.set_deadline_done(self.database, deadline.deadline_id, done))

    def _delete_deadline(self, deadline: records.DeadlineView) -> None:
        if self.confirm(f"Slet fristen «{deadline.title}»?"):
            self.attempt(lambda: records.delete_deadline(self.database, deadline.deadline_id))
