"""The only runner: the order of the stages, and where a record's failure becomes its rejection.

    ingest -> clean -> nlp -> actors -> events -> dates -> geo -> parties -> codes

Three runs share it:

    coder = Coder.load(settings)                         # everything coding needs, once per process
    for outcome in coder.code_stream(articles): ...      # Coded(article, ((document, events), ...)) | Rejected
    for outcome in clean_stream(articles, settings=s):   # Cleaned(article, documents) | Rejected (no model)
    for outcome in coder.places_stream(articles): ...    # Placed(document, records) | Rejected

``code_stream`` parses the paragraphs of many documents together with ``nlp.pipe``; the
process pool (``run/pool.py``) and Ray (``run/distributed.py``) run one Coder per process over
chunks of the input. Stages raise ``ArticleRejected(reason)``; this module alone turns it into
a ``Rejected`` record, and turns any other exception a stage raises on one record into the
rejection ``internal: ExceptionType`` (logged with the id and traceback): one bad record costs
that record, never the batch.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
import threading
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, TypeVar

from spacy.tokens import Doc

from ..coding import dates, geo, parties
from ..coding.actors import ActorDictionary, find_actor_mentions
from ..coding.decider import Decider
from ..coding.events import Extraction
from ..coding.languages import LanguageKit
from ..coding.lexicon import Lexicon
from ..coding.nlp import Paragraph, load_pipeline, parse_paragraphs, split_paragraphs
from ..coding.ontology import Ontology
from ..config import Settings, coder_version
from ..errors import ArticleRejected, ConfigError
from ..records import Actor, Article, Coded, Event, Rejected, event_id
from ..text import clean
from ..text.reading import article_from_record

logger = logging.getLogger(__name__)

# Documents parsed together in one nlp.pipe call; bounded so memory stays flat.
_CHUNK_DOCS = 32
# A JSONL record's text (and an API caller's) is listed by `places` as given, so outside
# scorers can align offsets; pages and HTML are cleaned first.
_GIVEN_TEXT = re.compile(r"\.jsonl(?:\.gz)?:\d+$")

T = TypeVar("T")
StageHook = Callable[[str, int, int], None]  # (stage, article index, weight): see Coder.code_stream


def _no_stage(stage: str, index: int, weight: int) -> None:
    "No one listens to the stages."


@dataclass(frozen=True, slots=True)
class Cleaned:
    """One input article and the documents cleaning made of it (article, teasers, captions)."""

    article: Article
    documents: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Placed:
    """One document (text as listed) and its place-mention records, as `eventwire places` writes them."""

    document: Article
    records: tuple[dict, ...]


def guarded(item_id: str, origin: str | None, step: Callable[[], T]) -> T | Rejected:
    """``step()``, or the rejection of the record it works on: its reason, or ``internal: Type``."""
    try:
        return step()
    except ArticleRejected as exc:
        logger.info("rejected %s: %s", item_id, exc.reason)
        return Rejected(item_id, exc.reason, origin)
    except Exception as exc:  # noqa: BLE001 - one record's bug must not stop the batch
        logger.error("%s: internal error, record rejected: %s: %s", item_id, type(exc).__name__, exc,
                     exc_info=True)
        return Rejected(item_id, f"internal: {type(exc).__name__}", origin)


def clean_stream(items: Iterable[Article | Rejected], *, settings: Settings) -> Iterator[Cleaned | Rejected]:
    """Clean each article into its documents, in input order; rejections pass through."""
    for item in items:
        yield item if isinstance(item, Rejected) else _clean_one(item, settings)


def _clean_one(article: Article, settings: Settings) -> Cleaned | Rejected:
    "One article cleaned into its documents (the text stage alone)."
    return guarded(article.id, article.origin,
                   lambda: Cleaned(article, tuple(clean.clean_article(article, settings=settings))))


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


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    "Lists of up to ``size`` items, in order."
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Coder:
    """Everything coding needs, loaded once per process, and the runs over it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.nlp = load_pipeline(settings.spacy_model)
        # the built dictionaries come from the disk cache when their files are unchanged (coding/cache.py)
        self.lexicon = Lexicon.load(settings.data_path, cache_dir=settings.cache_dir, extra_dirs=settings.dict_dirs)
        # which learned decision codes: each language's own (None: the rules alone; evaluation: by fold)
        self._deciding: Callable[[Decider | None], Decider | None] = (lambda d: d) if settings.decider else (lambda d: None)
        self.lexicon = self.lexicon.deciding_with(self._deciding)
        self.dictionary = ActorDictionary.load(settings.data_path, cache_dir=settings.cache_dir,
                                               extra_dirs=settings.dict_dirs)
        self.ontology = Ontology.load(settings.data_path)
        # one thread codes at a time: spaCy's pipeline and the memo caches of nlp/actors are not
        # thread-safe, and a server's watcher and its POST /documents share this coder
        self._busy = threading.RLock()
        self.gazetteer = geo.Gazetteer.load(settings.data_path, cache_dir=settings.cache_dir, aliases=tuple(
            spec.data_path / "places.tsv" for spec in settings.language_specs.values()
            if spec.grammar != "english" and (spec.data_path / "places.tsv").is_file()))
        self.version = coder_version(settings.data_path, dict_dirs=settings.dict_dirs, decider=settings.decider)
        self._kits: dict[str, LanguageKit] = {}  # each language's model and data, loaded at its first document

    def kit(self, language: str | None) -> LanguageKit:
        """The coding kit of a document's language (None: English); loaded on first use.

        A language whose model is not installed rejects its documents with the install command."""
        spec = self.settings.language_spec(language)
        if spec.grammar == "english":  # built from this coder's own parts (evaluation swaps its lexicon)
            return LanguageKit.load(spec, self.settings, english=(self.nlp, self.lexicon, self.dictionary))
        kit = self._kits.get(spec.code)
        if kit is None:
            try:
                kit = LanguageKit.load(spec, self.settings)
            except ConfigError as exc:
                raise ArticleRejected(f"language: {spec.code} ({exc})") from exc
            kit = replace(kit, lexicon=kit.lexicon.deciding_with(self._deciding))
            self._kits[spec.code] = kit
        return kit

    def has_fold_models(self) -> bool:
        "Whether any language's learned decision is on and has fold models (evaluation's cross-validated twin needs them)."
        if not self.settings.decider:
            return False
        if self.lexicon.decider is not None and self.lexicon.decider.has_folds():
            return True
        return any(Decider.has_folds_in(spec.data_path)
                   for spec in self.settings.language_specs.values() if spec.grammar != "english")

    def by_fold(self, fold_of: Callable[[str], int]) -> Coder:
        """A twin that codes each document with the decision models not trained on its fold (every
        language's), sharing this coder's pipelines and dictionaries; evaluation only."""
        if not self.settings.decider:
            return self
        return self.deciding_with(lambda d: d.by_fold(fold_of) if d is not None and d.has_folds() else d)

    def deciding_with(self, choose: Callable[[Decider | None], Decider | None]) -> Coder:
        "A twin whose languages decide with ``choose(their own decider)`` (None: the rules alone)."
        twin = copy.copy(self)
        twin._deciding = choose
        twin.lexicon = self.lexicon.deciding_with(choose)
        twin._kits = {code: replace(kit, lexicon=kit.lexicon.deciding_with(choose)) for code, kit in self._kits.items()}
        return twin

    @classmethod
    def load(cls, settings: Settings) -> Coder:
        "Build a coder from the settings built once at startup."
        return cls(settings)

    # ---- runs ---------------------------------------------------------------
    def code_stream(self, items: Iterable[Article | Rejected], *,
                    on_stage: StageHook | None = None) -> Iterator[Coded | Rejected]:
        """Clean, parse and code articles in input order; rejections pass through.

        ``on_stage(stage, index, weight)`` is called as each stage starts: ``clean`` and ``code``
        with the article's index in ``items``, ``parse`` with the first index of the chunk parsed
        and the number of articles in it (the worker pool's watchdog listens)."""
        offset = 0
        for chunk in _chunks(items, _CHUNK_DOCS):
            with self._busy:
                outcomes = self._code_chunk(chunk, on_stage=on_stage, offset=offset)
            yield from outcomes
            offset += len(chunk)

    def code_article(self, article: Article) -> Coded | Rejected:
        """Clean and code one article."""
        with self._busy:
            (outcome,) = self._code_chunk([article])
        return outcome

    def code_text(self, text: str, *, published: dt.date | None = None, doc_id: str = "doc",
                  title: str | None = None, kind: str = "article", language: str | None = None) -> list[Event]:
        """Code a string as one already-clean document (no page segmentation), in its language
        (detected when not given; ArticleRejected for one no coder reads)."""
        language = language or clean.document_language(text, settings=self.settings, doc_id=doc_id)
        article = Article(id=doc_id, text=text, title=title, published=published, language=language)
        with self._busy:
            events = self._code_document(article, _parsed_of(self._parse([article])[0]))
        return [e if e.doc_kind == kind else replace(e, doc_kind=kind) for e in events]

    def code_stored(self, doc: Article) -> list[Event]:
        "The events of one stored (already clean) document, as ingest coded it."
        return self.code_text(doc.text, published=doc.published, doc_id=doc.id, title=doc.title, kind=doc.kind,
                              language=doc.language)

    def places_stream(self, items: Iterable[Article | Rejected]) -> Iterator[Placed | Rejected]:
        """Every place mention of each document, resolved; rejections pass through."""
        for chunk in _chunks(self._place_documents(items), _CHUNK_DOCS):
            documents = [d for d in chunk if not isinstance(d, Rejected)]
            with self._busy:
                parsed = iter(self._parse(documents))  # in the order of ``documents``
                outcomes = [doc if isinstance(doc, Rejected) else self._place_records(doc, next(parsed))
                            for doc in chunk]
            for doc, records in zip(chunk, outcomes):
                yield records if isinstance(records, Rejected) else Placed(doc, tuple(records))

    def _place_records(self, doc: Article, parsed) -> list[dict] | Rejected:
        "The place-mention records of one parsed document, or its rejection."
        return guarded(doc.id, doc.origin, lambda: geo.mention_records(doc.id, _parsed_of(parsed), self.gazetteer))

    def places_text(self, text_or_article: str | Article) -> list[dict]:
        """Every place mention of a text (or an Article's text as given), one dict each (GET /places)."""
        article = (text_or_article if isinstance(text_or_article, Article)
                   else Article(id="doc", text=text_or_article))
        return [r for p in self.places_stream([article]) if isinstance(p, Placed) for r in p.records]

    def parse_texts(self, texts: Iterable[str]) -> Iterator[Doc]:
        "Bare parses of texts, in order (the dates evaluation asks sentences of them)."
        return self.nlp.pipe(texts, batch_size=self.settings.batch_size)

    # ---- stages -------------------------------------------------------------
    def _place_documents(self, items: Iterable[Article | Rejected]) -> Iterator[Article | Rejected]:
        "The texts whose mentions `places` lists (titles left out: offsets refer to the text)."
        for item in items:
            if isinstance(item, Rejected):
                yield item
            elif item.html is None and (item.origin is None or item.origin == "api"
                                        or _GIVEN_TEXT.search(item.origin)):
                yield guarded(item.id, item.origin, lambda item=item: replace(
                    item, title=None, language=clean.document_language(item.text, settings=self.settings,
                                                                       doc_id=item.id)))
            else:
                cleaned = _clean_one(item, self.settings)
                if isinstance(cleaned, Rejected):
                    yield cleaned
                else:
                    yield from (replace(doc, title=None) for doc in cleaned.documents)

    def _parse(self, documents: list[Article]) -> list[list[tuple[Paragraph, Doc]] | _ParseFailed]:
        """The parsed paragraphs of each document (a list aligned with ``documents``: two documents
        with the same id keep their own parses), all parsed in one ``nlp.pipe``.

        When the batch fails, each document is parsed alone, so that the one that breaks the
        parser is the only one left without a parse (coding it then rejects it alone).
        """
        by_doc: list[list[tuple[Paragraph, Doc]] | _ParseFailed] = [[] for _ in documents]
        try:
            for language in dict.fromkeys(doc.language for doc in documents):  # one pipe per language
                paragraphs = [p for k, doc in enumerate(documents) if doc.language == language
                              for p in split_paragraphs(replace(doc, id=str(k)))]
                kit = self.kit(language)
                for paragraph, doc in parse_paragraphs(kit.nlp, paragraphs, settings=self.settings,
                                                       fold_capitals=kit.spec.grammar == "ud"):
                    by_doc[int(paragraph.doc_id)].append((paragraph, doc))  # type: ignore[union-attr]
            return by_doc
        except Exception as exc:  # noqa: BLE001 - isolate the document that broke the batch
            if len(documents) == 1:
                logger.error("%s: parse failed: %s: %s", documents[0].id, type(exc).__name__, exc)
                return [_ParseFailed(exc)]
            logger.warning("a parse batch of %d documents failed; parsing them one by one", len(documents))
        return [self._parse([document])[0] for document in documents]

    def _clean_dated(self, article: Article) -> Cleaned | Rejected:
        "Cleaning for coding: an undated page takes its date from its own photo caption (coding.dates)."
        cleaned = _clean_one(article, self.settings)
        if isinstance(cleaned, Rejected):
            return cleaned
        return guarded(article.id, article.origin, lambda: replace(
            cleaned, documents=tuple(dates.date_undated_page(list(cleaned.documents)))))

    def _code_chunk(self, chunk: list[Article | Rejected], *, on_stage: StageHook | None = None,
                    offset: int = 0) -> list[Coded | Rejected]:
        "Clean every article of a chunk, parse all their paragraphs in one pipe, then code."
        stage = on_stage or _no_stage
        cleaned = []
        for k, item in enumerate(chunk):
            stage("clean", offset + k, 1)
            cleaned.append(item if isinstance(item, Rejected) else self._clean_dated(item))
        documents = [doc for entry in cleaned if isinstance(entry, Cleaned) for doc in entry.documents]
        stage("parse", offset, len(chunk))
        parsed = iter(self._parse(documents))  # in the order of ``documents``
        out: list[Coded | Rejected] = []
        for k, entry in enumerate(cleaned):
            if isinstance(entry, Rejected):
                out.append(entry)
                continue
            stage("code", offset + k, 1)
            pairs = [(doc, next(parsed)) for doc in entry.documents]
            article = entry.article
            out.append(guarded(article.id, article.origin, lambda: Coded(article, tuple(
                (doc, tuple(self._code_document(doc, _parsed_of(doc_parse)))) for doc, doc_parse in pairs))))
        return out

    def _code_document(self, article: Article, parsed: list[tuple[Paragraph, Doc]]) -> list[Event]:
        "Events of one cleaned document from its parsed paragraphs."
        when = article.published
        kit = self.kit(article.language)
        context = geo.build_context((doc for _, doc in parsed), self.gazetteer)
        recent: list = []  # the sentences before this one; pronouns reach back a few of them
        sentence_countries: dict = {}  # (paragraph doc, sentence start) -> its places' one country

        def previous() -> list[Actor]:
            "Actors of the recent sentences, found only when a pronoun asks (memoized per sentence)."
            out: list[Actor] = []
            for sent in recent:
                out.extend(find_actor_mentions(sent, kit.dictionary, when=when))
            return out[-20:]

        events: dict[str, Event] = {}
        for paragraph, doc in parsed:
            for sent in doc.sents:
                if len(sent) > self.settings.max_sentence_tokens:
                    logger.info("%s: sentence of %d tokens not coded", article.id, len(sent))
                    continue
                extractions = kit.extract(sent, when=when, headline=paragraph.section == "title", previous=previous)
                triggers = frozenset(e.trigger.i for e in extractions)
                for ext in extractions:
                    if ext.confidence < self.settings.min_confidence and not ext.decided:
                        continue  # the decision's events are kept already, their confidence the calibrated share
                    event = self._finish(article, paragraph, sent, ext, context, kit,
                                         others=triggers - {ext.trigger.i}, sentence_countries=sentence_countries)
                    events.setdefault(event.event_id, event)
                recent.append(sent)
                del recent[:-3]
        return list(events.values())

    def _finish(self, article: Article, paragraph: Paragraph, sent, ext: Extraction,
                context: geo.DocContext, kit: LanguageKit, *, others: frozenset[int] = frozenset(),
                sentence_countries: dict | None = None) -> Event:
        """Attach date, place, parties' countries, codes and ids to one extraction, in that order
        (``sentence_countries``: the document's memo of each sentence's one place country)."""
        sentence_countries = {} if sentence_countries is None else sentence_countries
        headline = paragraph.section == "title"
        when, precision = kit.resolve_date(sent, ext.trigger, article.published, others=others)
        place = geo.locate_event(sent, ext.trigger, self.gazetteer, context=context)
        if place is not None and not geo.plausible_place(place, ext.actor, sent, headline=headline):
            place = None
        meaning = ext.meaning
        def in_sentence() -> str | None:
            key = (id(sent.doc), sent.start)
            if key not in sentence_countries:
                actors = find_actor_mentions(sent, self.dictionary, when=article.published)
                sentence_countries[key] = geo.sentence_country(
                    sent, self.gazetteer, context=context, outside=tuple((a.start, a.end) for a in actors if a.start >= 0))
            return sentence_countries[key]

        actor, recipient = parties.fill_countries(ext.actor, ext.recipient, event_type=meaning.event_type,
                                                  place=place, context=context, sentence_country=in_sentence)
        mode = self.ontology.mode_at_place(meaning.event_type, meaning.mode,
                                           place_country=place.country if place else None,
                                           parties=(actor.code, recipient.code if recipient else None))
        cameo = meaning.cameo or self.ontology.cameo_for(meaning.event_type, mode)
        start = paragraph.start + sent.start_char
        end = paragraph.start + sent.end_char
        return Event(
            event_id=event_id(article.id, paragraph.section, start, end, meaning.event_type, actor, recipient),
            doc_id=article.id, event_type=meaning.event_type, mode=mode, contexts=meaning.contexts,
            actor=actor, recipient=recipient, date=when, date_precision=precision, location=place,
            sentence=paragraph.text[sent.start_char:sent.end_char], sentence_start=start, sentence_end=end, section=paragraph.section,
            trigger=ext.trigger_text, negated=ext.negated, hypothetical=ext.hypothetical,
            confidence=ext.confidence, quad_class=self.ontology.quad_class(meaning.event_type),
            cameo=cameo, score=self.ontology.score(meaning.event_type, mode, cameo=cameo),
            coder_version=self.version, doc_kind=article.kind,
        )


