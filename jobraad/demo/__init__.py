"""The demo caseload: an invented but believable Copenhagen caseload.

Used for the first start ("prøv med en demo-sagsstamme"), screenshots, tests and
benchmarks. Everything comes from one `random.Random(seed)` and a fixed `today`, so
two runs with the same arguments store the same data, timestamps included. Names,
streets, workplaces and texts are data in `resources/demo_names.toml`; the citizens'
lives, health profiles and the fragments of the case texts in `resources/demo_texts.toml`.

The story of each citizen hangs together: the visitation group decides the aim, the
goals, the kind of placement and how its hours move (rising hours explain a move from
gruppe 2 to gruppe 1; flat low hours are the evidence behind gruppe 3), and gruppe 3
citizens get the documentation, consents and rehabiliteringsteam meetings of a case on
its way to fleksjob or førtidspension.

The documentation uses the items of the rule pack the citizen's checklist follows (the
default pack for the start of the current forløb), so the checklist in the program shows
the demo's progress: consents before any request for health information, the
forberedende del written as the forløb goes on, certificates requested with the pack's
answer times (some overdue), an employer statement per placement. Cases presented to the
rehabiliteringsteam and fleksjobvisiterede are complete; so are some of those whose
meeting is near. Gruppe 4 citizens on their way to a ressourceforløb have the first steps.
"Complete" is the program's readiness from content: texts written, received documents
attached or on paper, consents covering the requests, a fresh LÆ 265. Most cases whose
meeting is near lack one or two honest things (a section not yet written, a LÆ 265 not yet
attached, an answer awaited), so the caseload shows cases ready and not ready, for varied reasons.

Every citizen has a life before the case (school, education and jobs as the CV, benefits by
period, family) that agrees with their age, benefit and years on support, and a case number;
documented cases have the forberedende del, the jobcenter's assessment and proposal and often
the citizen's remarks written as a jobrådgiver writes them, and the day the citizen saw them.

The parts, by topic: `builder` (the random source and the shared facts of a case),
`citizens` (who they are, and the order a case is built in), `visitation` (forløb,
group changes and goals), `placements` (and their weekly hours), `activities`,
`health` (the health profile, the sundhedskoordinator's notes and the partners), `meetings`
(with the rehabiliteringsteam, the journal and deadlines), `life` (CV, benefits by period,
family), `documentation` (checklist rows, consents, files and what is still missing),
`writing` (the case texts) and `attachments` (the PDFs of received documents).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import tomllib
from typing import Any

from sqlalchemy import func, insert, select

from db.models import (
    Attachment,
    BenefitPeriod,
    CaseText,
    Citizen,
    Consent,
    CvEntry,
    DocumentationItem,
    DocumentEvent,
)
from db.session import Database
from jobraad.demo.builder import Builder
from jobraad.demo.citizens import build_caseload
from jobraad.demo.documentation import documentation
from jobraad.demo.life import life_rows
from jobraad.resources import resource

__all__ = ["demo_data", "generate_demo"]


@functools.cache
def demo_data() -> dict[str, Any]:
    """The name lists, streets, workplaces and texts of `resources/demo_names.toml`, with
    the lives, health profiles and case-text fragments of `resources/demo_texts.toml`
    under "writing"."""
    data = tomllib.loads(resource("demo_names.toml").read_text(encoding="utf-8"))
    data["writing"] = tomllib.loads(resource("demo_texts.toml").read_text(encoding="utf-8"))
    return data


def generate_demo(database: Database, citizens: int = 40, seed: int = 1, today: dt.date | None = None) -> int:
    """Add `citizens` invented citizens with their whole case history, in one transaction.

    Deterministic for a seed and `today` (default: the real date). CPR numbers already
    in the database are avoided, so a demo can be added to a file twice. Returns the
    number of citizens created.
    """
    if citizens < 0:
        raise ValueError("citizens must be zero or more")
    today = today or dt.date.today()
    with database.transaction() as session:
        used = set(session.scalars(select(Citizen.cpr)))
        builder = Builder(random.Random(seed), demo_data(), today, used)
        rows = build_caseload(builder, citizens)
        session.add_all(rows)
        # The checklist names an employer statement by the placement's id, so the
        # placements are stored first. The documentation rows are many and simple:
        # they go in as bulk inserts with ids of their own.
        session.flush()
        first_id = (session.scalar(select(func.max(DocumentationItem.id))) or 0) + 1
        tables = documentation(builder, first_id)
        periods, cv = life_rows(builder.cases)
        for model, values in (
            (DocumentationItem, tables.items),
            (DocumentEvent, tables.events),
            (Consent, tables.consents),
            (Attachment, tables.attachments),
            (CaseText, tables.case_texts),
            (BenefitPeriod, periods),
            (CvEntry, cv),
        ):
            if values:
                session.execute(insert(model), values)
    return len(rows)
