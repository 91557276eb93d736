"""What the dossier says: its parts in order, as plain data for `layout` to set.

The cover, the contents, the forberedende del in its sections (the caseworker's
text, then what jobraad knows), the sundhedskoordinator's notes and skånehensyn,
the progression in each placement, the documentation checklist with what is
missing, the caseworker's assessment and proposed recommendation, and the list
of bilag. Texts are ReportLab paragraph markup (`<b>`, `<br/>`, `<font size=…>`),
with every user text escaped; the widths of a table's columns are in points.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from db.enums import ActivityKind, ContactKind, DocumentState
from jobraad import formatting as fmt
from jobraad.case_texts import SECTION_TITLES
from jobraad.consents import STATUS_LABELS, consent_rules, validity_text
from jobraad.documentation import ChecklistEntry
from jobraad.dossier.gather import AppendixFile, CaseData
from jobraad.pdf import MARGINS, PAGE_SIZE, escape
from jobraad.progression import ChartSeries
from jobraad.records import ActivityView
from jobraad.rulepacks import SECTION_LABELS
from jobraad.text_sections import DESCRIPTION, sections_of
from jobraad.vocab import (
    ABSENCE_LABELS,
    ACTIVITY_LABELS,
    AIM_LABELS,
    BENEFIT_LABELS,
    CONTACT_LABELS,
    DOCUMENT_STATE_LABELS,
    GROUP_LABELS,
    HEALTH_NOTE_LABELS,
    PLACEMENT_LABELS,
    SOURCE_LABELS,
)


class Appendix(Protocol):
    """What the story says of a bilag (`jobraad.dossier.appendices` reads and sets them with
    ReportLab and pypdf; the story only names them)."""

    @property
    def file(self) -> AppendixFile: ...

    @property
    def kind(self) -> str: ...

    @property
    def pages(self) -> int: ...

    @property
    def readable(self) -> bool: ...


__all__ = [
    "NOT_DESCRIBED",
    "NO_PLACEMENTS",
    "Box",
    "Chart",
    "Contents",
    "Document",
    "Element",
    "EndOfMainPart",
    "Facts",
    "Figures",
    "Grid",
    "Heading",
    "PageBreak",
    "Para",
    "Space",
    "compose",
]

NOT_DESCRIBED = "Ikke beskrevet."
NO_PLACEMENTS = "Ingen virksomhedsplaceringer registreret."

# The forberedende del (BEK 2408/2021) in its order; the last two sections of
# `case_texts.SECTIONS` are the caseworker's assessment and recommendation.
PREPARATORY_SECTIONS: tuple[str, ...] = tuple(s.key for s in sections_of(DESCRIPTION))

# Courses that belong to "uddannelse og erhvervserfaring" as well as to the efforts tried.
_COURSE_KINDS = frozenset({ActivityKind.JOBDANSK, ActivityKind.FVU, ActivityKind.AMU, ActivityKind.WORKSHOP_CV})

LINE_WIDTH = PAGE_SIZE[0] - MARGINS.left - MARGINS.right  # a full line of text, and the widest table
_DATE_W = 64  # a dd-mm-åååå cell in 9 pt with its padding

_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


# --- the parts a dossier is made of ------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A heading: a bookmark, and a line in the contents if `in_contents`. It begins a new
    page if `new_page`, else a new page only if little room is left. `style` names a style
    other than its level's; `outline` is the bookmark's title, if not the text."""

    text: str  # plain text
    level: int
    in_contents: bool = True
    new_page: bool = False
    style: str = ""
    outline: str = ""


@dataclass(frozen=True)
class Para:
    markup: str
    style: str = "body"
    bullet: bool = False  # a list item


@dataclass(frozen=True)
class Space:
    height: float


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Grid:
    """A gridded table with a header row that repeats on every page. Cells are markup;
    columns in `right` are right-aligned numbers, columns in `small` are in a small size.
    A row in `section_rows` is a section's title (its first cell) across the whole table."""

    header: tuple[str, ...]  # plain text
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    right: tuple[int, ...] = ()
    small: tuple[int, ...] = ()
    section_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Facts:
    """Label/value pairs without a grid; labels are plain text, values markup. On the
    cover in the cover's size and with wider labels."""

    rows: tuple[tuple[str, str], ...]
    cover: bool = False


