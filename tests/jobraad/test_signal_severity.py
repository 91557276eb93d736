"""Signals that mean something: each has a level from `resources/rules/signal_severity.toml`
(jobraad's practice), good news is not a warning, hours that document the case's aim are not a
warning, and the Overblik lists only what needs attention under its signals, good news apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.enums import Aim, VisitationGroup
from db.session import Database
from jobraad import progression, rule_files
from jobraad.demo import generate_demo
from jobraad.overview import load_overview
from jobraad.progression import Severity, Signal, SignalKind, severity_rules, signal_for_aim
from jobraad.rule_files import RuleFileError
from tests.jobraad.test_progression import DEFAULT, only, run, signals_for

DEMO_DAY = dt.date(2026, 12, 5)


def test_rising_hours_are_good_news_not_a_warning() -> None:
    rising = only(signals_for(run([2, 4, 6, 8, 10, 12])), SignalKind.RISING)
    assert rising.severity is Severity.GOD_NYHED
    assert not rising.severity.needs_attention


def test_a_stall_asks_for_attention_and_is_serious_from_the_rule_files_weeks() -> None:
    serious_from = severity_rules()[SignalKind.NO_PROGRESSION].serious_from_weeks
    assert serious_from == 8  # the shipped rule; the next lines follow it
    short = only(signals_for(run([12] * DEFAULT.stall_weeks)), SignalKind.NO_PROGRESSION)
    assert (short.text, short.severity) == (f"Ingen progression i {DEFAULT.stall_weeks} uger", Severity.OPMAERKSOM)
    # 8 of 10 planned hours: under the attendance at which a stall is never serious (90 %).
    just_below = only(signals_for(run([8] * (serious_from - 1))), SignalKind.NO_PROGRESSION)
    assert just_below.severity is Severity.OPMAERKSOM
    long = only(signals_for(run([8] * serious_from)), SignalKind.NO_PROGRESSION)
    assert long.text == f"Ingen progression i {serious_from} uger"
    assert long.severity is Severity.ALVORLIG


def test_a_stall_at_the_planned_hours_is_never_serious() -> None:
    # 30 of 30 planned hours for 11 weeks (a demo citizen in løntilskud): the question is more
    # hours, not a failing placement.
    assert severity_rules()[SignalKind.NO_PROGRESSION].not_serious_from_attendance == 0.9
    at_plan = only(signals_for(run([30] * 11, planned=30)), SignalKind.NO_PROGRESSION)
    assert (at_plan.text, at_plan.severity) == ("Ingen progression i 11 uger", Severity.OPMAERKSOM)
    nearly = only(signals_for(run([27] * 11, planned=30)), SignalKind.NO_PROGRESSION)  # 90 %
    assert nearly.severity is Severity.OPMAERKSOM
    under = only(signals_for(run([26] * 11, planned=30)), SignalKind.NO_PROGRESSION)
    assert under.severity is Severity.ALVORLIG


def test_low_attendance_is_serious() -> None:
    found = signals_for(run([14, 2, 2, 2, 2], planned=20))
    assert only(found, SignalKind.LOW_ATTENDANCE).severity is Severity.ALVORLIG


@pytest.mark.parametrize(
    ("aim", "stall_severity", "low_severity", "note"),
    [
        (Aim.FLEKSJOB, Severity.DOKUMENTATION, Severity.DOKUMENTATION, True),
        (Aim.FOERTIDSPENSION, Severity.DOKUMENTATION, Severity.DOKUMENTATION, False),
        (Aim.JOB, Severity.ALVORLIG, Severity.OPMAERKSOM, False),
    ],
)
def test_flat_low_hours_document_a_fleksjob_or_pension_case_and_warn_in_others(
    aim: Aim, stall_severity: Severity, low_severity: Severity, note: bool
) -> None:
    [stall, low] = signals_for(run([6] * 9))  # 8 weeks without progression, all under 10 hours
    assert (stall.kind, low.kind) == (SignalKind.NO_PROGRESSION, SignalKind.STABLE_LOW)
    assert signal_for_aim(stall, aim).severity is stall_severity
    read = signal_for_aim(low, aim)
    assert read.severity is low_severity
    assert read.text.endswith(progression.FLEKSJOB_NOTE) is note


def test_levels_are_ordered_most_serious_first() -> None:
    assert [s.rank for s in (Severity.ALVORLIG, Severity.OPMAERKSOM, Severity.DOKUMENTATION, Severity.GOD_NYHED)] == [
        0,
        1,
        2,
        3,
    ]
    assert Signal(SignalKind.RISING, "x").severity is Severity.OPMAERKSOM  # made by hand: no level lost


# --- the Overblik ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from jobraad.store import create_caseload

    database = create_caseload(tmp_path_factory.mktemp("demo") / "demo.jobraad", "en lang nok adgangsfrase 1")
    generate_demo(database, citizens=40, seed=1, today=DEMO_DAY)
    yield database
    database.close()


@pytest.fixture(scope="module")
def demo_overview(demo_database: Database) -> object:
    return load_overview(demo_database, DEMO_DAY)


def test_the_overview_lists_only_what_needs_attention_under_its_signals(demo_overview: object) -> None:
    from jobraad.overview import Overview

    assert isinstance(demo_overview, Overview)
    attention, good, documenting = demo_overview.signals, demo_overview.good_news, demo_overview.documenting
    assert attention and good and documenting  # the demo has all three
    assert all(s.severity.needs_attention for c in attention for s in c.signals)
    assert all(s.severity is Severity.GOD_NYHED for c in good for s in c.signals)
    assert all(s.severity is Severity.DOKUMENTATION for c in documenting for s in c.signals)
    ranks = [c.severity.rank for c in attention]
    assert ranks == sorted(ranks)  # the most serious citizens first
    # Demo seed 1 on its day: 15 of 36 active citizens had a ⚑ before severity; 5 need attention now.
    flagged = {c.citizen_id for part in (attention, good, documenting) for c in part}
    assert (demo_overview.active, len(flagged), len(attention)) == (36, 15, 5)


def test_the_overview_for_some_groups_keeps_only_their_citizens(demo_overview: object) -> None:
    from jobraad.overview import Overview

    assert isinstance(demo_overview, Overview)
    groups = {VisitationGroup.GRUPPE_1}
    only_one = demo_overview.for_groups(groups)
    kept = [c for part in (only_one.signals, only_one.good_news, *only_one.sections.values()) for c in part]
    assert kept and all(c.group in groups for c in kept)
    assert len(kept) < sum(
        len(p) for p in (demo_overview.signals, demo_overview.good_news, *demo_overview.sections.values())
    )
    assert only_one.group_counts == demo_overview.group_counts  # the chips show the whole caseload
    assert demo_overview.for_groups(set()) is demo_overview


# --- the rule file --------------------------------------------------------------------------------


@pytest.fixture
def rules_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "rules").mkdir()
    monkeypatch.setattr(rule_files, "resource", lambda *parts: tmp_path.joinpath(*parts))
    severity_rules.cache_clear()
    yield tmp_path / "rules"
    severity_rules.cache_clear()


def _entry(kind: str, extra: str = "", severity: str = "opmærksom") -> str:
    return (
        f'[[signals]]\nkind = "{kind}"\nseverity = "{severity}"\n{extra}'
        'source = "jobraads praksis"\nstatus = "foreløbig"\n'
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("".join(_entry(k.value) for k in SignalKind if k is not SignalKind.RISING), "niveauet mangler for rising"),
        (_entry("rising", severity="farlig"), "ukendt værdi «farlig» for «severity»"),
        (_entry("rising", 'documents_aims = ["pension"]\n'), "ukendt sigte «pension»"),
        (_entry("rising") + _entry("rising"), "«rising» står der allerede"),
    ],
)
def test_a_broken_severity_file_is_refused_naming_what(rules_folder: Path, body: str, problem: str) -> None:
    (rules_folder / progression.SEVERITY_FILE).write_text("format = 1\n" + body, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        severity_rules()
    assert info.value.message.startswith("Regelfilen signal_severity.toml")
    assert problem in info.value.message


def test_the_praktik_tab_reads_signals_as_the_overview_does(demo_database: Database, demo_overview: object) -> None:
    from jobraad.overview import Overview
    from jobraad.placements import citizen_progress

    assert isinstance(demo_overview, Overview)
    documented = demo_overview.documenting[0]
    shown = {
        s.text: s.severity
        for pp in citizen_progress(demo_database, documented.citizen_id, DEMO_DAY)
        for s in pp.signals
    }
    for signal in documented.signals:
        assert shown.get(signal.text) in (None, Severity.DOKUMENTATION)
    assert Severity.DOKUMENTATION in shown.values()
