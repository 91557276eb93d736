"""Bring a caseload file to the newest schema with Alembic.

An older file is copied aside first (`<name>.før-<revision>-<time>.bak`), so a
failed migration never costs data. A file from a newer program is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Protocol

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.errors import NotADatabaseError, SchemaTooNewError, StorageError
from db.files import TEMP_SUFFIX, temp_name_prefix

log = logging.getLogger(__name__)


class Migratable(Protocol):
    """What a migration needs of an open database (`db.session.Database` is one): its file and
    an engine keyed for it. A protocol, so that opening a file (db.session) may migrate it
    without the two modules importing each other."""

    @property
    def path(self) -> Path: ...

    @property
    def engine(self) -> Engine: ...


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("db") / "migrations"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Migratable) -> str | None:
    with database.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(database: Migratable, target: str = "head") -> Path | None:
    """Migrate to `target`. Returns the path of the backup taken, if one was needed."""
    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    current = current_revision(database)
    head = script.get_current_head()
    if current == head and target == "head":
        return None
    backup: Path | None = None
    if current is None:
        with database.engine.connect() as conn:
            tables = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='table'").scalar()
        if tables:
            raise NotADatabaseError(
                f"{database.path.name} er en krypteret database, men ikke fra jobraad. Filen er ikke ændret."
            )
    else:
        known = {rev.revision for rev in script.walk_revisions()}
        if current not in known:
            raise SchemaTooNewError(current)
        backup = backup_before_migration(database, current)
    with database.engine.connect() as conn:
        # SQLite cannot ALTER most things, so a migration copies a table into a new one and
        # drops the old (Alembic's batch mode). With foreign keys on, that DROP deletes every
        # row that refers to the table, cascading: the consents, hours and notes of every
        # citizen would go with a change to `citizen`. So they are off while migrating (the
        # pragma has no effect inside a transaction: it is set on the driver's connection
        # before one begins), and the result is checked before it is committed.
        driver = conn.connection.driver_connection
        assert driver is not None  # an open connection has one
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, target)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise NotADatabaseError(
                        f"{database.path.name} kan ikke opdateres: {len(broken)} rækker peger på noget, der ikke "
                        "findes. Databasen er ikke ændret; kontakt support med sikkerhedskopien."
                    )
        finally:
            driver.execute("PRAGMA foreign_keys = ON")
    log.info("database schema upgraded from %s to %s", current, target)
    return backup


def backup_before_migration(database: Migratable, revision: str) -> Path:
    """Copy the whole file aside, after folding the WAL into it."""
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = database.path.with_name(f"{database.path.name}.før-{revision}-{stamp}.bak")
    # Copied under a temporary name first (removed at the next open if the copy is killed),
    # so a file under the backup's name is always whole; readable by the owner only.
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(
            prefix=temp_name_prefix(database.path), suffix=TEMP_SUFFIX, dir=database.path.parent
        )
        os.close(fd)
        tmp = Path(name)
        shutil.copyfile(database.path, tmp)
        os.replace(tmp, dest)
    except OSError as err:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise StorageError(
            f"Der kunne ikke tages en sikkerhedskopi før opdateringen ({err.strerror}). Databasen er ikke ændret."
        ) from None
    return dest
