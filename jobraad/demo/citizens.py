"""Who the demo's citizens are (names, CPR, contact details, benefit, aim) and the
order in which each case is built: every part draws from the one random source, so
the order is part of what a seed gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db.enums import Aim, BenefitType, Outcome, VisitationGroup
from db.models import CaseOutcome, Citizen
from jobraad.demo.activities import case_activities
from jobraad.demo.builder import FLEKS, G1, G2, G3, G4, Builder, Case, fold_ascii, years_before
from jobraad.demo.health import contacts, health_notes, health_profile
from jobraad.demo.life import make_life
from jobraad.demo.meetings import deadlines, journal, meetings, rehab
from jobraad.demo.placements import case_placements
from jobraad.demo.visitation import current_forloeb, earlier_forloeb, goals

# Share of citizens aged 55–64 (the rest are 25–54), and share of closed cases.
OLD_SHARE = 0.45
CLOSED_SHARE = 0.10

# The first five citizens cover every group, whatever the seed.
_FIRST_GROUPS = (G3, G1, G2, G4, FLEKS)
_GROUP_WEIGHTS_OLD = {G1: 15, G2: 16, G3: 42, G4: 12, FLEKS: 15}
_GROUP_WEIGHTS_YOUNG = {G1: 30, G2: 25, G3: 20, G4: 15, FLEKS: 10}


def build_caseload(b: Builder, count: int) -> list[Citizen]:
    n_old = round(count * OLD_SHARE)
    old_flags = [True] * n_old + [False] * (count - n_old)
    b.rng.shuffle(old_flags)
    closable = list(range(len(_FIRST_GROUPS), count))
    n_closed = min(len(closable), round(count * CLOSED_SHARE))
    closed = set(b.rng.sample(closable, n_closed))
    return [_citizen(b, i, old_flags[i], i in closed) for i in range(count)]


def _citizen(b: Builder, index: int, old: bool, closed: bool) -> Citizen:
    rng = b.rng
    examples = b.data["examples"]
    if index < len(examples):
        ex = examples[index]
        origin_key, male = ex["origin"], ex["gender"] == "m"
        first, last = ex["first_name"], ex["last_name"]
    else:
        origin_key = rng.choices(b.origin_keys, weights=b.origin_weights)[0]
        male = b.chance(0.5)
        first, last = _name(b, origin_key, male)
    origin = b.data["origins"][origin_key]

    age = rng.randint(55, 64) if old else rng.choices(range(25, 55), weights=[10 + a - 25 for a in range(25, 55)])[0]
    born = _birth_date(b, age)
    cpr = _cpr(b, born, male)

    language, interpreter = origin["language"], False
    if language != "dansk":
        if age < 40 and b.chance(0.5):
            language = "dansk"
        else:
            p = origin["interpreter"] + (0.2 if old else 0.0) - (0.15 if age < 40 else 0.0)
            interpreter = b.chance(p)

    group = (
        _FIRST_GROUPS[index]
        if index < len(_FIRST_GROUPS)
        else b.weighted(_GROUP_WEIGHTS_OLD if old else _GROUP_WEIGHTS_YOUNG)
    )
    benefit = _benefit(b, group, age)
    aim = _aim(b, group, age)
    if group is G3 and benefit is BenefitType.JOBAFKLARING:
        aim = Aim.JOBAFKLARING  # sick, and the sygedagpenge could not be extended
    outcome = _outcome(b, group, aim, age) if closed else None
    horizon = b.today - dt.timedelta(days=rng.randint(7, 120)) if closed else b.today
    case = Case(
        index=index,
        old=old,
        age=age,
        group=group,
        aim=aim,
        closed_outcome=outcome,
        horizon=horizon,
        district=b.pick(b.data["districts"]),
        language=language,
        interpreter=interpreter,
        male=male,
        born=born,
        origin=origin_key,
    )
    case.profile = health_profile(b, case)

    citizen = Citizen(
        cpr=cpr,
        first_name=first,
        last_name=last,
        phone=b.phone(),
        email=_email(b, first, last, age, interpreter),
        address=_address(b, case.district),
        language=language,
        interpreter_needed=interpreter,
        benefit_type=benefit,
        support_years_last10=_support_years(b, old),
        aim=aim,
    )
    forloeb = current_forloeb(b, case)
    citizen.health_notes = health_notes(b, case)
    citizen.contacts = contacts(b, case)
    citizen.placements = case_placements(b, case)
    forloeb.extend(earlier_forloeb(b, case, forloeb[-1]))
    forloeb.sort(key=lambda f: f.start_date)
    citizen.forloeb = forloeb
    rehab(b, case)
    citizen.activities = case_activities(b, case)
    case.doc_seed = rng.getrandbits(64)
    case.citizen = citizen
    b.cases.append(case)
    goals(b, case, forloeb)
    citizen.meetings = meetings(b, case)
    citizen.journal = journal(b, case)
    citizen.deadlines = deadlines(b, case)
    if outcome is not None:
        citizen.outcomes = [CaseOutcome(outcome=outcome, closed_on=horizon, note=b.pick(b.texts["outcomes"][outcome]))]
    citizen.notes = _notes(b, case)
    citizen.created_at = dt.datetime.combine(forloeb[0].start_date, dt.time(9, 0))
    citizen.updated_at = dt.datetime.combine(horizon, dt.time(15, 30))
    citizen.case_number = _case_number(b, forloeb[0].start_date.year)
    # The citizen's life before the case, from its own stream (jobraad.demo.life); the years on
    # support are counted from its benefit periods, so the two agree.
    case.text_seed = rng.getrandbits(64)
    case.life = make_life(b.writing, case, benefit, citizen.support_years_last10, b.today)
    citizen.support_years_last10 = case.life.support_years
    return citizen


def _name(b: Builder, origin_key: str, male: bool) -> tuple[str, str]:
    origin = b.data["origins"][origin_key]
    first = b.pick(origin["male"] if male else origin["female"])
    last = b.pick(origin["surnames"])
    if "middle_male" in origin:
        first = f"{b.pick(origin['middle_male'] if male else origin['middle_female'])} {first}"
    if origin.get("feminine_surnames") and not male:
        last = _feminine(last)
    return first, last


def _birth_date(b: Builder, age: int) -> dt.date:
    latest = years_before(b.today, age)
    earliest = years_before(b.today, age + 1) + dt.timedelta(days=1)
    return b.day_between(earliest, latest)


def _cpr(b: Builder, born: dt.date, male: bool) -> str:
    """A CPR number whose 7th digit gives the right century (no modulus 11)."""
    yy = born.year % 100
    if born.year < 2000:
        sevenths = "0123" + ("49" if yy >= 37 else "")
    elif born.year <= 2036:
        sevenths = "456789"
    else:
        sevenths = "5678"
    last_digits = "13579" if male else "02468"
    for _ in range(10_000):
        cpr = f"{born:%d%m}{yy:02d}{b.pick(sevenths)}{b.rng.randrange(100):02d}{b.pick(last_digits)}"
        if cpr not in b.used:
            b.used.add(cpr)
            return cpr
    raise RuntimeError(f"no free CPR number for {born}")


def _email(b: Builder, first: str, last: str, age: int, interpreter: bool) -> str:
    p = 0.25 if interpreter else (0.8 if age < 45 else 0.55)
    if not b.chance(p):
        return ""
    local = f"{fold_ascii(first.split()[-1])}.{fold_ascii(last)}"
    if b.chance(0.5):
        local += str(b.rng.randint(1, 99))
    return f"{local}@{b.pick(('example.com', 'example.net', 'example.org'))}"


def _address(b: Builder, district: dict[str, Any]) -> str:
    street = b.pick(district["streets"])
    number = f"{b.rng.randint(1, 160)}{b.pick(('', '', '', '', 'A', 'B'))}"
    where = f"{street} {number}"
    if b.chance(0.9):
        floor = b.pick(("st.", "1.", "2.", "3.", "4.", "5."))
        where += f", {floor} {b.pick(('th.', 'tv.', 'mf.'))}"
    return f"{where}, {district['postnummer']} {district['by']}"


def _case_number(b: Builder, year: int) -> str:
    """A made-up sagsnummer in the jobcenter's form: the year, a dash and seven digits."""
    while True:
        number = f"{year}-0{b.rng.randrange(1_000_000):06d}"
        if number not in b.case_numbers:
            b.case_numbers.add(number)
            return number