@dataclass(frozen=True)
class Box:
    """A framed box (the readiness on the cover)."""

    parts: tuple[Para | Space, ...]


@dataclass(frozen=True)
class Figures:
    """A placement's figures, label and value (plain text), in two columns."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Chart:
    """The hours chart of a placement, the same drawing as on screen."""

    series: ChartSeries


@dataclass(frozen=True)
class Contents:
    """The table of contents: the headings with `in_contents`, then the bilag."""


@dataclass(frozen=True)
class EndOfMainPart:
    """After the last part: the bilag follow."""


Element = Heading | Para | Space | PageBreak | Grid | Facts | Box | Figures | Chart | Contents | EndOfMainPart


@dataclass
class Document:
    elements: list[Element] = field(default_factory=list)
    author: str = ""  # the caseworker, for the file's properties
    title: str = ""  # the pack's name for the dossier, for the file's properties
    subject: str = ""
    header: tuple[str, str] = ("", "")  # the running header, left and right
    stamp: str = ""  # whose case, at the top of a bilag's original pages

    @property
    def sections(self) -> list[str]:
        """The headings in the contents, in order."""
        return [e.text for e in self.elements if isinstance(e, Heading) and e.in_contents]


def compose(data: CaseData, appendices: Sequence[Appendix]) -> Document:
    """What the dossier of `data` says, with `appendices` as its bilag."""
    return _Composer(data, appendices).compose()


# --- composing ---------------------------------------------------------------------------------


class _Composer:
    def __init__(self, data: CaseData, appendices: Sequence[Appendix]) -> None:
        self.data = data
        self.appendices = appendices
        self.appendix_of = {a.file.attachment_id: a for a in appendices}
        self.out: list[Element] = []

    # building blocks

    def heading(self, text: str, level: int, *, new_page: bool = False) -> None:
        self.out.append(Heading(text, level, new_page=new_page))

    def sub(self, text: str) -> None:
        self.out.append(Para(escape(text), "sub"))

    def para(self, markup: str, style: str = "body") -> None:
        self.out.append(Para(markup, style))

    def text(self, text: str, style: str = "body") -> None:
        """User text: blank lines part paragraphs; single line breaks are kept."""
        self.out.extend(_text_paragraphs(text, style))

    def user_text_or_empty(self, text: str) -> None:
        if text.strip():
            self.text(text)
        else:
            self.para(NOT_DESCRIBED, "grey")

    def bullets(self, items: Sequence[str]) -> None:
        self.out.extend(Para(escape(item), "bullet", bullet=True) for item in items)

    def grid(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        right: Sequence[int] = (),
        small: Sequence[int] = (),
        section_rows: Sequence[int] = (),
    ) -> None:
        if set(right) & set(small):
            raise ValueError("a small column cannot be right-aligned")
        self.out.append(
            Grid(
                tuple(header),
                tuple(tuple(row) for row in rows),
                tuple(widths),
                tuple(right),
                tuple(small),
                tuple(section_rows),
            )
        )

    # the parts, in order

    def compose(self) -> Document:
        d = self.data
        self.cover()
        self.contents()
        self.preparatory()
        self.health()
        self.progression()
        self.documentation()
        self.assessment()
        self.appendix_list()
        terms = d.checklist.pack.terms
        return Document(
            self.out,
            author=d.caseworker,
            title=terms.dossier_title,
            subject=f"{terms.dossier_title} med bilag",
            header=(
                f"{terms.dossier_title} · {d.file.name} · CPR {fmt.cpr(d.file.cpr)}",
                f"Udskrevet {fmt.date(d.today)}",
            ),
            stamp=f"{d.file.name} · CPR {fmt.cpr(d.file.cpr)}",
        )

    def cover(self) -> None:
        d, f = self.data, self.data.file
        terms = d.checklist.pack.terms
        self.out.append(Heading(terms.dossier_title, 0, in_contents=False, style="cover_title", outline="Forside"))
        if d.checklist.without_team:
            self.para("Oplagt sag om førtidspension – afgøres uden rehabiliteringsteamet · med bilag", "cover_sub")
        else:
            self.para(f"Til {escape(terms.team)} · med bilag" if terms.team else "Med bilag", "cover_sub")
        self.para(escape(f.name), "cover_name")
        self.para(f"CPR-nummer {fmt.cpr(f.cpr)} · {f.age} år")
        self.out.append(Space(8))
        language = escape(f.language) if f.language.strip() else "dansk / ikke oplyst"
        if f.interpreter_needed:
            language += " – <b>tolk nødvendig</b>"
        group = "—"
        if f.current is not None:
            group = f"{GROUP_LABELS[f.current.group]} siden {fmt.date(f.current.start_date)}"
            if f.weeks_in_forloeb is not None:
                group += f" (uge {f.weeks_in_forloeb} i forløbet)"
        if f.closed_outcome is not None:
            group = f"Sagen er lukket {fmt.date(f.closed_on)}"
        pack = d.checklist.pack
        since = d.checklist.pack_since
        pack_text = f"{escape(pack.label)} ({escape(pack.period)})" + (
            f", fastlagt {fmt.date(since)}" if d.checklist.pack_chosen and since else ""
        )
        if not d.checklist.pack_chosen:
            pack_text += " – ikke fastlagt for sagen endnu"
        rows = (
            (escape(terms.meeting), _meeting_text(d)),
            ("Sigte, der overvejes", escape(AIM_LABELS[f.aim])),
            ("Visitationsgruppe", escape(group)),
            ("Sprog", language),
            ("Regelpakke", pack_text),
            ("Jobrådgiver", escape(d.caseworker) if d.caseworker else "<i>ikke angivet (Indstillinger)</i>"),
            ("Jobcenter", escape(d.jobcenter) or "—"),
            ("Udskrevet", fmt.date(d.today)),
        )
        self.out.append(Facts(rows, cover=True))
        self.out.append(Space(10))
        self.out.append(self._readiness_box())
        self.out.append(Space(18))
        self.para(
            "Dokumentet indeholder helbredsoplysninger og andre følsomme personoplysninger. "
            "Det må kun bruges til behandlingen af borgerens sag og skal opbevares og destrueres fortroligt.",
            "grey",
        )

    def _readiness_box(self) -> Box:
        r, d = self.data.readiness, self.data
        inner: list[Para | Space] = []
        if r.required == 0:
            inner.append(
                Para(
                    f"Regelpakken stiller ingen krav til dokumentation for sigtet «{escape(AIM_LABELS[d.file.aim])}».",
                    "ready",
                )
            )
        elif r.ready:
            inner.append(Para(escape(d.checklist.ready_text), "ready"))
            inner.append(
                Para(
                    f"Alle {r.required} krævede dokumentationspunkter er modtaget eller vurderet ikke relevante.",
                    "cell",
                )
            )
        else:
            n = len(r.missing)
            what = "krævet punkt mangler" if n == 1 else "krævede punkter mangler"
            inner.append(Para(f"Ikke klar: {n} {what}" if n else "Ikke klar", "ready"))
            inner.extend(Para(f"<b>{escape(problem)}</b>", "cell") for problem in r.problems)
            shown = r.missing[:12]
            inner.extend(Para(escape(title), "cell", bullet=True) for title in shown)
            if len(r.missing) > len(shown):
                inner.append(Para(f"… og {len(r.missing) - len(shown)} flere (se Dokumentation).", "cell"))
        if r.overdue:
            inner.append(Space(3))
            inner.append(Para(f"{r.overdue} anmodning(er) er forsinket.", "cell"))
        return Box(tuple(inner))

    def contents(self) -> None:
        self.out.append(PageBreak())
        self.out.append(Heading("Indhold", 0, in_contents=False, style="title"))
        self.out.append(Contents())

    def preparatory(self) -> None:
        d = self.data
        heading = d.checklist.pack.terms.plan_heading
        self.heading(f"1. {heading}", 0, new_page=True)
        self.para(
            f"Afsnittene følger {escape(d.checklist.pack.terms.dossier_title.lower())}. Under hvert afsnit står først "
            "jobrådgiverens beskrivelse og derefter de oplysninger, der er registreret i sagen.",
            "grey",
        )
        for n, key in enumerate(PREPARATORY_SECTIONS, start=1):
            self.heading(f"1.{n} {SECTION_TITLES[key]}", 1)
            self.user_text_or_empty(d.texts.get(key, ""))
            known = self._known.get(key)
            if known is not None:
                known()

    # what jobraad knows, per section of the forberedende del

    @property
    def _known(self) -> dict[str, Callable[[], None]]:
        return {
            "uddannelse_cv": self._known_uddannelse_cv,
            "udfordringer": self._known_udfordringer,
            "helbred": self._known_helbred,
            "helbred_arbejde": self._known_helbred_arbejde,
            "forsoergelse": self._known_forsoergelse,
            "indsatser": self._known_indsatser,
        }

    def _known_uddannelse_cv(self) -> None:
        courses = [a for a in self.data.activities if a.kind in _COURSE_KINDS]
        if courses:
            self.sub("Kurser og opkvalificering registreret i sagen")
            self._activity_table(sorted(courses, key=_activity_order))

    def _known_udfordringer(self) -> None:
        f = self.data.file
        self.sub("Registreret i sagen")
        language = f.language.strip() or "ikke oplyst"
        interpreter = "Tolk er nødvendig." if f.interpreter_needed else "Tolk er ikke nødvendig."
        self.para(f"Sprog: {escape(language)}. {interpreter}")

    def _known_helbred(self) -> None:
        d = self.data
        health = [e for e in d.checklist.entries if e.item.health]
        received = [e for e in health if e.state == DocumentState.MODTAGET]
        self.sub("Dokumentation, beskrivelsen bygger på")
        if received:
            rows = [
                [
                    escape(e.title),
                    escape(e.requested_from or SOURCE_LABELS[e.item.source]),
                    fmt.date(e.received_on),
                    self._attachment_text(e),
                ]
                for e in received
            ]
            self.grid(["Dokument", "Fra", "Modtaget", "Bilag"], rows, [170, 110, _DATE_W, LINE_WIDTH - 280 - _DATE_W])
        else:
            self.para("Der er endnu ikke modtaget helbredsdokumentation.", "grey")
        waiting = [e for e in health if not e.done]
        if waiting:
            self.sub("Helbredsdokumentation, der ikke er modtaget")
            self.bullets([_entry_status_line(e, d.today) for e in waiting])
        notes_with_conditions = [n for n in d.health_notes if n.conditions.strip()]
        if notes_with_conditions:
            latest = notes_with_conditions[0]
            self.sub(f"Helbredsforhold ifølge sundhedskoordinatoren ({fmt.date(latest.note_date)})")
            self.text(latest.conditions)
        doctors = [
            c for c in d.contacts if c.kind in (ContactKind.EGEN_LAEGE, ContactKind.SPECIALLAEGE, ContactKind.HOSPITAL)
        ]
        if doctors:
            self.para(
                "<b>Behandlere:</b> "
                + "; ".join(
                    escape(f"{CONTACT_LABELS[c.kind]}: {c.name}" + (f", {c.unit}" if c.unit else "")) for c in doctors
                )
            )

    def _known_helbred_arbejde(self) -> None:
        d = self.data
        self.sub("Skånehensyn (sundhedskoordinatoren)")
        if d.skaanehensyn:
            self.bullets(d.skaanehensyn)
        else:
            self.para("Ingen skånehensyn registreret.", "grey")
        limits = next((n for n in d.health_notes if n.functional_limits.strip()), None)
        if limits is not None:
            self.sub(f"Funktionsbegrænsninger ({fmt.date(limits.note_date)})")
            self.text(limits.functional_limits)

    def _known_forsoergelse(self) -> None:
        f = self.data.file
        self.sub("Registreret i sagen")
        years = f.support_years_last10
        self.para(
            f"Nuværende ydelse: {escape(BENEFIT_LABELS[f.benefit_type])}. "
            f"På offentlig forsørgelse {years} af de seneste 10 år."
        )
        if f.forloeb:
            rows = [
                [escape(GROUP_LABELS[fl.group]), _period(fl.start_date, fl.end_date), escape(fl.reason) or "—"]
                for fl in f.forloeb
            ]
            self.grid(["Visitation", "Periode", "Begrundelse"], rows, [95, 130, LINE_WIDTH - 225])

    def _known_indsatser(self) -> None:
        d = self.data
        self.sub("Indsatser og virksomhedsplaceringer registreret i sagen")
        rows: list[tuple[dt.date | None, list[str]]] = []
        for a in d.activities:
            what = escape(a.title or ACTIVITY_LABELS[a.kind]) + (f"<br/>{escape(a.provider)}" if a.provider else "")
            rows.append(
                (
                    a.start_date,
                    [escape(ACTIVITY_LABELS[a.kind]), what, _period(a.start_date, a.end_date), _or_dash(a.result)],
                )
            )
        for pp in d.placements:
            p = pp.placement
            what = escape(p.employer_name) + (f"<br/>{escape(p.tasks)}" if p.tasks else "")
            rows.append(
                (
                    p.start_date,
                    [
                        escape(PLACEMENT_LABELS[p.kind]),
                        what,
                        _period(p.start_date, p.end_date, p.planned_end),
                        _or_dash(p.result),
                    ],
                )
            )
        if not rows:
            self.para("Ingen indsatser eller virksomhedsplaceringer registreret.", "grey")
            return
        rows.sort(key=lambda r: (r[0] is None, r[0] or dt.date.min))
        self.grid(["Type", "Indsats", "Periode", "Resultat"], [r for _, r in rows], [104, 128, 95, LINE_WIDTH - 327])

    def _activity_table(self, activities: Sequence[ActivityView]) -> None:
        rows = [
            [
                escape(a.title or ACTIVITY_LABELS[a.kind]) + (f"<br/>{escape(a.provider)}" if a.provider else ""),
                _period(a.start_date, a.end_date),
                _or_dash(a.result),
            ]
            for a in activities
        ]
        self.grid(["Kursus", "Periode", "Resultat"], rows, [170, 110, LINE_WIDTH - 280])

    def health(self) -> None:
        d = self.data
        self.heading("2. Sundhedskoordinatorens notater og skånehensyn", 0, new_page=True)
        if not d.health_notes:
            self.para("Ingen notater fra sundhedskoordinatoren registreret.", "grey")
        for note in d.health_notes:  # newest first
            who = f" · {note.coordinator}" if note.coordinator else ""
            self.sub(f"{fmt.date(note.note_date)} · {HEALTH_NOTE_LABELS[note.kind]}{who}")
            for label, value in (
                ("Helbredsforhold", note.conditions),
                ("Funktionsbegrænsninger", note.functional_limits),
                ("Anbefalinger", note.recommendations),
            ):
                if value.strip():
                    self.para(f"<b>{label}:</b>")
                    self.text(value)
            if note.skaanehensyn:
                self.para("<b>Skånehensyn:</b>")
                self.bullets(note.skaanehensyn)
            self.out.append(Space(4))
        self.sub("Aktuelle skånehensyn")
        if d.skaanehensyn:
            self.bullets(d.skaanehensyn)
        else:
            self.para("Ingen skånehensyn registreret.", "grey")
        self.sub("Kontakter i sundhedsvæsen og forvaltning")
        if d.contacts:
            rows = [
                [
                    escape(CONTACT_LABELS[c.kind]),
                    escape(c.name),
                    _or_dash(c.unit),
                    _or_dash(c.phone),
                    _or_dash(c.secure_mail),
                ]
                for c in d.contacts
            ]
            self.grid(["Type", "Navn", "Enhed", "Telefon", "Sikker mail"], rows, [70, 95, 110, 65, LINE_WIDTH - 340])
        else:
            self.para("Ingen kontakter registreret.", "grey")

    def progression(self) -> None:
        d = self.data
        self.heading("3. Progression i virksomhedsplacering", 0, new_page=True)
        if not d.placements:
            self.para(NO_PLACEMENTS, "grey")
            return
        self.para(
            "Timer pr. uge for hver placering: planlagt (stiplet), fremmøde (fuldt optrukket) og tendens (prikket). "
            "Uger med sygdom er vist som åbne firkanter og indgår ikke i tendensen.",
            "grey",
        )
        for n, pp in enumerate(d.placements, start=1):
            p = pp.placement
            self.heading(f"3.{n} {p.employer_name} – {PLACEMENT_LABELS[p.kind]}", 1, new_page=n > 1)
            rows = [
                ("Periode", _period(p.start_date, p.end_date, p.planned_end)),
                ("Længde", escape(p.length_text)),
                ("Planlagte timer pr. uge", _hours(p.planned_hours_per_week)),
            ]
            if p.tasks:
                rows.append(("Arbejdsopgaver", escape(p.tasks)))
            if p.mentor_kind or p.mentor_name:
                rows.append(("Mentor", escape(", ".join(x for x in (p.mentor_kind, p.mentor_name) if x))))
            if p.skaanehensyn:
                rows.append(("Skånehensyn", "<br/>".join(escape(x) for x in p.skaanehensyn)))
            if p.result:
                rows.append(("Resultat", escape(p.result)))
            self.out.append(Facts(tuple(rows)))
            if not pp.weeks:
                self.para("Ingen timer registreret for placeringen.", "grey")
                continue
            self.out.append(Chart(pp.series))
            self.out.append(Space(6))
            pr = pp.progression
            self.out.append(
                Figures(
                    (
                        ("Fremmøde", _pct(pr.attendance_rate)),
                        ("Tendens 4 uger", _slope(pr.slope_4)),
                        ("Tendens 8 uger", _slope(pr.slope_8)),
                        (
                            "Højeste stabile niveau",
                            f"{_hours(pr.highest_stable)} t/uge (holdt i {d.stable_weeks} uger)"
                            if pr.highest_stable is not None
                            else "—",
                        ),
                        ("Uger uden progression", str(pr.weeks_without_progression)),
                        ("Registrerede uger", str(pr.weeks_logged)),
                    )
                )
            )
            self.out.append(Space(6))
            if pp.signals:
                self.para("<b>Signaler:</b>")
                self.bullets([s.text for s in pp.signals])
            else:
                self.para("Signaler: ingen.", "grey")
            week_rows = []
            for w in pp.weeks:
                absence = ""
                if w.absence > 0 or w.absence_reason is not None:
                    reason = ABSENCE_LABELS[w.absence_reason].lower() if w.absence_reason else "uden årsag"
                    absence = f"{_hours(w.absence)} t ({reason})"
                remark = escape(w.observation)
                if w.follow_up:
                    remark = ("<b>Opfølgning.</b> " + remark).strip()
                week_rows.append(
                    [f"uge {w.iso_week}, {w.iso_year}", _hours(w.planned), _hours(w.attended), absence or "—", remark]
                )
            self.sub("Uge for uge")
            self.grid(
                ["Uge", "Planlagt", "Fremmøde", "Fravær", "Bemærkning"],
                week_rows,
                [78, 56, 64, 92, LINE_WIDTH - 290],
                right=(1, 2),
                small=(4,),
            )

    def documentation(self) -> None:
        d = self.data
        r = d.readiness
        self.heading("4. Dokumentation", 0, new_page=True)
        pack = d.checklist.pack
        self.para(f"Regelpakke: {escape(pack.label)}. Sigte: {escape(AIM_LABELS[d.file.aim])}.")
        if r.required == 0:
            self.para("Regelpakken stiller ingen krav til dokumentation for dette sigte.", "grey")
        elif r.ready:
            self.para(
                f"<b>{escape(d.checklist.ready_text)}:</b> alle krævede punkter er modtaget eller ikke relevante."
            )
        else:
            self.para(f"<b>Ikke klar:</b> {r.done} af {r.required} krævede punkter er på plads.")
            for problem in r.problems:
                self.para(f"<b>{escape(problem)}</b>")
        entries = list(d.checklist.entries)
        if entries:
            rows: list[list[str]] = []
            section_rows: list[int] = []
            order = {key: n for n, key in enumerate(SECTION_LABELS)}
            by_section: dict[str, list[ChecklistEntry]] = {}
            for e in entries:
                by_section.setdefault(e.item.section, []).append(e)
            for section in sorted(by_section, key=lambda s: order.get(s, len(order))):
                section_rows.append(len(rows))
                rows.append([escape(d.checklist.pack.section_label(section)), "", "", "", ""])
                rows.extend(self._checklist_row(e) for e in by_section[section])
            self.grid(
                ["Punkt", "Kilde", "Status", "Datoer", "Bilag"],
                rows,
                [128, 70, 68, 92, LINE_WIDTH - 358],
                small=(3,),
                section_rows=section_rows,
            )
        missing = [e for e in entries if e.item.required and not e.done]
        open_recommended = [e for e in entries if not e.item.required and not e.done]
        if missing:
            n = len(missing)
            self.sub(f"Mangler: {n} krævet punkt" if n == 1 else f"Mangler: {n} krævede punkter")
            self.bullets([_entry_status_line(e, d.today) for e in missing])
        elif entries:
            self.para("<b>Mangler:</b> ingen krævede punkter.")
        if open_recommended:
            self.sub("Anbefalede punkter, der ikke foreligger")
            self.bullets([_entry_status_line(e, d.today) for e in open_recommended])
        consents = d.checklist.consents
        self.sub("Registrerede samtykker")
        if consents:
            rules = consent_rules()
            self.para(f"Samtykker efter {escape(rules.reference)}: hvilke oplysninger, fra hvem, til hvilken sag.")
            rows2 = [
                [
                    f"{escape(SOURCE_LABELS[c.source])}<br/><font size=7.5>{_or_dash(c.source_name)}</font>",
                    _or_dash(c.information),
                    _or_dash(c.purpose),
                    fmt.date(c.given_on),
                    escape(STATUS_LABELS[c.status(d.today)])
                    + f"<br/><font size=7.5>{escape(validity_text(c, d.today))}</font>",
                ]
                for c in consents
            ]
            self.grid(
                ["Fra hvem", "Hvilke oplysninger", "Til hvilken sag", "Givet", "Gyldighed"],
                rows2,
                [90, LINE_WIDTH - 90 - 110 - _DATE_W - 96, 110, _DATE_W, 96],
            )
        else:
            self.para("Ingen samtykker registreret.", "grey")
        if d.loose_files:
            self.sub("Øvrige filer i sagen (ikke knyttet til et dokumentationspunkt, ikke vedlagt)")
            self.bullets([f"{name} (tilføjet {fmt.date(at.date())})" for name, at in d.loose_files])

    def _checklist_row(self, e: ChecklistEntry) -> list[str]:
        d = self.data
        item = e.item
        kind = "Krævet" if item.required else "Anbefalet"
        if item.form:
            kind += f" · {item.form}"
        title = escape(e.title) + f"<br/><font size=7.5>{escape(kind)}</font>"
        source = escape(SOURCE_LABELS[item.source])
        if e.requested_from:
            source += f"<br/><font size=7.5>{escape(e.requested_from)}</font>"
        state = escape(DOCUMENT_STATE_LABELS[e.state])
        if e.state == DocumentState.MANGLER:
            state = f"<b>{state}</b>"
        if e.overdue(d.today):
            state += f"<br/><b>forsinket {e.days_overdue(d.today)} dage</b>"
        if e.state == DocumentState.IKKE_RELEVANT and e.not_relevant_reason:
            state += f"<br/><font size=7.5>{escape(e.not_relevant_reason)}</font>"
        dates = [
            f"{label} {fmt.date(value)}"
            for label, value in (
                ("Anmodet", e.requested_on),
                ("Forventet", e.expected_by if e.state == DocumentState.ANMODET else None),
                ("Modtaget", e.received_on),
            )
            if value is not None
        ]
        return [title, source, state, "<br/>".join(dates) or "—", self._attachment_text(e)]

    def _attachment_text(self, e: ChecklistEntry) -> str:
        if not e.attachments:
            return "Ingen fil" if e.state == DocumentState.MODTAGET else "—"
        parts = []
        for ref in e.attachments:
            name = f"<font size=7.5>{escape(ref.filename)}</font>"
            appendix = self.appendix_of.get(ref.attachment_id)
            if appendix is not None:
                parts.append(f"<b>Bilag {appendix.file.number}</b><br/>{name}")
            elif e.state != DocumentState.MODTAGET:
                parts.append(f"{name}<br/><font size=7.5>(ikke vedlagt: ikke modtaget)</font>")
            else:
                parts.append(f"{name}<br/><font size=7.5>(ikke vedlagt i denne udskrift)</font>")
        return "<br/>".join(parts)

    def assessment(self) -> None:
        d = self.data
        self.heading(f"5. {SECTION_TITLES['vurdering']}", 0, new_page=True)
        self.user_text_or_empty(d.texts.get("vurdering", ""))
        self.heading(f"6. {SECTION_TITLES['indstilling']}", 0)
        self.user_text_or_empty(d.texts.get("indstilling", ""))

    def appendix_list(self) -> None:
        d = self.data
        self.heading("Bilag", 0, new_page=True)
        if not d.include_appendices:
            self.para(
                "Bilag er ikke medtaget i denne udskrift. Dokumentationsoversigten viser, hvilke filer der findes.",
                "grey",
            )
        elif not self.appendices:
            self.para("Ingen bilag: der er ikke vedhæftet filer til modtagne dokumentationspunkter.", "grey")
        else:
            self.para("Modtagne dokumenter, vedlagt i denne rækkefølge efter denne side.")
            rows = [
                [
                    f"<b>Bilag {a.file.number}</b>",
                    escape(a.file.title),
                    f"<font size=7.5>{escape(a.file.filename)}</font>"
                    + ("" if a.readable else "<br/><b>kunne ikke læses</b>"),
                    fmt.date(a.file.received_on) or "—",
                    str(a.pages) if a.readable else "—",
                ]
                for a in self.appendices
            ]
            # The file name column is as it always was: the table stops short of the right margin.
            self.grid(
                ["Bilag", "Dokument", "Fil", "Modtaget", "Sider"],
                rows,
                [48, 170, LINE_WIDTH - 300 - _DATE_W, _DATE_W, 34],
                right=(4,),
            )
        self.out.append(EndOfMainPart())


# --- small helpers -----------------------------------------------------------------------------


def _hours(x: float | None) -> str:
    return fmt.DASH if x is None else fmt.hours(x)


def _slope(x: float | None) -> str:
    return fmt.DASH if x is None else fmt.hours_change(x)


def _pct(x: float | None) -> str:
    return fmt.DASH if x is None else fmt.percent(x)


def _period(start: dt.date | None, end: dt.date | None, planned_end: dt.date | None = None) -> str:
    if start is None:
        return "uden dato"
    if end is not None:
        return f"{fmt.date(start)} – {fmt.date(end)}"
    if planned_end is not None:
        return f"{fmt.date(start)} – (plan: {fmt.date(planned_end)})"
    return f"fra {fmt.date(start)}"


def _activity_order(a: ActivityView) -> tuple[bool, dt.date]:
    return (a.start_date is None, a.start_date or dt.date.min)


def _or_dash(text: str) -> str:
    return escape(text) if text.strip() else "—"


def _text_paragraphs(text: str, style: str) -> list[Para]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip())]
    return [Para(escape(b).replace("\n", "<br/>"), style) for b in blocks if b]


def _entry_status_line(e: ChecklistEntry, today: dt.date) -> str:
    if e.state == DocumentState.ANMODET:
        who = f" hos {e.requested_from}" if e.requested_from else ""
        line = f"{e.title} – anmodet{who} {fmt.date(e.requested_on)}"
        if e.expected_by is not None:
            line += f", forventet {fmt.date(e.expected_by)}"
        if e.overdue(today):
            line += f" (forsinket {e.days_overdue(today)} dage)"
        return line
    if e.item.consent_for is not None:
        return f"{e.title} – ikke indhentet endnu"
    return f"{e.title} – ikke anmodet endnu"


def _meeting_text(d: CaseData) -> str:
    if d.meeting_date is None:
        return "ikke fastsat"
    text = f"{_WEEKDAYS[d.meeting_date.weekday()].capitalize()} {fmt.date(d.meeting_date)}"
    if d.meeting is not None:
        text += f" kl. {fmt.time(d.meeting.starts_at)}"
        if d.meeting.location:
            text += f", {d.meeting.location}"
    return escape(text)
