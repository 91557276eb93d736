from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import CaseText
from db.session import Database
from jobraad.case_texts import MAX_CHARS, SECTIONS, list_case_texts, save_case_texts
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.errors import ValidationFailed


def test_sections_in_order_and_saved(database: Database) -> None:
    cid = create_citizen(database, CitizenInput("A", "B", "0101621233"))
    assert [t.section for t in list_case_texts(database, cid)] == [s.key for s in SECTIONS]
    assert all(t.text == "" and t.updated_at is None for t in list_case_texts(database, cid))
    save_case_texts(database, cid, {"helbred": "  Diabetes type 2, rygsmerter.  ", "vurdering": "Arbejdsevne nedsat."})
    texts = {t.section: t.text for t in list_case_texts(database, cid)}
    assert texts["helbred"] == "Diabetes type 2, rygsmerter."
    assert texts["vurdering"] == "Arbejdsevne nedsat."
    save_case_texts(database, cid, {"helbred": "Opdateret."})
    assert {t.section: t.text for t in list_case_texts(database, cid)}["helbred"] == "Opdateret."


def test_bad_input_changes_nothing(database: Database) -> None:
    cid = create_citizen(database, CitizenInput("A", "B", "0101621233"))
    with pytest.raises(ValidationFailed) as info:
        save_case_texts(database, cid, {"helbred": "ok", "vurdering": "x" * (MAX_CHARS + 1)})
    assert info.value.for_field("vurdering")
    with pytest.raises(ValidationFailed):
        save_case_texts(database, cid, {"nope": "x"})
    with database.reading() as session:
        assert session.scalars(select(CaseText)).all() == []
