"""The demo caseload: valid, varied, deterministic and fast."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.enums import Aim, DocumentState, MeetingKind, Outcome, VisitationGroup
from db.models import (
    Activity,
    Attachment,
    CaseOutcome,
    Citizen,
    Consent,
    Deadline,
    DocumentationItem,
    DocumentEvent,
    Forloeb,
    GoalProgress,
    HealthNote,
    HoursEntry,
    JournalNote,
    Meeting,
    PartnerContact,
    Placement,
)
from db.session import Database, create_database
from jobraad import cpr, documentation
from jobraad.consents import consent_covers
from jobraad.demo import generate_demo
from jobraad.documentation import STATEMENT_PLACEMENTS, Checklist
from jobraad.rulepacks import builtin_packs, default_pack_for
from jobraad.visitation import GROUP_GOALS, Urgency, group_deadlines, in_target_group_2024, urgency

TODAY = dt.date(2025, 3, 12)  # a Wednesday
PASSPHRASE = "demo-test"
POSTAL = re.compile(
    r", (2200 København N|2300 København S|2400 København NV|2450 København SV|2500 Valby|2700 Brønshøj|2720 Vanløse)$"
)


def _demo(path: Path, citizens: int = 40, seed: int = 1, today: dt.date = TODAY) -> Database:
    database = create_database(path, PASSPHRASE)
    generate_demo(database, citizens=citizens, seed=seed, today=today)
    return database


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One 40-citizen demo caseload shared by the read-only tests of this module."""
    database = _demo(tmp_path_factory.mktemp("demo") / "demo.jobraad")
    yield database
    database.close()


@pytest.fixture
def demo(demo_database: Database) -> Iterator[Session]:
    """A reading session on the shared demo (one per test: the engine has one connection per thread)."""
    with demo_database.reading() as session:
        yield session


@pytest.fixture(scope="module")
def gruppe_3_checklists(demo_database: Database) -> dict[int, Checklist]:
    """The checklist the program shows for each gruppe 3 citizen of the demo."""
    with demo_database.reading() as session:
        ids = [c.id for c in _citizens(session) if _current(c).group is VisitationGroup.GRUPPE_3]
    return {citizen_id: documentation.load_checklist(demo_database, citizen_id, TODAY) for citizen_id in ids}


def _citizens(session: Session) -> list[Citizen]:
    return list(session.scalars(select(Citizen).order_by(Citizen.id)))


def _current(citizen: Citizen) -> Forloeb:
    (current,) = [f for f in citizen.forloeb if f.end_date is None]
    return current


def _fingerprint(database: Database) -> list[tuple[object, ...]]:
    with database.reading() as session:
        rows: list[tuple[object, ...]] = [
            (c.cpr, c.full_name, _current(c).group, c.phone, c.address, c.notes) for c in _citizens(session)
        ]
        rows.append(tuple(session.scalars(select(JournalNote.text).order_by(JournalNote.id))))
        rows.append(
            tuple(
                session.execute(
                    select(HoursEntry.iso_year, HoursEntry.iso_week, HoursEntry.attended_hours).order_by(HoursEntry.id)
                )
            )
        )
        rows.append(tuple(session.execute(select(Meeting.starts_at, Meeting.kind).order_by(Meeting.id))))
        rows.append(
            tuple(
                session.execute(
                    select(
                        DocumentationItem.citizen_id,
                        DocumentationItem.item_key,
                        DocumentationItem.instance,
                        DocumentationItem.state,
                        DocumentationItem.requested_on,
                        DocumentationItem.expected_by,
                        DocumentationItem.received_on,
                        DocumentationItem.not_relevant_reason,
                    ).order_by(DocumentationItem.id)
                )
            )
        )
        rows.append(
            tuple(session.execute(select(Consent.citizen_id, Consent.source, Consent.given_on).order_by(Consent.id)))
        )
        rows.append(tuple(session.execute(select(Attachment.item_id, Attachment.sha256).order_by(Attachment.id))))
        return rows


