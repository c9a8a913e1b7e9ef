"""The order of the stages, and nothing else: ingest -> clean -> nlp -> actors -> events -> dates -> geo.

    coder = Coder.load(Settings.load())
    for outcome in coder.code_stream(read_inputs(paths, settings=settings)):
        ...  # Coded(article, documents=[(cleaned Article, [Event, ...]), ...]) or Rejected

``code_stream`` parses paragraphs of many documents together with ``nlp.pipe``; the
process pool in ``workers.py`` runs one Coder per process over chunks of the input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, replace
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
from .records import Actor, Article, Event, Place, Rejected

logger = logging.getLogger(__name__)

# Documents parsed together in one nlp.pipe call; bounded so memory stays flat.
_CHUNK_DOCS = 32


@dataclass(frozen=True, slots=True)
class Coded:
    """One input article, cleaned into one or more documents, each with its events."""

    article: Article
    documents: tuple[tuple[Article, tuple[Event, ...]], ...]


class Coder:
    """Everything coding needs, loaded once per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.nlp = load_pipeline(settings.spacy_model)
        self.lexicon = Lexicon.load(settings.data_path)
        self.dictionary = ActorDictionary.load(settings.data_path)
        self.ontology = Ontology.load(settings.data_path)
        self.gazetteer = geo.Gazetteer.load(settings.data_path)
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
                cleaned.append((item, clean.clean_article(item, settings=self.settings)))
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
        previous: list[Actor] = []
        events: dict[str, Event] = {}
        for paragraph, doc in parsed:
            for sent in doc.sents:
                if len(sent) > self.settings.max_sentence_tokens:
                    logger.info("%s: sentence of %d tokens not coded", article.id, len(sent))
                    continue
                extractions = extract_events(sent, lexicon=self.lexicon, dictionary=self.dictionary,
                                             when=when, headline=paragraph.section == "title",
                                             previous=previous)
                for ext in extractions:
                    if ext.confidence < self.settings.min_confidence:
                        continue
                    event = self._finish(article, paragraph, sent, ext, context)
                    events.setdefault(event.event_id, event)
                previous.extend(find_actor_mentions(sent, self.dictionary, when=when))
                del previous[:-20]  # pronouns reach back a few sentences, not the whole article
        return list(events.values())

    def _finish(self, article: Article, paragraph: Paragraph, sent, ext: Extraction,
                context: geo.DocContext) -> Event:
        "Attach date, place, codes and ids to one extraction."
        when, precision = dates.resolve_date(sent, ext.trigger, article.published)
        place = geo.locate_event(sent, ext.trigger, self.gazetteer, context=context)
        actor = _with_country(ext.actor, place)
        recipient = _with_country(ext.recipient, place) if ext.recipient else None
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


def _with_country(actor: Actor, place: Place | None) -> Actor:
    "An actor known only by its role ('security forces') takes the event's country, as ACLED codes them."
    if actor.code or place is None or not place.country or not actor.sector:
        return actor
    return replace(actor, code=place.country)


def _event_id(doc_id: str, section: str, start: int, end: int, event_type: str,
              actor: Actor, recipient: Actor | None) -> str:
    "Stable hash of doc id, sentence span, type, actor and recipient."
    parts = [doc_id, section, str(start), str(end), event_type, actor.code or "", actor.name,
             (recipient.code or "") if recipient else "", recipient.name if recipient else ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
