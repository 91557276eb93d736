from ui.lock import default_delay


def test_unlock_delay_grows_after_three_failures() -> None:
    assert [default_delay(n) for n in range(1, 9)] == [0, 0, 0, 2, 4, 8, 16, 32]
    assert default_delay(30) == 60
