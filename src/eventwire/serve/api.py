"""The REST API and the dashboard, over one DuckDB store.

    app = create_app("eventwire.duckdb", settings=settings, coding=SharedCoder(settings))  # token from $EVENTWIRE_API_TOKEN
    app = create_app(":memory:", token="s3cret", coding=my_coding)   # any object with code_records() and places()

Routes (all GET routes are read-only; see ``create_app``):

    GET  /                              the dashboard (web/static: plain HTML, JS, CSS; no CDN)
    GET  /health                        {"status": "ok", "version": ...}
    GET  /events                        ?actor&recipient&either&type&quad_class&country&since&until
                                        &q&limit(1..1000)&cursor&include_hypothetical -> EventPage
    GET  /events/{event_id}             one deduplicated event with its mentions (doc title, url)
    GET  /documents/{doc_id}            a stored document: cleaned text, title, date, url
    GET  /dyads/{a}/{b}/series          ?freq=day|week|month|quarter|year&directed -> counts per quad
    GET  /summary, /stats, /actors?q, /network?since&until
    GET  /map                           ?since&until&type&quad_class&either -> GeoJSON points, plus
                                        ``countries``: events per country (ISO3 and ISO numeric)
    GET  /trends                        ?weeks=4&baseline_weeks=12 -> countries and dyads whose
                                        conflict events (quad 3-4) depart most from their baseline
    POST /documents                     one document or a list (CONTRACT input shape); needs
                                        ``Authorization: Bearer <token>``; 403 when no token is set

``/events?sort=`` orders by ``newest`` (default), ``oldest``, ``most_reported`` or
``most_negative``; a cursor only resumes the order it came from. ``/docs`` is off: FastAPI
would load Swagger UI from a CDN, and the dashboard must work with no network.

Errors: ``EventwireError`` subclasses map to statuses in one handler (``InputError`` 400,
``ArticleRejected`` 422, others 500); unknown ids give 404.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import json
import logging
import math
import os
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

import pycountry
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..config import Settings, __version__
from ..errors import ArticleRejected, ConfigError, EventwireError, InputError
from ..records import Article, Event, Rejected
from ..store.core import Store, encode_cursor

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "web" / "static"
MAX_POST_DOCUMENTS = 100  # one request codes at most this many documents (about a minute of CPU)
TREND_WEEKS = 4  # "what changed": the last 4 weeks, as ACLED's Conflict Trendfinder compares
TREND_BASELINE_WEEKS = 12  # against the 12 weeks before them (a quarter; ACLED uses a longer year)
TREND_MIN_VARIANCE = 0.25  # weekly variance floor, so that 0 events before and 1 now is z = 4, not infinity
MAP_MAX_POINTS = 5000  # points per /map response; the country counts always cover every event
_STATUS = {InputError: 400, ArticleRejected: 422, ConfigError: 500}



class Coding(Protocol):
    """What the API needs of a coder: POST /documents and GET /places (``run.pipeline.SharedCoder``)."""

    def code_records(self, records: list[dict]) -> tuple[list[Article], list[Rejected], list[Event]]: ...

    def places(self, article: Article) -> list[dict]: ...


class PlaceOut(BaseModel):
    """One place mention (the record of `eventwire places`)."""

    doc_id: str
    text: str
    start: int
    end: int
    kind: str
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature_class: str | None = None
    precision: str | None = None
    confidence: float | None = None


# -- response and request models ---------------------------------------------

class ErrorOut(BaseModel):
    detail: str
    error: str | None = Field(None, description="the EventwireError class, when one was raised")


def _errors(*codes: int) -> dict:
    "OpenAPI ``responses`` for these error statuses."
    text = {400: "unusable parameter (a bad cursor, an unreadable document)", 401: "missing or wrong bearer token",
            403: "writes are disabled (EVENTWIRE_API_TOKEN is unset)", 404: "no such id",
            413: "too many documents", 503: "this server has no coder"}
    return {code: {"model": ErrorOut, "description": text[code]} for code in codes}


class Health(BaseModel):
    status: str
    version: str


class EventOut(BaseModel):
    event_id: str
    event_type: str
    mode: str | None = None
    contexts: list[str] = []
    actor_code: str | None = None
    actor_name: str | None = None
    actor_sector: str | None = None
    recipient_code: str | None = None
    recipient_name: str | None = None
    recipient_sector: str | None = None
    date: dt.date | None = None
    date_precision: str | None = None
    location_name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    quad_class: int | None = None
    cameo: str | None = None
    score: float | None = None
    confidence: float | None = None
    num_mentions: int
    num_documents: int
    num_sources: int
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    negated: bool
    hypothetical: bool
    root_mention_id: str
    doc_id: str
    sentence: str | None = None


class EventPage(BaseModel):
    events: list[EventOut]
    count: int
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")


class MentionOut(BaseModel):
    mention_id: str
    event_id: str
    doc_id: str
    doc_title: str | None = None
    doc_url: str | None = None
    doc_source: str | None = None
    doc_published: dt.date | None = None
    doc_kind: str | None = None
    section: str
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str | None = None
    negated: bool
    hypothetical: bool
    confidence: float | None = None
    date: dt.date | None = None
    date_precision: str | None = None
    event_type: str
    mode: str | None = None
    contexts: list[str] = []
    actor_text: str | None = None
    actor_name: str | None = None
    actor_code: str | None = None
    actor_sector: str | None = None
    recipient_text: str | None = None
    recipient_name: str | None = None
    recipient_code: str | None = None
    recipient_sector: str | None = None
    location_text: str | None = None
    location_name: str | None = None
    location_country: str | None = None
    location_admin1: str | None = None
    location_lat: float | None = None
    location_lon: float | None = None
    location_precision: str | None = None
    location_geonameid: int | None = None
    quad_class: int | None = None
    cameo: str | None = None
    score: float | None = None
    coder_version: str | None = None


class EventDetail(EventOut):
    mentions: list[MentionOut]


class DocumentOut(BaseModel):
    doc_id: str
    title: str | None = None
    text: str
    published: dt.date | None = None
    url: str | None = None
    source: str | None = None
    kind: str | None = None
    parent: str | None = None
    language: str | None = None
    coder_version: str | None = None
    ingested_at: dt.datetime | None = None


class SeriesPoint(BaseModel):
    period: dt.date
    events: int
    quad1: int
    quad2: int
    quad3: int
    quad4: int
    mean_score: float | None = None


class DyadSeries(BaseModel):
    actor: str
    recipient: str
    freq: str
    directed: bool
    points: list[SeriesPoint]


class DyadCount(BaseModel):
    actor: str | None
    recipient: str | None
    events: int


class Summary(BaseModel):
    documents: int
    rejected: int
    mentions: int
    events: int
    by_type: dict[str, int]
    top_dyads: list[DyadCount]


class Stats(BaseModel):
    tables: dict[str, int]
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    coder_versions: list[str]
    rejected_reasons: dict[str, int]
    runs: list[dict[str, Any]]
    schema_version: str


class ActorOut(BaseModel):
    code: str | None = None
    name: str | None = None
    as_actor: int
    as_recipient: int
    events: int


class Edge(BaseModel):
    source: str | None
    target: str | None
    events: int
    quad1: int
    quad2: int
    quad3: int
    quad4: int
    mean_score: float | None = None


class Node(BaseModel):
    id: str | None
    events: int


class Network(BaseModel):
    nodes: list[Node]
    edges: list[Edge]


class DocumentIn(BaseModel):
    """One input document, as in CONTRACT.md: ``id`` and ``text`` (or ``html``)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    text: str | None = None
    html: str | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _has_body(self) -> DocumentIn:
        if self.text is None and self.html is None:
            raise ValueError("a document needs 'text' or 'html'")
        return self


