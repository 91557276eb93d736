"""The Stamdata tab: the citizen's registered details."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser

from jobraad import cpr
from jobraad import formatting as fmt
from jobraad.citizen_file import CitizenFile
from jobraad.visitation import target_group_text
from jobraad.vocab import AIM_LABELS, BENEFIT_LABELS
from ui import palette


class StamdataTab(QTextBrowser):
    """The details as a table, shown from the file `ui.citizen_file` reads; edited with
    the file's "Redigér stamdata…" (Ctrl+E)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("stamdata")

    def show_file(self, f: CitizenFile) -> None:
        rows = [
            ("Navn", f.name),
            ("CPR-nummer", fmt.cpr(f.cpr)),
            ("Alder", f"{f.age} år (født {fmt.date(cpr.birth_date(f.cpr))})"),
            ("Telefon", f.phone),
            ("E-mail", f.email),
            ("Adresse", f.address),
            ("Sprog", f.language),
            ("Tolk", "Ja" if f.interpreter_needed else "Nej"),
            ("Ydelse", BENEFIT_LABELS[f.benefit_type]),
            ("Forsørgelse", f.support.text if f.support else f"{f.support_years_last10} af de seneste 10 år"),
            ("Målgruppe 2024", target_group_text(f.in_target_group)),
            ("Sigte", AIM_LABELS[f.aim]),
            ("Noter", f.notes),
        ]
        body = "".join(
            f"<tr><td style='color:{palette.muted_css()}; padding-right:16px'>{escape(k)}</td>"
            f"<td>{escape(v or '—')}</td></tr>"
            for k, v in rows
        )
        self.setHtml(
            f"<table cellpadding='4'>{body}</table><p style='color:{palette.muted_css()}'>Redigér med Ctrl+E.</p>"
        )