def test_creates_the_requested_number_of_citizens(database: Database) -> None:
    assert generate_demo(database, citizens=7, seed=3, today=TODAY) == 7
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Citizen)) == 7


def test_zero_citizens_and_default_today(database: Database) -> None:
    assert generate_demo(database, citizens=0) == 0
    assert generate_demo(database, citizens=3) == 3
    with pytest.raises(ValueError):
        generate_demo(database, citizens=-1)


def test_cpr_numbers_are_valid_unique_and_match_gender(demo: Session) -> None:
    citizens = _citizens(demo)
    assert len(citizens) == 40
    numbers = [c.cpr for c in citizens]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert re.fullmatch(r"\d{10}", number)
        assert cpr.normalise(number) == number
    # The last digit is odd for men, even for women.
    by_name = {c.full_name: c.cpr for c in citizens}
    assert int(by_name["Søren Ærø"][-1]) % 2 == 1
    assert int(by_name["Łucja Wąsik"][-1]) % 2 == 0


def test_the_example_names_come_first(demo: Session) -> None:
    first_four = [(c.first_name, c.last_name) for c in _citizens(demo)[:4]]
    assert first_four == [("Søren", "Ærø"), ("Şükrü", "Ağaoğlu"), ("Łucja", "Wąsik"), ("Thị Ánh", "Nguyễn")]


def test_ages_and_the_2024_target_group(demo: Session) -> None:
    citizens = _citizens(demo)
    ages = [cpr.age_on(c.cpr, TODAY) for c in citizens]
    assert all(25 <= age <= 64 for age in ages)
    old = sum(55 <= age <= 64 for age in ages)
    assert 0.40 <= old / len(ages) <= 0.50
    target = sum(in_target_group_2024(age, c.support_years_last10) for age, c in zip(ages, citizens, strict=True))
    assert target / len(citizens) >= 0.2


def test_contact_details_look_danish(demo: Session) -> None:
    citizens = _citizens(demo)
    for c in citizens:
        assert re.fullmatch(r"\d\d \d\d \d\d \d\d", c.phone)
        assert POSTAL.search(c.address), c.address
        assert c.email == "" or re.fullmatch(r"[a-z0-9.]+@example\.(com|net|org)", c.email)
    assert any(c.email for c in citizens) and any(not c.email for c in citizens)
    languages = Counter(c.language for c in citizens)
    assert languages["dansk"] < len(citizens) / 2
    assert len(languages) >= 5
    assert any(c.interpreter_needed for c in citizens)
    assert not any(c.interpreter_needed for c in citizens if c.language == "dansk")


def test_groups_aims_and_forloeb_history(demo: Session) -> None:
    citizens = _citizens(demo)
    groups = Counter(_current(c).group for c in citizens)
    assert set(groups) == set(VisitationGroup)
    for c in citizens:
        current = _current(c)
        assert current.start_date <= TODAY
        if current.group is VisitationGroup.GRUPPE_3:
            assert c.aim.value in {"fleksjob", "foertidspension", "ressourceforloeb", "revalidering"}
        if current.group is VisitationGroup.FLEKSJOBVISITERET:
            assert c.aim.value == "fleksjob"
        for earlier in c.forloeb:
            if earlier is not current:
                assert earlier.end_date is not None and earlier.end_date <= current.start_date
                assert earlier.group is not current.group or earlier.end_date < current.start_date
    changed = [c for c in citizens if len(c.forloeb) > 1]
    assert len(changed) >= 5
    assert any("timetal" in _current(c).reason for c in changed)
    for goal in demo.scalars(select(GoalProgress)):
        keys = {g.key for g in GROUP_GOALS[goal.forloeb.group]}
        assert goal.goal_key in keys
        assert goal.forloeb.start_date <= goal.reached_on <= TODAY


def test_group_deadlines_are_overdue_due_this_week_and_later(demo: Session) -> None:
    seen: Counter[Urgency] = Counter()
    for c in _citizens(demo):
        if c.outcomes:
            continue
        current = _current(c)
        reached = {g.goal_key: g.reached_on for g in current.goals}
        for item in group_deadlines(current.group, current.start_date, reached):
            seen[urgency(item.due_on, TODAY)] += 1
    assert seen[Urgency.OVERDUE] >= 2
    assert seen[Urgency.THIS_WEEK] >= 1
    assert seen[Urgency.NEXT_WEEK] + seen[Urgency.LATER] >= 5


