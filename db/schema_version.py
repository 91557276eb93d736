"""The schema revision this program writes, known without importing Alembic, so that
opening an up-to-date file (the usual case) costs no Alembic import at start."""

from __future__ import annotations

from typing import Any

# Must equal the head of db/migrations/versions (a test checks it); bump with each revision.
HEAD_REVISION = "0007"


def stored_revision(connection: Any) -> str | None:
    """The revision recorded in the file, or None for a new (empty) file."""
    has_table = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).scalar()
    if not has_table:
        return None
    value = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(value) if value is not None else None


def missing_tables(connection: Any) -> set[str]:
    """The tables of this program's schema that the file lacks (a damaged or tampered file).
    The models are imported here, not at start: opening a file needs them soon anyway."""
    from db.models import Base

    present = {str(row[0]) for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(Base.metadata.tables) - present
