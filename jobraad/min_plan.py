"""The citizen's own plan ("Min plan"): one or two pages in plain Danish and large type, for the
citizen to keep: their goals, what has been agreed (activities and placements now and coming),
their next meetings, and the caseworker to contact.

Made from the case, like the citizen's copy of the dossier (`resources/rules/dossier_readers.toml`,
«borger») but shorter and for every day. It holds no CPR number (the plan is carried about, shown
to a mentor or a relative; the name is enough for the citizen to know it is theirs), no health
information (no skånehensyn, diagnoses, health notes; a health or social offer is named only by its
kind, not by its title or provider) and none of the jobcenter's internal lists (what is missing,
signals, deadlines, the visitation group).

Where the citizen speaks another language (`Citizen.language`), each heading is printed in that
language with the Danish heading under it, from `resources/rules/plan_translations.toml`; the
text stays Danish. A language that is not there, or that the PDF cannot print correctly
(right-to-left scripts), gives Danish headings, and `PlanInfo.note` tells the caseworker why.

Making the plan is recorded in the audit log (`Action.PRINT`, "min plan") in the transaction that
writes the file, as the dossier is: if writing fails, nothing is logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from db.enums import ActivityKind, MeetingKind
from db.models import Citizen
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.case_texts import list_case_texts
from jobraad.citizen_file import read_citizen_file
from jobraad.citizens import CitizenNotFound
from jobraad.documentation import pack_for
from jobraad.outputs import check_output, rules_for, write_output
from jobraad.pdf import FONT, FONT_BOLD, caseworker_contact, escape, make_footer, new_document, register_fonts, styles
from jobraad.placements import PlacementView, list_placements
from jobraad.records import ActivityView, MeetingView, list_activities, list_meetings
from jobraad.rule_files import PROVISIONAL, Table, read_rule_file
from jobraad.settings import get_settings
from jobraad.visitation import GROUP_DEADLINES, GROUP_GOALS, goes_without_team
from jobraad.vocab import ACTIVITY_LABELS, PLACEMENT_LABELS

__all__ = [
    "HEADINGS",
    "PlanData",
    "PlanInfo",
    "PlanLanguage",
    "PlanWords",
    "build_plan",
    "gather_plan",
    "language_for",
    "parse_plan_languages",
    "parse_plan_words",
    "plan_languages",
    "plan_words",
]

FILE = "plan_translations.toml"
DANISH = "dansk"

#: The headings of the plan, in the order they are printed (the keys of each language's entry).
HEADINGS = ("title", "goals", "activities", "placements", "meetings", "contact")

# How much the plan shows, so it stays within two pages in large type (a layout choice, not a rule):
# the next meetings, and the citizen's own words up to this many characters (cut at a sentence).
MAX_MEETINGS = 3
MAX_WISHES = 600

BODY_SIZE = 14  # points: large type for readers with poor sight or little Danish
_GREY = Color(0.3, 0.3, 0.3)

# A health or social offer is named by its kind only: its title and provider may say what for.
_NAMED_BY_KIND = {
    ActivityKind.SUNDHEDSTILBUD_SUF: "Et tilbud fra sundhedsområdet",
    ActivityKind.SOCIALT_TILBUD_SOF: "Et tilbud fra socialområdet",
}

_MEETING_WORDS = {
    MeetingKind.SAMTALE: "Samtale med din jobrådgiver",
    MeetingKind.TREPARTSSAMTALE: "Trepartssamtale",
    MeetingKind.SUNDHEDSKOORDINATOR: "Samtale med sundhedskoordinatoren",
    MeetingKind.ANDET: "Møde",
    # REHABILITERINGSTEAM: the case's rule pack's word for it ("Møde i rehabiliteringsteamet", …)
}


# --- the headings in the citizen's language -------------------------------------------------------


@dataclass(frozen=True)
class PlanLanguage:
    """One language of the translations file. `headings` is empty when the language is left out
    (`left_out` says why)."""

    label: str  # "engelsk"
    names: tuple[str, ...]  # what the Sprog field may say, casefolded
    headings: dict[str, str]
    left_out: str
    source: str
    status: str

    @property
    def provisional(self) -> bool:
        return self.status == PROVISIONAL


@dataclass(frozen=True)
class PlanWords:
    """The translations file: the languages of the headings (Danish first), and the goals of the
    visitation groups in the citizen's words (goal key → text)."""

    languages: tuple[PlanLanguage, ...]
    goals: dict[str, str]