def test_hours_are_weekly_and_rise_stall_or_fall(demo: Session) -> None:
    placements = list(demo.scalars(select(Placement)))
    assert placements
    this_week = TODAY.isocalendar()
    trends = Counter()
    for p in placements:
        weeks = [(h.iso_year, h.iso_week) for h in p.hours]
        assert weeks, p.employer_name
        # Consecutive ISO weeks from the start date, none after this week.
        first = dt.date.fromisocalendar(*weeks[0], 1)
        assert first == p.start_date - dt.timedelta(days=p.start_date.weekday())
        expected = [(first + dt.timedelta(weeks=i)).isocalendar()[:2] for i in range(len(weeks))]
        assert weeks == expected
        assert weeks[-1] <= (this_week.year, this_week.week)
        for h in p.hours:
            assert 0 <= h.attended_hours <= h.planned_hours
            if h.absence_reason is None:
                assert h.absence_hours == 0
            else:
                assert h.absence_hours == h.planned_hours - h.attended_hours
        present = [h.attended_hours for h in p.hours if h.absence_reason is None]
        if len(present) >= 6:
            change = sum(present[-3:]) / 3 - sum(present[:3]) / 3
            trends["rise" if change >= 4 else "fall" if change <= -3 else "flat"] += 1
    assert trends["rise"] and trends["flat"]
    assert any(len(p.hours) >= 20 for p in placements)
    assert any(h.absence_reason is not None for p in placements for h in p.hours)
    assert any(h.observation for p in placements for h in p.hours)


def test_documentation_in_every_state(demo: Session) -> None:
    items = list(demo.scalars(select(DocumentationItem)))
    assert {i.state for i in items} == set(DocumentState)
    assert {i.item_key for i in items} <= {item.id for pack in builtin_packs() for item in pack.items}
    for i in items:
        if i.state is DocumentState.ANMODET:
            assert i.requested_on is not None and i.expected_by is not None
        if i.state is DocumentState.MODTAGET:
            assert i.received_on is not None and i.received_on <= TODAY
        if i.state is DocumentState.IKKE_RELEVANT:
            assert i.not_relevant_reason
    assert any(
        i.state is DocumentState.ANMODET and i.expected_by is not None and i.expected_by < TODAY for i in items
    ), "some requests should be overdue"
    gruppe_3 = [c for c in _citizens(demo) if _current(c).group is VisitationGroup.GRUPPE_3]
    assert sum(bool(c.consents) for c in gruppe_3) > len(gruppe_3) / 2


def _rows(session: Session, citizen_id: int) -> list[DocumentationItem]:
    return list(session.scalars(select(DocumentationItem).where(DocumentationItem.citizen_id == citizen_id)))


def test_documentation_uses_the_items_of_the_citizens_rule_pack(
    demo: Session, gruppe_3_checklists: dict[int, Checklist]
) -> None:
    assert len(gruppe_3_checklists) >= 5
    for citizen_id, checklist in gruppe_3_checklists.items():
        rows = _rows(demo, citizen_id)
        assert rows, "every gruppe 3 case has begun its documentation"
        pack_items = {item.id for item in checklist.pack.items_for(checklist.aim)}
        for row in rows:
            assert row.item_key in pack_items, (citizen_id, checklist.pack.id, row.item_key)
            assert row.source == checklist.pack.item(row.item_key).source
        # Every stored row is one of the entries the program shows.
        assert {e.record_id for e in checklist.entries if e.record_id is not None} == {r.id for r in rows}
        # Most items are touched; some are left as «mangler».
        stored = sum(e.record_id is not None for e in checklist.entries)
        assert stored >= len(checklist.entries) / 3


