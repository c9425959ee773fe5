"""Gazetteer: spellings resolve to canonical places, region phrases to first-level regions."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.language import vocab
from analysis.language.places import (REGION_SUFFIXES, Place, PlaceMention, _gazetteer,
                             _region_stems, find_places, lookup, places_table, region_key)

ROOT = Path(__file__).resolve().parents[1]

UKRAINIAN_OBLASTS = [
    "Cherkasy Oblast", "Chernihiv Oblast", "Chernivtsi Oblast", "Dnipropetrovsk Oblast",
    "Donetsk Oblast", "Ivano-Frankivsk Oblast", "Kharkiv Oblast", "Kherson Oblast",
    "Khmelnytskyi Oblast", "Kirovohrad Oblast", "Kyiv Oblast", "Luhansk Oblast", "Lviv Oblast",
    "Mykolaiv Oblast", "Odesa Oblast", "Poltava Oblast", "Rivne Oblast", "Sumy Oblast",
    "Ternopil Oblast", "Vinnytsia Oblast", "Volyn Oblast", "Zakarpattia Oblast",
    "Zaporizhzhia Oblast", "Zhytomyr Oblast",
]
RUSSIAN_REGIONS = [
    "Belgorod Oblast", "Kursk Oblast", "Bryansk Oblast", "Rostov Oblast", "Voronezh Oblast",
    "Krasnodar Krai", "Oryol Oblast", "Lipetsk Oblast", "Tula Oblast", "Kaluga Oblast",
    "Smolensk Oblast", "Moscow Oblast", "Moscow", "Tambov Oblast", "Saratov Oblast",
    "Volgograd Oblast", "Ryazan Oblast", "Tver Oblast", "Nizhny Novgorod Oblast",
    "Leningrad Oblast", "Saint Petersburg", "Republic of Tatarstan", "Republic of Bashkortostan",
    "Chechen Republic", "Republic of Dagestan", "Astrakhan Oblast", "Samara Oblast",
    "Penza Oblast", "Pskov Oblast", "Novgorod Oblast", "Yaroslavl Oblast", "Murmansk Oblast",
    "Republic of Adygea", "Stavropol Krai", "Republic of North Ossetia-Alania",
    "Kabardino-Balkarian Republic", "Orenburg Oblast", "Chuvash Republic", "Udmurt Republic",
    "Republic of Mordovia",
]
# City -> region, as the development articles need them.
DEV_CITIES = {
    "Bila Tserkva": "Kyiv Oblast", "Kryvyi Rih": "Dnipropetrovsk Oblast", "Izmail": "Odesa Oblast",
    "Ochakiv": "Mykolaiv Oblast", "Oleshky": "Kherson Oblast", "Beryslav": "Kherson Oblast",
    "Bilozerka": "Kherson Oblast", "Marhanets": "Dnipropetrovsk Oblast",
    "Nikopol": "Dnipropetrovsk Oblast", "Pavlohrad": "Dnipropetrovsk Oblast",
    "Orikhiv": "Zaporizhzhia Oblast", "Semenivka": "Chernihiv Oblast",
    "Novhorod-Siverskyi": "Chernihiv Oblast", "Shostka": "Sumy Oblast", "Okhtyrka": "Sumy Oblast",
    "Bilopillia": "Sumy Oblast", "Kupiansk": "Kharkiv Oblast", "Chuhuiv": "Kharkiv Oblast",
    "Kramatorsk": "Donetsk Oblast", "Kostiantynivka": "Donetsk Oblast",
    "Druzhkivka": "Donetsk Oblast", "Shebekino": "Belgorod Oblast", "Valuyki": "Belgorod Oblast",
    "Rylsk": "Kursk Oblast", "Sudzha": "Kursk Oblast", "Plekhovo": "Kursk Oblast",
    "Klintsy": "Bryansk Oblast", "Klimovo": "Bryansk Oblast", "Novoshakhtinsk": "Rostov Oblast",
    "Liski": "Voronezh Oblast", "Dzhankoi": "Crimea", "Yevpatoria": "Crimea",
    "Sevastopol": "Sevastopol", "Kyiv": "Kyiv",
}
# Paragraph of a development article (AP, 2024), curly apostrophes as published.
ARTICLE = (
    "The Biden administration revealed on Thursday that approximately 8,000 North Korean "
    "soldiers are stationed in Russia’s Kursk region, near the Ukrainian border. "
    "Overnight into Saturday, Russian missiles struck Kharkiv, Ukraine’s second-largest city. "
    "In Kherson province, Russian shelling claimed the life of a 40-year-old woman. "
    "In the central Dnipropetrovsk region, another five civilians sustained injuries. "
    "Russia’s defense ministry announced that its forces had shot down 24 Ukrainian drones "
    "overnight in four Russian regions and occupied Crimea. Ukrainian troops remain entrenched "
    "in the Kursk border region, while the Indo-Pacific region watches."
)


def names(text: str) -> list[tuple[str, str, str]]:
    """(surface, canonical name, kind) of every mention in text."""
    return [(m.surface, m.place.name, m.place.kind) for m in find_places(text)]


def csv_rows() -> list[dict[str, str]]:
    """Rows of the packaged gazetteer file."""
    return [dict(r) for r in vocab.load(()).rows("places")]


@pytest.mark.parametrize("spellings, canonical", [
    (("Kiev", "Kyiv", "KYIV", "kiev"), "Kyiv"),
    (("Kharkov", "Kharkiv"), "Kharkiv"),
    (("Dnepr", "Dnipro", "Dnepropetrovsk", "Dnipropetrovsk"), "Dnipro"),
    (("Odessa", "Odesa"), "Odesa"),
    (("Zaporozhye", "Zaporizhzhia", "Zaporizhia", "Zaporizhzhya"), "Zaporizhzhia"),
    (("Nikolaev", "Mykolaiv"), "Mykolaiv"),
    (("Krivoy Rog", "Kryvyi Rih", "Kryvyy Rih", "Kryvyi Rig"), "Kryvyi Rih"),
    (("Artemovsk", "Bakhmut"), "Bakhmut"),
    (("Krasnoarmeysk", "Pokrovsk"), "Pokrovsk"),
    (("Konstantinovka", "Kostyantynivka", "Kostiantynivka"), "Kostiantynivka"),
    (("Druzhkovka", "Druzhkivka"), "Druzhkivka"),
    (("Kupyansk", "Kupiansk"), "Kupiansk"),
    (("Chuguev", "Chuhuiv"), "Chuhuiv"),
    (("Volchansk", "Vovchansk"), "Vovchansk"),
    (("Akhtyrka", "Okhtyrka"), "Okhtyrka"),
    (("Belopolye", "Bilopillia"), "Bilopillia"),
    (("Novgorod-Seversky", "Novhorod-Siverskyi"), "Novhorod-Siverskyi"),
    (("Aleshki", "Oleshky"), "Oleshky"),
    (("Berislav", "Beryslav"), "Beryslav"),
    (("Energodar", "Enerhodar"), "Enerhodar"),
    (("Marganets", "Marhanets"), "Marhanets"),
    (("Pavlograd", "Pavlohrad"), "Pavlohrad"),
    (("Orekhov", "Orikhiv"), "Orikhiv"),
    (("Dzhankoy", "Dzhankoi"), "Dzhankoi"),
    (("Evpatoria", "Yevpatoria"), "Yevpatoria"),
    (("Lugansk", "Luhansk"), "Luhansk"),
    (("Rostov", "Rostov-on-Don", "Rostov on Don"), "Rostov-on-Don"),
    (("St. Petersburg", "St Petersburg", "Saint Petersburg"), "Saint Petersburg"),
])
def test_transliteration_variants_resolve_to_one_city(spellings, canonical):
    for spelling in spellings:
        place = lookup(spelling)
        assert place is not None, spelling
        assert (place.name, place.kind) == (canonical, "city"), spelling


@pytest.mark.parametrize("phrase, region", [
    ("Kharkiv region", "Kharkiv Oblast"), ("Kharkiv oblast", "Kharkiv Oblast"),
    ("the Kharkiv Oblast", "Kharkiv Oblast"), ("Kharkiv province", "Kharkiv Oblast"),
    ("Kharkov region", "Kharkiv Oblast"), ("Kharkivska", "Kharkiv Oblast"),
    ("Kherson province", "Kherson Oblast"), ("Dnipro region", "Dnipropetrovsk Oblast"),
    ("Kiev region", "Kyiv Oblast"), ("Zaporozhye region", "Zaporizhzhia Oblast"),
    ("Kursk border region", "Kursk Oblast"), ("Krasnodar territory", "Krasnodar Krai"),
    ("Krasnodar Krai", "Krasnodar Krai"), ("Moscow region", "Moscow Oblast"),
    ("Tatarstan", "Republic of Tatarstan"), ("Chechnya", "Chechen Republic"),
    ("Transcarpathia", "Zakarpattia Oblast"), ("Volyn", "Volyn Oblast"),
    ("Donetsk People's Republic", "Donetsk Oblast"), ("Gomel region", "Gomel Region"),
])
def test_region_phrase_maps_to_first_level_region(phrase, region):
    place = lookup(phrase)
    assert place is not None and place.kind == "region" and place.name == region
    assert place.region == region


def test_region_phrases_in_text_are_region_mentions():
    assert names("in the Kharkiv region and Kherson province, and in Sumy Oblast") == [
        ("Kharkiv region", "Kharkiv Oblast", "region"),
        ("Kherson province", "Kherson Oblast", "region"),
        ("Sumy Oblast", "Sumy Oblast", "region"),
    ]


def test_bare_city_name_is_the_city_not_the_region():
    for name in ("Kharkiv", "Kherson", "Sumy", "Kursk", "Belgorod", "Donetsk", "Zaporizhzhia"):
        place = lookup(name)
        assert place.kind == "city", name
        assert place.region == f"{place.name} Oblast", name
    assert names("Russian missiles struck Kharkiv and the Kharkiv region") == [
        ("Kharkiv", "Kharkiv", "city"), ("Kharkiv region", "Kharkiv Oblast", "region")]


def test_kyiv_city_is_its_own_region_and_kyiv_region_is_the_oblast():
    assert lookup("Kiev") == lookup("Kyiv")
    assert lookup("Kyiv").region == "Kyiv"
    for phrase in ("Kyiv region", "Kyiv Oblast", "Kyiv regional", "Kiev oblast"):
        assert lookup(phrase).name == "Kyiv Oblast", phrase
    assert [m.place.name for m in find_places("Kiev, Kyiv region, Kyiv Oblast")] == [
        "Kyiv", "Kyiv Oblast", "Kyiv Oblast"]


def test_adjectival_regional_names_the_region():
    assert names("Kharkiv regional governor Oleh Syniehubov said") == [
        ("Kharkiv regional", "Kharkiv Oblast", "region")]
    assert names("the Kherson Regional Military Administration") == [
        ("Kherson Regional", "Kherson Oblast", "region")]


def test_shared_regions_word_covers_both_names():
    assert names("drones hit the Belgorod and Kursk regions") == [
        ("Belgorod", "Belgorod Oblast", "region"), ("Kursk regions", "Kursk Oblast", "region")]
    assert [m.place.name for m in find_places("Kharkiv, Sumy, and Chernihiv oblasts")] == [
        "Kharkiv Oblast", "Sumy Oblast", "Chernihiv Oblast"]


def test_shared_regions_word_does_not_reach_past_other_words():
    assert names("strikes on Odesa and the Mykolaiv and Kherson regions") == [
        ("Odesa", "Odesa", "city"), ("Mykolaiv", "Mykolaiv Oblast", "region"),
        ("Kherson regions", "Kherson Oblast", "region")]


def test_occupied_crimea_is_ukraine():
    for name in ("Crimea", "Sevastopol", "Simferopol", "Dzhankoi", "Yevpatoria", "Kerch",
                 "Feodosia", "Saky", "Belbek", "Hvardiiske"):
        assert lookup(name).country == "Ukraine", name
    assert names("shot down over occupied Crimea") == [("Crimea", "Crimea", "region")]
    for name in ("Mariupol", "Melitopol", "Berdiansk", "Enerhodar", "Oleshky", "Luhansk",
                 "Donetsk", "Nova Kakhovka", "Henichesk"):
        assert lookup(name).country == "Ukraine", name


def test_possessive_country_is_a_country_mention():
    assert names("Russia’s Kursk region borders Ukraine's Sumy region") == [
        ("Russia", "Russia", "country"), ("Kursk region", "Kursk Oblast", "region"),
        ("Ukraine", "Ukraine", "country"), ("Sumy region", "Sumy Oblast", "region")]
    assert lookup("Ukraine’s").kind == "country"
    assert lookup("Russia").region is None


def test_region_key_ignores_oblast_and_transliteration():
    assert region_key("Kharkiv Oblast") == region_key("kharkov region") == "kharkiv"
    assert region_key("Kiev") == region_key("Kyiv") == "kyiv"
    assert region_key("Kyiv Oblast") == region_key("Kiev province") == "kyiv"
    assert region_key("Dnipro region") == region_key("Dnipropetrovsk Oblast")
    assert region_key("Zaporozhye region") == region_key("Zaporizhzhia Oblast")
    assert region_key("Odessa Oblast") == region_key("Odesa region")
    assert region_key("Republic of Tatarstan") == region_key("Tatarstan") == "tatarstan"
    assert region_key("St. Petersburg") == region_key("Saint Petersburg")
    assert region_key("Krasnodar Krai") == region_key("Krasnodar territory") == "krasnodar"
    assert region_key("Kherson Oblast") != region_key("Kharkiv Oblast")
    assert region_key(None) == region_key("") == ""


@pytest.mark.parametrize("city, region", sorted(DEV_CITIES.items()))
def test_cities_of_the_dev_articles_sit_in_their_regions(city, region):
    place = lookup(city)
    assert place is not None and place.kind == "city"
    assert place.region == region
    assert lookup(region) is not None or region in {"Kyiv", "Sevastopol"}
    assert place.country == ("Russia" if region in RUSSIAN_REGIONS else "Ukraine")


def test_find_places_offsets_point_at_the_surface_text():
    mentions = find_places(ARTICLE)
    assert mentions, "the article names places"
    for mention in mentions:
        assert isinstance(mention, PlaceMention)
        assert ARTICLE[mention.start:mention.end] == mention.surface
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    assert [(m.surface, m.place.name) for m in mentions] == [
        ("Russia", "Russia"), ("Kursk region", "Kursk Oblast"), ("Kharkiv", "Kharkiv"),
        ("Ukraine", "Ukraine"), ("Kherson province", "Kherson Oblast"),
        ("Dnipropetrovsk region", "Dnipropetrovsk Oblast"), ("Russia", "Russia"),
        ("Crimea", "Crimea"), ("Kursk border region", "Kursk Oblast")]


def test_longest_spelling_wins():
    assert names("Nizhny Novgorod region, Novgorod region, Nova Kakhovka, Rostov-on-Don") == [
        ("Nizhny Novgorod region", "Nizhny Novgorod Oblast", "region"),
        ("Novgorod region", "Novgorod Oblast", "region"),
        ("Nova Kakhovka", "Nova Kakhovka", "city"),
        ("Rostov-on-Don", "Rostov-on-Don", "city")]


def test_whole_capitalised_words_only():
    assert names("Kyivstar, Sumyna and a perm; the lyman; KYIV") == [("KYIV", "Kyiv", "city")]
    assert names("pro-Kyiv forces near Kupiansk-Vuzlovyi") == [
        ("Kyiv", "Kyiv", "city"), ("Kupiansk", "Kupiansk", "city")]


def test_rivers_and_reservoirs_are_not_towns():
    assert names("the left bank of the Dnipro River and the Kakhovka Reservoir") == []
    assert names("the Kakhovka dam near Kherson") == [
        ("Kakhovka dam", "Nova Kakhovka", "city"), ("Kherson", "Kherson", "city")]


def test_nuclear_plant_names_resolve_to_its_town():
    assert lookup("Zaporizhzhia nuclear power plant").name == "Enerhodar"
    assert lookup("Kursk NPP").name == "Kurchatov"


def test_curly_apostrophe_in_a_name_matches():
    assert names("the so-called Donetsk People’s Republic") == [
        ("Donetsk People’s Republic", "Donetsk Oblast", "region")]


def test_unknown_name_is_none():
    assert lookup("Atlantis") is None
    assert lookup("") is None


def test_gazetteer_covers_every_oblast_and_the_russian_regions_in_the_news():
    regions = {p.name: p for p in places_table() if p.kind == "region"}
    for name in UKRAINIAN_OBLASTS + ["Kyiv", "Crimea", "Sevastopol"]:
        assert regions[name].country == "Ukraine", name
    for name in RUSSIAN_REGIONS:
        assert regions[name].country == "Russia", name
    for name in ("Brest Region", "Gomel Region"):
        assert regions[name].country == "Belarus", name
    countries = {p.name for p in places_table() if p.kind == "country"}
    assert countries == {"Ukraine", "Russia", "Belarus"}
    cities = [p for p in places_table() if p.kind == "city"]
    assert sum(p.country == "Ukraine" for p in cities) >= 150
    assert sum(p.country == "Russia" for p in cities) >= 80


def test_every_oblast_capital_is_in_its_oblast():
    capitals = {
        "Cherkasy": "Cherkasy", "Chernihiv": "Chernihiv", "Chernivtsi": "Chernivtsi",
        "Dnipro": "Dnipropetrovsk", "Donetsk": "Donetsk", "Ivano-Frankivsk": "Ivano-Frankivsk",
        "Kharkiv": "Kharkiv", "Kherson": "Kherson", "Khmelnytskyi": "Khmelnytskyi",
        "Kropyvnytskyi": "Kirovohrad", "Luhansk": "Luhansk", "Lviv": "Lviv",
        "Mykolaiv": "Mykolaiv", "Odesa": "Odesa", "Poltava": "Poltava", "Rivne": "Rivne",
        "Sumy": "Sumy", "Ternopil": "Ternopil", "Vinnytsia": "Vinnytsia", "Lutsk": "Volyn",
        "Uzhhorod": "Zakarpattia", "Zaporizhzhia": "Zaporizhzhia", "Zhytomyr": "Zhytomyr",
        "Bila Tserkva": "Kyiv",
    }
    for city, stem in capitals.items():
        assert lookup(city).region == f"{stem} Oblast", city


def test_csv_rows_are_consistent_and_sorted():
    rows = csv_rows()
    assert list(rows[0]) == ["name", "kind", "country", "region", "lat", "lon", "variants"]
    keys = [(r["country"], r["region"], r["kind"], r["name"]) for r in rows]
    assert keys == sorted(keys)
    regions = {(r["name"], r["country"]) for r in rows if r["kind"] == "region"}
    for r in rows:
        assert r["kind"] in {"region", "city", "country"}
        assert r["country"] in {"Ukraine", "Russia", "Belarus"}
        assert 40 <= float(r["lat"]) <= 70 and 20 <= float(r["lon"]) <= 110, r["name"]
        if r["kind"] == "region":
            assert r["region"] == r["name"]
        elif r["kind"] == "city":
            assert (r["region"], r["country"]) in regions, r["name"]
        else:
            assert r["region"] == "" and r["country"] == r["name"]
        assert r["name"] not in r["variants"].split(";")


def test_every_spelling_names_one_place():
    """Only a city and its own city-region (Kyiv, Sevastopol, Moscow, ...) share a spelling."""
    owners: dict[str, set[tuple[str, str]]] = {}
    for r in csv_rows():
        for spelling in [r["name"], *filter(None, r["variants"].split(";"))]:
            owners.setdefault(spelling.lower(), set()).add((r["name"], r["kind"]))
    shared = {s: o for s, o in owners.items() if len(o) > 1}
    for spelling, owner in shared.items():
        assert {kind for _, kind in owner} == {"city", "region"}, spelling
        assert len({name for name, _ in owner}) == 1, spelling
    gaz = _gazetteer()
    for row, place in zip(csv_rows(), gaz.places):
        for stem in _region_stems(row):
            for suffix in REGION_SUFFIXES:
                assert gaz.surfaces[f"{stem} {suffix}".lower().replace("-", " ")] == place


def test_places_table_lists_every_row_as_place():
    table = places_table()
    assert len(table) == len(csv_rows()) + len(vocab.load(()).rows("settlements"))  # hand-made, then GeoNames
    assert all(isinstance(p, Place) for p in table)
    assert all(p.region is None for p in table if p.kind == "country")
    assert all(p.lat is not None and p.lon is not None for p in table)


def test_find_places_is_fast_enough_for_200_articles_per_second():
    text = (ARTICLE + " ") * 5  # about 3 kB
    find_places(text)
    runs = 200
    began = time.perf_counter()
    for _ in range(runs):
        find_places(text)
    assert (time.perf_counter() - began) / runs < 0.002


def test_import_does_not_load_pandas():
    code = "import sys, analysis.language.places; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
