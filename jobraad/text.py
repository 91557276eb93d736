"""Text helpers shared by search and exports."""

from __future__ import annotations

import re
import unicodedata

# Letters that carry no combining mark but that a Danish keyboard cannot type.
_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ı": "i", "đ": "d", "Đ": "d", "ß": "ss"})
_HAS_EXTRA = re.compile("[łŁıđĐß]")
# Any character that _FOLD may change: everything but ASCII and æ, ø, å.
_HAS_FOLDABLE = re.compile(r"[^\x00-\x7fæøå]")


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
    # str.translate looks every character up one by one, which is most of the time of
    # folding a whole caseload; it is skipped where it would change nothing.
    if text.isascii():
        return text.casefold()
    if _HAS_EXTRA.search(text):
        text = text.translate(_EXTRA)
    lowered = unicodedata.normalize("NFC", text).casefold()
    return lowered.translate(_FOLD) if _HAS_FOLDABLE.search(lowered) else lowered


# "{" sorts after every ASCII letter; the digit keeps æ < ø < å (ä and ö count as æ and ø).
_DANISH_ORDER = str.maketrans({"æ": "{1", "ø": "{2", "å": "{3", "ä": "{1", "ö": "{2"})
_HAS_DANISH_ORDER = re.compile("[æøåäö]")


def danish_sort_key(text: str) -> str:
    """Sort as a Danish reader expects: æ, ø, å after z, and accents ignored otherwise."""
    folded = text.casefold()
    if _HAS_DANISH_ORDER.search(folded):
        folded = folded.translate(_DANISH_ORDER)
    return fold_for_search(folded)
