"""The passphrase rule, one for the command line and the window (jobraad.passphrase)."""

from __future__ import annotations

import pytest

from jobraad.passphrase import MIN_LENGTH, PassphraseRefusedError, check_new, is_readable


@pytest.mark.parametrize("passphrase", ["kort", "æøå 123", ""])
def test_a_short_passphrase_is_refused(passphrase: str) -> None:
    with pytest.raises(PassphraseRefusedError) as refused:
        check_new(passphrase)
    assert refused.value.message == ("Adgangskoden skal være mindst 8 tegn. Brug gerne en sætning, du kan huske.")


@pytest.mark.parametrize("passphrase", ["æøå 1234", "korrekt hest batteri hæfteklamme"])
def test_eight_characters_or_more_are_enough(passphrase: str) -> None:
    assert len(passphrase) >= MIN_LENGTH
    check_new(passphrase)  # characters, not bytes: "æøå 1234" is eight


def test_text_that_is_not_utf8_is_not_readable() -> None:
    assert is_readable("korrekt hest æøå")
    assert not is_readable("korrekt hest \udce6\udcf8")  # bytes decoded with surrogateescape
