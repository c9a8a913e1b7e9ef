"""Reads of a served store from another process: Arrow routes on the server, and their client.

DuckDB lets one process open a store file; while `eventwire serve` holds it, `eventwire export`
and ``eventwire.open(DB)`` read through the server instead. The rows cross the process as an
Arrow IPC stream, so the caller gets the very values (and types) a direct read gives, and
formats them with the same code: a served export has the same bytes as a direct one.

    add_arrow_routes(app)               GET /arrow/events, /arrow/export, /arrow/mentions/{event_id},
                                        /arrow/actors, /arrow/dyads/{a}/{b}/series (read-only)
    served = ServedStore("http://127.0.0.1:8000")
    with served.export_reader(include_rejected=False) as reader:   # a pyarrow RecordBatchReader
        write_export(reader, "events.tsv", fmt="gdelt")            # store.exports
    db = ServedDatabase(served)         # store.database.Database's reads: events, events_arrow,
                                        # events_polars, mentions, dyad_series, actors, stats, export

A ``ServedStore`` offers the reads ``Database`` makes and nothing else: any other attribute
raises ``StoreError`` naming what to do (stop the server, or use its REST API). ``stats()`` is
the server's GET /stats (dates as dates, run times as ISO strings, plus ``watch``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import quote

import httpx
import pyarrow as pa
from fastapi import FastAPI, Query, Request
from fastapi.responses import StreamingResponse

from ..errors import StoreError
from ..store import Store
from ..store.database import Database
from ..store.exports import export_reader, write_export
from .models import ErrorOut, Freq

logger = logging.getLogger(__name__)

ARROW_TYPE = "application/vnd.apache.arrow.stream"
_ARROW_RESPONSE = {200: {"content": {ARROW_TYPE: {}}, "description": "an Arrow IPC stream"},
                   400: {"model": ErrorOut, "description": "an unusable parameter"}}
_TIMEOUT = httpx.Timeout(60.0, read=600.0)  # a large export's first batch can take a while


# -- the server side ----------------------------------------------------------------------

def add_arrow_routes(app: FastAPI) -> None:
    "The read-only Arrow routes another process reads a served store through."

    @app.get("/arrow/events", response_class=StreamingResponse, responses=_ARROW_RESPONSE)
    def arrow_events(request: Request, actor: str | None = None, recipient: str | None = None,
                     either: str | None = None, types: list[str] | None = Query(None),
                     quad_class: int | None = Query(None, ge=1, le=4), country: str | None = None,
                     since: dt.date | None = None, until: dt.date | None = None, text: str | None = None,
                     limit: int | None = Query(None, ge=1), include_hypothetical: bool = False,
                     include_rejected: bool = False, language: str | None = None) -> StreamingResponse:
        """The events ``eventwire.open(DB).events_arrow(...)`` selects, as an Arrow IPC stream."""
        options = dict(actor=actor, recipient=recipient, either=either, types=types, quad_class=quad_class,
                       country=country, since=since, until=until, text=text, limit=limit,
                       include_hypothetical=include_hypothetical, include_rejected=include_rejected,
                       language=language)
        return _arrow_response(request, lambda db: db.events_arrow(**options).to_reader())

    @app.get("/arrow/export", response_class=StreamingResponse, responses=_ARROW_RESPONSE)
    def arrow_export(request: Request, include_rejected: bool = False, language: str | None = None) -> StreamingResponse:
        """The rows `eventwire export` writes every format from (``store.exports.export_reader``)."""
        return _arrow_response(request, lambda db: export_reader(db, include_rejected=include_rejected,
                                                                 language=language))

    @app.get("/arrow/mentions/{event_id}", response_class=StreamingResponse, responses=_ARROW_RESPONSE)
    def arrow_mentions(request: Request, event_id: str) -> StreamingResponse:
        """The mentions of one event (``Store.mentions_of``)."""
        return _arrow_response(request, lambda db: _rows_reader(db.mentions_of(event_id)))

    @app.get("/arrow/actors", response_class=StreamingResponse, responses=_ARROW_RESPONSE)
    def arrow_actors(request: Request, q: str | None = None,
                     limit: int = Query(100, ge=1, le=100_000)) -> StreamingResponse:
        """Actors with their event counts (``Store.actors``)."""
        return _arrow_response(request, lambda db: _rows_reader(db.actors(q, limit=limit)))

    @app.get("/arrow/dyads/{a}/{b}/series", response_class=StreamingResponse, responses=_ARROW_RESPONSE)
    def arrow_dyad_series(request: Request, a: str, b: str, freq: Freq = "week", directed: bool = True,
                          include_hypothetical: bool = False) -> StreamingResponse:
        """A dyad's events per period (``Store.dyad_series``)."""
        return _arrow_response(request, lambda db: _rows_reader(db.dyad_series(
            a, b, freq=freq, directed=directed, include_hypothetical=include_hypothetical)))


