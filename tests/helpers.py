"""Helpers shared by the service tests: what the database holds, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEntry, Base
from db.session import Database
from jobraad.consents import ConsentInput
from jobraad.errors import ValidationFailed


def stored(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, by table name: equal before and after shows nothing changed."""
    with database.reading() as session:
        return {
            table.name: [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


def audit_log(database: Database) -> list[tuple[str, int | None, str]]:
    """The audit log as (action, citizen id, detail), oldest first."""
    with database.reading() as session:
        return [(e.action, e.citizen_id, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def new_audit(database: Database, before: int) -> list[tuple[str, int | None, str]]:
    """The audit entries after the first `before`."""
    return audit_log(database)[before:]


def refused(database: Database, call: Callable[[], object]) -> ValidationFailed:
    """Run `call`, expecting a refusal that stored nothing and logged nothing."""
    before = stored(database)
    with pytest.raises(ValidationFailed) as info:
        call()
    assert stored(database) == before
    return info.value


def fields(err: ValidationFailed) -> list[str]:
    """The fields a refusal names, in order."""
    return [p.field for p in err.problems]


def consent_input(
    given_on: dt.date,
    expires_on: dt.date | None = None,
    *,
    information: str = "Lægeattest LÆ 265 og journaloplysninger om ryggen",
    source_name: str = "Lægerne på Amagerbrogade",
    purpose: str = "Afklaring af ret til fleksjob – sag hos jobcentret",
) -> ConsentInput:
    """A consent as retssikkerhedsloven § 11 a, stk. 1 asks for it: which information, from whom, which case."""
    return ConsentInput(information, source_name, purpose, given_on, expires_on)