class RejectedOut(BaseModel):
    doc_id: str
    reason: str


class IngestResult(BaseModel):
    documents: int
    rejected: list[RejectedOut]
    mentions: int
    event_ids: list[str]


EventSort = Literal["newest", "oldest", "most_reported", "most_negative"]
Freq = Literal["day", "week", "month", "quarter", "year"]


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(description="[longitude, latitude]")


class MapProperties(BaseModel):
    event_id: str
    event_type: str
    quad_class: int | None = None
    date: dt.date | None = None
    location_name: str | None = None
    country: str | None = None
    actor: str | None = None
    recipient: str | None = None
    score: float | None = None
    num_mentions: int


class MapFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: MapProperties


class CountryCount(BaseModel):
    country: str = Field(description="ISO 3166 alpha-3")
    numeric: str | None = Field(None, description="ISO 3166 numeric, the id in world-atlas TopoJSON")
    name: str | None = None
    events: int
    quad1: int
    quad2: int
    quad3: int
    quad4: int
    mean_score: float | None = None


class EventMap(BaseModel):
    """A GeoJSON FeatureCollection of located events, with per-country counts as a foreign member."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[MapFeature]
    countries: list[CountryCount]
    truncated: bool = Field(description=f"more than {MAP_MAX_POINTS} located events matched")


class TrendRow(BaseModel):
    key: str
    country: str | None = None
    actor: str | None = None
    recipient: str | None = None
    recent: int = Field(description="conflict events (quad 3-4) in the recent window")
    baseline: int = Field(description="conflict events in the baseline window before it")
    recent_per_week: float
    baseline_per_week: float
    ratio: float | None = Field(None, description="recent_per_week / baseline_per_week; null when the baseline is 0")
    z: float = Field(description="departure of the recent total from the baseline rate, in standard deviations")
    direction: Literal["up", "down", "flat"]


class Trends(BaseModel):
    as_of: dt.date | None = Field(None, description="the latest event date in the store")
    recent_weeks: int
    baseline_weeks: int
    recent_since: dt.date | None = None
    baseline_since: dt.date | None = None
    countries: list[TrendRow]
    dyads: list[TrendRow]


# -- the app --------------------------------------------------------------------

def _session(request: Request) -> Iterator[Store]:
    "One cursor per request: a DuckDB connection is never shared by two threads at once."
    session = request.app.state.store.session()
    try:
        yield session
    finally:
        session.close()


Session = Annotated[Store, Depends(_session)]


def create_app(db_path: str, *, settings: Settings | None = None, token: str | None = None,
               coding: Coding | None = None, read_only: bool = False) -> FastAPI:
    """The FastAPI app over the store at ``db_path``; POST /documents needs ``token`` and ``coding``,
    GET /places ``coding``. ``settings`` (default: ``Settings.load()``) sets the store's event merging."""
    if token is None:
        token = os.environ.get("EVENTWIRE_API_TOKEN") or None
    settings = settings or Settings.load()
    store = Store.open(db_path, read_only=read_only, dedup_days=settings.dedup_days, dedup_km=settings.dedup_km)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        store.close()

    # no /docs or /redoc: FastAPI serves them from a CDN; /openapi.json stays
    app = FastAPI(title="eventwire", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="PLOVER political events coded from news.")
    app.state.store = store

    @app.exception_handler(EventwireError)
    async def _eventwire_error(request: Request, exc: EventwireError) -> JSONResponse:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
        if status >= 500:
            logger.error("%s %s failed: %s", request.method, request.url.path, exc)
        return JSONResponse(status_code=status, content={"detail": str(exc), "error": type(exc).__name__})

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", version=__version__)

    @app.get("/events", response_model=EventPage, responses=_errors(400))
    def list_events(
        db: Session,
        actor: str | None = None,
        recipient: str | None = None,
        either: str | None = Query(None, description="actor or recipient"),
        type: str | None = Query(None, description="PLOVER event type"),
        quad_class: int | None = Query(None, ge=1, le=4),
        country: str | None = Query(None, description="ISO3 country of the event's place"),
        since: dt.date | None = None,
        until: dt.date | None = None,
        q: str | None = Query(None, description="text in a mention's sentence"),
        limit: int = Query(100, ge=1, le=1000),
        cursor: str | None = None,
        include_hypothetical: bool = False,
        sort: EventSort = "newest",
    ) -> EventPage:
        filters = dict(actor=actor, recipient=recipient, either=either, event_type=type,
                       quad_class=quad_class, country=country, since=since, until=until, text=q,
                       include_hypothetical=include_hypothetical)
        if sort == "newest":
            rows = db.events(**filters, limit=limit, cursor=cursor)
            next_cursor = encode_cursor(rows[-1]) if len(rows) == limit else None
        else:
            rows = _sorted_events(db, filters, sort=sort, limit=limit, cursor=cursor)
            next_cursor = _encode_sort_cursor(sort, rows[-1]) if len(rows) == limit else None
        return EventPage(events=rows, count=len(rows), next_cursor=next_cursor)

    @app.get("/events/{event_id}", response_model=EventDetail, responses=_errors(404))
    def get_event(event_id: str, db: Session) -> EventDetail:
        row = db.event(event_id)
        if row is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return EventDetail(**row, mentions=db.mentions_of(event_id))

    @app.get("/documents/{doc_id:path}", response_model=DocumentOut, responses=_errors(404))
    def get_document(doc_id: str, db: Session) -> DocumentOut:
        row = db.document(doc_id)
        if row is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return DocumentOut(**row)

    @app.get("/places", response_model=list[PlaceOut], responses=_errors(404, 503))
    def get_places(doc_id: str, db: Session) -> list[PlaceOut]:
        """Every place mention in a stored document's cleaned text, resolved (as `eventwire places`)."""
        row = db.document(doc_id)
        if row is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        if coding is None:
            raise HTTPException(503, "this server has no coder: GET /places is unavailable")
        article = Article(id=doc_id, text=row.get("text") or "")
        return [PlaceOut(**r) for r in coding.places(article)]

    @app.get("/dyads/{a}/{b}/series", response_model=DyadSeries)
    def dyad_series(a: str, b: str, db: Session, freq: Freq = "week", directed: bool = True) -> DyadSeries:
        points = db.dyad_series(a, b, freq=freq, directed=directed)
        return DyadSeries(actor=a, recipient=b, freq=freq, directed=directed, points=points)

    @app.get("/summary", response_model=Summary)
    def summary(db: Session, top: int = Query(10, ge=1, le=100)) -> Summary:
        s = db.summary(top=top)
        dyads = [DyadCount(actor=a, recipient=b, events=n) for a, b, n in s.pop("top_dyads")]
        return Summary(**s, top_dyads=dyads)

    @app.get("/stats", response_model=Stats)
    def stats(db: Session) -> Stats:
        return Stats(**db.stats())

    @app.get("/actors", response_model=list[ActorOut])
    def actors(db: Session, q: str | None = None, limit: int = Query(100, ge=1, le=1000)) -> list[dict]:
        return db.actors(q, limit=limit)

    @app.get("/network", response_model=Network)
    def network(db: Session, since: dt.date | None = None, until: dt.date | None = None,
                limit: int = Query(200, ge=1, le=5000)) -> Network:
        return Network(**db.network(since, until, limit=limit))

    @app.get("/map", response_model=EventMap)
    def event_map(db: Session, since: dt.date | None = None, until: dt.date | None = None,
                  type: str | None = Query(None, description="PLOVER event type"),
                  quad_class: int | None = Query(None, ge=1, le=4),
                  either: str | None = Query(None, description="actor or recipient"),
                  include_hypothetical: bool = False) -> EventMap:
        filters = dict(either=either, event_type=type, quad_class=quad_class, since=since, until=until,
                       include_hypothetical=include_hypothetical)
        return _event_map(db, filters)

    @app.get("/trends", response_model=Trends)
    def trends(db: Session, weeks: int = Query(TREND_WEEKS, ge=1, le=52),
               baseline_weeks: int = Query(TREND_BASELINE_WEEKS, ge=1, le=260),
               limit: int = Query(10, ge=1, le=100)) -> Trends:
        return _trends(db, weeks=weeks, baseline_weeks=baseline_weeks, limit=limit)

    @app.post("/documents", response_model=IngestResult, responses=_errors(400, 401, 403, 413, 503))
    def post_documents(body: DocumentIn | list[DocumentIn], db: Session,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> IngestResult:
        _check_token(token, credentials.credentials if credentials else None)
        if coding is None:
            raise HTTPException(503, "this server has no coder: POST /documents is unavailable")
        docs = body if isinstance(body, list) else [body]
        if len(docs) > MAX_POST_DOCUMENTS:
            raise HTTPException(413, f"at most {MAX_POST_DOCUMENTS} documents per request")
        articles, rejected, events = coding.code_records([d.model_dump(exclude_none=True) for d in docs])
        db.write_batch(articles, rejected, events)
        logger.info("POST /documents: %d coded, %d rejected, %d mentions", len(articles), len(rejected), len(events))
        return IngestResult(documents=len(articles), mentions=len(events),
                            rejected=[RejectedOut(doc_id=r.doc_id, reason=r.reason) for r in rejected],
                            event_ids=sorted({e.event_id for e in events}))

    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    return app


# -- queries the store does not have (parameterized SQL on the request's cursor) ------

_SORTS = {  # sort name -> (SQL key, direction, JSON type of the key in a cursor)
    "oldest": ("coalesce(date, DATE '9999-12-31')", "ASC", "date"),
    "most_reported": ("num_mentions", "DESC", "int"),
    "most_negative": ("coalesce(score, 0.0)", "ASC", "float"),
}
_EVENT_FIELDS = list(EventOut.model_fields)


def _query(db: Store, sql: str, params: list) -> list[dict]:
    "Rows of one parameterized query as dicts."
    return db._rows(sql, params)  # noqa: SLF001 (the store keeps its query runner private)


def _event_filters(*, actor=None, recipient=None, either=None, event_type=None, quad_class=None,
                   country=None, since=None, until=None, text=None,
                   include_hypothetical=False) -> tuple[list[str], list]:
    "WHERE clauses and parameters with the meaning of ``Store.events`` filters."
    where, params = [], []
    for column, value in (("actor", actor), ("recipient", recipient)):
        if value:
            where.append(f"({column}_code = upper(?) OR lower({column}_name) = lower(?))")
            params += [value, value]
    if either:
        where.append("(actor_code = upper(?) OR lower(actor_name) = lower(?) "
                     "OR recipient_code = upper(?) OR lower(recipient_name) = lower(?))")
        params += [either] * 4
    for clause, value in (("event_type = upper(?)", event_type), ("quad_class = ?", quad_class),
                          ("country = upper(?)", country), ("date >= ?", since), ("date <= ?", until)):
        if value is not None and value != "":
            where.append(clause)
            params.append(value)
    if text:
        where.append("event_id IN (SELECT event_id FROM mentions WHERE contains(lower(sentence), lower(?)))")
        params.append(text)
    if not include_hypothetical:
        where.append("NOT negated AND NOT hypothetical")
    return where, params


def _sorted_events(db: Store, filters: dict, *, sort: str, limit: int, cursor: str | None) -> list[dict]:
    "One page of events in a ``_SORTS`` order, resuming after ``cursor``."
    key, direction, _ = _SORTS[sort]
    where, params = _event_filters(**filters)
    if cursor:
        value, after_id = _decode_sort_cursor(sort, cursor)
        op = "<" if direction == "DESC" else ">"
        where.append(f"({key} {op} ? OR ({key} = ? AND event_id > ?))")
        params += [value, value, after_id]
    sql = f"SELECT {', '.join(_EVENT_FIELDS)} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {key} {direction}, event_id LIMIT ?"
    return _query(db, sql, [*params, limit])


def _sort_value(sort: str, row: dict):
    "The value of ``row``'s sort key, as the SQL key computes it."
    if sort == "oldest":
        return (row["date"] or dt.date(9999, 12, 31)).isoformat()
    if sort == "most_reported":
        return int(row["num_mentions"])
    return float(row["score"] if row["score"] is not None else 0.0)


def _encode_sort_cursor(sort: str, row: dict) -> str:
    "An opaque cursor resuming ``sort`` after ``row``."
    raw = json.dumps([sort, _sort_value(sort, row), row["event_id"]])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_sort_cursor(sort: str, cursor: str) -> tuple[Any, str]:
    "The (key value, event_id) a cursor points after; InputError when it is not one of this sort's."
    kind = _SORTS[sort][2]
    try:
        name, value, event_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if name != sort:
            raise ValueError(f"cursor of sort {name!r}")
        value = {"date": dt.date.fromisoformat, "int": int, "float": float}[kind](value)
        if kind == "float" and not math.isfinite(value):
            raise ValueError("not a finite number")
        return value, str(event_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid cursor for sort={sort}: {exc}") from exc


def _country_numeric(alpha3: str) -> tuple[str | None, str | None]:
    "The ISO 3166 numeric code and common name of an alpha-3 code (None, None for IGO and the like)."
    country = pycountry.countries.get(alpha_3=alpha3) if len(alpha3) == 3 else None
    if country is None:
        return None, None
    return country.numeric, getattr(country, "common_name", None) or country.name


def _event_map(db: Store, filters: dict) -> EventMap:
    "Located events as GeoJSON points and event counts per country."
    where, params = _event_filters(**filters)
    cond = " AND ".join(where) if where else "TRUE"
    points = _query(db, (
        "SELECT event_id, event_type, quad_class, date, location_name, country, lat, lon, score, num_mentions, "
        "coalesce(actor_code, actor_name) AS actor, coalesce(recipient_code, recipient_name) AS recipient "
        f"FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL AND {cond} "
        "ORDER BY coalesce(date, DATE '0001-01-01') DESC, event_id LIMIT ?"), [*params, MAP_MAX_POINTS + 1])
    features = [MapFeature(id=p["event_id"], geometry=PointGeometry(coordinates=[p["lon"], p["lat"]]),
                           properties=MapProperties(**{k: v for k, v in p.items() if k not in ("lat", "lon")}))
                for p in points[:MAP_MAX_POINTS]]
    counts = _query(db, (
        "SELECT country, count(*) AS events, "
        + ", ".join(f"count(*) FILTER (WHERE quad_class = {q}) AS quad{q}" for q in (1, 2, 3, 4))
        + f", avg(score) AS mean_score FROM events WHERE country IS NOT NULL AND {cond} "
        "GROUP BY country ORDER BY events DESC, country"), params)
    countries = [CountryCount(**row, **dict(zip(("numeric", "name"), _country_numeric(row["country"]))))
                 for row in counts]
    return EventMap(features=features, countries=countries, truncated=len(points) > MAP_MAX_POINTS)


def _trends(db: Store, *, weeks: int, baseline_weeks: int, limit: int) -> Trends:
    "Countries and dyads whose conflict events in the last ``weeks`` depart most from the weeks before."
    (latest,) = _query(db, "SELECT max(date) AS d FROM events WHERE NOT negated AND NOT hypothetical", [])
    as_of = latest["d"]
    empty = Trends(as_of=as_of, recent_weeks=weeks, baseline_weeks=baseline_weeks, countries=[], dyads=[])
    if as_of is None:
        return empty
    total = weeks + baseline_weeks
    # week 0 ends on the latest event date; weeks 0..weeks-1 are recent, the next baseline_weeks the baseline
    base_sql = ("SELECT {unit} AS unit, {extra} CAST(date_diff('day', date, ?) // 7 AS INTEGER) AS week, "
                "count(*) AS n FROM events WHERE quad_class IN (3, 4) AND NOT negated AND NOT hypothetical "
                "AND date IS NOT NULL AND date <= ? AND date_diff('day', date, ?) < ? AND {cond} "
                "GROUP BY ALL")
    params = [as_of, as_of, as_of, total * 7]
    by_country = _query(db, base_sql.format(unit="country", extra="", cond="country IS NOT NULL"), params)
    by_dyad = _query(db, base_sql.format(
        unit="coalesce(actor_code, actor_name) || ' > ' || coalesce(recipient_code, recipient_name)",
        extra="coalesce(actor_code, actor_name) AS actor, coalesce(recipient_code, recipient_name) AS recipient,",
        cond="recipient_name IS NOT NULL"), params)
    return empty.model_copy(update={
        "recent_since": as_of - dt.timedelta(days=weeks * 7 - 1),
        "baseline_since": as_of - dt.timedelta(days=total * 7 - 1),
        "countries": _rank_trends(by_country, weeks=weeks, baseline_weeks=baseline_weeks, limit=limit,
                                  describe=lambda r: {"country": r["unit"]}),
        "dyads": _rank_trends(by_dyad, weeks=weeks, baseline_weeks=baseline_weeks, limit=limit,
                              describe=lambda r: {"actor": r["actor"], "recipient": r["recipient"]}),
    })


def _rank_trends(rows: list[dict], *, weeks: int, baseline_weeks: int, limit: int,
                 describe: Callable[[dict], dict]) -> list[TrendRow]:
    "Weekly counts per unit -> TrendRows ranked by the size of the departure (|z|), largest first."
    units: dict[str, dict] = {}
    for row in rows:
        unit = units.setdefault(row["unit"], {"weekly": [0] * (weeks + baseline_weeks), "row": row})
        unit["weekly"][row["week"]] += row["n"]
    ranked = []
    for key, unit in units.items():
        recent, base = unit["weekly"][:weeks], unit["weekly"][weeks:]
        mean = sum(base) / baseline_weeks
        variance = max(sum((x - mean) ** 2 for x in base) / baseline_weeks, mean, TREND_MIN_VARIANCE)
        # the recent total against ``weeks`` draws from the baseline's weekly distribution
        z = (sum(recent) - weeks * mean) / math.sqrt(weeks * variance)
        per_week = sum(recent) / weeks
        ranked.append(TrendRow(
            key=key, **describe(unit["row"]), recent=sum(recent), baseline=sum(base),
            recent_per_week=round(per_week, 3), baseline_per_week=round(mean, 3),
            ratio=round(per_week / mean, 3) if mean else None, z=round(z, 3),
            direction="up" if z > 0 else "down" if z < 0 else "flat"))
    ranked.sort(key=lambda t: (-abs(t.z), -t.recent, t.key))
    return ranked[:limit]


_bearer = HTTPBearer(auto_error=False, description="the token in $EVENTWIRE_API_TOKEN")


def _check_token(token: str | None, given: str | None) -> None:
    "403 when writing is disabled, 401 without the right bearer token."
    if not token:
        raise HTTPException(403, "POST /documents is disabled: set EVENTWIRE_API_TOKEN to enable it")
    if given is None or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required",
                            headers={"WWW-Authenticate": "Bearer"})
