"""The update files of `serve`: a thread that cuts one every ``every`` seconds, and GET /updates/*.

INTERFACE:

    publisher = Publisher(db_path, every=900, keep_days=7)   # files in DB.updates/ beside the store
    publisher.start(store)            # a daemon thread: a file every ``every`` seconds (none when
                                      # nothing changed), then files older than ``keep_days`` removed
    publisher.publish(store, now=...) # one cut and prune now (tests call it with their own clock)
    publisher.lastupdate(store, base_url) -> str     "SIZE MD5 URL" per file of the last update
    publisher.path(name) -> Path | None              an update file to serve, None when not one
    publisher.stop()

The files themselves (which events, the columns) are ``store.updates``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from pathlib import Path

from ..store import Store
from ..store.updates import UPDATE_NAME, latest_files, prune_updates, write_update

logger = logging.getLogger(__name__)


class Publisher:
    """Writes the GDELT-style update files of a served store on a thread, and finds them for the routes."""

    def __init__(self, db_path: str, *, every: float, keep_days: float):
        self.folder = Path(f"{db_path}.updates")
        self.every = every
        self.keep_days = keep_days
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, store: Store) -> None:
        """Cut a file every ``every`` seconds on a daemon thread (the first one ``every`` seconds from now)."""
        self._thread = threading.Thread(target=self._run, args=(store,), name="eventwire-updates", daemon=True)
        self._thread.start()

    def stop(self, *, timeout: float = 30.0) -> None:
        """Stop the thread (a file being written is finished first, at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, store: Store) -> None:
        "The loop: wait ``every`` seconds, publish, until stopped."
        while not self._stop.wait(self.every):
            session = store.session()
            try:
                self.publish(session, now=dt.datetime.now(dt.timezone.utc))
            except Exception:  # noqa: BLE001 - the service outlives one failed file
                logger.exception("updates: the update file failed; trying again at the next one")
            finally:
                session.close()

    def publish(self, store: Store, *, now: dt.datetime) -> str | None:
        """Write the update file of what changed (if anything) and prune old ones; returns its name."""
        files = write_update(store, self.folder, now=now)
        for name in prune_updates(self.folder, keep_days=self.keep_days, now=now):
            logger.info("updates: removed %s (older than %g days)", name, self.keep_days)
        return files.name if files else None

    def lastupdate(self, store: Store, base_url: str) -> str:
        """GDELT's lastupdate.txt: ``SIZE MD5 URL`` for each file of the last update."""
        lines = []
        for path in latest_files(store, self.folder):
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{path.stat().st_size} {digest} {base_url.rstrip('/')}/updates/{path.name}")
        return "".join(line + "\n" for line in lines)

    def path(self, name: str) -> Path | None:
        """The update file ``name`` when it is one and exists, else None (no other file is served)."""
        if not UPDATE_NAME.match(name):
            return None
        path = self.folder / name
        return path if path.is_file() else None


__all__ = ["Publisher"]
