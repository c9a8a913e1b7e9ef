"""Plain frozen records passed between pipeline stages.

Every stage takes records and returns new ones; none is ever mutated. They pickle
cleanly, so the process pool and Ray ship them to workers as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Article:
    """One input document, before or after cleaning.

    ``text`` is the body; ``title`` the headline (coded too, as its own section).
    ``kind`` is ``article`` for a main story, ``teaser`` for a "More from ..." item
    and ``caption`` for a photo caption split off a page; ``parent`` names the page
    a teaser or caption came from. ``published`` is the publication date when known.
    """

    id: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    source: str | None = None
    kind: str = "article"
    parent: str | None = None
    language: str | None = None
    html: str | None = None
    origin: str | None = None  # file (and line) the document was read from


@dataclass(frozen=True, slots=True)
class Rejected:
    """A document that could not be coded, and why."""

    doc_id: str
    reason: str
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved actor: the words in the text and what they stand for."""

    text: str
    name: str
    code: str | None  # ISO 3166 alpha-3, or IGO / UNO / NGO / ...
    sector: str | None  # PLOVER sector: GOV, MIL, REB, COP, JUD, LEG, OPP, CVL, ...
    start: int = -1  # character offsets into the section text, -1 when unknown
    end: int = -1

    def as_dict(self) -> dict:
        return {"text": self.text, "name": self.name, "code": self.code, "sector": self.sector}


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place."""

    text: str
    name: str
    country: str | None  # ISO3
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "city"  # city | admin1 | admin2 | region | country | site
    geonameid: int | None = None
    start: int = -1
    end: int = -1

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "geonameid": self.geonameid,
        }


@dataclass(frozen=True, slots=True)
class EventType:
    """What a trigger means in PLOVER terms."""

    event_type: str
    mode: str | None = None
    contexts: tuple[str, ...] = ()
    cameo: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event in one sentence (a mention of an event)."""

    event_id: str
    doc_id: str
    event_type: str
    mode: str | None
    contexts: tuple[str, ...]
    actor: Actor
    recipient: Actor | None
    date: dt.date | None
    date_precision: str
    location: Place | None
    sentence: str
    sentence_start: int
    sentence_end: int
    section: str  # "text" or "title": which field the offsets refer to
    trigger: str
    negated: bool
    hypothetical: bool
    confidence: float
    quad_class: int
    cameo: str | None
    score: float
    coder_version: str
    doc_kind: str = "article"

    def as_dict(self) -> dict:
        """The record of ../shared/CONTRACT.md, with our added fields after it."""
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "event_type": self.event_type,
            "mode": self.mode,
            "contexts": list(self.contexts),
            "actor": self.actor.as_dict(),
            "recipient": self.recipient.as_dict() if self.recipient else None,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision,
            "location": self.location.as_dict() if self.location else None,
            "sentence": self.sentence,
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
            "trigger": self.trigger,
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "confidence": self.confidence,
            "quad_class": self.quad_class,
            "cameo": self.cameo,
            "score": self.score,
            "coder_version": self.coder_version,
            "section": self.section,
            "doc_kind": self.doc_kind,
        }


@dataclass(frozen=True, slots=True)
class Coded:
    """One input article, cleaned into one or more documents, each with its events."""

    article: Article
    documents: tuple[tuple[Article, tuple[Event, ...]], ...]


def event_id(doc_id: str, section: str, start: int, end: int, event_type: str,
              actor: Actor, recipient: Actor | None) -> str:
    "Stable hash of doc id, sentence span, type, actor and recipient."
    parts = [doc_id, section, str(start), str(end), event_type, actor.code or "", actor.name,
             (recipient.code or "") if recipient else "", recipient.name if recipient else ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
