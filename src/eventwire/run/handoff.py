"""One writer, many callers: how `eventwire ingest` and the readers find a server that holds a store.

INTERFACE:

    announce(db_path, url)          the server writes DB.server.json ({"pid", "url"}) when it starts
    withdraw(db_path)               ... and removes it at shutdown
    live_server(db_path) -> dict | None    the file's content while its process lives, else None

    spool = Spool(db_path)          the folder DB.spool/ beside the store, drained by the server
    ticket = spool.submit(items)    Articles and Rejections as one JSONL file (written, then renamed)
    spool.pending() -> [ticket]     in submission order;  spool.read(ticket) -> Iterator[Article | Rejected]
    spool.finish(ticket, counts, rejected)   the server's answer (done/TICKET.json), then the file goes
    spool.wait(ticket, alive=..., timeout=...) -> {"counts", "rejected"}   the submitter waits for it
    spool.prune(keep_days=7)        delete answers in done/ older than that (their submitter stopped
                                    waiting); returns how many

A server killed while it stores a spool file leaves the file in place; it is stored at the next
start, its documents already stored being skipped as unchanged inputs (``run.ingest``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import StoreError
from ..records import Article, Rejected


def _server_file(db_path: str) -> Path:
    "DB.server.json beside the store."
    return Path(f"{db_path}.server.json")


def announce(db_path: str, url: str) -> None:
    """Record that this process serves ``db_path`` at ``url``."""
    _write_atomic(_server_file(db_path), json.dumps({"pid": os.getpid(), "url": url}))


def withdraw(db_path: str) -> None:
    """Remove this process's server file (if it is still ours)."""
    found = _read_json(_server_file(db_path))
    if found and found.get("pid") == os.getpid():
        _server_file(db_path).unlink(missing_ok=True)


def live_server(db_path: str) -> dict | None:
    """The server that holds ``db_path`` ({"pid", "url"}), or None when none runs."""
    found = _read_json(_server_file(db_path))
    if not found or not isinstance(found.get("pid"), int):
        return None
    if found["pid"] == os.getpid():
        return None  # a file left by a killed server whose pid this process now has
    try:
        os.kill(found["pid"], 0)
    except ProcessLookupError:
        return None  # a server killed without removing its file
    except PermissionError:
        pass  # alive, another user's
    return found


def _read_json(path: Path) -> dict | None:
    "A small JSON file, or None when it is missing or unreadable."
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_atomic(path: Path, text: str) -> None:
    "Write a file whole or not at all (a temporary beside it, then a rename)."
    tmp = path.with_name(path.name + f".{os.getpid()}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Spool:
    """The folder beside a store where `eventwire ingest` leaves documents for the server."""

    def __init__(self, db_path: str):
        self.root = Path(f"{db_path}.spool")
        self.incoming = self.root / "incoming"
        self.done = self.root / "done"

    def submit(self, items: Iterable[Article | Rejected]) -> str:
        """Write items as one spool file; returns its ticket."""
        self.incoming.mkdir(parents=True, exist_ok=True)
        self.done.mkdir(parents=True, exist_ok=True)
        ticket = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        part = self.incoming / f"{ticket}.part"
        try:
            with part.open("w", encoding="utf-8") as out:
                for item in items:
                    out.write(json.dumps(_as_record(item), ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            part.unlink(missing_ok=True)  # nothing half-written is left for the server
            raise
        os.replace(part, self.incoming / f"{ticket}.jsonl")
        return ticket

    def pending(self) -> list[str]:
        """Tickets waiting to be stored, oldest first."""
        if not self.incoming.is_dir():
            return []
        return sorted(p.stem for p in self.incoming.glob("*.jsonl"))

    def read(self, ticket: str) -> Iterator[Article | Rejected]:
        """The items of a spool file, as submitted."""
        with (self.incoming / f"{ticket}.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                yield _from_record(json.loads(line))

    def finish(self, ticket: str, counts: dict, rejected: list[Rejected]) -> None:
        """Answer the submitter and drop the spool file."""
        self.done.mkdir(parents=True, exist_ok=True)
        answer = {"counts": counts, "rejected": [[r.doc_id, r.reason] for r in rejected]}
        _write_atomic(self.done / f"{ticket}.json", json.dumps(answer))
        (self.incoming / f"{ticket}.jsonl").unlink(missing_ok=True)

    def fail(self, ticket: str, error: str) -> None:
        """The server could not store a spool file: keep it in failed/ and answer the submitter why."""
        failed = self.incoming / "failed"
        failed.mkdir(parents=True, exist_ok=True)
        source = self.incoming / f"{ticket}.jsonl"
        if source.exists():
            os.replace(source, failed / source.name)
        self.done.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.done / f"{ticket}.json", json.dumps({"error": error}))

    def prune(self, *, keep_days: float, now: float | None = None) -> int:
        """Delete the answers in done/ older than ``keep_days`` (no submitter collected them); returns how many."""
        if not self.done.is_dir():
            return 0
        cutoff = (time.time() if now is None else now) - keep_days * 86400
        pruned = 0
        for answer in self.done.glob("*.json"):
            try:
                if answer.stat().st_mtime < cutoff:
                    answer.unlink()
                    pruned += 1
            except FileNotFoundError:  # its submitter collected it meanwhile
                continue
        return pruned

    def wait(self, ticket: str, *, alive: Callable[[], bool], timeout: float | None = None,
             every: float = 0.2) -> dict:
        """The server's answer to a ticket; StoreError when the server stops first or time runs out."""
        answer_file = self.done / f"{ticket}.json"
        deadline = None if timeout is None else time.monotonic() + timeout
        while not answer_file.exists():
            if not alive():
                raise StoreError("the server stopped before storing the documents: they wait in "
                                 f"{self.incoming} and are stored when it starts again")
            if deadline is not None and time.monotonic() > deadline:
                raise StoreError(f"the server has not stored the documents yet: they wait in {self.incoming}")
            time.sleep(every)
        answer = json.loads(answer_file.read_text(encoding="utf-8"))
        answer_file.unlink(missing_ok=True)
        if "error" in answer:
            raise StoreError(f"the server could not store the documents ({answer['error']}); "
                             f"they are kept in {self.incoming / 'failed'}")
        return answer


def _as_record(item: Article | Rejected) -> dict:
    "An item as one JSON object (dates as ISO strings)."
    if isinstance(item, Rejected):
        return {"rejected": dataclasses.asdict(item)}
    article = dataclasses.asdict(item)
    if item.published is not None:
        article["published"] = item.published.isoformat()
    return {"article": article}


def _from_record(record: dict) -> Article | Rejected:
    "An item back from its JSON object."
    if "rejected" in record:
        return Rejected(**record["rejected"])
    article = record["article"]
    if article.get("published"):
        article["published"] = dt.date.fromisoformat(article["published"])
    return Article(**article)


__all__ = ["Spool", "announce", "live_server", "withdraw"]
