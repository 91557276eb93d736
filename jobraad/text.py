"""Text helpers shared by search and exports."""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark but that a Danish keyboard cannot type.
_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ı": "i", "đ": "d", "Đ": "d", "ß": "ss"})


def fold_for_search(text: str) -> str:
    """Lower-case, and strip the accents a Danish keyboard lacks: 'Wąsik' → 'wasik',
    'Ağaoğlu' → 'agaoglu', 'Nguyễn' → 'nguyen'. æ, ø and å are Danish letters and stay."""
    out = []
    for ch in unicodedata.normalize("NFC", text.translate(_EXTRA)).casefold():
        if ch in "æøå":
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


# "{" sorts after every ASCII letter; the digit keeps æ < ø < å (ä and ö count as æ and ø).
_DANISH_ORDER = str.maketrans({"æ": "{1", "ø": "{2", "å": "{3", "ä": "{1", "ö": "{2"})


def danish_sort_key(text: str) -> str:
    """Sort as a Danish reader expects: æ, ø, å after z, and accents ignored otherwise."""
    return fold_for_search(text.casefold().translate(_DANISH_ORDER))
