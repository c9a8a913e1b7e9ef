"""The REST API and the dashboard, over one DuckDB store: HTTP mapped to store calls.

    app = create_app("eventwire.duckdb", settings=settings, coding=SharedCoder(settings))  # token from $EVENTWIRE_API_TOKEN
    app = create_app(":memory:", token="s3cret", coding=my_coding)   # any object with code_records() and places()
    app = create_app(path, settings=s, coding=coding, watcher=Watcher(...))  # run/watch.py: started and
                                                   # stopped with the app, its state in /stats and /metrics

Routes (all GET routes are read-only; see ``create_app``):

    GET  /                              the dashboard (web/static: plain HTML, JS, CSS; no CDN)
    GET  /health                        {"status": "ok", "version": ...}
    GET  /events                        ?actor&recipient&either&type&quad_class&country&since&until
                                        &q&limit(1..1000)&cursor&include_hypothetical&include_rejected&language
                                        -> EventPage (analysts' corrections win: ``corrections``)
    GET  /events/{event_id}             one deduplicated event with its mentions (doc title, url);
                                        with corrections: ``corrections`` (the trail) and ``coded``
    GET  /documents/{doc_id}            a stored document: cleaned text, title, date, url
    GET  /places?doc_id                 the place mentions of a stored document (needs ``coding``)
    GET  /dyads/{a}/{b}/series          ?freq=day|week|month|quarter|year&directed -> counts per quad
    GET  /summary, /stats, /actors?q, /network?since&until     /stats: ``watch`` is the watcher's state
                                        (last and next poll) and each source's (failures with reasons)
    GET  /metrics                       Prometheus text: store rows, rejections per reason; with a
                                        watcher: fetched, stored, failures, poll seconds, queue depth
    GET  /map                           ?since&until&type&quad_class&either -> GeoJSON points, plus
                                        ``countries``: events per country (ISO3 and ISO numeric)
    GET  /trends                        ?weeks=4&baseline_weeks=12 -> countries and dyads whose
                                        conflict events (quad 3-4) depart most from their baseline
    GET  /arrow/events, /arrow/export, /arrow/mentions/{id}, /arrow/actors, /arrow/dyads/{a}/{b}/series
                                        Arrow IPC streams of the Python API's reads and of the export
                                        rows: `eventwire export` and ``eventwire.open`` while served
                                        (``serve.remote``)
    GET  /updates/lastupdate.txt        with ``updates``: "SIZE MD5 URL" per file of the last GDELT-style
                                        update (``serve.updates``); GET /updates/{name} serves the file
    POST /documents                     one document or a list (CONTRACT input shape); needs
                                        ``Authorization: Bearer <token>``; 403 when no token is set
    POST /events/{event_id}/corrections an analyst's correction (``CorrectionIn``; same token):
                                        checked against ``vocabulary`` (422 saying what is allowed),
                                        404 for an unknown id; returns the event as GET shows it

``/events?sort=`` orders by ``newest`` (default), ``oldest``, ``most_reported`` or
``most_negative``; a cursor only resumes the order it came from. ``/docs`` is off: FastAPI
would load Swagger UI from a CDN, and the dashboard must work with no network.

Every query is a ``Store`` call (no SQL here); the models are in ``models``, the map's and the
trends' shaping in ``maps`` and ``trends``.

Errors: ``EventwireError`` subclasses map to statuses in one handler (``InputError`` 400,
``ArticleRejected`` 422, others 500); unknown ids give 404.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
from collections.abc import Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Protocol

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from ..config import Settings, __version__
from ..errors import ArticleRejected, ConfigError, EventwireError, InputError
from ..records import Article, Event, Rejected
from ..store import Store, encode_cursor
from ..store.vocabulary import InvalidCorrection, Vocabulary
from .maps import event_map as _event_map
from .metrics import CONTENT_TYPE as _METRICS_TYPE
from .metrics import render_metrics
from .models import (
    ActorOut,
    DocumentIn,
    DocumentOut,
    DyadCount,
    DyadSeries,
    ErrorOut,
    CorrectionIn,
    EventDetail,
    EventMap,
    EventPage,
    EventSort,
    Freq,
    Health,
    IngestResult,
    Network,
    PlaceOut,
    RejectedOut,
    Stats,
    Summary,
    Trends,
)
from .trends import TREND_BASELINE_WEEKS, TREND_WEEKS
from .remote import add_arrow_routes
from .updates import Publisher
from .trends import trends as _trends

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "web" / "static"
MAX_POST_DOCUMENTS = 100  # one request codes at most this many documents (about a minute of CPU)
_STATUS = {InputError: 400, ArticleRejected: 422, ConfigError: 500}


class Coding(Protocol):
    """What the API needs of a coder: POST /documents and GET /places (``run.pipeline.SharedCoder``)."""

    def code_records(self, records: list[dict]) -> tuple[list[Article], list[Rejected], list[Event]]: ...

    def places(self, article: Article) -> list[dict]: ...


class Watching(Protocol):
    """What the API needs of the live service's watcher (``run.watch.Watcher``)."""

    def start(self, store: Store) -> None: ...

    def stop(self) -> None: ...

    def state(self) -> dict: ...

    def metrics(self) -> dict: ...


