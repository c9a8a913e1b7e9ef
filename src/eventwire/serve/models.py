"""The API's request and response models (pydantic: the only untrusted input is here).

INTERFACE: one model per JSON shape the API reads or writes, named as in /openapi.json:

    DocumentIn                 POST /documents body (CONTRACT.md input shape), one or a list
    CorrectionIn(LocationIn)   POST /events/{id}/corrections body; CorrectionOut: a trail row
    Health, EventPage(EventOut), EventDetail(MentionOut), DocumentOut, PlaceOut, DyadSeries,
    Summary, Stats, ActorOut, Network, EventMap (GeoJSON), Trends, IngestResult, ErrorOut
    EventSort, Freq            the values of /events?sort= and /dyads/.../series?freq=
    MAP_MAX_POINTS             points per /map response
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAP_MAX_POINTS = 5000  # points per /map response; the country counts always cover every event


class PlaceOut(BaseModel):
    """One place mention (the record of `eventwire places`)."""

    doc_id: str
    text: str
    start: int
    end: int
    kind: str
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature_class: str | None = None
    precision: str | None = None
    confidence: float | None = None


class ErrorOut(BaseModel):
    detail: str
    error: str | None = Field(None, description="the EventwireError class, when one was raised")


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
    # once the store holds an analyst's correction (absent before, so listings read as they did)
    corrected: bool | None = Field(None, exclude_if=lambda v: v is None,
                                   description="an analyst's correction is in effect")
    review_status: Literal["confirmed", "rejected"] | None = Field(None, exclude_if=lambda v: v is None)
    coder_agrees: bool | None = Field(None, exclude_if=lambda v: v is None,
                                      description="the coder's values now equal every corrected one")


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


class CorrectionOut(BaseModel):
    """One row of an event's correction trail (append-only: a revert is a later row)."""

    correction_id: int
    created_at: dt.datetime
    analyst: str | None = None
    field: str
    op: Literal["set", "revert", "note"]
    before: str | None = None
    after: str | None = None
    note: str | None = None
    corrected_as: str = Field(description="the event id when the correction was made")
    doc_id: str
    section: str
    sentence_start: int
    sentence_end: int


class EventDetail(EventOut):
    mentions: list[MentionOut]
    corrections: list[CorrectionOut] | None = Field(None, exclude_if=lambda v: v is None,
                                                    description="the analysts' trail, oldest first")
    coded: EventOut | None = Field(None, exclude_if=lambda v: v is None,
                                   description="the event as the coder made it")


class LocationIn(BaseModel):
    """A corrected place: name, ISO3 country, coordinates (any may be null)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


CorrectableField = Literal["event_type", "mode", "actor_code", "actor_name", "actor_sector", "recipient_code",
                           "recipient_name", "recipient_sector", "date", "date_precision", "location_name",
                           "country", "lat", "lon", "negated", "hypothetical", "status"]


class CorrectionIn(BaseModel):
    """POST /events/{id}/corrections: the fields an analyst changes (null clears one), a review
    ``status``, ``revert`` (fields back to the coder's value), a ``note`` and who (``analyst``)."""

    model_config = ConfigDict(extra="forbid")

    event_type: str | None = None
    mode: str | None = None
    actor_code: str | None = None
    actor_name: str | None = None
    actor_sector: str | None = None
    recipient_code: str | None = None
    recipient_name: str | None = None
    recipient_sector: str | None = None
    date: dt.date | None = None
    date_precision: Literal["day", "week", "month", "year"] | None = None
    location: LocationIn | None = None
    negated: bool | None = None
    hypothetical: bool | None = None
    status: Literal["confirmed", "rejected"] | None = None
    revert: list[CorrectableField] = []
    note: str | None = Field(None, max_length=2000)
    analyst: str | None = Field(None, max_length=200)

    def changes(self) -> dict:
        "The fields sent (a null sent is a change to nothing), the place's as location_name, country, lat, lon."
        sent = self.model_dump(exclude_unset=True, exclude={"revert", "note", "analyst", "location"})
        if "location" in self.model_fields_set:
            place = self.location.model_dump(exclude_unset=True) if self.location else \
                dict.fromkeys(("name", "country", "lat", "lon"))
            sent.update({("location_name" if k == "name" else k): v for k, v in place.items()})
        return sent

    @model_validator(mode="after")
    def _not_empty(self) -> CorrectionIn:
        if not self.model_fields_set - {"analyst"}:
            raise ValueError("a correction needs a field, a status, a revert or a note")
        return self


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
    languages: dict[str, int] = {}  # stored documents per language ("en", "es")
    watch: dict[str, Any] | None = None  # serve --watch: last/next poll, and per source its state and failures


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


EventSort = Literal["newest", "oldest", "most_reported", "most_negative"]
Freq = Literal["day", "week", "month", "quarter", "year"]


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(description="[longitude, latitude]")


class MapProperties(BaseModel):
    event_id: str
    event_type: str
    quad_class: int | None = None
    date: dt.date | None = None
    location_name: str | None = None
    country: str | None = None
    actor: str | None = None
    recipient: str | None = None
    score: float | None = None
    num_mentions: int


class MapFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: MapProperties


class CountryCount(BaseModel):
    country: str = Field(description="ISO 3166 alpha-3")
    numeric: str | None = Field(None, description="ISO 3166 numeric, the id in world-atlas TopoJSON")
    name: str | None = None
    events: int
    quad1: int
    quad2: int
    quad3: int
    quad4: int
    mean_score: float | None = None


class EventMap(BaseModel):
    """A GeoJSON FeatureCollection of located events, with per-country counts as a foreign member."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[MapFeature]
    countries: list[CountryCount]
    truncated: bool = Field(description=f"more than {MAP_MAX_POINTS} located events matched")


class TrendRow(BaseModel):
    key: str
    country: str | None = None
    actor: str | None = None
    recipient: str | None = None
    recent: int = Field(description="conflict events (quad 3-4) in the recent window")
    baseline: int = Field(description="conflict events in the baseline window before it")
    recent_per_week: float
    baseline_per_week: float
    ratio: float | None = Field(None, description="recent_per_week / baseline_per_week; null when the baseline is 0")
    z: float = Field(description="departure of the recent total from the baseline rate, in standard deviations")
    direction: Literal["up", "down", "flat"]


class Trends(BaseModel):
    as_of: dt.date | None = Field(None, description="the latest event date in the store")
    recent_weeks: int
    baseline_weeks: int
    recent_since: dt.date | None = None
    baseline_since: dt.date | None = None
    countries: list[TrendRow]
    dyads: list[TrendRow]


__all__ = ["MAP_MAX_POINTS", "ActorOut", "CountryCount", "DocumentIn", "DocumentOut", "DyadCount", "DyadSeries",
           "Edge", "ErrorOut", "EventDetail", "EventMap", "EventOut", "EventPage", "EventSort", "Freq", "Health",
           "IngestResult", "MapFeature", "MapProperties", "MentionOut", "Network", "Node", "PlaceOut", "PointGeometry",
           "RejectedOut", "SeriesPoint", "Stats", "Summary", "TrendRow", "Trends"]