@functools.cache
def plan_words() -> PlanWords:
    """The shipped translations file, read strictly."""
    return parse_plan_words(read_rule_file(FILE, required=("languages",), optional=("goal_words",)))


def plan_languages() -> tuple[PlanLanguage, ...]:
    """The languages of the shipped file, Danish first."""
    return plan_words().languages


def parse_plan_words(top: Table) -> PlanWords:
    """The whole file's top level: `parse_plan_languages`, and the goal words, each for a goal key
    some visitation group has (seed001_groups.toml), none twice."""
    known = {g.key for goals in GROUP_GOALS.values() for g in goals}
    words: dict[str, str] = {}
    for n, entry in enumerate(top.entries("goal_words", required=("key", "text"), at_least_one=False), start=1):
        key = entry.text("key")
        entry.named(f"[[goal_words]] nr. {n} («{key}»)")
        if key not in known:
            entry.fail(f"ukendt mål «{key}»; kendte mål: {', '.join(sorted(known))}.")
        if key in words:
            entry.fail(f"målet «{key}» står flere gange.")
        words[key] = entry.text("text")
    return PlanWords(parse_plan_languages(top), words)


def parse_plan_languages(top: Table) -> tuple[PlanLanguage, ...]:
    """The languages of a translations file's top level, checked strictly: Danish first; each
    entry all the headings or `left_out`; no name twice; no heading the PDF cannot print (a
    letter the embedded font lacks, or a right-to-left script, which it would print unjoined
    and reversed). The first problem refuses the file with `RuleFileError`."""
    register_fonts()
    glyphs = pdfmetrics.getFont(FONT).face.charToGlyph  # type: ignore[attr-defined]
    out: list[PlanLanguage] = []
    seen: set[str] = set()
    for n, entry in enumerate(
        top.entries("languages", required=("names", "label"), optional=("left_out", *HEADINGS)), start=1
    ):
        label = entry.text("label")
        entry.named(f"[[languages]] nr. {n} («{label}»)")
        names = tuple(name.casefold() for name in entry.texts("names"))
        for name in names:
            if name in seen:
                entry.fail(f"sproget «{name}» står flere gange.")
            seen.add(name)
        headings: dict[str, str] = {}
        left_out = entry.text("left_out") if entry.has("left_out") else ""
        present = [key for key in HEADINGS if entry.has(key)]
        if left_out and present:
            entry.fail(f"et sprog med «left_out» har ingen overskrifter (fjern {', '.join(present)}).")
        if not left_out:
            for key in HEADINGS:
                text = unicodedata.normalize("NFC", entry.text(key))
                for ch in text:
                    if unicodedata.bidirectional(ch) in ("R", "AL"):
                        entry.fail(
                            f"overskriften «{key}» skrives fra højre mod venstre; det kan PDF'en ikke skrive "
                            "korrekt endnu (brug «left_out»)."
                        )
                    if ord(ch) not in glyphs and not ch.isspace():
                        entry.fail(f"overskriften «{key}» har tegnet «{ch}», som skrifttypen ikke har.")
                headings[key] = text
        out.append(PlanLanguage(label, names, headings, left_out, entry.source, entry.status))
    if DANISH not in out[0].names or not out[0].headings:
        top.fail("det første sprog skal være dansk, med alle overskrifter.")
    return tuple(out)


