"""Event dates from the sentence's temporal expressions, resolved against publication.

INTERFACE:

    resolve_date(sentence: Span, trigger: Token | None, published: date | None)
        -> tuple[date | None, str]       # (date, precision: day|week|month|year|publication)
    estimate_publication(texts, *, floor: date) -> date   # an undated article read forward from its photo

With no temporal clue the event gets the publication date and precision "publication";
with no publication date either, (None, "publication"). Regexes cover the common forms;
dateparser is tried only on a DATE entity they missed that names a month or a number.
Periods resolve to a point: "two weeks ago" is 14 days before publication (week),
"last month" the first day of the previous month (month), "in 2018" 2018-01-01 (year).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable

from spacy.tokens import Span, Token

from ..records import Article
from .lexicon import fold_accents
from ..text.datelines import DAY_PATTERN as _DAY
from ..text.datelines import MONTH_PATTERN as _MONTH
from ..text.datelines import MONTHS as _MONTHS
from ..text.datelines import WEEKDAY_PATTERN as _WD
from ..text.datelines import WEEKDAYS
from ..text.datelines import YEAR_PATTERN as _YEAR
from ..text.datelines import safe_date as _safe_date

logger = logging.getLogger(__name__)

_WEEKDAYS = {name: n for n, name in enumerate(WEEKDAYS)}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "several": 3, "a few": 3}
_NUM = r"(?P<num>\d{1,2}|a couple of|a few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_FUTURE_HEADS = {"plan", "schedule", "expect", "set", "due", "go", "intend", "prepare", "aim", "hope", "want", "vow", "pledge", "promise", "threaten"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}


@dataclass(frozen=True, slots=True)
class _Pattern:
    """One regex for a temporal expression and how to resolve a match."""

    regex: re.Pattern
    resolve: Callable[[re.Match, dt.date | None, bool], tuple[dt.date, str] | None]


def _compile(text: str) -> re.Pattern:
    "Case-insensitive, word-bounded."
    return re.compile(r"(?<![\w-])" + text + r"(?![\w-])", re.IGNORECASE)


def _month_day(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'November 20, 2024', 'Jan. 6', '6 January': year from the text or from publication."
    month, day = _MONTHS[m["month"].lower().rstrip(".")], int(m["day"])
    if m["year"]:
        when = _safe_date(int(m["year"]), month, day)
        return (when, "day") if when else None
    if published is None:
        return None
    when = _safe_date(published.year, month, day)
    if when is None:
        return None
    if not future and when > published:
        when = _safe_date(published.year - 1, month, day)
    elif future and (published - when).days > 31:
        when = _safe_date(published.year + 1, month, day)
    return (when, "day") if when else None


def _month_year(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'March 2018'."
    return dt.date(int(m["year"]), _MONTHS[m["month"].lower().rstrip(".")], 1), "month"


def _iso(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'2024-08-15'."
    when = _safe_date(int(m["year"]), int(m["m"]), int(m["day"]))
    return (when, "day") if when else None


def _in_year(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'in 2018'."
    return dt.date(int(m["year"]), 1, 1), "year"


def _weekday(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'on Thursday', 'last Friday', 'next Monday': the nearest such day before (or after) publication."
    if published is None:
        return None
    wd = _WEEKDAYS[m["wd"].lower()]
    mod = (m["mod"] or "").lower()
    if mod == "next":
        future = True
    elif mod == "last":
        future = False
    if future:
        delta = (wd - published.weekday()) % 7 or (7 if mod == "next" else 0)
        return published + dt.timedelta(days=delta), "day"
    delta = (published.weekday() - wd) % 7 or (7 if mod == "last" else 0)
    return published - dt.timedelta(days=delta), "day"


def _relative_day(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'yesterday', 'today', 'tomorrow', 'last night', 'overnight', 'this morning'."
    if published is None:
        return None
    word = m[0].lower()
    if "yesterday" in word or "last night" in word:
        return published - dt.timedelta(days=1), "day"
    if "tomorrow" in word:
        return published + dt.timedelta(days=1), "day"
    return published, "day"


def _ago(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'two weeks ago', '3 days ago', 'a month ago', 'five years ago'."
    if published is None:
        return None
    num = m["num"].lower()
    n = int(num) if num.isdigit() else _NUMBERS[num]
    unit = m["unit"].lower()
    if unit == "day":
        return published - dt.timedelta(days=n), "day"
    if unit == "week":
        return published - dt.timedelta(days=7 * n), "week"
    if unit == "month":
        return _months_before(published, n), "month"
    return dt.date(published.year - n, 1, 1), "year"


def _months_before(published: dt.date, n: int) -> dt.date:
    "The first day of the month n months before publication."
    index = published.year * 12 + published.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def _period(m: re.Match, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    "'last week/month/year', 'this week', 'earlier this month/year', 'next week'."
    if published is None:
        return None
    mod, unit = m["pmod"].lower(), m["punit"].lower()
    offset = -1 if mod == "last" else (1 if mod == "next" else 0)
    if unit == "week":
        return published + dt.timedelta(days=7 * offset), "week"
    if unit == "month":
        if offset >= 0:
            index = published.year * 12 + published.month - 1 + offset
            return dt.date(index // 12, index % 12 + 1, 1), "month"
        return _months_before(published, 1), "month"
    return dt.date(published.year + offset, 1, 1), "year"


# Most specific first: a later pattern never claims characters an earlier one matched.
_PATTERNS = (
    _Pattern(_compile(r"(?P<year>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<day>[0-3]\d)"), _iso),
    _Pattern(_compile(rf"(?:{_WD},?\s+)?{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"), _month_day),
    _Pattern(_compile(rf"(?:{_WD},?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"), _month_day),
    _Pattern(_compile(rf"{_MONTH}(?:\s+of)?,?\s+{_YEAR}"), _month_year),
    _Pattern(_compile(rf"{_NUM}\s+{_UNIT}\s+(?:ago|earlier|before)"), _ago),
    _Pattern(_compile(r"(?:(?:earlier|later)\s+)?(?P<pmod>last|this|next|past)\s+(?P<punit>week|month|year)"), _period),
    _Pattern(_compile(r"yesterday|today|tonight|tomorrow|last\s+night|overnight|this\s+(?:morning|afternoon|evening)"), _relative_day),
    _Pattern(_compile(rf"(?:(?P<mod>last|next|this|on|late|early)\s+)?{_WD}"), _weekday),
    _Pattern(_compile(rf"(?:in|during|since|by|of|until|throughout)\s+(?:early\s+|late\s+|mid-?)?{_YEAR}"), _in_year),
)


@dataclass(frozen=True, slots=True)
class _Expression:
    """One temporal expression found in a sentence."""

    start: int  # character offsets into the sentence text
    end: int
    when: dt.date
    precision: str


def resolve_date(sentence: Span, trigger: Token | None, published: dt.date | None, *,
                 use_dateparser: bool = True, others: frozenset[int] = frozenset()) -> tuple[dt.date | None, str]:
    """The event's own date: the temporal expression nearest the trigger, resolved against publication.

    ``others`` are the token indices of the sentence's other event triggers: an expression that
    hangs under one of them dates that event, not this one ("... calls for a cease-fire ahead of
    the retaliation for the assassination two weeks ago").
    """
    future = _is_future(trigger) if trigger is not None else False
    found = list(_sentence_expressions(sentence.text, published, future))
    if use_dateparser:
        found.extend(_dateparser_entities(sentence, found, published))
    if not future and published is not None:
        found = [e for e in found if e.when <= published]  # a past event cannot follow its report
    if trigger is not None and others:
        found = [e for e in found if not _owned_by_other(sentence, trigger, e, others)]
    if not found:
        return (published, "publication") if published else (None, "publication")
    best = min(found, key=lambda e: _distance(sentence, trigger, e))
    return best.when, best.precision


@lru_cache(maxsize=256)
def _sentence_expressions(text: str, published: dt.date | None, future: bool) -> tuple[_Expression, ...]:
    "_find_expressions of a sentence, kept for its other events (every event of a sentence asks)."
    return tuple(_find_expressions(text, published, future))


# Every pattern holds a digit, a month, a unit (weekdays, 'yesterday' and 'today' hold 'day') or a
# part of the day: a text with none of them has no expression (most sentences), found in one pass.
_ANY_EXPRESSION = re.compile(r"\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year|night"
                             r"|tomorrow|morning|afternoon|evening", re.IGNORECASE)


def _find_expressions(text: str, published: dt.date | None, future: bool) -> list[_Expression]:
    "Every regex-resolved temporal expression in a text, without overlaps."
    if not _ANY_EXPRESSION.search(text):
        return []
    taken = [False] * len(text)
    found = []
    for pattern in _PATTERNS:
        for m in pattern.regex.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            resolved = pattern.resolve(m, published, future)
            if resolved is None or resolved[0] is None:
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            found.append(_Expression(m.start(), m.end(), resolved[0], resolved[1]))
    return found


_DATEPARSER_HINT = re.compile(r"\d|" + _MONTH, re.IGNORECASE)


def _dateparser_entities(sentence: Span, found: list[_Expression], published: dt.date | None) -> list[_Expression]:
    "DATE entities the regexes missed, parsed by dateparser (slow; only with a month or a number)."
    extra = []
    base = sentence.start_char
    for ent in sentence.ents:
        if ent.label_ != "DATE":
            continue
        start, end = ent.start_char - base, ent.end_char - base
        if any(e.start < end and start < e.end for e in found) or not _DATEPARSER_HINT.search(ent.text):
            continue
        if published is None and not re.search(r"\b(?:1[89]|20)\d{2}\b", ent.text):
            continue  # without publication, a year-less date would be resolved against today
        when = _dateparser(ent.text, published)
        if when is not None:
            extra.append(_Expression(start, end, when, "day"))
    return extra


@lru_cache(maxsize=4096)  # the same date phrases recur across a batch; dateparser takes about a millisecond
def _dateparser(text: str, published: dt.date | None) -> dt.date | None:
    "dateparser as a last resort, relative to publication, preferring the past."
    try:
        import dateparser
    except ImportError:  # optional at run time
        return None
    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd strings
        logger.debug("dateparser failed on %r", text, exc_info=True)
        return None
    return parsed.date() if parsed else None


def _owned_by_other(sentence: Span, trigger: Token, expr: _Expression, others: frozenset[int]) -> bool:
    "Whether every token of the expression hangs under another event's trigger below ours."
    base = sentence.start_char
    tokens = [t for t in sentence if t.idx - base < expr.end and t.idx + len(t) - base > expr.start]
    if not tokens:
        return False
    for tok in tokens:
        owned = False
        for node in (tok, *tok.ancestors):
            if node.i == trigger.i or node.is_ancestor(trigger):
                break
            if node.i in others:
                owned = True
                break
        if not owned:
            return False
    return True


def _distance(sentence: Span, trigger: Token | None, expr: _Expression) -> tuple[int, int]:
    "Dependency-tree distance from the trigger to the expression's tokens, then surface distance."
    base = sentence.start_char
    tokens = [t for t in sentence if t.idx - base < expr.end and t.idx + len(t) - base > expr.start]
    if trigger is None or not tokens:
        return (0, expr.start)
    tree = min(_tree_distance(trigger, t) for t in tokens)
    surface = min(abs(t.i - trigger.i) for t in tokens)
    return (tree, surface)


def _tree_distance(a: Token, b: Token) -> int:
    "Edges between two tokens of one sentence through their lowest common ancestor."
    depth_a = {a.i: 0}
    for k, anc in enumerate(a.ancestors, 1):
        depth_a[anc.i] = k
    if b.i in depth_a:
        return depth_a[b.i]
    for k, anc in enumerate(b.ancestors, 1):
        if anc.i in depth_a:
            return k + depth_a[anc.i]
    return 99


def _is_future(trigger: Token) -> bool:
    "True for 'will meet', 'is scheduled to meet', 'plans to visit'."
    verb = trigger
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.tag_ in ("VBD", "VBN") and not any(c.lower_ in _FUTURE_AUX for c in verb.children):
        return False
    if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in verb.children):
        return True
    if verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        head = verb.head
        if head.lemma_.lower() in _FUTURE_HEADS or head.lower_ == "going" or (
                head.lemma_.lower() == "be" and head.i < verb.i):  # "he is to leave office on August 2"
            return True
        return any(c.lower_ in _FUTURE_AUX for c in head.children)
    return False


# An article's photo is taken at most this many days before the article's own
# "on Thursday" (wire photos are same-day or next-day; a week covers weekly magazines).
_FLOOR_WINDOW_DAYS = 7


def estimate_publication(texts: Iterable[str], *, floor: dt.date) -> dt.date:
    """A publication date for an undated article whose own photo is dated ``floor``.

    The article cannot be older than its photo, so its weekday and relative expressions
    are read forward from the photo's date ("on Thursday" after a Wednesday photo is the
    next day); the latest such date within a week of the photo is taken as publication.
    """
    best = floor
    horizon = floor + dt.timedelta(days=_FLOOR_WINDOW_DAYS)
    for text in texts:
        for expr in _find_expressions(text, floor, True):
            if expr.precision == "day" and floor <= expr.when <= horizon and expr.when > best:
                best = expr.when
    return best


def date_undated_page(docs: list[Article]) -> list[Article]:
    """An undated main article takes a publication date from its own dated photo caption.

    Only captions before the first teaser belong to the article; the date is read forward
    from the photo's (see ``estimate_publication``).
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
    published = estimate_publication(texts, floor=max(own_photos))
    logger.info("%s: no publication date; estimated %s from its photo caption", main.id, published)
    return [replace(main, published=published), *docs[1:]]


