"""An on-disk cache of the coder's built data structures (actor dictionary, gazetteer, lexicon).

    dictionary = load_or_build("actors", files, build, cache_dir=settings.cache_dir)

Each structure is one pickle under the cache directory, named by a hash of the exact data files
it is built from (paths and bytes; a missing file counts as missing), the source of the module
that builds it, of records.py and of any other module whose classes it holds (``code``), the eventwire version and the Python version: an edited data
file or changed code misses, never hits a stale structure. A file is written under a temporary
name and renamed (``os.replace``), so workers starting together never read half of one. A
corrupt or unreadable file is rebuilt and overwritten; a directory that cannot be written only
means no cache. ``cache_dir`` is a ``Settings.cache_dir``: "" the default location
(``$XDG_CACHE_HOME/eventwire``, else ``~/.cache/eventwire``), "off" (or None) no cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from .. import records
from ..config import __version__

logger = logging.getLogger(__name__)

T = TypeVar("T")
OFF = "off"


def cache_root(cache_dir: str | None) -> Path | None:
    "The directory a cache_dir setting names; None when caching is off."
    if cache_dir is None or cache_dir.strip().lower() == OFF:
        return None
    if cache_dir.strip():
        return Path(cache_dir).expanduser()
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no home directory to put it in
        return None
    return Path(base) / "eventwire"


def load_or_build(name: str, files: Iterable[Path], build: Callable[[], T], *, cache_dir: str | None,
                  code: Iterable[Path] = ()) -> T:
    """The structure ``build()`` returns, read from the cache when built from these same files.

    ``files``: every data file ``build`` reads; ``build``: a function (the file it is defined in counts);
    ``code``: the source files of other modules whose classes the structure holds.
    """
    with _collector_paused():
        root = cache_root(cache_dir)
        if root is None:
            return build()
        return _load_or_build(root, name, [Path(f).resolve() for f in files], build, [Path(c) for c in code])


def _load_or_build(root: Path, name: str, files: list[Path], build: Callable[[], T], code: list[Path]) -> T:
    "load_or_build with caching on."
    sources = [Path(build.__code__.co_filename), Path(records.__file__), *code]
    key = _key(files, sources)
    slot = hashlib.sha256("\0".join(map(str, files)).encode()).hexdigest()[:12]
    path = root / f"{name}-{slot}-{key}.pickle"
    began = time.perf_counter()
    try:
        value = pickle.loads(path.read_bytes())
        logger.debug("%s: read from %s in %.2f s", name, path, time.perf_counter() - began)
        return value
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a torn, truncated or foreign file: rebuild it
        logger.info("%s: cache file %s unreadable (%s: %s); rebuilding", name, path, type(exc).__name__, exc)
    value = build()
    if _key(files, sources) == key:  # a file edited while building: that structure has no key
        _write(path, value, stale=root.glob(f"{name}-{slot}-*.pickle"))
    return value


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: a structure is ~200k objects, none of them garbage, which
    the collector would walk again and again (half the time of unpickling the actor dictionary).
    Here, not in a caller: loading the spaCy model turns the collector back on (srsly does)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def init_reduce(self) -> tuple:
    """A ``__reduce__`` for frozen slots dataclasses whose fields are all ``__init__`` arguments: unpickle
    through the constructor, about twice as fast as dataclasses' field-by-field ``__setstate__``."""
    return type(self), tuple(getattr(self, f.name) for f in dataclasses.fields(self))


def _key(files: list[Path], sources: list[Path]) -> str:
    "Hash of the versions, the builder's source and the data files' bytes."
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{pickle.HIGHEST_PROTOCOL}".encode())
    for path in [*sources, *files]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            digest.update(b"\0missing\0")
            continue
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:24]


def _write(path: Path, value: object, *, stale: Iterable[Path]) -> None:
    "Write a pickle atomically, then drop the slot's older files; on any OS error, write nothing."
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would keep a shared cache from its other users
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError) as exc:
        logger.debug("%s not cached (%s); built in memory", path.name, exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return
    for old in stale:
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
