"""GDELT-style update files: the events new or changed since the last file, zipped, beside the store.

INTERFACE:

    files = write_update(store, folder, now=dt.datetime)   # -> UpdateFiles, or None when nothing changed
        # folder/YYYYMMDDHHMMSS.export.CSV.zip: the 61 tab-separated columns of `export --format gdelt`
        #   (``exports.GDELT_COLUMNS``), no header
        # folder/YYYYMMDDHHMMSS.mentions.CSV.zip: GDELT 2.0's 16 mentions columns (``MENTION_COLUMNS``)
    latest_files(store, folder) -> list[Path]       the last update's files (lastupdate.txt's lines)
    prune_updates(folder, keep_days=7, now=...) -> [removed names]   files older than ``keep_days``
    UPDATE_NAME                                     the pattern of a file's name

Which events: each batch (and each analyst's correction) gives the events it creates, changes or
empties a new change number (``changes``). A file holds the events whose number is above the
last file's and at most the highest committed when it is cut (read under the writer's lock, so
no batch is half in), in their current state (analysts' corrections win, rejected events left
out, as ``export``), and every current mention of them. The files are written whole (a temporary,
then a rename) before ``update_files`` records them: a crash in between puts the same events in
the next file again; none is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .core import Store
from .exports import gdelt_lines_of

logger = logging.getLogger(__name__)

UPDATE_NAME = re.compile(r"^(\d{14})\.(export|mentions)\.CSV\.zip$")

# GDELT 2.0's mentions columns; what each holds here ("" where eventwire has nothing to put)
MENTION_COLUMNS = [
    "GLOBALEVENTID",  # as in the export file
    "EventTimeDate",  # the event's DATEADDED (YYYYMMDDHHMMSS, UTC)
    "MentionTimeDate",  # when the mention's document was stored
    "MentionType",  # 1: a web document
    "MentionSourceName",  # the document's source, else its URL's host
    "MentionIdentifier",  # the document's URL, else its id
    "SentenceID",  # empty: offsets are given instead (Extras)
    "Actor1CharOffset", "Actor2CharOffset",  # empty
    "ActionCharOffset",  # the sentence's first character in the cleaned text
    "InRawText",  # 0: offsets are into the cleaned text
    "Confidence",  # the mention's confidence as a percentage (0-100)
    "MentionDocLen",  # characters of the cleaned text
    "MentionDocTone", "MentionDocTranslationInfo",  # empty
    "Extras",  # <SENTENCE_OFFSETS>start,end</SENTENCE_OFFSETS>
]

_CHANGED = ("(SELECT c.* FROM {source} WHERE c.event_id IN (SELECT event_id FROM event_changes "
            "WHERE change_seq > ? AND change_seq <= ?)) AS e")

_MENTIONS_SQL = """
SELECT m.event_id, m.sentence_start, m.sentence_end, m.confidence, d.doc_id, d.url, d.source,
       d.ingested_at, length(d.text) AS doc_len, root.ingested_at AS event_added