# ---- other languages: date words from the language's language.yaml -------------------------------
@dataclass(frozen=True, slots=True)
class DateWords:
    """The date words of one language (its language.yaml ``dates`` table), compiled once.

    >>> words = DateWords.build(spec.dates)
    >>> resolve_date_words(sentence, published, words) -> (date | None, precision)
    """

    weekdays: tuple[str, ...]
    months: dict[str, int]
    relative: tuple[tuple[re.Pattern, int, str], ...]  # (pattern, offset, unit: day|week|month|year)
    day_month: re.Pattern

    @classmethod
    def build(cls, table: dict | None) -> DateWords | None:
        "The compiled words, None when the language gives none."
        if not table:
            return None
        months = {fold_accents(m): n for n, m in enumerate(table.get("months", ()), 1)}
        months.update({fold_accents(a): months[fold_accents(b)] for a, b in (table.get("month_aliases") or {}).items()
                       if fold_accents(b) in months})
        relative = []
        for key, unit in (("days", "day"), ("weeks", "week"), ("months_relative", "month"), ("years_relative", "year")):
            for phrase, offset in (table.get(key) or {}).items():
                relative.append((re.compile(rf"\b{re.escape(fold_accents(phrase))}\b"), int(offset), unit))
        of = re.escape(str(table.get("of", "de")))
        names = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
        day_month = re.compile(rf"\b(\d{{1,2}})\s+{of}\s+({names})(?:\s+{of}\s+(\d{{4}}))?\b")
        return cls(tuple(fold_accents(w) for w in table.get("weekdays", ())), months, tuple(relative), day_month)


