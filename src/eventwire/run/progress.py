"""A progress bar for long runs: documents/s and ETA on stderr, silent when stderr is not a terminal.

    for item in track(items, total=None, label="coding"):   # an iterator, passed through unchanged
        ...

``total`` (when known, e.g. the number of input files' lines) gives an ETA; without it the
bar shows the count and the rate. ``enabled=None`` means: only when stderr is a TTY, so
pipes, logs and tests stay clean. The bar is tqdm (installed with spaCy).
"""

from __future__ import annotations

import logging
import sys
from typing import Iterable, Iterator, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Redraw at most this often (seconds): cheap for 10,000 small documents a second.
_MIN_INTERVAL = 0.5


def progress_enabled(stream=None) -> bool:
    """Whether a bar would be shown on ``stream`` (stderr by default): only on a terminal."""
    stream = stream if stream is not None else sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def track(items: Iterable[T], *, total: int | None = None, label: str = "documents",
          enabled: bool | None = None, stream=None) -> Iterator[T]:
    """Yield ``items`` unchanged, drawing a bar with documents/s (and ETA when ``total`` is known)."""
    stream = stream if stream is not None else sys.stderr
    if not (progress_enabled(stream) if enabled is None else enabled):
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="doc", file=stream, mininterval=_MIN_INTERVAL,
              dynamic_ncols=True, leave=False) as bar:
        for item in items:
            yield item
            bar.update(1)
