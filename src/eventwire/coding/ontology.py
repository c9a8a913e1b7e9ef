"""PLOVER ontology as data: event types, modes, contexts, quad classes, CAMEO codes, scores.

INTERFACE:

    onto = Ontology.load(settings.data_path)
    onto.quad_class("ASSAULT") -> 4
    onto.cameo_for("ASSAULT", "targeted") -> "186"      # closest CAMEO code (string, zero-padded)
    onto.score("ASSAULT", "targeted", cameo="186") -> -10.0  # Goldstein score of the code, -10..+10
    onto.score("ASSAULT", "targeted", scale="plover") -> -9.5  # the PLOVER manual's score table
    onto.event_types -> tuple of the 16 PLOVER types
    onto.modes_of("ASSAULT") -> tuple of mode names (PLOVER manual spelling)
    onto.contexts -> tuple of the PLOVER general contexts
    onto.is_context(name) -> bool
    onto.plover_for_cameo("0311") -> ("AGREE", None, ("economic",))  # or None (CAMEO 01, 02)

Files read from ``data_dir``: ``plover.yaml`` (types, modes, contexts, PLOVER scores, default
CAMEO codes), ``cameo_plover.tsv`` (CAMEO2PLOVER table) and ``goldstein.tsv`` (Goldstein
scores of CAMEO codes). ``scripts/build_lexicon.py`` writes the two tables.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

from ..errors import ConfigError

logger = logging.getLogger(__name__)

CameoMeaning = tuple[str, "str | None", tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Mode:
    """One mode of one event type."""

    name: str
    cameo: str | None
    plover_score: float | None


@dataclass(frozen=True, slots=True)
class _Type:
    """One PLOVER event type."""

    name: str
    quad_class: int
    cameo: str
    plover_score: float
    modes: Mapping[str, _Mode]
    goldstein_mean: float | None


@dataclass(frozen=True, slots=True)
class Ontology:
    """The PLOVER ontology plus its CAMEO and Goldstein tables; immutable, load once."""

    event_types: tuple[str, ...]
    contexts: tuple[str, ...]
    auxiliary_modes: tuple[str, ...]
    _types: Mapping[str, _Type]
    _cameo: Mapping[str, CameoMeaning]
    _goldstein: Mapping[str, float]
    _context_set: frozenset[str]

    @classmethod
    def load(cls, data_dir: Path) -> Ontology:
        """Read plover.yaml, cameo_plover.tsv and goldstein.tsv (cached per directory)."""
        return _load_cached(str(Path(data_dir).resolve()))

    def _type(self, event_type: str) -> _Type:
        "The record of one event type; KeyError for a name that is not PLOVER."
        try:
            return self._types[event_type.upper()]
        except KeyError:
            raise KeyError(f"not a PLOVER event type: {event_type!r}") from None

    def quad_class(self, event_type: str) -> int:
        "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."
        return self._type(event_type).quad_class

    def modes_of(self, event_type: str) -> tuple[str, ...]:
        "The manual's mode names for one type (empty for types without modes)."
        return tuple(self._type(event_type).modes)

    def is_mode(self, event_type: str, mode: str) -> bool:
        "Whether ``mode`` is one of the type's modes."
        return mode in self._type(event_type).modes

    def is_context(self, name: str, *, auxiliary: bool = False) -> bool:
        "Whether ``name`` is a PLOVER general context (or, with auxiliary=True, an auxiliary mode)."
        return name in self._context_set or (auxiliary and name in self.auxiliary_modes)

    def cameo_for(self, event_type: str, mode: str | None = None) -> str:
        "The closest CAMEO code for a type and optional mode (the type's code for an unknown mode)."
        info = self._type(event_type)
        found = info.modes.get(mode) if mode else None
        return found.cameo if found and found.cameo else info.cameo

    def goldstein(self, cameo: str) -> float | None:
        "Goldstein score of a CAMEO code, or of its nearest listed parent code; None if unknown."
        return _nearest(self._goldstein, cameo)

    def score(self, event_type: str, mode: str | None = None, *, cameo: str | None = None,
              scale: str = "goldstein") -> float:
        """Conflict-cooperation score, -10..+10.

        scale="goldstein": Goldstein score of ``cameo`` (else of cameo_for(type, mode)), falling
        back to the mean Goldstein score of the CAMEO codes mapped to the type.
        scale="plover": the manual's PLOVER score for type:mode, else for the type.
        """
        info = self._type(event_type)
        if scale == "plover":
            found = info.modes.get(mode) if mode else None
            return found.plover_score if found and found.plover_score is not None else info.plover_score
        if scale != "goldstein":
            raise ValueError(f"unknown score scale: {scale!r}")
        for code in (cameo, self.cameo_for(event_type, mode)):
            value = self.goldstein(code) if code else None
            if value is not None:
                return value
        return info.goldstein_mean if info.goldstein_mean is not None else info.plover_score

    @staticmethod
    def mode_at_place(event_type: str, mode: str | None, *, place_country: str | None,
                      parties: tuple[str | None, ...]) -> str | None:
        "CAMEO 044: a meeting with no mode held in a country of neither party is 'third-party'."
        if event_type == "CONSULT" and not mode and place_country and place_country not in parties:
            return "third-party"
        return mode

    def plover_for_cameo(self, cameo: str) -> CameoMeaning | None:
        "PLOVER (type, mode, contexts) of a CAMEO code or its nearest listed parent; None if dropped."
        return _nearest(self._cameo, cameo)


@lru_cache(maxsize=4)
def _load_cached(data_dir: str) -> Ontology:
    "Build the Ontology from the three data files once per directory."
    base = Path(data_dir)
    raw = _read_yaml(base / "plover.yaml")
    goldstein = {code: float(score) for code, score in _read_tsv(base / "goldstein.tsv", ("cameo", "score"))}
    cameo: dict[str, CameoMeaning] = {}
    for code, event_type, mode, contexts, *_ in _read_tsv(base / "cameo_plover.tsv",
                                                          ("cameo", "event_type", "mode", "contexts")):
        cameo[code] = (event_type, mode or None, tuple(c for c in contexts.split("|") if c))
    types = {name: _build_type(name, spec, cameo, goldstein) for name, spec in raw["event_types"].items()}
    contexts = tuple(raw["contexts"])
    onto = Ontology(
        event_types=tuple(types),
        contexts=contexts,
        auxiliary_modes=tuple(raw.get("auxiliary_modes", ())),
        _types=MappingProxyType(types),
        _cameo=MappingProxyType(cameo),
        _goldstein=MappingProxyType(goldstein),
        _context_set=frozenset(contexts),
    )
    _check(onto)
    logger.debug("ontology: %d types, %d contexts, %d CAMEO codes", len(types), len(contexts), len(cameo))
    return onto


def _build_type(name: str, spec: dict, cameo: Mapping[str, CameoMeaning], goldstein: Mapping[str, float]) -> _Type:
    "One _Type from its plover.yaml entry, with the mean Goldstein score of its CAMEO codes."
    modes = {
        str(mode): _Mode(str(mode), (m or {}).get("cameo"), _opt_float((m or {}).get("plover_score")))
        for mode, m in (spec.get("modes") or {}).items()
    }
    scores = [goldstein[code] for code, (t, _, _) in cameo.items() if t == name and code in goldstein]
    return _Type(
        name=name,
        quad_class=int(spec["quad_class"]),
        cameo=str(spec["cameo"]),
        plover_score=float(spec["plover_score"]),
        modes=MappingProxyType(modes),
        goldstein_mean=round(sum(scores) / len(scores), 2) if scores else None,
    )


def _opt_float(value) -> float | None:
    "float(value), or None for a missing value."
    return None if value is None else float(value)


def _check(onto: Ontology) -> None:
    "Fail loudly when the data files disagree with each other."
    for code, (event_type, mode, contexts) in onto._cameo.items():
        if event_type not in onto._types:
            raise ConfigError(f"cameo_plover.tsv: {code}: unknown event type {event_type}")
        if mode and mode not in onto._types[event_type].modes:
            raise ConfigError(f"cameo_plover.tsv: {code}: {mode} is not a mode of {event_type}")
        bad = [c for c in contexts if c not in onto._context_set]
        if bad:
            raise ConfigError(f"cameo_plover.tsv: {code}: unknown contexts {bad}")


def _read_yaml(path: Path) -> dict:
    "Load one YAML file."
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def _read_tsv(path: Path, header: tuple[str, ...]) -> list[list[str]]:
    "Rows of a TSV file with '#' comments and the given leading header columns."
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            lines = [line for line in fh if line.strip() and not line.startswith("#")]
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    rows = list(csv.reader(lines, delimiter="\t"))
    if not rows or tuple(rows[0][: len(header)]) != header:
        raise ConfigError(f"{path}: expected a header starting with {', '.join(header)}")
    return [[c.strip() for c in row] + [""] * (len(header) - len(row)) for row in rows[1:]]


def _nearest(table: dict, cameo: str):
    "The entry of a CAMEO code, or of its nearest listed parent (dropping digits down to two); None if none."
    code = cameo.strip()
    while len(code) >= 2:
        if code in table:
            return table[code]
        code = code[:-1]
    return None