def _support_years(b: Builder, old: bool) -> int:
    if old:
        return b.rng.randint(8, 10) if b.chance(0.72) else b.rng.randint(3, 7)
    return b.rng.choices(range(11), weights=[2, 3, 4, 5, 6, 6, 6, 5, 4, 3, 2])[0]


def _benefit(b: Builder, group: VisitationGroup, age: int) -> BenefitType:
    if group is FLEKS:
        return BenefitType.LEDIGHEDSYDELSE
    if age < 30 and b.chance(0.5):
        return BenefitType.UDDANNELSESHJAELP
    return b.weighted(
        {
            BenefitType.KONTANTHJAELP: 90,
            BenefitType.JOBAFKLARING: 4 if group is G3 else 0,
            BenefitType.SYGEDAGPENGE: 3,
            BenefitType.SELVFORSOERGET: 3,
        }
    )


def _aim(b: Builder, group: VisitationGroup, age: int) -> Aim:
    young = age < 35
    if group is G1:
        return Aim.UDDANNELSE if young and b.chance(0.25) else Aim.JOB
    if group is G2:
        return Aim.UDDANNELSE if young and b.chance(0.3) else Aim.JOB
    if group is G3:
        if age >= 55:
            return b.weighted({Aim.FLEKSJOB: 40, Aim.FOERTIDSPENSION: 40, Aim.RESSOURCEFORLOEB: 20})
        return b.weighted({Aim.FLEKSJOB: 40, Aim.RESSOURCEFORLOEB: 40, Aim.FOERTIDSPENSION: 10, Aim.REVALIDERING: 10})
    if group is G4:
        return b.weighted({Aim.JOB: 50, Aim.RESSOURCEFORLOEB: 30, Aim.UDDANNELSE: 20 if young else 0})
    return Aim.FLEKSJOB