def test_no_health_information_is_asked_for_without_consent(gruppe_3_checklists: dict[int, Checklist]) -> None:
    asked = 0
    for checklist in gruppe_3_checklists.values():
        for entry in checklist.entries:
            if entry.item.health and entry.state in (DocumentState.ANMODET, DocumentState.MODTAGET):
                asked += 1
                assert entry.requested_on is not None, entry.title
                assert consent_covers(checklist.consents, entry.item.source, entry.requested_on), (
                    checklist.citizen_id,
                    entry.title,
                )
            if entry.item.consent_for is not None and entry.state is DocumentState.MODTAGET:
                # A received consent is also a consent the program knows of.
                assert entry.received_on is not None
                assert consent_covers(checklist.consents, entry.item.consent_for, entry.received_on)
    assert asked >= 10


def test_some_checklists_are_ready_and_some_requests_overdue(
    demo: Session, gruppe_3_checklists: dict[int, Checklist]
) -> None:
    readiness = {citizen_id: c.readiness for citizen_id, c in gruppe_3_checklists.items()}
    assert any(r.ready for r in readiness.values())
    assert any(not r.ready and r.done < r.required for r in readiness.values())
    assert any(r.overdue for r in readiness.values())
    for checklist in gruppe_3_checklists.values():
        if checklist.readiness.ready:
            for entry in checklist.entries:
                if entry.item.required and entry.state is DocumentState.IKKE_RELEVANT:
                    assert entry.not_relevant_reason
    # The first citizen's meeting is being prepared: not yet complete.
    first = _citizens(demo)[0]
    assert not readiness[first.id].ready
    # The caseload's bulk readiness agrees with the checklists.
    bulk = documentation.readiness_by_citizen(demo, TODAY, list(readiness))
    assert bulk == readiness


def test_requests_answers_and_attachments_hang_together(
    demo: Session, gruppe_3_checklists: dict[int, Checklist]
) -> None:
    attachments = 0
    for checklist in gruppe_3_checklists.values():
        for e in checklist.entries:
            if e.requested_on is not None:
                assert e.requested_on <= TODAY
                assert e.expected_by == documentation.answer_due(e.item, e.requested_on)
            if e.state is DocumentState.MODTAGET:
                assert e.received_on is not None and e.received_on <= TODAY
                assert e.requested_on is None or e.requested_on <= e.received_on
            if e.state is DocumentState.IKKE_RELEVANT:
                assert e.not_relevant_reason
            assert [ev.at for ev in e.events] == sorted(ev.at for ev in e.events)
            if e.events:
                assert e.events[-1].to_state is e.state
            for a in e.attachments:
                attachments += 1
                assert e.state is DocumentState.MODTAGET
                assert a.mime_type == "application/pdf" and a.filename.endswith(".pdf")
    assert attachments >= 1
    for a in demo.scalars(select(Attachment)):
        assert a.data.startswith(b"%PDF") and a.size == len(a.data)


def test_employer_statements_name_the_citizens_placements(
    demo: Session, gruppe_3_checklists: dict[int, Checklist]
) -> None:
    named = 0
    for citizen_id, checklist in gruppe_3_checklists.items():
        places = {
            f"placement-{p.id}"
            for p in demo.scalars(select(Placement).where(Placement.citizen_id == citizen_id))
            if p.kind in STATEMENT_PLACEMENTS
        }
        for row in _rows(demo, citizen_id):
            per_placement = checklist.pack.item(row.item_key).per_placement
            if row.instance:
                assert per_placement and row.instance in places, (citizen_id, row.instance)
                named += 1
            elif per_placement:
                assert not places, "the statement without a placement is only for cases with none"
    assert named >= 3


