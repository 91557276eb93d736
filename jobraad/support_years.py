"""Years on public support among the last ten, for the 2024 target group (seed 000): counted from
the benefits-by-period records (`BenefitPeriod`) where a citizen has any, else the number typed on
the citizen (`Citizen.support_years_last10`). Which benefits count is data with its source
(`resources/rules/public_support.toml`); the window is the target group's
(`resources/rules/seed000_target_group.toml`).

Counting: the days of the periods with a counting benefit inside the window (overlaps once), as
whole years of 365.25 days, rounded down. Read for the whole caseload in two queries
(`period_years_by_citizen`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import String, or_, select, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from db.enums import PeriodBenefit
from db.models import BenefitPeriod, Citizen
from jobraad import bulk
from jobraad.rule_files import Table, parse_rule_file, read_rule_file
from jobraad.seed_rules import target_group_2024

__all__ = [
    "FILE",
    "PublicSupport",
    "SupportSource",
    "SupportYears",
    "counted_years",
    "counting_periods",
    "parse_public_support",
    "period_years_by_citizen",
    "public_support",
    "resolved",
    "support_years",
    "years_on",
]

FILE = "public_support.toml"
_DAYS_PER_YEAR = 365.25  # the length of a year: arithmetic, not law


class SupportSource(StrEnum):
    """Where a citizen's years on public support come from."""

    PERIODS = "perioder"
    TYPED = "indtastet"


SOURCE_LABELS = {
    SupportSource.PERIODS: "talt fra forsørgelseshistorikken",
    SupportSource.TYPED: "indtastet; ingen perioder i forsørgelseshistorikken",
}


