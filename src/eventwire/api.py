"""The REST API and the dashboard, over one DuckDB store.

    app = create_app("eventwire.duckdb")                 # token from $EVENTWIRE_API_TOKEN
    app = create_app(":memory:", token="s3cret", coder=my_coder)

Routes (all GET routes are read-only; see ``create_app``):

    GET  /                              the dashboard (web/static: plain HTML, JS, CSS; no CDN)
    GET  /health                        {"status": "ok", "version": ...}
    GET  /events                        ?actor&recipient&either&type&quad_class&country&since&until
                                        &q&limit(1..1000)&cursor&include_hypothetical -> EventPage
    GET  /events/{event_id}             one deduplicated event with its mentions (doc title, url)
    GET  /documents/{doc_id}            a stored document: cleaned text, title, date, url
    GET  /dyads/{a}/{b}/series          ?freq=day|week|month|quarter|year&directed -> counts per quad
    GET  /summary, /stats, /actors?q, /network?since&until
    POST /documents                     one document or a list (CONTRACT input shape); needs
                                        ``Authorization: Bearer <token>``; 403 when no token is set

Errors: ``EventwireError`` subclasses map to statuses in one handler (``InputError`` 400,
``ArticleRejected`` 422, others 500); unknown ids give 404.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .config import __version__
from .errors import ArticleRejected, ConfigError, EventwireError, InputError
from .store import Store, encode_cursor

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "web" / "static"
MAX_POST_DOCUMENTS = 100  # one request codes at most this many documents (about a minute of CPU)
_STATUS = {InputError: 400, ArticleRejected: 422, ConfigError: 500}

Coder = Callable[[list[dict]], tuple[list, list, list]]


# -- response and request models ---------------------------------------------

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


# -- the app --------------------------------------------------------------------

def _session(request: Request) -> Iterator[Store]:
    "One cursor per request: a DuckDB connection is never shared by two threads at once."
    session = request.app.state.store.session()
    try:
        yield session
    finally:
        session.close()


Session = Annotated[Store, Depends(_session)]


def create_app(db_path: str, *, token: str | None = None, coder: Coder | None = None,
               read_only: bool = False) -> FastAPI:
    """The FastAPI app over the store at ``db_path``; POST /documents needs ``token`` and ``coder``."""
    if token is None:
        token = os.environ.get("EVENTWIRE_API_TOKEN") or None
    store = Store.open(db_path, read_only=read_only)

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

    @app.get("/events", response_model=EventPage)
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
    ) -> EventPage:
        rows = db.events(actor=actor, recipient=recipient, either=either, event_type=type,
                         quad_class=quad_class, country=country, since=since, until=until, text=q,
                         limit=limit, cursor=cursor, include_hypothetical=include_hypothetical)
        next_cursor = encode_cursor(rows[-1]) if len(rows) == limit else None
        return EventPage(events=rows, count=len(rows), next_cursor=next_cursor)

    @app.get("/events/{event_id}", response_model=EventDetail)
    def get_event(event_id: str, db: Session) -> EventDetail:
        row = db.event(event_id)
        if row is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return EventDetail(**row, mentions=db.mentions_of(event_id))

    @app.get("/documents/{doc_id:path}", response_model=DocumentOut)
    def get_document(doc_id: str, db: Session) -> DocumentOut:
        row = db.document(doc_id)
        if row is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return DocumentOut(**row)

    @app.get("/dyads/{a}/{b}/series", response_model=DyadSeries)
    def dyad_series(a: str, b: str, db: Session, freq: str = "week", directed: bool = True) -> DyadSeries:
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

    @app.post("/documents", response_model=IngestResult)
    def post_documents(body: DocumentIn | list[DocumentIn], db: Session,
                       authorization: str | None = Header(None)) -> IngestResult:
        _check_token(token, authorization)
        if coder is None:
            raise HTTPException(503, "this server has no coder: POST /documents is unavailable")
        docs = body if isinstance(body, list) else [body]
        if len(docs) > MAX_POST_DOCUMENTS:
            raise HTTPException(413, f"at most {MAX_POST_DOCUMENTS} documents per request")
        articles, rejected, events = coder([d.model_dump(exclude_none=True) for d in docs])
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


def _check_token(token: str | None, authorization: str | None) -> None:
    "403 when writing is disabled, 401 without the right bearer token."
    if not token:
        raise HTTPException(403, "POST /documents is disabled: set EVENTWIRE_API_TOKEN to enable it")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required",
                            headers={"WWW-Authenticate": "Bearer"})