def test_each_case_records_the_pack_of_the_day_its_documentation_began(tmp_path: Path) -> None:
    """The demo spans the periods: cases documented in 2024, 2025, spring 2026 and after
    1 July 2026, each recording the pack in force when its documentation began, and showing
    exactly its stored rows under it."""
    today = dt.date(2026, 12, 1)
    database = _demo(tmp_path / "later.jobraad", citizens=40, seed=4, today=today)
    try:
        with database.reading() as session:
            ids = list(session.scalars(select(DocumentationItem.citizen_id).distinct()))
            recorded = {c.id: (c.rule_pack, c.rule_pack_since) for c in session.scalars(select(Citizen))}
        packs = set()
        for citizen_id in ids:
            checklist = documentation.load_checklist(database, citizen_id, today)
            pack_id, since = recorded[citizen_id]
            assert checklist.pack_chosen and checklist.pack.id == pack_id and since is not None
            assert default_pack_for(since).id == pack_id
            packs.add(pack_id)
            shown = {e.record_id for e in checklist.entries if e.record_id is not None}
            with database.reading() as session:
                assert shown == {r.id for r in _rows(session, citizen_id)}
        assert packs == {p.id for p in builtin_packs() if not p.opt_in}
        # Ressourceforløb ended for new citizens on 1 February 2026: such a case today began before.
        with database.reading() as session:
            for citizen in session.scalars(select(Citizen).where(Citizen.aim == Aim.RESSOURCEFORLOEB)):
                assert citizen.rule_pack in ("bek2408_2021", "bek1708_2024"), citizen.id
    finally:
        database.close()


def test_meetings_journal_and_closed_cases(demo: Session) -> None:
    citizens = _citizens(demo)
    now = dt.datetime.combine(TODAY, dt.time())
    two_weeks = now + dt.timedelta(days=15)
    meetings = [m for c in citizens for m in c.meetings]
    assert any(now <= m.starts_at < two_weeks for m in meetings)
    assert any(m.kind is MeetingKind.REHABILITERINGSTEAM and m.starts_at >= now for m in meetings)
    assert all(m.starts_at.weekday() < 5 for m in meetings)
    assert all(c.journal for c in citizens)
    assert any(d.due_on < TODAY and d.done_on is None for c in citizens for d in c.deadlines)

    closed = [c for c in citizens if c.outcomes]
    assert len(closed) == 4
    for c in closed:
        (outcome,) = c.outcomes
        assert isinstance(outcome.outcome, Outcome)
        assert outcome.closed_on < TODAY and outcome.reopened_on is None
        assert all(m.starts_at.date() <= outcome.closed_on for m in c.meetings)


def test_same_seed_and_day_give_the_same_caseload(tmp_path: Path) -> None:
    a = _demo(tmp_path / "a.jobraad")
    b = _demo(tmp_path / "b.jobraad")
    c = _demo(tmp_path / "c.jobraad", seed=2)
    try:
        assert _fingerprint(a) == _fingerprint(b)
        names_a = [row[:3] for row in _fingerprint(a)[:40]]
        names_c = [row[:3] for row in _fingerprint(c)[:40]]
        assert names_a != names_c
    finally:
        for database in (a, b, c):
            database.close()


# The rows per table of the 40-citizen demo for seed 1 on TODAY, as the one-module demo
# (before it became a package by topic) stored them.
SEED_1_ROWS = {
    Citizen: 40,
    Forloeb: 62,
    GoalProgress: 120,
    CaseOutcome: 4,
    Placement: 41,
    HoursEntry: 463,
    Activity: 88,
    HealthNote: 21,
    PartnerContact: 51,
    Meeting: 157,
    JournalNote: 155,
    Deadline: 26,
    DocumentationItem: 250,
    DocumentEvent: 332,
    Consent: 47,
    Attachment: 5,
}


def test_seed_1_stores_the_same_rows_as_before(demo: Session) -> None:
    """Moving the demo's code around must not move a random draw: the same tables fill
    with as many rows, and the weeks add up to the same hours."""
    counts = {model: demo.scalar(select(func.count()).select_from(model)) for model in SEED_1_ROWS}
    assert counts == SEED_1_ROWS
    hours = select(func.sum(HoursEntry.planned_hours), func.sum(HoursEntry.attended_hours))
    assert tuple(demo.execute(hours).one()) == (4874.0, 4218.0)