FROM mentions m
JOIN {changed} ON e.event_id = m.event_id
LEFT JOIN documents d ON d.doc_id = m.doc_id
LEFT JOIN documents root ON root.doc_id = e.doc_id
ORDER BY m.event_id, m.mention_id
"""


@dataclass(frozen=True, slots=True)
class UpdateFiles:
    """One update: its name (YYYYMMDDHHMMSS), its two files, and how many rows each holds."""

    name: str
    export: Path
    mentions: Path
    events: int
    mention_rows: int


def write_update(store: Store, folder: str | os.PathLike, *, now: dt.datetime) -> UpdateFiles | None:
    """Write the events changed since the last update file (and their mentions); None when none changed."""
    last = store.last_update()
    since = last["change_seq"] if last else 0
    mark = store.change_mark()
    if mark <= since:
        return None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = _free_name(now, after=last["name"] if last else None)
    changed = _CHANGED.replace("{source}", store.events_source(alias="c"))
    export = _zip_lines(folder, f"{name}.export.CSV", gdelt_lines_of(store, changed, (since, mark)))
    rows = store.query_arrow(_MENTIONS_SQL.replace("{changed}", changed), (since, mark))
    mentions = _zip_lines(folder, f"{name}.mentions.CSV", _mention_lines(rows))
    store.record_update(name, change_seq=mark, events=export[1], mentions=mentions[1])
    logger.info("update %s: %d events, %d mentions (changes %d-%d)", name, export[1], mentions[1], since + 1, mark)
    return UpdateFiles(name=name, export=export[0], mentions=mentions[0], events=export[1], mention_rows=mentions[1])


def _free_name(now: dt.datetime, *, after: str | None) -> str:
    "YYYYMMDDHHMMSS of ``now`` (UTC), a second later than the last update's name when it is not later."
    stamp = now.astimezone(dt.timezone.utc) if now.tzinfo else now
    name = stamp.strftime("%Y%m%d%H%M%S")
    if after is not None and name <= after:
        name = (dt.datetime.strptime(after, "%Y%m%d%H%M%S") + dt.timedelta(seconds=1)).strftime("%Y%m%d%H%M%S")
    return name


def _zip_lines(folder: Path, member: str, lines: Iterator[str]) -> tuple[Path, int]:
    "Zip ``lines`` as ``member`` into folder/member.zip, whole or not at all; returns the path and the count."
    path = folder / f"{member}.zip"
    part = folder / f".{member}.zip.part"
    count = 0
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(member, "w") as out:
            for line in lines:
                out.write(line.encode("utf-8"))
                count += 1
    with open(part, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(part, path)
    return path, count


def _mention_lines(reader) -> Iterator[str]:
    "One tab-separated GDELT 2.0 mentions line per mention row."
    for batch in reader:
        for row in batch.to_pylist():
            yield "\t".join(_cell(v) for v in _mention_record(row)) + "\n"


def _mention_record(row: dict) -> list:
    "The MENTION_COLUMNS values of one mention row."
    added = row["event_added"].strftime("%Y%m%d%H%M%S") if row["event_added"] else None
    stored = row["ingested_at"].strftime("%Y%m%d%H%M%S") if row["ingested_at"] else None
    confidence = round(row["confidence"] * 100) if row["confidence"] is not None else None
    offsets = f"<SENTENCE_OFFSETS>{row['sentence_start']},{row['sentence_end']}</SENTENCE_OFFSETS>"
    return [int(row["event_id"][:15], 16), added, stored, 1, row["source"] or _host(row["url"]),
            row["url"] or row["doc_id"], None, None, None, row["sentence_start"], 0, confidence,
            row["doc_len"], None, None, offsets]


def _host(url: str | None) -> str | None:
    "The host of a URL (None without one)."
    match = re.match(r"^[a-z][a-z0-9+.-]*://([^/:?#]+)", url or "", re.I)
    return match.group(1) if match else None


def _cell(value) -> str:
    "A tab-separated cell: empty for None, tabs and newlines flattened."
    return "" if value is None else str(value).replace("\t", " ").replace("\n", " ")


def latest_files(store: Store, folder: str | os.PathLike) -> list[Path]:
    """The export and mentions files of the last update still on disk (lastupdate.txt's lines)."""
    last = store.last_update()
    if last is None:
        return []
    paths = [Path(folder) / f"{last['name']}.{kind}.CSV.zip" for kind in ("export", "mentions")]
    return [p for p in paths if p.is_file()]


def prune_updates(folder: str | os.PathLike, *, keep_days: float, now: dt.datetime) -> list[str]:
    """Remove update files whose name is more than ``keep_days`` days before ``now``; returns their names."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stamp = now.astimezone(dt.timezone.utc).replace(tzinfo=None) if now.tzinfo else now
    cutoff = (stamp - dt.timedelta(days=keep_days)).strftime("%Y%m%d%H%M%S")
    removed = []
    for path in sorted(folder.iterdir()):
        match = UPDATE_NAME.match(path.name)
        if match and match.group(1) < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


__all__ = ["MENTION_COLUMNS", "UPDATE_NAME", "UpdateFiles", "latest_files", "prune_updates", "write_update"]
