"""Fixtures for the service tests under tests/jobraad/."""

from __future__ import annotations

import pytest

from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from tests.jobraad.importing import STORED_CPR


@pytest.fixture
def stocked(database: Database) -> Database:
    """A caseload with one citizen in it already."""
    create_citizen(database, CitizenInput(first_name="Eksisterende", last_name="Borger", cpr=STORED_CPR))
    return database
