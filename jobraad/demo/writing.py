"""The case texts of a demo case: the sections of the forberedende del, the citizen's remarks
and the jobcenter's assessment, proposal and questions for the team.

Written the way a jobrådgiver writes them: from fragments in `resources/demo_texts.toml`,
picked to fit the citizen (aim, age, language, family, health profile, how the placement went),
and from the case's own records (the CV and benefit periods of `life`, the placements and
activities, the sundhedskoordinator's notes, and the documents received by the day the section
was written, named with their dates). Drawn from the case's own random stream (`Case.text_seed`),
so the texts do not move the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from db.enums import ContactKind, CvKind, PeriodBenefit, PlacementKind
from db.models import Placement
from jobraad import formatting as fmt
from jobraad.demo.builder import Builder, Case, half_hours
from jobraad.demo.life import Life, Period, support_years
from jobraad.rulepacks import RulePack
from jobraad.vocab import PLACEMENT_LABELS

# The facts a fragment's `needs` may name (see resources/demo_texts.toml).
FACTS = frozenset(
    {
        "mand", "kvinde", "ung", "midt", "aeldre",
        "tolk", "dansktalende", "indvandrer", "efterkommer", "dansk_oprindelse",
        "gift", "alene", "boern", "smaaboern", "boerneboern",
        "praktik", "ingen_praktik", "stigende", "flad", "faldende", "fravaer",
        "sof", "suf", "mentor", "arbejdet", "aldrig_job", "fysisk", "lang_forsoergelse",
        "ressourceforloeb_foer", "team", "koerekort", "helbredsgennemgang", "lae265", "sk",
        "fleksjob", "foertidspension", "ressourceforloeb", "jobafklaring", "revalidering",
        "bevaegeapparat", "psykisk",
    }
)  # fmt: skip
# The placeholders a fragment may use: the case's own, and those of the "=" slots' sentences.
CASE_PLACEHOLDERS = frozenset(
    {
        "Navn", "Navns", "han", "Han", "ham", "hans", "Hans", "alder", "bydel", "sprog", "land",
        "kom_aar", "partner", "boern_tekst", "hjaelper", "fag", "sidste_job", "oensket_arbejde",
        "erhvervsmaal", "diagnose", "debut_aar", "laege", "sygehus", "speciallaege", "koordinator",
        "praktik_sted", "praktik_start", "praktik_uger", "timer_start", "timer_nu", "timer_snit",
        "timer_maal", "fravaer_uger", "skaane_kort", "rf_maaneder", "mentor",
    }
)  # fmt: skip
SENTENCE_PLACEHOLDERS = frozenset(
    {
        "klasse", "aar", "skoleby", "antal", "uddannelse", "dansk_resultat", "kursus", "titel", "sted",
        "aar1", "aar2", "stop_reason", "diagnoser", "liste", "dokument", "hos", "dato", "frist",
        "begraensninger", "skaane", "graense", "fra", "til", "art", "periode", "timer", "resultat",
        "udbyder", "uger", "snit", "t1", "t2",
    }
)  # fmt: skip
# The places of a life (jobraad.demo.life): the town of a job, the country of one abroad.
LIFE_PLACEHOLDERS = frozenset({"by", "land"})
PLACEHOLDERS = CASE_PLACEHOLDERS | SENTENCE_PLACEHOLDERS | LIFE_PLACEHOLDERS

_PRAKTIK_KINDS = frozenset(
    {
        PlacementKind.VIRKSOMHEDSPRAKTIK,
        PlacementKind.INTERN_PRAKTIK,
        PlacementKind.GRUPPEPRAKTIK,
        PlacementKind.SNUSEPRAKTIK,
    }
)
# The health documents a description of the health refers to, in this order.
_HEALTH_ITEMS = ("lae265", "statusattest_lae125", "speciallaegeerklaering", "hospital_journal", "sundhedskoordinator")
_NUMBERS = ("ingen", "et", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti")


@dataclass(frozen=True)
class DocFact:
    """A document of the case as the texts refer to it."""

    item_id: str
    instance: str
    requested_on: dt.date | None
    expected_by: dt.date | None
    received_on: dt.date | None
    sender: str


@dataclass(frozen=True)
class _Stats:
    """A placement's hours up to a day."""

    weeks: int
    first: float
    last: float
    mean: float
    absent: int
    tried_more: bool  # a few weeks planned higher than the rest


