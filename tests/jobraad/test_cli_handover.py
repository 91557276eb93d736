"""`jobraad overdrag` and `jobraad modtag`, run as a user would run them."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.enums import Outcome
from db.models import AuditEntry, Citizen
from db.session import open_database
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.handover import CODE_ENV
from tests.conftest import PASSPHRASE
from tests.jobraad.handing import CASE_CPR, case_snapshot, make_full_case


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.delenv(CODE_ENV, raising=False)


def _caseload(path: Path, template: Path, *, with_case: bool) -> Path:
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    if with_case:
        db = open_database(path, PASSPHRASE)
        try:
            make_full_case(db)
        finally:
            db.close()
    return path


def _code(out: str) -> str:
    found = re.search(r"Engangskode: (\S+)", out)
    assert found, out
    return found.group(1)


def _citizens(path: Path) -> int:
    db = open_database(path, PASSPHRASE)
    try:
        with db.reading() as s:
            return s.scalar(select(func.count()).select_from(Citizen)) or 0
    finally:
        db.close()


def test_overdrag_then_modtag(
    tmp_path: Path, template_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = _caseload(tmp_path / "afsender.jobraad", template_db, with_case=True)
    receiver = _caseload(tmp_path / "kollega.jobraad", template_db, with_case=False)
    assert main(["list", "--db", str(sender)]) == 0  # opened as the program opens it (a rule pack is recorded)
    db = open_database(sender, PASSPHRASE)
    before = case_snapshot(db, 1)
    db.close()
    handover = tmp_path / "sag.overdragelse"

    assert main(["overdrag", "070268-1234", "--db", str(sender), "-o", str(handover)]) == 0
    out = capsys.readouterr().out
    code = _code(out)
    assert "Sagen er lukket som overdraget" in out
    assert "ikke slettet" in out  # no terminal to confirm at: nothing deleted without --slet
    db = open_database(sender, PASSPHRASE)
    try:
        with db.reading() as s:
            citizen = s.scalars(select(Citizen)).one()
            assert citizen.outcomes[-1].outcome == Outcome.OVERDRAGET
    finally:
        db.close()

    monkeypatch.setenv(CODE_ENV, code.lower())
    assert main(["modtag", str(handover), "--db", str(receiver)]) == 0
    assert "Sagen om Hanne Overdragsen er modtaget" in capsys.readouterr().out
    db = open_database(receiver, PASSPHRASE)
    try:
        assert case_snapshot(db, 1, skip_handover_note=True) == before
    finally:
        db.close()

    # the same file a second time: the CPR is there now
    assert main(["modtag", str(handover), "--db", str(receiver)]) == 2
    err = capsys.readouterr().err
    assert "070268-1234 findes allerede" in err and "Intet er ændret" in err
    assert _citizens(receiver) == 1

    # the sender deletes the case later, once the colleague has it
    assert main(["overdrag", CASE_CPR, "--db", str(sender), "--slet"]) == 0
    assert "slettet fra din database" in capsys.readouterr().out
    assert _citizens(sender) == 0


def test_overdrag_with_slet_deletes_at_once(
    tmp_path: Path, template_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sender = _caseload(tmp_path / "afsender.jobraad", template_db, with_case=True)
    assert main(["overdrag", CASE_CPR, "--db", str(sender), "-o", str(tmp_path / "sag.overdragelse"), "--slet"]) == 0
    assert "Borgerens data er slettet" in capsys.readouterr().out
    assert _citizens(sender) == 0
    db = open_database(sender, PASSPHRASE)
    try:
        with db.reading() as s:
            actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[-3:] == ["eksport", "luk_sag", "sletning"]
    finally:
        db.close()


def test_modtag_wrong_code_is_exit_2_in_danish(
    tmp_path: Path, template_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = _caseload(tmp_path / "afsender.jobraad", template_db, with_case=True)
    receiver = _caseload(tmp_path / "kollega.jobraad", template_db, with_case=False)
    handover = tmp_path / "sag.overdragelse"
    assert main(["overdrag", CASE_CPR, "--db", str(sender), "-o", str(handover)]) == 0
    code = _code(capsys.readouterr().out)
    wrong = ("2222" if not code.startswith("2222") else "3333") + code[4:]
    monkeypatch.setenv(CODE_ENV, wrong)
    assert main(["modtag", str(handover), "--db", str(receiver)]) == 2
    assert "kan ikke åbnes med denne kode" in capsys.readouterr().err
    monkeypatch.setenv(CODE_ENV, "ABC")
    assert main(["modtag", str(handover), "--db", str(receiver)]) == 2
    assert "Koden skal have 24 tegn" in capsys.readouterr().err
    assert _citizens(receiver) == 0


def test_overdrag_unknown_cpr_and_missing_output(
    tmp_path: Path, template_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sender = _caseload(tmp_path / "afsender.jobraad", template_db, with_case=True)
    assert main(["overdrag", "010150-1234", "--db", str(sender), "-o", str(tmp_path / "x.overdragelse")]) == 2
    assert "ingen borger med CPR-nummer 010150-1234" in capsys.readouterr().err
    assert main(["overdrag", CASE_CPR, "--db", str(sender)]) == 2
    assert "Angiv overdragelsesfilen med -o FIL" in capsys.readouterr().err
    # a case not handed over is never deleted by --slet alone
    assert main(["overdrag", CASE_CPR, "--db", str(sender), "--slet"]) == 2
    assert "ikke lukket som overdraget" in capsys.readouterr().err
    assert _citizens(sender) == 1
    assert not (tmp_path / "x.overdragelse").exists()
