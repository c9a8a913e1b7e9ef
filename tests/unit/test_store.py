"""The DuckDB store on hand-made records: round trip, idempotence, deduplication, queries."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from eventwire.errors import InputError
from eventwire.records import Actor, Article, Event, Place, Rejected
from eventwire.store import Store, StoredInput, content_hash, encode_cursor

VERSION = "eventwire test+0"
ISR = Actor("Israel", "Israel", "ISR", "GOV")
HAMAS = Actor("Hamas", "Hamas", "PSE", "REB")
USA = Actor("Washington", "United States", "USA", "GOV")
CHN = Actor("Beijing", "China", "CHN", "GOV")
GAZA = Place("Gaza", "Gaza", "PSE", lat=31.50, lon=34.47)
KHAN_YUNIS = Place("Khan Yunis", "Khan Yunis", "PSE", lat=31.34, lon=34.30)  # ~24 km from Gaza
TEHRAN = Place("Tehran", "Tehran", "IRN", lat=35.69, lon=51.42)


def make_article(doc_id: str, text: str, *, published=dt.date(2024, 8, 1), source="wire") -> Article:
    return Article(id=doc_id, text=text, title=f"Title of {doc_id}", published=published,
                   url=f"/{doc_id}", source=source)


def make_event(doc_id: str, text: str, *, actor=ISR, recipient=HAMAS, event_type="ASSAULT",
               date=dt.date(2024, 8, 1), location=GAZA, quad_class=4, score=-9.0, confidence=0.8,
               negated=False, hypothetical=False, start=0, end=None) -> Event:
    end = len(text) if end is None else end
    sentence = text[start:end]
    key = f"{doc_id}|{start}|{end}|{event_type}|{actor.name}|{recipient.name if recipient else ''}"
    return Event(
        event_id=hashlib.sha1(key.encode()).hexdigest()[:16], doc_id=doc_id, event_type=event_type,
        mode=None, contexts=("military",), actor=actor, recipient=recipient, date=date,
        date_precision="day", location=location, sentence=sentence, sentence_start=start,
        sentence_end=end, section="text", trigger="struck", negated=negated,
        hypothetical=hypothetical, confidence=confidence, quad_class=quad_class, cameo="18",
        score=score, coder_version=VERSION)


@pytest.fixture()
def store():
    with Store.open(":memory:") as s:
        yield s


def write_docs(store, specs):
    "specs: (doc_id, text, kwargs for make_event or None, article kwargs)."
    articles, events = [], []
    for doc_id, text, ev, art in specs:
        articles.append(make_article(doc_id, text, **art))
        if ev is not None:
            events.append(make_event(doc_id, text, **ev))
    store.write_batch(articles, [], events, coder_version=VERSION)
    return articles, events


def _rows(store, sql):
    "Dict rows of a raw query, through the store's public query runner."
    return store.query_arrow(sql).read_all().to_pylist()


def counts(store):
    s = store.summary()
    return s["documents"], s["rejected"], s["mentions"], s["events"]


def test_store_round_trip(store):
    text = "Israel struck a Hamas commander in Gaza on Thursday."
    _, (event,) = write_docs(store, [("d1", text, {}, {})])
    (row,) = store.events()
    assert row["event_id"] == event.event_id
    assert (row["actor_code"], row["recipient_code"], row["event_type"]) == ("ISR", "PSE", "ASSAULT")
    assert row["date"] == dt.date(2024, 8, 1)
    assert row["country"] == "PSE" and row["lat"] == pytest.approx(31.5)
    assert row["num_mentions"] == row["num_documents"] == row["num_sources"] == 1
    assert row["contexts"] == ["military"]
    (mention,) = store.mentions_of(event.event_id)
    assert mention["sentence"] == text and mention["doc_title"] == "Title of d1"
    assert mention["contexts"] == ["military"] and mention["location_geonameid"] is None
    doc = store.document("d1")
    assert doc["text"] == text and doc["published"] == dt.date(2024, 8, 1)
    assert store.document("nope") is None and store.event("nope") is None
    assert store.event(event.event_id)["root_mention_id"] == event.event_id


def test_store_write_is_idempotent(store):
    specs = [("d1", "Israel struck Hamas.", {}, {}), ("d2", "China met the US.",
             {"actor": CHN, "recipient": USA, "event_type": "CONSULT", "location": None, "quad_class": 1}, {})]
    write_docs(store, specs)
    before = counts(store), store.events()
    write_docs(store, specs)
    assert (counts(store), store.events()) == before
    store.write_batch([], [Rejected("bad", "empty")], [], coder_version=VERSION)
    store.write_batch([], [Rejected("bad", "empty")], [], coder_version=VERSION)
    assert counts(store) == (2, 1, 2, 2)


def test_store_rewrite_replaces_mentions(store):
    write_docs(store, [("d1", "Israel struck Hamas.", {}, {})])
    write_docs(store, [("d1", "China met the US.", {"actor": CHN, "recipient": USA, "event_type": "CONSULT"}, {})])
    (row,) = store.events()
    assert row["event_type"] == "CONSULT" and counts(store) == (1, 0, 1, 1)


def test_store_dedup_across_documents(store):
    _, events = write_docs(store, [
        ("d1", "Israel struck Hamas in Gaza.", {}, {"source": "a"}),
        ("d2", "Israeli jets hit Hamas near Khan Yunis.", {"date": dt.date(2024, 8, 2), "location": KHAN_YUNIS,
                                                         "confidence": 0.9}, {"source": "b"}),
    ])
    (row,) = store.events()
    assert row["num_documents"] == 2 and row["num_mentions"] == 2 and row["num_sources"] == 2
    assert row["confidence"] == pytest.approx(0.9) and row["date"] == dt.date(2024, 8, 1)
    mentions = store.mentions_of(row["event_id"])
    assert row["event_id"] == events[0].event_id  # named after the mention that opened it (d1's)
    assert {m["event_id"] for m in mentions} == {row["event_id"]}


def test_store_dedup_is_order_independent():
    specs = [("d1", "Israel struck Hamas.", {}, {}), ("d2", "Israel hit Hamas.", {}, {}),
             ("d3", "Israel bombed Hamas.", {"date": dt.date(2024, 8, 9)}, {})]
    results = []
    for order in (specs, specs[::-1]):
        with Store.open(":memory:") as s:
            for spec in order:
                write_docs(s, [spec])
            results.append(_without_event_ids(s.events()))
    assert results[0] == results[1] and len(results[0]) == 2


def _without_event_ids(rows):
    "Events compared by content: which id an event keeps depends on the order it was seen in."
    return sorted(({k: v for k, v in r.items() if k != "event_id"} for r in rows), key=repr)


def test_store_event_id_is_kept_when_a_new_mention_joins():
    with Store.open(":memory:") as s:
        write_docs(s, [("d5", "Israel struck Hamas.", {}, {})])
        (first,) = s.events()
        write_docs(s, [("d1", "Israel hit Hamas.", {}, {})])  # a mention with a smaller id joins
        (joined,) = s.events()
        assert joined["event_id"] == first["event_id"] and joined["num_mentions"] == 2


@pytest.mark.parametrize("second, expected", [
    ({"date": dt.date(2024, 8, 4)}, 2),            # three days apart
    ({"location": TEHRAN}, 2),                      # far apart
    ({"recipient": USA}, 2),                        # another dyad
    ({"event_type": "COERCE"}, 2),                  # another type
    ({"location": None}, 1),                        # no place: contradicts nothing
    ({"location": Place("Gaza Strip", "Gaza Strip", "PSE")}, 1),  # same country, no coordinates
])
def test_store_dedup_rules(store, second, expected):
    write_docs(store, [("d1", "Israel struck Hamas.", {}, {}), ("d2", "Israel struck again.", second, {})])
    assert len(store.events()) == expected


def test_store_dedup_complete_linkage_does_not_chain(store):
    "Daily reports of one dyad do not collapse into a single long event."
    specs = [(f"d{i}", f"Israel struck Hamas, day {i}.", {"date": dt.date(2024, 8, 1) + dt.timedelta(days=i)}, {})
             for i in range(6)]
    write_docs(store, specs)
    assert len(store.events()) == 3


@pytest.mark.parametrize("kwargs, expected", [
    ({"actor": "ISR"}, {"ASSAULT", "PROTEST"}),
    ({"actor": "china"}, {"CONSULT"}),
    ({"recipient": "PSE"}, {"ASSAULT"}),
    ({"recipient": "PSEREB"}, {"ASSAULT"}),  # the listing label of Hamas (PSE, REB)
    ({"recipient": "PSEMIL"}, set()),
    ({"either": "USA"}, {"CONSULT", "PROTEST"}),
    ({"event_type": "assault"}, {"ASSAULT"}),
    ({"quad_class": 1}, {"CONSULT"}),
    ({"country": "PSE"}, {"ASSAULT"}),
    ({"since": dt.date(2024, 8, 5)}, {"CONSULT"}),
    ({"until": dt.date(2024, 8, 3)}, {"ASSAULT", "PROTEST"}),
    ({"text": "BEIJING"}, {"CONSULT"}),
    ({"include_hypothetical": True}, {"ASSAULT", "CONSULT", "PROTEST", "THREATEN"}),
    ({}, {"ASSAULT", "CONSULT", "PROTEST"}),
])
def test_store_event_filters(store, kwargs, expected):
    write_docs(store, [
        ("d1", "Israel struck Hamas.", {}, {}),
        ("d2", "China met the US in Beijing.", {"actor": CHN, "recipient": USA, "event_type": "CONSULT",
                                                 "date": dt.date(2024, 8, 6), "location": None, "quad_class": 1}, {}),
        ("d3", "Israel protested to the US.", {"recipient": USA, "event_type": "PROTEST", "location": None,
                                               "quad_class": 3, "date": dt.date(2024, 8, 2)}, {}),
        ("d4", "Israel may threaten Iran.", {"event_type": "THREATEN", "hypothetical": True}, {}),
    ])
    assert {row["event_type"] for row in store.events(**kwargs)} == expected


def test_store_cursor_pages(store):
    specs = [(f"d{i}", "Israel struck Hamas.", {"date": dt.date(2024, 8, 1) + dt.timedelta(days=3 * (i % 4)),
                                                "actor": Actor(f"A{i}", f"A{i}", None, "GOV")}, {})
             for i in range(10)]
    write_docs(store, specs)
    everything = store.events(limit=None)
    pages, cursor = [], None
    while True:
        page = store.events(limit=3, cursor=cursor)
        pages += page
        if len(page) < 3:
            break
        cursor = encode_cursor(page[-1])
    assert pages == everything and len(everything) == 10
    with pytest.raises(InputError):
        store.events(cursor="not a cursor!")


def test_store_summary_series_and_lookups(store):
    articles, _ = write_docs(store, [
        ("d1", "Israel struck Hamas.", {}, {}),
        ("d2", "Israel struck Hamas again.", {"date": dt.date(2024, 8, 20), "score": -7.0}, {}),
        ("d3", "China met the US.", {"actor": CHN, "recipient": USA, "event_type": "CONSULT", "quad_class": 1}, {}),
    ])
    store.write_batch([], [Rejected("x", "not English")], [], coder_version=VERSION)
    s = store.summary()
    assert (s["documents"], s["rejected"], s["mentions"], s["events"]) == (3, 1, 3, 3)
    assert s["by_type"] == {"ASSAULT": 2, "CONSULT": 1}
    assert s["top_dyads"][0] == ("ISR", "PSEREB", 2)  # Hamas: a non-state armed group, listed with its sector
    series = store.dyad_series("ISR", "hamas", freq="week")
    assert [(p["events"], p["quad4"]) for p in series] == [(1, 1), (1, 1)]
    assert store.dyad_series("PSE", "ISR") == []
    assert len(store.dyad_series("PSE", "ISR", directed=False, freq="month")) == 1
    with pytest.raises(InputError):
        store.dyad_series("ISR", "PSE", freq="fortnight")
    assert store.known_doc_ids() == {"d1", "d2", "d3"}
    assert store.has_document("d1", content_hash(articles[0]))
    assert not store.has_document("d1", "0" * 32)
    assert not store.has_document("d1", content_hash(articles[0]), coder_version="other")
    assert store.actors("isr")[0]["as_actor"] == 2
    net = store.network()
    assert {(e["source"], e["target"], e["events"]) for e in net["edges"]} == {("ISR", "PSEREB", 2), ("CHN", "USA", 1)}
    stats = store.stats()
    assert stats["tables"]["events"] == 3 and stats["coder_versions"] == [VERSION]
    assert stats["runs"][0]["documents"] == 3


def test_store_persists_and_session(tmp_path):
    path = tmp_path / "ew.duckdb"
    with Store.open(str(path)) as s:
        write_docs(s, [("d1", "Israel struck Hamas.", {}, {})])
    with Store.open(str(path), read_only=True) as s:
        session = s.session()
        assert len(session.events()) == 1
        session.close()
        assert s.stats()["runs"][0]["finished_at"] is not None


def test_store_rejected_then_coded(store):
    store.write_batch([], [Rejected("d1", "empty")], [], coder_version=VERSION)
    write_docs(store, [("d1", "Israel struck Hamas.", {}, {})])
    assert counts(store) == (1, 0, 1, 1)


@pytest.mark.parametrize("seed", range(3))
def test_store_events_do_not_depend_on_batch_boundaries(seed):
    "One stream of documents, rewrites included, cut into batches anyhow, ends in the same events, ids too."
    import random

    rng = random.Random(seed)
    places = [GAZA, KHAN_YUNIS, TEHRAN, None]

    def spec(i, version):
        date = dt.date(2024, 8, 1) + dt.timedelta(days=rng.randrange(12))
        return (f"d{i}", f"Israel struck Hamas ({i}, {version}).", {"date": date, "location": rng.choice(places)}, {})

    stream = [spec(i, 0) for i in range(20)] + [spec(rng.randrange(20), 1) for _ in range(8)]  # then rewrites
    with Store.open(":memory:") as whole:
        for doc in stream:  # a rewrite must come after the write it replaces: one document a batch here
            write_docs(whole, [doc])
        want = whole.events(limit=None, include_hypothetical=True)
    with Store.open(":memory:") as cut:
        start = 0
        while start < len(stream):
            size = rng.randint(1, 7)
            batch = stream[start:start + size]
            ids = [d[0] for d in batch]
            if len(set(ids)) < len(ids):  # a batch holds one version of a document: cut before the repeat
                size = next(k for k in range(1, len(ids) + 1) if len(set(ids[:k])) < k) - 1
                batch = stream[start:start + size]
            write_docs(cut, batch)
            start += size
        got = cut.events(limit=None, include_hypothetical=True)
    assert got == want and len(want) >= 3


def test_store_actors_table_follows_rewrites(store):
    write_docs(store, [
        ("d1", "Israel struck Hamas.", {}, {}),
        ("d2", "China met the US.", {"actor": CHN, "recipient": USA, "event_type": "CONSULT"}, {}),
        ("d3", "Israel struck Hamas again.", {}, {}),
    ])
    write_docs(store, [("d3", "The US struck Hamas.", {"actor": USA}, {})])  # d3 rewritten: ISR -> USA
    rows = {r["code"]: r for r in _rows(store, "SELECT * FROM actors")}
    assert (rows["ISR"]["mentions"], rows["ISR"]["as_actor"]) == (1, 1)
    assert (rows["USA"]["mentions"], rows["USA"]["as_actor"], rows["USA"]["as_recipient"]) == (2, 1, 1)
    assert rows["PSE"]["sector"] == "REB" and rows["PSE"]["as_recipient"] == 2
    before = _rows(store, "SELECT * FROM actors ORDER BY actor_key")
    store.rebuild_actors()
    assert _rows(store, "SELECT * FROM actors ORDER BY actor_key") == before


def test_store_runs_and_inputs(store):
    run = store.start_run(kind="ingest", coder_version="eventwire 0.1.0+abc123")
    a = make_article("page", "Israel struck Hamas.")
    b = make_article("page#caption", "Israel struck Hamas at night.")
    events = [make_event("page", a.text), make_event("page#caption", b.text, start=0, end=5)]
    store.write_batch([a, b], [], events, coder_version="eventwire 0.1.0+abc123",
                      inputs=[StoredInput("page", "h1", ("page", "page#caption"))])
    assert store.unchanged_inputs("eventwire 0.1.0+abc123") == {"page": "h1"}
    assert store.unchanged_inputs("other") == {}
    # the page changed and no longer gives a caption: the caption and its mentions go
    store.write_batch([a], [], events[:1], coder_version="eventwire 0.1.0+abc123",
                      inputs=[StoredInput("page", "h2", ("page",))])
    assert store.known_doc_ids() == {"page"}
    assert counts(store)[2] == 1
    (row,) = _rows(store, "SELECT * FROM runs")
    assert (row["run_id"], row["kind"], row["dictionary_hash"], row["documents"], row["events"]) == \
        (run, "ingest", "abc123", 3, 3)
    assert store.events()[0]["coder_version"] == VERSION  # the version on the mention


def test_store_event_types_and_arrow(store):
    write_docs(store, [
        ("d1", "Israel struck Hamas.", {}, {}),
        ("d2", "China met the US.", {"actor": CHN, "recipient": USA, "event_type": "CONSULT",
                                     "date": dt.date(2024, 9, 2)}, {}),
    ])
    assert {r["event_type"] for r in store.events(types=["consult", "ASSAULT"])} == {"ASSAULT", "CONSULT"}
    assert [r["event_type"] for r in store.events(types=["CONSULT"], since="2024-09-01")] == ["CONSULT"]
    assert store.events(types=["CONSULT"], until="2024-08-31") == []
    table = store.events_arrow(actor="ISR")
    assert table.num_rows == 1 and table.to_pylist() == store.events(actor="ISR")
    with pytest.raises(InputError):
        store.events(since="last week")


def test_store_migrates_schema_1(tmp_path):
    import duckdb

    path = str(tmp_path / "old.duckdb")
    con = duckdb.connect(path)
    con.execute("CREATE TABLE runs (run_id INTEGER PRIMARY KEY, coder_version VARCHAR, started_at TIMESTAMP, "
                "finished_at TIMESTAMP, documents INTEGER, rejected INTEGER, events INTEGER)")
    con.execute("INSERT INTO runs VALUES (1, 'v0', NULL, NULL, 1, 0, 1)")
    con.close()
    with Store.open(path) as s:
        write_docs(s, [("d1", "Israel struck Hamas.", {}, {})])
        runs = _rows(s, "SELECT run_id, kind, events FROM runs ORDER BY run_id")
    assert runs == [{"run_id": 1, "kind": None, "events": 1}, {"run_id": 2, "kind": "write", "events": 1}]


def _tables(path) -> dict:
    "Rows of the compared tables of a store file (times left out)."
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * EXCLUDE ({skip}) FROM {t}" if skip else f"SELECT * FROM {t}")
                          .fetchall(), key=repr)
                for t, skip in (("documents", "ingested_at"), ("mentions", ""), ("events", ""), ("actors", ""))}
    finally:
        con.close()


def test_store_ingest_skips_unchanged_and_recode_keeps_event_ids(tmp_path, settings):
    from eventwire.config import coder_version
    from eventwire.run.ingest import ingest_items, recode_store

    db = str(tmp_path / "ew.duckdb")
    docs = [Article(id=f"d{i}", text=text, published=dt.date(2024, 8, i + 1), source="wire")
            for i, text in enumerate(["Israel struck Hamas in Gaza on Monday.",
                                      "China criticized the United States on Tuesday.\n\nTalks went on.",
                                      "Russian troops shelled Kharkiv on Monday."])]
    first = ingest_items(docs, db_path=db, settings=settings)
    assert first["documents"] == 3 and first["events"] >= 3
    again = ingest_items(docs, db_path=db, settings=settings)
    assert again["skipped"] == 3 and again["documents"] == 0
    before = _tables(db)
    assert recode_store(db, settings=settings)["documents"] == 0  # all coded by this version
    assert recode_store(db, settings=settings, everything=True)["documents"] == 3
    assert _tables(db) == before, "re-coding with an unchanged coder keeps every row and event id"
    # documents coded by an older version are re-coded, and say so
    import duckdb

    con = duckdb.connect(db)
    con.execute("UPDATE documents SET coder_version = 'eventwire 0.0.9+old' WHERE doc_id = 'd1'")
    con.execute("UPDATE mentions SET coder_version = 'eventwire 0.0.9+old' WHERE doc_id = 'd1'")
    con.execute("UPDATE inputs SET coder_version = 'eventwire 0.0.9+old' WHERE input_id = 'd1'")
    con.close()
    assert recode_store(db, settings=settings)["documents"] == 1
    current = coder_version(settings.data_path)
    with Store.open(db, read_only=True) as s:
        assert {r["coder_version"] for r in _rows(s, "SELECT coder_version FROM mentions")} == {current}
        assert s.unchanged_inputs(current).keys() == {"d0", "d1", "d2"}
        kinds = [r["kind"] for r in _rows(s, "SELECT kind FROM runs ORDER BY run_id")]
    assert kinds == ["ingest", "ingest", "recode", "recode", "recode"]
    assert _tables(db) == before


@pytest.mark.parametrize("sort", ["newest", "oldest", "most_reported", "most_negative"])
def test_store_sorted_pages_cover_everything_once(store, sort):
    specs = [(f"d{i}", f"Israel struck Hamas ({i}).",
              {"date": None if i % 5 == 0 else dt.date(2024, 8, 1) + dt.timedelta(days=3 * (i % 4)),
               "score": None if i % 3 == 0 else -float(i % 4), "actor": Actor(f"A{i}", f"A{i}", None, "GOV")}, {})
             for i in range(11)]
    write_docs(store, specs)
    everything = store.events(limit=None, sort=sort)
    pages, cursor = [], None
    while True:
        page = store.events(limit=4, cursor=cursor, sort=sort)
        pages += page
        if len(page) < 4:
            break
        cursor = encode_cursor(page[-1], sort=sort)
    assert pages == everything and len(everything) == 11
    if sort == "oldest":
        assert [r["date"] for r in everything][-2:] == [None, None]  # undated last, as in newest


def test_store_cursor_belongs_to_its_sort_and_sort_is_checked(store):
    write_docs(store, [("d1", "Israel struck Hamas.", {}, {}),
                       ("d2", "Israel hit Hamas.", {"date": dt.date(2024, 9, 1)}, {})])
    (first,) = store.events(limit=1)
    with pytest.raises(InputError, match="sort=oldest"):
        store.events(sort="oldest", cursor=encode_cursor(first))
    with pytest.raises(InputError, match="invalid cursor"):
        store.events(cursor=encode_cursor(first, sort="most_reported"))
    with pytest.raises(InputError, match="sort must be one of"):
        store.events(sort="random")


def test_store_map_points_country_counts_and_trend_counts(store):
    write_docs(store, [
        ("d1", "Israel struck Hamas in Gaza.", {}, {}),
        ("d2", "China met the US.", {"actor": CHN, "recipient": USA, "event_type": "CONSULT", "quad_class": 1,
                                     "location": Place("Beijing", "Beijing", "CHN"), "date": dt.date(2024, 8, 20)}, {}),
    ])
    (point,) = store.map_points()  # only located events are points
    assert (point["actor"], point["recipient"], point["lat"], point["lon"]) == ("ISR", "PSEREB", 31.5, 34.47)
    assert store.map_points(either="china") == []
    counts = {row["country"]: (row["events"], row["quad1"], row["quad4"]) for row in store.country_counts()}
    assert counts == {"PSE": (1, 0, 1), "CHN": (1, 1, 0)}
    assert [row["country"] for row in store.country_counts(event_type="consult")] == ["CHN"]
    trends = store.trend_counts(weeks=1, baseline_weeks=4)
    assert trends["as_of"] == dt.date(2024, 8, 20)  # the latest asserted event, of any quad class
    assert trends["countries"] == [{"unit": "PSE", "week": 2, "n": 1}]  # conflict events only
    assert trends["dyads"] == [{"unit": "ISR > PSEREB", "actor": "ISR", "recipient": "PSEREB", "week": 2, "n": 1}]
    with Store.open(":memory:") as empty:
        assert empty.trend_counts(weeks=4, baseline_weeks=12) == {"as_of": None, "countries": [], "dyads": []}


def test_store_open_says_why_and_what_to_do(tmp_path):
    import subprocess
    import sys

    from eventwire.errors import StoreError

    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("these are notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="not a DuckDB database"):
        Store.open(str(not_duckdb))
    with pytest.raises(StoreError, match="no store there.*eventwire ingest"):
        Store.open(str(tmp_path / "missing.duckdb"), read_only=True)
    held = tmp_path / "held.duckdb"
    Store.open(str(held)).close()
    script = f"import duckdb, sys; con = duckdb.connect({str(held)!r}); print('ready', flush=True); sys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match=rf"another process \(PID {holder.pid}\) holds it.*stop it"):
            Store.open(str(held))
        with pytest.raises(StoreError, match=rf"PID {holder.pid}\) is writing to it.*stop it"):
            Store.open(str(held), read_only=True)
    finally:
        holder.communicate("")
    with Store.open(str(held), read_only=True) as s:  # free again
        assert s.events() == []
        with pytest.raises(StoreError, match="cannot write to store"):
            write_docs(s, [("d1", "Israel struck Hamas.", {}, {})])


def test_store_reads_do_not_wait_for_a_write_in_progress(tmp_path, monkeypatch):
    """A reader's session sees the last committed state at once while a batch's transaction is open
    (the live service's watcher writes while the API reads: DuckDB's MVCC, no lock taken by reads)."""
    import threading
    import time

    from eventwire.store import polls

    with Store.open(str(tmp_path / "s.duckdb")) as store:
        write_docs(store, [("a", "Israel struck Hamas in Gaza.", {}, {})])
        inside, release = threading.Event(), threading.Event()
        real_write_seen = polls.write_seen

        def held_open(con, seen):  # called inside write_batch's transaction
            real_write_seen(con, seen)
            inside.set()
            release.wait(30)

        monkeypatch.setattr(polls, "write_seen", held_open)
        writer = store.session()
        thread = threading.Thread(target=write_docs, args=(writer, [
            ("b", "Washington urged Beijing to talks.", {"actor": USA, "recipient": CHN, "event_type": "CONSULT",
                                                         "location": None}, {})]))
        thread.start()
        try:
            assert inside.wait(30)
            reader = store.session()
            started = time.monotonic()
            rows = reader.events(limit=10)
            assert time.monotonic() - started < 2.0 and [r["doc_id"] for r in rows] == ["a"]
            assert reader.stats()["tables"]["documents"] == 1
            reader.close()
        finally:
            release.set()
            thread.join(30)
            writer.close()
        assert {r["doc_id"] for r in store.events(limit=10)} == {"a", "b"}
