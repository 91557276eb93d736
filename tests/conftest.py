"""Shared fixtures: Qt offscreen, and a fresh encrypted database per test (a copy of one
made at the start of the run), the user's folders kept out of the way."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import functools
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from db.session import CipherKey, Database, create_database, open_database

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


@pytest.fixture(autouse=True, scope="session")
def _key_derived_once_per_salt() -> Iterator[None]:
    """SQLCipher's key derivation takes a tenth of a second on purpose, and every test opens a
    file (most of them a copy of the same template, so with the same salt). It is a pure
    function of passphrase and salt: in tests each pair is derived once. Programs the tests
    start as subprocesses derive as usual."""
    real = CipherKey.derive.__func__  # type: ignore[attr-defined]
    cached = functools.lru_cache(maxsize=256)(lambda passphrase, salt: real(CipherKey, passphrase, salt))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CipherKey, "derive", classmethod(lambda _cls, passphrase, salt: cached(passphrase, salt)))
        yield


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One new database at the newest schema, made once per run; tests get copies of it."""
    path = tmp_path_factory.mktemp("skabelon") / "skabelon.jobraad"
    create_database(path, PASSPHRASE).close()
    return path


@pytest.fixture
def database(db_path: Path, template_db: Path) -> Iterator[Database]:
    """A new encrypted database at the newest schema: a copy of the run's template, opened as
    the program opens a file (lock, key, checks)."""
    shutil.copyfile(template_db, db_path)
    os.chmod(db_path, 0o600)
    database = open_database(db_path, PASSPHRASE)
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


def cpr_spellings(digits: str) -> list[str]:
    """The ways a CPR number can be written: 0101901234, 010190-1234, 010190 1234."""
    return [digits, f"{digits[:6]}-{digits[6:]}", f"{digits[:6]} {digits[6:]}"]


def assert_no_personal_data(text: str, cpr: str, *others: str) -> None:
    """Neither the CPR number (in any spelling) nor any of `others` (name, phone...) is in `text`."""
    for value in [*cpr_spellings(cpr), *others]:
        assert value not in text, f"{value!r} found"