def write_texts(
    b: Builder,
    case: Case,
    pack: RulePack,
    docs: Sequence[DocFact],
    sections: Mapping[str, dt.date],
) -> dict[str, str]:
    """The text of each section in `sections` (section -> the day it was written)."""
    writer = _Writer(b, case, pack, docs, max(sections.values()))
    return {key: writer.section(key, day) for key, day in sections.items()}


def template_names(data: Any) -> Iterable[str]:
    """Every placeholder name used in the strings of `data` (for the check of the data file)."""
    if isinstance(data, str):
        for _, name, _, _ in string.Formatter().parse(data):
            if name is not None:
                yield name
    elif isinstance(data, Mapping):
        for value in data.values():
            yield from template_names(value)
    elif isinstance(data, list):
        for value in data:
            yield from template_names(value)


def needs_names(data: Any) -> Iterable[str]:
    """Every fact named in a `needs` of `data`, without its "!"."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            if key == "needs":
                yield from (n.lstrip("!") for n in value)
            else:
                yield from needs_names(value)
    elif isinstance(data, list):
        for value in data:
            yield from needs_names(value)


class _Writer:
    def __init__(self, b: Builder, case: Case, pack: RulePack, docs: Sequence[DocFact], top: dt.date) -> None:
        assert case.citizen is not None and case.life is not None
        self.rng = random.Random(case.text_seed + 1)
        self.w = b.writing
        # The language spoken at home: the citizen's, or for one who grew up here, the origin's.
        self.mother_tongue = case.language if case.language != "dansk" else b.data["origins"][case.origin]["language"]
        self.case = case
        self.life: Life = case.life
        self.docs = docs
        self.profile: dict[str, Any] = self.w["profiles"][case.profile]
        self.aim: dict[str, Any] = self.w["aims"].get(case.aim.value, {})
        self.computed: dict[str, Any] = self.w["computed"]
        story = case.story
        self.praktik: Placement | None = (
            story.placement
            if story is not None and story.placement.kind in _PRAKTIK_KINDS and story.weeks >= 4
            else None
        )
        self.health = case.health if case.health is not None and case.health.note_date <= top else None
        self.values = self._values(pack, top)
        self.facts = self._facts(pack, top)
        for key in ("erhvervsmaal", "hjaelper"):
            self.values[key] = self._fill(self._choose(self.w["lists"][key]))
        self.told = ""  # the paragraph written so far, for a slot that should not repeat it
        self.no_efforts = False  # the list of indsatser just written is empty

    # -- what the fragments may use ---------------------------------------------------------------

    def _values(self, pack: RulePack, top: dt.date) -> dict[str, str]:
        case, life, rng, w = self.case, self.life, self.rng, self.w
        citizen = case.citizen
        assert citizen is not None
        name = citizen.first_name
        male = case.male
        jobs = life.jobs_dk
        last_job = jobs[-1].title if jobs else life.trade["jobs"][0][0]
        main = self.health.conditions.split("\n")[0] if self.health else rng.choice(self.profile["main"])
        gp = case.contacts.get(ContactKind.EGEN_LAEGE)
        stats = _stats(self.praktik, top) if self.praktik is not None else None
        goal = "8–10"
        if stats is not None and stats.weeks >= 3:
            goal = fmt.decimal(max(4.0, round(stats.mean)))
        skaane = self.health.skaanehensyn if self.health else citizen_skaane(case)
        values = {
            "Navn": name,
            "Navns": name + ("'" if name[-1:] in "sxzSXZ" else "s"),
            "han": "han" if male else "hun",
            "Han": "Han" if male else "Hun",
            "ham": "ham" if male else "hende",
            "hans": "hans" if male else "hendes",
            "Hans": "Hans" if male else "Hendes",
            "alder": str(case.age),
            "bydel": _in_district(case.district["name"]),
            "sprog": self.mother_tongue,
            "land": life.country or "hjemlandet",
            "kom_aar": str(life.arrived or ""),
            "partner": "kone" if male else "mand",
            "boern_tekst": _children_text(life.children),
            "hjaelper": "",  # by the facts, below
            "fag": life.trade["fag"],
            "sidste_job": _lower_first(last_job),
            "oensket_arbejde": life.trade["wish"],
            "erhvervsmaal": "",  # by the facts, below
            "diagnose": _condition_phrase(main),
            "debut_aar": str(life.onset),
            "laege": _person(gp.name) if gp is not None else "egen læge",
            "sygehus": self._sender("hospital_journal", self.profile["hospitals"]),
            "speciallaege": _person(self._sender("speciallaegeerklaering", self.profile["specialists"])),
            "koordinator": _lower_first(self.health.coordinator.split(",")[0]) if self.health else "",
            "praktik_sted": self.praktik.employer_name if self.praktik else "",
            "praktik_start": fmt.date(self.praktik.start_date) if self.praktik else "",
            "praktik_uger": str(stats.weeks) if stats else "",
            "timer_start": fmt.decimal(stats.first) if stats else "",
            "timer_nu": fmt.decimal(stats.last) if stats else "",
            "timer_snit": fmt.decimal(stats.mean) if stats else "",
            "timer_maal": goal,
            "fravaer_uger": str(stats.absent) if stats else "",
            "skaane_kort": _and([_lower_first(s) for s in skaane.split("\n") if s]) or "pauser efter behov",
            "rf_maaneder": rng.choice(("12", "18", "24")),
            "mentor": rng.choice(w["lists"]["mentor"]),
        }
        self.stats = stats
        return values

    def _sender(self, item_id: str, fallback: Sequence[str]) -> str:
        """Who a document came from: the one the case asked, else one that fits the profile."""
        for d in self.docs:
            if d.item_id == item_id and d.sender:
                return d.sender
        return self.rng.choice(list(fallback))

    def _facts(self, pack: RulePack, top: dt.date) -> frozenset[str]:
        case, life, stats = self.case, self.life, self.stats
        facts = {"mand" if case.male else "kvinde", case.aim.value, *self.profile["facts"]}
        facts.add("aeldre" if case.old else "midt" if case.age >= 40 else "ung")
        facts.add({"dk": "dansk_oprindelse", "efterkommer": "efterkommer", "udl": "indvandrer"}[life.grew_up])
        facts.add("gift" if life.partner else "alene")
        if case.interpreter:
            facts.add("tolk")
        if case.language == "dansk":
            facts.add("dansktalende")
        if life.children:
            facts.add("boern")
        if any(age < 18 for age in life.children):
            facts.add("smaaboern")
        if life.grandchildren:
            facts.add("boerneboern")
        if self.praktik is not None and stats is not None and stats.weeks >= 3:
            facts.add("praktik")
            story = case.story
            trend = story.trend if story is not None else "stall"
            facts.add({"rise": "stigende", "fall": "faldende"}.get(trend, "flad"))
            if stats.absent >= 2:
                facts.add("fravaer")
        else:
            facts.add("ingen_praktik")
        if ContactKind.SOF in case.contacts:
            facts.add("sof")
        if ContactKind.SUF in case.contacts:
            facts.add("suf")
        if any(p.mentor_kind for p in case.placements):
            facts.add("mentor")
        facts.add("arbejdet" if life.jobs_dk else "aldrig_job")
        if life.trade.get("physical"):
            facts.add("fysisk")
        if life.support_years >= 8:
            facts.add("lang_forsoergelse")
        if life.had_rf is not None:
            facts.add("ressourceforloeb_foer")
        if pack.terms.team:
            facts.add("team")
        if life.driving_licence:
            facts.add("koerekort")
        if self.health is not None:
            facts.add("helbredsgennemgang")
        received = {d.item_id for d in self.docs if d.received_on is not None and d.received_on <= top}
        if "lae265" in received:
            facts.add("lae265")
        if "sundhedskoordinator" in received:
            facts.add("sk")
        return frozenset(facts)

    # -- sections ---------------------------------------------------------------------------------

    def section(self, key: str, day: dt.date) -> str:
        paragraphs = []
        for slots in self.w["layout"][key]:
            sentences: list[str] = []
            for slot in slots:
                self.told = " ".join(sentences).lower()
                sentences.append(self._slot(slot, day))
            text = " ".join(s for s in sentences if s)
            if text:
                paragraphs.append(text)
        return "\n\n".join(paragraphs)

    def _slot(self, slot: str, day: dt.date) -> str:
        if slot.startswith("="):
            text: str = getattr(self, "_" + slot[1:])(day)
            return text
        if slot == "indsats_opsummering" and self.no_efforts:
            return ""
        options = self._options(slot)
        if slot == "spoergsmaal":
            chosen = [o for o in options if o]
            count = min(len(chosen), self.rng.choice((1, 2, 2, 3)))
            picked = self.rng.sample(chosen, count)
            return "\n".join(f"{i}. {self._fill(q)}" for i, q in enumerate(picked, start=1))
        return self._fill(self.rng.choice(options)) if options else ""

    def _options(self, slot: str) -> list[str]:
        entries = [*self.profile.get(slot, []), *self.aim.get(slot, []), *self.w["slots"].get(slot, [])]
        return [text for text in (self._usable(e) for e in entries) if text is not None]

    def _usable(self, entry: str | dict[str, Any]) -> str | None:
        if isinstance(entry, str):
            return entry
        for need in entry["needs"]:
            if need.startswith("!") == (need.lstrip("!") in self.facts):
                return None
        text: str = entry["text"]
        return text

    def _fill(self, template: str, **extra: str) -> str:
        return template.format_map(ChainMap(extra, self.values))

    def _choose(self, entries: Sequence[str | dict[str, Any]]) -> str:
        """One of the entries that fit the citizen ("" when none does)."""
        options = [text for text in (self._usable(e) for e in entries) if text is not None]
        return self.rng.choice(options) if options else ""

    def _pick(self, key: str, **extra: str) -> str:
        return self._fill(self._choose(self.computed[key]), **extra)

    # -- written from the records -----------------------------------------------------------------

    def _skole(self, day: dt.date) -> str:
        life = self.life
        if life.grew_up == "udl":
            return self._pick("skole_udland", antal=str(life.school_years))
        key = "skole_efterkommer" if life.grew_up == "efterkommer" else "skole_dk"
        return self._pick(key, klasse=life.school_class, aar=str(life.school_end), skoleby=life.school_town)

    def _uddannelse(self, day: dt.date) -> str:
        life = self.life
        sentences = []
        for line in sorted((c for c in life.cv if c.kind is CvKind.UDDANNELSE), key=lambda c: c.start):
            if line.danish:
                result = self._pick("dansk_resultat")
                sentences.append(self._pick("dansk", dansk_resultat=result))
            elif line.course:
                sentences.append(self._pick("kurser", kursus=_lower_first(line.title), aar=str(line.start)))
            elif line.abroad:
                sentences.append(self._pick("uddannelse_udland", uddannelse=line.phrase))
            elif line.finished:
                sentences.append(self._pick("uddannelse", uddannelse=line.phrase, aar=str(line.end)))
            else:
                sentences.append(self._pick("uddannelse_afbrudt", uddannelse=line.phrase, aar=str(line.start)))
        if not any(c.kind is CvKind.UDDANNELSE and not c.danish and not c.course for c in life.cv):
            sentences.insert(0, self._pick("ingen_uddannelse"))
        return " ".join(s for s in sentences if s)

    def _job(self, day: dt.date) -> str:
        life = self.life
        sentences = []
        for line in (c for c in life.cv if c.kind is CvKind.JOB and c.abroad):
            years = str(max(1, line.end - line.start))
            sentences.append(self._pick("job_udland", titel=_lower_first(line.title), sted=line.place, antal=years))
        jobs = life.jobs_dk
        for i, line in enumerate(jobs):
            values = {
                "titel": _lower_first(line.title),
                "sted": line.place,
                "aar1": str(line.start),
                "aar2": str(line.end),
            }
            if i == len(jobs) - 1:
                sentences.append(self._pick("job_sidste", stop_reason=self._fill(life.stop_reason), **values))
            else:
                sentences.append(self._pick("job", **values))
        if not jobs:
            sentences.append(self._pick("job_ingen"))
        return " ".join(sentences)

    def _diagnoser(self, day: dt.date) -> str:
        """The diagnoses besides the main one (which the story of the illness tells)."""
        others = self.health.conditions.split("\n")[1:] if self.health else []
        # Not those the story has just told ("angst og nedtrykthed").
        phrases = [_condition_phrase(c) for c in others if c]
        phrases = [p for p in phrases if p.split()[-1].lower() not in self.told]
        if not phrases:
            return ""
        return self._pick("diagnoser", diagnoser=_and(phrases))

    def _received(self, day: dt.date, items: Iterable[str]) -> list[str]:
        """The documents of `items` received by `day`, as a text names them, in that order."""
        sources: dict[str, str] = self.computed["kilder"]
        named = []
        for item_id in items:
            for d in self.docs:
                if d.item_id == item_id and d.received_on is not None and d.received_on <= day:
                    named.append(sources[item_id].format(hos=_person(d.sender), dato=fmt.date(d.received_on)))
        return named

    def _helbred_dokumentation(self, day: dt.date) -> str:
        named = self._received(day, _HEALTH_ITEMS)
        if self.health is not None and self.health.note_date <= day:
            named.append(
                self.computed["kilder"]["helbredsgennemgang"].format(
                    koordinator=self.values["koordinator"], dato=fmt.date(self.health.note_date)
                )
            )
        sentences = [self._pick("dokumentation", liste=_and(named))] if named else []
        for d in self.docs:
            name = self.computed["afventer"].get(d.item_id)
            if name is None or d.requested_on is None or d.requested_on > day:
                continue
            if d.received_on is None or d.received_on > day:
                sentences.append(
                    self._pick(
                        "dokumentation_afventer",
                        dokument=name,
                        hos=_person(d.sender),
                        dato=fmt.date(d.requested_on),
                        frist=fmt.date(d.expected_by),
                    )
                )
        if not sentences:
            sentences.append(self._pick("dokumentation_ingen"))
        return " ".join(sentences)

    def _funktion(self, day: dt.date) -> str:
        health = self.health
        if health is not None and health.note_date <= day:
            limits = " ".join(line for line in health.functional_limits.split("\n") if line)
            text = self._pick("funktion_sk", dato=fmt.date(health.note_date), begraensninger=limits)
            skaane = _and([_lower_first(s) for s in health.skaanehensyn.split("\n") if s])
            return f"{text} {self._pick('skaanehensyn', skaane=skaane)}"
        limits = " ".join(self.rng.sample(self.profile["functional_limits"], 2))
        return self._pick("funktion_egen", begraensninger=limits)

    def _praktik_helbred(self, day: dt.date) -> str:
        p = self.praktik
        stats = _stats(p, day) if p is not None else None
        if p is None or stats is None or stats.weeks < 3 or "praktik" not in self.facts:
            return self._pick("ingen_praktik")
        values = {
            "praktik_uger": str(stats.weeks),
            "timer_start": fmt.decimal(stats.first),
            "timer_nu": fmt.decimal(stats.last),
            "timer_snit": fmt.decimal(stats.mean),
            "fravaer_uger": str(stats.absent),
        }
        limit = self._fill(self.rng.choice(self.profile["praktik_graense"]))
        if "stigende" in self.facts:
            sentences = [self._pick("praktik_stigende", **values)]
        elif "faldende" in self.facts:
            sentences = [self._pick("praktik_faldende", graense=limit, **values)]
        else:
            sentences = [self._pick("praktik_flad", **values)]
            if stats.tried_more:
                sentences.append(self._pick("praktik_flad_forsoeg", graense=limit))
        if stats.absent >= 2:
            sentences.append(self._pick("praktik_fravaer", **values))
        for d in self.docs:
            mine = d.item_id == "praktik_udtalelse" and d.instance == f"placement-{p.id}"
            if mine and d.received_on is not None and d.received_on <= day:
                sentences.append(self._pick("praktik_udtalelse", dato=fmt.date(d.received_on)))
        return " ".join(sentences)

    def _forsoergelse(self, day: dt.date) -> str:
        """The benefits by period as they stood on `day`."""
        periods = [
            Period(p.benefit, p.start, None if p.end is None or p.end >= day else p.end, p.note)
            for p in self.life.periods
            if p.start <= day
        ]
        years = support_years(periods, day)
        if years:
            sentences = [self._pick("forsoergelse_aar", antal=_NUMBERS[years])]
        else:
            sentences = [self._pick("forsoergelse_nul")]
        told: dict[str, str] = self.computed["periode"]
        support = [i for i, p in enumerate(periods) if p.benefit is not PeriodBenefit.LOEN]
        first = support[0] if support else len(periods)
        # The work just before support began, then every period since.
        for p in periods[max(0, first - 1) :]:
            key = p.benefit.value + ("_nu" if p.end is None else "")
            template = told.get(key)
            if template is None:
                continue
            sentences.append(
                self._fill(
                    template,
                    fra=fmt.date(p.start),
                    til=fmt.date(p.end),
                    aar1=str(p.start.year),
                    aar2=str((p.end or self.case.horizon).year),
                )
            )
        return " ".join(sentences)

    def _indsatser(self, day: dt.date) -> str:
        case, life = self.case, self.life
        lines = []
        rf = life.had_rf
        if rf is not None and rf.end is not None:
            lines.append(self._pick("indsats_rf", aar1=str(rf.start.year), aar2=str(rf.end.year)))
        hours: dict[str, str] = self.computed["timer"]
        for p in sorted(case.placements, key=lambda p: p.start_date):
            if p.start_date > day:
                continue
            stats = _stats(p, day)
            if p.kind in (PlacementKind.LOENTILSKUD, PlacementKind.SMAAJOB):
                trend = "fast"
            elif stats.weeks < 3:
                trend = "kort"
            elif p is self.praktik and case.story is not None:
                trend = {"rise": "stigende", "fall": "faldende"}.get(case.story.trend, "flad")
            else:
                trend = "flad"
            timer = hours[trend].format(
                uger=stats.weeks,
                snit=fmt.decimal(stats.mean),
                t1=fmt.decimal(stats.first),
                t2=fmt.decimal(stats.last),
            )
            ended = bool(p.result)
            period = (
                f"{fmt.date(p.start_date)} – {fmt.date(p.planned_end)}" if ended else f"fra {fmt.date(p.start_date)}"
            )
            lines.append(
                self._pick(
                    "indsats_praktik",
                    art=PLACEMENT_LABELS[p.kind],
                    sted=p.employer_name,
                    periode=period,
                    timer=timer,
                    resultat=p.result or "Igangværende.",
                )
            )
        for a in sorted(case.citizen.activities if case.citizen else [], key=lambda a: a.start_date or day):
            if a.start_date is None or a.start_date > day:
                continue
            ended = a.end_date is not None and a.end_date <= day
            period = f"{fmt.date(a.start_date)} – {fmt.date(a.end_date)}" if ended else f"fra {fmt.date(a.start_date)}"
            result = a.result if ended and a.result else "Igangværende."
            lines.append(
                self._pick("indsats_aktivitet", titel=a.title, udbyder=a.provider, periode=period, resultat=result)
            )
        self.no_efforts = not lines
        if not lines:
            return self._pick("indsats_ingen")
        return "\n".join(f"– {line}" for line in lines)

    def _grundlag(self, day: dt.date) -> str:
        named = self._received(day, (*_HEALTH_ITEMS, "praktik_udtalelse", "sof_oplysninger", "suf_oplysninger"))
        if not named:
            return self._pick("grundlag_tom")
        return self._pick("grundlag", liste=_and(named))


def citizen_skaane(case: Case) -> str:
    """The skånehensyn of the case's placements, when there is no sundhedskoordinator's note."""
    return next((p.skaanehensyn for p in case.placements if p.skaanehensyn), "")


def _stats(p: Placement, day: dt.date) -> _Stats:
    until = day.isocalendar()[:2]
    weeks = [h for h in p.hours if (h.iso_year, h.iso_week) <= until]
    worked = [h.attended_hours for h in weeks if h.absence_reason is None] or [0.0]
    planned = [h.planned_hours for h in weeks] or [0.0]
    return _Stats(
        weeks=len(weeks),
        first=worked[0],
        last=worked[-1],
        mean=half_hours(sum(worked) / len(worked)),
        absent=sum(h.absence_reason is not None for h in weeks),
        tried_more=max(planned) >= min(planned) + 3,
    )


def _in_district(name: str) -> str:
    """ "på Nørrebro", "på Amager", "i Valby"."""
    return f"på {name}" if name in ("Nørrebro", "Amager", "Østerbro", "Vesterbro") else f"i {name}"


def _person(name: str) -> str:
    """A doctor inside a sentence: "Speciallæge i psykiatri Maria Holst" -> "speciallæge i …";
    a unit ("Rygklinikken, …", "Lægehuset …") keeps its capital."""
    return _lower_first(name) if name.startswith(("Læge ", "Speciallæge ")) else name


def _and(items: Sequence[str]) -> str:
    """ "a", "a og b", "a, b og c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def _lower_first(text: str) -> str:
    """ "Rengøringsassistent" -> "rengøringsassistent"; "AMU: …", "KOL", "PTSD" stay."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _condition_phrase(condition: str) -> str:
    """A diagnosis as it reads in a sentence: "Depression, moderat" -> "moderat depression"."""
    head, _, qualifier = condition.partition(", ")
    phrase = f"{qualifier} {_lower_first(head)}" if qualifier else _lower_first(head)
    return phrase


def _children_text(ages: Sequence[int]) -> str:
    if not ages:
        return ""
    count = _NUMBERS[len(ages)] if len(ages) < len(_NUMBERS) else str(len(ages))
    if all(age >= 18 for age in ages):
        return "et voksent barn" if len(ages) == 1 else f"{count} voksne børn"
    if all(age < 18 for age in ages):
        if len(ages) == 1:
            return f"et barn på {ages[0]} år"
        return f"{count} børn på {_and([str(a) for a in ages])} år"
    home = sum(age < 18 for age in ages)
    return f"{count} børn, hvoraf {_NUMBERS[home]} bor hjemme"
