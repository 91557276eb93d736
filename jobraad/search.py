"""Search across the whole caseload's journal notes and case texts.

One query per kind of record for the whole caseload (never a query per citizen); a note
matches when it holds every word searched for, in its text or its type (a case text: its
section's title), ignoring case and the accents a Danish keyboard lacks (`fold_for_search`,
the rule of the one-citizen journal search, `records.list_journal`).

Every search is logged as a search (`audit.Action.SEARCH`), never with the words searched
for: once for the caseload with the number of hits, and once for every citizen whose notes
the results show (a citizen may ask who has seen their data, as with the calendar export).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from db.models import CaseText, Citizen, JournalNote
from db.session import Database
from jobraad import audit
from jobraad.errors import UserFacingError
from jobraad.text import fold_for_search
from jobraad.text_sections import SECTION_TITLES
from jobraad.vocab import JOURNAL_LABELS

__all__ = [
    "AUDIT_DETAIL",
    "DEFAULT_LIMIT",
    "MIN_CHARS",
    "HitKind",
    "SearchHit",
    "SearchResult",
    "search_notes",
]

DEFAULT_LIMIT = 200  # hits shown; more are counted, and the user is asked to search narrower
MIN_CHARS = 2  # a search shorter than this would show most of the caseload's notes
# Shown before and after the hit: little before, so that the hit is in view in a narrow column.
SNIPPET_BEFORE, SNIPPET_AFTER = 30, 90
AUDIT_DETAIL = "søgning i alle notater"
_SPACE = re.compile(r"\s+")


class HitKind(StrEnum):
    """Where a hit is; the values are the words the caseworker sees."""

    JOURNAL = "Journalnotat"
    CASE_TEXT = "Sagstekst"


@dataclass(frozen=True, slots=True)
class SearchHit:
    citizen_id: int
    name: str
    kind: HitKind
    label: str  # the journal note's type, or the case text's section title
    at: dt.datetime | None  # written (journal) or last changed (case text)
    snippet: str  # one line of text around the first hit
    hit_start: int  # the hit's place in `snippet` (for bold type)
    hit_length: int
    target: str  # where it opens in the citizen's file: "journal:<note id>" or "texts:<section key>"


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[SearchHit, ...]  # newest first, at most the limit
    total: int  # every hit found, also beyond the limit
    citizens: int  # citizens with a hit

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)


def _words(query: str) -> list[str]:
    words = fold_for_search(query).split()
    if len("".join(words)) < MIN_CHARS:
        raise UserFacingError(f"Skriv mindst {MIN_CHARS} tegn at søge efter.")
    return words


def _locate(text: str, word: str) -> tuple[int, int] | None:
    """Where (start, length) the folded `word` is in the original `text`: folding may change a
    character into none or several ('ß' → 'ss'), so the places are counted one by one."""
    folded_at: list[int] = []  # folded index -> original index
    folded = []
    for i, ch in enumerate(text):
        f = fold_for_search(ch)
        folded.append(f)
        folded_at.extend([i] * len(f))
    index = "".join(folded).find(word)
    if index < 0:
        return None
    start = folded_at[index]
    end = folded_at[index + len(word) - 1] + 1
    return start, end - start


def _snippet(text: str, words: list[str]) -> tuple[str, int, int]:
    """A line of `text` around the first word searched for that is in the text itself (not
    only in the label), with the hit's place in it; the start of the text when none is."""
    for word in words:
        place = _locate(text, word)
        if place is None:
            continue
        start, length = place
        lo, hi = max(0, start - SNIPPET_BEFORE), min(len(text), start + length + SNIPPET_AFTER)
        before = _SPACE.sub(" ", text[lo:start])
        hit = _SPACE.sub(" ", text[start : start + length])
        after = _SPACE.sub(" ", text[start + length : hi])
        before = "…" + before if lo > 0 else before.lstrip()
        return f"{before}{hit}{after}{'…' if hi < len(text) else ''}", len(before), len(hit)
    line = _SPACE.sub(" ", text[:SNIPPET_AFTER]).strip()
    return line + ("…" if len(text) > SNIPPET_AFTER else ""), 0, 0


def search_notes(database: Database, query: str, *, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """The caseload's journal notes and case texts that hold every word of `query`, newest
    first, at most `limit` of them (`total` counts them all). The search is logged (see the
    module docstring). Too short a query: `UserFacingError`, nothing is logged."""
    words = _words(query)
    found: list[tuple[dt.datetime, int, int, HitKind, str, str, str]] = []
    names: dict[int, str] = {}
    with database.reading() as session:
        journal = select(
            JournalNote.id, JournalNote.citizen_id, JournalNote.written_at, JournalNote.kind, JournalNote.text
        )
        for note_id, citizen_id, written_at, note_kind, text in session.execute(
            journal.execution_options(yield_per=2000)
        ):
            note_label = JOURNAL_LABELS[note_kind]
            haystack = fold_for_search(f"{note_label}\n{text}")
            if all(word in haystack for word in words):
                found.append((written_at, note_id, citizen_id, HitKind.JOURNAL, note_label, text, f"journal:{note_id}"))
        texts = select(CaseText.id, CaseText.citizen_id, CaseText.updated_at, CaseText.section, CaseText.text).where(
            CaseText.text != ""
        )
        for text_id, citizen_id, updated_at, section, text in session.execute(texts.execution_options(yield_per=2000)):
            title = SECTION_TITLES.get(section)
            if title is None:  # a section no longer in use is not shown in the file either
                continue
            haystack = fold_for_search(f"{title}\n{text}")
            if all(word in haystack for word in words):
                found.append((updated_at, text_id, citizen_id, HitKind.CASE_TEXT, title, text, f"texts:{section}"))
        found.sort(key=lambda f: (f[0], f[3] == HitKind.JOURNAL, f[1]), reverse=True)
        shown = found[: max(0, limit)]
        shown_ids = sorted({f[2] for f in shown})
        if shown_ids:
            for citizen_id, first, last in session.execute(
                select(Citizen.id, Citizen.first_name, Citizen.last_name).where(Citizen.id.in_(shown_ids))
            ):
                names[citizen_id] = f"{first} {last}".strip()
    hits = []
    for at, _id, citizen_id, kind, label, text, target in shown:
        snippet, hit_start, hit_length = _snippet(text, words)
        hits.append(SearchHit(citizen_id, names[citizen_id], kind, label, at, snippet, hit_start, hit_length, target))
    with database.transaction() as session:
        audit.record(session, audit.Action.SEARCH, None, f"{AUDIT_DETAIL} ({len(found)} fund)")
        for citizen_id in shown_ids:
            audit.record(session, audit.Action.SEARCH, citizen_id, AUDIT_DETAIL)
    return SearchResult(tuple(hits), len(found), len({f[2] for f in found}))
