"""The period of a team summary as the user types it."""

from __future__ import annotations

import datetime as dt

import pytest

from jobraad.errors import UserFacingError
from jobraad.team.model import Period, calendar_year, period_from_texts


def test_period_from_texts() -> None:
    today = dt.date(2026, 11, 25)
    assert period_from_texts(None, None, today) == calendar_year(2026)
    assert period_from_texts("01-02-2025", "2025-03-31", today) == Period(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    with pytest.raises(UserFacingError, match="både fra- og til-dato"):
        period_from_texts("01-01-2025", None, today)
    with pytest.raises(UserFacingError, match="før den begynder"):
        period_from_texts("01-02-2025", "01-01-2025", today)
    with pytest.raises(UserFacingError, match="dd-mm-åååå"):
        period_from_texts("i går", "01-01-2025", today)
