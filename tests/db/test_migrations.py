"""Alembic: every revision upgrades a file made at the one before it; a newer file is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from db.errors import SchemaTooNewError
from db.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from db.session import SALT_BYTES, CipherKey, Database, open_database
from tests.conftest import PASSPHRASE


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _make_at(path: Path, revision: str) -> None:
    """A file as the release at `revision` made it."""
    database = Database(path)
    database.connect(CipherKey.derive(PASSPHRASE, os.urandom(SALT_BYTES)))
    upgrade_to_head(database, target=revision)
    database.close()


def test_new_database_is_at_head(database: Database) -> None:
    assert current_revision(database) == head_revision()


def test_first_revision_creates_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "first.jobraad"
    first = _revisions()[0]
    _make_at(path, first)
    database = open_database(path, PASSPHRASE, migrate=False)
    try:
        assert current_revision(database) == first
        with database.engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"citizen", "forloeb", "hours_entry", "documentation_item", "audit_entry"} <= tables
    finally:
        database.close()


@pytest.mark.parametrize("revision", _revisions())
def test_file_at_each_revision_opens_at_head(tmp_path: Path, revision: str) -> None:
    """A file made by any earlier release is migrated on open; older ones are backed up first."""
    path = tmp_path / "old.jobraad"
    _make_at(path, revision)
    database = open_database(path, PASSPHRASE)
    try:
        assert current_revision(database) == head_revision()
        backups = list(tmp_path.glob("old.jobraad.før-*.bak"))
        assert len(backups) == (0 if revision == head_revision() else 1)
    finally:
        database.close()


def test_newer_file_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.jobraad"
    _make_at(path, "head")
    database = open_database(path, PASSPHRASE, migrate=False)
    with database.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    database.close()
    with pytest.raises(SchemaTooNewError) as info:
        open_database(path, PASSPHRASE)
    assert "nyere udgave" in info.value.message
    check = open_database(path, PASSPHRASE, migrate=False)
    try:
        assert current_revision(check) == "ffff_from_the_future"
    finally:
        check.close()


def test_head_revision_constant_matches_the_migrations() -> None:
    from db.schema_version import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_0002_keeps_what_a_consent_said_and_records_no_pack_by_itself(tmp_path: Path) -> None:
    """A consent written under 0001 keeps its text (now `information`); new columns get their
    defaults; the data migration that records packs comes later."""
    path = tmp_path / "old.jobraad"
    _make_at(path, "0001")
    database = Database(path)
    database.connect(CipherKey.derive(PASSPHRASE, path.read_bytes()[:SALT_BYTES]))
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO citizen (cpr, first_name, last_name, phone, email, address, language, interpreter_needed, "
            "benefit_type, support_years_last10, aim, rule_pack, notes, created_at, updated_at) VALUES "
            "('0101621233', 'Søren', 'Ærø', '', '', '', '', 0, 'kontanthjaelp', 0, 'fleksjob', '', '', "
            "'2026-01-05 09:00:00', '2026-01-05 09:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO consent (citizen_id, source, scope, given_on) VALUES "
            "(1, 'egen_laege', 'Lægeattest om ryg og knæ til fleksjobsagen', '2026-01-06')"
        )
    database.close()
    upgraded = open_database(path, PASSPHRASE)
    try:
        with upgraded.engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT information, source_name, purpose FROM consent").one()
            citizen = conn.exec_driver_sql("SELECT pension_without_team, rule_pack_since FROM citizen").one()
        assert tuple(row) == ("Lægeattest om ryg og knæ til fleksjobsagen", "", "")
        assert tuple(citizen) == (0, None)
    finally:
        upgraded.close()


def test_0003_gives_old_cases_an_empty_case_number_and_no_paper_reason(tmp_path: Path) -> None:
    """A case and a received document from 0002 open under 0003 with the new fields empty."""
    path = tmp_path / "old.jobraad"
    _make_at(path, "0002")
    database = Database(path)
    database.connect(CipherKey.derive(PASSPHRASE, path.read_bytes()[:SALT_BYTES]))
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO citizen (cpr, first_name, last_name, phone, email, address, language, interpreter_needed, "
            "benefit_type, support_years_last10, aim, rule_pack, pension_without_team, notes, created_at, "
            "updated_at) VALUES ('0101621233', 'Søren', 'Ærø', '', '', '', '', 0, 'kontanthjaelp', 0, 'fleksjob', "
            "'', 0, '', '2026-01-05 09:00:00', '2026-01-05 09:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO documentation_item (citizen_id, item_key, instance, state, requested_from, "
            "not_relevant_reason, note) VALUES (1, 'lae265', '', 'modtaget', '', '', '')"
        )
    database.close()
    upgraded = open_database(path, PASSPHRASE)
    try:
        with upgraded.engine.connect() as conn:
            citizen = conn.exec_driver_sql("SELECT case_number, description_seen_on FROM citizen").one()
            item = conn.exec_driver_sql("SELECT state, on_paper_reason FROM documentation_item").one()
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tuple(citizen) == ("", None)
        assert tuple(item) == ("modtaget", "")
        assert {"benefit_period", "cv_entry"} <= tables
    finally:
        upgraded.close()


def test_0004_keeps_old_meetings_and_records_no_fremmoede_for_them(tmp_path: Path) -> None:
    """A samtale from 0003 opens under 0004 unchanged, with no fremmøde recorded and nothing followed."""
    path = tmp_path / "old.jobraad"
    _make_at(path, "0003")
    database = Database(path)
    database.connect(CipherKey.derive(PASSPHRASE, path.read_bytes()[:SALT_BYTES]))
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO citizen (cpr, first_name, last_name, phone, email, address, language, interpreter_needed, "
            "benefit_type, support_years_last10, aim, rule_pack, pension_without_team, case_number, notes, "
            "created_at, updated_at) VALUES ('0101621233', 'Søren', 'Ærø', '', '', '', '', 0, 'kontanthjaelp', 0, "
            "'job', '', 0, '', '', '2026-01-05 09:00:00', '2026-01-05 09:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO meeting (citizen_id, kind, starts_at, location, note, interpreter_booked) "
            "VALUES (1, 'samtale', '2026-07-01 10:00:00.000000', 'Jobcentret', 'Opfølgning', 0)"
        )
    database.close()
    upgraded = open_database(path, PASSPHRASE)
    try:
        with upgraded.engine.connect() as conn:
            meeting = conn.exec_driver_sql(
                "SELECT kind, starts_at, location, note, attendance, follow_up, follow_up_note FROM meeting"
            ).one()
        assert tuple(meeting) == ("samtale", "2026-07-01 10:00:00.000000", "Jobcentret", "Opfølgning", None, None, "")
    finally:
        upgraded.close()


def test_0005_moves_each_decision_into_the_meetings_workflow_and_gives_meetings_the_interpreter_language(
    tmp_path: Path,
) -> None:
    """A decided team meeting from 0004 keeps its decision as the afgørelse of its workflow; an
    undecided one gets none; meetings of a citizen who needs an interpreter get their language."""
    path = tmp_path / "old.jobraad"
    _make_at(path, "0004")
    database = Database(path)
    database.connect(CipherKey.derive(PASSPHRASE, path.read_bytes()[:SALT_BYTES]))
    with database.engine.begin() as conn:
        for cpr, language, tolk in (("0101621233", "arabisk", 1), ("0202621234", "dansk", 0)):
            conn.exec_driver_sql(
                "INSERT INTO citizen (cpr, first_name, last_name, phone, email, address, language, "
                "interpreter_needed, benefit_type, support_years_last10, aim, rule_pack, pension_without_team, "
                "notes, created_at, updated_at, case_number) VALUES "
                f"('{cpr}', 'Søren', 'Ærø', '', '', '', '{language}', {tolk}, 'kontanthjaelp', 0, 'fleksjob', "
                "'', 0, '', '2026-01-05 09:00:00', '2026-01-05 09:00:00', '')"
            )
        conn.exec_driver_sql(
            "INSERT INTO meeting (citizen_id, kind, starts_at, location, note, interpreter_booked, decided_on) VALUES "
            "(1, 'rehabiliteringsteam', '2026-03-02 10:00:00', '', '', 0, '2026-03-05'), "
            "(1, 'rehabiliteringsteam', '2026-12-20 10:00:00', '', '', 0, NULL), "
            "(2, 'samtale', '2026-03-03 09:00:00', '', '', 0, NULL)"
        )
    database.close()
    upgraded = open_database(path, PASSPHRASE)
    try:
        with upgraded.engine.connect() as conn:
            workflows = conn.exec_driver_sql(
                "SELECT meeting_id, sent_on, recommended_on, recommendation, decided_on, decision FROM team_workflow"
            ).all()
            meetings = conn.exec_driver_sql("SELECT id, interpreter_language, interpreter_booked FROM meeting").all()
            columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(meeting)")}
        assert [tuple(w) for w in workflows] == [(1, None, None, "", "2026-03-05", "")]
        assert [tuple(m) for m in meetings] == [(1, "arabisk", 0), (2, "arabisk", 0), (3, "", 0)]
        assert "decided_on" not in columns  # one place for the decision
    finally:
        upgraded.close()


@pytest.mark.parametrize(("stored", "after"), [("6", None), ("12", "12"), ("0", "0")])
def test_0007_keeps_a_retention_setting_the_caseworker_chose(tmp_path: Path, stored: str, after: str | None) -> None:
    """The old default 6, which saving any setting stored, gives way to the periods by outcome;
    another stored period is the caseworker's own and stays (it overrides them). The table of
    deletions starts empty."""
    path = tmp_path / "old.jobraad"
    _make_at(path, "0006")
    database = Database(path)
    database.connect(CipherKey.derive(PASSPHRASE, path.read_bytes()[:SALT_BYTES]))
    with database.engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO setting (key, value) VALUES ('retention_months', '{stored}')")
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES ('backup_every_hours', '6')")
    database.close()
    upgraded = open_database(path, PASSPHRASE)
    try:
        with upgraded.engine.connect() as conn:
            settings = dict(conn.exec_driver_sql("SELECT key, value FROM setting").all())
            deleted = conn.exec_driver_sql("SELECT count(*) FROM deleted_citizen").scalar()
        assert settings.get("retention_months") == after
        assert settings["backup_every_hours"] == "6"  # the other settings as they were
        assert deleted == 0
    finally:
        upgraded.close()


def test_the_migrations_make_the_schema_the_models_describe(database: Database) -> None:
    """Autogenerate finds nothing to add: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.models import Base

    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
