"""Documentation rule packs: the shipped packs and their content, the choice by date,
and every refusal of a bad pack with its file name and line."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.enums import Aim, DocumentSource
from jobraad import rulepacks
from jobraad.errors import UserFacingError
from jobraad.rulepacks import (
    MAX_PACK_BYTES,
    SECTION_LABELS,
    Requirement,
    RulePack,
    RulePackError,
    Status,
    builtin_packs,
    default_pack_for,
    get_pack,
    load_pack,
    parse_pack,
)

PACK_DIR = Path(__file__).resolve().parents[2] / "resources" / "rulepacks"
BEK = "bek2408_2021"
REFORM = "l1750_2026"
ALL_PACKS = ["bek2408_2021", "bek1708_2024", "bek47_2026", "l1750_2026", "lab_2027"]

# What a pack says besides its items (after them, so the line numbers below stay put).
HEAD_TABLES = """
[pack.law]
act = "BEK nr. 2408 af 13/12/2021"
transition = "Sager gøres færdige efter pakken."
transition_source = "Testkilde"

[pack.terms]
dossier_title = "Rehabiliteringsplanens forberedende del"
plan_heading = "Forberedende del"
team = "rehabiliteringsteamet"
meeting = "Møde i rehabiliteringsteamet"
ready = "Klar til rehabiliteringsteamet"

[pack.without_team]
allowed = true
ready = "Klar til afgørelse uden rehabiliteringsteamet (oplagt sag)"
source = "BEK nr. 2408 af 13/12/2021 § 1, stk. 3"

[pack.lae265]
item = "lae265"
max_age_days = 92
source = "Et skøn"
status = "foreløbig"

[pack.asking]
assessment_from = ["egen_laege", "sundhedskoordinator"]
source = "LOB § 15, stk. 1"

