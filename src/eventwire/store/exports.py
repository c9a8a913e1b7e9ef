"""Export the deduplicated events of a store: JSONL, CSV, Parquet, GDELT 2.0 and PLOVER JSON.

    with Store.open("eventwire.duckdb", read_only=True) as store:
        export_events(store, "events.parquet", fmt="parquet")   # returns the number of events
    write_export(export_reader(store), "events.tsv", fmt="gdelt")   # the same in two steps: the rows
                                                  # can cross a process (a server streams them as Arrow IPC)

Every format holds one record per deduplicated event, ordered by (date, event_id), so the
same store gives the same bytes. Rows stream from DuckDB in Arrow batches: memory stays
flat however large the store.

- ``jsonl`` / ``csv``: the columns of ``eventwire events`` (CSV lists joined with ``|``).
- ``parquet``: a folder partitioned Hive-style by ``year=YYYY/month=M`` (pyarrow dataset);
  undated events go to the ``__HIVE_DEFAULT_PARTITION__`` folders.

Analysts' corrections (``corrections``) win in every format; once a store holds one, JSONL, CSV
and Parquet rows gain ``corrected``, ``review_status`` and ``coder_agrees``, PLOVER records
``corrected``, and rejected events are left out unless ``include_rejected``.
- ``gdelt``: the 61 tab-separated columns of a GDELT 2.0 event file, no header (pass
  ``header=True`` for one); see ``GDELT_COLUMNS`` for what each holds here.
- ``plover``: JSONL records with the field names of the PLOVER manual's data-exchange
  chapter (``id``, ``date``, ``actor``, ``recipient``, ``event``, ``mode``, ``context``,
  ``event_loc``, ``event_text``, ``quad_code``, ``event_scale``, ...), as POLECAT shares them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from ..errors import InputError
from .core import Store
from .queries import LANGUAGE_EVENTS

logger = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "parquet", "gdelt", "plover")
_BATCH_ROWS = 10_000  # rows per Arrow batch: bounded memory, few round trips

# What each GDELT 2.0 event column holds here ("" where eventwire has nothing to put).
GDELT_COLUMNS = [
    "GLOBALEVENTID",  # the first 15 hex digits of event_id as an integer: stable, < 2**60
    "SQLDATE", "MonthYear", "Year", "FractionDate",  # the event's date (YYYYMMDD, YYYYMM, YYYY, YYYY.FFFF)
    "Actor1Code",  # CAMEO-style: country/organisation code + sector (ISRGOV)
    "Actor1Name",  # the canonical name, upper case as GDELT writes it
    "Actor1CountryCode",  # the ISO 3166 alpha-3 code when the actor is a country's
    "Actor1KnownGroupCode",  # IGO, UNO, NGO, EUR, ... for non-state international actors
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code",
    "Actor1Type1Code",  # the PLOVER sector (GOV, MIL, REB, ...)
    "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent",  # 1 when the event's main mention is in the headline or the first paragraph
    "EventCode", "EventBaseCode", "EventRootCode",  # CAMEO, zero-padded strings ("0231", "023", "02")
    "QuadClass", "GoldsteinScale",  # quad class 1-4; the PLOVER/Goldstein score
    "NumMentions", "NumSources", "NumArticles",  # mentions, distinct sources, distinct documents
    "AvgTone",  # empty: no tone is computed
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type",  # 1 country, 2 US state, 3 US city, 4 world city, 5 world state (admin1)
    "ActionGeo_FullName",  # "place, admin1, country code"
    "ActionGeo_CountryCode",  # ISO 3166 alpha-3 (GDELT uses FIPS 10-4: a documented difference)
    "ActionGeo_ADM1Code",  # empty: the gazetteer has admin1 names, not FIPS/ADM1 codes
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long",
    "ActionGeo_FeatureID",  # the GeoNames id where known, else the country code
    "DATEADDED",  # YYYYMMDDHHMMSS (UTC) when the event's main document was stored
    "SOURCEURL",  # the main document's URL (else its source, else its id)
]

# PLOVER's non-state international codes: a "country" field cannot hold them
_GROUP_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"})

_EXPORT_SQL = """
SELECT e.* EXCLUDE (dyad_key), m.section AS root_section, m.sentence_start AS root_start,
       p.location_text AS root_location_text, p.admin1, p.location_precision, p.geonameid,
       d.url AS url, d.source AS source, d.title AS title, d.published AS published,
       d.ingested_at AS ingested_at, d.language AS language,
       CAST(strpos(d.text, chr(10) || chr(10)) AS INTEGER) AS first_break
