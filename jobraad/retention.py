"""Deleting closed cases after their retention period.

The municipality's own case system keeps the record; this file is the caseworker's working
copy, which may be kept no longer than it is needed (storage limitation, GDPR art. 5(1)(e)).
How long that is depends on how the case ended: each closed case is offered for deletion
`RetentionPeriod.months` after its closing, by the closing's outcome, from the data file
`resources/rules/retention.toml` (each period with its source; all are the municipality's
practice, not law, so "foreløbig"). The outcome decides, not the aim: the aim says where the
case was heading, the outcome whether the citizen may come back to the caseworker, which is
what the copy is kept for. The setting `retention_months` keeps what a caseworker set before:
above 0 it overrides the periods, the same for every case (0, the default: by outcome).

`closed_case_retention()` reads every closed case's deletion date in one query (the Overblik's
prompt, the list to delete from); `retention_of()` is the same for one case (its summary). The
UI lists `closed_cases_due_for_deletion()`, asks for confirmation and calls `delete_citizens()`.

A deletion removes every row about the citizen (the foreign keys cascade from the citizen to all
their data, attachments included), logs it without personal data (the citizen's number and the
closing date only), remembers the citizen's CPR hash and the time (`DeletedCitizen`, so that
`jobraad.backup.purge_backups` can remove them from older backups), and then runs `VACUUM`, so the
deleted content does not linger in the file's free pages or its WAL.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import Outcome
from db.models import CaseOutcome, Citizen, DeletedCitizen, Setting
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.citizens import CitizenNotFound, open_outcome
from jobraad.errors import UserFacingError
from jobraad.rule_files import Table, read_rule_file
from jobraad.settings import SPECS

log = logging.getLogger(__name__)

RULES_FILE = "retention.toml"
SETTING = "retention_months"


class CaseNotClosedError(UserFacingError):
    def __init__(self) -> None:
        super().__init__("Kun lukkede sager kan slettes. Luk sagen først. Intet er slettet.")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (the month's last day if it has no such day)."""
    return months_before(day, -months)


# --- the periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPeriod:
    """How long a closed case is kept, and why: `reason` in a few words for the window,
    `source` from the data file; `by_setting` when the caseworker's setting decides it."""

    months: int
    reason: str
    source: str
    provisional: bool
    by_setting: bool = False

    def describe(self) -> str:
        """The period as the window says it: "6 måneder (foreløbig: …)"."""
        if self.by_setting:
            return f"{self.months} måneder (din indstilling)"
        mark = "foreløbig: " if self.provisional else ""
        return f"{self.months} måneder ({mark}{self.reason})"


@dataclass(frozen=True)
class RetentionRules:
    principle: str
    principle_source: str
    periods: Mapping[Outcome, RetentionPeriod]
    fallback: RetentionPeriod  # for an outcome the file does not name

    def period(self, outcome: Outcome, override_months: int = 0) -> RetentionPeriod:
        """The period of a case closed with `outcome`; `override_months` above 0 (the setting) wins."""
        if override_months > 0:
            return RetentionPeriod(override_months, "din indstilling", f"indstillingen {SETTING}", False, True)
        return self.periods.get(outcome, self.fallback)


def _period(entry: Table) -> RetentionPeriod:
    return RetentionPeriod(entry.integer("months", 0, 600), entry.text("reason"), entry.source, entry.provisional)


def parse_retention_rules(top: Table) -> RetentionRules:
    principle = top.table("principle", required=("text",))
    fallback = top.table("fallback", required=("months", "reason"))
    periods: dict[Outcome, RetentionPeriod] = {}
    for entry in top.entries("periods", required=("outcome", "months", "reason")):
        outcome = entry.choice("outcome", Outcome)
        entry.named(f"[[periods]] «{outcome}»")
        if outcome in periods:
            entry.fail(f"udfaldet «{outcome}» står to gange.")
        periods[outcome] = _period(entry)
    return RetentionRules(principle.text("text"), principle.source, periods, _period(fallback))


@functools.cache
def retention_rules() -> RetentionRules:
    """The shipped `resources/rules/retention.toml`, read once (`RuleFileError` if invalid)."""
    return parse_retention_rules(read_rule_file(RULES_FILE, required=("principle", "fallback", "periods")))


def override_months(session: Session) -> int:
    """The setting `retention_months` (0: by outcome), read in `session`."""
    row = session.get(Setting, SETTING)
    value = json.loads(row.value) if row is not None else SPECS[SETTING].default
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


# --- the closed cases and their deletion dates -------------------------------------------------


class DueForDeletion(NamedTuple):
    """A closed case and when it may be deleted: from `delete_from` on (the day after
    `period.months` months have passed since `closed_on`)."""

    citizen_id: int
    closed_on: dt.date
    outcome: Outcome
    period: RetentionPeriod
    delete_from: dt.date

    def due(self, today: dt.date) -> bool:
        return today >= self.delete_from


def deletion_date(closed_on: dt.date, period: RetentionPeriod) -> dt.date:
    """The first day a case closed on `closed_on` is offered for deletion."""
    return months_after(closed_on, period.months) + dt.timedelta(days=1)


