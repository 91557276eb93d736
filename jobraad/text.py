"""Text helpers shared by search and exports."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

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


@functools.cache
def _danish_collator() -> Any:
    """ICU's collator for Danish (CLDR's rules), made once: imported here, not at module load,
    so a program that never sorts names does not load ICU's data."""
    import icu

    return icu.Collator.createInstance(icu.Locale("da_DK"))


def danish_sort_key(text: str) -> str:
    """Sort as a Danish reader expects, by ICU's Danish collation: æ, ø, å after z; "aa" in a
    name counts as å ("Aagaard" with "Åberg", at the end); ü as y ("Müller" with "Myller"),
    ä as æ and ö as ø; other accents and case only break ties ("Ándersen" with "Andersen").

    The key is ICU's binary sort key, decoded byte for byte (Latin-1), so comparing two keys
    as text compares the bytes, which is what ICU defines the order by."""
    return bytes(_danish_collator().getSortKey(text)).decode("latin-1")
