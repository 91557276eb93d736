"""A demo citizen's virksomhedsplaceringer and their hours week by week: rising,
stalling, falling or steady, as the visitation group's story asks. A praktik longer
than LAB § 61 allows at first carries its extensions, each a step of the rules
(`resources/rules/praktik.toml`) with its reason."""

from __future__ import annotations

import datetime as dt

from db.enums import AbsenceReason, PlacementKind
from db.models import HoursEntry, Placement, PlacementExtension
from jobraad.dates import monday_of
from jobraad.demo.builder import FLEKS, G1, G2, G3, G4, Builder, Case, PlacementStory, half_hours, in_weeks
from jobraad.praktik_rules import extension_step, load_rules, weeks_after


def case_placements(b: Builder, case: Case) -> list[Placement]:
    group = case.group
    p_has = {G1: 0.85, G2: 0.6, G3: 0.7, G4: 0.15, FLEKS: 0.4}[group]
    if not b.chance(p_has):
        return []
    if group is G1:
        kind = b.weighted(
            {PlacementKind.VIRKSOMHEDSPRAKTIK: 60, PlacementKind.LOENTILSKUD: 25, PlacementKind.SMAAJOB: 15}
        )
        trend = b.weighted({"rise": 60, "stall": 25, "fall": 15})
        weeks = b.rng.randint(6, 30)
    elif group is G2:
        kind = b.weighted(
            {PlacementKind.SNUSEPRAKTIK: 50, PlacementKind.GRUPPEPRAKTIK: 25, PlacementKind.INTERN_PRAKTIK: 25}
        )
        trend = b.weighted({"rise": 50, "stall": 40, "fall": 10})
        weeks = b.rng.randint(2, 10)
    elif group is G3:
        kind = b.weighted({PlacementKind.VIRKSOMHEDSPRAKTIK: 85, PlacementKind.INTERN_PRAKTIK: 15})
        trend = b.weighted({"stall": 50, "fall": 30, "rise": 20})
        weeks = b.rng.randint(8, 30)
    elif group is G4:
        kind, trend, weeks = PlacementKind.INTERN_PRAKTIK, "stall", b.rng.randint(3, 12)
    else:
        kind = b.weighted({PlacementKind.VIRKSOMHEDSPRAKTIK: 75, PlacementKind.SMAAJOB: 25})
        trend, weeks = "stall", b.rng.randint(4, 20)
    if kind in (PlacementKind.LOENTILSKUD, PlacementKind.SMAAJOB):
        trend = "steady"
    placements = [_placement(b, case, kind, trend, weeks, main=True)]
    case.placements = placements
    # Some have an earlier placement that ended.
    if group in (G1, G3, FLEKS) and b.chance(0.3):
        end = placements[0].start_date - in_weeks(b.rng.randint(2, 12))
        length = b.rng.randint(4, 13)
        earlier = _placement(
            b, case, PlacementKind.VIRKSOMHEDSPRAKTIK, b.pick(("stall", "fall", "rise")), length, end=end
        )
        earlier.result = b.pick(b.texts["placement_results"]["ended"])
        placements.insert(0, earlier)
    return placements


# Reasons for a step "ved et helt særligt behov" (LAB § 61, stk. 2, 2. pkt.), taken in turn.
SPECIAL_NEED_REASONS = (
    "Helt særligt behov: arbejdsevnen er ved at blive afklaret til rehabiliteringsteamet, og et skift nu "
    "ville afbryde afklaringen.",
    "Helt særligt behov: borgeren er ved at øge timetallet med støtte fra mentor; praktikken er det "
    "eneste sted, hvor progressionen kan dokumenteres.",
)