def _errors(*codes: int) -> dict:
    "OpenAPI ``responses`` for these error statuses."
    text = {400: "unusable parameter (a bad cursor, an unreadable document)", 401: "missing or wrong bearer token",
            403: "writes are disabled (EVENTWIRE_API_TOKEN is unset)", 404: "no such id",
            413: "too many documents", 503: "this server has no coder"}
    return {code: {"model": ErrorOut, "description": text[code]} for code in codes}


def _session(request: Request) -> Iterator[Store]:
    "One cursor per request: a DuckDB connection is never shared by two threads at once."
    session = request.app.state.store.session()
    try:
        yield session
    finally:
        session.close()


Session = Annotated[Store, Depends(_session)]


def create_app(db_path: str, *, settings: Settings | None = None, token: str | None = None,
               coding: Coding | None = None, read_only: bool = False, watcher: Watching | None = None,
               vocabulary: Vocabulary | None = None, updates: Publisher | None = None) -> FastAPI:
    """The FastAPI app over the store at ``db_path``; POST /documents needs ``token`` and ``coding``,
    GET /places ``coding``, POST /events/{id}/corrections ``token`` and ``vocabulary``.
    ``settings`` (default: ``Settings.load()``) sets the store's event merging.
    ``watcher`` is started on the store when the app starts and stopped before the store closes;
    ``updates`` (``serve.updates.Publisher``) too, and GET /updates/* serve its files."""
    if token is None:
        token = os.environ.get("EVENTWIRE_API_TOKEN") or None
    settings = settings or Settings.load()
    store = Store.open(db_path, read_only=read_only, dedup_days=settings.dedup_days, dedup_km=settings.dedup_km)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if watcher is not None:
            watcher.start(store)
        if updates is not None:
            updates.start(store)
        yield
        if updates is not None:
            updates.stop()
        if watcher is not None:
            watcher.stop()
        store.close()

    # no /docs or /redoc: FastAPI serves them from a CDN; /openapi.json stays
    app = FastAPI(title="eventwire", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="PLOVER political events coded from news.")
    app.state.store = store
    app.add_exception_handler(EventwireError, _eventwire_error)
    _add_event_routes(app, coding=coding)  # the order of the routes is the order of /openapi.json
    _add_aggregate_routes(app, watcher=watcher)
    add_arrow_routes(app)  # serve.remote: `eventwire export` and eventwire.open(DB) through this server
    _add_write_route(app, token=token, coding=coding)
    _add_correction_route(app, token=token, vocabulary=vocabulary)
    if updates is not None:
        _add_update_routes(app, updates=updates)
    _add_dashboard(app)
    return app


async def _eventwire_error(request: Request, exc: EventwireError) -> JSONResponse:
    "The one translation of eventwire's errors into HTTP statuses."
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
    if status >= 500:
        logger.error("%s %s failed: %s", request.method, request.url.path, exc)
    return JSONResponse(status_code=status, content={"detail": str(exc), "error": type(exc).__name__})


def _add_event_routes(app: FastAPI, *, coding: Coding | None) -> None:
    "GET /health, /events, /events/{id}, /documents/{id} and /places."

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
        include_rejected: bool = Query(False, description="keep the events analysts rejected"),
        language: str | None = Query(None, description="language of a mention's document (en, es)"),
    ) -> Response:
        def page() -> bytes:  # the JSON FastAPI would write for the EventPage
            rows = db.events(actor=actor, recipient=recipient, either=either, event_type=type, quad_class=quad_class,
                             country=country, since=since, until=until, text=q,
                             include_hypothetical=include_hypothetical, sort=sort, limit=limit, cursor=cursor,
                             include_rejected=include_rejected, language=language)
            next_cursor = encode_cursor(rows[-1], sort=sort) if len(rows) == limit else None
            return EventPage(events=rows, count=len(rows), next_cursor=next_cursor).model_dump_json(
                by_alias=True).encode()

        # a page is read once per committed write: every dashboard polls the newest page
        key = ("GET /events", actor, recipient, either, type, quad_class, country, since, until, q, limit, cursor,
               include_hypothetical, sort, include_rejected, language)
        return Response(db.remember(key, page), media_type="application/json")

    @app.get("/events/{event_id}", response_model=EventDetail, responses=_errors(404))
    def get_event(event_id: str, db: Session) -> EventDetail:
        return _event_detail(db, event_id)

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