def language_for(language: str) -> tuple[PlanLanguage | None, str]:
    """The translation for a citizen whose Sprog field says `language` (None: Danish headings),
    and what the caseworker should know about it ("" when the plan is simply in Danish)."""
    wanted = language.strip().casefold()
    if not wanted or wanted == DANISH:
        return None, ""
    languages = plan_languages()
    candidates = [wanted, *(w for w in re.split(r"[\s,/;()]+", wanted) if w)]
    for candidate in candidates:
        for lang in languages[1:]:
            if candidate in lang.names:
                if lang.left_out:
                    return None, f"Overskrifterne er på dansk: {lang.left_out}."
                note = f"Overskrifterne er på {lang.label} med dansk under."
                if lang.provisional:
                    note += " Oversættelsen er foreløbig: den er ikke kontrolleret af en translatør."
                return lang, note
        if candidate == DANISH:
            return None, ""
    return None, f"Der er ingen oversættelse til «{language.strip()}» endnu: overskrifterne er på dansk."


# --- what the plan says ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanGoal:
    label: str
    reached_on: dt.date | None


@dataclass
class PlanData:
    """One citizen's plan as plain data, what `build_plan` prints."""

    today: dt.date
    name: str
    language: str  # the Sprog field, as written
    in_forloeb: bool
    goals: list[PlanGoal]
    wishes: str  # the citizen's own wishes and goals (the case text "egne_oensker")
    activities: list[ActivityView]  # now and coming, soonest first
    placements: list[PlacementView]  # now and coming, soonest first
    meetings: list[MeetingView]  # the next ones, soonest first (at most MAX_MEETINGS)
    team_meeting: str  # the case's pack's word for a rehabiliteringsteam meeting
    caseworker: str
    caseworker_phone: str
    caseworker_email: str
    jobcenter: str
    more_meetings: int = 0  # further meetings after those shown


def gather_plan(database: Database, citizen_id: int, today: dt.date) -> PlanData:
    """The plan of `citizen_id` as it stands on `today`. Raises `CitizenNotFound`."""
    with database.reading() as session:
        file = read_citizen_file(session, citizen_id, today)
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:  # read_citizen_file has raised already; for the type checker
            raise CitizenNotFound()
        terms = pack_for(citizen.rule_pack, today)[0].terms
        without_team = goes_without_team(citizen.aim, citizen.pension_without_team, pack_has_team=bool(terms.team))
    in_forloeb = file.current is not None and file.closed_outcome is None
    goals: list[PlanGoal] = []
    if file.current is not None and in_forloeb:
        group = file.current.group
        # A case decided without the team does not aim at being forelagt it.
        team_only: set[str] = set()
        if without_team:
            for rule in GROUP_DEADLINES.get(group, ()):
                team_only |= rule.closed_by - rule.closing_goals(True)
        reached = file.current.goals_reached
        words = plan_words().goals
        goals = [
            PlanGoal(words.get(g.key, g.label), reached.get(g.key))
            for g in GROUP_GOALS.get(group, ())
            if g.key not in team_only
        ]
    wishes = next((t.text for t in list_case_texts(database, citizen_id) if t.section == "egne_oensker"), "")

    def still_on(end: dt.date | None) -> bool:
        return end is None or end >= today

    activities = sorted(
        (a for a in list_activities(database, citizen_id) if still_on(a.end_date)),
        key=lambda a: (a.start_date is None, a.start_date or today, a.activity_id),
    )
    placements = sorted(
        (p for p in list_placements(database, citizen_id) if still_on(p.end_date)),
        key=lambda p: (p.start_date, p.placement_id),
    )
    coming = [m for m in list_meetings(database, citizen_id) if m.starts_at.date() >= today]
    settings = get_settings(database)
    return PlanData(
        today=today,
        name=file.name,
        language=file.language,
        in_forloeb=in_forloeb,
        goals=goals,
        wishes=wishes.strip(),
        activities=activities if in_forloeb else [],
        placements=placements if in_forloeb else [],
        meetings=coming[:MAX_MEETINGS],
        more_meetings=max(0, len(coming) - MAX_MEETINGS),
        team_meeting=terms.meeting,
        caseworker=str(settings.get("caseworker_name") or "").strip(),
        caseworker_phone=str(settings.get("caseworker_phone") or "").strip(),
        caseworker_email=str(settings.get("caseworker_email") or "").strip(),
        jobcenter=str(settings.get("jobcenter_name") or "").strip(),
    )


