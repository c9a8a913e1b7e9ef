"""Article -> cleaned Articles: main text vs teasers vs captions vs credits; HTML to text.

INTERFACE:

    clean_article(article: Article, *, settings: Settings) -> list[Article]
        # first item: the main article (kind="article"); then teasers (kind="teaser",
        # parent=<main id>, id=f"{main id}#teaser-{n}") and, where kept separately,
        # captions (kind="caption"). Raises ArticleRejected(reason) for empty, binary,
        # non-English (reason "language: xx") documents.

    normalise_text(text) -> str          # what every cleaned text goes through
    detect_language(text) -> str         # "en", "es", ..., or "und"

How a page is read (the rules, in order):

1. HTML (``article.html``, or a ``text`` that is an HTML page) becomes text with trafilatura
   (comments and tables left out); its metadata fills a missing title or date. A fragment
   (a feed item's description, no ``<body>``) is stripped with the standard library instead,
   since trafilatura drops short fragments.
2. The text is normalised (``intake.normalise_chars``: lone surrogates, control characters, NFC;
   then ``\\r\\n``, spaces/tabs collapsed, invisible characters gone) and split into blocks on
   blank lines, each block into lines. Every line rule costs time linear in the line; the rules
   about short lines (captions, bylines) also skip lines over a character bound.
3. Headline: when the article has no title, a short first line without a final period
   becomes the title and leaves the text. A first line equal to the given title is dropped.
4. The first bare marker line ("More from X", "Related", "Read more", "Most popular",
   "Recommended", "You may also like", ...) starts a teaser region. When its first item is
   prose (teaser cards, as on the GZERO page) the region runs to the end of the page; when
   its items are headline-like links ("Don't miss" inside an Express article), the region
   ends at the next block of prose and the main article resumes. "Read more: <headline>"
   with text after the colon is an inline link and is dropped as junk instead.
5. Each line is one of: junk (share/subscribe/cookie/"- YouTube"/byline lines), credit
   ("Photo by ...", "REUTERS/Name", "Name/Agency via Reuters", "... /ABACAPRESS.COM",
   "Getty Images", ``Name/Agency``), a name-only author line, a caption, or body.
   A caption is a line that ends with a date written like a photo's ("..., Haiti
   November 11, 2024.", not "... on August 14, 2024."), or the line right before a credit
   (same block, or a one-line block just before a credit block), or a copy of a caption.
   Any later exact copy of a line is dropped.
6. Main region: body lines form the main article's text, blocks joined by one blank line;
   lines of one block are joined with a space when the first is a wrapped line (no final
   punctuation and the next starts in lower case), else kept as separate paragraphs.
   Captions never enter the text.
7. Teaser region: each block of body lines is one teaser (``kind="teaser"``, ``published``
   None: a teaser is another story and never inherits the page's date); a headline-like
   first line of a multi-line teaser block becomes the teaser's title. Short labels
   (three words or fewer, no final punctuation) are dropped there.
8. Every distinct caption, from either region, becomes its own ``kind="caption"`` document
   (``id=f"{main}#caption-{n}"``) whose ``published`` is the date written in it; a credit
   glued to the caption's end is cut off. Caption and teaser documents are listed in page
   order after the main article, so a caption sits right before the teaser it illustrates.
9. Rejections: nothing left ("empty"), no letters ("no sentence"), control characters
   ("binary"), not English ("language: xx", see ``detect_language``). The main text is cut
   at a paragraph break at ``settings.max_chars`` characters, with a warning.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from ..config import Settings
from ..errors import ArticleRejected
from ..records import Article
from . import datelines
from .htmltext import html_to_text
from .htmltext import is_html_page as _is_html_page
from .intake import is_binary_text, normalise_chars
from .language import detect_language

logger = logging.getLogger(__name__)

# ---- thresholds --------------------------------------------------------------------------
# A headline is at most this many words (the longest headlines in the shared corpora run to
# ~25 words; body first sentences are usually longer and end with a period).
_HEADLINE_MAX_WORDS = 30
# A caption is one or two sentences; a line longer than this is body text even before a credit.
_CAPTION_MAX_WORDS = 60
# A credit or junk line is short; a longer line containing the same words is prose.
_CREDIT_MAX_WORDS = 12
_JUNK_MAX_WORDS = 40
# Character bounds for the rules about short lines (a 300 KB line without spaces is one "word"):
# the longest date-stamped caption in the shared corpora has 29 characters, the longest byline
# 76. _BYLINE backtracks over the words of a line (its cost grows with the square of the line's
# length: 1 MB of 160-character "By Xandandand..." lines takes ~1 s), so it never sees a long one.
_CAPTION_MAX_CHARS = 1000
_BYLINE_MAX_CHARS = 160
# An unpunctuated run is cut into paragraphs of this many times max_sentence_tokens words:
# long enough that each piece is still skipped as an over-long sentence, short enough that
# spaCy's cost per paragraph stays small (a 5,000-word run becomes 17 pieces of 300).
_RUN_FACTOR = 2
# HTML beyond this many times max_chars is not handed to trafilatura (its text would be cut anyway;
# markup runs ~5-10x the text it holds).
_HTML_FACTOR = 10

# ---- patterns ----------------------------------------------------------------------------
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
# Searched over whole lines, so written to run in linear time: the word before the date is tried
# only where a word starts ((?<!\S); the leftmost match starts there anyway) and taken whole
# (possessive: with \S+ every position of a 300 KB line without spaces rescanned the rest, ~10
# minutes); the tail \s*+(?:[.)]\s*+)?$ accepts what \s*[.)]?\s*$ did without re-splitting spaces.
_DATE_AT_END = re.compile(
    rf"(?:(?<!\S)(?P<before>\S++)\s++)?\b(?P<date>(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\s+(?P<y2>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))\s*+(?:[.)]\s*+)?$")
# A time after a caption's date ("..., 2024, 10:30 GMT"); the run of [ T,] is taken whole from
# its first character, as the leftmost match would, so each run is scanned once.
_TIME_AT_END = re.compile(r"(?<![ T,])[ T,]++\d{1,2}[:.]\d{2}.{0,12}$")
# Words that make a final date part of a sentence ("... on August 14, 2024.") rather than a
# photo caption's stamp ("... Gaza Strip, August 14, 2024." / "... Haiti November 11, 2024.").
_DATELINE = re.compile(
    rf"(?i)^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})(?:[ T,]+\d{{1,2}}[:.]\d{{2}}.{{0,12}})?\.?$")
_DATE_PREPOSITIONS = {"on", "since", "until", "till", "by", "before", "after", "from", "to", "of",
                      "as", "at", "and", "or", "between", "through", "than", "in", "for", "until,"}
_TRAILING_CREDIT = re.compile(
    r"^(?P<caption>.*?\d{4}\.?)\s+(?P<credit>(?:\(?(?:REUTERS|Reuters|AP Photo|AFP|EPA|Photo:|Photo by|Picture:|Credit:)\b).*)$")

_CREDIT_PATTERNS = [re.compile(p) for p in (
    r"(?i)^\(?(photo|photos|photograph|image|picture|pictures|video|illustration|graphic|credit|file photo)s?"
    r"(\s+(by|credit|courtesy( of)?)\b|:)",
    r"^\(?(REUTERS|Reuters|AFP|EPA|AP|AP Photo|Xinhua|Anadolu)\s*/",
    r"(?i)\b(via|/)\s*(reuters|getty images|ap|afp|epa|shutterstock|sipa usa|abacapress\.com|imago|zuma press)\W*\)?$",
    r"(?i)^(getty images|shutterstock|reuters|afp|ap|epa)(\s*/.*)?$",
    r"^©",
    r"(?i)^(image|picture|photo) source\s*[,:]",
    r"(?i)^(courtesy of|handout)\b",
    r"^(?=.*[a-z])[A-Z][\w .'’-]+/[A-Z][\w .,&'’-]+$",  # Name/Agency, not an all-caps wire line
)]

_JUNK_LINE = re.compile(
    r"(?i)^[-–—•|>*\s]*(youtube|share|share this( article| story| page)?|share on \w+|tweet|e-?mail|print|"
    r"advertisement|advert|ad|sponsored( content)?|skip to (main )?content|listen( to this article)?|"
    r"\d+\s+comments?|comments?|loading\.*|back to top|view gallery|watch( video| now)?|video|play|close|menu|"
    r"log ?in|sign in|register|read more|continue reading|see more|show more|load more|"
    r"\d+\s+(min|mins|minute|minutes)( read)?|\d+\s+(hour|hours|day|days|minutes?)\s+ago|"
    r"image \d+ of \d+|\d+ of \d+|photo|photos|gallery|opinion|analysis|explainer|breaking( news)?|live|"
    r"privacy policy|terms of (use|service)|cookie policy|all rights reserved.*|copyright\b.*|"
    r"facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|telegram|flipboard|messenger|copy link|copy url|"
    r"(story|article) continues below( (this )?(advertisement|ad))?|continue reading below|scroll (down )?to continue.*|"
    r"paid (content|post|partner content)|partner content|leave a (comment|reply)|report an? (error|issue|typo|correction)|"
    r"enter your e-?mail( address)?|thanks? (you )?for (subscribing|signing up)|media caption|"
    r"want more [\w' ]{1,30}\?)[.!:]*$")
_JUNK_START = re.compile(
    r"(?i)^(sign up\b|subscribe\b|get (our|the) .*newsletter|join our .*newsletter|newsletter\b|"
    r"we use cookies|this (web)?site uses cookies|by (continuing|using) (to use )?(this|our) (site|website)|"
    r"accept (all )?cookies|manage (cookies|preferences|consent)|click here\b|follow us\b|download (our|the) app|"
    r"click to (share|print|email|open)\b|already (a subscriber|have an account)|support (our|independent|quality) journalism|"
    r"manage (your )?(newsletter|e-?mail|cookie|privacy) (preferences|settings)|get the latest .{0,60}\b(inbox|newsletter)|"
    r"this (article|story) (was )?(originally|first) (published|appeared)|(topics|tags|filed under)\s*:\s*\S|"
    r"(read more|read next|also read|see also|related|watch|listen)\s*[:|]\s*\S|"
    rf"(updated|published|last updated|posted)(\s+(on|at))?\s*:?\s*(\d|{_MONTH}|(mon|tue|wed|thu|fri|sat|sun)\w*\b)|"
    r"\(?(reporting|writing|additional reporting|editing) by\b|our standards:|copyright\b|©)")
_JUNK_END = re.compile(r"\s[-–—|]\s*(youtube|vimeo|twitter|x|facebook|instagram|tiktok)\s*$", re.I)
_BYLINE = re.compile(r"^(?i:by)\s+[A-Z][\w.'’-]*(\s+[\w.'’-]+){0,6}(\s*(,|and|&)\s*[\w.'’ -]+)?$")
_NAME_LINE = re.compile(
    r"^[A-Z][a-zA-Z'’.-]+(\s+(?:[A-Z][a-zA-Z'’.-]*|de|da|del|van|von|der|bin|al|el|la|le|du|dos)){1,3}$")
_MARKER = re.compile(
    r"(?i)^[-–—•|>*#\s]*(more from\s.{1,60}|more (stories|news|articles|videos|coverage|to read|on this( story| topic)?)|"
    r"related( stories| articles| coverage| content| news| topics| reading| links| posts)?|read more|read next|"
    r"what to read next|most (popular|read|viewed|shared|watched)|recommended( for you| stories| reading| articles)?|"
    r"you (may|might) (also )?(like|be interested in)|also read|trending( now| stories)?|popular( now| stories)?|"
    r"top stories|editor'?s? picks?|latest( news| stories| articles)?|more stories|in other news|"
    r"around the web|from around the web|keep reading|don'?t miss|recommended videos?|up next|watch next|"
    r"what (we're|we are) reading|(popular|also) on [\w.]{2,30})\s*[:.!]*$")
# "Image caption, Residents fled ..." (BBC and others label their captions in the text).
_LABELLED_CAPTION = re.compile(r"(?i)^(image|photo|picture|video) caption\s*[,:]\s*\S")
_LABELLED_CAPTION_PREFIX = re.compile(r"(?i)^(image|photo|picture|video) caption\s*[,:]\s*")
_TEASER_TAG = re.compile(r"(?:\[[A-Z][A-Z ]{1,20}\]|\|)$")  # one "Headline [VIDEO]|" link decoration
_TERMINAL = ".!?:;\"”’)]…"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


# ---- entry point -------------------------------------------------------------------------
def clean_article(article: Article, *, settings: Settings) -> list[Article]:
    """The main article, then its teasers and captions as their own documents."""
    title, published, page = _read_page(article, settings=settings)
    body = _cut(page.body, max_chars=settings.max_chars, doc_id=article.id)
    body = split_long_runs(body, max_words=settings.max_sentence_tokens * _RUN_FACTOR)
    everything = "\n".join(filter(None, [title or "", body, *(t for _, t, _, _ in page.others)]))
    if not everything.strip():
        raise ArticleRejected("empty", doc_id=article.id)
    if not any(ch.isalpha() for ch in everything):
        raise ArticleRejected("no sentence", doc_id=article.id)
    language = document_language(everything, settings=settings, doc_id=article.id)
    if not body.strip() and not page.others:
        raise ArticleRejected("empty", doc_id=article.id)
    published = published or page.dateline or _date_from_text(body, url=article.url)
    main = replace(article, text=body, title=title or None, published=published, kind="article",
                   parent=None, language=language, html=None,
                   source=article.source or source_from_url(article.url))
    return [main, *_split_documents(main, page.others)]


def document_language(text: str, *, settings: Settings, doc_id: str | None = None) -> str:
    """The language a document is coded in: the forced one (``--lang``), else the detected one when
    a registered coder reads it; else ArticleRejected ``language: xx``."""
    specs = settings.language_specs
    if settings.language:
        return settings.language
    language = detect_language(text, stopwords={c: s.stopwords for c, s in specs.items() if s.stopwords})
    if language not in specs:
        raise ArticleRejected(f"language: {language}", doc_id=doc_id)
    return language


def extract_main_text(markup: str, *, url: str | None = None, settings: Settings) -> str:
    """The main article text of an HTML page, with no language check (benchmarks, debugging)."""
    _, _, page = _read_page(Article(id="page", text="", html=markup, url=url), settings=settings)
    return page.body


def _read_page(article: Article, *, settings: Settings) -> tuple[str | None, dt.date | None, _Page]:
    "Title, publication date and segmented page of an article (HTML converted first)."
    title, published, text = article.title, article.published, article.text or ""
    source_html = article.html if article.html else (text if _is_html_page(text) else None)
    if source_html is not None:
        text, meta_title, meta_date = html_to_text(source_html[: settings.max_chars * _HTML_FACTOR], url=article.url)
        title = title or meta_title
        published = published or meta_date
    _check_binary(text)
    # Segmentation is linear but not free: never look at more than twice what will be kept.
    text = normalise_text(text[: settings.max_chars * 2])
    title = _normalise_line(title)[:1000] if title else None
    page = _segment(text, title=title)
    return title or page.headline, published, page


def _date_from_text(body: str, *, url: str | None) -> dt.date | None:
    "Publication date from a dateline at the head of the text, else from the URL."
    from_url = datelines.date_from_url(url) if url else None
    return datelines.parse_dateline(body, year=from_url.year if from_url else None) or from_url


def source_from_url(url: str | None) -> str | None:
    """The outlet of a URL: its host without ``www.`` ("https://www.bbc.co.uk/x" -> "bbc.co.uk")."""
    if not url:
        return None
    host = urlsplit(url.strip()).hostname or ""
    host = host.removeprefix("www.")
    return host or None


def split_long_runs(text: str, *, max_words: int) -> str:
    """Break runs of more than ``max_words`` words without a sentence end into paragraphs.

    A 5,000-word line with no punctuation would reach spaCy as one sentence-less paragraph;
    cut into paragraphs of ``max_words`` it costs linear time, and each piece (longer than
    ``max_sentence_tokens``) is still skipped by the coder.
    """
    if max_words <= 0 or len(text) < max_words * 2:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        words = line.split(" ")
        if len(words) <= max_words:
            out.append(line)
            continue
        pieces, run = [[]], 0
        for word in words:
            if run >= max_words:
                pieces.append([])
                run = 0
            pieces[-1].append(word)
            run = 0 if word.endswith((".", "!", "?")) else run + 1
        out.append("\n\n".join(" ".join(piece) for piece in pieces))
    return "\n".join(out)


def _split_documents(main: Article, others: list[tuple[str, str, str | None, dt.date | None]]) -> list[Article]:
    "Teaser and caption documents, numbered per kind in page order."
    docs: list[Article] = []
    counts = {"teaser": 0, "caption": 0}
    for kind, text, title, published in others:
        counts[kind] += 1
        docs.append(Article(id=f"{main.id}#{kind}-{counts[kind]}", text=text, title=title,
                            published=published, url=main.url, source=main.source, kind=kind,
                            parent=main.id, language=main.language, origin=main.origin))
    return docs


def _cut(text: str, *, max_chars: int, doc_id: str) -> str:
    "Cut an over-long text at the last paragraph break before max_chars."
    if len(text) <= max_chars:
        return text
    cut = text.rfind("\n\n", 0, max_chars)
    logger.warning("%s: text of %d characters cut to %d", doc_id, len(text), max_chars)
    return text[: cut if cut > 0 else max_chars].rstrip()


def _check_binary(text: str) -> None:
    "Reject text that is mostly control characters (binary data passed as text)."
    if is_binary_text(text):
        raise ArticleRejected("binary")


# ---- normalisation -----------------------------------------------------------------------
def normalise_text(text: str) -> str:
    """NFC, \\n line ends, spaces collapsed, lines stripped, one blank line between paragraphs."""
    text = normalise_chars(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).replace("\f", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _normalise_line(line: str) -> str:
    "One line normalised (a title)."
    return " ".join(normalise_text(line).split())


# ---- segmentation ------------------------------------------------------------------------
@dataclass(slots=True)
class _Line:
    """One line of the page and what it was found to be."""

    text: str
    block: int
    role: str = "body"  # body | junk | credit | caption | author | label | duplicate | marker | dateline
    region: str = "main"  # main | teaser


@dataclass(frozen=True, slots=True)
class _Page:
    """A page split into headline, main body and the other documents (kind, text, title, date)."""

    headline: str | None
    body: str
    dateline: dt.date | None
    others: list[tuple[str, str, str | None, dt.date | None]]


def _segment(text: str, *, title: str | None) -> _Page:
    "Split a normalised text into headline, body, teasers and captions."
    lines = [_Line(line, b) for b, block in enumerate(text.split("\n\n")) for line in block.split("\n") if line]
    headline = _take_headline(lines, title=title)
    for line in lines:
        if line.role == "body" and _MARKER.match(line.text) and _words(line.text) <= 10:
            line.role = "marker"
    _classify(lines)
    _mark_regions(lines)
    main = _join_blocks([line for line in lines if line.role == "body" and line.region == "main"])
    others: list[tuple[str, str, str | None, dt.date | None]] = []
    seen_captions: set[str] = set()
    for i, line in enumerate(lines):
        if line.role == "caption":
            caption = _strip_credit(_LABELLED_CAPTION_PREFIX.sub("", line.text))
            if _key(caption) not in seen_captions:
                seen_captions.add(_key(caption))
                others.append(("caption", caption, None, caption_date(caption)))
        elif line.region == "teaser" and line.role == "body" and not _continues(lines, i):
            teaser = [line]
            for j in range(i + 1, len(lines)):
                if not _continues(lines, j):
                    break
                teaser.append(lines[j])
            others.append(("teaser", *_teaser(teaser), None))
    first_marker = next((i for i, line in enumerate(lines) if line.role == "marker"), len(lines))
    dateline = next((caption_date(line.text) for line in lines[:min(first_marker, 4)] if line.role == "dateline"), None)
    return _Page(headline, main, dateline, others)


def _continues(lines: list[_Line], i: int) -> bool:
    "Whether line i is a teaser body line in the same block as the body line before it."
    return (i > 0 and lines[i].role == "body" and lines[i].region == "teaser" and lines[i - 1].role == "body"
            and lines[i - 1].region == "teaser" and lines[i - 1].block == lines[i].block)


def _mark_regions(lines: list[_Line]) -> None:
    """Main or teaser region for each line: a marker starts a teaser region, which lasts to the end
    when its first item is prose (teaser cards), or until prose resumes when its items are
    headline-like links (a "Don't miss" list inside the article) and the next block is prose."""
    region, links, previous = "main", False, None
    for line in lines:
        if line.role == "marker":
            region, links = "teaser", None
        elif region == "teaser" and line.role == "body":
            prose = _is_prose(line.text)
            if links is None:
                links = not prose
            elif links and prose:
                if previous is not None and previous.role == "body" and previous.block == line.block:
                    links = False  # a headline with its summary: teaser cards after all
                else:
                    region = "main"
        line.region = region
        previous = line
    for line in lines:
        if (line.region == "teaser" and line.role == "body" and _words(line.text) <= 3
                and not line.text.endswith(tuple(_TERMINAL))):
            line.role = "label"


def _is_prose(text: str) -> bool:
    "A sentence rather than a headline: ends with a sentence mark and has eight words or more."
    return _words(text) >= 8 and text.rstrip("\"”’)]").endswith((".", "!", "?", "…"))


def _take_headline(lines: list[_Line], *, title: str | None) -> str | None:
    "Remove and return the headline (first short line without a final period)."
    if not lines:
        return None
    first = lines[0].text
    if title is not None:
        if _key(first) == _key(title):
            lines[0].role = "duplicate"
        return None
    if (_words(first) <= _HEADLINE_MAX_WORDS and not first.endswith((".", ",", ";", ":"))
            and not _is_credit(first) and not _is_junk(first) and not _MARKER.match(first)
            and caption_date(first) is None and any(ch.isalpha() for ch in first)):
        lines[0].role = "headline"
        return first
    return None


def _classify(lines: list[_Line]) -> None:
    "Set each line's role: dateline, junk, credit, author, caption, duplicate or body."
    for i, line in enumerate(lines):
        if line.role != "body":
            continue
        previous = lines[i - 1] if i else None
        if previous is not None and previous.block == line.block and _is_wrapped(previous.text, line.text):
            continue  # the middle of a hard-wrapped paragraph is prose, whatever it looks like
        if _DATELINE.match(line.text):
            line.role = "dateline"
        elif _is_junk(line.text):
            line.role = "junk"
        elif _is_credit(line.text):
            line.role = "credit"
        elif _NAME_LINE.match(line.text) or _is_byline(line.text):
            line.role = "author"
        elif _is_date_caption(line.text) or _LABELLED_CAPTION.match(line.text):
            line.role = "caption"
    _mark_captions_before_credits(lines)
    captions = {_key(line.text) for line in lines if line.role == "caption"}
    seen: set[str] = set()
    for line in lines:
        key = _key(line.text)
        if line.role == "body" and key in captions:
            line.role = "caption"
        elif line.role in {"body", "caption"} and key in seen:
            line.role = "duplicate"
        seen.add(key)


def _mark_captions_before_credits(lines: list[_Line]) -> None:
    "The line right before a credit (same block, or a one-line block) is a caption."
    block_sizes = collections.Counter(line.block for line in lines)
    # j: the last line before this one that is not a credit or junk line of this one's block; kept
    # (with its length) across a run of credits, so a page of 30,000 credits costs linear time.
    j, short = -1, False
    for i, line in enumerate(lines):
        if i and not (lines[i - 1].role in {"credit", "junk"} and lines[i - 1].block == line.block):
            j, short = i - 1, _words(lines[i - 1].text) <= _CAPTION_MAX_WORDS
        if line.role != "credit":
            continue
        if j < 0 or lines[j].role not in {"body", "caption"} or not short:
            continue
        same_block = lines[j].block == line.block
        single = block_sizes[lines[j].block] == 1
        if same_block or (single and lines[j].block == line.block - 1):
            lines[j].role = "caption"


def _join_blocks(lines: list[_Line]) -> str:
    "Body lines back into text: blocks apart by a blank line, wrapped lines joined."
    paragraphs: list[list[str]] = []  # joined once: += on a long paragraph copies it every line
    previous: _Line | None = None
    for line in lines:
        if previous is not None and previous.block == line.block and _is_wrapped(previous.text, line.text):
            paragraphs[-1].append(line.text)
        else:
            paragraphs.append([line.text])
        previous = line
    return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)


def _is_wrapped(first: str, second: str) -> bool:
    "Whether ``second`` continues the sentence of ``first`` (a hard-wrapped line)."
    return not first.endswith(tuple(_TERMINAL)) and (second[:1].islower() or second[:1].isdigit()
                                                     or len(first) >= 60)


def _teaser(lines: list[_Line]) -> tuple[str, str | None]:
    "A teaser's text and title: a headline-like first line of a longer block is its title."
    lines = [_Line(_strip_teaser_tags(line.text) or line.text, line.block) for line in lines]
    if len(lines) > 1 and not lines[0].text.endswith(tuple(_TERMINAL)) and _words(lines[0].text) <= _HEADLINE_MAX_WORDS \
            and not _is_wrapped(lines[0].text, lines[1].text):
        return _join_blocks(lines[1:]), lines[0].text
    return _join_blocks(lines), None


# ---- line tests --------------------------------------------------------------------------
def is_junk_line(text: str) -> bool:
    """Share/subscribe/cookie/newsletter/advertisement/byline line ("Sign up for our newsletter")."""
    return _is_junk(text.strip())


def is_credit_line(text: str) -> bool:
    """A photo credit ("Photo by ...", "REUTERS/Name", "Getty Images")."""
    return _is_credit(text.strip())


def is_caption_line(text: str) -> bool:
    """A photo caption stamped with a date ("... Haiti November 11, 2024.")."""
    return _is_date_caption(text.strip())


def is_marker_line(text: str) -> bool:
    """A line that starts a teaser region ("Related", "Most popular", "More from X")."""
    return bool(_MARKER.match(text.strip())) and _words(text) <= 10


def _words(text: str) -> int:
    "The number of whitespace-separated words."
    return len(text.split())


def _key(text: str) -> str:
    "A comparison key: case-folded words, punctuation at the ends ignored."
    return " ".join(text.casefold().split()).strip(" .,;:!?\"'“”‘’")


def _strip_teaser_tags(text: str) -> str:
    "A teaser line without the decorations at its end ('Headline [VIDEO]|'), read from the end."
    end = cut = len(text.rstrip())
    while cut and (text[cut - 1] == "|" or (tag := _TEASER_TAG.search(text, max(0, cut - 23), cut))):
        cut = cut - 1 if text[cut - 1] == "|" else tag.start()
    return text if cut == end else text[:cut].rstrip()


def _is_byline(text: str) -> bool:
    "A 'By Name and Name' line."
    return len(text) <= _BYLINE_MAX_CHARS and bool(_BYLINE.match(text))


def _is_junk(text: str) -> bool:
    "Share/subscribe/cookie/byline/video-title lines."
    if _words(text) > _JUNK_MAX_WORDS:
        return False
    return bool(_JUNK_LINE.match(text) or _JUNK_START.match(text) or _JUNK_END.search(text)
                or (_words(text) <= 8 and _is_byline(text)))


def _is_credit(text: str) -> bool:
    "A photo credit line."
    if _words(text) > _CREDIT_MAX_WORDS or text.endswith(("?", "!")):
        return False
    return any(p.search(text) for p in _CREDIT_PATTERNS)


def _is_date_caption(text: str) -> bool:
    "A line ending in a photo-style date stamp (not '... on August 14, 2024.')."
    if len(text) > _CAPTION_MAX_CHARS or _words(text) > _CAPTION_MAX_WORDS or _words(text) < 4:
        return False
    match = _DATE_AT_END.search(_strip_credit(text))
    if match is None:
        return False
    before = (match.group("before") or "").lower().strip(",")
    return before not in _DATE_PREPOSITIONS


def _strip_credit(text: str) -> str:
    "A caption without a credit glued to its end ('... 2024. REUTERS/Name')."
    match = _TRAILING_CREDIT.match(text)
    return match.group("caption") if match else text


def caption_date(text: str) -> dt.date | None:
    """The date written at the end of a caption ("... Haiti November 11, 2024."), else None."""
    match = _DATE_AT_END.search(_strip_credit(_TIME_AT_END.sub("", text)))
    if match is None:
        return None
    try:
        if match.group("iso"):
            return dt.date.fromisoformat(match.group("iso"))
        month = match.group("m1") or match.group("m2")
        day = match.group("d1") or match.group("d2")
        year = match.group("y1") or match.group("y2")
        number = next(n for name, n in _MONTHS.items() if name.startswith(month.rstrip(".").lower()[:3]))
        return dt.date(int(year), number, int(day))
    except (ValueError, StopIteration):
        return None