def _add_aggregate_routes(app: FastAPI, *, watcher: Watching | None) -> None:
    "GET /dyads/{a}/{b}/series, /summary, /stats, /metrics, /actors, /network, /map and /trends."

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
        # the store's part is read once per committed write (dashboards poll /stats every 5 s)
        watch = None if watcher is None else {**watcher.state(), "sources": db.remember(("poll_state",), db.poll_state)}
        return Stats(**db.remember(("stats",), db.stats), watch=watch)

    @app.get("/metrics", response_class=PlainTextResponse, responses={200: {"content": {_METRICS_TYPE: {}}}})
    def metrics(db: Session) -> PlainTextResponse:
        """Counters and gauges in the Prometheus text format."""
        text = render_metrics(db.stats(), watcher.metrics() if watcher is not None else None)
        return PlainTextResponse(text, media_type=_METRICS_TYPE)

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


def _add_write_route(app: FastAPI, *, token: str | None, coding: Coding | None) -> None:
    "POST /documents: code documents with ``coding`` and store them (bearer ``token``)."

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


def _event_detail(db: Store, event_id: str) -> EventDetail:
    "One event with its mentions; with its correction trail and coded values once the store holds corrections."
    row = db.event(event_id)
    if row is None:
        raise HTTPException(404, f"no event {event_id!r}")
    if "corrected" not in row:  # a store without corrections: the event as before
        return EventDetail(**row, mentions=db.mentions_of(event_id))
    return EventDetail(**row, mentions=db.mentions_of(event_id), corrections=db.corrections_of(event_id),
                       coded=db.coded_event(event_id))


def _add_correction_route(app: FastAPI, *, token: str | None, vocabulary: Vocabulary | None) -> None:
    "POST /events/{event_id}/corrections: an analyst's correction, checked and appended (bearer ``token``)."

    @app.post("/events/{event_id}/corrections", response_model=EventDetail,
              responses=_errors(401, 403, 404, 503) | {422: {"description": "a value outside the ontology or "
                                                                            "the code lists: the allowed ones"}})
    def post_correction(event_id: str, body: CorrectionIn, db: Session,
                        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> EventDetail:
        _check_token(token, credentials.credentials if credentials else None, route="POST /events/{id}/corrections")
        if vocabulary is None:
            raise HTTPException(503, "this server has no vocabulary: corrections are unavailable")
        current = db.event(event_id)
        if current is None:
            raise HTTPException(404, f"no event {event_id!r}")
        try:
            changes = vocabulary.check(body.changes(), current, reverts=body.revert, coded=db.coded_event(event_id))
        except InvalidCorrection as exc:
            raise HTTPException(422, str(exc)) from None
        db.add_correction(event_id, changes, analyst=body.analyst, note=body.note, reverts=body.revert)
        logger.info("POST /events/%s/corrections: %s", event_id, ", ".join(changes) or "note")
        return _event_detail(db, event_id)


def _add_update_routes(app: FastAPI, *, updates: Publisher) -> None:
    "GET /updates/lastupdate.txt and /updates/{name}: the GDELT-style update files."

    @app.get("/updates/lastupdate.txt", response_class=PlainTextResponse)
    def lastupdate(request: Request, db: Session) -> PlainTextResponse:
        """One line per file of the last update, as GDELT's: ``SIZE MD5 URL`` (empty before the first)."""
        return PlainTextResponse(updates.lastupdate(db, str(request.base_url)))

    @app.get("/updates/{name}", response_class=FileResponse, responses=_errors(404))
    def update_file(name: str) -> FileResponse:
        """An update file named in lastupdate.txt (``YYYYMMDDHHMMSS.export.CSV.zip``, ``.mentions.CSV.zip``)."""
        path = updates.path(name)
        if path is None:
            raise HTTPException(404, f"no update file {name!r} (older ones are deleted after some days)")
        return FileResponse(path, media_type="application/zip", filename=name)


def _add_dashboard(app: FastAPI) -> None:
    "GET / (the dashboard page) and /static (its files)."
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


_bearer = HTTPBearer(auto_error=False, description="the token in $EVENTWIRE_API_TOKEN")


def _check_token(token: str | None, given: str | None, *, route: str = "POST /documents") -> None:
    "403 when writing is disabled, 401 without the right bearer token."
    if not token:
        raise HTTPException(403, f"{route} is disabled: set EVENTWIRE_API_TOKEN to enable it")
    if given is None or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required",
                            headers={"WWW-Authenticate": "Bearer"})


__all__ = ["MAX_POST_DOCUMENTS", "STATIC_DIR", "Coding", "Watching", "create_app"]
