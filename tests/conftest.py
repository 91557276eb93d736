"""Shared fixtures: Qt offscreen, and a fresh encrypted database per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.session import Database, create_database

PASSPHRASE = "korrekt hest batteri hæfteklamme"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sagsstamme.jobraad"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """A new encrypted database at the newest schema."""
    database = create_database(db_path, PASSPHRASE)
    yield database
    database.close()
