"""The order of the stages, and nothing else: ingest -> clean -> nlp -> actors -> events -> dates -> geo.

    coder = Coder.load(Settings.load())
    for outcome in coder.code_stream(read_inputs(paths, settings=settings)):
        ...  # Coded(article, documents=[(cleaned Article, [Event, ...]), ...]) or Rejected

``code_stream`` parses paragraphs of many documents together with ``nlp.pipe``; the
process pool in ``batch.py`` runs one Coder per process over chunks of the input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import replace
from typing import Iterable, Iterator

from spacy.tokens import Doc

from . import clean, dates, geo
from .actors import ActorDictionary, find_actor_mentions
from .config import Settings, coder_version
from .errors import ArticleRejected
from .events import Extraction, extract_events
from .lexicon import Lexicon
from .nlp import Paragraph, load_pipeline, parse_paragraphs, split_paragraphs
from .ontology import Ontology
from .records import Actor, Article, Coded, Event, Place, Rejected

logger = logging.getLogger(__name__)

# Documents parsed together in one nlp.pipe call; bounded so memory stays flat.
_CHUNK_DOCS = 32


def split_outcomes(outcomes: Iterable[Coded | Rejected]) -> tuple[list[Article], list[Rejected], list[Event]]:
    "The cleaned documents, rejections and events of a stream of outcomes, as a store writes them."
    articles: list[Article] = []
    rejected: list[Rejected] = []
    events: list[Event] = []
    for outcome in outcomes:
        if isinstance(outcome, Coded):
            for doc, coded in outcome.documents:
                articles.append(doc)
                events.extend(coded)
        else:
            rejected.append(outcome)
    return articles, rejected, events


class Coder:
    """Everything coding needs, loaded once per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.nlp = load_pipeline(settings.spacy_model)
        # the built dictionaries come from the disk cache when their files are unchanged (cache.py)
        self.lexicon = Lexicon.load(settings.data_path, cache_dir=settings.cache_dir)
        self.dictionary = ActorDictionary.load(settings.data_path, cache_dir=settings.cache_dir)
        self.ontology = Ontology.load(settings.data_path)
        self.gazetteer = geo.Gazetteer.load(settings.data_path, cache_dir=settings.cache_dir)
        self.version = coder_version(settings.data_path)

    @classmethod
    def load(cls, settings: Settings | None = None) -> Coder:
        "Build a coder from settings (defaults when None)."
        return cls(settings or Settings.load())

    # ---- public ------------------------------------------------------------
    def code_stream(self, items: Iterable[Article | Rejected]) -> Iterator[Coded | Rejected]:
        """Clean, parse and code articles in input order; rejections pass through."""
        chunk: list[Article | Rejected] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= _CHUNK_DOCS:
                yield from self._code_chunk(chunk)
                chunk = []
        if chunk:
            yield from self._code_chunk(chunk)

    def code_article(self, article: Article) -> list[tuple[Article, list[Event]]]:
        """Clean and code one article; raises ArticleRejected."""
        (outcome,) = list(self._code_chunk([article]))
        if isinstance(outcome, Rejected):
            raise ArticleRejected(outcome.reason, doc_id=outcome.doc_id)
        return [(doc, list(events)) for doc, events in outcome.documents]

    def code_text(self, text: str, *, published: dt.date | None = None, doc_id: str = "doc",
                  title: str | None = None) -> list[Event]:
        """Code a string as one already-clean document (no page segmentation)."""
        article = Article(id=doc_id, text=text, title=title, published=published)
        paragraphs = split_paragraphs(article)
        parsed = list(parse_paragraphs(self.nlp, paragraphs, settings=self.settings))
        return self._code_document(article, parsed)

    # ---- stages ------------------------------------------------------------
    def _code_chunk(self, chunk: list[Article | Rejected]) -> Iterator[Coded | Rejected]:
        "Clean every article of a chunk, parse all their paragraphs in one pipe, then code."
        cleaned: list[tuple[Article, list[Article]] | Rejected] = []
        for item in chunk:
            if isinstance(item, Rejected):
                cleaned.append(item)
                continue
            try:
                cleaned.append((item, _date_undated_page(clean.clean_article(item, settings=self.settings))))
            except ArticleRejected as exc:
                logger.info("rejected %s: %s", item.id, exc.reason)
                cleaned.append(Rejected(item.id, exc.reason, item.origin))
        paragraphs: list[Paragraph] = []
        for entry in cleaned:
            if not isinstance(entry, Rejected):
                for doc in entry[1]:
                    paragraphs.extend(split_paragraphs(doc))
        parsed = iter(parse_paragraphs(self.nlp, paragraphs, settings=self.settings))
        by_doc: dict[str, list[tuple[Paragraph, Doc]]] = {}
        for paragraph, doc in parsed:
            by_doc.setdefault(paragraph.doc_id, []).append((paragraph, doc))
        for entry in cleaned:
            if isinstance(entry, Rejected):
                yield entry
                continue
            article, docs = entry
            coded = tuple((doc, tuple(self._code_document(doc, by_doc.get(doc.id, [])))) for doc in docs)
            yield Coded(article, coded)

    def _code_document(self, article: Article, parsed: list[tuple[Paragraph, Doc]]) -> list[Event]:
        "Events of one cleaned document from its parsed paragraphs."
        when = article.published
        context = geo.build_context((doc for _, doc in parsed), self.gazetteer)
        recent: list = []  # the sentences before this one; pronouns reach back a few of them

        def previous() -> list[Actor]:
            "Actors of the recent sentences, found only when a pronoun asks (memoized per sentence)."
            out: list[Actor] = []
            for sent in recent:
                out.extend(find_actor_mentions(sent, self.dictionary, when=when))
            return out[-20:]

        events: dict[str, Event] = {}
        for paragraph, doc in parsed:
            for sent in doc.sents:
                if len(sent) > self.settings.max_sentence_tokens:
                    logger.info("%s: sentence of %d tokens not coded", article.id, len(sent))
                    continue
                extractions = extract_events(sent, lexicon=self.lexicon, dictionary=self.dictionary,
                                             when=when, headline=paragraph.section == "title",
                                             previous=previous)
                triggers = frozenset(e.trigger.i for e in extractions)
                for ext in extractions:
                    if ext.confidence < self.settings.min_confidence:
                        continue
                    event = self._finish(article, paragraph, sent, ext, context,
                                         others=triggers - {ext.trigger.i})
                    events.setdefault(event.event_id, event)
                recent.append(sent)
                del recent[:-3]
        return list(events.values())

    def _finish(self, article: Article, paragraph: Paragraph, sent, ext: Extraction,
                context: geo.DocContext, *, others: frozenset[int] = frozenset()) -> Event:
        "Attach date, place, codes and ids to one extraction."
        when, precision = dates.resolve_date(sent, ext.trigger, article.published, others=others)
        place = geo.locate_event(sent, ext.trigger, self.gazetteer, context=context)
        if place is not None and not _plausible_place(place, ext, sent, headline=paragraph.section == "title"):
            place = None
        actor, recipient = _fill_countries(ext.actor, ext.recipient, meaning_type=ext.meaning.event_type,
                                           place=place, context=context)
        meaning = ext.meaning
        mode = meaning.mode
        if meaning.event_type == "CONSULT" and not mode and place and place.country \
                and place.country not in {actor.code, recipient.code if recipient else None}:
            mode = "third-party"  # CAMEO 044: meet at a 'third' location
        cameo = meaning.cameo or self.ontology.cameo_for(meaning.event_type, mode)
        start = paragraph.start + sent.start_char
        end = paragraph.start + sent.end_char
        return Event(
            event_id=_event_id(article.id, paragraph.section, start, end, meaning.event_type, actor, recipient),
            doc_id=article.id,
            event_type=meaning.event_type,
            mode=mode,
            contexts=meaning.contexts,
            actor=actor,
            recipient=recipient,
            date=when,
            date_precision=precision,
            location=place,
            sentence=sent.text,
            sentence_start=start,
            sentence_end=end,
            section=paragraph.section,
            trigger=ext.trigger_text,
            negated=ext.negated,
            hypothetical=ext.hypothetical,
            confidence=ext.confidence,
            quad_class=self.ontology.quad_class(meaning.event_type),
            cameo=cameo,
            score=self.ontology.score(meaning.event_type, mode, cameo=cameo),
            coder_version=self.version,
            doc_kind=article.kind,
        )


