"""Deleting closed cases after the retention period.

The municipality's own case system keeps the record; this file is the
caseworker's working copy, so a closed case is offered for deletion once it has
been closed longer than the setting `retention_months` (default 6). The UI
lists `closed_cases_due_for_deletion()`, asks for confirmation and calls
`delete_citizens()`.

A deletion removes every row about the citizen (the foreign keys cascade from
the citizen to all their data, attachments included), logs it without personal
data (the citizen's number and the closing date only), and then runs `VACUUM`,
so the deleted content does not linger in the file's free pages or its WAL.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import func, select

from db.models import CaseOutcome, Citizen
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.citizens import CitizenNotFound, open_outcome
from jobraad.errors import UserFacingError
from jobraad.settings import get_setting

log = logging.getLogger(__name__)


class DueForDeletion(NamedTuple):
    citizen_id: int
    closed_on: dt.date


class CaseNotClosedError(UserFacingError):
    def __init__(self) -> None:
        super().__init__("Kun lukkede sager kan slettes. Luk sagen først. Intet er slettet.")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def closed_cases_due_for_deletion(database: Database, today: dt.date | None = None) -> list[DueForDeletion]:
    """Citizens whose case has been closed longer than `retention_months`, longest closed first."""
    today = today or dt.date.today()
    months = int(get_setting(database, "retention_months"))
    limit = months_before(today, months)
    with database.reading() as session:
        rows = session.execute(
            select(CaseOutcome.citizen_id, func.max(CaseOutcome.closed_on))
            .where(CaseOutcome.reopened_on.is_(None))
            .group_by(CaseOutcome.citizen_id)
        )
        due = [DueForDeletion(citizen_id, closed_on) for citizen_id, closed_on in rows if closed_on < limit]
    return sorted(due, key=lambda d: (d.closed_on, d.citizen_id))


def delete_citizen(database: Database, citizen_id: int) -> bool:
    """Delete one closed case; see `delete_citizens`."""
    return delete_citizens(database, [citizen_id])


def delete_citizens(database: Database, citizen_ids: Iterable[int]) -> bool:
    """Delete all data about each citizen (closed cases only), in one transaction, then
    `VACUUM` once. All or none: an unknown or open case refuses the whole call.

    Returns whether the clean-up after the deletion succeeded; if not (a full disk:
    `VACUUM` needs room for a copy), the citizens are deleted all the same and the
    clean-up is done by the next deletion or `vacuum()`.
    """
    ids = list(dict.fromkeys(citizen_ids))
    with database.transaction() as session:
        for citizen_id in ids:
            citizen = session.get(Citizen, citizen_id)
            if citizen is None:
                raise CitizenNotFound()
            closing = open_outcome(citizen)
            if closing is None:
                raise CaseNotClosedError()
            closed_on = closing.closed_on
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


def deletion_list(database: Database, today: dt.date | None = None) -> list[ClosedCase]:
    """`closed_cases_due_for_deletion` with each citizen's name, in the same order."""
    due = closed_cases_due_for_deletion(database, today)
    with database.reading() as session:
        citizens = session.scalars(select(Citizen).where(Citizen.id.in_([d.citizen_id for d in due])))
        names = {citizen.id: citizen.full_name for citizen in citizens}
    return [ClosedCase(d.citizen_id, names[d.citizen_id], d.closed_on) for d in due]
