"""The meeting and decision workflow (sent, indstilling, afgørelse) and the interpreter per meeting:
what is stored, what is refused and where, and what the Overblik and gruppe 3's deadline make of it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.enums import Aim, MeetingKind, VisitationGroup
from db.models import Citizen, TeamWorkflow
from db.session import Database
from jobraad import meeting_workflow as mw
from jobraad import overview, records
from jobraad.caseload import due_items
from jobraad.citizen_file import open_citizen_file
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.records import MeetingInput
from jobraad.rulepacks import builtin_packs, get_pack
from jobraad.visitation import DueKind, DueTarget
from tests.helpers import audit_log, refused

TODAY = dt.date.today()
START = TODAY - dt.timedelta(weeks=30)  # gruppe 3's 23 weeks are past
HELD = TODAY - dt.timedelta(days=20)


def _citizen(database: Database, *, interpreter: bool = False, pack: str = "bek47_2026") -> int:
    cid = create_citizen(
        database,
        CitizenInput(
            "Şükrü",
            "Ağaoğlu",
            "0101621233",
            language="arabisk" if interpreter else "",
            interpreter_needed=interpreter,
            aim=Aim.FLEKSJOB,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=START,
        ),
    )
    with database.transaction() as session:
        citizen = session.get(Citizen, cid)
        assert citizen is not None
        citizen.rule_pack = pack  # a team pack: the case goes to the rehabiliteringsteam
    return cid


def _team_meeting(database: Database, cid: int, day: dt.date, **kw: object) -> int:
    return records.add_meeting(
        database,
        cid,
        MeetingInput(MeetingKind.REHABILITERINGSTEAM, dt.datetime.combine(day, dt.time(10)), **kw),  # type: ignore[arg-type]
    )


def _workflow_rows(database: Database) -> list[tuple[object, ...]]:
    with database.reading() as session:
        return [
            (w.sent_on, w.recommended_on, w.recommendation, w.decided_on, w.decision)
            for w in session.scalars(select(TeamWorkflow))
        ]


# --- the rules --------------------------------------------------------------------------------


def test_every_shipped_pack_has_a_send_by_deadline_with_its_source() -> None:
    for pack in builtin_packs():
        rule = mw.send_by_rule(pack)
        assert rule is not None, pack.id
        assert rule.source and rule.days_before_meeting > 0
        # No seed document gives the team's deadline: the kommune's practice is not known.
        assert rule.provisional
    assert mw.send_by_rule(get_pack("bek47_2026")).to == "rehabiliteringsteamet"  # type: ignore[union-attr]
    assert mw.send_by_rule(get_pack("l1750_2026")).to == "sundhedskoordinatoren"  # type: ignore[union-attr]


# --- recording the workflow -------------------------------------------------------------------


def test_the_sending_the_indstilling_and_the_afgoerelse_are_stored_and_logged(database: Database) -> None:
    cid = _citizen(database)
    meeting = _team_meeting(database, cid, HELD)
    before = len(audit_log(database))

    view = mw.save_workflow(
        database,
        meeting,
        mw.WorkflowInput(
            HELD - dt.timedelta(days=15), HELD, "Fleksjob, 12 timer om ugen ", HELD + dt.timedelta(days=3), "Bevilget"
        ),
        TODAY,
    )

    assert _workflow_rows(database) == [
        (HELD - dt.timedelta(days=15), HELD, "Fleksjob, 12 timer om ugen", HELD + dt.timedelta(days=3), "Bevilget")
    ]
    assert view.send_by == HELD - dt.timedelta(days=14) and view.send_by_provisional
    assert view.meeting_label == "Møde i rehabiliteringsteamet"
    (shown,) = records.list_meetings(database, cid)
    assert shown.decided_on == HELD + dt.timedelta(days=3)
    assert shown.workflow == f"Afgjort {(HELD + dt.timedelta(days=3)).strftime('%d-%m-%Y')}"
    # The log names the kind of record, never what the team said.
    assert audit_log(database)[before:] == [("aendring", cid, "møde: indstilling og afgørelse")]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            mw.WorkflowInput(
                recommended_on=HELD + dt.timedelta(days=2),
                recommendation="Fleksjob",
                decided_on=HELD + dt.timedelta(days=1),
            ),
            "afgjort",
            f"Afgørelsen kan ikke ligge før indstillingen den {(HELD + dt.timedelta(days=2)).strftime('%d-%m-%Y')}.",
        ),
        (
            mw.WorkflowInput(sent_on=HELD + dt.timedelta(days=1)),
            "sendt",
            f"Sagen skal sendes før mødet; {(HELD + dt.timedelta(days=1)).strftime('%d-%m-%Y')} er efter mødet "
            f"den {HELD.strftime('%d-%m-%Y')}.",
        ),
        (
            mw.WorkflowInput(recommended_on=HELD - dt.timedelta(days=1), recommendation="Fleksjob"),
            "indstilling",
            f"Indstillingen kan ikke ligge før mødet den {HELD.strftime('%d-%m-%Y')}.",
        ),
        (mw.WorkflowInput(recommended_on=HELD), "indhold", "Skriv, hvad teamet indstiller."),
        (mw.WorkflowInput(decided_on=TODAY + dt.timedelta(days=1)), "afgjort", "Afgørelsesdatoen ligger i fremtiden."),
        (mw.WorkflowInput(decision="Bevilget"), "afgjort", "Skriv datoen for afgørelsen."),
    ],
)
def test_a_date_out_of_order_is_refused_where_it_is_and_nothing_is_saved(
    database: Database, data: mw.WorkflowInput, field: str, message: str
) -> None:
    cid = _citizen(database)
    meeting = _team_meeting(database, cid, HELD)
    mw.save_workflow(database, meeting, mw.WorkflowInput(sent_on=HELD - dt.timedelta(days=20)), TODAY)

    err = refused(database, lambda: mw.save_workflow(database, meeting, data, TODAY))

    assert err.for_field(field) == message
    assert _workflow_rows(database) == [(HELD - dt.timedelta(days=20), None, "", None, "")]


def test_only_a_team_meeting_has_a_workflow(database: Database) -> None:
    cid = _citizen(database)
    samtale = records.add_meeting(
        database, cid, MeetingInput(MeetingKind.SAMTALE, dt.datetime.combine(HELD, dt.time(9)))
    )

    err = refused(database, lambda: mw.save_workflow(database, samtale, mw.WorkflowInput(decided_on=HELD), TODAY))

    assert err.for_field("afgjort") == "Kun et møde i teamet har en indstilling og en afgørelse."


def test_a_decided_meeting_keeps_its_kind_and_does_not_move_past_its_decision(database: Database) -> None:
    cid = _citizen(database)
    meeting = _team_meeting(database, cid, HELD)
    mw.save_workflow(
        database, meeting, mw.WorkflowInput(recommended_on=HELD, recommendation="Fleksjob", decided_on=HELD), TODAY
    )
    later = dt.datetime.combine(HELD + dt.timedelta(days=5), dt.time(10))

    moved = refused(
        database,
        lambda: records.update_meeting(database, meeting, MeetingInput(MeetingKind.REHABILITERINGSTEAM, later)),
    )
    kind = refused(
        database,
        lambda: records.update_meeting(
            database, meeting, MeetingInput(MeetingKind.SAMTALE, dt.datetime.combine(HELD, dt.time(10)))
        ),
    )

    assert moved.for_field("dato") == "Mødets indstilling, afgørelse eller afsendelse ville ligge i forkert rækkefølge."
    assert kind.for_field("type") == "Mødet har en indstilling eller afgørelse; kun et teammøde kan have det."


def test_deleting_a_meeting_deletes_its_workflow(database: Database) -> None:
    cid = _citizen(database)
    meeting = _team_meeting(database, cid, HELD)
    mw.save_workflow(database, meeting, mw.WorkflowInput(decided_on=HELD), TODAY)

    records.delete_meeting(database, meeting)

    assert _workflow_rows(database) == []


# --- the interpreter --------------------------------------------------------------------------


def test_a_meeting_takes_the_citizens_language_when_they_need_an_interpreter(database: Database) -> None:
    with_tolk = _citizen(database, interpreter=True)
    coming = dt.datetime.combine(TODAY + dt.timedelta(days=10), dt.time(9))

    meeting = records.add_meeting(database, with_tolk, MeetingInput(MeetingKind.SAMTALE, coming))

    (view,) = records.list_meetings(database, with_tolk)
    assert (view.interpreter_language, view.interpreter_booked) == ("arabisk", False)
    assert view.interpreter_text == "arabisk – ikke bestilt"
    assert records.interpreter_language_for(database, with_tolk) == "arabisk"
    records.update_meeting(database, meeting, MeetingInput(MeetingKind.SAMTALE, coming, interpreter_language=""))
    assert records.list_meetings(database, with_tolk)[0].interpreter_text == ""  # cleared: no interpreter needed


def test_a_booked_interpreter_needs_a_language(database: Database) -> None:
    cid = _citizen(database)
    coming = dt.datetime.combine(TODAY + dt.timedelta(days=10), dt.time(9))

    err = refused(
        database,
        lambda: records.add_meeting(
            database, cid, MeetingInput(MeetingKind.SAMTALE, coming, interpreter_language=" ", interpreter_booked=True)
        ),
    )

    assert err.for_field("tolk") == "Skriv sproget for den bestilte tolk."


def test_bestil_tolk_is_due_until_the_interpreter_is_booked_and_opens_the_meeting(database: Database) -> None:
    cid = _citizen(database, interpreter=True)
    day = TODAY + dt.timedelta(days=10)
    meeting = records.add_meeting(
        database, cid, MeetingInput(MeetingKind.SAMTALE, dt.datetime.combine(day, dt.time(9)))
    )
    records.add_meeting(database, cid, MeetingInput(MeetingKind.SAMTALE, dt.datetime.combine(HELD, dt.time(9))))  # past

    with database.reading() as session:
        (item,) = [d for d in due_items(session, TODAY)[cid] if d.kind is DueKind.TOLK]
    assert item.title == f"Bestil tolk (arabisk) til mødet {day.strftime('%d-%m-%Y')} kl. 09:00 · frist foreløbig"
    assert item.due_on == day - dt.timedelta(days=7)
    assert overview.opens(item) == f"meetings:{meeting}" and item.target is DueTarget.MEETINGS

    records.update_meeting(
        database,
        meeting,
        MeetingInput(
            MeetingKind.SAMTALE,
            dt.datetime.combine(day, dt.time(9)),
            interpreter_language="arabisk",
            interpreter_booked=True,
        ),
    )
    with database.reading() as session:
        assert not [d for d in due_items(session, TODAY).get(cid, ()) if d.kind is DueKind.TOLK]


# --- send the case: the team's deadline in the Overblik ---------------------------------------


def test_send_sagen_senest_is_due_by_the_packs_deadline_until_the_case_is_sent(database: Database) -> None:
    cid = _citizen(database)
    day = TODAY + dt.timedelta(days=20)
    meeting = _team_meeting(database, cid, day)

    with database.reading() as session:
        (item,) = [d for d in due_items(session, TODAY)[cid] if d.kind is DueKind.SEND_SAGEN]
    send_by = day - dt.timedelta(days=14)
    assert item.due_on == send_by
    assert item.title == (
        f"Send sagen senest {send_by.strftime('%d-%m-%Y')} til rehabiliteringsteamet "
        f"(mødet {day.strftime('%d-%m-%Y')}) · frist foreløbig"
    )
    assert overview.opens(item) == f"meetings:{meeting}"

    mw.save_workflow(database, meeting, mw.WorkflowInput(sent_on=TODAY), TODAY)
    with database.reading() as session:
        assert not [d for d in due_items(session, TODAY).get(cid, ()) if d.kind is DueKind.SEND_SAGEN]


def test_under_lov_1750_the_case_is_sent_to_the_sundhedskoordinator(database: Database) -> None:
    cid = _citizen(database, pack="l1750_2026")
    _team_meeting(database, cid, TODAY + dt.timedelta(days=20))

    with database.reading() as session:
        (item,) = [d for d in due_items(session, TODAY)[cid] if d.kind is DueKind.SEND_SAGEN]
    assert " til sundhedskoordinatoren " in item.title


# --- gruppe 3: forelagt og afgjort from the records ---------------------------------------------


def _gruppe3_deadline(database: Database, cid: int) -> list[str]:
    with database.reading() as session:
        return [d.title for d in due_items(session, TODAY).get(cid, ()) if d.kind is DueKind.GRUPPE]


def test_gruppe_3s_deadline_closes_when_the_records_show_forelagt_and_afgjort(database: Database) -> None:
    cid = _citizen(database)
    meeting = _team_meeting(database, cid, HELD)
    (open_before,) = _gruppe3_deadline(database, cid)
    assert "forelæggelse for rehabiliteringsteamet" in open_before

    mw.save_workflow(database, meeting, mw.WorkflowInput(recommended_on=HELD, recommendation="Fleksjob"), TODAY)
    (still_open,) = _gruppe3_deadline(database, cid)
    assert "mangler afgørelse" in still_open and "forelæggelse" not in still_open

    decided = HELD + dt.timedelta(days=4)
    mw.save_workflow(
        database, meeting, mw.WorkflowInput(recommended_on=HELD, recommendation="Fleksjob", decided_on=decided), TODAY
    )
    assert _gruppe3_deadline(database, cid) == []
    current = open_citizen_file(database, cid, TODAY).current
    assert current is not None
    assert current.goals_reached == {"rehab_forelagt": HELD, "rehab_afgjort": decided}


def test_a_meeting_before_the_current_forloeb_does_not_decide_it(database: Database) -> None:
    cid = _citizen(database)
    meeting = _team_meeting(database, cid, START - dt.timedelta(days=30))
    mw.save_workflow(database, meeting, mw.WorkflowInput(decided_on=START - dt.timedelta(days=30)), TODAY)

    assert len(_gruppe3_deadline(database, cid)) == 1


# --- the dossier -------------------------------------------------------------------------------


def test_the_dossiers_cover_says_whether_the_meetings_interpreter_is_booked(database: Database) -> None:
    from tests.jobraad.test_dossier import add_case, flat, make, page_texts

    cid = add_case(database, "Nguyễn Thị", "Ánh", "0101621233")  # needs an interpreter (vietnamesisk)
    data, _ = make(database, cid)
    assert "Mødelokale 3; tolk på vietnamesisk (ikke bestilt endnu)" in flat(page_texts(data)[0])

    (meeting,) = records.list_meetings(database, cid)
    records.update_meeting(
        database,
        meeting.meeting_id,
        MeetingInput(meeting.kind, meeting.starts_at, meeting.location, "", "vietnamesisk", interpreter_booked=True),
    )
    data, _ = make(database, cid)
    assert "Mødelokale 3; tolk på vietnamesisk (bestilt)" in flat(page_texts(data)[0])
