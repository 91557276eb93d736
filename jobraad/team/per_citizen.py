"""The optional per-citizen rows of a team summary (`--per-citizen`): one row per citizen
with a pseudonymous id, never CPR, name or free text.

The id is HMAC-SHA256 of the citizen's database id under a random key kept in the
database (Setting "pseudonym_key", created on first use), so it is stable across exports
from the same database and cannot be worked out from the id or the CPR. Merge leaves these
rows out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from db.enums import Outcome
from db.models import Setting
from jobraad.team.model import CitizenRow
from jobraad.team.population import Caseload
from jobraad.team.tables import HOURS_TRENDS, NO_GROUP_LABEL, READINESS_ROWS, age_band
from jobraad.vocab import AIM_LABELS, GROUP_LABELS, OUTCOME_LABELS

__all__ = ["PSEUDONYM_SETTING", "citizen_rows", "pseudonym"]

PSEUDONYM_SETTING = "pseudonym_key"


def pseudonym(key: bytes, citizen_id: int) -> str:
    """The pseudonymous id of a citizen: derived from the database id under a secret key, never the CPR."""
    digest = hmac.new(key, f"jobraad-borger:{citizen_id}".encode("ascii"), hashlib.sha256).hexdigest()
    return f"B-{digest[:12]}"


def _pseudonym_key(session: Session) -> bytes:
    row = session.get(Setting, PSEUDONYM_SETTING)
    if row is not None:
        return bytes.fromhex(json.loads(row.value))
    key = secrets.token_bytes(32)
    session.add(Setting(key=PSEUDONYM_SETTING, value=json.dumps(key.hex())))
    session.flush()
    return key


def citizen_rows(
    session: Session,
    caseload: Caseload,
    base_ids: list[int],
    *,
    goals_met: Sequence[Mapping[int, bool]],
    exits: Mapping[int, Outcome],
    weeks_to_decision: Mapping[int, float],
    trends: Mapping[int, str],
    ready_states: Mapping[int, str],
) -> tuple[CitizenRow, ...]:
    """A row per citizen of `base_ids`, in pseudonym order (never in name order); the pseudonym
    key is made (in `session`'s transaction) if the database has none."""
    secret = _pseudonym_key(session)
    trend_labels, readiness_labels = dict(HOURS_TRENDS), dict(READINESS_ROWS)
    rows = []
    for cid in base_ids:
        p = caseload.people[cid]
        rows.append(
            CitizenRow(
                pseudonym=pseudonym(secret, cid),
                group=GROUP_LABELS[p.group] if p.group else NO_GROUP_LABEL,
                aim=AIM_LABELS[p.aim],
                age_band=age_band(p.age)[1],
                target_group=p.target_group,
                days_in_period=p.days,
                goals=tuple(met.get(cid) for met in goals_met),
                outcome=OUTCOME_LABELS[exits[cid]] if cid in exits else "",
                weeks_to_decision=weeks_to_decision.get(cid),
                hours_trend=trend_labels[trends[cid]] if cid in trends else "",
                documentation=readiness_labels[ready_states[cid]] if cid in ready_states else "",
            )
        )
    return tuple(sorted(rows, key=lambda r: r.pseudonym))