# --- the PDF ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInfo:
    pages: int
    language: str  # the language of the headings: "dansk", "engelsk", …
    note: str  # for the caseworker: why the headings are in Danish, or that a translation is foreløbig


def _styles() -> dict[str, ParagraphStyle]:
    s = styles()
    body = ParagraphStyle("plan_body", parent=s["body"], fontSize=BODY_SIZE, leading=19, spaceAfter=5)
    bold = ParagraphStyle("plan_bold", parent=body, fontName=FONT_BOLD, spaceAfter=1)
    return {
        "title": ParagraphStyle("plan_title", parent=body, fontName=FONT_BOLD, fontSize=26, leading=31, spaceAfter=0),
        "title_da": ParagraphStyle("plan_title_da", parent=body, fontSize=16, leading=20, textColor=_GREY),
        "name": ParagraphStyle("plan_name", parent=body, fontName=FONT_BOLD, fontSize=18, leading=23, spaceBefore=6),
        "h1": ParagraphStyle(
            "plan_h1", parent=body, fontName=FONT_BOLD, fontSize=19, leading=24, spaceBefore=14, spaceAfter=2
        ),
        "h1_da": ParagraphStyle("plan_h1_da", parent=body, textColor=_GREY, spaceAfter=4),
        "body": body,
        "bold": bold,
        "item": ParagraphStyle(
            "plan_item", parent=body, leftIndent=26, bulletIndent=4, bulletFontName=FONT, bulletFontSize=BODY_SIZE
        ),
        "grey": ParagraphStyle("plan_grey", parent=body, textColor=_GREY),
        # The lines of one item (an activity, a placement, a meeting): each its own paragraph, so a
        # page may break between them rather than move a whole item and leave a gap.
        "line": ParagraphStyle("plan_line", parent=body, spaceAfter=0),
        "last_line": ParagraphStyle("plan_last_line", parent=body, spaceAfter=7),
    }


