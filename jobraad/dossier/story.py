"""What the dossier says: its parts in order, as plain data for `layout` to set.

The cover (with whether the case is ready, and what is missing), the contents, the
forberedende del in its sections (the caseworker's description, then what jobraad knows;
it describes and does not assess), the citizen's remarks and the day they saw the
description, the sundhedskoordinator's notes and skånehensyn, the progression in each
placement, the documentation checklist with every document and its bilag, the jobcenter's
own parts (assessment, proposal, the pack's conditions for the aim, questions for the team),
kept apart from the forberedende del, and the list of bilag.

One dossier per reader (`readers`): everything beyond the frame (title, name, case number,
caseworker, date) belongs to a part, and is printed only when the reader gets that part. The
cover names the recipient and what was left out.

Texts are ReportLab paragraph markup (`<b>`, `<br/>`, `<font size=…>`), with every user text
escaped; the widths of a table's columns are in points.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from db.enums import ActivityKind, Aim, ContactKind, CvKind, DocumentSource, DocumentState
from jobraad import cpr
from jobraad import formatting as fmt
from jobraad.case_texts import SECTION_TITLES
from jobraad.consents import STATUS_LABELS, consent_rules, validity_text
from jobraad.documentation import NOT_WRITTEN, ChecklistEntry
from jobraad.dossier.gather import AppendixFile, CaseData
from jobraad.dossier.readers import document_part
from jobraad.pdf import MARGINS, NOT_GIVEN, PAGE_SIZE, caseworker_contact, escape
from jobraad.placements import PlacementProgress
from jobraad.progression import ChartSeries, signal_for_aim
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
    PERIOD_BENEFIT_LABELS,
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

# The forberedende del (BEK 2408/2021) in its order: the description sections of `case_texts`.
PREPARATORY_SECTIONS: tuple[str, ...] = tuple(s.key for s in sections_of(DESCRIPTION))
# The description sections whose text is health information (the rest is `description`).
_HEALTH_SECTIONS = frozenset({"helbred", "helbred_arbejde"})

# Courses that belong to "uddannelse og erhvervserfaring" as well as to the efforts tried.
_COURSE_KINDS = frozenset({ActivityKind.JOBDANSK, ActivityKind.FVU, ActivityKind.AMU, ActivityKind.WORKSHOP_CV})
# The aims whose conditions (the pack's "afklaring" items) the jobcenter's part lists.
_CONDITION_AIMS = frozenset({Aim.FLEKSJOB, Aim.FOERTIDSPENSION})
# The packs' names for the forberedende del (`PackTerms.plan_heading`) in a sentence; others are quoted.
_DEFINITE = {"forberedende del": "den forberedende del", "samlet beskrivelse": "den samlede beskrivelse"}

LINE_WIDTH = PAGE_SIZE[0] - MARGINS.left - MARGINS.right  # a full line of text, and the widest table
_DATE_W = 64  # a dd-mm-åååå cell in 9 pt with its padding

_WEEKDAYS = fmt.WEEKDAYS


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
        self.reader = data.reader
        self.plain = data.reader.plain_language
        self.appendices = appendices
        self.appendix_of = {a.file.attachment_id: a for a in appendices}
        self.out: list[Element] = []
        self.number = 0  # of the last numbered part
        pack = data.checklist.pack
        self.plan = pack.terms.plan_heading
        self.title = data.reader.title or pack.terms.dossier_title
        self.entries = [e for e in data.checklist.entries if self.gets(document_part(e.item))]

    def gets(self, part: str) -> bool:
        return self.reader.gets(part)

    # building blocks

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

    def part(self, title: str, body: Callable[[int], None]) -> None:
        """A numbered part on a new page, `title` after its number: `body(number)` says what is
        in it; a part with nothing in it for this reader is left out, and its number with it."""
        mark = len(self.out)
        body(self.number + 1)
        if len(self.out) > mark:
            self.number += 1
            self.out.insert(mark, Heading(f"{self.number}. {title}", 0, new_page=True))

    def section(self, number: str, title: str, body: Callable[[], None], *, new_page: bool = False) -> bool:
        """A section within a part, `number` and `title`; left out when `body` says nothing."""
        mark = len(self.out)
        body()
        if len(self.out) == mark:
            return False
        self.out.insert(mark, Heading(f"{number} {title}", 1, new_page=new_page))
        return True

    # the parts, in order

    def compose(self) -> Document:
        d = self.data
        self.cover()
        self.contents()
        self.part(self.plan, self.preparatory)
        self.part("Dine bemærkninger" if self.plain else SECTION_TITLES["borgerens_bemaerkninger"], self.remarks)
        self.part(self._health_title(), self.health)
        self.part(self._progression_title(), self.progression)
        self.part("Dokumenter i din sag" if self.plain else "Dokumentation", self.documentation)
        self.part(self._jobcenter_title(), self.jobcenter)
        self.appendix_list()
        # Whose case first in the running header: a long case number is what is cut short.
        who = f"{d.file.name}" + (f" · CPR {fmt.cpr(d.file.cpr)}" if self.gets("cpr") else "")
        if d.case_number:
            who += f" · sagsnr. {d.case_number}"
        bilag = "med bilag" if d.include_appendices else "uden bilag"
        return Document(
            self.out,
            author=d.caseworker,
            # Never the citizen's name or CPR number here: many programs show these in lists.
            title=self.title,
            subject=f"{self.title} – til {self.reader.recipient.lower()}, {bilag}",
            header=(who, f"Udskrevet {fmt.date(d.today)}"),
            stamp=who,
        )

    # --- the cover

    def cover(self) -> None:
        d, f = self.data, self.data.file
        terms = d.checklist.pack.terms
        self.out.append(Heading(self.title, 0, in_contents=False, style="cover_title", outline="Forside"))
        bilag = ""
        if self.gets("appendices"):
            bilag = "med bilag" if d.include_appendices else "uden bilag"
        if self.reader.key != "team":
            self.para(escape(f"Til: {self.reader.recipient}") + (f" · {bilag}" if bilag else ""), "cover_sub")
        elif d.checklist.without_team:
            self.para(f"Oplagt sag om førtidspension – afgøres uden rehabiliteringsteamet · {bilag}", "cover_sub")
        elif terms.team:
            self.para(f"Til {escape(terms.team)} · {bilag}", "cover_sub")
        else:
            self.para(bilag.capitalize(), "cover_sub")
        self.para(escape(f.name), "cover_name")
        if self.gets("cpr"):
            self.para(f"CPR-nummer {fmt.cpr(f.cpr)}" + (f" · {f.age} år" if self.gets("birth_date") else ""))
        elif self.gets("birth_date"):
            self.para(f"Født {fmt.date(cpr.birth_date(f.cpr))} · {f.age} år")
        if self.plain:
            self.out.append(Space(4))
            self.para(
                "Det her er din egen kopi af det, jobcentret har skrevet og samlet i din sag. "
                "Er der noget, der ikke passer, så sig det til din jobrådgiver.",
            )
        self.out.append(Space(8))
        self.out.append(Facts(tuple(self._cover_facts()), cover=True))
        self.out.append(Space(10))
        if self.gets("readiness"):
            self.out.append(self._readiness_box())
            self.out.append(Space(10))
        if self.gets("placements") and self.reader.latest_placement_only and len(d.placements) > 1:
            shown = self._placements()[0].placement
            self.para(
                f"Kun virksomhedsplaceringen hos {escape(shown.employer_name)}, "
                f"{_period(shown.start_date, shown.end_date, shown.planned_end)}, er med."
            )
        left_out = self.reader.left_out
        if left_out:
            self.para(f"<b>Udeladt af hensyn til dataminimering:</b> {escape(', '.join(left_out))}.")
        self.out.append(Space(8))
        sensitive = any(self.gets(p) for p in ("health_text", "health_notes", "lae_forms", "sof_suf"))
        self.para(
            ("Dokumentet indeholder helbredsoplysninger og andre følsomme personoplysninger. " if sensitive else "")
            + (
                "Det er din kopi; opbevar den, så andre ikke kan læse den."
                if self.plain
                else "Det må kun bruges til behandlingen af borgerens sag og skal opbevares og destrueres fortroligt."
                if sensitive
                else "Dokumentet indeholder personoplysninger. Det må kun bruges til borgerens praktik og skal "
                "opbevares og destrueres fortroligt."
            ),
            "grey",
        )

    def _cover_facts(self) -> list[tuple[str, str]]:
        d, f = self.data, self.data.file
        terms = d.checklist.pack.terms
        rows: list[tuple[str, str]] = []
        if self.gets("case_overview"):
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
            rows += [
                (escape(terms.meeting), _meeting_text(d)),
                ("Sigte, der overvejes", escape(AIM_LABELS[f.aim])),
                ("Visitationsgruppe", escape(group)),
                ("Sprog", language),
                ("Regelpakke", pack_text),
            ]
        if self.gets("citizen_remarks"):
            seen = d.description_seen_on
            rows.append(
                (
                    "Beskrivelsen",
                    f"Borgeren har set beskrivelsen {fmt.date(seen)}"
                    if seen is not None
                    else "<b>Borgeren har ikke set beskrivelsen</b>",
                )
            )
        caseworker = caseworker_contact(d.caseworker, d.caseworker_phone, d.caseworker_email)
        rows += [
            ("Sagsnummer", escape(d.case_number) if d.case_number else NOT_GIVEN),
            ("Jobrådgiver", caseworker),
            ("Jobcenter", escape(d.jobcenter) or "—"),
            ("Udskrevet", fmt.date(d.today)),
        ]
        return rows

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
                    f"Alle {r.required} krævede punkter er på plads: teksterne er skrevet, og dokumenterne er "
                    "modtaget og vedlagt (eller ligger på papir) eller vurderet ikke relevante.",
                    "cell",
                )
            )
        else:
            n = len(r.missing)
            what = "krævet punkt mangler" if n == 1 else "krævede punkter mangler"
            inner.append(Para(f"Ikke klar: {n} {what}" if n else "Ikke klar", "ready"))
            inner.extend(Para(f"<b>{escape(problem)}</b>", "cell") for problem in r.problems)
            suffix = f" – {NOT_WRITTEN}"
            unwritten = [t.removesuffix(suffix) for t in r.missing if t.endswith(suffix)]
            others = [t for t in r.missing if not t.endswith(suffix)]
            if unwritten:
                inner.append(Para(f"<b>Ikke skrevet:</b> {escape('; '.join(unwritten))}.", "cell"))
            inner.extend(Para(escape(title), "cell", bullet=True) for title in others)
        if r.overdue:
            inner.append(Space(3))
            inner.append(
                Para(
                    "1 anmodning er forsinket." if r.overdue == 1 else f"{r.overdue} anmodninger er forsinket.",
                    "cell",
                )
            )
        unfiled = self._received_not_attached()
        if unfiled:
            n = len(unfiled)
            what = "modtaget dokument er ikke vedlagt" if n == 1 else "modtagne dokumenter er ikke vedlagt"
            inner.append(Space(3))
            inner.append(Para(f"<b>{n} {what}:</b> {escape('; '.join(e.title for e in unfiled))}.", "cell"))
        return Box(tuple(inner))

    def _received_not_attached(self) -> list[ChecklistEntry]:
        """Received documents with no file attached and not kept on paper: the team does not get them."""
        return [
            e
            for e in self.data.checklist.entries
            if e.state == DocumentState.MODTAGET
            and _a_document(e)
            and not e.attachments
            and not e.on_paper_reason.strip()
            and not e.outside
        ]

    def contents(self) -> None:
        self.out.append(PageBreak())
        self.out.append(Heading("Indhold", 0, in_contents=False, style="title"))
        self.out.append(Contents())

    # --- 1. the forberedende del: describes, does not assess

    def preparatory(self, number: int) -> None:
        d = self.data
        mark = len(self.out)
        n = 0
        for key in PREPARATORY_SECTIONS:
            if self.section(f"{number}.{n + 1}", SECTION_TITLES[key], partial(self._preparatory_section, key)):
                n += 1
        if len(self.out) == mark:
            return
        if self.plain:
            intro = (
                "Her er jobcentrets beskrivelse af din situation. Under hvert afsnit står først jobrådgiverens "
                "tekst og derefter det, der er registreret i din sag."
            )
        else:
            intro = (
                f"Afsnittene følger {escape(d.checklist.pack.terms.dossier_title.lower())}. Under hvert afsnit står "
                "først jobrådgiverens beskrivelse og derefter de oplysninger, der er registreret i sagen. "
                + (
                    "Beskrivelsen vurderer ikke; jobcentrets vurdering og forslag står for sig til sidst."
                    if self.gets("assessment")
                    else "Beskrivelsen vurderer ikke."
                )
            )
        self.out.insert(mark, Para(intro, "grey"))

    def _preparatory_section(self, key: str) -> None:
        """A section of the description, for a reader who gets its text: the text, then what
        jobraad knows, each of those as the reader gets it."""
        if not self.gets("health_text" if key in _HEALTH_SECTIONS else "description"):
            return
        self.user_text_or_empty(self.data.texts.get(key, ""))
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
        if not self.gets("cv"):
            return
        d = self.data
        self.sub("CV registreret i sagen")
        if d.cv:
            rows: list[list[str]] = []
            section_rows: list[int] = []
            for kind, label in ((CvKind.UDDANNELSE, "Uddannelse"), (CvKind.JOB, "Job")):
                entries = [c for c in d.cv if c.kind == kind]
                if not entries:
                    continue
                section_rows.append(len(rows))
                rows.append([label, "", ""])
                for c in entries:
                    what = escape(c.title) + (f"<br/><font size=7.5>{escape(c.note)}</font>" if c.note else "")
                    rows.append([_years(c.start_year, c.end_year), what, _or_dash(c.place)])
            self.grid(
                ["År", "Uddannelse eller job", "Sted"], rows, [78, 200, LINE_WIDTH - 278], section_rows=section_rows
            )
        else:
            self.para("Ingen uddannelser eller job registreret.", "grey")
        courses = [a for a in d.activities if a.kind in _COURSE_KINDS]
        if courses:
            self.sub("Kurser og opkvalificering registreret i sagen")
            self._activity_table(sorted(courses, key=_activity_order))

    def _known_udfordringer(self) -> None:
        if not self.gets("description"):
            return
        f = self.data.file
        self.sub("Registreret i sagen")
        language = f.language.strip() or "ikke oplyst"
        interpreter = "Tolk er nødvendig." if f.interpreter_needed else "Tolk er ikke nødvendig."
        self.para(f"Sprog: {escape(language)}. {interpreter}")

    def _known_helbred(self) -> None:
        d = self.data
        if self.gets("lae_forms"):
            health = [e for e in self.entries if document_part(e.item) == "lae_forms"]
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
                self.grid(
                    ["Dokument", "Fra", "Modtaget", "Bilag"], rows, [170, 110, _DATE_W, LINE_WIDTH - 280 - _DATE_W]
                )
            else:
                self.para("Der er endnu ikke modtaget helbredsdokumentation.", "grey")
            waiting = [e for e in health if not e.done]
            if waiting:
                self.sub("Helbredsdokumentation, der ikke er på plads")
                self.bullets([_entry_status_line(e, d.today) for e in waiting])
        if self.gets("health_notes"):
            notes_with_conditions = [n for n in d.health_notes if n.conditions.strip()]
            if notes_with_conditions:
                latest = notes_with_conditions[0]
                self.sub(f"Helbredsforhold ifølge sundhedskoordinatoren ({fmt.date(latest.note_date)})")
                self.text(latest.conditions)
        if self.gets("contacts"):
            doctors = [
                c
                for c in d.contacts
                if c.kind
                in (
                    ContactKind.EGEN_LAEGE,
                    ContactKind.SPECIALLAEGE,
                    ContactKind.HOSPITAL,
                    ContactKind.PSYKIATRI,
                    ContactKind.MISBRUGSBEHANDLING,
                )
            ]
            if doctors:
                self.para(
                    "<b>Behandlere:</b> "
                    + "; ".join(
                        escape(f"{CONTACT_LABELS[c.kind]}: {c.name}" + (f", {c.unit}" if c.unit else ""))
                        for c in doctors
                    )
                )

    def _known_helbred_arbejde(self) -> None:
        d = self.data
        if self.gets("skaanehensyn"):
            self.sub("Skånehensyn (sundhedskoordinatoren)")
            if d.skaanehensyn:
                self.bullets(d.skaanehensyn)
            else:
                self.para("Ingen skånehensyn registreret.", "grey")
        if self.gets("health_notes"):
            limits = next((n for n in d.health_notes if n.functional_limits.strip()), None)
            if limits is not None:
                self.sub(f"Funktionsbegrænsninger ({fmt.date(limits.note_date)})")
                self.text(limits.functional_limits)

    def _known_forsoergelse(self) -> None:
        if not self.gets("benefits"):
            return
        d, f = self.data, self.data.file
        self.sub("Ydelser registreret i sagen")
        self.para(
            f"Nuværende ydelse: {escape(BENEFIT_LABELS[f.benefit_type])}. "
            "På offentlig forsørgelse "
            + (escape(f.support.text) if f.support else f"{f.support_years_last10} af de seneste 10 år")
            + "."
        )
        if d.benefit_periods:
            rows = [
                [
                    escape(PERIOD_BENEFIT_LABELS[p.benefit]),
                    fmt.date(p.start_date),
                    fmt.date(p.end_date) if p.end_date is not None else "nu",
                    _or_dash(p.note),
                ]
                for p in d.benefit_periods
            ]
            self.grid(["Ydelse", "Fra", "Til", "Bemærkning"], rows, [150, _DATE_W, _DATE_W, LINE_WIDTH - 150 - 128])
        else:
            self.para("Ingen perioder registreret – se teksten ovenfor.", "grey")
        if f.forloeb:
            self.sub("Visitation i jobcentret")
            rows = [
                [escape(GROUP_LABELS[fl.group]), _period(fl.start_date, fl.end_date), escape(fl.reason) or "—"]
                for fl in f.forloeb
            ]
            self.grid(["Visitation", "Periode", "Begrundelse"], rows, [95, 130, LINE_WIDTH - 225])

    def _known_indsatser(self) -> None:
        if not self.gets("efforts"):
            return
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

    # --- 2. the citizen's remarks

    def remarks(self, _number: int) -> None:
        if not self.gets("citizen_remarks"):
            return
        d = self.data
        text = d.texts.get("borgerens_bemaerkninger", "")
        seen = d.description_seen_on
        if seen is not None:
            self.para(f"Borgeren har set beskrivelsen {fmt.date(seen)}.")
        elif text.strip():
            self.para("<b>Datoen, hvor borgeren så beskrivelsen, er ikke registreret.</b>")
        if text.strip():
            self.text(text)
        elif seen is not None:
            self.para("Borgeren har ingen bemærkninger.", "grey")
        else:
            self.para("Borgeren har endnu ikke set beskrivelsen.", "grey")

    # --- the sundhedskoordinator's notes and the skånehensyn

    def _health_title(self) -> str:
        if not self.gets("health_notes"):
            return "Dine skånehensyn" if self.plain else "Skånehensyn"
        return "Dit helbred og dine skånehensyn" if self.plain else "Sundhedskoordinatorens notater og skånehensyn"

    def health(self, _number: int) -> None:
        d = self.data
        if self.gets("health_notes"):
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
                if note.skaanehensyn and self.gets("skaanehensyn"):
                    self.para("<b>Skånehensyn:</b>")
                    self.bullets(note.skaanehensyn)
                self.out.append(Space(4))
        if self.gets("skaanehensyn"):
            self.sub("Aktuelle skånehensyn")
            if d.skaanehensyn:
                self.bullets(d.skaanehensyn)
            else:
                self.para("Ingen skånehensyn registreret.", "grey")
        if self.gets("contacts"):
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
                self.grid(
                    ["Type", "Navn", "Enhed", "Telefon", "Sikker mail"], rows, [70, 95, 110, 65, LINE_WIDTH - 340]
                )
            else:
                self.para("Ingen kontakter registreret.", "grey")

    # --- the progression in each placement

    def _progression_title(self) -> str:
        if self.plain:
            return "Dine praktikker og timer"
        return "Progression i virksomhedsplacering" if self.gets("hours") else "Virksomhedsplaceringer"

    def _placements(self) -> list[PlacementProgress]:
        """The placements this reader gets: all, oldest first, or only the latest (the one
        active today, else the one that began last)."""
        placements = self.data.placements
        if not self.reader.latest_placement_only or len(placements) < 2:
            return placements
        active = [pp for pp in placements if pp.placement.is_active(self.data.today)]
        return [(active or placements)[-1]]

    def progression(self, number: int) -> None:
        if not self.gets("placements"):
            return
        placements = self._placements()
        if not placements:
            self.para(NO_PLACEMENTS, "grey")
            return
        if self.gets("hours"):
            self.para(
                "Timer pr. uge for hver placering: planlagt (stiplet), fremmøde (fuldt optrukket) og tendens "
                "(prikket). Uger med sygdom er vist som åbne firkanter og indgår ikke i tendensen.",
                "grey",
            )
        for n, pp in enumerate(placements, start=1):
            p = pp.placement
            self.out.append(Heading(f"{number}.{n} {p.employer_name} – {PLACEMENT_LABELS[p.kind]}", 1, new_page=n > 1))
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
                rows.append(("Aftalte skånehensyn", "<br/>".join(escape(x) for x in p.skaanehensyn)))
            if p.result:
                rows.append(("Resultat", escape(p.result)))
            self.out.append(Facts(tuple(rows)))
            if self.gets("hours"):
                self._hours(pp)
            elif self.gets("signals"):
                self._signals(pp)

    def _signals(self, pp: PlacementProgress) -> None:
        if not pp.weeks:
            return
        texts = [signal_for_aim(s, self.data.file.aim).text for s in pp.signals]
        if texts:
            self.para("<b>Signaler:</b>")
            self.bullets(texts)
        else:
            self.para("Signaler: ingen.", "grey")

    def _hours(self, pp: PlacementProgress) -> None:
        d = self.data
        if not pp.weeks:
            self.para("Ingen timer registreret for placeringen.", "grey")
            return
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
        if self.gets("signals"):
            self._signals(pp)
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

    # --- the documentation

    def documentation(self, _number: int) -> None:
        d = self.data
        r = d.readiness
        pack = d.checklist.pack
        if self.gets("checklist"):
            self.para(f"Regelpakke: {escape(pack.label)}. Sigte: {escape(AIM_LABELS[d.file.aim])}.")
        if self.gets("readiness"):
            if r.required == 0:
                self.para("Regelpakken stiller ingen krav til dokumentation for dette sigte.", "grey")
            elif r.ready:
                self.para(f"<b>{escape(d.checklist.ready_text)}:</b> alle krævede punkter er på plads.")
            else:
                self.para(f"<b>Ikke klar:</b> {r.done} af {r.required} krævede punkter er på plads.")
                for problem in r.problems:
                    self.para(f"<b>{escape(problem)}</b>")
        entries = self.entries if self.gets("checklist") else []
        if entries:
            rows: list[list[str]] = []
            section_rows: list[int] = []
            order = {key: n for n, key in enumerate(SECTION_LABELS)}
            by_section: dict[str, list[ChecklistEntry]] = {}
            for e in entries:
                by_section.setdefault(e.item.section, []).append(e)
            for section in sorted(by_section, key=lambda s: order.get(s, len(order))):
                section_rows.append(len(rows))
                rows.append([escape(pack.section_label(section)), "", "", "", ""])
                rows.extend(self._checklist_row(e) for e in by_section[section])
            self.grid(
                ["Punkt", "Kilde", "Status", "Datoer", "Bilag"],
                rows,
                [128, 70, 68, 92, LINE_WIDTH - 358],
                small=(3,),
                section_rows=section_rows,
            )
        if self.gets("readiness") and self.gets("checklist"):
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
        if self.gets("consents"):
            self._consents()
        if self.gets("checklist") and d.loose_files:
            self.sub("Øvrige filer i sagen (ikke knyttet til et dokumentationspunkt, ikke vedlagt)")
            self.bullets([f"{name} (tilføjet {fmt.date(at.date())})" for name, at in d.loose_files])

    def _consents(self) -> None:
        d = self.data
        consents = d.checklist.consents
        self.sub("Registrerede samtykker")
        if not consents:
            self.para("Ingen samtykker registreret.", "grey")
            return
        rules = consent_rules()
        self.para(f"Samtykker efter {escape(rules.reference)}: hvilke oplysninger, fra hvem, til hvilken sag.")
        rows = [
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
            rows,
            [90, LINE_WIDTH - 90 - 110 - _DATE_W - 96, 110, _DATE_W, 96],
        )

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
        if e.from_text:  # written, not gathered
            written = e.state == DocumentState.MODTAGET
            state = "Skrevet" if written else "<b>Ikke skrevet</b>"
            day = f"Skrevet {fmt.date(e.received_on)}" if written and e.received_on else "—"
            return [title, source, state, day, "—"]
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
        """Where the team finds a document: its bilag, or why it is not in this printout."""
        if not e.attachments:
            if e.state != DocumentState.MODTAGET or not _a_document(e):
                return "—"
            if e.on_paper_reason.strip():
                return f"På papir: {escape(e.on_paper_reason.strip())}"
            return "<b>Ikke vedlagt</b><br/><font size=7.5>ingen fil</font>"
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

    # --- the jobcenter's own parts, outside the forberedende del

    def _jobcenter_title(self) -> str:
        # A short heading (it must fit one line of the contents); the part's first paragraph
        # says that it stands outside the forberedende del.
        return "Jobcentrets vurdering og forslag"

    def _plan_definite(self) -> str:
        """The pack's name for the forberedende del, as "den forberedende del" reads in a sentence."""
        return _DEFINITE.get(self.plan.lower(), f"«{self.plan}»")

    def jobcenter(self, number: int) -> None:
        d = self.data
        pack = d.checklist.pack
        mark = len(self.out)
        n = 0

        def title_of(text_key: str) -> str:
            """The pack's title for the item written as `text_key`, else the text's own title."""
            item = next((i for i in pack.items if text_key in i.texts), None)
            return item.title if item is not None else SECTION_TITLES[text_key]

        def text(key: str, empty: str = "") -> Callable[[], None]:
            def body() -> None:
                if not self.gets("assessment"):
                    return
                value = d.texts.get(key, "")
                if value.strip() or not empty:
                    self.user_text_or_empty(value)
                else:
                    self.para(empty, "grey")

            return body

        for title, body in (
            (title_of("vurdering"), text("vurdering")),
            (title_of("indstilling"), text("indstilling")),
            (self._conditions_title(), self._conditions),
        ):
            if title and self.section(f"{number}.{n + 1}", title, body):
                n += 1
        if pack.terms.team:
            self.section(
                f"{number}.{n + 1}", SECTION_TITLES["spoergsmaal_team"], text("spoergsmaal_team", "Ingen spørgsmål.")
            )
        if len(self.out) > mark:
            intro = (
                "Her skriver jobcentret, hvad det mener, og hvad det foreslår."
                if self.plain
                else f"Jobcentrets egne dele – ikke en del af {escape(self._plan_definite())}, som beskriver "
                "og ikke vurderer."
            )
            self.out.insert(mark, Para(intro, "grey"))

    def _conditions_entries(self) -> list[ChecklistEntry]:
        d = self.data
        if d.file.aim not in _CONDITION_AIMS:
            return []
        return [e for e in d.checklist.entries if e.item.section == "afklaring" and not e.outside]

    def _conditions_title(self) -> str:
        if not self._conditions_entries():
            return ""
        return f"Betingelser for {AIM_LABELS[self.data.file.aim].lower()}"

    def _conditions(self) -> None:
        if not self.gets("conditions"):
            return
        law = self.data.checklist.pack.law_for(self.data.file.aim)
        self.para(
            (f"Efter {escape(law)}. " if law else "")
            + "Regelpakkens punkter for sigtet, og hvor langt dokumentationen af hvert er nået.",
            "grey",
        )
        rows = []
        for e in self._conditions_entries():
            if e.state == DocumentState.MODTAGET:
                state = "Dokumenteret" + (f" {fmt.date(e.received_on)}" if e.received_on else "")
            elif e.state == DocumentState.IKKE_RELEVANT:
                state = "Ikke relevant"
            elif e.state == DocumentState.ANMODET:
                state = "Undervejs"
            else:
                state = "<b>Ikke dokumenteret</b>"
            note = "<br/>".join(escape(x) for x in (e.note, e.not_relevant_reason) if x.strip())
            title = escape(e.item.title) + f"<br/><font size=7.5>{escape(e.item.legal_reference)}</font>"
            rows.append([title, state, note or "—"])
        self.grid(["Betingelse", "Status", "Note"], rows, [200, 90, LINE_WIDTH - 290])

    # --- the bilag

    def appendix_list(self) -> None:
        d = self.data
        if self.gets("appendices"):
            self.out.append(Heading("Bilag", 0, new_page=True))
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
                self.grid(
                    ["Bilag", "Dokument", "Fil", "Modtaget", "Sider"],
                    rows,
                    [48, 170, LINE_WIDTH - 48 - 170 - _DATE_W - 42, _DATE_W, 42],
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


def _years(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return "—"
    if start is None:
        return f"til {end}"
    if end is None:
        return f"{start}–"
    return str(start) if start == end else f"{start}–{end}"


def _a_document(e: ChecklistEntry) -> bool:
    """Whether an entry is a document the team gets as a file: one from outside the jobcenter, not
    a consent and not a text (the jobcenter's own points are documented in its texts)."""
    return not e.from_text and e.item.consent_for is None and e.item.source is not DocumentSource.JOBCENTER


def _activity_order(a: ActivityView) -> tuple[bool, dt.date]:
    return (a.start_date is None, a.start_date or dt.date.min)


def _or_dash(text: str) -> str:
    return escape(text) if text.strip() else "—"


def _text_paragraphs(text: str, style: str) -> list[Para]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip())]
    return [Para(escape(b).replace("\n", "<br/>"), style) for b in blocks if b]


def _entry_status_line(e: ChecklistEntry, today: dt.date) -> str:
    if e.from_text:
        return f"{e.title} – {NOT_WRITTEN}"
    if e.state == DocumentState.MODTAGET:  # received, but not in place: the file is missing
        return f"{e.title} – modtaget, men ikke vedhæftet"
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
        if d.meeting.interpreter_language:  # the team knows to expect an interpreter
            booked = "bestilt" if d.meeting.interpreter_booked else "ikke bestilt endnu"
            text += f"; tolk på {d.meeting.interpreter_language} ({booked})"
    return escape(text)
