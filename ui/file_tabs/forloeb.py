"""The Forløb tab: the current forløb, the goals of its visitation group, and the
history of visitations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from jobraad import formatting as fmt
from jobraad import records
from jobraad.citizen_file import CitizenFile
from jobraad.visitation import GROUP_GOALS
from jobraad.vocab import GROUP_LABELS
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import RecordList, record_table
from ui.forms import Field, FormDialog
from ui.models.records import RecordTableModel

if TYPE_CHECKING:
    from db.session import Database

Goal = tuple[str, str, dt.date | None]  # key, label, reached on


class ForloebTab(FileTab):
    """Shown from the file `ui.citizen_file` reads (`show_file`); marking a goal as reached
    tells the file, which reads itself again.

    Signals: changed() after a goal was marked or unmarked."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.goals = RecordList(
            "Gruppens mål",
            [
                ("Mål", lambda g: g[1]),
                ("Nået", lambda g: fmt.date(g[2]) if g[2] else "—"),
            ],
            on_add=None,
            on_edit=self._mark_reached,
            on_delete=self._clear_reached,
            edit_text="Markér som nået…",
            delete_text="Fjern markering",
        )
        layout.addWidget(self.goals)
        self.history_model: RecordTableModel[Any] = RecordTableModel(
            [
                ("Gruppe", lambda f: GROUP_LABELS[f.group]),
                ("Start", lambda f: fmt.date(f.start_date)),
                ("Slut", lambda f: fmt.date(f.end_date) or "igangværende"),
                ("Begrundelse", lambda f: f.reason),
            ],
            self,
        )
        layout.addWidget(QLabel("<b>Visitationshistorik</b>"))
        self.history = record_table(self.history_model)
        layout.addWidget(self.history)

    def show_file(self, citizen_id: int, f: CitizenFile) -> None:
        self.citizen_id = citizen_id
        if f.current is None or f.closed_outcome is not None:
            self.info.setText("<p>Intet igangværende forløb.</p>")
            self.goals.set_title("Gruppens mål")
            self.goals.set_rows([])
        else:
            c = f.current
            self.info.setText(
                f"<p><b>{GROUP_LABELS[c.group]}</b> siden {fmt.date(c.start_date)} "
                f"({fmt.week(c.start_date, with_year=True)}) · {f.weeks_in_forloeb} uger i forløbet</p>"
            )
            self.goals.set_title(f"Mål for {GROUP_LABELS[c.group].lower()}")  # "Mål for gruppe 2"
            self.goals.set_rows([(g.key, g.label, c.goals_reached.get(g.key)) for g in GROUP_GOALS.get(c.group, ())])
        self.history_model.set_rows(list(reversed(f.forloeb)))

    def select_goal(self, key: str) -> bool:
        """The goal with `key` selected (an Overblik deadline opens its first missing goal)."""
        return self.goals.select_where(lambda g: g[0] == key)

    def reload(self) -> None:
        """Nothing to read here: after a change the file reads itself again and shows this
        tab with it (`show_file`)."""

    def _mark_reached(self, goal: Goal) -> None:
        key, label, reached = goal
        citizen_id = self.citizen_id
        assert citizen_id is not None
        self.run_dialog(
            FormDialog(
                "Mål nået",
                [Field("on", "Nået den", kind="date", required=True, problem_names=("dato",))],
                {"on": reached or self.today},
                lambda v: records.set_goal_reached(self.database, citizen_id, key, v["on"]),
                self,
                intro=label,
            )
        )

    def _clear_reached(self, goal: Goal) -> None:
        key, label, reached = goal
        citizen_id = self.citizen_id
        if reached is None or citizen_id is None:
            return
        if self.confirm(f"Fjern markeringen «{label}» (nået {fmt.date(reached)})?"):
            self.attempt(lambda: records.set_goal_reached(self.database, citizen_id, key, None))