def test_a_second_demo_avoids_the_first_ones_cpr_numbers(database: Database) -> None:
    generate_demo(database, citizens=20, seed=1, today=TODAY)
    generate_demo(database, citizens=20, seed=1, today=TODAY)
    with database.reading() as session:
        numbers = list(session.scalars(select(Citizen.cpr)))
    assert len(numbers) == len(set(numbers)) == 40


@pytest.mark.slow
def test_a_thousand_citizens_in_a_few_seconds(database: Database) -> None:
    started = time.perf_counter()
    assert generate_demo(database, citizens=1000, seed=7, today=TODAY) == 1000
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"{elapsed:.1f} s"
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Citizen)) == 1000
        assert session.scalar(select(func.count()).select_from(HoursEntry)) > 5000
        _assert_readiness_shares(session)


def _assert_readiness_shares(session: Session) -> None:
    """Of the gruppe 3 cases still being prepared about 15 % are complete, most of them with
    a meeting in the coming two weeks; cases already presented to the team are complete."""
    gruppe_3 = set(
        session.scalars(
            select(Forloeb.citizen_id).where(Forloeb.end_date.is_(None), Forloeb.group == VisitationGroup.GRUPPE_3)
        )
    )
    meetings = session.execute(
        select(Meeting.citizen_id, Meeting.starts_at, Meeting.decided_on).where(
            Meeting.kind == MeetingKind.REHABILITERINGSTEAM, Meeting.citizen_id.in_(gruppe_3)
        )
    ).all()
    presented = {m.citizen_id for m in meetings if m.decided_on is not None}
    near = {m.citizen_id for m in meetings if m.decided_on is None and m.starts_at.date() >= TODAY}
    readiness = documentation.readiness_by_citizen(session, TODAY, gruppe_3)
    preparing = gruppe_3 - presented
    ready = {c for c in preparing if readiness[c].ready}
    assert 0.08 <= len(ready) / len(preparing) <= 0.25, f"{len(ready)}/{len(preparing)}"
    assert len(ready & near) > len(ready) / 2
    assert len(ready & near) / len(near) >= 0.15  # the demo completes a quarter of them
    assert all(readiness[c].ready for c in presented)
    overdue = sum(readiness[c].overdue > 0 for c in preparing)
    assert 0.15 <= overdue / len(preparing) <= 0.6


def test_long_praktikker_carry_their_lab61_extensions_and_show_no_warning(demo_database: Database) -> None:
    """A demo praktik longer than 13 weeks has its extensions, each a step of the rules with a reason
    (to 26 weeks by a konkret vurdering, then by a helt særligt behov), so the demo shows no false warning."""
    from jobraad import placements

    with demo_database.reading() as session:
        citizen_ids = [c.id for c in _citizens(session)]
    views = [p for cid in citizen_ids for p in placements.list_placements(demo_database, cid)]
    extended = [p for p in views if p.extensions]

    assert [p.length_text for p in views if p.length_warning] == []
    assert len(extended) >= 3
    assert all(p.extension_reason == "" for p in views)
    assert all(e.reason.strip() for p in extended for e in p.extensions)
    assert {p.extensions[0].step for p in extended} == {"konkret_vurdering"}
    assert all(e.step == "saerligt_behov" for p in extended for e in p.extensions[1:])
    assert all("forlænget til" in p.length_text and "OBS" not in p.length_text for p in extended)


def test_demo_consents_say_what_from_whom_for_which_case(demo: Session) -> None:
    """Each demo consent would pass the program's own check (retssikkerhedsloven § 11 a, stk. 1;
    no general wording), names a person or unit, and some carry an end date."""
    from jobraad.consents import ConsentInput, consent_problems

    rows = demo.scalars(select(Consent)).all()
    assert rows
    for c in rows:
        data = ConsentInput(c.information, c.source_name, c.purpose, c.given_on, c.expires_on)
        assert consent_problems(data, TODAY) == [], (c.source, c.information, c.source_name)
        assert c.source_name not in ("Borger", "Borgeren")
    assert any(c.expires_on is not None for c in rows) and any(c.expires_on is None for c in rows)
    assert len({c.information for c in rows}) > 5
