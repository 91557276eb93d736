"""Search across the whole caseload's journal notes and case texts: what it finds (every
word, Danish letters in any case, accents a keyboard lacks), what it shows (a line around
the hit, where it opens), its limits, and the audit entry each search leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.enums import JournalKind, VisitationGroup
from db.errors import UserFacingError
from db.models import AuditEntry
from db.session import Database
from jobraad import audit, records
from jobraad.case_texts import save_case_texts
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.search import AUDIT_DETAIL, HitKind, search_notes

T = dt.datetime


def _citizen(database: Database, first: str, last: str, cpr: str) -> int:
    return create_citizen(
        database,
        CitizenInput(
            first_name=first,
            last_name=last,
            cpr=cpr,
            group=VisitationGroup.GRUPPE_2,
            forloeb_start=dt.date(2026, 1, 5),
        ),
    )


def _note(
    database: Database, citizen_id: int, text: str, at: dt.datetime, kind: JournalKind = JournalKind.NOTAT
) -> int:
    return records.add_journal_note(database, citizen_id, records.JournalInput(kind, text, at))


@pytest.fixture
def caseload(database: Database) -> dict[str, int]:
    soeren = _citizen(database, "Søren", "Ærø", "010170-1234")
    anna = _citizen(database, "Anna", "Østergård", "020265-2345")
    bent = _citizen(database, "Bent", "Hansen", "030360-3456")
    return {
        "soeren": soeren,
        "anna": anna,
        "bent": bent,
        "soeren_old": _note(database, soeren, "Talt om SKÅNEBEHOV og ryggen.", T(2026, 2, 1, 10, 0)),
        "soeren_new": _note(
            database, soeren, "Borgeren vil prøve praktik i en børnehave.", T(2026, 3, 1, 9, 30), JournalKind.SAMTALE
        ),
        "anna_note": _note(
            database, anna, "Ønsker Skånebehov vurderet af lægen; ellers intet nyt.", T(2026, 2, 15, 8, 0)
        ),
        "bent_note": _note(database, bent, "Ringede om kørsel.", T(2026, 2, 20, 12, 0), JournalKind.TELEFON),
    }


def test_finds_notes_of_every_citizen_newest_first_ignoring_case_of_danish_letters(
    database: Database, caseload: dict[str, int]
) -> None:
    result = search_notes(database, "skånebehov")
    assert [h.target for h in result.hits] == [f"journal:{caseload['anna_note']}", f"journal:{caseload['soeren_old']}"]
    assert [h.name for h in result.hits] == ["Anna Østergård", "Søren Ærø"]
    assert (result.total, result.citizens, result.truncated) == (2, 2, False)
    # æ, ø, å typed in upper case find them in lower case and back
    assert [h.citizen_id for h in search_notes(database, "ØNSKER").hits] == [caseload["anna"]]
    assert [h.citizen_id for h in search_notes(database, "BØRNEHAVE").hits] == [caseload["soeren"]]
    # å is a letter of its own, not an a: "skanebehov" finds nothing
    assert search_notes(database, "skanebehov").hits == ()


def test_every_word_must_be_there_and_the_note_type_counts(database: Database, caseload: dict[str, int]) -> None:
    assert [h.target for h in search_notes(database, "skånebehov lægen").hits] == [f"journal:{caseload['anna_note']}"]
    assert search_notes(database, "skånebehov cykel").hits == ()
    # the type of the note is searched as in the one-citizen journal search
    [hit] = search_notes(database, "telefon kørsel").hits
    assert (hit.citizen_id, hit.kind, hit.label) == (caseload["bent"], HitKind.JOURNAL, "Telefon")


def test_a_hit_shows_a_line_around_the_word_as_written(database: Database, caseload: dict[str, int]) -> None:
    long_text = "Indledning. " + "x " * 80 + "Her står Skånebehov midt i en lang tekst. " + "y " * 80
    _note(database, caseload["bent"], long_text, T(2026, 3, 2, 9, 0))
    [hit] = [h for h in search_notes(database, "SKÅNEBEHOV").hits if h.citizen_id == caseload["bent"]]
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert hit.snippet[hit.hit_start : hit.hit_start + hit.hit_length] == "Skånebehov"
    assert "Indledning" not in hit.snippet and len(hit.snippet) < 160
    [short] = [h for h in search_notes(database, "skånebehov").hits if h.citizen_id == caseload["soeren"]]
    assert short.snippet == "Talt om SKÅNEBEHOV og ryggen."
    assert short.snippet[short.hit_start : short.hit_start + short.hit_length] == "SKÅNEBEHOV"


def test_an_accent_a_keyboard_lacks_is_found_and_marked_in_the_original(database: Database) -> None:
    cid = _citizen(database, "Kasia", "Nowak", "040470-4567")
    _note(database, cid, "Møde på Café Nørrebro.\nStraße og  linjeskift.", T(2026, 1, 1, 8, 0))
    [hit] = search_notes(database, "cafe").hits
    assert hit.snippet[hit.hit_start : hit.hit_start + hit.hit_length] == "Café"
    [hit] = search_notes(database, "strasse").hits
    assert hit.snippet[hit.hit_start : hit.hit_start + hit.hit_length] == "Straße"
    assert "\n" not in hit.snippet and "  " not in hit.snippet


def test_case_texts_are_searched_and_open_their_section(database: Database, caseload: dict[str, int]) -> None:
    save_case_texts(database, caseload["bent"], {"udfordringer": "Bent har svært ved at læse; ordblind."})
    [hit] = search_notes(database, "ORDBLIND").hits
    assert (hit.citizen_id, hit.kind, hit.target) == (caseload["bent"], HitKind.CASE_TEXT, "texts:udfordringer")
    assert hit.label == "Beskæftigelsesmæssige og sociale udfordringer"
    assert hit.at is not None


def test_the_limit_keeps_the_newest_and_counts_the_rest(database: Database, caseload: dict[str, int]) -> None:
    for day in range(1, 6):
        _note(database, caseload["bent"], f"Opfølgning nr. {day}", T(2026, 4, day, 9, 0))
    result = search_notes(database, "opfølgning", limit=3)
    assert [h.snippet for h in result.hits] == ["Opfølgning nr. 5", "Opfølgning nr. 4", "Opfølgning nr. 3"]
    assert (result.total, result.citizens, result.truncated) == (5, 1, True)


@pytest.mark.parametrize("query", ["", "   ", "a", " ø "])
def test_too_short_a_search_is_refused_and_not_logged(database: Database, caseload: dict[str, int], query: str) -> None:
    with database.reading() as session:
        before = session.scalars(select(AuditEntry.id)).all()
    with pytest.raises(UserFacingError, match="mindst 2 tegn"):
        search_notes(database, query)
    with database.reading() as session:
        assert session.scalars(select(AuditEntry.id)).all() == before


def test_each_search_is_logged_without_the_words_once_and_per_citizen_shown(
    database: Database, caseload: dict[str, int]
) -> None:
    with database.reading() as session:
        last = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    search_notes(database, "skånebehov ryggen")
    search_notes(database, "findes ikke")
    with database.reading() as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.citizen_id, AuditEntry.detail).where(AuditEntry.id > last)
        ).all()
        assert audit.verify_chain(session).ok
    assert entries == [
        (audit.Action.SEARCH, None, f"{AUDIT_DETAIL} (1 fund)"),
        (audit.Action.SEARCH, caseload["soeren"], AUDIT_DETAIL),
        (audit.Action.SEARCH, None, f"{AUDIT_DETAIL} (0 fund)"),
    ]
    assert not any("skånebehov" in detail.casefold() or "ryggen" in detail for _a, _c, detail in entries)


def test_the_search_reads_the_whole_caseload_in_a_fixed_number_of_queries(
    database: Database, caseload: dict[str, int]
) -> None:
    """Set-based: as many queries of the records for 3 citizens as for 23 (the audit log's
    own reads, one per entry written, are the log's business)."""
    from sqlalchemy import event

    def count() -> int:
        statements: list[str] = []

        def seen(*args: object) -> None:
            statements.append(str(args[2]))

        engine = database.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            search_notes(database, "opfølgning")
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT") and "audit_entry" not in s])

    _note(database, caseload["bent"], "Opfølgning i næste uge.", T(2026, 1, 2, 8, 0))
    few = count()
    for i in range(20):
        cid = _citizen(database, f"Borger{i}", "Test", f"0505{60 + i:02d}-1234")
        _note(database, cid, "Opfølgning aftalt.", T(2026, 1, 1, 8, 0))
    assert count() == few
