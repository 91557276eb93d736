"""The caseworker's own text for the dossier: the forberedende del in its sections,
the assessment and the proposed recommendation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.models import CaseText, Citizen
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.citizens import CitizenNotFound
from jobraad.errors import FieldProblem, ValidationFailed

MAX_CHARS = 50_000

# In the order of the forberedende del (BEK 2408/2021), then the caseworker's own parts.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "uddannelse_cv",
        "Uddannelse og erhvervserfaring (CV)",
        "Skoler, uddannelser, kurser, job i Danmark og hjemlandet.",
    ),
    ("ressourcer_netvaerk", "Personlige ressourcer og netværk", "Hvad borgeren kan, familie, venner, foreninger."),
    (
        "udfordringer",
        "Beskæftigelsesmæssige og sociale udfordringer",
        "Sprog, bolig, økonomi, misbrug, familieforhold – det der står i vejen for arbejde.",
    ),
    ("egne_oensker", "Borgerens egne ønsker og mål", "Med borgerens egne ord: ønsker til job, uddannelse og fremtid."),
    ("helbred", "Helbred", "Lidelser, igangværende behandling og den dokumentation, det bygger på."),
    (
        "helbred_arbejde",
        "Helbredets betydning for arbejde",
        "Hvordan helbredet påvirker arbejdsevnen; skånehensyn; hvad praktikken har vist.",
    ),
    ("forsoergelse", "Forsørgelseshistorik", "Ydelser gennem årene, ledighedsperioder, job."),
    ("indsatser", "Erfaringer fra indsatser", "Hvad er prøvet, med hvilket resultat – praktikker, kurser, mentor."),
    ("vurdering", "Jobrådgiverens vurdering", "Din samlede vurdering af borgerens arbejdsevne og muligheder."),
    ("indstilling", "Forslag til indstilling", "Hvad du foreslår rehabiliteringsteamet at anbefale, og hvorfor."),
)
SECTION_TITLES = {key: title for key, title, _ in SECTIONS}


@dataclass(frozen=True)
class CaseTextView:
    section: str
    title: str
    hint: str
    text: str
    updated_at: dt.datetime | None


def list_case_texts(database: Database, citizen_id: int) -> list[CaseTextView]:
    """Every section in order, empty where nothing is written yet."""
    with database.reading() as session:
        if session.get(Citizen, citizen_id) is None:
            raise CitizenNotFound()
        stored = {t.section: t for t in session.scalars(select(CaseText).where(CaseText.citizen_id == citizen_id))}
        return [
            CaseTextView(
                key,
                title,
                hint,
                stored[key].text if key in stored else "",
                stored[key].updated_at if key in stored else None,
            )
            for key, title, hint in SECTIONS
        ]


def save_case_texts(database: Database, citizen_id: int, texts: dict[str, str]) -> None:
    """Save several sections in one transaction; unknown sections or too long text change nothing."""
    problems = [FieldProblem(key, "Ukendt afsnit.") for key in texts if key not in SECTION_TITLES]
    problems += [
        FieldProblem(key, f"Højst {fmt.number(MAX_CHARS, 0)} tegn (nu {fmt.number(len(text), 0)}).")
        for key, text in texts.items()
        if len(text) > MAX_CHARS
    ]
    if problems:
        raise ValidationFailed(problems, "Teksten er ikke gemt:")
    with database.transaction() as session:
        if session.get(Citizen, citizen_id) is None:
            raise CitizenNotFound()
        stored = {t.section: t for t in session.scalars(select(CaseText).where(CaseText.citizen_id == citizen_id))}
        for key, text in texts.items():
            row = stored.get(key)
            if row is None:
                session.add(CaseText(citizen_id=citizen_id, section=key, text=text.strip()))
            elif row.text != text.strip():
                row.text = text.strip()
        audit.record(session, audit.Action.CHANGE, citizen_id, "forberedende del")
