"""The command line, run as a user would run it (in-process for speed, plus one real subprocess)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobraad import __version__
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.cli import PASSPHRASE_ENV, main
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"jobraad {__version__}"


def test_help_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("Brug: jobraad")
    assert "Kommandoer" in out and "Tilvalg" in out
    for command in ("init", "demo", "import", "list"):
        assert command in out
    assert "usage:" not in out and "options:" not in out


def test_missing_argument_is_danish_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["list"])
    assert info.value.code == 2
    assert "disse argumenter mangler: --db" in capsys.readouterr().err


def test_init_then_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ny.jobraad"
    assert main(["init", "--db", str(db)]) == 0
    assert db.exists()
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert main(["list", "--db", str(db)]) == 0
    assert "0 borgere." in capsys.readouterr().out


def test_init_refuses_existing_file_and_short_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ny.jobraad"
    monkeypatch.setenv(PASSPHRASE_ENV, "kort")
    assert main(["init", "--db", str(db)]) == 2
    assert "mindst 8 tegn" in capsys.readouterr().err
    assert not db.exists()
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert main(["init", "--db", str(db)]) == 0
    assert main(["init", "--db", str(db)]) == 2
    assert "findes allerede" in capsys.readouterr().err


def test_list_json(database, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    create_citizen(database, CitizenInput("Şükrü", "Ağaoğlu", "0101621233", phone="12 34 56 78"))
    database.close()
    assert main(["list", "--db", str(db_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "cpr": "010162-1233",
            "fornavn": "Şükrü",
            "efternavn": "Ağaoğlu",
            "alder": rows[0]["alder"],
            "gruppe": "Gruppe 2",
            "sigte": "Job",
            "regelpakke": None,
            "uger_i_forløb": 0,
            "næste_frist": rows[0]["næste_frist"],
            "næste_frist_tekst": rows[0]["næste_frist_tekst"],
            "aktiv": True,
            "afslutning": None,
        }
    ]
    assert rows[0]["alder"] >= 64
    # The first samtale of the schedule (jobraad.samtaler) comes before the group's 13-week goals.
    assert rows[0]["næste_frist_tekst"].startswith("Samtale senest ")


def test_list_json_names_each_cases_recorded_pack(  # type: ignore[no-untyped-def]
    database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from db.enums import Aim, DocumentState
    from jobraad.documentation import set_state

    documented = create_citizen(database, CitizenInput("Anna", "Berg", "0202701234", aim=Aim.FLEKSJOB))
    create_citizen(database, CitizenInput("Bo", "Dahl", "0303701234", aim=Aim.FLEKSJOB))
    on = dt.date(2026, 3, 2)
    set_state(database, documented, "indsatser_afproevet", "", DocumentState.MODTAGET, on=on, today=on)
    database.close()
    assert main(["list", "--db", str(db_path), "--json"]) == 0
    packs = {row["fornavn"]: row["regelpakke"] for row in json.loads(capsys.readouterr().out)}
    assert packs == {"Anna": "bek47_2026", "Bo": None}


def test_wrong_passphrase_exit_2_no_traceback(database, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    database.close()
    env = {**os.environ, PASSPHRASE_ENV: "helt forkert kode"}
    result = subprocess.run(
        [sys.executable, "-m", "jobraad", "list", "--db", str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Adgangskoden er forkert" in result.stderr
    assert "Traceback" not in result.stderr
    assert "ERROR CORE" not in result.stderr and "hmac" not in result.stderr
    assert result.stdout == ""


def test_missing_database_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--db", str(tmp_path / "findes-ikke.jobraad")]) == 2
    assert "Databasen findes ikke" in capsys.readouterr().err


def test_no_gui_available_headless(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "ikke tilgængeligt" in capsys.readouterr().err


def test_export_formats_offered_on_the_command_line_are_the_export_formats() -> None:
    from jobraad.cli_export import FORMATS
    from jobraad.team.export import ExportFormat

    assert tuple(f.value for f in ExportFormat) == FORMATS


def test_building_the_command_line_does_not_import_the_database_layer() -> None:
    """The window starts through the command line; SQLAlchemy is imported after the
    passphrase window is up, not before (issue 9: start time)."""
    code = "import sys; import ui.main; from jobraad import cli; cli.build_parser(); print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
