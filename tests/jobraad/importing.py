"""What the import tests share: files written as a user's spreadsheet would be, and the caseload read back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from db.models import Citizen
from db.session import Database
from jobraad.importer import ImportRefused, import_citizens

HEADER = "cpr;fornavn;efternavn;telefon;email;gruppe;forløbsstart;sigte;sprog;tolk"
STORED_CPR = "020280-1234"  # the citizen already in the caseload of `stocked`


def write_csv(path: Path, lines: Sequence[str], encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def count_citizens(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(Citizen)) or 0


def citizens(database: Database) -> dict[str, Citizen]:
    """Stored citizens by CPR, with their forløb loaded."""
    with database.reading() as session:
        found = {c.cpr: c for c in session.scalars(select(Citizen))}
        for c in found.values():
            _ = list(c.forloeb)
        session.expunge_all()  # keep the loaded values past the read's rollback
        return found


def refusal(database: Database, path: Path) -> ImportRefused:
    """Import `path`, expecting a refusal that left the caseload as it was."""
    before = count_citizens(database)
    with pytest.raises(ImportRefused) as info:
        import_citizens(database, path)
    assert count_citizens(database) == before
    assert str(info.value).startswith("Intet er importeret:")
    return info.value


def where(err: ImportRefused) -> list[tuple[int | None, str]]:
    return [(p.line, p.field) for p in err.problems]


def cpr_for(i: int) -> str:
    """A distinct valid CPR number (born 1950-1979) for each i below 10,000."""
    day, month, year = i % 28 + 1, (i // 28) % 12 + 1, 50 + (i // 336) % 30
    return f"{day:02d}{month:02d}{year:02d}-{i // 10_080 % 4}{i % 1000:03d}"