FROM {source}
LEFT JOIN mentions m ON m.mention_id = e.root_mention_id
LEFT JOIN documents d ON d.doc_id = e.doc_id
LEFT JOIN (  -- the mentions that gave the event its place
    SELECT event_id, location_name, location_lat, location_lon, min(location_text) AS location_text,
           min(location_admin1) AS admin1, min(location_precision) AS location_precision,
           min(location_geonameid) AS geonameid
    FROM mentions WHERE location_name IS NOT NULL GROUP BY ALL) p
  ON p.event_id = e.event_id AND p.location_name = e.location_name
  AND p.location_lat IS NOT DISTINCT FROM e.lat AND p.location_lon IS NOT DISTINCT FROM e.lon
ORDER BY e.date NULLS LAST, e.event_id
"""


def export_events(store: Store, path: str | os.PathLike, *, fmt: str, header: bool = False,
                  include_rejected: bool = False, language: str | None = None) -> int:
    """Write every event of ``store`` to ``path`` in format ``fmt``; returns the number written.

    Analysts' corrections win; events they rejected are left out unless ``include_rejected``;
    ``language`` keeps the events with a mention in a document of that language ("es")."""
    _check_format(fmt)
    reader = export_reader(store, include_rejected=include_rejected, language=language)
    return write_export(reader, path, fmt=fmt, header=header)


def export_reader(store: Store, *, include_rejected: bool = False, language: str | None = None) -> pa.RecordBatchReader:
    """The rows every export format is written from, as Arrow batches (a server streams them)."""
    source = store.events_source(include_rejected=include_rejected, alias="e")
    if language is None:
        return _export_reader(store, source)
    return _export_reader(store, f"(SELECT e.* FROM {source} WHERE e.event_id IN ({LANGUAGE_EVENTS})) AS e",
                          (language,))


def write_export(reader: pa.RecordBatchReader, path: str | os.PathLike, *, fmt: str, header: bool = False) -> int:
    """Write the rows of ``export_reader`` to ``path`` in format ``fmt``; returns the number of events."""
    _check_format(fmt)
    if fmt == "parquet":
        return _write_parquet(reader, Path(path))
    writer = {"jsonl": _jsonl_lines, "csv": _csv_lines, "gdelt": _gdelt_lines, "plover": _plover_lines}[fmt]
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "gdelt" and header:
            out.write("\t".join(GDELT_COLUMNS) + "\n")
        for line in writer(_rows(reader)):
            out.write(line)
            count += 1
    return count - (1 if fmt == "csv" and count else 0)


def _check_format(fmt: str) -> None:
    "InputError unless ``fmt`` is an export format."
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def _export_reader(store: Store, source: str, params: tuple = ()) -> pa.RecordBatchReader:
    "The export rows of the events ``source`` (SQL FROM text, aliased ``e``) selects, as Arrow batches."
    return store.query_arrow(_EXPORT_SQL.replace("{source}", source), params, batch_rows=_BATCH_ROWS)


def gdelt_lines_of(store: Store, source: str, params: tuple = ()) -> Iterator[str]:
    "GDELT 2.0 event lines of the events ``source`` (SQL FROM text, aliased ``e``, with ``params``) selects."
    return _gdelt_lines(_rows(_export_reader(store, source, params)))


def _rows(reader: pa.RecordBatchReader) -> Iterator[dict]:
    "Dict rows from an Arrow batch reader."
    for batch in reader:
        yield from batch.to_pylist()


# -- jsonl and csv ----------------------------------------------------------------

_HIDDEN = ("root_section", "root_start", "root_location_text", "admin1", "location_precision",
           "geonameid", "url", "source", "title", "published", "ingested_at", "language", "first_break")


def _public(row: dict) -> dict:
    "The events columns of an export row."
    return {k: v for k, v in row.items() if k not in _HIDDEN}


def _jsonl_lines(rows: Iterator[dict]) -> Iterator[str]:
    "One JSON event per line."
    for row in rows:
        yield json.dumps(_public(row), ensure_ascii=False, default=_json_value) + "\n"


def _csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    "A header line, then one CSV line per event."
    buf = _LineBuffer()
    writer = None
    for row in rows:
        public = _public(row)
        if writer is None:
            writer = csv.DictWriter(buf, fieldnames=list(public))
            writer.writeheader()
            yield buf.take()
        writer.writerow({k: _csv_value(v) for k, v in public.items()})
        yield buf.take()


class _LineBuffer:
    """A write target for csv that hands back what was written since the last take."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def take(self) -> str:
        text, self._parts = "".join(self._parts), []
        return text


