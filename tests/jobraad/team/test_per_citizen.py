"""The pseudonymous per-citizen rows: stable pseudonyms not derived from the CPR, a row per citizen."""

from __future__ import annotations

import json
import re
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from db.models import AuditEntry, Citizen, Setting
from db.session import Database
from jobraad.audit import Action
from jobraad.goals import default_goals
from jobraad.team.build import build_summary
from jobraad.team.export import export_summary
from jobraad.team.per_citizen import PSEUDONYM_SETTING, pseudonym
from tests.jobraad.team.caseloads import AFTER_2025, Y2025, Person, add


def test_pseudonyms_are_stable_and_not_derived_from_the_cpr(database: Database, tmp_path: Path) -> None:
    ids = add(database, *[Person() for _ in range(6)])
    export_summary(database, tmp_path / "anonym.csv", period=Y2025, as_of=AFTER_2025)
    with database.reading() as session:
        assert session.get(Setting, PSEUDONYM_SETTING) is None  # only made when needed
    first = build_summary(database, Y2025, as_of=AFTER_2025, per_citizen=True)
    with database.reading() as session:
        key = bytes.fromhex(json.loads(session.get(Setting, PSEUDONYM_SETTING).value))
        cprs = list(session.scalars(select(Citizen.cpr)))
    assert len(key) == 32
    second = build_summary(database, Y2025, as_of=AFTER_2025, per_citizen=True)
    assert [r.pseudonym for r in first.citizens] == [r.pseudonym for r in second.citizens]
    assert sorted(r.pseudonym for r in first.citizens) == sorted(pseudonym(key, i) for i in ids)
    assert len({r.pseudonym for r in first.citizens}) == 6
    # Changing a CPR number does not change the pseudonym; no pseudonym carries CPR digits.
    with database.transaction() as session:
        session.get(Citizen, ids[0]).cpr = "0101011234"
    third = build_summary(database, Y2025, as_of=AFTER_2025, per_citizen=True)
    assert [r.pseudonym for r in third.citizens] == [r.pseudonym for r in first.citizens]
    for r in first.citizens:
        assert re.fullmatch(r"B-[0-9a-f]{12}", r.pseudonym)
        assert not any(c[:6] in r.pseudonym for c in cprs)  # not even the birth date
    # A keyless hash of the id or the CPR would be guessable; the pseudonym is neither.
    import hashlib

    guesses = {hashlib.sha256(str(i).encode()).hexdigest()[:12] for i in ids} | {
        hashlib.sha256(c.encode()).hexdigest()[:12] for c in cprs
    }
    assert not guesses & {r.pseudonym[2:] for r in first.citizens}


def test_the_per_citizen_sheet_has_a_row_per_citizen_and_no_name(database: Database, tmp_path: Path) -> None:
    add(database, *[Person() for _ in range(6)])
    path = tmp_path / "med_borgere.xlsx"
    export_summary(database, path, period=Y2025, as_of=AFTER_2025, per_citizen=True)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Opsummering", "Data", "Borgere", "Metadata"]
    ws = wb["Borgere"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Pseudonym" and "Mål: " + default_goals().goals[0].label in header
    assert ws.max_row == 7 and ws.freeze_panes == "B2"
    assert all(str(ws.cell(row=r, column=1).value).startswith("B-") for r in range(2, 8))
    with database.reading() as session:
        entries = session.execute(select(AuditEntry.citizen_id).where(AuditEntry.action == Action.EXPORT)).all()
    assert sum(1 for (cid,) in entries if cid is not None) == 6  # each citizen can see their data left
