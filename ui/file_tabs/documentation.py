"""The Dokumentation tab: the state of every item the rule pack asks for, guidance, next
steps, consents, attachments and request letters. What an item allows, whom a request
goes to and what a letter says come from `jobraad.document_requests` and `jobraad.letters`."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QDesktopServices, QDragEnterEvent, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.enums import Aim, DocumentState
from db.errors import UserFacingError
from jobraad import attachments, consents, documentation
from jobraad import formatting as fmt
from jobraad.consents import STATUS_LABELS, ConsentView, validity_text
from jobraad.document_requests import ItemAction, allowed_actions, request_contact
from jobraad.documentation import AttachmentRef, Checklist, ChecklistEntry
from jobraad.rulepacks import builtin_packs, documented_aims
from jobraad.vocab import AIM_LABELS, DOCUMENT_STATE_LABELS, SOURCE_LABELS
from ui import palette
from ui.consent_dialog import consent_item_dialog, new_consent_dialog
from ui.dialogs.attachment_viewer import AttachmentViewer
from ui.dialogs.request_letter import request_letter_dialog
from ui.file_dialogs import FileKind, open_files
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import ColumnFit, RecordList, RowAction, WrapDelegate
from ui.forms import Field, FormDialog
from ui.shortcuts import local_shortcut, undo_action

if TYPE_CHECKING:
    from db.session import Database

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

# The tone of a checklist row's background (None: the palette's base); see `ui.palette`.
STATE_TONES = {
    DocumentState.MANGLER: None,
    DocumentState.ANMODET: palette.Tone.WARNING,
    DocumentState.MODTAGET: palette.Tone.GOOD,
    DocumentState.IKKE_RELEVANT: None,
}
OVERDUE_TONE = palette.Tone.DANGER
UNFILED_TONE = palette.Tone.WARNING  # received, but the team would not get it


class ChecklistTree(QTreeWidget):
    """The checklist; files dropped on an item become its attachments."""

    files_dropped = Signal(object, list)  # entry (or None), list[Path]

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not event.mimeData().hasUrls():
            super().dropEvent(event)
            return
        item = self.itemAt(event.position().toPoint())
        entry = item.data(0, ENTRY_ROLE) if item is not None else None
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.files_dropped.emit(entry, paths)


class DocumentationTab(FileTab):
    """Signals: changed() after anything was saved; open_text(section) asks for the text tab,
    where a point written as text is written."""

    open_text = Signal(str)

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        self.checklist: Checklist | None = None
        self._last_change: documentation.StateUndo | None = None  # what Fortryd (Ctrl+Z) undoes
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.pack_label = QLabel()
        self.pack_label.setObjectName("packLabel")
        self.pack_label.setWordWrap(True)
        self.pack_label.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(self.pack_label, 1)
        self.pack_button = QPushButton("Skift &regelpakke…")
        self.pack_button.setObjectName("packButton")
        self.pack_button.setToolTip("Lad sagen følge en anden regelpakke – kræver en begrundelse")
        self.pack_button.clicked.connect(self.change_pack)
        top.addWidget(self.pack_button)
        self.without_team_button = QPushButton("&Oplagt sag…")
        self.without_team_button.setObjectName("withoutTeamButton")
        self.without_team_button.setToolTip(
            "En oplagt sag om førtidspension kan afgøres uden rehabiliteringsteamet – kræver en begrundelse"
        )
        self.without_team_button.clicked.connect(self.change_without_team)
        top.addWidget(self.without_team_button)
        layout.addLayout(top)
        self.readiness = QLabel()
        self.readiness.setObjectName("readiness")
        self.readiness.setWordWrap(True)
        self.readiness.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.readiness)
        self.undo_note = QLabel()
        self.undo_note.setObjectName("undoNote")
        self.undo_note.setWordWrap(True)
        self.undo_note.hide()
        layout.addWidget(self.undo_note)
        self.undo_action = undo_action(self, self.undo_last, "tjeklisten")
        self.undo_action.setEnabled(False)

        splitter = QSplitter(Qt.Orientation.Vertical)
        # The checklist has the tab's whole width, its item's details below it: at 1366x768
        # every column is in view, names wrap rather than being cut.
        upper = QSplitter(Qt.Orientation.Vertical)
        upper.setChildrenCollapsible(False)
        self.tree = ChecklistTree()
        self.tree.setObjectName("checklist")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Punkt", "Status", "Kilde", "Bilag"])
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setItemDelegate(WrapDelegate(self.tree))
        # Bilag whole; then Kilde, Punkt and Status wrap, in that order, as room runs out.
        ColumnFit(self.tree, give_way=[(2, 90), (0, 200), (1, 150)])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.currentItemChanged.connect(lambda *_: self._show_selected())
        self.tree.itemActivated.connect(lambda *_: self._activated())
        self.tree.files_dropped.connect(self._files_dropped)
        upper.addWidget(self.tree)
        self.details = QTextBrowser()
        self.details.setObjectName("itemDetails")
        self.details.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        upper.addWidget(self.details)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 1)
        upper.setSizes([330, 90])
        splitter.addWidget(upper)

        # Two rows (the item's state; its files and letter), so the tab fits a 1366-pixel screen.
        state_row, file_row = QHBoxLayout(), QHBoxLayout()
        self.buttons: dict[ItemAction, QPushButton] = {}
        for action, text, tip, slot in (
            (ItemAction.REQUEST, "&Anmodet…", "Markér som anmodet (Ctrl+Shift+A)", self.mark_requested),
            (ItemAction.RECEIVE, "&Modtaget…", "Markér som modtaget (Ctrl+Shift+M)", self.mark_received),
            (ItemAction.SET_ASIDE, "&Ikke relevant…", "Kræver en begrundelse", self.mark_not_relevant),
            (ItemAction.RESET, "Nulstil", "Tilbage til «mangler»", self.reset_item),
            (
                ItemAction.ATTACH,
                "Tilføj &bilag…",
                "PDF eller billede; du kan også trække filer ind på punktet",
                self.add_file,
            ),
            (ItemAction.VIEW_ATTACHMENT, "&Vis bilag", "Vis punktets bilag", self.view_attachment),
            (ItemAction.REMOVE_ATTACHMENT, "Fjern bilag", "Fjern et bilag fra punktet", self.remove_attachment),
            (ItemAction.LETTER, "Anmodnings&brev…", "Lav et udfyldt brev til læge, SOF eller SUF", self.make_letter),
            (
                ItemAction.ON_PAPER,
                "På &papir…",
                "Dokumentet er modtaget og ligger på papir: skriv hvorfor det ikke er vedhæftet",
                self.mark_on_paper,
            ),
            (ItemAction.WRITE, "Skriv &teksten", "Punktet er på plads, når teksten er skrevet", self.write_text),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            self.buttons[action] = button
            state_actions = (
                ItemAction.REQUEST,
                ItemAction.RECEIVE,
                ItemAction.SET_ASIDE,
                ItemAction.RESET,
                ItemAction.WRITE,
            )
            (state_row if action in state_actions else file_row).addWidget(button)
        state_row.addStretch(1)
        file_row.addStretch(1)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addLayout(state_row)
        holder_layout.addLayout(file_row)

        lower = QSplitter(Qt.Orientation.Horizontal)
        steps_box = QWidget()
        steps_layout = QVBoxLayout(steps_box)
        steps_layout.setContentsMargins(0, 0, 0, 0)
        steps_layout.addWidget(QLabel("<b>Næste skridt</b>"))
        self.steps = QListWidget()
        self.steps.setObjectName("nextSteps")
        self.steps.setWordWrap(True)
        self.steps.itemActivated.connect(self._step_activated)
        steps_layout.addWidget(self.steps)
        lower.addWidget(steps_box)
        self.consents = RecordList(
            "Samtykker",
            [
                ("Kilde", lambda c: SOURCE_LABELS[c.source]),
                ("Fra hvem", lambda c: c.source_name),
                # Short headings: at 1366x768 "Hvilke oplysninger" showed as "ilke oplysning".
                ("Oplysninger", lambda c: c.information),
                ("Til sag", lambda c: c.purpose),
                ("Givet", lambda c: fmt.date(c.given_on)),
                ("Status", lambda c: STATUS_LABELS[c.status(self.today)]),
                ("Gyldighed", lambda c: validity_text(c, self.today)),
            ],
            on_add=self.add_consent,
            on_edit=None,
            on_delete=None,
            extra=(
                RowAction(
                    "withdraw",
                    "Tilbagekald…",
                    self.withdraw_consent,
                    "Borgeren har tilbagekaldt samtykket: det dækker intet fra den dag",
                ),
            ),
            add_text="Nyt samtykke…",
        )
        self.consents.view.setObjectName("consents")
        self.consents.view.setWordWrap(False)
        ColumnFit(self.consents.view, give_way=[(2, 80), (3, 80), (1, 80), (0, 80)])
        lower.addWidget(self.consents)
        holder_layout.addWidget(lower)
        splitter.addWidget(holder)
        splitter.setSizes([430, 260])
        layout.addWidget(splitter)
        local_shortcut(QKeySequence("Ctrl+Shift+A"), self, self.mark_requested)
        local_shortcut(QKeySequence("Ctrl+Shift+M"), self, self.mark_received)

    # --- loading ----------------------------------------------------------------------------------

    def show_citizen(self, citizen_id: int) -> None:
        if citizen_id != self.citizen_id:  # Ctrl+Z undoes only what was done in this citizen's file
            self._last_change = None
            self.undo_action.setEnabled(False)
            self._note("")
        super().show_citizen(citizen_id)

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        selected = self.selected_entry()
        key = (selected.item.id, selected.instance) if selected else None
        self.checklist = documentation.load_checklist(self.database, self.citizen_id, self.today)
        c = self.checklist
        self._show_pack(c)
        self._show_readiness(c)
        self._fill_tree(c, key)
        self._fill_steps(c)
        self.consents.set_rows(list(reversed(c.consents)))
        self._show_selected()

    def _show_pack(self, c: Checklist) -> None:
        pack = c.pack
        if c.pack_chosen:
            since = f" – fastlagt {fmt.date(c.pack_since)}" if c.pack_since else ""
        else:
            since = " – fastlægges ved sagens første dokumentationsskridt"
        text = f"Regelpakke: <b>{escape(pack.label)}</b> ({escape(pack.period)}){since}"
        if pack.provisional or pack.unconfirmed:
            word = "Foreløbig" if pack.provisional else "Ikke bekræftet"
            warn = palette.tone_css(palette.Tone.WARNING)
            text += f"<br><span style='color:{warn}'><b>{word}:</b> {escape(pack.unconfirmed[0])}"
            more = len(pack.unconfirmed) - 1
            text += f" (og {more} forhold mere – se værktøjstip)</span>" if more > 0 else "</span>"
        if c.without_team:
            text += "<br><b>Oplagt sag om førtidspension</b> – afgøres uden rehabiliteringsteamet"
        self.pack_label.setText(text)
        self.without_team_button.setVisible(c.aim is Aim.FOERTIDSPENSION and pack.without_team.allowed)
        self.pack_label.setToolTip("\n".join([pack.law, "", pack.transition, *(f"• {u}" for u in pack.unconfirmed)]))

    def change_without_team(self) -> None:
        if self.citizen_id is None or self.checklist is None:
            return
        citizen_id = self.citizen_id
        dialog = FormDialog(
            "Oplagt sag om førtidspension",
            [
                Field("without", "Afgøres uden rehabiliteringsteamet", kind="bool"),
                Field("reason", "Begrundelse", kind="multiline", required=True, problem_names=("begrundelse",)),
            ],
            {"without": not self.checklist.without_team, "reason": ""},
            lambda v: documentation.set_pension_without_team(
                self.database, citizen_id, bool(v["without"]), v["reason"], today=self.today
            ),
            self,
            intro=(
                "En oplagt sag om førtidspension kan behandles uden forudgående forelæggelse for "
                f"rehabiliteringsteamet ({self.checklist.pack.without_team.source}). Den forberedende del, "
                "lægeattesten og klinisk funktions rådgivning skal stadig foreligge."
            ),
        )
        self.run_dialog(dialog)

    def change_pack(self) -> None:
        if self.citizen_id is None or self.checklist is None:
            return
        citizen_id = self.citizen_id
        choices = [(f"{p.label} ({p.period})", p.id) for p in builtin_packs()]
        dialog = FormDialog(
            "Skift regelpakke",
            [
                Field(
                    "pack", "Regelpakke", kind="choice", required=True, choices=choices, problem_names=("regelpakke",)
                ),
                Field(
                    "reason",
                    "Begrundelse",
                    kind="multiline",
                    required=True,
                    placeholder="Fx: sagen blev påbegyndt før 1. juli 2026 og gøres færdig efter de regler",
                    problem_names=("begrundelse",),
                ),
            ],
            {"pack": self.checklist.pack.id, "reason": ""},
            lambda v: documentation.set_rule_pack(self.database, citizen_id, v["pack"], v["reason"], today=self.today),
            self,
            intro=(
                "En sag følger den regelpakke, der gjaldt, da dokumentationen begyndte. Skift kun, når sagen "
                "skal følge andre regler – fx en foreløbig pakke for en ny lov. Skiftet og begrundelsen "
                "skrives i journalen og logbogen."
            ),
        )
        self.run_dialog(dialog)

    def _show_readiness(self, c: Checklist) -> None:
        r = c.readiness
        self.readiness.setToolTip("")
        aim = AIM_LABELS[c.aim]
        if r.required == 0:
            if c.aim in documented_aims():
                self.readiness.setText(
                    f"<b>{escape(c.pack.label)} har ingen punkter for {escape(aim.lower())}.</b> En sag, der er "
                    "begyndt efter tidligere regler, skal følge den regelpakke, den begyndte efter "
                    "(Skift regelpakke…)."
                )
            else:
                self.readiness.setText(f"Sigtet «{aim}» har ingen dokumentationskrav i regelpakken.")
        elif r.ready:
            self.readiness.setText(
                f"<span style='{palette.highlight_style(palette.Tone.GOOD)} padding:4px'>"
                f"<b>{escape(c.ready_text)}</b></span> "
                f"– alle {r.required} krævede punkter for {aim.lower()} er på plads."
            )
        else:
            missing = "; ".join(escape(m) for m in r.missing[:6]) + (" …" if len(r.missing) > 6 else "")
            late = (
                f" · <b style='color:{palette.tone_css(palette.Tone.DANGER)}'>{r.overdue} forsinket</b>"
                if r.overdue
                else ""
            )
            lines = [f"<b>Ikke klar</b> ({aim}): {r.done} af {r.required} krævede punkter er på plads{late}."]
            if missing:
                lines.append(f"Mangler: {missing}")
            lines.extend(
                f"<b style='color:{palette.tone_css(palette.Tone.DANGER)}'>{escape(p)}</b>" for p in r.problems
            )
            self.readiness.setText("<br>".join(lines))
            # The whole list, where the label shows the first six.
            self.readiness.setToolTip("Mangler:\n" + "\n".join(f"• {m}" for m in r.missing) if r.missing else "")

    def _fill_tree(self, c: Checklist, select: tuple[str, str] | None) -> None:
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        sections: dict[str, QTreeWidgetItem] = {}
        chosen: QTreeWidgetItem | None = None
        for entry in c.entries:
            section = sections.get(entry.item.section)
            if section is None:
                section = QTreeWidgetItem([c.pack.section_label(entry.item.section)])
                section.setFont(0, bold)
                section.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(section)
                sections[entry.item.section] = section
            row = QTreeWidgetItem(
                [
                    entry.title + ("" if entry.item.required else "  (anbefalet)"),
                    self._state_text(entry),
                    SOURCE_LABELS[entry.item.source],
                    str(len(entry.attachments)) if entry.attachments else "",
                ]
            )
            row.setData(0, ENTRY_ROLE, entry)
            tone = (
                OVERDUE_TONE
                if entry.overdue(self.today)
                else UNFILED_TONE
                if entry.unfiled
                else STATE_TONES[entry.state]
            )
            colour = palette.background(tone) if tone is not None else None
            for col in range(4):
                if colour is not None:
                    row.setBackground(col, QBrush(colour))
                if entry.state is DocumentState.IKKE_RELEVANT:
                    row.setForeground(col, QBrush(palette.muted_text()))
            row.setToolTip(0, entry.item.guidance)
            section.addChild(row)
            if select == (entry.item.id, entry.instance):
                chosen = row
        self.tree.expandAll()
        if chosen is not None:
            self.tree.setCurrentItem(chosen)

    def _state_text(self, e: ChecklistEntry) -> str:
        if e.from_text:
            return f"Skrevet {fmt.date(e.received_on)}" if e.done else "Ikke skrevet"
        label = DOCUMENT_STATE_LABELS[e.state]
        if e.state == DocumentState.MODTAGET and e.unfiled:
            return f"{label} {fmt.date(e.received_on)} · ikke vedhæftet"
        if e.state == DocumentState.MODTAGET and e.on_paper_reason:
            return f"{label} {fmt.date(e.received_on)} · på papir"
        if e.state == DocumentState.ANMODET:
            late = f", {e.days_overdue(self.today)} dage over" if e.overdue(self.today) else ""
            return f"{label} {fmt.date(e.requested_on)} · svar {fmt.date(e.expected_by)}{late}"
        if e.state == DocumentState.MODTAGET:
            return f"{label} {fmt.date(e.received_on)}"
        return label

    def _fill_steps(self, c: Checklist) -> None:
        self.steps.clear()
        for step in documentation.next_steps(c, self.today):
            item = QListWidgetItem(step.text)
            item.setData(ENTRY_ROLE, step.entry)
            if step.priority <= 2:
                item.setForeground(QBrush(palette.text(palette.Tone.DANGER)))
            self.steps.addItem(item)

    def selected_entry(self) -> ChecklistEntry | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        entry = item.data(0, ENTRY_ROLE)
        return entry if isinstance(entry, ChecklistEntry) else None

    def select_entry(self, item_id: str, instance: str = "") -> bool:
        for i in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(i)
            if section is None:
                continue
            for j in range(section.childCount()):
                child = section.child(j)
                e = child.data(0, ENTRY_ROLE) if child is not None else None
                if child is not None and e is not None and e.item.id == item_id and e.instance == instance:
                    self.tree.setCurrentItem(child)
                    return True
        return False

    def select_record(self, record_id: int) -> bool:
        """The checklist item stored as `record_id` selected, in view, with focus on the
        checklist (an Overblik line about an overdue request opens it)."""
        for i in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(i)
            for j in range(section.childCount() if section is not None else 0):
                child = section.child(j) if section is not None else None
                entry = child.data(0, ENTRY_ROLE) if child is not None else None
                if child is not None and isinstance(entry, ChecklistEntry) and entry.record_id == record_id:
                    self.tree.setCurrentItem(child)
                    self.tree.scrollToItem(child, QAbstractItemView.ScrollHint.PositionAtCenter)
                    self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
        return False

    def _show_selected(self) -> None:
        e = self.selected_entry()
        allowed = allowed_actions(e) if e is not None else frozenset()
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
        if e is None:
            self.details.setHtml(
                f"<p style='color:{palette.muted_css()}'>Vælg et punkt for at se vejledning og historik.</p>"
            )
            return
        item = e.item
        facts = [
            ("Status", self._state_text(e)),
            ("Kilde", SOURCE_LABELS[item.source]),
            ("Krav", "Krævet" if item.required else "Anbefalet"),
        ]
        if item.form:
            facts.append(("Blanket", item.form))
        facts.append(("Forventet svartid", f"{item.answer_days} dage"))
        if e.requested_from:
            facts.append(("Anmodet hos", e.requested_from))
        if e.not_relevant_reason:
            facts.append(("Begrundelse", e.not_relevant_reason))
        if e.on_paper_reason:
            facts.append(("På papir", e.on_paper_reason))
        if e.unfiled:
            facts.append(
                ("Bemærk", "Modtaget, men ikke vedhæftet: teamet får det ikke. Tilføj filen, eller vælg På papir.")
            )
        if e.from_text:
            facts.append(("Bemærk", "Punktet følger teksten: det er på plads, når teksten er skrevet."))
        rows = "".join(
            f"<tr><td style='color:{palette.muted_css()}'>{k}</td><td>{escape(v)}</td></tr>" for k, v in facts
        )
        files = (
            "".join(f"<li>{escape(a.filename)} ({a.size / 1024:.0f} kB)</li>" for a in e.attachments)
            or f"<li style='color:{palette.muted_css()}'>Ingen bilag</li>"
        )
        history = (
            "".join(
                f"<li>{fmt.date_time(ev.at)}: {escape(DOCUMENT_STATE_LABELS[ev.to_state])}"
                f"{' – ' + escape(ev.note) if ev.note and ev.note != DOCUMENT_STATE_LABELS[ev.to_state] else ''}</li>"
                for ev in reversed(e.events)
            )
            or f"<li style='color:{palette.muted_css()}'>Ingen ændringer endnu</li>"
        )
        self.details.setHtml(
            f"<h3>{escape(e.title)}</h3><table cellpadding='2'>{rows}</table>"
            f"<h4>Vejledning</h4><p>{escape(item.guidance)}</p>"
            f"<p style='color:{palette.muted_css()}'><i>{escape(item.legal_reference)}</i></p>"
            f"<h4>Bilag</h4><ul>{files}</ul><h4>Historik</h4><ul>{history}</ul>"
        )

    def _step_activated(self, item: QListWidgetItem) -> None:
        entry = item.data(ENTRY_ROLE)
        if isinstance(entry, ChecklistEntry):
            self.select_entry(entry.item.id, entry.instance)

    # --- changes ----------------------------------------------------------------------------------

    def _state_dialog(self, entry: ChecklistEntry, state: DocumentState) -> FormDialog:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields: list[Field] = []
        values: dict[str, Any] = {"on": self.today}
        suggested: dt.date | None = None
        if state == DocumentState.ANMODET:
            contact = request_contact(self.database, citizen_id, entry.item.source)
            values["who"] = contact.name if contact else ""
            values["expected"] = suggested = documentation.answer_due(entry.item, self.today)
            fields = [
                Field("on", "Anmodet den", kind="date", required=True, problem_names=("dato",)),
                Field("who", "Hos hvem", required=True, problem_names=("hvem",)),
                Field("expected", "Svar senest", kind="date", problem_names=("forventet",)),
                Field("note", "Note", kind="multiline"),
            ]
        elif state == DocumentState.MODTAGET:
            fields = [
                Field("on", "Modtaget den", kind="date", required=True, problem_names=("dato",)),
                Field("note", "Note", kind="multiline"),
            ]
        else:
            fields = [
                Field("reason", "Begrundelse", kind="multiline", required=True, problem_names=("begrundelse",)),
            ]

        def save(v: dict[str, Any]) -> object:
            change = documentation.set_state(
                self.database,
                citizen_id,
                entry.item.id,
                entry.instance,
                state,
                on=v.get("on"),
                requested_from=v.get("who", ""),
                # The suggestion counts from today; left as it is, the answer time counts from
                # the request's own date (a back-dated request is due earlier).
                expected_by=None if v.get("expected") == suggested else v.get("expected"),
                reason=v.get("reason", ""),
                note=v.get("note", ""),
                today=self.today,
            )
            self.remember_undo(change)
            return None

        title = f"{DOCUMENT_STATE_LABELS[state]}: {entry.title}"
        # The consent rule is reported under "samtykke", which no field has: the dialog's general line shows it.
        return FormDialog(title, fields, values, save, self, intro=entry.item.guidance)

    def _change(self, state: DocumentState) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        if state == DocumentState.MODTAGET and entry.item.consent_for is not None and self.citizen_id is not None:
            # A consent is received with what it covers (retssikkerhedsloven § 11 a, stk. 1).
            aim = self.checklist.aim if self.checklist else None
            if aim is not None:
                self.run_dialog(consent_item_dialog(self.database, self.citizen_id, entry, aim, self.today, self))
                return
        self.run_dialog(self._state_dialog(entry, state))

    def _activated(self) -> None:
        """Enter or a double click: write a written point, else mark the item received."""
        entry = self.selected_entry()
        if entry is not None and entry.from_text:
            self.write_text()
        else:
            self.mark_received()

    def write_text(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.from_text:
            self.open_text.emit(entry.item.texts[0])

    def mark_on_paper(self) -> None:
        entry = self.selected_entry()
        citizen_id = self.citizen_id
        if entry is None or citizen_id is None or ItemAction.ON_PAPER not in allowed_actions(entry):
            return

        def save(v: dict[str, Any]) -> object:
            documentation.set_on_paper(
                self.database, citizen_id, entry.item.id, entry.instance, str(v["reason"]), today=self.today
            )
            return None

        dialog = FormDialog(
            f"På papir: {entry.title}",
            [
                Field(
                    "reason", "Hvorfor er det ikke vedhæftet?", kind="multiline", problem_names=("begrundelse", "punkt")
                )
            ],
            {"reason": entry.on_paper_reason},
            save,
            self,
            intro="Fx »Modtaget med posten; ligger i papirsagen, fremlægges på mødet«. Tom tekst fjerner markeringen.",
        )
        self.run_dialog(dialog)

    def mark_requested(self) -> None:
        self._change(DocumentState.ANMODET)

    def mark_received(self) -> None:
        self._change(DocumentState.MODTAGET)

    def mark_not_relevant(self) -> None:
        self._change(DocumentState.IKKE_RELEVANT)

    def reset_item(self) -> None:
        entry = self.selected_entry()
        citizen_id = self.citizen_id
        if entry is None or citizen_id is None or ItemAction.RESET not in allowed_actions(entry):
            return
        if self.confirm(f"Sæt «{entry.title}» tilbage til «mangler»? Historikken bevares.", "Nulstil"):
            self.attempt(
                lambda: self.remember_undo(
                    documentation.set_state(
                        self.database,
                        citizen_id,
                        entry.item.id,
                        entry.instance,
                        DocumentState.MANGLER,
                        today=self.today,
                    )
                )
            )

    # --- undo -------------------------------------------------------------------------------------

    def remember_undo(self, change: documentation.StateUndo) -> None:
        """The change Fortryd (Ctrl+Z) undoes next: the last one saved."""
        self._last_change = change
        self.undo_action.setEnabled(True)
        self._note("")

    def _note(self, message: str) -> None:
        self.undo_note.setText(message)
        self.undo_note.setVisible(bool(message))

    def undo_last(self) -> None:
        """Fortryd (Ctrl+Z): the last state change of an item is undone through
        `documentation.undo_state` (the item is stored as it was before it)."""
        change = self._last_change
        if change is None:
            self._note("Der er ikke noget at fortryde.")
            return
        self._last_change = None
        self.undo_action.setEnabled(False)
        try:
            documentation.undo_state(self.database, change)
        except UserFacingError as err:
            QMessageBox.warning(self, "Fortryd", err.message)
            return
        self.saved()
        was = DOCUMENT_STATE_LABELS[change.state_before].lower()
        self._note(f"Fortrudt: {change.description}. Punktet er igen «{was}».")

    # --- consents ---------------------------------------------------------------------------------

    def add_consent(self) -> None:
        citizen_id = self.citizen_id
        if citizen_id is None or self.checklist is None:
            return
        self.run_dialog(new_consent_dialog(self.database, citizen_id, self.checklist.aim, self.today, self))

    def withdraw_consent(self, consent: ConsentView) -> None:
        dialog = FormDialog(
            "Tilbagekald samtykke",
            [Field("on", "Tilbagekaldt den", kind="date", required=True, problem_names=("tilbagekaldt", "dato"))],
            {"on": self.today},
            lambda v: consents.withdraw_consent(self.database, consent.consent_id, v["on"], self.today),
            self,
            intro=(
                f"Samtykket til {consent.information} fra {consent.source_name} dækker intet fra den dag, "
                "borgeren tilbagekaldte det; tilbagekaldelsen virker ikke bagud."
            ),
        )
        self.run_dialog(dialog)

    # --- attachments ------------------------------------------------------------------------------

    def add_file(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        paths = open_files(
            self, FileKind.ATTACHMENT, "Tilføj bilag", "PDF og billeder (*.pdf *.png *.jpg *.jpeg);;Alle filer (*)"
        )
        self._attach(entry, paths)

    def _files_dropped(self, entry: ChecklistEntry | None, paths: list[Path]) -> None:
        if entry is None:
            entry = self.selected_entry()
        if entry is None:
            QMessageBox.information(self, "Bilag", "Slip filen på det punkt i listen, den hører til.")
            return
        self._attach(entry, paths)

    def _ensure_record(self, entry: ChecklistEntry) -> int:
        """Attachments hang on a stored item; an untouched item is stored as 'mangler' first."""
        if entry.record_id is not None:
            return entry.record_id
        assert self.citizen_id is not None
        return documentation.ensure_item(self.database, self.citizen_id, entry.item.id, entry.instance)

    def _attach(self, entry: ChecklistEntry, paths: list[Path]) -> None:
        if not paths or self.citizen_id is None:
            return
        added, problems = 0, []
        for path in paths:
            try:
                attachments.add_attachment(self.database, self.citizen_id, path, self._ensure_record(entry))
                added += 1
            except UserFacingError as err:
                problems.append(f"{path.name}: {err.message}")
        if problems:
            QMessageBox.warning(self, "Bilag", "\n".join(problems))
        if added:
            self.saved()
            self.select_entry(entry.item.id, entry.instance)

    def _pick_attachment(self) -> AttachmentRef | None:
        """One of the selected item's attachments: the only one, or the one the user picks."""
        entry = self.selected_entry()
        if entry is None or not entry.attachments:
            return None
        if len(entry.attachments) == 1:
            return entry.attachments[0]
        from PySide6.QtWidgets import QInputDialog

        names = [f"{a.filename} ({a.size / 1024:.0f} kB)" for a in entry.attachments]
        name, ok = QInputDialog.getItem(self, "Vælg bilag", "Bilag:", names, 0, False)
        return entry.attachments[names.index(name)] if ok else None

    def view_attachment(self) -> None:
        ref = self._pick_attachment()
        if ref is None:
            return
        try:
            view, data = attachments.read_attachment(self.database, ref.attachment_id)
        except UserFacingError as err:
            QMessageBox.warning(self, "Bilag", err.message)
            return
        AttachmentViewer(view.filename, view.mime_type, data, self).exec()

    def remove_attachment(self) -> None:
        ref = self._pick_attachment()
        if ref is not None and self.confirm(
            f"Fjern bilaget «{ref.filename}» fra punktet? Det slettes fra databasen.", "Fjern bilag"
        ):
            self.attempt(lambda: attachments.remove_attachment(self.database, ref.attachment_id), "Bilag")

    # --- request letters --------------------------------------------------------------------------

    def make_letter(self) -> None:
        """The letter form for the selected item; the letter is written (and the item marked
        as requested, if chosen) in one step when the form is saved, then opened."""
        entry = self.selected_entry()
        citizen_id = self.citizen_id
        if entry is None or citizen_id is None or ItemAction.LETTER not in allowed_actions(entry):
            return
        try:
            dialog = request_letter_dialog(self.database, citizen_id, entry.item.id, entry.instance, self.today, self)
        except UserFacingError as err:
            QMessageBox.warning(self, "Anmodningsbrev", err.message)
            return
        if self.run_dialog(dialog) and isinstance(dialog.result_value, Path):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(dialog.result_value)))
