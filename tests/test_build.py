"""The frozen program (PyInstaller, build.spec) starts and does real work headless, so a
broken spec — missing resources, fonts, rule packs, Alembic scripts, the SQLCipher
module, Qt plugins — fails here and not on a caseworker's laptop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import DocumentationItem
from db.session import open_database
from jobraad import __version__
from jobraad.dates import is_working_day

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("PyInstaller is missing: it is part of the dev extras (pip install -e .[dev])")
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pyinstaller"),
            "build.spec",
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    exe = work / "dist" / "jobraad" / ("jobraad.exe" if os.name == "nt" else "jobraad")
    assert exe.exists()
    return exe


PASSPHRASE = "frossen test adgangskode"


def _run(exe: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOBRAAD_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_built_program_reports_its_version(frozen: Path, tmp_path: Path) -> None:
    result = _run(frozen, "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"jobraad {__version__}"


def test_built_program_makes_a_demo_and_a_dossier(frozen: Path, tmp_path: Path) -> None:
    db = tmp_path / "frossen.jobraad"
    made = _run(frozen, "demo", "--db", str(db), "--citizens", "12", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    listed = _run(frozen, "list", "--db", str(db), "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    first = listed.stdout.split('"cpr": "')[1][:11]
    pdf = tmp_path / "sag.pdf"
    dossier = _run(frozen, "dossier", first, "--db", str(db), "-o", str(pdf), cwd=tmp_path)
    assert dossier.returncode == 0, dossier.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    export = _run(frozen, "export", "--db", str(db), "--format", "xlsx", "-o", str(tmp_path / "t.xlsx"), cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    # The demo's requests get their answer dates from the Danish calendar of `holidays`, which
    # the package imports by name at run time: without it in the build the demo fails above.
    database = open_database(db, PASSPHRASE)
    try:
        with database.reading() as session:
            expected = list(
                session.scalars(select(DocumentationItem.expected_by).where(DocumentationItem.expected_by.is_not(None)))
            )
    finally:
        database.close()
    assert expected and all(is_working_day(day) for day in expected if day is not None)


def test_built_program_applies_the_folkepensionsalder_rules(frozen: Path, tmp_path: Path) -> None:
    """resources/rules travel with the build: a citizen born 31-12-1962 (folkepensionsalder 67, reached
    31-12-2029) is not imported with the aim ressourceforløb."""
    rows = tmp_path / "borgere.csv"
    rows.write_text("cpr;fornavn;efternavn;sigte\n311262-1234;Aysel;Kaya;Ressourceforløb\n", encoding="utf-8")
    db = tmp_path / "frossen.jobraad"
    assert _run(frozen, "init", "--db", str(db), cwd=tmp_path).returncode == 0
    imported = _run(frozen, "import", str(rows), "--db", str(db), cwd=tmp_path)
    assert imported.returncode == 2, imported.stderr
    assert "31-12-2029" in imported.stderr and "LAB § 112, stk. 3" in imported.stderr


def test_built_program_carries_qts_danish_texts(frozen: Path) -> None:
    """The UI's own text is Danish in the code (no tr()); Qt's buttons and file dialogs
    (Ja/Nej, Annuller) come from Qt's translation, which make_app() loads."""
    assert list(frozen.parent.rglob("qtbase_da.qm")), "qtbase_da.qm is not in the built program"


def test_built_program_carries_reportlabs_speed_ups(frozen: Path) -> None:
    # ReportLab falls back to pure Python without a word if they are missing.
    assert list(frozen.parent.rglob("_rl_accel*")), "_rl_accel is not in the built program"


def test_built_program_leaves_out_the_development_tools(frozen: Path) -> None:
    """pytest, pluggy and mypy came in through Alembic's and SQLAlchemy's test suites."""
    internal = frozen.parent / "_internal"
    present = {path.name for path in internal.iterdir()}
    assert not present & {"pytest", "_pytest", "pluggy", "mypy", "hypothesis", "ast_serialize"}
    assert not [name for name in present if name.startswith(("pytest", "pluggy", "mypy"))]
    assert list(internal.rglob("_icu_*")), "ICU (the Danish name order) is not in the built program"


def test_build_makes_the_windows_version_from_pyprojects_version(frozen: Path) -> None:
    version_file = frozen.parents[2] / "build" / "build" / "jobraad-version.txt"
    text = version_file.read_text(encoding="utf-8")
    numbers = tuple(int(part) for part in [*__version__.split("."), "0", "0", "0"][:4])
    assert f"filevers={numbers}" in text
    assert f"StringStruct('ProductVersion', '{__version__}')" in text
    assert (ROOT / "resources" / "icons" / "jobraad.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
