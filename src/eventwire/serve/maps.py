"""GET /map: the located events of a selection as GeoJSON points, and events per country.

INTERFACE:

    event_map(db, filters) -> EventMap    # filters: those of Store.events (either, event_type, ...)

The store selects and counts; this module shapes the answer: GeoJSON features (at most
``MAP_MAX_POINTS``, newest first) and per-country counts with the ISO 3166 numeric code
and common name the dashboard's world-atlas TopoJSON is keyed by.
"""

from __future__ import annotations

import pycountry

from ..store import Store
from .models import (
    MAP_MAX_POINTS,
    CountryCount,
    EventMap,
    MapFeature,
    MapProperties,
    PointGeometry,
)


def event_map(db: Store, filters: dict) -> EventMap:
    "Located events as GeoJSON points and event counts per country."
    points = db.map_points(limit=MAP_MAX_POINTS + 1, **filters)
    features = [MapFeature(id=p["event_id"], geometry=PointGeometry(coordinates=[p["lon"], p["lat"]]),
                           properties=MapProperties(**{k: v for k, v in p.items() if k not in ("lat", "lon")}))
                for p in points[:MAP_MAX_POINTS]]
    countries = [CountryCount(**row, **dict(zip(("numeric", "name"), _country_numeric(row["country"]))))
                 for row in db.country_counts(**filters)]
    return EventMap(features=features, countries=countries, truncated=len(points) > MAP_MAX_POINTS)


def _country_numeric(alpha3: str) -> tuple[str | None, str | None]:
    "The ISO 3166 numeric code and common name of an alpha-3 code (None, None for IGO and the like)."
    country = pycountry.countries.get(alpha_3=alpha3) if len(alpha3) == 3 else None
    if country is None:
        return None, None
    return country.numeric, getattr(country, "common_name", None) or country.name


__all__ = ["event_map"]
