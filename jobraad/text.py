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
