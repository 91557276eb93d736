from jobraad.text import danish_sort_key, fold_for_search


def test_fold_strips_foreign_accents_keeps_danish_letters() -> None:
    assert fold_for_search("Łucja Wąsik") == "lucja wasik"
    assert fold_for_search("Şükrü Ağaoğlu") == "sukru agaoglu"
    assert fold_for_search("Nguyễn Thị Ánh") == "nguyen thi anh"
    assert fold_for_search("Søren Ærø Åse") == "søren ærø åse"


def test_danish_sort_order() -> None:
    names = ["Åberg", "Ærø", "Zola", "Østergaard", "Andersen", "Öztürk"]
    assert sorted(names, key=danish_sort_key) == ["Andersen", "Zola", "Ærø", "Østergaard", "Öztürk", "Åberg"]