def closed_case_retention(session: Session, citizen_ids: Iterable[int] | None = None) -> list[DueForDeletion]:
    """Every closed case (of `citizen_ids`, or all) with its deletion date, soonest first; one query
    for the whole caseload. A case closed more than once counts from its newest closing."""
    rules = retention_rules()
    override = override_months(session)
    stmt = select(CaseOutcome.citizen_id, CaseOutcome.closed_on, CaseOutcome.outcome, CaseOutcome.id).where(
        CaseOutcome.reopened_on.is_(None)
    )
    if citizen_ids is not None:
        stmt = stmt.where(CaseOutcome.citizen_id.in_(list(citizen_ids)))
    newest: dict[int, tuple[dt.date, int, Outcome]] = {}
    for citizen_id, closed_on, outcome, row_id in session.execute(stmt):
        if citizen_id not in newest or (closed_on, row_id) > newest[citizen_id][:2]:
            newest[citizen_id] = (closed_on, row_id, outcome)
    out = []
    for citizen_id, (closed_on, _, outcome) in newest.items():
        period = rules.period(outcome, override)
        out.append(DueForDeletion(citizen_id, closed_on, outcome, period, deletion_date(closed_on, period)))
    return sorted(out, key=lambda d: (d.delete_from, d.closed_on, d.citizen_id))


def retention_of(session: Session, citizen_id: int) -> DueForDeletion | None:
    """The deletion date of one closed case (None while the case is open)."""
    found = closed_case_retention(session, [citizen_id])
    return found[0] if found else None


def due_for_deletion(session: Session, today: dt.date) -> list[DueForDeletion]:
    """The closed cases past their retention period on `today`, the longest overdue first."""
    return [d for d in closed_case_retention(session) if d.due(today)]


def closed_cases_due_for_deletion(database: Database, today: dt.date | None = None) -> list[DueForDeletion]:
    """`due_for_deletion` in a session of its own."""
    today = today or dt.date.today()
    with database.reading() as session:
        return due_for_deletion(session, today)


def cpr_hash(cpr: str) -> str:
    """What `DeletedCitizen` keeps of a CPR: enough to find the citizen in an older backup."""
    return hashlib.sha256(f"jobraad-slettet:{cpr}".encode()).hexdigest()


def delete_citizen(database: Database, citizen_id: int, now: dt.datetime | None = None) -> bool:
    """Delete one closed case; see `delete_citizens`."""
    return delete_citizens(database, [citizen_id], now)


def delete_citizens(database: Database, citizen_ids: Iterable[int], now: dt.datetime | None = None) -> bool:
    """Delete all data about each citizen (closed cases only), in one transaction, then
    `VACUUM` once. All or none: an unknown or open case refuses the whole call.

    Returns whether the clean-up after the deletion succeeded; if not (a full disk:
    `VACUUM` needs room for a copy), the citizens are deleted all the same and the
    clean-up is done by the next deletion or `vacuum()`.
    """
    ids = list(dict.fromkeys(citizen_ids))
    deleted_at = (now or dt.datetime.now()).replace(microsecond=0)
    with database.transaction() as session:
        for citizen_id in ids:
            citizen = session.get(Citizen, citizen_id)
            if citizen is None:
                raise CitizenNotFound()
            closing = open_outcome(citizen)
            if closing is None:
                raise CaseNotClosedError()
            closed_on = closing.closed_on
            session.add(DeletedCitizen(cpr_hash=cpr_hash(citizen.cpr), deleted_at=deleted_at))
            session.delete(citizen)
            session.flush()
            audit.record(session, audit.Action.DELETE, citizen_id, f"borger slettet (lukket {fmt.date(closed_on)})")
    return vacuum(database)


def vacuum(database: Database) -> bool:
    """Rebuild the file without free pages, and empty the WAL (`VACUUM` cannot run in a
    transaction, so on a connection of its own). Returns False if it could not be done."""
    database.ensure_writable()
    raw = database.engine.raw_connection()
    try:
        cursor: Any = raw.cursor()
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    except Exception as err:  # the DBAPI's own errors: disk full, busy
        log.warning("vacuum after deletion failed: %s", err)
        return False
    finally:
        raw.close()
    return True


class ClosedCase(NamedTuple):
    """A line of the list the user checks before deleting: `DueForDeletion` with the name."""

    citizen_id: int
    name: str
    closed_on: dt.date
    outcome: Outcome
    delete_from: dt.date


def deletion_list(database: Database, today: dt.date | None = None) -> list[ClosedCase]:
    """`closed_cases_due_for_deletion` with each citizen's name, in the same order."""
    today = today or dt.date.today()
    with database.reading() as session:
        due = due_for_deletion(session, today)
        citizens = session.execute(
            select(Citizen.id, Citizen.first_name, Citizen.last_name).where(Citizen.id.in_([d.citizen_id for d in due]))
        )
        names = {cid: f"{first} {last}".strip() for cid, first, last in citizens}
    return [ClosedCase(d.citizen_id, names[d.citizen_id], d.closed_on, d.outcome, d.delete_from) for d in due]
