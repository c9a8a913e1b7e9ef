"""store/clustering.py: when two mentions report one real-world event (the merge rules, case by case)."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.store.clustering import compatible

DAY = dt.date(2024, 3, 24)


def mention(*, actor=("SOM", "REB", "al-Shabaab"), recipient=("SOM", "MIL", "army"), event_type="ASSAULT",
            date=DAY, precision="day", place=("Beledweyne", "SOM", 4.74, 45.2), mention_id="m"):
    "A mentions row with just the fields merging reads."
    (a_code, a_sector, a_name), (r_code, r_sector, r_name) = actor, recipient
    name, country, lat, lon = place
    return {"mention_id": mention_id, "event_type": event_type, "date": date, "date_precision": precision,
            "actor_code": a_code, "actor_sector": a_sector, "actor_name": a_name,
            "recipient_code": r_code, "recipient_sector": r_sector, "recipient_name": r_name,
            "location_name": name, "location_country": country, "location_lat": lat, "location_lon": lon,
            "negated": False, "hypothetical": False, "confidence": 0.8}


NOWHERE = (None, None, None, None)
NOBODY = (None, None, None)


@pytest.mark.parametrize("other, same", [
    (mention(), True),
    (mention(event_type="COERCE"), False),                                       # another type
    (mention(date=DAY + dt.timedelta(days=1)), True),                            # within a day
    (mention(date=DAY + dt.timedelta(days=3)), False),
    (mention(date=dt.date(2024, 3, 1), precision="month"), True),                # the month holds the day
    (mention(date=dt.date(2024, 1, 1), precision="year"), True),
    (mention(date=dt.date(2023, 1, 1), precision="year"), False),
    (mention(date=None), False),                                                 # undated joins undated only
    (mention(actor=("SOM", None, "Somalia")), True),                             # SOM is the parent of SOM+REB
    (mention(actor=("SOM", "UAF", "gunmen")), True),                             # unidentified armed group of SOM
    (mention(actor=("SOM", "MIL", "Somali army")), False),                       # the state is not its rebels
    (mention(actor=("KEN", "REB", "rebels")), False),
    (mention(recipient=NOBODY), True),                                           # one side missing
    (mention(actor=(None, None, "the attackers")), True),                        # no code: missing against a code
    (mention(place=("Mogadishu", "SOM", 2.04, 45.34)), False),                   # 330 km away
    (mention(place=NOWHERE), True),                                              # a missing place agrees
    (mention(place=("Nairobi", "KEN", None, None)), False),                      # another country
])
def test_clustering_compatible(other, same):
    assert compatible(other, mention(), days=1, km=50.0) is same
    assert compatible(mention(), other, days=1, km=50.0) is same  # symmetric


def test_clustering_needs_one_side_present_in_both():
    "Two mentions that agree only because each lacks what the other has are not merged."
    only_actor = mention(recipient=NOBODY)
    only_recipient = mention(actor=NOBODY)
    assert not compatible(only_actor, only_recipient, days=1, km=50.0)


def test_clustering_parties_without_codes_compare_by_name():
    treasury = mention(actor=(None, None, "The Treasury Department"), recipient=("VEN", "GOV", "Venezuela"))
    state = mention(actor=(None, None, "The State Department"), recipient=("VEN", "GOV", "Venezuela"))
    usa = mention(actor=("USA", "GOV", "United States"), recipient=("VEN", "GOV", "Venezuela"))
    assert compatible(treasury, usa, days=1, km=50.0)       # no code against a code: a missing side
    assert not compatible(treasury, state, days=1, km=50.0)  # two named parties without codes differ
    assert compatible(treasury, dict(treasury, mention_id="m2"), days=1, km=50.0)


def test_clustering_candidate_dates_in_sql_are_dates_match():
    "The SQL look-up keeps exactly the stored roots whose dates _dates_match the new mention's (random dates)."
    import random

    import duckdb
    import pyarrow as pa

    from eventwire.store.clustering import _DATES_FIT, _dates_match

    rng = random.Random(7)
    precisions = ["day", "week", "month", "year", None]

    def date():
        return None if rng.random() < 0.1 else dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 500))

    roots = [{"i": i, "date": date(), "date_precision": rng.choice(precisions)} for i in range(300)]
    news = [{"j": j, "date": date(), "precision": rng.choice(precisions)} for j in range(60)]
    con = duckdb.connect()
    con.register("m", pa.Table.from_pylist(roots, schema=pa.schema(
        [("i", pa.int64()), ("date", pa.date32()), ("date_precision", pa.string())])))
    con.register("k", pa.Table.from_pylist(news, schema=pa.schema(
        [("j", pa.int64()), ("date", pa.date32()), ("precision", pa.string())])))
    for days in (0, 2):
        got = set(con.execute(f"SELECT k.j, m.i FROM m, k WHERE {_DATES_FIT}", [days]).fetchall())
        want = {(n["j"], r["i"]) for n in news for r in roots
                if _dates_match({"date": n["date"], "date_precision": n["precision"]}, r, days)}
        assert got == want and len(want) > 100
