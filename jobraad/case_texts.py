"""The caseworker's own text for the dossier: the forberedende del in its sections,
the assessment and the proposed recommendation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CaseText, Citizen
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.case_pack import record_pack
from jobraad.citizens import CitizenNotFound
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.text_sections import SECTION_TITLES, SECTIONS

__all__ = ["MAX_CHARS", "SECTIONS", "SECTION_TITLES", "CaseTextView", "list_case_texts", "save_case_texts"]

MAX_CHARS = 50_000


@dataclass(frozen=True)
class CaseTextView:
    section: str
    title: str
    hint: str
    text: str
    updated_at: dt.datetime | None
    part: str  # text_sections.DESCRIPTION, CITIZEN or JOBCENTER


def list_case_texts(database: Database, citizen_id: int) -> list[CaseTextView]:
    """Every section in order, empty where nothing is written yet."""
    with database.reading() as session:
        if session.get(Citizen, citizen_id) is None:
            raise CitizenNotFound()
        stored = {t.section: t for t in session.scalars(select(CaseText).where(CaseText.citizen_id == citizen_id))}
        return [
            CaseTextView(
                s.key,
                s.title,
                s.hint,
                stored[s.key].text if s.key in stored else "",
                stored[s.key].updated_at if s.key in stored else None,
                s.part,
            )
            for s in SECTIONS
        ]


def text_problems(texts: dict[str, str]) -> list[FieldProblem]:
    """What is wrong with `texts` (unknown sections, too long text), per section."""
    problems = [FieldProblem(key, "Ukendt afsnit.") for key in texts if key not in SECTION_TITLES]
    problems += [
        FieldProblem(key, f"Højst {fmt.number(MAX_CHARS, 0)} tegn (nu {fmt.number(len(text), 0)}).")
        for key, text in texts.items()
        if len(text) > MAX_CHARS
    ]
    return problems


def apply_texts(session: Session, citizen: Citizen, texts: dict[str, str], today: dt.date) -> None:
    """Write checked `texts` inside the caller's transaction. Writing the description is a
    documentation step: the case records its pack (`record_pack`)."""
    stored = {t.section: t for t in session.scalars(select(CaseText).where(CaseText.citizen_id == citizen.id))}
    if any(text.strip() for text in texts.values()):
        record_pack(session, citizen, today)
    for key, text in texts.items():
        row = stored.get(key)
        if row is None:
            session.add(CaseText(citizen_id=citizen.id, section=key, text=text.strip()))
        elif row.text != text.strip():
            row.text = text.strip()
    audit.record(session, audit.Action.CHANGE, citizen.id, "forberedende del")


def save_case_texts(
    database: Database, citizen_id: int, texts: dict[str, str], *, today: dt.date | None = None
) -> None:
    """Save several sections in one transaction; unknown sections or too long text change nothing."""
    problems = text_problems(texts)
    if problems:
        raise ValidationFailed(problems, "Teksten er ikke gemt:")
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        apply_texts(session, citizen, texts, today or dt.date.today())