def resolve_date_words(sentence: Span, published: dt.date | None, words: DateWords | None,
                       trigger: Token | None = None) -> tuple[dt.date | None, str]:
    """The event's date from one language's date words: a day and month ("3 de marzo"), a weekday
    (the last one on or before publication; the one nearest the trigger), a relative word ("ayer", "la semana pasada"); else
    the publication date."""
    fallback = (published, "publication") if published else (None, "publication")
    if words is None or published is None:
        return fallback
    text = fold_accents(sentence.text)
    m = words.day_month.search(text)
    if m:
        year = int(m.group(3)) if m.group(3) else published.year
        try:
            when = dt.date(year, words.months[m.group(2)], int(m.group(1)))
        except ValueError:
            when = None
        if when is not None and not m.group(3) and when > published:
            when = when.replace(year=year - 1) if not (when.month == 2 and when.day == 29) else None
        if when is not None:
            return when, "day"
    for phrase, offset, unit in words.relative:
        if phrase.search(text):
            if unit == "day":
                return published + dt.timedelta(days=offset), "day"
            if unit == "week":
                return published + dt.timedelta(days=offset), "week"
            if unit == "month":
                return _months_before(published, -offset), "month"
            return published.replace(year=published.year + offset, month=1, day=1), "year"
    at = trigger.idx - sentence.start_char if trigger is not None else 0
    days = [(abs(m.start() - at), n) for n, day in enumerate(words.weekdays)
            for m in re.finditer(rf"\b{re.escape(day)}\b", text)]
    if days:
        n = min(days)[1]  # the weekday nearest the trigger
        return published - dt.timedelta(days=(published.weekday() - n) % 7), "day"
    return fallback