def _json_value(value):
    "JSON for dates and datetimes."
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _csv_value(value):
    "A CSV cell: lists joined with '|', dates in ISO form, None empty."
    if isinstance(value, (list, tuple)):
        return "|".join(map(str, value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# -- parquet ------------------------------------------------------------------------

def _write_parquet(reader: pa.RecordBatchReader, path: Path) -> int:
    "A Hive-partitioned (year, month) Parquet dataset under ``path``."
    count = 0

    def batches() -> Iterator[pa.RecordBatch]:
        nonlocal count
        for batch in reader:
            table = pa.Table.from_batches([batch]).select(
                [n for n in batch.schema.names if n not in _HIDDEN])
            dates = table.column("date")
            years = pc.year(dates)
            months = pc.month(dates)
            table = table.append_column("year", years.cast(pa.int32())).append_column("month", months.cast(pa.int32()))
            count += table.num_rows
            yield from table.to_batches()

    schema = pa.schema([f for f in reader.schema if f.name not in _HIDDEN]
                       + [pa.field("year", pa.int32()), pa.field("month", pa.int32())])
    ds.write_dataset(batches(), path, schema=schema, format="parquet",
                     partitioning=ds.partitioning(pa.schema([("year", pa.int32()), ("month", pa.int32())]),
                                                  flavor="hive"),
                     existing_data_behavior="delete_matching", basename_template="part-{i}.parquet")
    return count


# -- GDELT 2.0 ------------------------------------------------------------------------

def _gdelt_lines(rows: Iterator[dict]) -> Iterator[str]:
    "One tab-separated GDELT 2.0 event line per event."
    for row in rows:
        record = gdelt_record(row)
        yield "\t".join(_tsv(record.get(name)) for name in GDELT_COLUMNS) + "\n"


def gdelt_record(row: dict) -> dict:
    "The GDELT 2.0 fields of one export row (columns not listed stay empty)."
    date = row["date"]
    record: dict = {"GLOBALEVENTID": int(row["event_id"][:15], 16)}
    if date is not None:
        start = dt.date(date.year, 1, 1)
        days = (dt.date(date.year + 1, 1, 1) - start).days
        record.update(SQLDATE=date.strftime("%Y%m%d"), MonthYear=date.strftime("%Y%m"), Year=str(date.year),
                      FractionDate=f"{date.year + (date - start).days / days:.4f}")  # GDELT: 20150218 -> 2015.1315
    for n, side in ((1, "actor"), (2, "recipient")):
        name, code, sector = row[f"{side}_name"], row[f"{side}_code"], row[f"{side}_sector"]
        if name is None:
            continue
        record[f"Actor{n}Code"] = (code or "") + (sector or "")
        record[f"Actor{n}Name"] = name.upper()
        if code in _GROUP_CODES:
            record[f"Actor{n}KnownGroupCode"] = code
        elif code:
            record[f"Actor{n}CountryCode"] = code
        record[f"Actor{n}Type1Code"] = sector
    first_paragraph = row["first_break"] in (None, 0) or (row["root_start"] or 0) < row["first_break"]
    record["IsRootEvent"] = 1 if row["root_section"] == "title" or first_paragraph else 0
    record.update(_cameo_fields(row["cameo"]))
    record.update(QuadClass=row["quad_class"], GoldsteinScale=row["score"], NumMentions=row["num_mentions"],
                  NumSources=row["num_sources"], NumArticles=row["num_documents"])
    record.update(_action_geo(row))
    if row["ingested_at"] is not None:
        record["DATEADDED"] = row["ingested_at"].strftime("%Y%m%d%H%M%S")
    record["SOURCEURL"] = row["url"] or row["source"] or row["doc_id"]
    return record


def _cameo_fields(cameo: str | None) -> dict:
    "EventCode, EventBaseCode and EventRootCode from a zero-padded CAMEO code."
    if not cameo:
        return {}
    code = cameo if len(cameo) > 2 else cameo + "0"  # a bare root "18" is CAMEO's "180, not specified"
    return {"EventCode": code, "EventBaseCode": code[:3], "EventRootCode": code[:2]}


def _action_geo(row: dict) -> dict:
    "The ActionGeo_* fields of an event with a place."
    country = row["country"]
    if row["location_name"] is None and country is None:
        return {}
    precision = row["location_precision"] or "city"
    if precision == "country":
        geo_type = 1
    elif precision in ("admin1", "admin2", "region"):  # GDELT has no finer type than its ADM1
        geo_type = 2 if country == "USA" else 5
    else:
        geo_type = 3 if country == "USA" else 4
    parts = [row["location_name"]]
    if row["admin1"] and row["admin1"] != row["location_name"]:
        parts.append(row["admin1"])
    if country and country != row["location_name"]:
        parts.append(country)
    return {"ActionGeo_Type": geo_type, "ActionGeo_FullName": ", ".join(p for p in parts if p),
            "ActionGeo_CountryCode": country, "ActionGeo_Lat": row["lat"], "ActionGeo_Long": row["lon"],
            "ActionGeo_FeatureID": row["geonameid"] if row["geonameid"] is not None else country}


def _tsv(value) -> str:
    "A GDELT cell: empty for None, tabs and newlines flattened."
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("\t", " ").replace("\n", " ")


# -- PLOVER JSON ------------------------------------------------------------------

def _plover_lines(rows: Iterator[dict]) -> Iterator[str]:
    "One PLOVER JSON record per line."
    for row in rows:
        yield json.dumps(plover_record(row), ensure_ascii=False, default=_json_value) + "\n"


def plover_record(row: dict) -> dict:
    "The PLOVER data-exchange record of one export row (the manual's field names)."
    record = {
        "id": row["event_id"],
        "date": row["date"].isoformat() if row["date"] else None,
        "actor": [_plover_entity(row, "actor")],
        "recipient": [_plover_entity(row, "recipient")] if row["recipient_name"] else [],
        "event": [row["event_type"]],
        "mode": [row["mode"]] if row["mode"] else [],
        "context": list(row["contexts"] or []),
        "event_loc": _plover_place(row),
        "event_text": [row["sentence"]] if row["sentence"] else [],
        "quad_code": row["quad_class"],
        "event_scale": row["score"],
        "text_info": {"section": row["root_section"], "start": row["root_start"],
                      "end": row["root_start"] + len(row["sentence"]) if row["root_start"] is not None
                      and row["sentence"] else None},
        "cite_info": {"doc_id": row["doc_id"], "title": row["title"], "url": row["url"],
                      "publication": row["source"], "pub_date": row["published"].isoformat()
                      if row["published"] else None, "language": row["language"]},
        "coder": row["coder_version"],
        "cameo": row["cameo"],
        "confidence": row["confidence"],
        "num_mentions": row["num_mentions"], "num_sources": row["num_sources"],
        "num_documents": row["num_documents"],
        "first_seen": row["first_seen"], "last_seen": row["last_seen"],
        "negated": row["negated"], "hypothetical": row["hypothetical"],
    }
    if "corrected" in row:  # a store with analysts' corrections
        record.update(corrected=row["corrected"], review_status=row["review_status"])
    return record


def _plover_entity(row: dict, side: str) -> dict:
    "A PLOVER entity object."
    return {"code": row[f"{side}_code"], "sector": row[f"{side}_sector"], "entity_text": row[f"{side}_name"]}


def _plover_place(row: dict) -> dict | None:
    "A PLOVER location object (the Mordecai field names)."
    if row["location_name"] is None:
        return None
    resolution = {"country": 1, "region": 2, "admin1": 2, "admin2": 3, "city": 4, "site": 5}.get(row["location_precision"] or "city", 4)
    return {"extracted_place": row["root_location_text"], "resolved_place": row["location_name"],
            "geonameid": row["geonameid"], "lat": row["lat"], "lon": row["lon"], "province": row["admin1"],
            "country_code": row["country"], "resolution": resolution}


__all__ = ["FORMATS", "GDELT_COLUMNS", "export_events", "export_reader", "gdelt_lines_of", "gdelt_record",
           "plover_record", "write_export"]
