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


@pytest.fixture(autouse=True, scope="session")
def _log_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The program's log goes to a folder of the test run, not the user's log folder
    (in-process commands and the subprocesses they start inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOBRAAD_LOG_DIR", str(tmp_path_factory.mktemp("log")))
        yield


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A log folder of this test's own (not yet made): the program's log file is `log_dir / "jobraad.log"`."""
    from jobraad import logs

    folder = tmp_path / "log"
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(folder))
    yield folder
    logs.stop_logging()


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


def cpr_spellings(digits: str) -> list[str]:
    """The ways a CPR number can be written: 0101901234, 010190-1234, 010190 1234."""
    return [digits, f"{digits[:6]}-{digits[6:]}", f"{digits[:6]} {digits[6:]}"]


def assert_no_personal_data(text: str, cpr: str, *others: str) -> None:
    """Neither the CPR number (in any spelling) nor any of `others` (name, phone...) is in `text`."""
    for value in [*cpr_spellings(cpr), *others]:
        assert value not in text, f"{value!r} found"