class _Writer:
    def __init__(self, data: PlanData, language: PlanLanguage | None) -> None:
        self.data = data
        self.danish = plan_languages()[0].headings
        self.translated = language.headings if language is not None else None
        self.s = _styles()
        self.out: list[Flowable] = []
        self.keep_with_next: set[int] = set()  # the ids of the items' first lines

    def para(self, markup: str, style: str = "body") -> None:
        self.out.append(Paragraph(markup, self.s[style]))

    def heading(self, key: str, style: str = "h1") -> list[Flowable]:
        """The heading, in the citizen's language with the Danish under it, or in Danish."""
        danish = escape(self.danish[key])
        if self.translated is None:
            return [Paragraph(danish, self.s[style])]
        return [Paragraph(escape(self.translated[key]), self.s[style]), Paragraph(danish, self.s[f"{style}_da"])]

    def item(self, lines: list[str]) -> list[Flowable]:
        """One item as its lines, the first (bold) to be kept with the second (`section`)."""
        styles = [*(["line"] * (len(lines) - 1)), "last_line"]
        out: list[Flowable] = [Paragraph(line, self.s[style]) for line, style in zip(lines, styles, strict=True)]
        if len(out) > 1:
            self.keep_with_next.add(id(out[0]))
        return out

    def section(self, key: str, body: list[Flowable]) -> None:
        """The heading with the first lines of its section on one page; each item's first line
        with its second. (Groups are never nested: a KeepTogether in a KeepTogether moves every
        section to a page of its own.)"""
        groups: list[list[Flowable]] = []
        i = 0
        while i < len(body):
            take = 2 if id(body[i]) in self.keep_with_next and i + 1 < len(body) else 1
            groups.append(body[i : i + take])
            i += take
        groups[0] = [*self.heading(key), *groups[0]]
        for group in groups:
            self.out.append(KeepTogether(group) if len(group) > 1 else group[0])

    def write(self) -> list[Flowable]:
        d = self.data
        self.out.extend(self.heading("title", "title"))
        self.para(escape(d.name), "name")
        self.para(
            "Planen er lavet sammen med dig. Den viser dine mål, hvad vi har aftalt, "
            "hvornår vi ses næste gang, og hvem du kan kontakte."
        )
        self.para(f"Udskrevet {fmt.weekday(d.today)} {fmt.date(d.today)}.", "grey")
        self.section("goals", self.goals())
        self.section("activities", self.activities())
        self.section("placements", self.placements())
        self.section("meetings", self.meetings())
        self.section("contact", self.contact())
        return self.out

    def goals(self) -> list[Flowable]:
        d, s = self.data, self.s
        out: list[Flowable] = []
        if d.wishes:
            out.append(Paragraph("Dine egne ønsker, som de står i din sag:", s["bold"]))
            out.append(Paragraph(_paragraphs(_shorten(d.wishes, MAX_WISHES)), s["body"]))
        if not d.in_forloeb:
            out.append(Paragraph("Du er ikke i et forløb på jobcentret lige nu.", s["body"]))
            return out
        if d.goals:
            out.append(Paragraph("Det arbejder du hen imod:", s["bold"]))
            for goal in d.goals:
                if goal.reached_on is not None:
                    text = f"{escape(goal.label)} – <b>nået</b> {fmt.date(goal.reached_on)}"
                    out.append(Paragraph(text, s["item"], bulletText="✓"))
                else:
                    out.append(Paragraph(escape(goal.label), s["item"], bulletText="•"))
        if not out:
            out.append(Paragraph("Dine mål aftaler du med din jobrådgiver.", s["body"]))
        return out

    def activities(self) -> list[Flowable]:
        out: list[Flowable] = []
        for a in self.data.activities:
            if a.kind in _NAMED_BY_KIND:
                what, where = _NAMED_BY_KIND[a.kind], ""
            else:
                what, where = a.title or ACTIVITY_LABELS[a.kind], a.provider
            lines = [f"<b>{escape(what)}</b>"]
            if where:
                lines.append(f"Hos {escape(where)}")
            period = _period(a.start_date, a.end_date, self.data.today)
            if period:
                lines.append(period)
            out.extend(self.item(lines))
        return out or [Paragraph("Der er ikke aftalt nogen aktiviteter lige nu.", self.s["body"])]

    def placements(self) -> list[Flowable]:
        out: list[Flowable] = []
        for p in self.data.placements:
            lines = [f"<b>{escape(PLACEMENT_LABELS[p.kind])} hos {escape(p.employer_name)}</b>"]
            end = p.end_date or p.planned_end
            # An end planned for a day now past (the placement runs on, not yet extended): not printed.
            period = _period(p.start_date, end if end is None or end >= self.data.today else None, self.data.today)
            if period:
                lines.append(period)
            if p.planned_hours_per_week > 0:
                hours = fmt.hours(p.planned_hours_per_week)
                lines.append(f"Cirka {hours} {'time' if hours == '1' else 'timer'} om ugen")
            if p.tasks.strip():
                lines.append(f"Opgaver: {escape(_one_line(p.tasks))}")
            if p.contact_person.strip():
                who = escape(p.contact_person.strip())
                if p.contact_phone.strip():
                    who += f", telefon {_unbroken(p.contact_phone)}"
                lines.append(f"Kontaktperson på arbejdspladsen: {who}")
            if p.mentor_name.strip():
                lines.append(f"Din mentor: {escape(p.mentor_name.strip())}")
            out.extend(self.item(lines))
        return out or [Paragraph("Du er ikke i praktik eller job gennem jobcentret lige nu.", self.s["body"])]

    def meetings(self) -> list[Flowable]:
        d = self.data
        out: list[Flowable] = []
        for m in d.meetings:
            what = d.team_meeting if m.kind == MeetingKind.REHABILITERINGSTEAM else _MEETING_WORDS.get(m.kind, "Møde")
            day = m.starts_at.date()
            lines = [f"<b>{fmt.weekday(day).capitalize()} {fmt.date(day)} kl. {fmt.time(m.starts_at)}</b>"]
            lines.append(escape(what))
            if m.location.strip():
                lines.append(f"Sted: {escape(m.location.strip())}")
            out.extend(self.item(lines))
        if d.more_meetings:
            more = "1 møde mere" if d.more_meetings == 1 else f"{d.more_meetings} møder mere"
            out.append(Paragraph(f"Der er aftalt {more} senere.", self.s["body"]))
        if not out:
            out.append(Paragraph("Der er ikke aftalt et nyt møde endnu.", self.s["body"]))
        out.append(
            Paragraph("Kan du ikke komme, så sig det til din jobrådgiver så hurtigt som muligt.", self.s["grey"])
        )
        return out

    def contact(self) -> list[Flowable]:
        d = self.data
        text = "<b>Din jobrådgiver:</b> " + caseworker_contact(
            d.caseworker, d.caseworker_phone, d.caseworker_email, separator="<br/>"
        )
        out: list[Flowable] = [Paragraph(text, self.s["body"])]
        if d.jobcenter:
            out.append(Paragraph(escape(d.jobcenter), self.s["body"]))
        out.append(
            Paragraph(
                "Ring eller skriv, hvis du er syg, hvis noget i planen ikke passer, eller hvis du har spørgsmål.",
                self.s["body"],
            )
        )
        return out


