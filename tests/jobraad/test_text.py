import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from jobraad.text import danish_sort_key, fold_for_search


def test_fold_strips_foreign_accents_keeps_danish_letters() -> None:
    assert fold_for_search("Łucja Wąsik") == "lucja wasik"
    assert fold_for_search("Şükrü Ağaoğlu") == "sukru agaoglu"
    assert fold_for_search("Nguyễn Thị Ánh") == "nguyen thi anh"
    assert fold_for_search("Søren Ærø Åse") == "søren ærø åse"


def test_danish_sort_order() -> None:
    names = ["Åberg", "Ærø", "Zola", "Østergaard", "Andersen", "Öztürk"]
    assert sorted(names, key=danish_sort_key) == ["Andersen", "Zola", "Ærø", "Østergaard", "Öztürk", "Åberg"]


# --- the shortcuts agree with the plain definition ---------------------------------------------
# fold_for_search and danish_sort_key skip translations that would change nothing (they run
# for every citizen on every reload of the caseload). These are the definitions they had
# before, character by character; the shortcuts must give the same text for any input.


def _reference_fold(text: str) -> str:
    extra = str.maketrans({"ł": "l", "Ł": "l", "ı": "i", "đ": "d", "Đ": "d", "ß": "ss"})
    lowered = unicodedata.normalize("NFC", text.translate(extra)).casefold()
    if lowered.isascii():
        return lowered

    def fold(ch: str) -> str:
        if ch in "æøå":
            return ch
        return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))

    return "".join(fold(ch) for ch in lowered)


def _reference_sort_key(text: str) -> str:
    order = str.maketrans({"æ": "{1", "ø": "{2", "å": "{3", "ä": "{1", "ö": "{2"})
    return _reference_fold(text.casefold().translate(order))


# Names and notes as they come: Danish and foreign letters, combining marks, the letters
# handled apart (ł, ı, đ, ß), compatibility forms (ﬁ, ǅ, ²), upper and lower case.
_LETTERS = "aAzZ æøåÆØÅäöÄÖüÜéÉñÑçÇşŞğĞıİłŁđĐßẞễỄǅǆﬁ²\u0301\u0308\u030a-;.\n0123456789"
_texts = st.text(alphabet=_LETTERS, max_size=40) | st.text(max_size=40)


@given(_texts)
@example("Şükrü Ağaoğlu 0810832951 081083-2951 28 58 09 17 Ønsker at arbejde med mennesker")
@example("A\u030angstrøm")  # Å written as A + combining ring
@example("STRASSE Straße")
def test_fold_for_search_agrees_with_its_definition(text: str) -> None:
    assert fold_for_search(text) == _reference_fold(text)


@given(_texts)
@example("Ærø Søren")
@example("Öztürk A\u030aberg")
def test_danish_sort_key_agrees_with_its_definition(text: str) -> None:
    assert danish_sort_key(text) == _reference_sort_key(text)
