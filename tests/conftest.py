"""Shared fixtures: Qt offscreen, and a fresh encrypted database per test."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
from collections.abc import Callable, Iterator
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


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """A real tmpfs (Linux, as root); tests that need it are skipped elsewhere.
    The always-run variants below simulate the same errors."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("a small tmpfs needs Linux and root")
        target = tmp_path / f"disk{len(mounted)}"
        target.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("tmpfs cannot be mounted here")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def plain_sqlcipher_file(path: Path, passphrase: str = PASSPHRASE, *, key: str | None = None) -> Path:
    """An encrypted SQLite file made without jobraad (as another program would): a table
    `noter` with one row, keyed with `passphrase` by SQLCipher's own derivation, or with
    `key` as given (for example a raw key)."""
    import sqlcipher3  # type: ignore[import-untyped]

    from db.session import quote_passphrase

    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = {quote_passphrase(key if key is not None else passphrase)}")
    conn.execute("CREATE TABLE noter (tekst)")
    conn.execute("INSERT INTO noter VALUES ('hemmeligt')")
    conn.close()
    return path
