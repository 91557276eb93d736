"""A demo citizen's life before the case: school, education and jobs (the CV), the benefits by
period (the forsørgelseshistorik) and the family.

Drawn from the case's own random stream, so the rest of the caseload does not move when this
changes. The years hang together: school ends at 16 or 17 (or abroad, before the citizen came to
Denmark as an adult), jobs fill the years until public support began, and the periods of support
add up to the citizen's years on support among the last ten (`Life.support_years`, stored as
`Citizen.support_years_last10`). The current period is the citizen's benefit type. The case
texts (`writing`) are written from the same facts, so the CV and its text say the same.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from db.enums import BenefitType, CvKind, PeriodBenefit
from jobraad.demo.builder import FLEKS, G3, Case, fleks_visitation, years_before

# The benefit a citizen receives now, as a period of the forsørgelseshistorik.
PERIOD_OF: dict[BenefitType, PeriodBenefit] = {
    BenefitType.KONTANTHJAELP: PeriodBenefit.KONTANTHJAELP,
    BenefitType.UDDANNELSESHJAELP: PeriodBenefit.UDDANNELSESHJAELP,
    BenefitType.SYGEDAGPENGE: PeriodBenefit.SYGEDAGPENGE,
    BenefitType.JOBAFKLARING: PeriodBenefit.JOBAFKLARING,
    BenefitType.RESSOURCEFORLOEB: PeriodBenefit.RESSOURCEFORLOEB,
    BenefitType.LEDIGHEDSYDELSE: PeriodBenefit.LEDIGHEDSYDELSE,
    BenefitType.SELVFORSOERGET: PeriodBenefit.SELVFORSOERGET,
    BenefitType.ANDET: PeriodBenefit.ANDET,
}
# Periods that are not public support (offentlig forsørgelse) when years on support are counted.
NOT_SUPPORT = frozenset({PeriodBenefit.LOEN, PeriodBenefit.SELVFORSOERGET, PeriodBenefit.SU, PeriodBenefit.FLEKSJOB})
# Ressourceforløb ended for new citizens with lov nr. 1750 (1 February 2026).
_LAST_RF_START = dt.date(2026, 1, 31)


@dataclass(frozen=True)
class CvLine:
    """A line of the CV, with what a sentence about it needs."""

    kind: CvKind
    title: str
    place: str  # as in a sentence: "i et rengøringsfirma i Valby"; the CV drops the preposition
    start: int
    end: int
    note: str = ""
    phrase: str = ""  # an education in a sentence: "murer" (uddannet murer)
    abroad: bool = False
    finished: bool = True
    course: bool = False
    danish: bool = False  # danskuddannelse

    @property
    def cv_place(self) -> str:
        words = self.place.split(" ")
        if words and words[0] in ("i", "på", "hos"):
            words = words[1:]
        if words and words[0] in ("en", "et"):
            words = words[1:]
        text = " ".join(words)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Period:
    benefit: PeriodBenefit
    start: dt.date
    end: dt.date | None  # None: still
    note: str = ""


@dataclass
class Life:
    grew_up: str  # "dk", "efterkommer" (non-Danish origin, grew up in Denmark) or "udl" (abroad)
    country: str  # where an "udl" citizen grew up
    arrived: int | None  # the year an "udl" citizen came to Denmark
    school_years: int
    school_end: int
    school_class: str  # "9. klasse", "10. klasse"
    school_town: str
    trade: dict[str, Any]
    support_years: int  # years on public support among the last ten, counted from `periods`
    partner: bool
    children: list[int]  # their ages
    grandchildren: bool
    driving_licence: bool
    onset: int  # the year the illness began
    stop_reason: str  # why the last job ended (a template: {han} …)
    cv: list[CvLine] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)

    @property
    def jobs_dk(self) -> list[CvLine]:
        return [c for c in self.cv if c.kind is CvKind.JOB and not c.abroad]

    @property
    def had_rf(self) -> Period | None:
        return next((p for p in self.periods if p.benefit is PeriodBenefit.RESSOURCEFORLOEB and p.end), None)


def support_years(periods: list[Period], today: dt.date) -> int:
    """Whole years on public support among the ten before `today`."""
    since = years_before(today, 10)
    days = 0
    for p in periods:
        if p.benefit in NOT_SUPPORT:
            continue
        start, end = max(p.start, since), min(p.end or today, today)
        days += max(0, (end - start).days + 1)
    return min(10, int(days / 365.25))


def make_life(w: dict[str, Any], case: Case, benefit: BenefitType, support_target: int, today: dt.date) -> Life:
    """The life of the citizen of `case` (facts of the case already drawn), from its own stream."""
    rng = random.Random(case.text_seed)
    born = case.born
    profile = w["profiles"][case.profile]
    if case.origin == "dansk":
        grew_up = "dk"
    elif case.language == "dansk":
        grew_up = "efterkommer"
    else:
        grew_up = "udl"
    trades = [t for t in w["trades"] if ("udl" if grew_up == "udl" else "dk") in t["for"]]
    trade = rng.choice(trades)

    country, arrived = "", None
    if grew_up == "udl":
        abroad = w["abroad"][case.origin]
        country = rng.choice(abroad["countries"])
        school_years = rng.randint(4, 12)
        school_end = born.year + 6 + school_years
        low = max(abroad["arrived"][0], born.year + 18)
        high = min(abroad["arrived"][1], today.year - 2)
        arrived = min(rng.randint(low, max(low, high)), today.year - 1)
        school_class, school_town = "", ""
    else:
        tenth = rng.random() < 0.35
        school_years = 10 if tenth else 9
        school_end = born.year + (17 if tenth else 16)
        school_class = "10. klasse" if tenth else "9. klasse"
        school_town = "København" if grew_up == "efterkommer" else rng.choice(w["places"]["school_towns"])

    # The years on support end today (or when the citizen began to live on a partner's income).
    end = today
    self_from: dt.date | None = None
    if benefit is BenefitType.SELVFORSOERGET:
        self_from = today - dt.timedelta(days=rng.randint(180, 900))
        end = self_from - dt.timedelta(days=1)
    if support_target == 0:
        span = rng.randint(60, 330)
    elif support_target >= 10:
        span = rng.randint(10 * 365 + 30, 18 * 365)
    else:
        span = support_target * 365 + rng.randint(30, 330)
    earliest = dt.date(born.year + 18, born.month, 1)
    if arrived is not None:
        earliest = max(earliest, dt.date(arrived, rng.randint(1, 12), 1))
    chain_start = max(end - dt.timedelta(days=span), earliest)
    if chain_start > end:  # came to Denmark after the partner began to provide
        chain_start = end - dt.timedelta(days=60)

    # Educations and jobs before support began.
    cv: list[CvLine] = []
    work_from = school_end + rng.randint(0, 2)
    if grew_up == "udl":
        assert arrived is not None
        job = _abroad_job(w, rng, case.male)
        year = max(school_end, born.year + 15)
        if job is not None and job.get("education"):
            edu_end = min(year + rng.randint(3, 4), arrived - 1)
            if edu_end > year:
                cv.append(
                    CvLine(
                        CvKind.UDDANNELSE,
                        f"{job['education']} ({country})",
                        f"i {country}",
                        year,
                        edu_end,
                        note="Ikke anerkendt i Danmark",
                        phrase=job["phrase"],
                        abroad=True,
                    )
                )
                year = edu_end
        if job is not None and arrived - year >= 2:
            place = job["place"].format(land=country)
            cv.append(CvLine(CvKind.JOB, job["title"], place, year, arrived - 1, abroad=True))
        danish_end = min(arrived + rng.randint(1, 3), today.year)
        cv.append(
            CvLine(
                CvKind.UDDANNELSE,
                f"Danskuddannelse {rng.choice((1, 2))}",
                "på en sprogskole i København",
                arrived,
                danish_end,
                danish=True,
            )
        )
        work_from = arrived + rng.randint(1, 3)
    elif trade.get("education") and rng.random() < 0.75:
        start = school_end + rng.randint(0, 2)
        finished = rng.random() < 0.8
        length = trade["years"] if finished else 1
        cv.append(
            CvLine(
                CvKind.UDDANNELSE,
                trade["education"],
                "",
                start,
                start + length,
                phrase=trade["phrase"],
                finished=finished,
                note="" if finished else "Ikke afsluttet",
            )
        )
        work_from = start + length + (0 if finished else rng.randint(0, 2))
    work_to = chain_start.year
    jobs = _jobs(w, rng, trade, work_from, work_to) if work_to - work_from >= 1 else []
    if jobs and trade.get("courses") and rng.random() < 0.5:
        year = jobs[0].start  # taken when the citizen began in the trade
        cv.append(CvLine(CvKind.UDDANNELSE, trade["courses"][0], "", year, year, course=True))
    cv.extend(jobs)

    periods = _periods(rng, case, benefit, jobs, chain_start, end, arrived, self_from, today)
    partner = rng.random() < (0.55 if case.old else 0.5 if case.age >= 40 else 0.4)
    children = _children(rng, case.age, grew_up)
    return Life(
        grew_up=grew_up,
        country=country,
        arrived=arrived,
        school_years=school_years,
        school_end=school_end,
        school_class=school_class,
        school_town=school_town,
        trade=trade,
        support_years=support_years(periods, today),
        partner=partner,
        children=children,
        grandchildren=any(age >= 24 for age in children) and rng.random() < 0.6,
        driving_licence=rng.random() < (0.35 if grew_up == "udl" else 0.6),
        # The illness that ended the last job began by then.
        onset=max(born.year + 15, min([today.year - rng.randint(*profile["onset"]), *(j.end for j in jobs[-1:])])),
        stop_reason=rng.choice(profile["stop_reason"]),
        cv=cv,
        periods=periods,
    )


def _abroad_job(w: dict[str, Any], rng: random.Random, male: bool) -> dict[str, Any] | None:
    if rng.random() < 0.35:
        return None
    gender = "mand" if male else "kvinde"
    fits = [j for j in w["abroad_jobs"] if all(n == gender for n in j.get("needs", ()))]
    job: dict[str, Any] = rng.choice(fits)
    return job


def _jobs(w: dict[str, Any], rng: random.Random, trade: dict[str, Any], start: int, end: int) -> list[CvLine]:
    """One to three jobs of the trade from `start` to `end` (years), one after the other."""
    years = end - start
    count = 1 if years < 6 else rng.choice((1, 2, 2, 3))
    cuts = sorted(rng.sample(range(start + 1, end), count - 1)) if count > 1 else []
    bounds = [start, *cuts, end]
    titles = rng.sample(trade["jobs"], min(count, len(trade["jobs"])))
    lines = []
    for i in range(count):
        title, place = titles[i % len(titles)]
        lines.append(
            CvLine(CvKind.JOB, title, place.format(by=rng.choice(w["places"]["work_towns"])), bounds[i], bounds[i + 1])
        )
    return lines


def _periods(
    rng: random.Random,
    case: Case,
    benefit: BenefitType,
    jobs: list[CvLine],
    start: dt.date,
    end: dt.date,
    arrived: int | None,
    self_from: dt.date | None,
    today: dt.date,
) -> list[Period]:
    """Work (one period per job in Denmark), then public support from `start` to `end`, ending in
    the current benefit; the SELVFORSOERGET citizen's own period after `end`."""
    now = PERIOD_OF[benefit]
    # Jobs follow one another: each ends when the next begins, the last when support began.
    steps = [(PeriodBenefit.LOEN, dt.date(job.start, rng.randint(1, 12), 1), job.title) for job in jobs]
    day = start
    chain: list[tuple[PeriodBenefit, dt.date, str]] = []
    days_left = (end - day).days
    if now in (PeriodBenefit.SYGEDAGPENGE, PeriodBenefit.JOBAFKLARING):
        if now is PeriodBenefit.JOBAFKLARING and days_left > 300:
            chain.append((PeriodBenefit.SYGEDAGPENGE, day, ""))
            day += dt.timedelta(days=rng.randint(150, min(300, days_left - 90)))
        chain.append((now, day, ""))
    else:
        main = (
            PeriodBenefit.UDDANNELSESHJAELP if now is PeriodBenefit.UDDANNELSESHJAELP else PeriodBenefit.KONTANTHJAELP
        )
        if jobs and days_left > 500 and rng.random() < 0.35:
            chain.append((PeriodBenefit.SYGEDAGPENGE, day, ""))
            day += dt.timedelta(days=rng.randint(150, 360))
        elif arrived is not None and arrived >= 1999 and not jobs and days_left > 4 * 365:
            chain.append((PeriodBenefit.HJEMREJSEYDELSE, day, ""))
            day += dt.timedelta(days=rng.randint(2 * 365, 4 * 365))
        chain.append((main, day, ""))
        room = (min(end, _LAST_RF_START) - day).days - 3 * 365
        if case.group in (G3, FLEKS) and room > 365 and rng.random() < 0.35:
            rf_start = day + dt.timedelta(days=rng.randint(365, room))
            rf_end = min(rf_start + dt.timedelta(days=rng.randint(365, 3 * 365)), end - dt.timedelta(days=365))
            chain.append((PeriodBenefit.RESSOURCEFORLOEB, rf_start, ""))
            chain.append((main, rf_end + dt.timedelta(days=1), ""))
        if now is not main:
            if now is PeriodBenefit.LEDIGHEDSYDELSE:
                since = (
                    fleks_visitation(case)[1] if case.group is FLEKS else end - dt.timedelta(days=rng.randint(60, 400))
                )
            else:
                since = end - dt.timedelta(days=rng.randint(60, 300))
            since = max(since, chain[-1][1] + dt.timedelta(days=30))
            if since <= end:
                chain.append((now, since, "Visiteret til fleksjob" if now is PeriodBenefit.LEDIGHEDSYDELSE else ""))
            else:
                chain[-1] = (now, chain[-1][1], "")
    periods: list[Period] = []
    for i, (kind, first, note) in enumerate(steps):
        last = steps[i + 1][1] - dt.timedelta(days=1) if i + 1 < len(steps) else start - dt.timedelta(days=1)
        if last >= first:
            periods.append(Period(kind, first, last, note))
    for i, (kind, first, note) in enumerate(chain):
        last = chain[i + 1][1] - dt.timedelta(days=1) if i + 1 < len(chain) else end
        periods.append(Period(kind, first, last, note))
    if self_from is not None:
        periods.append(Period(PeriodBenefit.SELVFORSOERGET, self_from, None, "Forsørget af ægtefælle"))
    elif periods:
        periods[-1] = Period(periods[-1].benefit, periods[-1].start, None, periods[-1].note)
    return [p for p in periods if p.start <= today]


def _children(rng: random.Random, age: int, grew_up: str) -> list[int]:
    weights = [20, 20, 30, 18, 12] if grew_up == "udl" else [30, 22, 30, 13, 5]
    count = rng.choices(range(5), weights=weights)[0]
    ages = []
    for _ in range(count):
        at_birth = rng.randint(20, 40)
        if at_birth <= age:
            ages.append(age - at_birth)
    return sorted(ages, reverse=True)


def life_rows(cases: list[Case]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The benefit periods and CV lines of the stored cases, as values for bulk inserts."""
    periods: list[dict[str, Any]] = []
    cv: list[dict[str, Any]] = []
    for case in cases:
        life, citizen = case.life, case.citizen
        if life is None or citizen is None:
            continue
        periods.extend(
            {"citizen_id": citizen.id, "benefit": p.benefit, "start_date": p.start, "end_date": p.end, "note": p.note}
            for p in life.periods
        )
        cv.extend(
            {
                "citizen_id": citizen.id,
                "kind": c.kind,
                "title": c.title,
                "place": c.cv_place,
                "start_year": c.start,
                "end_year": c.end,
                "note": c.note,
            }
            for c in life.cv
        )
    return periods, cv
