"""The Samtaler section: when the next samtale is due by the case's rule pack and group, and
every samtale with its fremmøde: held, udeblevet (with what followed) or planned.

All from the keyboard: "Ny samtale…" (Alt+N), "Afholdt" (Alt+A) marks the selected samtale as
held, "Udeblevet…" (Alt+U) records a no-show and what followed; the form says in Danish what is
wrong, where, and saves nothing until all is right (`jobraad.samtaler`)."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from db.enums import NoShowFollowUp, SamtaleAttendance
from jobraad import formatting as fmt
from jobraad import records, samtaler
from jobraad.samtaler import FOLLOW_UP_LABELS, SamtaleInput, SamtaleSchedule, SamtaleView
from jobraad.vocab import GROUP_LABELS
from ui import palette
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import ColumnFit, RecordList, RowAction
from ui.forms import Field, FormDialog

if TYPE_CHECKING:
    from db.session import Database

PLANNED = "planlagt"
#: The choices of the form's Fremmøde field (stable keys; "planlagt" is no attendance yet).
ATTENDANCE_CHOICES: list[tuple[str, str]] = [
    ("Afholdt", SamtaleAttendance.AFHOLDT.value),
    ("Udeblevet", SamtaleAttendance.UDEBLEVET.value),
    ("Planlagt (ikke holdt endnu)", PLANNED),
]
FOLLOW_UP_CHOICES: list[tuple[str, str]] = [
    ("— (kun ved udeblivelse)", ""),
    *((label, key.value) for key, label in FOLLOW_UP_LABELS.items()),
]


class SamtalerTab(FileTab):
    """Signals: changed() after a samtale was recorded, changed or deleted."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        self.schedule: SamtaleSchedule | None = None
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setObjectName("samtaleStatus")
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.samtaler = RecordList(
            "Samtaler",
            [
                ("Tidspunkt", lambda s: fmt.date_time(s.starts_at)),
                ("Fremmøde", lambda s: s.state),
                ("Hvad fulgte", lambda s: s.followed),
                ("Sted", lambda s: s.location),
                ("Note", lambda s: s.note),
            ],
            on_add=lambda: self._dialog(None),
            on_edit=self._dialog,
            on_delete=self._delete,
            extra=(
                RowAction("held", "&Afholdt", self._mark_held, "Markér den valgte samtale som afholdt (Alt+A)"),
                RowAction(
                    "missed",
                    "&Udeblevet…",
                    lambda s: self._dialog(s, attendance=SamtaleAttendance.UDEBLEVET.value),
                    "Borgeren kom ikke: registrér udeblivelsen og hvad der fulgte (Alt+U)",
                ),
            ),
            add_text="&Ny samtale…",
        )
        self.samtaler.buttons["new"].setToolTip("Registrér en afholdt, udeblevet eller planlagt samtale (Alt+N)")
        self.samtaler.view.setWordWrap(False)
        ColumnFit(self.samtaler.view, give_way=[(4, 60), (3, 80), (2, 120)])
        layout.addWidget(self.samtaler)

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        self.schedule = samtaler.samtale_schedule(self.database, self.citizen_id, self.today)
        self.status.setText(self._status_html(self.schedule))
        self.samtaler.set_rows(list(self.schedule.samtaler))

    def select_samtale(self, meeting_id: int) -> bool:
        return self.samtaler.select_where(lambda s: s.meeting_id == meeting_id)

    def _status_html(self, s: SamtaleSchedule) -> str:
        if s.interval is None or s.due_on is None:
            none = "Ingen samtaleplan: sagen er lukket eller har intet forløb."
            return f"<span style='{palette.muted_style()}'>{none}</span>"
        i = s.interval
        overdue = s.due_on < self.today and s.item is not None
        due = f"<b>Samtale senest {fmt.date(s.due_on)}</b>"
        if overdue:
            due = f"<span style='{palette.error_style()}'>{due} – overskredet</span>"
        if i.provisional:
            due += " <i>(foreløbig)</i>"
        group = GROUP_LABELS[s.group] if s.group is not None else ""
        rule = (
            f"Hver {i.weeks}. uge efter sidste afholdte samtale – {escape(group)}, regelpakken "
            f"«{escape(s.pack_name)}» ({escape(i.paragraph)})."
        )
        last = fmt.date(s.last_held) if s.last_held else "ingen (fristen regnes fra forløbets start)"
        planned = fmt.date_time(s.next_planned) if s.next_planned else "ingen"
        facts = f"Sidste afholdte: {last} · Næste planlagte: {planned}"
        if s.no_shows:
            facts += f" · Udeblivelser: {s.no_shows}"
        source = f"<br><span style='{palette.muted_style()}'>Kilde: {escape(i.source)}</span>"
        return f"{due}<br>{rule}<br>{facts}{source}"

    # --- recording ------------------------------------------------------------------------------

    def _dialog(self, samtale: SamtaleView | None, attendance: str | None = None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("date", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("time", "Klokken", kind="time", required=True, problem_names=("tidspunkt",)),
            Field("attendance", "Fremmøde", kind="choice", choices=ATTENDANCE_CHOICES, problem_names=("fremmøde",)),
            Field("follow_up", "Hvad fulgte", kind="choice", choices=FOLLOW_UP_CHOICES, problem_names=("fulgte",)),
            Field("follow_up_note", "Hvad fulgte, i ord", placeholder="fx partshøringsbrev sendt 03-12-2026"),
            Field("location", "Sted", problem_names=("sted",)),
            Field("note", "Note", kind="multiline"),
        ]
        start = samtale.starts_at if samtale else dt.datetime.combine(self.today, dt.time(10, 0))
        current = samtale.attendance.value if samtale and samtale.attendance else None
        if current is None:
            current = PLANNED if samtale and start.date() >= self.today else SamtaleAttendance.AFHOLDT.value
        values: dict[str, Any] = {
            "date": start.date(),
            "time": start.time(),
            "attendance": attendance or current,
            "follow_up": samtale.follow_up.value if samtale and samtale.follow_up else "",
            "follow_up_note": samtale.follow_up_note if samtale else "",
            "location": samtale.location if samtale else "",
            "note": samtale.note if samtale else "",
        }

        def save(v: dict[str, Any]) -> object:
            data = SamtaleInput(
                dt.datetime.combine(v["date"], v["time"]) if v["date"] and v["time"] else None,
                None if v["attendance"] == PLANNED else SamtaleAttendance(v["attendance"]),
                NoShowFollowUp(v["follow_up"]) if v["follow_up"] else None,
                v["follow_up_note"],
                v["location"],
                v["note"],
            )
            if samtale is None:
                return samtaler.add_samtale(self.database, citizen_id, data, today=self.today)
            samtaler.update_samtale(self.database, samtale.meeting_id, data, today=self.today)
            return None

        title = "Udeblivelse" if attendance == SamtaleAttendance.UDEBLEVET.value else "Samtale"
        intro = (
            "En udeblivelse er ingen samtale: fristen for næste samtale flytter sig ikke. "
            "Vælg, hvad der fulgte, og skriv det med ord, hvis det er «Andet»."
        )
        self.run_dialog(FormDialog(title, fields, values, save, self, intro=intro))

    def _mark_held(self, samtale: SamtaleView) -> None:
        data = SamtaleInput(samtale.starts_at, SamtaleAttendance.AFHOLDT, location=samtale.location, note=samtale.note)
        self.attempt(lambda: samtaler.update_samtale(self.database, samtale.meeting_id, data, today=self.today))

    def _delete(self, samtale: SamtaleView) -> None:
        if self.confirm(f"Slet samtalen {fmt.date_time(samtale.starts_at)}?"):
            self.attempt(lambda: records.delete_meeting(self.database, samtale.meeting_id))