[[pack.laws]]
aims = ["fleksjob"]
text = "lov om en aktiv beskæftigelsesindsats §§ 116 og 118"
source = "LAB §§ 116 og 118"
"""

# A small valid pack. The line numbers in the refusal tests below refer to it.
# Item 2's guidance holds a fake `[[items]]` header inside a multi-line string.
VALID = (
    '''\
[pack]
id = "testpakke"
name = "Testpakke"
valid_from = 2022-01-01
valid_to = 2026-06-30
provisional = false
description = "En pakke til test."

[[items]]
id = "samtykke_laege"
title = "Samtykke til egen læge"
section = "samtykke"
aims = ["fleksjob"]
requirement = "required"
source = "borger"
consent_for = "egen_laege"
answer_days = 7
guidance = "Hvilke oplysninger, fra hvem, til hvilken sag."
legal_reference = "Forvaltningsloven § 29"

[[items]]
id = "lae265"
title = "Lægeattest"
section = "helbred"
aims = ["fleksjob", "foertidspension"]
requirement = "required"
source = "egen_laege"
form = "LÆ 265"
health = true
answer_days = 14
guidance = """Flere linjer.
[[items]]
id = "falsk"
"""
legal_reference = "BEK nr. 2408 af 13/12/2021 § 4"
'''
    + HEAD_TABLES
)
NAME = "testpakke.toml"


def refused(text: str, name: str = NAME) -> RulePackError:
    with pytest.raises(RulePackError) as info:
        parse_pack(text, name)
    return info.value


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line containing `needle`."""
    hits = [n for n, line in enumerate(text.split("\n"), start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def insert_after(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines.insert(number, new)
    return "\n".join(lines)


def delete_line(text: str, number: int) -> str:
    lines = text.split("\n")
    del lines[number - 1]
    return "\n".join(lines)


# --- the shipped packs --------------------------------------------------------------------------------------


def test_shipped_packs_load_sorted_by_start() -> None:
    packs = builtin_packs()
    assert [p.id for p in packs] == ALL_PACKS
    assert [p.source_name for p in packs] == [f"{p}.toml" for p in ALL_PACKS]
    assert builtin_packs() is packs  # loaded once


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_shipped_pack_loads_from_its_file_as_the_builtin_one(pack_id: str) -> None:
    assert load_pack(PACK_DIR / f"{pack_id}.toml") == get_pack(pack_id)


def test_default_packs_follow_one_another_without_gap_or_overlap() -> None:
    """The packs a case can fall into by date cover every day from the first one on, once."""
    chain = [p for p in builtin_packs() if not p.opt_in]
    for before, after in itertools.pairwise(chain):
        assert before.valid_to is not None, f"{before.id} is open-ended but {after.id} follows it"
        assert after.valid_from == before.valid_to + dt.timedelta(days=1), (before.id, after.id)
    assert chain[-1].valid_to is None  # the newest default pack holds until one replaces it
    for pack in builtin_packs():
        if pack.opt_in:  # chosen by the caseworker, never by date: it starts where a default pack holds
            assert any(p.applies_on(pack.valid_from) for p in chain) and pack.provisional


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_every_rule_carries_its_source(pack_id: str) -> None:
    pack = get_pack(pack_id)
    assert pack.law and pack.transition and pack.transition_source
    assert pack.lae265_max_age.source and pack.assessment_source
    assert all(item.legal_reference.strip() for item in pack.items)
    assert all(law.text and law.source for law in pack.laws)
    assert {aim for law in pack.laws for aim in law.aims} == pack.aims  # every aim's letters cite a law


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_consents_cite_11_a_not_its_exception(pack_id: str) -> None:
    """Retssikkerhedsloven § 11 a, stk. 1 is the consent rule; § 11 c is one of its exceptions."""
    for item in get_pack(pack_id).items:
        assert "§ 11 c" not in item.legal_reference
        if item.consent_for is not None:
            assert "§ 11 a, stk. 1" in item.legal_reference and "pkt. 116-117" in item.legal_reference


def test_each_period_cites_its_own_bekendtgoerelse() -> None:
    assert "2408" not in (get_pack("bek1708_2024").law + get_pack("bek47_2026").law)
    assert all(
        "BEK nr. 1708 af 30/12/2024" in i.legal_reference
        for i in get_pack("bek1708_2024").items
        if i.section == "forberedende_del"
    )
    assert all(
        "BEK nr. 47 af 13/01/2026" in i.legal_reference
        for i in get_pack("bek47_2026").items
        if i.section == "forberedende_del"
    )
    assert "fleksjob, førtidspension mv." in get_pack("bek47_2026").law  # ressourceforløb left the title
    assert "ressourceforløb" not in get_pack("bek47_2026").law.split(";")[0]


def test_ressourceforloeb_and_revalidering_end_for_new_cases_on_1_february_2026() -> None:
    for pack_id in ("bek2408_2021", "bek1708_2024"):
        assert {Aim.RESSOURCEFORLOEB, Aim.REVALIDERING} <= get_pack(pack_id).aims
    for pack_id in ("bek47_2026", "l1750_2026", "lab_2027"):
        assert not {Aim.RESSOURCEFORLOEB, Aim.REVALIDERING} & get_pack(pack_id).aims
    assert default_pack_for(dt.date(2026, 1, 31)).id == "bek1708_2024"
    assert default_pack_for(dt.date(2026, 2, 1)).id == "bek47_2026"


def test_team_or_samlet_beskrivelse_by_period() -> None:
    for pack_id in ("bek2408_2021", "bek1708_2024", "bek47_2026"):
        terms = get_pack(pack_id).terms
        assert terms.team == "rehabiliteringsteamet" and terms.plan_heading == "Forberedende del"
    for pack_id in ("l1750_2026", "lab_2027"):
        pack = get_pack(pack_id)
        assert pack.terms.team == "" and pack.terms.plan_heading == "Samlet beskrivelse"
        assert pack.provisional and pack.unconfirmed  # the window says "foreløbig" and why
        assert pack.section_label("forberedende_del") == "Samlet beskrivelse"


def test_the_2027_pack_is_provisional_and_only_by_choice() -> None:
    pack = get_pack("lab_2027")
    assert pack.opt_in and pack.provisional and pack.label.endswith("(foreløbig)")
    assert default_pack_for(dt.date(2027, 6, 1)).id == "l1750_2026"
    assert any("vedtaget" in u for u in pack.unconfirmed)


def test_a_pack_renamed_since_is_found_by_its_old_id() -> None:
    assert get_pack("reform_2025").id == "l1750_2026"


def test_fp_letters_cite_the_pension_act_not_lab() -> None:
    for pack in builtin_packs():
        assert pack.law_for(Aim.FOERTIDSPENSION) == "lov om social pension §§ 16-19"
        assert "aktiv beskæftigelsesindsats" in pack.law_for(Aim.FLEKSJOB)


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_lae265(pack_id: str) -> None:
    pack = get_pack(pack_id)
    item = pack.item("lae265")
    assert pack.lae265_item == "lae265"
    assert item.form == "LÆ 265"
    assert item.health and item.assessment
    assert item.source is DocumentSource.EGEN_LAEGE
    assert item.required
    assert item.section == "helbred"
    assert item.answer_days == 30  # the agreed time for LÆ 261/265
    assert pack.item("statusattest_lae125").answer_days == 14  # LÆ 121/125
    assert "LÆ 261/262" in item.guidance
    assert {Aim.FLEKSJOB, Aim.FOERTIDSPENSION, Aim.JOBAFKLARING} <= item.aims
    assert pack.lae265_max_age.status is Status.PROVISIONAL  # no fixed age found in any source


def test_lae265_guidance_says_som_udgangspunkt() -> None:
    """Ankestyrelsen: a missing or outdated LÆ 265 makes the decision invalid "som udgangspunkt"."""
    guidance = get_pack(BEK).item("lae265").guidance
    assert "som udgangspunkt gør den ugyldig" in guidance
    assert "gør afgørelsen \nugyldig" not in guidance and "gør afgørelsen ugyldig" not in guidance
    assert "§ 4" in get_pack(BEK).item("lae265").legal_reference


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_health_assessments_only_from_klinisk_funktion_or_the_gp(pack_id: str) -> None:
    """LOB § 15, stk. 1: in team cases the jobcenter asks no speciallæge for an assessment
    directly; records and status certificates from hospital and speciallæge are allowed."""
    pack = get_pack(pack_id)
    assert pack.assessment_from == {DocumentSource.EGEN_LAEGE, DocumentSource.SUNDHEDSKOORDINATOR}
    for item in pack.items:
        if item.assessment:
            assert item.source in pack.assessment_from
    specialist = pack.item("speciallaegeerklaering")
    assert not specialist.assessment and "klinisk funktion" in specialist.guidance
    assert "Journaloplysninger eller statusattest" in specialist.title


def test_an_assessment_from_a_source_the_pack_does_not_allow_is_refused() -> None:
    text = VALID.replace('form = "LÆ 265"\nhealth = true', 'form = "LÆ 265"\nhealth = true\nassessment = true').replace(
        'source = "egen_laege"\nform', 'source = "speciallaege"\nform'
    )
    err = refused(text)
    assert "helbredsvurdering" in err.problem and "speciallaege" in err.problem


@pytest.mark.parametrize("pack_id", [BEK, REFORM])
def test_every_health_item_has_a_consent_for_its_source_and_aims(pack_id: str) -> None:
    pack = get_pack(pack_id)
    consents = [i for i in pack.items if i.consent_for is not None]
    assert consents
    for item in pack.items:
        if not item.health:
            continue
        covering = [c for c in consents if c.consent_for is item.source]
        assert covering, f"{item.id}: intet samtykke til {item.source}"
        covered_aims = frozenset().union(*(c.aims for c in covering))
        assert item.aims <= covered_aims, f"{item.id}: samtykket dækker ikke {item.aims - covered_aims}"
        if item.required:
            required_aims = frozenset().union(*(c.aims for c in covering if c.required))
            assert item.aims <= required_aims, f"{item.id} er påkrævet, men samtykket er kun anbefalet"


@pytest.mark.parametrize("pack_id", [BEK, REFORM])
def test_consent_items_come_from_the_citizen_and_ask_nothing_themselves(pack_id: str) -> None:
    consents = [i for i in get_pack(pack_id).items if i.consent_for is not None]
    assert {c.consent_for for c in consents} == {
        DocumentSource.EGEN_LAEGE,
        DocumentSource.SPECIALLAEGE,
        DocumentSource.HOSPITAL,
        DocumentSource.SOF,
        DocumentSource.SUF,
        DocumentSource.SUNDHEDSKOORDINATOR,
    }
    for consent in consents:
        assert consent.section == "samtykke"
        assert consent.source is DocumentSource.BORGER
        assert not consent.health
        assert 0 <= consent.answer_days <= 7
        for words in ("hvilke oplysninger", "fra hvem", "hvilken sag"):  # a consent must be specific
            assert words in consent.guidance, (consent.id, words)


@pytest.mark.parametrize("pack_id", [BEK, REFORM])
def test_partners_employers_and_specialists(pack_id: str) -> None:
    pack = get_pack(pack_id)
    sof, suf = pack.item("sof_oplysninger"), pack.item("suf_oplysninger")
    assert (sof.source, suf.source) == (DocumentSource.SOF, DocumentSource.SUF)
    assert sof.health and suf.health  # SOF: sociale oplysninger, but the consent rule must apply
    assert "samtykke" in sof.guidance
    assert sof.answer_days == suf.answer_days == 14
    praktik = pack.item("praktik_udtalelse")
    assert praktik.per_placement and praktik.source is DocumentSource.VIRKSOMHED and praktik.required
    assert praktik.answer_days == 7
    for word in ("timer", "opgaverne", "skånehensyn", "stabilitet"):
        assert word in praktik.guidance
    specialist = pack.item("speciallaegeerklaering")
    assert specialist.requirement is Requirement.RECOMMENDED and specialist.answer_days == 28
    assert pack.item("hospital_journal").requirement is Requirement.RECOMMENDED
    assert [i.id for i in pack.items if i.per_placement] == ["praktik_udtalelse"]


@pytest.mark.parametrize("pack_id", [BEK, REFORM])
def test_every_shipped_item_is_complete(pack_id: str) -> None:
    pack = get_pack(pack_id)
    assert [i.order for i in pack.items] == list(range(len(pack.items)))
    for item in pack.items:
        assert item.section in SECTION_LABELS
        assert item.aims
        assert len(item.guidance) > 60, item.id
        assert item.guidance.endswith("."), item.id
        assert item.legal_reference, item.id
        assert 0 <= item.answer_days <= 42, item.id
        assert "\n" not in item.guidance, item.id  # continued lines are joined


def test_bek_forberedende_del_has_its_eight_parts_in_order() -> None:
    part = [i for i in get_pack(BEK).items if i.section == "forberedende_del"]
    assert [i.id for i in part] == [
        "fd_uddannelse_cv",
        "fd_ressourcer_netvaerk",
        "fd_udfordringer",
        "fd_egne_oensker",
        "fd_helbred",
        "fd_helbred_arbejde",
        "fd_forsoergelse",
        "fd_indsatserfaring",
    ]
    assert [i.source for i in part].count(DocumentSource.BORGER) == 1
    assert get_pack(BEK).item("fd_egne_oensker").source is DocumentSource.BORGER
    assert all(i.required for i in part)
    assert all(set(Aim) - {Aim.JOB, Aim.UDDANNELSE} == i.aims for i in part)
    # Written as the case texts of the same name, never ticked (issue 17).
    assert [i.texts for i in part] == [
        ("uddannelse_cv",),
        ("ressourcer_netvaerk",),
        ("udfordringer",),
        ("egne_oensker",),
        ("helbred",),
        ("helbred_arbejde",),
        ("forsoergelse",),
        ("indsatser",),
    ]


def test_every_pack_needs_outside_documents_attached_and_names_why() -> None:
    for pack in builtin_packs():
        assert {DocumentSource.EGEN_LAEGE, DocumentSource.SOF, DocumentSource.SUF} <= pack.attach_from, pack.id
        assert "§ 3" in pack.attach_source, pack.id
        lae265 = pack.item(pack.lae265_item)
        assert pack.needs_file(lae265)
        assert not any(pack.needs_file(i) for i in pack.items if i.texts or i.consent_for), pack.id


def test_a_text_item_must_name_known_case_texts() -> None:
    at = line_of(VALID, 'section = "helbred"')
    err = refused(insert_after(VALID, at, 'texts = ["helbredet"]'))
    assert err.line == at + 1
    assert "ukendt tekstafsnit «helbredet»" in err.problem
    assert parse_pack(insert_after(VALID, at, 'texts = ["helbred"]'), NAME).item("lae265").texts == ("helbred",)


def test_evidence_names_known_sources() -> None:
    err = refused(VALID + '\n[pack.evidence]\nattach_from = ["egen_laege", "naboen"]\nsource = "x"\n')
    assert "naboen" in err.problem
    pack = parse_pack(VALID + '\n[pack.evidence]\nattach_from = ["egen_laege"]\nsource = "BEK § 3"\n', NAME)
    assert pack.attach_from == {DocumentSource.EGEN_LAEGE} and pack.needs_file(pack.item("lae265"))
    assert not pack.needs_file(pack.item("samtykke_laege"))


def test_bek_items_for_fleksjob_in_file_order() -> None:
    assert [i.id for i in get_pack(BEK).items_for(Aim.FLEKSJOB)] == [
        "samtykke_egen_laege",
        "samtykke_speciallaege",
        "samtykke_hospital",
        "samtykke_sof",
        "samtykke_suf",
        "samtykke_sundhedskoordinator",
        "fd_uddannelse_cv",
        "fd_ressourcer_netvaerk",
        "fd_udfordringer",
        "fd_egne_oensker",
        "fd_helbred",
        "fd_helbred_arbejde",
        "fd_forsoergelse",
        "fd_indsatserfaring",
        "lae265",
        "sundhedskoordinator",
        "statusattest_lae125",
        "speciallaegeerklaering",
        "hospital_journal",
        "sof_oplysninger",
        "suf_oplysninger",
        "praktik_udtalelse",
        "indsatser_afproevet",
        "fleksjob_arbejdsevne",
        "jc_vurdering",
        "jc_forslag",
    ]


def test_bek_aim_specific_items() -> None:
    pack = get_pack(BEK)
    fp = {i.id for i in pack.items_for(Aim.FOERTIDSPENSION)}
    assert {"fp_ressourceforloeb", "fp_arbejdsevne", "sundhedskoordinator", "indsatser_afproevet"} <= fp
    assert "fleksjob_arbejdsevne" not in fp
    assert "pensionsloven" in pack.item("fp_ressourceforloeb").legal_reference.lower().replace(
        "lov om social pension", "pensionsloven"
    )
    assert "åbenbart formålsløst" in pack.item("fp_ressourceforloeb").guidance
    assert "alder" in pack.item("fp_ressourceforloeb").guidance
    assert "§§ 116 og 118" in pack.item("fleksjob_arbejdsevne").legal_reference
    assert "klinisk funktion" in pack.item("sundhedskoordinator").title
    rf = {i.id for i in pack.items_for(Aim.RESSOURCEFORLOEB)}
    assert "rf_indsatsbehov" in rf and "fp_ressourceforloeb" not in rf
    assert "ja_sygedagpengesag" in {i.id for i in pack.items_for(Aim.JOBAFKLARING)}
    # Revalidering does not go to the team, but the forberedende del and LÆ 265 apply.
    rv = {i.id for i in pack.items_for(Aim.REVALIDERING)}
    assert {"lae265", "fd_helbred", "rv_erhvervsmaal"} <= rv
    assert "sundhedskoordinator" not in rv
    assert pack.items_for(Aim.JOB) == [] and pack.items_for(Aim.UDDANNELSE) == []


def test_reform_has_no_ressourceforloeb_or_revalidering_items() -> None:
    pack = get_pack(REFORM)
    assert pack.items_for(Aim.RESSOURCEFORLOEB) == []
    assert pack.items_for(Aim.REVALIDERING) == []
    assert not any(i.id.startswith(("fd_", "rf_", "rv_")) for i in pack.items)


def test_reform_sundhedskoordinator_is_required_for_every_aim() -> None:
    pack = get_pack(REFORM)
    advice = pack.item("sundhedskoordinator")
    all_aims = frozenset().union(*(i.aims for i in pack.items))
    assert all_aims == {Aim.FLEKSJOB, Aim.FOERTIDSPENSION, Aim.JOBAFKLARING}
    assert advice.aims == all_aims
    assert advice.requirement is Requirement.REQUIRED
    assert advice.source is DocumentSource.SUNDHEDSKOORDINATOR and advice.health
    for aim in all_aims:
        assert advice in pack.items_for(aim)


def test_reform_samlet_beskrivelse_replaces_the_forberedende_del() -> None:
    pack = get_pack(REFORM)
    whole = pack.item("samlet_beskrivelse")
    assert whole.required and whole.title == "Samlet beskrivelse af borgerens forudsætninger"
    parts = [i for i in pack.items if i.id.startswith("sb_")]
    assert len(parts) == 8
    assert all(p.requirement is Requirement.RECOMMENDED for p in parts)
    assert whole.order < min(p.order for p in parts)
    assert {"fp_indsatser_udtoemt", "fp_arbejdsevne", "indsatser_afproevet"} <= {
        i.id for i in pack.items_for(Aim.FOERTIDSPENSION)
    }


def test_section_labels_in_display_order() -> None:
    assert list(SECTION_LABELS.items()) == [
        ("samtykke", "Samtykke"),
        ("forberedende_del", "Forberedende del"),
        ("helbred", "Helbred"),
        ("partnere", "SOF, SUF og andre"),
        ("virksomhed", "Virksomhedspraktik"),
        ("indsatser", "Indsatser afprøvet"),
        ("afklaring", "Afklaring"),
        ("jobcentret", "Jobcentrets egne dele"),
    ]


# --- choosing a pack ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 3, 1), BEK),  # before every pack: the earliest
        (dt.date(2022, 1, 1), BEK),
        (dt.date(2024, 5, 1), BEK),
        (dt.date(2024, 12, 31), BEK),
        (dt.date(2025, 1, 1), "bek1708_2024"),
        (dt.date(2026, 6, 30), "bek47_2026"),
        (dt.date(2026, 7, 1), REFORM),  # provisional, but the default: the newest knowledge of the rules
        (dt.date(2031, 1, 1), REFORM),  # the 2027 pack is never a default
    ],
)
def test_default_pack_for(day: dt.date, expected: str) -> None:
    assert default_pack_for(day).id == expected


def test_an_opt_in_pack_is_never_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    firm = parse_pack(VALID.replace("valid_to = 2026-06-30\n", ""), NAME)  # from 2022-01-01, open-ended
    chosen = parse_pack(
        VALID.replace('id = "testpakke"', 'id = "valgt"')
        .replace("provisional = false", "provisional = true\nopt_in = true")
        .replace("valid_from = 2022-01-01", "valid_from = 2023-01-01")
        .replace("valid_to = 2026-06-30\n", ""),
        "valgt.toml",
    )
    monkeypatch.setattr(rulepacks, "builtin_packs", lambda: (firm, chosen))
    assert default_pack_for(dt.date(2024, 1, 1)) is firm
    assert default_pack_for(dt.date(2027, 1, 1)) is firm
    assert default_pack_for(dt.date(2020, 1, 1)) is firm  # before every pack: the first


def test_applies_on_includes_both_ends() -> None:
    pack = get_pack(BEK)
    assert pack.applies_on(dt.date(2022, 1, 1)) and pack.applies_on(dt.date(2024, 12, 31))
    assert not pack.applies_on(dt.date(2021, 12, 31)) and not pack.applies_on(dt.date(2025, 1, 1))
    assert get_pack(REFORM).applies_on(dt.date(2099, 1, 1))


def test_unknown_item_and_pack() -> None:
    with pytest.raises(KeyError):
        get_pack(BEK).item("findes_ikke")
    with pytest.raises(RulePackError) as info:
        get_pack("bek1234_2013")
    assert isinstance(info.value, UserFacingError)
    assert "«bek1234_2013» findes ikke" in info.value.message
    assert BEK in info.value.message and REFORM in info.value.message


# --- a valid pack -------------------------------------------------------------------------------------------


def test_valid_pack_with_defaults() -> None:
    pack = parse_pack(VALID, NAME)
    assert isinstance(pack, RulePack)
    assert pack.source_name == NAME
    assert [i.id for i in pack.items] == ["samtykke_laege", "lae265"]  # the fake header in a string is text
    consent, certificate = pack.items
    assert consent.form == "" and not consent.health and not consent.per_placement
    assert consent.consent_for is DocumentSource.EGEN_LAEGE
    assert certificate.consent_for is None and certificate.health and certificate.order == 1
    assert certificate.guidance == 'Flere linjer.\n[[items]]\nid = "falsk"'
    assert pack.items_for(Aim.FOERTIDSPENSION) == [certificate]


def test_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    assert load_pack(path) == parse_pack(VALID, NAME)


def test_byte_order_mark_in_text_is_accepted() -> None:
    assert parse_pack("\ufeff" + VALID, NAME) == parse_pack(VALID, NAME)


@pytest.mark.parametrize(
    "text",
    [
        replace_line(VALID, 30, "answer_days = " + "1" * 5000),  # beyond Python's int-from-text limit
        "a = " + "[" * 5000 + "]" * 5000,  # deeper than the recursion limit
    ],
)
def test_pathological_values_are_refused(text: str) -> None:
    assert "ikke gyldig TOML" in refused(text).problem


def test_line_numbers_with_crlf() -> None:
    text = replace_line(VALID, 30, 'answer_days = "14"').replace("\n", "\r\n")
    assert refused(text).line == 30


# --- refusals: each with the exact file and line ------------------------------------------------------------


def test_unknown_key_in_item_2_names_its_line() -> None:
    text = insert_after(VALID, 23, 'titel = "Lægeattest"')
    error = refused(text)
    assert (error.file, error.line) == (NAME, 24)
    assert str(error) == "Regelpakken testpakke.toml, linje 24: ukendt nøgle «titel» i punkt «lae265»."


def test_unknown_key_after_a_multiline_string_names_its_line() -> None:
    text = VALID.replace(HEAD_TABLES, 'ekstra = "x"\n' + HEAD_TABLES)
    assert refused(text).line == 36


def test_missing_field_names_the_item_header() -> None:
    error = refused(delete_line(VALID, line_of(VALID, 'section = "helbred"')))
    assert error.line == 21
    assert "punkt «lae265» mangler nøglen «section»" in str(error)


def test_missing_last_field_is_not_confused_by_a_header_inside_a_string() -> None:
    error = refused(delete_line(VALID, line_of(VALID, 'legal_reference = "BEK')))
    assert error.line == 21
    assert "«legal_reference»" in str(error)


def test_missing_pack_field_names_the_pack_header() -> None:
    error = refused(delete_line(VALID, 3))
    assert (error.line, error.problem) == (1, "[pack] mangler nøglen «name».")


def test_bad_date_is_a_syntax_error_on_its_line() -> None:
    error = refused(replace_line(VALID, 4, "valid_from = 2022-13-01"))
    assert (error.file, error.line) == (NAME, 4)
    assert "ikke gyldig TOML" in str(error)


@pytest.mark.parametrize("value", ['"2022-01-01"', "2022-01-01T08:00:00", "20220101", "10:00:00"])
def test_date_of_wrong_type(value: str) -> None:
    error = refused(replace_line(VALID, 4, f"valid_from = {value}"))
    assert error.line == 4
    assert "skal være en dato" in str(error)


def test_valid_to_before_valid_from() -> None:
    error = refused(replace_line(VALID, 5, "valid_to = 2021-12-31"))
    assert error.line == 5
    assert str(error).endswith("valid_to (31-12-2021) ligger før valid_from (01-01-2022).")


def test_duplicate_item_id_names_the_second_and_the_first() -> None:
    error = refused(replace_line(VALID, 22, 'id = "samtykke_laege"'))
    assert error.line == 22
    assert "«samtykke_laege» er brugt to gange (første gang på linje 10)" in str(error)


@pytest.mark.parametrize(
    ("line", "new", "words"),
    [
        (25, 'aims = ["fleksjob", "pension"]', "ukendt værdi «pension» for «aims»"),
        (27, 'source = "laege"', "ukendt værdi «laege» for «source»"),
        (24, 'section = "sundhed"', "ukendt afsnit «sundhed»"),
        (26, 'requirement = "must"', "ukendt værdi «must» for «requirement»"),
        (16, 'consent_for = "alle"', "ukendt værdi «alle» for «consent_for»"),
        (13, 'aims = ["Fleksjob"]', "ukendt værdi «Fleksjob» for «aims»"),
    ],
)
def test_unknown_enum_values(line: int, new: str, words: str) -> None:
    error = refused(replace_line(VALID, line, new))
    assert error.line == line
    assert words in str(error)
    assert "Tilladte" in str(error)


@pytest.mark.parametrize(
    ("line", "new"),
    [
        (30, 'answer_days = "14"'),
        (30, "answer_days = 14.0"),
        (30, "answer_days = true"),
        (30, "answer_days = -1"),
        (30, "answer_days = 100000"),
        (29, 'health = "ja"'),
        (29, "health = 1"),
        (25, 'aims = "fleksjob"'),
        (25, "aims = []"),
        (23, "title = 5"),
        (23, 'title = "   "'),
        (28, "form = []"),
        (22, 'id = "LAE265"'),
        (22, 'id = "lae 265"'),
        (6, 'provisional = "nej"'),
        (7, "description = 1"),
    ],
)
def test_wrong_types_and_values(line: int, new: str) -> None:
    error = refused(replace_line(VALID, line, new))
    assert (error.file, error.line) == (NAME, line), str(error)
    assert str(error).startswith(f"Regelpakken testpakke.toml, linje {line}: ")


def test_answer_days_as_text_message() -> None:
    error = refused(replace_line(VALID, 30, 'answer_days = "14"'))
    assert error.problem == "«answer_days» i punkt «lae265» skal være et helt antal dage, ikke tekst."


@pytest.mark.parametrize(
    ("line", "new"),
    [
        (23, 'title = "Lægeattest'),  # unterminated string
        (30, "answer_days = 14 14"),
        (9, "[[items]"),
        (2, 'id = "testpakke"\nid = "igen"'),
    ],
)
def test_toml_syntax_error_names_its_line(line: int, new: str) -> None:
    error = refused(replace_line(VALID, line, new))
    assert "ikke gyldig TOML" in error.problem
    assert error.line == (line + 1 if new.startswith("id =") else line)


def test_id_must_equal_the_file_stem() -> None:
    error = refused(VALID, "andet_navn.toml")
    assert (error.file, error.line) == ("andet_navn.toml", 2)
    assert "«testpakke» skal være det samme som filnavnet" in str(error)


def test_unknown_pack_key_and_unknown_tables() -> None:
    assert refused(insert_after(VALID, 4, "gyldig_fra = 2022-01-01")).line == 5
    top = refused("version = 2\n" + VALID)
    assert top.line == 1 and "«version»" in str(top)
    table = refused(VALID.replace(HEAD_TABLES, "\n[meta]\nx = 1\n" + HEAD_TABLES))
    assert table.line == 37
    sub = refused(VALID.replace(HEAD_TABLES, "[items.ekstra]\nx = 1\n" + HEAD_TABLES))
    assert sub.line == 36 and "ukendt nøgle «ekstra» i punkt «lae265»" in str(sub)


def test_missing_pack_or_items() -> None:
    items = VALID[VALID.index("[[items]]") :].replace(HEAD_TABLES, "")
    no_pack = refused(items)
    assert no_pack.line is None and no_pack.problem == "tabellen [pack] mangler."
    no_items = refused(VALID[: VALID.index("[[items]]")] + HEAD_TABLES)
    assert no_items.line is None and "ingen punkter" in no_items.problem
    not_a_table = refused("pack = 3\n" + items)
    assert not_a_table.line == 1 and "«pack» skal være en tabel" in not_a_table.problem


def test_items_as_inline_array_parse_and_errors_point_at_it() -> None:
    text = """# Punkterne som én liste
items = [
  {id = "a", title = "A", section = "helbred", aims = ["fleksjob"], requirement = "required", source = "hospital", answer_days = 1, guidance = "G", legal_reference = "L"},
  {id = "b", title = "B", section = "helbred", aims = ["fleksjob"], requirement = "required", source = "suf", answer_days = 1, guidance = "G", legal_reference = "L"},
]

[pack]
id = "testpakke"
name = "T"
valid_from = 2024-01-01
description = "D"
"""  # noqa: E501
    text = text.replace('source = "hospital"', 'source = "hospital"') + HEAD_TABLES.replace(
        'item = "lae265"', 'item = "a"'
    )
    assert [i.id for i in parse_pack(text, NAME).items] == ["a", "b"]
    assert refused(text.replace('source = "suf"', 'source = "x"')).line == 2
    assert refused(text.replace("valid_from = 2024-01-01", 'valid_from = "x"')).line == 10


# --- reading files ------------------------------------------------------------------------------------------


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bek2408_2021.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert (info.value.file, info.value.line) == ("bek2408_2021.toml", None)
    assert str(info.value).startswith("Regelpakken bek2408_2021.toml: filen er ikke en tekstfil")


def test_latin1_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(VALID.encode("latin-1", errors="replace"))
    with pytest.raises(RulePackError, match="UTF-8"):
        load_pack(path)


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / NAME
    padding = "# " + "x" * 98 + "\n"
    path.write_text(VALID + padding * (MAX_PACK_BYTES // len(padding) + 1), encoding="utf-8")
    assert path.stat().st_size > MAX_PACK_BYTES
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert (info.value.file, info.value.line) == (NAME, None)
    assert "for stor" in str(info.value) and "1 MB" in str(info.value)
    with pytest.raises(RulePackError, match="for stor"):
        parse_pack(path.read_text(encoding="utf-8"), NAME)


def test_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / NAME
    body = VALID + "#"
    path.write_bytes(body.encode() + b"x" * (MAX_PACK_BYTES - len(body.encode())))
    assert path.stat().st_size == MAX_PACK_BYTES
    assert load_pack(path).id == "testpakke"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match=r"^Regelpakken nope\.toml: filen kan ikke åbnes"):
        load_pack(tmp_path / "nope.toml")


# --- fuzzing: a RulePack or a RulePackError, nothing else ---------------------------------------------------

SHIPPED_TEXT = (PACK_DIR / f"{BEK}.toml").read_text(encoding="utf-8")
SNIPPETS = [
    "[[items]]",
    "[pack]",
    '"""',
    "'''",
    "x = 1",
    "aims = []",
    'aims = ["x"]',
    'answer_days = "1"',
    "answer_days = 99999999999999999999999",
    "valid_to = 2000-01-01",
    "valid_from = 1979-05-27T07:32:00Z",
    'id = "lae265"',
    'id = "X"',
    "health = 1",
    "[items.x]",
    "items = 3",
    "pack = {}",
    "\\",
    "#",
    "\x00",
    "\ufeff",
    "\r",
    "= =",
    "a.b.c = 1",
    "[" * 50,
]


def _check(text: str, name: str) -> None:
    try:
        pack = parse_pack(text, name)
    except RulePackError as error:
        assert error.file == name
        assert error.message.startswith(f"Regelpakken {name}")
        # Editors (and tomllib) count a lone CR as a line break too.
        assert error.line is None or 1 <= error.line <= len(text.splitlines()) + 1
    else:
        assert isinstance(pack, RulePack) and pack.items


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_fuzz_random_text(text: str) -> None:
    _check(text, NAME)


@st.composite
def mutated_pack(draw: st.DrawFn) -> str:
    text = SHIPPED_TEXT
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "replace", "insert", "duplicate", "cut", "splice"]))
        if kind == "delete":
            del lines[at]
        elif kind == "replace":
            lines[at] = draw(st.sampled_from(SNIPPETS) | st.text(max_size=40))
        elif kind == "insert":
            lines.insert(at, draw(st.sampled_from(SNIPPETS) | st.text(max_size=40)))
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        text = "\n".join(lines)
        if kind == "cut":
            start = draw(st.integers(0, len(text)))
            text = text[:start] + text[start + draw(st.integers(0, 200)) :]
        elif kind == "splice":
            start = draw(st.integers(0, len(text)))
            text = text[:start] + draw(st.sampled_from(SNIPPETS) | st.text(max_size=10)) + text[start:]
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pack())
def test_fuzz_mutated_shipped_pack(text: str) -> None:
    _check(text, f"{BEK}.toml")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=500) | st.builds(lambda b: SHIPPED_TEXT.encode()[:300] + b, st.binary(max_size=50)))
def test_fuzz_random_bytes_from_a_file(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / NAME
        path.write_bytes(data)
        try:
            load_pack(path)
        except RulePackError as error:
            assert error.file == NAME
