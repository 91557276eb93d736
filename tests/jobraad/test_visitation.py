"""Goals and deadlines of the visitation groups (seed 001), ISO-week urgency and
the 2024 target group (seed 000)."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from db.enums import Aim
from db.enums import VisitationGroup as G
from jobraad import formatting as fmt
from jobraad import visitation
from jobraad.visitation import (
    GROUP_DEADLINES,
    GROUP_GOALS,
    DueItem,
    DueKind,
    DueTarget,
    Urgency,
    closed_deadlines,
    deadline_date,
    goal_label,
    goes_without_team,
    group_deadlines,
    in_target_group_2024,
    missing_goals,
    urgency,
    weeks_in_forloeb,
)

D = dt.date
# A Wednesday in ISO week 2; the deadlines below fall on Wednesdays too.
START = D(2026, 1, 7)
WEEK_13 = D(2026, 4, 8)
WEEK_23 = D(2026, 6, 17)
WEEK_26 = D(2026, 7, 8)
WEEK_52 = D(2027, 1, 6)

G1_13_GOALS = ("cv", "beskaeftigelsesmaal", "virksomhedsplacering_plan", "virksomhedskontakt")
G2_13_GOALS = ("hverdagsmestring", "motivation", "beskaeftigelsesmaal", "snusepraktik")


REACHED_ON = D(2026, 2, 1)


def _reached(*keys: str, on: dt.date = REACHED_ON) -> dict[str, dt.date]:
    return dict.fromkeys(keys, on)


# --- the rules as data -------------------------------------------------------


def test_goal_keys_and_labels_of_each_group() -> None:
    keys = {group: tuple(g.key for g in goals) for group, goals in GROUP_GOALS.items()}
    assert keys == {
        G.GRUPPE_1: (*G1_13_GOALS, "job"),
        G.GRUPPE_2: (*G2_13_GOALS, "virksomhedsplacering"),
        G.GRUPPE_3: ("rehab_forelagt", "rehab_afgjort"),
        G.GRUPPE_4: ("mentormaal", "revisitation"),
        G.FLEKSJOBVISITERET: ("i_fleksjob",),
    }
    assert goal_label(G.GRUPPE_1, "cv") == "Et CV"
    assert goal_label(G.GRUPPE_2, "snusepraktik") == "Erfaring med snusepraktik"
    assert goal_label(G.GRUPPE_3, "rehab_afgjort") == "Afgørelse truffet"
    assert goal_label(G.FLEKSJOBVISITERET, "i_fleksjob") == "Ansat i fleksjob"
    assert goal_label(G.GRUPPE_4, "cv") == "cv"


def test_deadline_rules_of_each_group() -> None:
    rules = {
        group: [(r.key, r.weeks, r.closed_by) for r in group_rules] for group, group_rules in GROUP_DEADLINES.items()
    }
    assert rules == {
        G.GRUPPE_1: [("13_uger", 13, frozenset(G1_13_GOALS)), ("52_uger", 52, frozenset({"job"}))],
        G.GRUPPE_2: [
            ("13_uger", 13, frozenset(G2_13_GOALS)),
            ("26_uger", 26, frozenset({"virksomhedsplacering"})),
        ],
        G.GRUPPE_3: [("23_uger", 23, frozenset({"rehab_forelagt", "rehab_afgjort"}))],
        G.GRUPPE_4: [],
        G.FLEKSJOBVISITERET: [("26_uger", 26, frozenset({"i_fleksjob"}))],
    }


def test_every_deadline_is_closed_by_goals_of_its_own_group() -> None:
    for group, rules in GROUP_DEADLINES.items():
        own = {g.key for g in GROUP_GOALS[group]}
        for rule in rules:
            assert rule.closed_by, (group, rule.key)
            assert rule.closed_by <= own, (group, rule.key)


def test_every_group_has_goals_and_a_deadline_entry() -> None:
    assert set(GROUP_GOALS) == set(G)
    assert set(GROUP_DEADLINES) == set(G)


def test_deadline_date_is_seven_days_a_week() -> None:
    assert deadline_date(START, 0) == START
    assert deadline_date(START, 1) == D(2026, 1, 14)
    assert deadline_date(START, 13) == WEEK_13
    assert deadline_date(D(2024, 2, 22), 1) == D(2024, 2, 29)  # leap day


# --- open deadlines ----------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (
            G.GRUPPE_1,
            [
                (
                    WEEK_13,
                    "13-ugers mål (gruppe 1): mangler CV, beskæftigelsesmål, "
                    "virksomhedsplacering/plan og virksomhedskontakt",
                ),
                (WEEK_52, "52-ugers mål (gruppe 1): mangler job – ellers revurdér gruppe"),
            ],
        ),
        (
            G.GRUPPE_2,
            [
                (
                    WEEK_13,
                    "13-ugers mål (gruppe 2): mangler hverdagsmestring, motivation, beskæftigelsesmål og snusepraktik",
                ),
                (WEEK_26, "26-ugers mål (gruppe 2): mangler virksomhedsplacering"),
            ],
        ),
        (
            G.GRUPPE_3,
            [(WEEK_23, "23-ugers mål (gruppe 3): mangler forelæggelse for rehabiliteringsteamet og afgørelse")],
        ),
        (G.GRUPPE_4, []),
        (G.FLEKSJOBVISITERET, [(WEEK_26, "26-ugers mål (ledig fleksjobvisiteret): mangler fleksjob")]),
    ],
)
def test_no_goals_reached_leaves_every_deadline_open(group: G, expected: list[tuple[dt.date, str]]) -> None:
    items = group_deadlines(group, START, {})
    assert [(i.due_on, i.title) for i in items] == expected
    assert all(i.kind is DueKind.GRUPPE and i.target is DueTarget.FORLOEB and i.citizen_id is None for i in items)


@pytest.mark.parametrize(
    ("group", "weeks", "due"),
    [
        (G.GRUPPE_1, 13, WEEK_13),
        (G.GRUPPE_1, 52, WEEK_52),
        (G.GRUPPE_2, 13, WEEK_13),
        (G.GRUPPE_2, 26, WEEK_26),
        (G.GRUPPE_3, 23, WEEK_23),
        (G.FLEKSJOBVISITERET, 26, WEEK_26),
    ],
)
def test_deadline_boundaries(group: G, weeks: int, due: dt.date) -> None:
    due_dates = [i.due_on for i in group_deadlines(group, START, {})]
    assert due in due_dates
    day_before, day_after = due - dt.timedelta(days=1), due + dt.timedelta(days=1)

    # The deadlines fall on a Wednesday: the day before and the day itself are this week.
    assert urgency(due, day_before) is Urgency.THIS_WEEK
    assert urgency(due, due) is Urgency.THIS_WEEK
    assert urgency(due, day_after) is Urgency.OVERDUE
    assert urgency(due, due - dt.timedelta(days=7)) is Urgency.NEXT_WEEK

    assert weeks_in_forloeb(START, day_before) == weeks - 1
    assert weeks_in_forloeb(START, due) == weeks
    assert weeks_in_forloeb(START, day_after) == weeks


@pytest.mark.parametrize("missing", G1_13_GOALS)
def test_gruppe_1_13_weeks_stays_open_until_all_four_goals(missing: str) -> None:
    reached = _reached(*(k for k in G1_13_GOALS if k != missing))
    items = group_deadlines(G.GRUPPE_1, START, reached)
    short = {
        "cv": "CV",
        "beskaeftigelsesmaal": "beskæftigelsesmål",
        "virksomhedsplacering_plan": "virksomhedsplacering/plan",
        "virksomhedskontakt": "virksomhedskontakt",
    }
    assert [(i.due_on, i.title) for i in items] == [
        (WEEK_13, f"13-ugers mål (gruppe 1): mangler {short[missing]}"),
        (WEEK_52, "52-ugers mål (gruppe 1): mangler job – ellers revurdér gruppe"),
    ]


def test_gruppe_1_partly_reached_names_only_what_is_missing() -> None:
    items = group_deadlines(G.GRUPPE_1, START, _reached("cv", "beskaeftigelsesmaal"))
    assert items[0].title == ("13-ugers mål (gruppe 1): mangler virksomhedsplacering/plan og virksomhedskontakt")
    assert "CV" not in items[0].title
    assert "beskæftigelsesmål" not in items[0].title


def test_gruppe_1_all_13_week_goals_leave_only_the_52_week_deadline() -> None:
    items = group_deadlines(G.GRUPPE_1, START, _reached(*G1_13_GOALS))
    assert [(i.due_on, i.title) for i in items] == [
        (WEEK_52, "52-ugers mål (gruppe 1): mangler job – ellers revurdér gruppe")
    ]


def test_gruppe_1_job_alone_closes_only_the_52_week_deadline() -> None:
    items = group_deadlines(G.GRUPPE_1, START, _reached("job"))
    assert [i.due_on for i in items] == [WEEK_13]


def test_gruppe_1_everything_reached_leaves_nothing_open() -> None:
    assert group_deadlines(G.GRUPPE_1, START, _reached(*G1_13_GOALS, "job")) == []


@pytest.mark.parametrize("missing", G2_13_GOALS)
def test_gruppe_2_13_weeks_stays_open_until_all_four_goals(missing: str) -> None:
    reached = _reached(*(k for k in G2_13_GOALS if k != missing))
    items = group_deadlines(G.GRUPPE_2, START, reached)
    assert [i.due_on for i in items] == [WEEK_13, WEEK_26]
    assert items[0].title.startswith("13-ugers mål (gruppe 2): mangler ")
    named = items[0].title.removeprefix("13-ugers mål (gruppe 2): mangler ")
    assert (
        named
        == {
            "hverdagsmestring": "hverdagsmestring",
            "motivation": "motivation",
            "beskaeftigelsesmaal": "beskæftigelsesmål",
            "snusepraktik": "snusepraktik",
        }[missing]
    )


def test_gruppe_2_all_goals_close_both_deadlines() -> None:
    assert group_deadlines(G.GRUPPE_2, START, _reached(*G2_13_GOALS)) == [
        DueItem(
            WEEK_26,
            "26-ugers mål (gruppe 2): mangler virksomhedsplacering",
            DueKind.GRUPPE,
            DueTarget.FORLOEB,
            ref="virksomhedsplacering",
        )
    ]
    assert group_deadlines(G.GRUPPE_2, START, _reached(*G2_13_GOALS, "virksomhedsplacering")) == []


def test_gruppe_3_is_closed_only_when_forelagt_and_afgjort() -> None:
    # Seed 001: "inden for 23 uger har fået forelagt og behandlet deres sag på
    # rehabiliteringsteam og modtaget en afgørelse".
    forelagt = group_deadlines(G.GRUPPE_3, START, _reached("rehab_forelagt"))
    assert [(i.due_on, i.title) for i in forelagt] == [(WEEK_23, "23-ugers mål (gruppe 3): mangler afgørelse")]
    afgjort = group_deadlines(G.GRUPPE_3, START, _reached("rehab_afgjort"))
    assert [(i.due_on, i.title) for i in afgjort] == [
        (WEEK_23, "23-ugers mål (gruppe 3): mangler forelæggelse for rehabiliteringsteamet")
    ]
    assert closed_deadlines(G.GRUPPE_3, START, _reached("rehab_afgjort")) == []
    assert group_deadlines(G.GRUPPE_3, START, _reached("rehab_forelagt", "rehab_afgjort")) == []


def test_gruppe_3_closes_on_the_later_of_forelagt_and_afgjort() -> None:
    reached = {"rehab_forelagt": WEEK_23 + dt.timedelta(days=3), "rehab_afgjort": WEEK_23 - dt.timedelta(days=10)}
    [closed] = closed_deadlines(G.GRUPPE_3, START, reached)
    assert closed.closed_on == WEEK_23 + dt.timedelta(days=3)
    assert closed.on_time is False


@pytest.mark.parametrize(
    ("aim", "pension_without_team"),
    [(Aim.REVALIDERING, False), (Aim.FOERTIDSPENSION, True)],
    ids=["revalidering", "oplagt_foertidspension"],
)
def test_a_case_not_forelagt_the_team_closes_on_the_decision(aim: Aim, pension_without_team: bool) -> None:
    # BEK 2408 § 1, stk. 4 (revalidering) and stk. 3 / pensionsloven § 18, stk. 2 (oplagt førtidspension).
    without_team = goes_without_team(aim, pension_without_team)
    assert without_team is True
    assert group_deadlines(G.GRUPPE_3, START, _reached("rehab_afgjort"), without_team=without_team) == []
    [closed] = closed_deadlines(G.GRUPPE_3, START, {"rehab_afgjort": WEEK_23}, without_team=without_team)
    assert closed.closed_on == WEEK_23 and closed.on_time
    still_open = group_deadlines(G.GRUPPE_3, START, {}, without_team=without_team)
    assert [i.title for i in still_open] == ["23-ugers mål (gruppe 3): mangler afgørelse"]


def test_other_cases_go_to_the_team() -> None:
    assert goes_without_team(Aim.FOERTIDSPENSION, False) is False
    assert goes_without_team(Aim.FLEKSJOB, False) is False
    assert goes_without_team(None, False) is False


def test_gruppe_4_has_no_deadlines_whatever_is_reached() -> None:
    assert group_deadlines(G.GRUPPE_4, START, {}) == []
    assert group_deadlines(G.GRUPPE_4, START, _reached("mentormaal")) == []


def test_fleksjobvisiteret_closed_by_fleksjob() -> None:
    assert group_deadlines(G.FLEKSJOBVISITERET, START, _reached("i_fleksjob")) == []
    # Getting into a virksomhedsplacering is not a fleksjob.
    assert [i.due_on for i in group_deadlines(G.FLEKSJOBVISITERET, START, _reached("virksomhedsplacering"))] == [
        WEEK_26
    ]


def test_goals_of_another_group_do_not_close_a_deadline() -> None:
    # "virksomhedsplacering" is gruppe 2's goal; gruppe 1 needs "virksomhedsplacering_plan".
    reached = _reached("cv", "beskaeftigelsesmaal", "virksomhedskontakt", "virksomhedsplacering")
    items = group_deadlines(G.GRUPPE_1, START, reached)
    assert items[0].title == "13-ugers mål (gruppe 1): mangler virksomhedsplacering/plan"


def test_a_goal_reached_after_the_deadline_still_closes_it() -> None:
    late = _reached("i_fleksjob", on=WEEK_26 + dt.timedelta(days=30))
    assert group_deadlines(G.FLEKSJOBVISITERET, START, late) == []


def test_citizen_id_is_carried_and_items_are_sorted_by_date() -> None:
    items = group_deadlines(G.GRUPPE_1, D(2026, 3, 2), {}, citizen_id=42)
    assert [i.due_on for i in items] == [D(2026, 6, 1), D(2027, 3, 1)]
    assert {i.citizen_id for i in items} == {42}


def test_missing_goals_in_group_order() -> None:
    rule = GROUP_DEADLINES[G.GRUPPE_1][0]
    missing = missing_goals(G.GRUPPE_1, rule, _reached("beskaeftigelsesmaal"))
    assert [g.key for g in missing] == ["cv", "virksomhedsplacering_plan", "virksomhedskontakt"]


# --- closed deadlines --------------------------------------------------------


def test_closed_deadlines_report_when_the_last_goal_was_reached() -> None:
    reached = {
        "cv": D(2026, 1, 20),
        "beskaeftigelsesmaal": D(2026, 2, 3),
        "virksomhedsplacering_plan": D(2026, 3, 10),
        "virksomhedskontakt": D(2026, 2, 24),
        "job": D(2027, 2, 1),
    }
    closed = closed_deadlines(G.GRUPPE_1, START, reached)
    assert [(c.rule.key, c.due_on, c.closed_on, c.on_time) for c in closed] == [
        ("13_uger", WEEK_13, D(2026, 3, 10), True),
        ("52_uger", WEEK_52, D(2027, 2, 1), False),
    ]


def test_closed_deadlines_omit_open_ones() -> None:
    assert closed_deadlines(G.GRUPPE_1, START, _reached("cv", "job")) == [
        visitation.ClosedDeadline(GROUP_DEADLINES[G.GRUPPE_1][1], WEEK_52, REACHED_ON)
    ]
    assert closed_deadlines(G.GRUPPE_3, START, _reached("rehab_forelagt")) == []


def test_closed_on_the_due_date_is_on_time() -> None:
    [closed] = closed_deadlines(G.GRUPPE_3, START, _both(WEEK_23))
    assert closed.on_time is True
    [late] = closed_deadlines(G.GRUPPE_3, START, _both(WEEK_23 + dt.timedelta(days=1)))
    assert late.on_time is False


def _both(day: dt.date) -> dict[str, dt.date]:
    return {"rehab_forelagt": day, "rehab_afgjort": day}


# --- DueItem -----------------------------------------------------------------


def test_due_item_kinds_and_targets_are_the_words_the_window_knows() -> None:
    # The values are what the caseworker reads (kind) and what ui.citizen_file.TARGET_TABS
    # maps to a tab (target); as StrEnums they equal those strings.
    assert [k.value for k in DueKind] == [
        "gruppe",
        "møde",
        "påmindelse",
        "dokumentation",
        "samtale",
        "tolk",
        "send sagen",
    ]
    assert [t.value for t in DueTarget] == ["forloeb", "meetings", "deadlines", "documentation", "samtaler"]
    item = DueItem(START, "x", DueKind.MOEDE, DueTarget.MEETINGS, citizen_id=1)
    assert item.kind == "møde" and item.target == "meetings" and str(item.target) == "meetings"
    assert {DueTarget.MEETINGS: 9}["meetings"] == 9


def test_a_due_item_is_a_value() -> None:
    item = DueItem(START, "x", DueKind.GRUPPE, DueTarget.FORLOEB, 7)
    assert item == DueItem(START, "x", DueKind.GRUPPE, DueTarget.FORLOEB, 7)
    assert hash(item) == hash(DueItem(START, "x", DueKind.GRUPPE, DueTarget.FORLOEB, 7))
    assert item != DueItem(START, "x", DueKind.GRUPPE, DueTarget.FORLOEB)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.title = "y"  # type: ignore[misc]


# --- urgency -----------------------------------------------------------------


def test_urgency_within_an_ordinary_week() -> None:
    today = D(2026, 3, 11)  # Wednesday, uge 11
    assert urgency(D(2026, 3, 10), today) is Urgency.OVERDUE
    assert urgency(D(2026, 3, 11), today) is Urgency.THIS_WEEK
    assert urgency(D(2026, 3, 15), today) is Urgency.THIS_WEEK  # Sunday
    assert urgency(D(2026, 3, 16), today) is Urgency.NEXT_WEEK  # Monday, uge 12
    assert urgency(D(2026, 3, 22), today) is Urgency.NEXT_WEEK
    assert urgency(D(2026, 3, 23), today) is Urgency.LATER


def test_urgency_on_a_monday_counts_the_past_days_of_the_week_as_overdue() -> None:
    today = D(2026, 3, 16)
    assert urgency(D(2026, 3, 15), today) is Urgency.OVERDUE
    assert urgency(D(2026, 3, 16), today) is Urgency.THIS_WEEK
    assert urgency(D(2026, 3, 22), today) is Urgency.THIS_WEEK


def test_urgency_across_new_year_in_iso_week_53() -> None:
    today = D(2026, 12, 31)  # Thursday of uge 53, 2026
    assert fmt.week(today) == "uge 53"
    assert urgency(D(2026, 12, 30), today) is Urgency.OVERDUE
    assert urgency(D(2027, 1, 1), today) is Urgency.THIS_WEEK  # still uge 53
    assert urgency(D(2027, 1, 3), today) is Urgency.THIS_WEEK
    assert urgency(D(2027, 1, 4), today) is Urgency.NEXT_WEEK  # uge 1, 2027
    assert urgency(D(2027, 1, 10), today) is Urgency.NEXT_WEEK
    assert urgency(D(2027, 1, 11), today) is Urgency.LATER


def test_urgency_when_week_1_starts_in_december() -> None:
    today = D(2025, 12, 26)  # Friday, uge 52; uge 1 of 2026 starts Monday 29-12-2025
    assert urgency(D(2025, 12, 28), today) is Urgency.THIS_WEEK
    assert urgency(D(2025, 12, 29), today) is Urgency.NEXT_WEEK
    assert urgency(D(2026, 1, 4), today) is Urgency.NEXT_WEEK
    assert urgency(D(2026, 1, 5), today) is Urgency.LATER


def test_urgency_for_one_day_then_another() -> None:
    # The week boundaries are remembered per day: asking about another day must not reuse them.
    wednesday, next_wednesday = D(2026, 3, 11), D(2026, 3, 18)
    assert urgency(D(2026, 3, 17), wednesday) is Urgency.NEXT_WEEK
    assert urgency(D(2026, 3, 17), next_wednesday) is Urgency.OVERDUE
    assert urgency(D(2026, 3, 20), next_wednesday) is Urgency.THIS_WEEK
    assert urgency(D(2026, 3, 20), wednesday) is Urgency.NEXT_WEEK


def test_urgency_values_are_stable_strings() -> None:
    assert [u.value for u in Urgency] == ["overdue", "this_week", "next_week", "later"]


# --- weeks in forløb ---------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "weeks"),
    [
        (D(2025, 12, 1), 0),  # forløb starts in the future
        (D(2026, 1, 6), 0),  # the day before it starts
        (START, 0),
        (D(2026, 1, 13), 0),
        (D(2026, 1, 14), 1),
        (D(2026, 1, 21), 2),
        (WEEK_13, 13),
        (WEEK_52, 52),
        (WEEK_52 + dt.timedelta(days=6), 52),
        (WEEK_52 + dt.timedelta(days=7), 53),
    ],
)
def test_weeks_in_forloeb(today: dt.date, weeks: int) -> None:
    assert weeks_in_forloeb(START, today) == weeks


# --- target group of the 2024 indsats ----------------------------------------


@pytest.mark.parametrize(
    ("age", "years", "expected"),
    [
        (54, 8, False),
        (55, 8, True),
        (64, 8, True),
        (65, 8, False),
        (55, 7, False),
        (64, 7, False),
        (60, 10, True),
        (60, 0, False),
        (54, 10, False),
        (65, 10, False),
    ],
)
def test_in_target_group_2024(age: int, years: int, expected: bool) -> None:
    assert in_target_group_2024(age, years) is expected


@pytest.mark.parametrize("years", [-1, 11])
def test_in_target_group_2024_rejects_impossible_year_counts(years: int) -> None:
    with pytest.raises(ValueError):
        in_target_group_2024(60, years)


# --- week labels -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "plain", "with_year"),
    [
        (D(2026, 3, 16), "uge 12", "uge 12, 2026"),
        (D(2026, 1, 1), "uge 1", "uge 1, 2026"),
        (D(2027, 1, 1), "uge 53", "uge 53, 2026"),  # ISO year is the old one
        (D(2024, 12, 30), "uge 1", "uge 1, 2025"),  # ISO year is the new one
    ],
)
def test_iso_week_label(day: dt.date, plain: str, with_year: str) -> None:
    assert fmt.week(day) == plain
    assert fmt.week(day, with_year=True) == with_year


# --- layering ----------------------------------------------------------------


def test_module_imports_only_stdlib_db_enums_and_dates() -> None:
    tree = ast.parse(Path(visitation.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert imported == {
        "__future__",
        "datetime",
        "collections.abc",
        "dataclasses",
        "enum",
        "functools",
        "types",
        "db.enums",
        "jobraad.dates",
        "jobraad.seed_rules",
    }
