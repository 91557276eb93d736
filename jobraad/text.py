"""Text helpers shared by search and exports."""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark but that a Danish keyboard cannot type.
_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ı": "i", "đ": "d", "Đ": "d", "ß": "ss"})


class _FoldTable(dict[int, str]):
    """A str.translate table that works out each character once, then remembers it."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "æøå":
            folded = ch
        else:
            decomposed = unicodedata.normalize("NFKD", ch)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold_for_search(text: str) -> str:
    """Lower-case, and strip the accents a Danish keyboard lacks: 'Wąsik' → 'wasik',
    'Ağaoğlu' → 'agaoglu', 'Nguyễn' → 'nguyen'. æ, ø and å are Danish letters and stay."""
    lowered = unicodedata.normalize("NFC", text.translate(_EXTRA)).casefold()
    return lowered if lowered.isascii() else lowered.translate(_FOLD)


# "{" sorts after every ASCII letter; the digit keeps æ < ø < å (ä and ö count as æ and ø).
_DANISH_ORDER = str.maketrans({"æ": "{1", "ø": "{2", "å": "{3", "ä": "{1", "ö": "{2"})


def danish_sort_key(text: str) -> str:
    """Sort as a Danish reader expects: æ, ø, å after z, and accents ignored otherwise."""
    return fold_for_search(text.casefold().translate(_DANISH_ORDER))
