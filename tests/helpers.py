"""Helpers shared by the service tests: what the database holds, refusals that change nothing, and a
stand-in for the system's print spooler (CUPS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

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


def complete_case(
    database: Database,
    citizen: int,
    today: dt.date,
    *,
    keep: Collection[str] = (),
    given_on: dt.date | None = None,
    on_paper: bool = True,
) -> None:
    """Bring a case's required documentation in place, except the items in `keep`: consents
    from every source asked, every required text written, every other required item received
    on `today`, and each received outside document marked as kept on paper (`on_paper`) so it
    counts without a file."""
    from db.enums import DocumentSource, DocumentState
    from jobraad import consents
    from jobraad import documentation as doc
    from jobraad.case_texts import save_case_texts

    start = given_on or today - dt.timedelta(days=60)
    for source in (
        DocumentSource.EGEN_LAEGE,
        DocumentSource.SOF,
        DocumentSource.SUF,
        DocumentSource.SUNDHEDSKOORDINATOR,
    ):
        consents.add_consent(database, citizen, source, consent_input(start), today)
    entries = doc.load_checklist(database, citizen, today).entries
    texts = {t for e in entries if e.item.required and e.item.id not in keep for t in e.item.texts}
    save_case_texts(database, citizen, {t: f"Beskrevet ({t})." for t in texts}, today=today)
    for e in entries:
        if not e.item.required or e.item.id in keep or e.from_text:
            continue
        scope = consent_input(today) if e.item.consent_for else None
        doc.set_state(
            database, citizen, e.item.id, e.instance, DocumentState.MODTAGET, on=today, consent=scope, today=today
        )
        if on_paper and e.needs_file:
            doc.set_on_paper(database, citizen, e.item.id, e.instance, "Ligger i papirsagen", today=today)


# --- a stand-in for CUPS ------------------------------------------------------------------------

LP_JOB = "Kontor-42"
#: `lp` as CUPS's: what it was given goes to files beside it, and it names the job.
FAST_LP = f"""cat > "$HERE/lp-stdin"
printf '%s\\n' "$@" > "$HERE/lp-args"
echo "request id is {LP_JOB} (0 file(s))"
"""
#: An `lp` that has read the job and waits for the scheduler, which never answers: a cancel
#: must stop it.
HANGING_LP = """cat > "$HERE/lp-stdin"
touch "$HERE/lp-started"
while [ ! -e "$HERE/scheduler-answered" ]; do sleep 0.02; done
touch "$HERE/lp-finished"
echo "request id is Kontor-43 (0 file(s))"
"""
#: An `lp` that refuses the job, as CUPS's does for a printer it does not know.
REFUSING_LP = """cat > /dev/null
echo "lp: The printer or class does not exist." >&2
exit 1
"""


def fake_cups(folder: Path, lp: str = FAST_LP, *, running: bool = True) -> Path:
    """`folder` with shell scripts in the place of CUPS's `lpstat`, `lp` (`lp`: its body, with
    $HERE the folder) and `cancel` (writes its arguments to "cancel-args"). Put it first on
    PATH. POSIX only."""
    folder.mkdir(parents=True, exist_ok=True)
    scripts = {
        "lpstat": f'echo "scheduler is {"running" if running else "not running"}"\n',
        "lp": lp,
        "cancel": """printf '%s\\n' "$@" > "$HERE/cancel-args"\n""",
    }
    for name, body in scripts.items():
        script = folder / name
        script.write_text(f'#!/bin/sh\nHERE="{folder}"\n{body}', encoding="utf-8")
        script.chmod(0o755)
    return folder


class CheckCalls:
    """Notes each integrity check of `Database._check` as it begins (its pragma, in order)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.begun: list[str] = []
        real_check = Database._check

        def noted(db: Database, pragma: str, engine: Engine | None = None) -> bool:
            self.begun.append(pragma)
            return real_check(db, pragma, engine)

        monkeypatch.setattr(Database, "_check", noted)