def _plausible_place(place: Place, ext: Extraction, sent, *, headline: bool) -> bool:
    """Reject a place that is the actor's own words ("US pressures ..."), and in a headline
    any place not introduced by a preposition (headline parses are too loose to trust)."""
    if place.start >= 0 and ext.actor.start >= 0 and place.start < ext.actor.end and ext.actor.start < place.end:
        return False
    if headline:
        doc = sent.doc
        first = next((t for t in sent if t.idx >= place.start), None)
        return first is not None and first.i > 0 and doc[first.i - 1].pos_ == "ADP"
    return True


def _date_undated_page(docs: list[Article]) -> list[Article]:
    """An undated main article takes a publication date from its own dated photo caption.

    Only captions before the first teaser belong to the article; the date is read forward
    from the photo's (see ``dates.estimate_publication``).
    """
    main = docs[0]
    if main.published is not None or main.kind != "article":
        return docs
    own_photos = []
    for doc in docs[1:]:
        if doc.kind == "teaser":
            break
        if doc.kind == "caption" and doc.published is not None:
            own_photos.append(doc.published)
    if not own_photos:
        return docs
    texts = [t for t in (main.title, main.text) if t]
    published = dates.estimate_publication(texts, floor=max(own_photos))
    logger.info("%s: no publication date; estimated %s from its photo caption", main.id, published)
    return [replace(main, published=published), *docs[1:]]