def _rows_reader(rows: list[dict]) -> pa.RecordBatchReader:
    "Dict rows as an Arrow reader (the client turns them back into the same dicts)."
    return pa.Table.from_pylist(rows).to_reader()


def _arrow_response(request: Request, read: Callable[[Store], pa.RecordBatchReader]) -> StreamingResponse:
    "Stream what ``read`` gives on a session of its own (closed when the stream ends) as Arrow IPC."
    session = request.app.state.store.session()
    try:
        reader = read(session)  # errors (a bad freq: InputError) raise before the 200 is sent
    except BaseException:
        session.close()
        raise
    return StreamingResponse(_ipc_chunks(reader, on_end=session.close), media_type=ARROW_TYPE)


def _ipc_chunks(reader: pa.RecordBatchReader, *, on_end: Callable[[], None]) -> Iterator[bytes]:
    "The Arrow IPC stream of a reader, a batch at a time."
    sink = _Sink()
    try:
        with pa.ipc.new_stream(sink, reader.schema) as stream:
            for batch in reader:
                stream.write_batch(batch)
                yield sink.take()
        yield sink.take()
    finally:
        on_end()


class _Sink(io.RawIOBase):
    """A write-only file that hands back what was written since the last take."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        chunk, self._parts = b"".join(self._parts), []
        return chunk


# -- the client side ----------------------------------------------------------------------

class ServedStore:
    """The reads ``Database`` makes, answered by the server at ``url`` that holds the store."""

    def __init__(self, url: str, *, db_path: str | None = None):
        self.url = url.rstrip("/")
        self.db_path = db_path

    def events_arrow(self, *, actor: str | None = None, recipient: str | None = None, either: str | None = None,
                     types: Sequence[str] | None = None, quad_class: int | None = None,
                     country: str | None = None, since: dt.date | str | None = None,
                     until: dt.date | str | None = None, text: str | None = None, limit: int | None = None,
                     include_hypothetical: bool = False, include_rejected: bool = False,
                     language: str | None = None) -> pa.Table:
        """``Store.events_arrow`` through GET /arrow/events."""
        params = dict(actor=actor, recipient=recipient, either=either, types=list(types) if types else None,
                      quad_class=quad_class, country=country, since=_iso(since), until=_iso(until), text=text,
                      limit=limit, include_hypothetical=include_hypothetical, include_rejected=include_rejected,
                      language=language)
        return self._table("/arrow/events", params)

    def mentions_of(self, event_id: str) -> list[dict]:
        """``Store.mentions_of`` through GET /arrow/mentions/{event_id}."""
        return self._table(f"/arrow/mentions/{_quote(event_id)}", {}).to_pylist()

    def actors(self, q: str | None = None, *, limit: int = 100) -> list[dict]:
        """``Store.actors`` through GET /arrow/actors."""
        return self._table("/arrow/actors", {"q": q, "limit": limit}).to_pylist()

    def dyad_series(self, a: str, b: str, *, freq: str = "week", directed: bool = True,
                    include_hypothetical: bool = False) -> list[dict]:
        """``Store.dyad_series`` through GET /arrow/dyads/{a}/{b}/series."""
        return self._table(f"/arrow/dyads/{_quote(a)}/{_quote(b)}/series",
                           {"freq": freq, "directed": directed, "include_hypothetical": include_hypothetical}).to_pylist()

    def stats(self) -> dict:
        """The server's GET /stats (``watch`` included; run times stay ISO strings)."""
        stats = self._get_json("/stats")
        for key in ("first_date", "last_date"):
            if stats.get(key):
                stats[key] = dt.date.fromisoformat(stats[key])
        return stats

    @contextmanager
    def export_reader(self, *, include_rejected: bool = False,
                      language: str | None = None) -> Iterator[pa.RecordBatchReader]:
        """The export rows (``store.exports.export_reader``) as they stream from the server."""
        with self._stream("/arrow/export", {"include_rejected": include_rejected, "language": language}) as reader:
            yield reader

    def close(self) -> None:
        """Nothing to close: each read is one request."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise StoreError(f"{name} is not served: the eventwire server at {self.url} holds "
                         f"{self.db_path or 'the store'}, and only reads (events, events_arrow, mentions, "
                         "dyad_series, actors, stats, export) go through it; stop the server to use "
                         f"{name}, or call its REST API")

    # -- requests ----------------------------------------------------------------

    def _table(self, route: str, params: dict) -> pa.Table:
        "A whole Arrow table from a route."
        with self._stream(route, params) as reader:
            return reader.read_all()

    @contextmanager
    def _stream(self, route: str, params: dict) -> Iterator[pa.RecordBatchReader]:
        "An Arrow reader over a route's streamed answer; StoreError (one line) when the server fails."
        try:
            with httpx.stream("GET", self.url + route, params=_params(params), timeout=_TIMEOUT) as response:
                if response.status_code != 200:
                    response.read()
                    raise StoreError(f"the server at {self.url} refused {route}: {_detail(response)}")
                yield pa.ipc.open_stream(_ResponseFile(response.iter_bytes()))
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise StoreError(f"the server at {self.url} holds the store but did not answer {route}: {exc}") from exc
        except pa.ArrowInvalid as exc:
            raise StoreError(f"the server at {self.url} sent a broken answer to {route}: {exc}") from exc

    def _get_json(self, route: str) -> dict:
        "A JSON answer of a route."
        try:
            response = httpx.get(self.url + route, timeout=_TIMEOUT)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise StoreError(f"the server at {self.url} holds the store but did not answer {route}: {exc}") from exc
        if response.status_code != 200:
            raise StoreError(f"the server at {self.url} refused {route}: {_detail(response)}")
        return response.json()


class ServedDatabase(Database):
    """``eventwire.open(DB)`` while a server holds DB: ``Database``'s reads, through the server.

    Read-only (``Database`` writes nothing anyway); ``db.store`` is a ``ServedStore``, so a
    ``Store`` method other than those reads raises ``StoreError`` saying what to do."""

    def __init__(self, store: ServedStore):
        super().__init__(store)  # type: ignore[arg-type] - the reads Database makes, served

    def export(self, path: str | os.PathLike, *, format: str, language: str | None = None) -> int:  # noqa: A002
        """Write every event (of one ``language``) to ``path`` (jsonl, csv, parquet, gdelt or plover); returns the count."""
        with self.store.export_reader(language=language) as reader:
            return write_export(reader, path, fmt=format)

    def __repr__(self) -> str:
        return f"<ServedDatabase {self.store.db_path or ''} via {self.store.url}>"


class _ResponseFile(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (an HTTP body as it streams)."""

    def __init__(self, chunks: Iterator[bytes]):
        super().__init__()
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0  # the end of the body
            self._pending = memoryview(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _params(params: dict) -> dict:
    "Query parameters without the unset ones (booleans as true/false)."
    return {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items() if v is not None}


def _iso(value: dt.date | str | None) -> str | None:
    "A date option as the ISO string the server parses."
    return value.isoformat() if isinstance(value, dt.date) else value


def _quote(part: str) -> str:
    "A path segment, escaped."
    return quote(part, safe="")


def _detail(response: httpx.Response) -> str:
    "The error detail of a refused request."
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return f"HTTP {response.status_code}" + (f": {detail}" if detail else "")


__all__ = ["ARROW_TYPE", "ServedDatabase", "ServedStore", "add_arrow_routes"]
