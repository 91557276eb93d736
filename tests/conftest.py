"""Shared fixtures: Qt offscreen, and a fresh encrypted database per test."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from db.session import Database, create_database

# In CI the fuzz tests replay a fixed set of examples, so a run is repeatable; locally
# they explore new inputs each time.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

PASSPHRASE = "korrekt hest batteri hæfteklamme"


@pytest.fixture(autouse=True)
def _user_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's data folder (where the journal of unfinished writes lives) is a fresh temporary
    folder in every test, here and in the programs a test starts (XDG_DATA_HOME), never the real one."""
    import jobraad.outputs

    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.setattr(jobraad.outputs, "journal_folder", lambda: folder / "jobraad" / jobraad.outputs.JOURNAL_FOLDER)
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sagsstamme.jobraad"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """A new encrypted database at the newest schema."""
    database = create_database(db_path, PASSPHRASE)
    yield database
    if "PySide6.QtCore" in sys.modules:  # as the program does: no worker outlives the database
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()
    database.close()
