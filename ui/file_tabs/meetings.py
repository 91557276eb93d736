"""The Møder tab: meetings with the citizen and partners, and the caseworker's own
deadlines and reminders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from db.enums import MeetingKind
from jobraad import formatting as fmt
from jobraad import meeting_workflow, records
from jobraad.vocab import MEETING_LABELS
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import ColumnFit, RecordList, RowAction
from ui.forms import Field, FormDialog, choices
from ui.shortcuts import local_shortcut

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
                ("Tolk", lambda m: m.interpreter_text),
                ("Team", lambda m: m.workflow),
                ("Note", lambda m: m.note),
            ],
            on_add=lambda: self._meeting_dialog(None),
            on_edit=self._meeting_dialog,
            on_delete=self._delete_meeting,
            extra=(
                RowAction(
                    "workflow",
                    "Indstilling og afgørelse… (Alt+I)",
                    self._workflow_dialog,
                    "Registrér, hvornår sagen er sendt, teamets indstilling og afgørelsen for det valgte møde i teamet",
                ),
            ),
        )
        # Note, Sted, Tolk and Type give way (elided, whole in the tooltip), the team status last:
        # date and week stay whole. Room to spare goes to Note (named again last).
        self.meetings.view.setWordWrap(False)
        ColumnFit(self.meetings.view, give_way=[(6, 40), (3, 60), (4, 60), (2, 90), (5, 120), (6, 40)])
        self.meetings.selection_changed.connect(self._update_workflow_button)
        local_shortcut("Alt+I", self.meetings, self._workflow_of_selected).setWhatsThis(
            "Indstilling og afgørelse for det valgte møde i teamet (Møder)"
        )
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

    def _workflow_of_selected(self) -> None:
        if self.meetings.buttons["workflow"].isEnabled():
            self.meetings.run_on_selected(self._workflow_dialog)

    def _update_workflow_button(self) -> None:
        """Only a meeting in the team has an indstilling and an afgørelse."""
        meeting = self.meetings.selected()
        self.meetings.buttons["workflow"].setEnabled(meeting is not None and meeting.kind is meeting_workflow.TEAM_KIND)

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
            Field(
                "interpreter_language",
                "Tolk til sprog",
                placeholder="tomt: ingen tolk",
                problem_names=("tolk",),
            ),
            Field("interpreter_booked", "Tolk er bestilt", kind="bool"),
            Field("note", "Note", kind="multiline"),
        ]
        start = meeting.starts_at if meeting else dt.datetime.combine(self.today, dt.time(10, 0))
        values = {
            "kind": meeting.kind if meeting else MeetingKind.SAMTALE,
            "date": start.date(),
            "time": start.time(),
            "location": meeting.location if meeting else "",
            "interpreter_language": (
                meeting.interpreter_language if meeting else records.interpreter_language_for(self.database, citizen_id)
            ),
            "interpreter_booked": meeting.interpreter_booked if meeting else False,
            "note": meeting.note if meeting else "",
        }

        def save(v: dict[str, Any]) -> object:
            data = records.MeetingInput(
                MeetingKind(v["kind"]),
                dt.datetime.combine(v["date"], v["time"]),
                v["location"],
                v["note"],
                v["interpreter_language"],
                v["interpreter_booked"],
            )
            if meeting is None:
                return records.add_meeting(self.database, citizen_id, data)
            records.update_meeting(self.database, meeting.meeting_id, data)
            return None

        self.run_dialog(FormDialog("Møde", fields, values, save, self))

    def _workflow_dialog(self, meeting: records.MeetingView) -> None:
        """The team meeting's workflow: sent, the team's indstilling, the afgørelse."""
        if meeting.kind is not meeting_workflow.TEAM_KIND:
            return
        view = meeting_workflow.read_workflow(self.database, meeting.meeting_id, self.today)
        fields = [
            Field("sent_on", "Sagen sendt den", kind="date", problem_names=("sendt",)),
            Field("recommended_on", "Indstilling den", kind="date", problem_names=("indstilling",)),
            Field("recommendation", "Teamets indstilling", kind="multiline", problem_names=("indhold",)),
            Field("decided_on", "Afgjort den", kind="date", problem_names=("afgjort",)),
            Field("decision", "Afgørelsen", kind="multiline", problem_names=("afgørelse",)),
        ]
        values: dict[str, Any] = {
            "sent_on": view.sent_on,
            "recommended_on": view.recommended_on,
            "recommendation": view.recommendation,
            "decided_on": view.decided_on,
            "decision": view.decision,
        }
        intro = f"{view.meeting_label} {fmt.date(meeting.starts_at)} kl. {fmt.time(meeting.starts_at)}."
        if send_by := meeting_workflow.send_by_label(view):
            intro += f" {send_by}."

        def save(v: dict[str, Any]) -> object:
            data = meeting_workflow.WorkflowInput(
                v["sent_on"], v["recommended_on"], v["recommendation"], v["decided_on"], v["decision"]
            )
            return meeting_workflow.save_workflow(self.database, meeting.meeting_id, data, self.today)

        dialog = FormDialog("Indstilling og afgørelse", fields, values, save, self, intro=intro)
        dialog.setToolTip(view.send_by_source)
        self.run_dialog(dialog)

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
