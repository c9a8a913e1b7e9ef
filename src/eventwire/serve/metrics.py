"""GET /metrics: the service's counters and gauges in the Prometheus text format (version 0.0.4).

    text = render_metrics(store_stats, watcher_metrics)   # watcher_metrics None without a watcher

Store gauges come from ``Store.stats()`` (rows per table, rejected documents per reason); the
watcher's counters (documents fetched, stored, events stored, fetch failures and rejections per
reason since start), the last poll's duration and the queue depth from ``Watching.metrics()``.
"""

from __future__ import annotations

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    "A label value escaped as the text format asks."
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _family(lines: list[str], name: str, kind: str, help_text: str, samples) -> None:
    "One metric family: HELP, TYPE, then ``(labels, value)`` samples."
    lines.append(f"# HELP eventwire_{name} {help_text}")
    lines.append(f"# TYPE eventwire_{name} {kind}")
    for labels, value in samples:
        tag = "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}" if labels else ""
        number = value if isinstance(value, int) and not isinstance(value, bool) else repr(float(value))
        lines.append(f"eventwire_{name}{tag} {number}")  # exact: :g would print 1234567 as 1.23457e+06


def render_metrics(stats: dict, watcher: dict | None) -> str:
    """The Prometheus text of the store's stats and the watcher's metrics."""
    lines: list[str] = []
    _family(lines, "store_rows", "gauge", "Rows per store table.",
            [({"table": t}, n) for t, n in sorted(stats["tables"].items())])
    _family(lines, "store_rejected_documents", "gauge", "Rejected documents in the store, per reason.",
            [({"reason": r}, n) for r, n in sorted(stats["rejected_reasons"].items())])
    if watcher is not None:
        _family(lines, "documents_fetched_total", "counter", "Feeds and pages fetched by the watcher.",
                [({}, watcher["documents_fetched"])])
        _family(lines, "documents_stored_total", "counter", "Documents stored by the watcher and the ingest spool.",
                [({}, watcher["documents_stored"])])
        _family(lines, "events_stored_total", "counter", "Event mentions stored by the watcher and the ingest spool.",
                [({}, watcher["events_stored"])])
        _family(lines, "documents_rejected_total", "counter", "Documents rejected since start, per reason.",
                [({"reason": r}, n) for r, n in sorted(watcher["rejected"].items())])
        _family(lines, "fetch_failures_total", "counter", "Failed fetches since start, per reason.",
                [({"reason": r}, n) for r, n in sorted(watcher["fetch_failures"].items())])
        _family(lines, "polls_total", "counter", "Polls of every source.", [({}, watcher["polls"])])
        _family(lines, "poll_duration_seconds", "gauge", "Seconds the last poll took.", [({}, watcher["poll_seconds"])])
        _family(lines, "queue_depth", "gauge", "Items and spool files waiting to be stored.",
                [({}, watcher["queue_depth"])])
    return "\n".join(lines) + "\n"


__all__ = ["CONTENT_TYPE", "render_metrics"]