def _extensions(
    start: dt.date, end: dt.date, first_reason: str, today: dt.date
) -> tuple[list[PlacementExtension], dt.date]:
    """The extensions that take a praktik from its base length towards `end` as the rules allow: each
    step decided two weeks before the period then allowed runs out, and as long as the step permits.
    A step that would be decided after `today` is not taken. Returns the rows and the allowed end."""
    rules = load_rules()
    allowed = weeks_after(start, rules.period_on(start).base_weeks)
    rows: list[PlacementExtension] = []
    while end > allowed:
        decided_on = allowed - dt.timedelta(weeks=2)
        if decided_on > today:
            break
        step = extension_step(rules, start, allowed, decided_on)
        limits = [end]
        if step.to_weeks is not None:
            limits.append(weeks_after(start, step.to_weeks))
        if step.weeks_per_step is not None:
            limits.append(weeks_after(allowed, step.weeks_per_step))
        allowed = min(limits)
        reason = first_reason if not rows else SPECIAL_NEED_REASONS[len(rows) % len(SPECIAL_NEED_REASONS)]
        rows.append(PlacementExtension(decided_on=decided_on, extended_to=allowed, step=step.id, reason=reason))
    return rows, allowed


def _placement(
    b: Builder,
    case: Case,
    kind: PlacementKind,
    trend: str,
    weeks: int,
    *,
    main: bool = False,
    end: dt.date | None = None,
) -> Placement:
    rng = b.rng
    if end is None:
        # Hours are logged up to last week; for some, this week is logged too.
        last_monday = monday_of(case.horizon)
        if case.closed_outcome is None and not b.chance(0.3):
            last_monday -= in_weeks(1)
    else:
        last_monday = monday_of(end)
    first_monday = last_monday - in_weeks(weeks - 1)
    start = first_monday + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))

    if kind in (PlacementKind.INTERN_PRAKTIK, PlacementKind.GRUPPEPRAKTIK):
        employer, sector = b.pick(b.data["internal_placements"]["names"]), "intern"
    else:
        taken = {p.employer_name for p in case.placements}
        choices = [e for e in b.data["employers"] if e["name"] not in taken]
        emp = b.pick(choices)
        employer, sector = emp["name"], emp["sector"]

    series = _hours_series(b, trend, weeks, kind)
    hours = []
    for i, (planned, attended, absence, reason) in enumerate(series):
        iso = (first_monday + in_weeks(i)).isocalendar()
        recent = i >= weeks - 3 and end is None
        observation, follow_up = "", False
        if reason is not None:
            if b.chance(0.6):
                observation = b.pick(b.texts["observations"]["absence"])
            follow_up = recent and b.chance(0.4)
        elif b.chance(0.25):
            observation = b.pick(b.texts["observations"][trend if trend != "steady" else "rise"])
            follow_up = recent and trend == "fall" and b.chance(0.5)
        hours.append(
            HoursEntry(
                iso_year=iso.year,
                iso_week=iso.week,
                planned_hours=planned,
                attended_hours=attended,
                absence_hours=absence,
                absence_reason=reason,
                observation=observation,
                follow_up=follow_up,
            )
        )

    if kind is PlacementKind.SNUSEPRAKTIK:
        planned_end: dt.date | None = start + in_weeks(max(weeks, rng.randint(2, 4)))
    elif kind is PlacementKind.LOENTILSKUD:
        planned_end = start + in_weeks(26)
    elif kind is PlacementKind.SMAAJOB:
        planned_end = None
    else:
        planned_end = start + in_weeks(13)
    extension = ""
    if planned_end is not None and weeks > 13 and kind is not PlacementKind.LOENTILSKUD:
        planned_end = start + in_weeks(weeks + rng.randint(2, 8))
        extension = b.pick(b.texts["extension_reasons"])
    if end is not None or case.closed_outcome is not None:
        planned_end = min(last_monday + dt.timedelta(days=4), end or case.horizon)

    mentor_kind = mentor_name = ""
    if kind is not PlacementKind.SNUSEPRAKTIK and b.chance(0.4):
        mentor_kind, mentor_name = b.pick(b.texts["mentor_kinds"]), b.danish_name()
    skaane = ""
    if case.health is not None:
        skaane = case.health.skaanehensyn
    elif case.old or case.group is G3:
        skaane = "\n".join(rng.sample(b.writing["profiles"][case.profile]["skaanehensyn"], rng.randint(1, 3)))

    placement = Placement(
        kind=kind,
        employer_name=employer,
        contact_person=f"{b.danish_name()} ({b.pick(b.texts['contact_roles']).lower()})",
        contact_phone=b.phone(),
        tasks=b.pick(b.data["tasks"][sector]),
        start_date=start,
        planned_end=planned_end,
        planned_hours_per_week=series[-1][0],
        mentor_kind=mentor_kind,
        mentor_name=mentor_name,
        skaanehensyn=skaane,
        hours=hours,
    )
    if planned_end is not None and load_rules().is_section61(kind):
        first_reason = extension or b.texts["extension_reasons"][0]
        placement.extensions, allowed = _extensions(start, planned_end, first_reason, case.horizon)
        placement.planned_end = min(planned_end, allowed)
    if main:
        worked = [a for _, a, _, r in series if r is None] or [0.0]
        case.story = PlacementStory(
            placement=placement,
            trend=trend,
            weeks=weeks,
            first_hours=worked[0],
            last_hours=worked[-1],
            mean_hours=half_hours(sum(worked) / len(worked)),
        )
    return placement


