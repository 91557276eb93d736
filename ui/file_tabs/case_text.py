"""The Tekster tab: what the caseworker writes for the case, in its three parts kept apart as
the dossier keeps them (`jobraad.text_sections`): the forberedende del (or what the case's
pack calls it), which describes and does not assess; the citizen's own remarks; and the
jobcenter's own parts (assessment, proposal, questions for the team). Above them the case
number and the day the citizen saw the description. Each section shows whether it counts
as written in the checklist, which takes that from the text itself."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import UserFacingError
from jobraad import case_history, case_texts, documentation
from jobraad import formatting as fmt
from jobraad.case_history import CaseFacts
from jobraad.case_texts import CaseTextView
from jobraad.dates import InvalidDate, parse_date
from jobraad.errors import ValidationFailed
from jobraad.text_sections import CITIZEN, DESCRIPTION, JOBCENTER
from ui import palette
from ui.file_tabs.base import FileTab
from ui.shortcuts import local_shortcut

if TYPE_CHECKING:
    from db.session import Database

PARTS = (DESCRIPTION, CITIZEN, JOBCENTER)
HEADER_ROLE = Qt.ItemDataRole.UserRole + 1


def part_heading(part: str, plan_heading: str) -> str:
    """The heading a part has in the list of sections."""
    return {DESCRIPTION: plan_heading, CITIZEN: "Borgerens del", JOBCENTER: "Jobcentrets egne dele"}[part]


def part_note(part: str, plan_heading: str) -> str:
    """What a part is, above each of its sections (HTML)."""
    plan = escape(plan_heading)
    if part == DESCRIPTION:
        return (
            f"<b>{plan}</b> – beskriver borgerens situation og laves sammen med borgeren. "
            "Den beskriver og dokumenterer; den vurderer ikke."
        )
    if part == CITIZEN:
        return "<b>Borgerens del</b> – borgerens egne bemærkninger til beskrivelsen, med borgerens ord."
    return (
        "<b>Jobcentrets egne dele</b> – din vurdering, dit forslag og spørgsmål til teamet. "
        f"De står for sig i dossieret og er ikke en del af «{plan}»."
    )


# The two description sections that have records of their own beside the text.
RECORD_HINTS = {
    "uddannelse_cv": "Uddannelser og job skrives som linjer under afsnittet «Ydelser og CV»; skriv her det, "
    "linjerne ikke siger.",
    "forsoergelse": "Ydelserne periode for periode skrives under afsnittet «Ydelser og CV»; skriv her det, "
    "perioderne ikke siger.",
}


class CaseTextTab(FileTab):
    """Signals: changed() after a save. Edits of every section, the case number and the day
    the citizen saw the description are kept until saved (Gem or Ctrl+S)."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        self._views: list[CaseTextView] = []
        self._edits: dict[str, str] = {}
        self._row_views: list[int | None] = []  # list row -> index in _views (None: a part's heading)
        self._facts = CaseFacts("", None)
        self._required: frozenset[str] = frozenset()
        self._plan_heading = "Forberedende del"
        self._loading = False
        self._shown_row = -1  # the list row whose section the editor shows
        layout = QVBoxLayout(self)

        facts = QHBoxLayout()
        number_label = QLabel("Sags&nummer:")
        self.case_number = QLineEdit()
        self.case_number.setObjectName("caseNumber")
        self.case_number.setMaxLength(case_history.MAX_CASE_NUMBER)
        self.case_number.setPlaceholderText("fra fagsystemet")
        self.case_number.setToolTip("Jobcentrets sagsnummer; står på dossierets forside")
        self.case_number.setMaximumWidth(170)
        number_label.setBuddy(self.case_number)
        facts.addWidget(number_label)
        facts.addWidget(self.case_number)
        facts.addSpacing(16)
        seen_label = QLabel("Borgeren har s&et beskrivelsen den:")
        self.seen_on = QLineEdit()
        self.seen_on.setObjectName("descriptionSeenOn")
        self.seen_on.setPlaceholderText("dd-mm-åååå")
        self.seen_on.setToolTip("Den dag borgeren så beskrivelsen til teamet (tom: ikke endnu)")
        self.seen_on.setMaximumWidth(110)
        seen_label.setBuddy(self.seen_on)
        self.seen_today = QPushButton("I dag")
        self.seen_today.setObjectName("seenToday")
        self.seen_today.setToolTip("Borgeren har set beskrivelsen i dag")
        self.seen_today.clicked.connect(lambda: self.seen_on.setText(fmt.date(self.today)))
        facts.addWidget(seen_label)
        facts.addWidget(self.seen_on)
        facts.addWidget(self.seen_today)
        facts.addStretch(1)
        layout.addLayout(facts)
        self.facts_error = QLabel()
        self.facts_error.setObjectName("factsError")
        self.facts_error.setStyleSheet(palette.error_style())
        self.facts_error.setWordWrap(True)
        self.facts_error.hide()
        layout.addWidget(self.facts_error)
        self.case_number.textEdited.connect(lambda _t: self._facts_edited())
        self.seen_on.textChanged.connect(lambda _t: self._facts_edited())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.sections = QListWidget()
        self.sections.setObjectName("sections")
        self.sections.setWordWrap(True)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections.currentRowChanged.connect(self._show_section)
        splitter.addWidget(self.sections)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.part_label = QLabel()
        self.part_label.setObjectName("partNote")
        self.part_label.setTextFormat(Qt.TextFormat.RichText)
        self.part_label.setWordWrap(True)
        self.part_label.setStyleSheet("background: palette(alternate-base); padding: 4px;")
        right_layout.addWidget(self.part_label)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        right_layout.addWidget(self.title)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(palette.muted_style())
        right_layout.addWidget(self.hint)
        self.written = QLabel()
        self.written.setObjectName("writtenState")
        self.written.setWordWrap(True)
        right_layout.addWidget(self.written)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("sectionEditor")
        self.editor.textChanged.connect(self._edited)
        right_layout.addWidget(self.editor)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 600])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("caseTextStatus")
        self.status.setStyleSheet(palette.muted_style())
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.save_button = QPushButton("Gem")
        self.save_button.setObjectName("caseTextSave")
        self.save_button.setToolTip("Gem teksterne, sagsnummeret og datoen (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        local_shortcut(QKeySequence.StandardKey.Save, self, self.save)

    # --- loading --------------------------------------------------------------------------------

    def show_citizen(self, citizen_id: int) -> None:
        """Show the citizen's texts; the same citizen's unsaved edits stay as they are."""
        if citizen_id == self.citizen_id and self.dirty:
            return
        super().show_citizen(citizen_id)

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        self._edits = {}
        self._views = case_texts.list_case_texts(self.database, self.citizen_id)
        self._facts = case_history.read_case_facts(self.database, self.citizen_id)
        checklist = documentation.load_checklist(self.database, self.citizen_id, self.today)
        self._plan_heading = checklist.pack.terms.plan_heading
        self._required = frozenset(
            t for e in checklist.entries if e.from_text and e.item.required for t in e.item.texts
        )
        self._loading = True
        self.case_number.setText(self._facts.case_number)
        self.seen_on.setText(fmt.date(self._facts.description_seen_on))
        self._loading = False
        self._show_facts_error("")
        self._fill_list()
        self._update_status()

    def _fill_list(self) -> None:
        current = self._current_view()
        self.sections.blockSignals(True)
        self.sections.clear()
        self._row_views = []
        for part in PARTS:
            heading = QListWidgetItem(part_heading(part, self._plan_heading))
            # Enabled (so it reads as a heading, not greyed out) but not selectable.
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            heading.setData(HEADER_ROLE, part)
            font = QFont()
            font.setBold(True)
            heading.setFont(font)
            heading.setBackground(self.palette().brush(QPalette.ColorRole.AlternateBase))
            self.sections.addItem(heading)
            self._row_views.append(None)
            for i, view in enumerate(self._views):
                if view.part == part:
                    self.sections.addItem(QListWidgetItem(self._label(view)))
                    self._row_views.append(i)
        self.sections.blockSignals(False)
        rows = [r for r, v in enumerate(self._row_views) if v is not None]
        row = next((r for r in rows if current is not None and self._row_views[r] == current), rows[0] if rows else -1)
        self.sections.setCurrentRow(row)
        self._show_section(row)

    def select_section(self, section: str) -> bool:
        """The section `section` (a key of `text_sections.SECTIONS`) shown in the editor."""
        row = next(
            (r for r, v in enumerate(self._row_views) if v is not None and self._views[v].section == section), None
        )
        if row is None:
            return False
        self.sections.setCurrentRow(row)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _current_view(self) -> int | None:
        row = self.sections.currentRow()
        return self._row_views[row] if 0 <= row < len(self._row_views) else None

    # --- what a section shows -------------------------------------------------------------------

    def _text(self, view: CaseTextView) -> str:
        return self._edits.get(view.section, view.text)

    def _label(self, view: CaseTextView) -> str:
        written = bool(self._text(view).strip())
        mark = "✔ " if written else "○ "
        missing = " (kræves)" if not written and view.section in self._required else ""
        return mark + view.title + missing + (" *" if view.section in self._edits else "")

    def written_state(self, view: CaseTextView) -> str:
        """Whether the section counts as written in the checklist, in Danish."""
        required = view.section in self._required
        if view.section in self._edits:
            if self._edits[view.section].strip():
                return "✔ Tæller som skrevet i tjeklisten, når teksten er gemt."
            return "○ Tæller ikke som skrevet, når den tomme tekst er gemt" + (
                " – og regelpakken kræver afsnittet." if required else "."
            )
        if view.text.strip():
            return "✔ Skrevet – tæller som skrevet i tjeklisten."
        if required:
            return "○ Ikke skrevet – regelpakken kræver afsnittet, så sagen er ikke klar uden det."
        if view.part == CITIZEN:
            return "○ Ikke skrevet – tomt betyder, at borgeren ingen bemærkninger har."
        return "○ Ikke skrevet – regelpakken kræver det ikke."

    def _show_section(self, row: int) -> None:
        if not 0 <= row < len(self._row_views):
            return
        if self._row_views[row] is None:
            # The arrow keys stopped on a part's heading: on to the section beyond it.
            step = 1 if row >= self._shown_row else -1
            beyond = [
                r for r in range(row, len(self._row_views) if step > 0 else -1, step) if self._row_views[r] is not None
            ]
            target = beyond[0] if beyond else self._shown_row
            if 0 <= target < len(self._row_views) and target != row:
                self.sections.setCurrentRow(target)
            return
        self._shown_row = row
        index = self._row_views[row]
        assert index is not None
        view = self._views[index]
        self._loading = True
        self.part_label.setText(part_note(view.part, self._plan_heading))
        self.title.setText(f"<h3 style='margin:0'>{escape(view.title)}</h3>")
        hint = view.hint
        if view.section in RECORD_HINTS:
            hint += " " + RECORD_HINTS[view.section]
        self.hint.setText(hint)
        self.written.setText(self.written_state(view))
        self.editor.setPlainText(self._text(view))
        self._loading = False

    def _edited(self) -> None:
        if self._loading:
            return
        row = self.sections.currentRow()
        index = self._current_view()
        if index is None:
            return
        view = self._views[index]
        text = self.editor.toPlainText()
        if text.strip() == view.text:
            self._edits.pop(view.section, None)
        else:
            self._edits[view.section] = text
        item = self.sections.item(row)
        item.setText(self._label(view))
        font = QFont()
        font.setBold(view.section in self._edits)
        item.setFont(font)
        self.written.setText(self.written_state(view))
        self._update_status()

    # --- the case number and the day the citizen saw the description ------------------------------

    def _facts_edited(self) -> None:
        if not self._loading:
            self._update_status()

    def _number_changed(self) -> bool:
        return self.case_number.text().strip() != self._facts.case_number

    def _seen_changed(self) -> bool:
        return self.seen_on.text().strip() != fmt.date(self._facts.description_seen_on)

    def _show_facts_error(self, message: str) -> None:
        self.facts_error.setText(message)
        self.facts_error.setVisible(bool(message))

    def facts_error_text(self) -> str:
        """The message under the case number and date ('' if none): for tests and screen readers."""
        return self.facts_error.text() if not self.facts_error.isHidden() else ""

    def _update_status(self) -> None:
        changed = len(self._edits)
        facts = [
            what for what, yes in (("sagsnummeret", self._number_changed()), ("datoen", self._seen_changed())) if yes
        ]
        if changed or facts:
            parts = [f"{changed} afsnit"] if changed else []
            self.status.setText(" og ".join(parts + facts).capitalize() + " er ændret og ikke gemt.")
        else:
            stamps = [v.updated_at for v in self._views if v.updated_at]
            self.status.setText(f"Tekst senest gemt {fmt.date_time(max(stamps))}" if stamps else "")
        self.save_button.setEnabled(self.dirty)

    @property
    def dirty(self) -> bool:
        return bool(self._edits) or self._number_changed() or self._seen_changed()

    # --- saving ---------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save what was changed: the date the citizen saw the description, the case number and
        the texts, in one transaction. A date that cannot be read, or any refusal, saves nothing;
        what was typed is kept and the message says why."""
        if self.citizen_id is None or not self.dirty:
            return True
        citizen_id = self.citizen_id
        seen: dt.date | None = None
        text = self.seen_on.text().strip()
        if text:
            try:
                seen = parse_date(text)
            except InvalidDate as err:
                self._refused(f"Intet er gemt. Borgeren har set beskrivelsen: {err}", self.seen_on)
                return False
        number = self.case_number.text()
        try:
            # One transaction: the date, the case number and the texts are saved together or not at all.
            case_history.save_case_page(
                self.database,
                citizen_id,
                texts=dict(self._edits),
                case_number=number if self._number_changed() else None,
                seen=(seen,) if self._seen_changed() else None,
                today=self.today,
            )
        except UserFacingError as err:
            where: QWidget | None = None
            if isinstance(err, ValidationFailed):
                fields = {p.field for p in err.problems}
                where = (
                    self.seen_on
                    if "set af borgeren" in fields
                    else self.case_number
                    if "sagsnummer" in fields
                    else self.editor
                )
            self._refused(err.message.replace("\n  • ", " "), where)
            return False
        self._facts = CaseFacts(number.strip() if self._number_changed() else self._facts.case_number, seen)
        self._show_facts_error("")
        self.saved()
        return True

    def _refused(self, message: str, where: QWidget | None) -> None:
        self._show_facts_error(message)
        self._update_status()
        if where is not None:
            where.setFocus()

    # --- what the file asks before it is left -------------------------------------------------------

    def unsaved_description(self) -> str | None:
        return "ændringer under fanen Tekster" if self.dirty else None

    def save_unsaved(self) -> bool:
        return self.save()

    def discard_unsaved(self) -> None:
        self.reload()