def _outcome(b: Builder, group: VisitationGroup, aim: Aim, age: int) -> Outcome:
    if group is G3 and aim is Aim.JOBAFKLARING:
        return b.weighted({Outcome.ORDINAERT_JOB: 50, Outcome.FLEKSJOB: 25, Outcome.ANDEN_FORSOERGELSE: 25})
    if group is G3:
        return {
            Aim.FLEKSJOB: Outcome.FLEKSJOB,
            Aim.FOERTIDSPENSION: Outcome.FOERTIDSPENSION,
            Aim.RESSOURCEFORLOEB: Outcome.RESSOURCEFORLOEB,
        }.get(aim, Outcome.UDDANNELSE)
    if group is G1:
        return b.weighted({Outcome.ORDINAERT_JOB: 45, Outcome.SMAAJOB: 45, Outcome.UDDANNELSE: 10 if age < 35 else 0})
    if group is G2:
        return b.weighted({Outcome.SMAAJOB: 40, Outcome.ANDEN_FORSOERGELSE: 30, Outcome.FLYTTET: 30})
    if group is G4:
        return b.weighted(
            {Outcome.RESSOURCEFORLOEB: 35, Outcome.ANDEN_FORSOERGELSE: 30, Outcome.FLYTTET: 25, Outcome.ANDET: 10}
        )
    return b.weighted({Outcome.FLEKSJOB: 85, Outcome.FLYTTET: 15})


def _notes(b: Builder, case: Case) -> str:
    options = b.usable(b.texts["citizen_notes"], case)
    lines = b.rng.sample(options, b.rng.choice((0, 1, 1, 2)))
    if case.interpreter:
        lines.insert(0, b.fill(b.texts["interpreter_note"], case))
    return "\n".join(lines)


def _feminine(surname: str) -> str:
    """Polish surnames in -ski/-cki/-dzki take -ska/-cka/-dzka for women."""
    return surname[:-1] + "a" if surname.endswith(("ski", "cki", "dzki")) else surname