# Event types that mostly happen inside one country: a role-only party ("activists",
# "protesters", "police") of such an event shares the country of the other party.
_DOMESTIC_TYPES = frozenset({"COERCE", "PROTEST"})
_DOMESTIC_SECTORS = frozenset({"OPP", "CVL", "COP", "JUD", "LEG", "CRM", "MED", "REF", "LAB", "EDU", "BUS"})
# A document whose country mentions are at least this share one country is "about" it
# (captions, teasers and short local stories); set by hand on the sample page.
_DOMINANT_SHARE = 0.6


def _fill_countries(actor: Actor, recipient: Actor | None, *, meaning_type: str, place: Place | None,
                    context: geo.DocContext) -> tuple[Actor, Actor | None]:
    """Countries for parties known only by their role ('security forces', 'activists'), as ACLED codes them.

    In order: the event's place; for domestic event types, the other party's country;
    the document's dominant country.
    """
    dominant = _dominant_country(context)

    def fill(party: Actor, other: Actor | None) -> Actor:
        if party.code or not party.sector:
            return party
        if place is not None and place.country:
            return replace(party, code=place.country)
        if (meaning_type in _DOMESTIC_TYPES and other is not None and other.code
                and party.sector in _DOMESTIC_SECTORS and len(other.code) == 3 and other.code.isalpha()):
            return replace(party, code=other.code)
        if dominant:
            return replace(party, code=dominant)
        return party

    new_actor = fill(actor, recipient)
    new_recipient = fill(recipient, new_actor) if recipient is not None else None
    if new_recipient is None and meaning_type in _IMPLIED_TARGET_TYPES:
        code = place.country if place is not None and place.country else new_actor.code
        if code and len(code) == 3 and code.isalpha() and code.isupper() and code not in _NON_STATE_CODES:
            new_recipient = Actor(text="", name=_country_name(code), code=code, sector="GOV")
    return new_actor, new_recipient


# Protests, repression and concessions with no named target are aimed at the government
# of the country where they happen, as the PLOVER gold standard and GDELT code them.
_IMPLIED_TARGET_TYPES = frozenset({"PROTEST", "COERCE", "CONCEDE"})
_NON_STATE_CODES = frozenset({"IGO", "NGO", "UNO", "IMG", "MNC", "EUR"})


def _country_name(code: str) -> str:
    "A country's short name from its ISO3 code."
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return getattr(country, "common_name", None) or getattr(country, "name", code) if country else code


def _dominant_country(context: geo.DocContext) -> str | None:
    "The country a document is about, when its country mentions mostly name one."
    total = sum(n for _, n in context.countries)
    if not total:
        return None
    code, n = max(context.countries, key=lambda kv: (kv[1], kv[0]))
    return code if n / total >= _DOMINANT_SHARE else None


def _event_id(doc_id: str, section: str, start: int, end: int, event_type: str,
              actor: Actor, recipient: Actor | None) -> str:
    "Stable hash of doc id, sentence span, type, actor and recipient."
    parts = [doc_id, section, str(start), str(end), event_type, actor.code or "", actor.name,
             (recipient.code or "") if recipient else "", recipient.name if recipient else ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
