"""What coding one language needs, loaded once per process from its registry entry.

    kit = LanguageKit.load(settings.language_spec("es"), settings)
    kit.nlp                       # its spaCy pipeline
    kit.extract(sentence, when=date, headline=False, previous=fn) -> list[Extraction]
    kit.resolve_date(sentence, trigger, published, others=...) -> (date, precision)

English keeps its own passes and date grammar (``coding/events``, ``coding/dates``); a language
whose registry entry says ``grammar = "ud"`` is coded by ``events/ud.py`` with its own data
folder (triggers, grammar words, actors, date words). A new language adds a registry table and a
data folder, nothing here.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from dataclasses import dataclass
from typing import Callable

from spacy.language import Language
from spacy.tokens import Span, Token

from ..config import LanguageSpec, Settings
from ..errors import ConfigError
from . import dates
from .actors import ActorDictionary
from .events import Extraction, extract_events
from .events.ud import extract_ud_events
from .lexicon import Lexicon
from .nlp import load_pipeline

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LanguageKit:
    """One language's pipeline and data."""

    spec: LanguageSpec
    nlp: Language
    lexicon: Lexicon
    dictionary: ActorDictionary
    date_words: dates.DateWords | None

    @classmethod
    def load(cls, spec: LanguageSpec, settings: Settings, *, english: tuple | None = None) -> LanguageKit:
        """Load a language's model and data (English: ``english`` = (nlp, lexicon, dictionary) already
        loaded by the Coder, with the user dictionaries)."""
        if english is not None:
            nlp, lexicon, dictionary = english
            return cls(spec, nlp, lexicon, dictionary, None)
        nlp = _load_quietly(spec)
        lexicon = Lexicon.load(spec.data_path, cache_dir=settings.cache_dir)
        dictionary = ActorDictionary.load(spec.data_path, cache_dir=settings.cache_dir)
        logger.info("language %s: model %s, %d triggers, %d actor names", spec.code, spec.model,
                    lexicon.size, len(dictionary))
        return cls(spec, nlp, lexicon, dictionary, dates.DateWords.build(spec.dates))

    def extract(self, sentence: Span, *, when: dt.date | None, headline: bool,
                previous: Callable[[], list]) -> list[Extraction]:
        "The events of one sentence, by this language's coder."
        if self.spec.grammar == "ud":
            return extract_ud_events(sentence, lexicon=self.lexicon, dictionary=self.dictionary, when=when)
        return extract_events(sentence, lexicon=self.lexicon, dictionary=self.dictionary, when=when,
                              headline=headline, previous=previous)

    def resolve_date(self, sentence: Span, trigger: Token, published: dt.date | None, *,
                     others: frozenset[int] = frozenset()) -> tuple[dt.date | None, str]:
        "The event's date, by this language's date words."
        if self.spec.grammar == "ud":
            return dates.resolve_date_words(sentence, published, self.date_words, trigger)
        return dates.resolve_date(sentence, trigger, published, others=others)


def _load_quietly(spec: LanguageSpec) -> Language:
    "The language's spaCy pipeline, the warnings its registry entry expects silenced for this load alone."
    if not spec.model:
        raise ConfigError(f"language {spec.code!r} names no model in the registry")
    with warnings.catch_warnings():
        for code in spec.quiet:
            warnings.filterwarnings("ignore", message=rf".*\[{code}\].*")
        try:
            return load_pipeline(spec.model)
        except ConfigError:
            raise ConfigError(f"spaCy model {spec.model!r} for language {spec.code!r} is not installed"
                              + (f": {spec.install}" if spec.install else "")) from None
