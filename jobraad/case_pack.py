"""The moment a case records its rule pack: its first documentation step (see
`jobraad.documentation`'s docstring for why). Here, apart, because both the checklist and
the consents record it, and the consents are read by the checklist."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from db.models import Citizen
from jobraad import audit
from jobraad.rulepacks import default_pack_for


def record_pack(session: Session, citizen: Citizen, day: dt.date) -> None:
    """Record the case's pack at its first documentation step (see `jobraad.documentation`):
    the pack in force on `day`. A case that has recorded one keeps it."""
    if citizen.rule_pack:
        return
    pack = default_pack_for(day)
    citizen.rule_pack = pack.id
    citizen.rule_pack_since = day
    audit.record(session, audit.Action.CHANGE, citizen.id, f"regelpakke fastlagt: {pack.id}")