@dataclass(frozen=True)
class SupportYears:
    years: int
    source: SupportSource

    @property
    def source_text(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def text(self) -> str:
        """For the case: "9 af de seneste 10 år (talt fra forsørgelseshistorikken; foreløbig)";
        "foreløbig" while the rules of what counts are (`public_support`)."""
        window = target_group_2024().support_years_window
        provisional = "; foreløbig" if self.source is SupportSource.PERIODS and public_support().provisional else ""
        return f"{self.years} af de seneste {window} år ({self.source_text}{provisional})"


@dataclass(frozen=True)
class PublicSupport:
    """The benefits that count as public support, with where that comes from."""

    counting: frozenset[PeriodBenefit]
    source: str
    provisional: bool


def parse_public_support(text: str, file: str = FILE) -> PublicSupport:
    """Check the text of the file and build its rules, or raise `RuleFileError`."""
    return _public_support(parse_rule_file(text, file, required=("counting", "benefit")))


def _public_support(top: Table) -> PublicSupport:
    counting = top.table("counting", required=())
    seen: dict[PeriodBenefit, bool] = {}
    provisional = counting.provisional
    for entry in top.entries("benefit", required=("benefit", "counts")):
        benefit = entry.choice("benefit", PeriodBenefit)
        if benefit in seen:
            entry.fail(f"ydelsen «{benefit.value}» står to gange.")
        seen[benefit] = entry.boolean("counts")
        provisional = provisional or entry.provisional
    missing = [b.value for b in PeriodBenefit if b not in seen]
    if missing:
        top.fail(f"ydelsen mangler: {', '.join(missing)}.")
    return PublicSupport(frozenset(b for b, counts in seen.items() if counts), counting.source, provisional)


@functools.cache
def public_support() -> PublicSupport:
    """The shipped rules (read once)."""
    return _public_support(read_rule_file(FILE, required=("counting", "benefit")))


def _window_start(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def counted_years(periods: Iterable[tuple[dt.date, dt.date | None]], today: dt.date) -> int:
    """Whole years (rounded down) of the days in `periods` (start, end; None: still) that fall in
    the target group's window before `today`; days in two periods count once."""
    first = _window_start(today, target_group_2024().support_years_window).toordinal()
    last = today.toordinal()
    spans = [(start.toordinal(), last if end is None else end.toordinal()) for start, end in periods]
    return _years(spans, first, last)


def _years(spans: list[tuple[int, int]], first: int, last: int) -> int:
    """`counted_years` of spans of day ordinals (both days counted), in the window first–last."""
    days = 0
    reached = first - 1  # the last day counted so far
    for start, end in sorted(spans):
        start = max(start, reached + 1)
        end = min(end, last)
        if end >= start:
            days += end - start + 1
            reached = end
    return min(target_group_2024().support_years_window, int(days / _DAYS_PER_YEAR))


def _ordinal(value: dt.date | str) -> int:
    """A date's ordinal, from a date or from its ISO text (SQLite hands dates read as text)."""
    return value.toordinal() if isinstance(value, dt.date) else dt.date.fromisoformat(value).toordinal()


def period_years_by_citizen(
    session: Session, today: dt.date, citizen_ids: Sequence[int] | None = None
) -> dict[int, int]:
    """The years on public support counted from the benefit periods, for every citizen (or those
    of `citizen_ids`) who has any period at all; a citizen without periods is left out.

    Read at start and after every save for the whole caseload: the dates are read as the
    database's text (SQLite) and turned into day numbers directly, not through date objects."""
    rules = public_support()
    window_start = _window_start(today, target_group_2024().support_years_window)
    first, last = window_start.toordinal(), today.toordinal()
    has_periods = select(BenefitPeriod.citizen_id).distinct()
    stmt = select(
        BenefitPeriod.citizen_id,
        type_coerce(BenefitPeriod.start_date, String),
        type_coerce(BenefitPeriod.end_date, String),
    ).where(
        BenefitPeriod.benefit.in_(rules.counting),
        or_(BenefitPeriod.end_date.is_(None), BenefitPeriod.end_date >= window_start),
        BenefitPeriod.start_date <= today,
    )
    if citizen_ids is not None:
        ids = list(citizen_ids)
        has_periods = has_periods.where(BenefitPeriod.citizen_id.in_(ids))
        stmt = stmt.where(BenefitPeriod.citizen_id.in_(ids))
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for citizen_id, start, end in bulk.rows(session, stmt):
        spans[citizen_id].append((_ordinal(start), last if end is None else _ordinal(end)))
    return {cid: _years(spans[cid], first, last) if cid in spans else 0 for cid in session.scalars(has_periods)}


def counting_periods(source: Session | Connection) -> dict[int, list[tuple[int, int | None]]]:
    """Every citizen who has any benefit period → the day-number spans (start, end; None: still)
    of its periods with a counting benefit ([] when none counts). For a count on a day of each
    citizen's own (`years_on`), as the team lead's summary counts the target group on the
    citizen's first day in its period."""
    found: dict[int, list[tuple[int, int | None]]] = {
        cid: [] for (cid,) in bulk.rows(source, select(BenefitPeriod.citizen_id).distinct())
    }
    stmt = select(
        BenefitPeriod.citizen_id,
        type_coerce(BenefitPeriod.start_date, String),
        type_coerce(BenefitPeriod.end_date, String),
    ).where(BenefitPeriod.benefit.in_(public_support().counting))
    for citizen_id, start, end in bulk.rows(source, stmt):
        found[citizen_id].append((_ordinal(start), None if end is None else _ordinal(end)))
    return found


def years_on(spans: Sequence[tuple[int, int | None]], day: dt.date) -> int:
    """`counted_years` on `day` of spans from `counting_periods`."""
    last = day.toordinal()
    first = _window_start(day, target_group_2024().support_years_window).toordinal()
    return _years([(start, last if end is None else end) for start, end in spans if start <= last], first, last)


def resolved(typed: int, from_periods: int | None) -> SupportYears:
    """The years from the periods where there are any, else the typed number."""
    if from_periods is None:
        return SupportYears(typed, SupportSource.TYPED)
    return SupportYears(from_periods, SupportSource.PERIODS)


def support_years(session: Session, citizen_id: int, today: dt.date) -> SupportYears | None:
    """One citizen's years on public support among the last ten (None: no such citizen)."""
    typed = session.scalar(select(Citizen.support_years_last10).where(Citizen.id == citizen_id))
    if typed is None:
        return None
    return resolved(typed, period_years_by_citizen(session, today, [citizen_id]).get(citizen_id))
