"""A demo citizen's efforts besides placements: courses, workshops, mentors, offers
from SOF and SUF."""

from __future__ import annotations

import datetime as dt

from db.enums import ActivityKind
from db.models import Activity
from jobraad.demo.builder import FLEKS, G1, G2, G3, G4, Builder, Case, in_weeks, workday


def case_activities(b: Builder, case: Case) -> list[Activity]:
    kinds = {
        G1: [
            ActivityKind.WORKSHOP_CV,
            ActivityKind.AMU,
            ActivityKind.MENTOR_FASTHOLDELSE,
            ActivityKind.WORKSHOP_ARBEJDSPLADSKULTUR,
        ],
        G2: [
            ActivityKind.WORKSHOP_ARBEJDSPLADSKULTUR,
            ActivityKind.INTERN_INDSATS,
            ActivityKind.MENTOR_HELHEDSORIENTERET,
            ActivityKind.SUNDHEDSTILBUD_SUF,
        ],
        G3: [
            ActivityKind.SUNDHEDSTILBUD_SUF,
            ActivityKind.SOCIALT_TILBUD_SOF,
            ActivityKind.FORBEREDENDE_PLAN,
            ActivityKind.MENTOR_HELHEDSORIENTERET,
            ActivityKind.INTERN_INDSATS,
        ],
        G4: [
            ActivityKind.MENTOR_HELHEDSORIENTERET,
            ActivityKind.SOCIALT_TILBUD_SOF,
            ActivityKind.SUNDHEDSTILBUD_SUF,
        ],
        FLEKS: [ActivityKind.MENTOR_FASTHOLDELSE, ActivityKind.WORKSHOP_CV],
    }[case.group]
    if case.language != "dansk" or case.interpreter:
        kinds = [*kinds, ActivityKind.JOBDANSK, ActivityKind.FVU, ActivityKind.MENTOR_SPROG]
    chosen = b.rng.sample(kinds, min(len(kinds), b.rng.randint(1, 3)))
    if case.group is G4 and ActivityKind.MENTOR_HELHEDSORIENTERET not in chosen:
        chosen.insert(0, ActivityKind.MENTOR_HELHEDSORIENTERET)
    durations = {
        ActivityKind.WORKSHOP_CV: (0, 1),
        ActivityKind.WORKSHOP_ARBEJDSPLADSKULTUR: (0, 1),
        ActivityKind.AMU: (1, 3),
        ActivityKind.JOBDANSK: (8, 14),
        ActivityKind.FVU: (10, 20),
        ActivityKind.INTERN_INDSATS: (4, 8),
        ActivityKind.SUNDHEDSTILBUD_SUF: (6, 12),
        ActivityKind.FORBEREDENDE_PLAN: (4, 10),
    }
    rows = []
    for kind in chosen:
        info = b.texts["activities"][kind.value]
        start = workday(b.day_between(case.forloeb_start - in_weeks(8), case.horizon - in_weeks(1)))
        lo, hi = durations.get(kind, (20, 40))  # mentors and SOF: long
        end: dt.date | None = start + in_weeks(b.rng.randint(lo, hi)) + dt.timedelta(days=2)
        results = b.texts["activity_results"]
        if end is not None and end <= case.horizon:
            result = b.pick(results["stopped"] if b.chance(0.15) else results["done"])
        else:
            result = b.pick(results["ongoing"])
            if case.closed_outcome is not None:
                end, result = case.horizon, b.pick(results["done"])
            elif kind.value.startswith("mentor") and b.chance(0.5):
                end = None  # open-ended
        rows.append(
            Activity(
                kind=kind,
                # A health offer from SUF that fits the citizen's health profile.
                title=b.pick(
                    b.writing["profiles"][case.profile]["suf_offers"]
                    if kind is ActivityKind.SUNDHEDSTILBUD_SUF
                    else info["titles"]
                ),
                provider=b.pick(info["providers"]),
                start_date=start,
                end_date=end,
                result=result,
            )
        )
    return rows