def _hours_series(
    b: Builder, trend: str, weeks: int, kind: PlacementKind
) -> list[tuple[float, float, float, AbsenceReason | None]]:
    """(planned, attended, absence, absence reason) per week: rising, stalling, falling or steady."""
    rng = b.rng
    if trend == "rise":
        low = rng.uniform(3, 6)
        high = rng.uniform(8, 10) if kind is PlacementKind.SNUSEPRAKTIK else rng.uniform(12, 20)
        ramp = max(1.0, 0.8 * (weeks - 1))
        planned_by_week = [round(low + (high - low) * min(1.0, i / ramp)) for i in range(weeks)]
    elif trend == "stall":
        level = rng.uniform(5, 8)
        planned_by_week = [round(level)] * weeks
        if weeks >= 8 and b.chance(0.5):  # a try at more hours that did not hold
            trial = rng.randint(weeks // 3, weeks // 2)
            for i in range(trial, min(weeks, trial + 3)):
                planned_by_week[i] = round(level) + 3
    elif trend == "fall":
        high = rng.uniform(10, 15)
        cut = int(weeks * 2 / 3)
        planned_by_week = [round(high) if i < cut else 6 for i in range(weeks)]
    else:  # steady: løntilskud or småjob with agreed hours
        level = rng.choice((25, 30, 32)) if kind is PlacementKind.LOENTILSKUD else rng.choice((8, 10, 12))
        planned_by_week = [level] * weeks

    p_absent = {"rise": 0.06, "stall": 0.1, "fall": 0.18, "steady": 0.05}[trend]
    series: list[tuple[float, float, float, AbsenceReason | None]] = []
    for i, planned_int in enumerate(planned_by_week):
        planned = float(planned_int)
        if trend == "stall":
            attended = half_hours(min(planned, level + rng.gauss(0, 0.7)))
        elif trend == "fall":
            share = i / max(1, weeks - 1)
            attended = half_hours(min(planned, high - (high - 4.5) * share + rng.gauss(0, 0.8)))
        else:
            attended = half_hours(planned - abs(rng.gauss(0, 0.6)))
        reason = None
        if i > 0 and rng.random() < p_absent:
            reason = AbsenceReason.SYGDOM if rng.random() < 0.75 else AbsenceReason.ANDET
            attended = 0.0 if rng.random() < 0.5 else half_hours(planned * rng.uniform(0.3, 0.7))
        attended = max(0.0, min(attended, planned))
        absence = planned - attended if reason is not None else 0.0
        series.append((planned, attended, absence, reason))
    return series


def hours_in_week(placement: Placement, day: dt.date) -> float:
    """The hours worked in the week of `day` (the plan, if the citizen was away that week)."""
    iso = day.isocalendar()
    for entry in placement.hours:
        if (entry.iso_year, entry.iso_week) == (iso.year, iso.week):
            return entry.planned_hours if entry.absence_reason else entry.attended_hours
    return 0.0