def _period(start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    if start is not None and start > today:
        text = f"Starter {fmt.weekday(start)} {fmt.date(start)}"
        return text + (f", slutter {fmt.date(end)}" if end else "")
    if start and end:
        return f"Fra {fmt.date(start)} til {fmt.date(end)}"
    if start:
        return f"Fra {fmt.date(start)}"
    if end:
        return f"Til {fmt.date(end)}"
    return ""


def _unbroken(phone: str) -> str:
    """A phone number that a line does not break inside ("27 05 05 38")."""
    return escape(" ".join(phone.split())).replace(" ", "\u00a0")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int) -> str:
    """`text` up to `limit` characters, cut after a whole sentence where there is one, else at a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"), cut.rfind("! "), cut.rfind("? "))
    if end > limit // 2:
        return cut[: end + 1] + " …"
    return cut.rsplit(None, 1)[0] + " …"


def _paragraphs(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines())


def build_plan(
    database: Database,
    citizen_id: int,
    out: BinaryIO | Path,
    *,
    today: dt.date | None = None,
    replace: bool = False,
) -> PlanInfo:
    """Make the citizen's plan and write it to `out` (a binary stream, or a path written by the
    one writer: an existing file replaced only with `replace`, the database or a backup never).
    Raises `CitizenNotFound` for an unknown id, `OutputRefusedError` for a refused path (before any
    work) and `StorageError` when the file cannot be written; then nothing is logged."""
    today = today or dt.date.today()
    rules = None
    if isinstance(out, (str, Path)):
        rules = rules_for(database)
        check_output(Path(out), rules, replace=replace)
    data = gather_plan(database, citizen_id, today)
    language, note = language_for(data.language)
    buffer = io.BytesIO()
    where = data.jobcenter or "jobcentret"
    footer = make_footer(f"Min plan fra {where} · udskrevet {fmt.date(today)}", page_numbers=True)
    # The file's properties show in many programs: the plan's title, never the citizen's name.
    doc = new_document(buffer, title="Min plan", author=data.jobcenter, footer=footer)
    doc.build(_Writer(data, language).write())
    pdf = buffer.getvalue()

    def write(fh: BinaryIO) -> None:
        fh.write(pdf)

    with database.transaction() as session:
        audit.record(session, audit.Action.PRINT, citizen_id, "min plan")
        # Written inside the transaction: if writing fails, the log entry rolls back.
        if isinstance(out, (str, Path)):
            assert rules is not None
            write_output(Path(out), write, rules, replace=replace)
        else:
            write(out)
    return PlanInfo(pages=doc.page, language=language.label if language else DANISH, note=note)
