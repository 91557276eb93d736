"""The Resumé tab: the summary of a citizen's file."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtWidgets import QTextBrowser

from jobraad import formatting as fmt
from jobraad.citizen_file import CitizenFile
from jobraad.retention import DueForDeletion
from jobraad.visitation import GROUP_GOALS, Urgency, urgency
from jobraad.vocab import AIM_LABELS, BENEFIT_LABELS, GROUP_LABELS, JOURNAL_LABELS, OUTCOME_LABELS
from ui import palette

_URGENCY_WORDS = {
    Urgency.OVERDUE: "Overskredet",
    Urgency.THIS_WEEK: "Denne uge",
    Urgency.NEXT_WEEK: "Næste uge",
    Urgency.LATER: "",
}


class SummaryTab(QTextBrowser):
    """The case at a glance, shown from the file `ui.citizen_file` reads."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("summary")
        self.show_nothing()

    def show_nothing(self) -> None:
        self.setHtml(f"<p style='color:{palette.muted_css()}'>Vælg en borger i listen for at se sagen.</p>")

    def show_file(self, f: CitizenFile, today: dt.date) -> None:
        self.setHtml(summary_html(f, today))


def summary_html(f: CitizenFile, today: dt.date) -> str:
    """Group and goals, deadlines, contact details, notes and the newest journal notes
    (the name and CPR are in the file's header)."""
    e = escape
    parts: list[str] = []
    if f.language:
        parts.append(f"<p>Sprog: {e(f.language)}{' · <b>tolk</b>' if f.interpreter_needed else ''}</p>")
    if f.closed_outcome is not None:
        parts.append(f"<p><b>Sagen er lukket</b> {fmt.date(f.closed_on)}: {e(OUTCOME_LABELS[f.closed_outcome])}</p>")
        if f.retention is not None:
            parts.append(retention_html(f.retention, today))
    elif f.current is not None:
        parts.append(
            f"<p><b>{e(GROUP_LABELS[f.current.group])}</b> siden {fmt.date(f.current.start_date)} "
            f"({fmt.week(f.current.start_date, with_year=True)}) · {f.weeks_in_forloeb} uger i forløbet<br>"
            f"Sigte: {e(AIM_LABELS[f.aim])} · {e(BENEFIT_LABELS[f.benefit_type])}</p>"
        )
        goals = GROUP_GOALS.get(f.current.group, ())
        if goals:
            items = []
            for goal in goals:
                reached = f.current.goals_reached.get(goal.key)
                mark = f"✔ {fmt.date(reached)}" if reached else "☐"
                items.append(f"<tr><td>{mark}</td><td>{e(goal.label)}</td></tr>")
            parts.append("<h3>Mål for gruppen</h3><table cellspacing='2'>" + "".join(items) + "</table>")
    parts.append("<h3>Frister</h3>")
    if f.due:
        rows = []
        for d in f.due:
            u = urgency(d.due_on, today)
            word, bg = _URGENCY_WORDS[u], palette.deadline_background(u)
            rows.append(
                f"<tr style='background:{palette.css(bg)}; color:{palette.css(palette.text_on(bg))}'>"
                f"<td>{fmt.date(d.due_on)}</td>"
                f"<td>{e(word)}</td><td>{e(d.title)}</td></tr>"
            )
        parts.append("<table cellpadding='3' cellspacing='0' width='100%'>" + "".join(rows) + "</table>")
    else:
        parts.append(f"<p style='color:{palette.muted_css()}'>Ingen åbne frister.</p>")
    parts.append("<h3>Kontakt</h3><p>")
    parts.append("<br>".join(e(x) for x in (f.phone, f.email, f.address) if x) or "<i>Ingen kontaktoplysninger</i>")
    parts.append("</p>")
    if f.notes:
        parts.append(f"<h3>Noter</h3><p>{e(f.notes)}</p>")
    if f.journal:
        parts.append("<h3>Seneste journalnotater</h3>")
        for n in f.journal[:3]:
            parts.append(f"<p><b>{fmt.date_time(n.written_at)} · {e(JOURNAL_LABELS[n.kind])}</b><br>{e(n.text)}</p>")
    return "".join(parts)


def retention_html(r: DueForDeletion, today: dt.date) -> str:
    """A closed case's deletion date and the period behind it ("foreløbig" where it is not law)."""
    when = "Kan slettes, siden" if r.due(today) else "Kan slettes fra"
    return (
        f"<p><b>{when}</b> {fmt.date(r.delete_from)} (Sikkerhed ▸ Lukkede sager til sletning)<br>"
        f"<span style='color:{palette.muted_css()}'>Opbevares i {escape(r.period.describe())}</span></p>"
    )
