"""Where the caseworker's files live by default."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "jobraad"
DB_FILENAME = "sagsstamme.jobraad"


def default_db_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / DB_FILENAME
