"""The trigger lexicon (data/triggers.tsv) and verb classes (data/verb_classes.yaml).

``triggers.tsv`` columns: lemma, pos (V|N), pattern, event_type, mode, contexts, cameo,
weight. A pattern is a comma-separated list of constraints that must all hold:
``prt:off`` (particle child), ``prep:for`` (a prepositional child), ``dobj:talk``
(the direct object's lemma; ``dobj:*`` any direct object), ``mod:hunger`` (a compound
or adjective modifier of a noun trigger: "hunger strike"). An entry with more constraints wins over one with fewer.

``Lexicon.load(data_dir, cache_dir=..., extra_dirs=settings.dict_dirs)`` also reads each user
dictionary folder's ``triggers.tsv`` (same columns and header); its rows win over built-in rows
with the same lemma, pos and pattern.

The lexicon also carries the learned decision over what its triggers find (``decider.py``,
data/decider.json; None when the file is absent): ``lexicon.decider``, and
``lexicon.with_decider(other)`` for a copy that decides with another one (evaluation's fold models),
``lexicon.deciding_with(choose)`` for one that decides with ``choose(lexicon.decider)``.
"""

from __future__ import annotations

import copy
import csv
import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import ConfigError
from ..records import EventType
from . import cache
from . import decider as decider_module
from .decider import DECIDER_FILE, Decider

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lexicon entry."""

    lemma: str
    pos: str
    constraints: tuple[tuple[str, str], ...]
    meaning: EventType
    weight: float


@dataclass(frozen=True, slots=True)
class VerbClasses:
    """Grammar words: light verbs, governors of other events, modals, negators."""

    light: frozenset[str]
    negative: frozenset[str]
    transparent: frozenset[str]
    intent: frozenset[str]
    epistemic: frozenset[str]
    speech: frozenset[str]
    modal: frozenset[str]
    conditional: frozenset[str]
    hypothetical_modifiers: frozenset[str]
    negators: frozenset[str]
    commitment: frozenset[str]
    request_governors: frozenset[str]
    intentional_violence: frozenset[str]
    disaster_words: frozenset[str]
    hostile_words: frozenset[str]
    protester_nouns: frozenset[str]
    expression_nouns: frozenset[str]
    denied_statements: frozenset[str]
    speech_acts: frozenset[str]
    vehicle_nouns: frozenset[str]
    not_events: frozenset[str]
    halting: frozenset[str]
    executive_verbs: frozenset[str]
    note_verbs: frozenset[str]
    worker_sectors: frozenset[str]
    phrasal_frames: frozenset[str]
    document_nouns: frozenset[str]
    dismissals: frozenset[str]
    # the UD coder's (events/ud.py) function words, for languages whose grammar is "ud"
    recipient_cases: frozenset[str] = frozenset()  # prepositions of a recipient ("contra", "a")
    agent_cases: frozenset[str] = frozenset()  # the preposition of a passive's agent ("por")
    actor_cases: frozenset[str] = frozenset()  # the preposition of an event noun's actor ("de")
    passive_aux: frozenset[str] = frozenset()  # the auxiliary of a passive ("ser")
    purpose: frozenset[str] = frozenset()  # the mark of a purpose clause ("para")
    reflexive: frozenset[str] = frozenset()  # the clitic of a pronominal verb, whose lemma it ends ("negarse")


class Lexicon:
    """Trigger lookup by (lemma, pos), most specific matching pattern first.

    >>> lex = Lexicon.load(settings.data_path)
    >>> lex.match("call", "V", prt=(), preps=("for",), dobj=None)
    """

    def __init__(self, triggers: list[Trigger], classes: VerbClasses, *, decider: Decider | None = None):
        index: dict[tuple[str, str], list[Trigger]] = {}
        for trig in triggers:
            index.setdefault((trig.lemma, trig.pos), []).append(trig)
        for entries in index.values():
            entries.sort(key=lambda t: -len(t.constraints))
        self._index = index
        self.classes = classes
        self.size = len(triggers)
        self.decider = decider

    def with_decider(self, decider: Decider | None) -> Lexicon:
        "A copy of the lexicon that decides with another decider (None: the rules alone)."
        twin = copy.copy(self)
        twin.decider = decider
        return twin

    def deciding_with(self, choose: Callable[[Decider | None], Decider | None]) -> Lexicon:
        "A copy that decides with ``choose(its own decider)`` (the coder's: none, its own, or by fold)."
        return self.with_decider(choose(self.decider))

    @classmethod
    def load(cls, data_dir: Path, *, cache_dir: str | None = None, extra_dirs: Sequence[str | Path] = ()) -> Lexicon:
        """Read triggers.tsv (+ triggers_extra.tsv if the build did not merge it), each user folder's
        triggers.tsv (``extra_dirs``: its rows win) and verb_classes.yaml (once per process, and kept on
        disk with a ``Settings.cache_dir``: see cache.py)."""
        return _load_cached(str(data_dir), cache_dir, tuple(map(str, extra_dirs)))

    def has(self, lemma: str, pos: str) -> bool:
        "Whether any entry exists for this lemma and part of speech."
        return (lemma, pos) in self._index

    def match(self, lemma: str, pos: str, *, prt: tuple[str, ...] = (), preps: tuple[str, ...] = (),
              dobj: str | None = None, mods: tuple[str, ...] = ()) -> Trigger | None:
        "The most specific entry whose constraints all hold, or None."
        for trig in self._index.get((lemma, pos), ()):
            if all(_holds(kind, value, prt=prt, preps=preps, dobj=dobj, mods=mods) for kind, value in trig.constraints):
                return trig
        return None


@lru_cache(maxsize=65536)
def fold_accents(text: str) -> str:
    "Lower case without accents ('Ejército' -> 'ejercito'; ñ kept): how other languages' lemmas are compared."
    text = text.lower().replace("ñ", "\0")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return text.replace("\0", "ñ")


def _holds(kind: str, value: str, *, prt, preps, dobj, mods=()) -> bool:
    "Whether one pattern constraint holds for the trigger's dependents."
    if kind == "mod":
        return value in mods
    if kind == "prt":
        return value in prt
    if kind == "prep":
        return value in preps
    if kind == "dobj":
        return dobj is not None and (value == "*" or dobj == value or dobj.rstrip("s") == value)
    return False


_TRIGGER_FILES = ("triggers.tsv", "triggers_extra.tsv")


@lru_cache(maxsize=4)
def _load_cached(data_dir: str, cache_dir: str | None, extra_dirs: tuple[str, ...] = ()) -> Lexicon:
    "Load and index the lexicon files once per process (from the disk cache when unchanged)."
    base = Path(data_dir)
    user = [Path(d) / _TRIGGER_FILES[0] for d in extra_dirs]
    files = [base / name for name in (*_TRIGGER_FILES, "verb_classes.yaml", DECIDER_FILE)] + user
    return cache.load_or_build("lexicon", files, lambda: _build(base, user), cache_dir=cache_dir,
                               code=(decider_module.__file__,))  # the lexicon holds a Decider


def _build(base: Path, user: Sequence[Path] = ()) -> Lexicon:
    "Read and index the lexicon files (then the user dictionaries' trigger files)."
    triggers: dict[tuple, Trigger] = {}
    for path in [*(base / name for name in _TRIGGER_FILES), *user]:
        if path.exists():
            for trig in _read_triggers(path):
                triggers[(trig.lemma, trig.pos, trig.constraints)] = trig  # later files override
    if not triggers:
        raise ConfigError(f"no trigger lexicon in {base}")
    return Lexicon(list(triggers.values()), read_verb_classes(base / "verb_classes.yaml"), decider=Decider.load(base))


def read_verb_classes(path: Path) -> VerbClasses:
    "The word classes of a verb_classes.yaml, lower-cased; a class the file lacks is empty."
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read verb_classes.yaml: {exc}") from exc
    return VerbClasses(**{k: frozenset(str(w).lower() for w in raw.get(k, [])) for k in VerbClasses.__slots__})


def _read_triggers(path: Path) -> list[Trigger]:
    "Parse one triggers TSV file."
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader((line for line in fh if line.strip() and not line.startswith("#")), delimiter="\t")
        header = next(rows, None)
        if header is None or header[:2] != ["lemma", "pos"]:
            raise ConfigError(f"{path}: expected a header starting with lemma, pos")
        for lineno, row in enumerate(rows, start=2):
            row = (row + [""] * 8)[:8]
            lemma, pos, pattern, event_type, mode, contexts, cameo, weight = (c.strip() for c in row)
            if not lemma or not event_type:
                continue
            constraints = tuple(sorted(tuple(part.split(":", 1)) for part in pattern.split(",") if ":" in part))
            try:
                w = float(weight) if weight else 0.8
            except ValueError as exc:
                raise ConfigError(f"{path}:{lineno}: bad weight {weight!r}") from exc
            meaning = EventType(event_type.upper(), mode or None,
                                tuple(c for c in contexts.split("|") if c), cameo or None)
            out.append(Trigger(lemma.lower(), pos.upper(), constraints, meaning, w))
    return out