@dataclass(frozen=True, slots=True)
class _ParseFailed:
    """The parse of a document that broke the parser: coding it raises the parser's error."""

    exc: Exception


def _parsed_of(found) -> list[tuple[Paragraph, Doc]]:
    "A document's parsed paragraphs; raises the parser's error when its parse failed."
    if isinstance(found, _ParseFailed):
        raise found.exc
    return found


class SharedCoder:
    """The coder a server shares between requests: built from the served settings on first use.

        coding = SharedCoder(settings)            # nothing loaded yet
        articles, rejected, events = coding.code_records([{"id": "a", "text": "..."}])
        records = coding.places(Article(id="a", text="..."))
    """

    def __init__(self, settings: Settings, *, coder: Coder | None = None):
        self.settings = settings
        self._coder = coder
        self._lock = threading.Lock()

    def coder(self) -> Coder:
        "The Coder, loaded once (the first caller waits for the model)."
        with self._lock:
            if self._coder is None:
                self._coder = Coder.load(self.settings)
            return self._coder

    def code_records(self, records: list[dict]) -> tuple[list[Article], list[Rejected], list[Event]]:
        "Code records of the contract's document shape, as ingest stores them."
        items = [article_from_record(r, origin="api") for r in records]
        return split_outcomes(self.coder().code_stream(items))

    def places(self, article: Article) -> list[dict]:
        "Every place mention of a document's text, resolved."
        return self.coder().places_text(article)
