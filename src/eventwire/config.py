"""Settings: ``data/defaults.toml``, then a user TOML file, then environment; built once."""

from __future__ import annotations

import functools
import hashlib
import os
import tomllib
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path

from .errors import ConfigError

__version__ = "0.1.0"

DATA_DIR = Path(str(resources.files("eventwire") / "data"))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs to know, built once at startup and passed down.

    Every default lives in ``data/defaults.toml`` (with where its value came from), and only there.

    >>> Settings.load()                         # defaults + EVENTWIRE_* environment
    >>> Settings.load(overrides={"batch_size": 16})
    >>> Settings.defaults()                     # data/defaults.toml alone
    >>> settings.dict_dirs                      # () or (dict_dir,): user dictionaries (a missing one: ConfigError)
    """

    spacy_model: str
    batch_size: int
    max_chars: int
    max_sentence_tokens: int
    min_confidence: float
    dedup_days: int
    dedup_km: float
    document_timeout: float
    data_dir: str
    cache_dir: str  # built dictionaries and gazetteer (coding/cache.py): "" the default place, "off" none
    dict_dir: str  # a folder of user dictionaries loaded over the built-in data: "" none
    watch_every: float  # serve --watch: seconds between two polls
    watch_workers: int  # serve: coder worker processes of the watcher and the spool (0: in the server)
    fetch_timeout: float  # the watcher's fetcher (text/fetch.py)
    fetch_max_bytes: int
    fetch_host_delay: float
    fetch_retries: int
    updates_every: float  # serve: seconds between two GDELT-style update files (0: none)
    updates_keep_days: float  # ... and how long they are kept
    languages: str  # the languages coded, comma-separated codes of the registry (data/languages.toml)
    language: str  # "" detect each document's language; a code forces it (--lang)
    languages_file: str  # a user registry TOML read over data/languages.toml (a new language): "" none
    spool_keep_days: float  # serve: answers in DB.spool/done/ no submitter collected are deleted after this
    decider: bool  # the learned decision over the rules (data/decider.json) when it is there; false: the rules alone

    @classmethod
    def defaults(cls) -> Settings:
        """The settings of ``data/defaults.toml`` alone (no file, no environment)."""
        return _defaults()

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, overrides: dict | None = None) -> Settings:
        """Defaults, then the TOML file (or $EVENTWIRE_CONFIG), then env, then overrides."""
        values: dict = {}
        path = path or os.environ.get("EVENTWIRE_CONFIG")
        if path:
            values.update(_read_toml(Path(path)))
        names = {f.name: f for f in fields(cls)}
        for name, f in names.items():
            env = os.environ.get(f"EVENTWIRE_{name.upper()}")
            if env is not None:
                values[name] = env
        values.update(overrides or {})
        settings = replace(_defaults(), **_typed(values))
        _check_dict_dir(settings.dict_dir)
        settings.language_specs  # an unknown language or a bad registry is a ConfigError now, not mid-run
        return settings

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def language_specs(self) -> dict[str, LanguageSpec]:
        """The languages coded, by code: the registry's entries named in ``languages`` (and a forced
        ``language``); ConfigError for a code the registry lacks."""
        registry = load_languages(self.data_dir, self.languages_file)
        wanted = [c.strip() for c in self.languages.split(",") if c.strip()]
        if self.language and self.language not in wanted:
            wanted.append(self.language)
        unknown = [c for c in wanted if c not in registry]
        if unknown:
            raise ConfigError(f"language(s) {', '.join(unknown)} not in the registry (known: "
                              f"{', '.join(sorted(registry))}); add a table to a languages_file")
        specs = {c: registry[c] for c in wanted}
        if not specs:
            raise ConfigError("no language to code: set languages (e.g. \"en,es\")")
        return specs

    def language_spec(self, code: str | None) -> LanguageSpec:
        "The spec of one coded language (None: the first, English by default)."
        specs = self.language_specs
        return specs.get(code or "", next(iter(specs.values())))

    @property
    def dict_dirs(self) -> tuple[str, ...]:
        "The user dictionary folders loaded over the built-in data (none, or ``dict_dir``)."
        return (self.dict_dir,) if self.dict_dir else ()


def _check_dict_dir(dict_dir: str) -> None:
    "ConfigError unless dict_dir is empty or an existing folder."
    if dict_dir and not Path(dict_dir).is_dir():
        raise ConfigError(f"dict_dir {dict_dir!r} is not a folder: create it, or set another (--dict-dir, "
                          "EVENTWIRE_DICT_DIR)")


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """One language the coder knows: its spaCy model and its data (data/languages.toml).

    ``grammar`` names the coder: "english" (the passes tuned to the English model's labels) or
    "ud" (coding/events/ud.py, for any pipeline with Universal Dependencies labels). ``data`` holds
    triggers.tsv, verb_classes.yaml, actors/*.tsv and language.yaml (stopwords, date words)."""

    code: str
    model: str
    grammar: str
    data: str
    install: str = ""
    quiet: tuple[str, ...] = ()  # spaCy warnings this model is known to raise (W095: built for an older spaCy)
    stopwords: frozenset[str] = frozenset()
    dates: dict | None = None

    @property
    def data_path(self) -> Path:
        return Path(self.data)


_GRAMMARS = ("english", "ud")


@functools.lru_cache(maxsize=8)
def load_languages(data_dir: str, languages_file: str = "") -> dict[str, LanguageSpec]:
    """The language registry: data/languages.toml, then a user file (its tables win); each table's
    ``data`` is relative to its own file's folder."""
    registry: dict[str, LanguageSpec] = {}
    for path in [Path(data_dir) / "languages.toml", *([Path(languages_file)] if languages_file else [])]:
        for code, table in _read_toml(path).items():
            registry[code] = _language_spec(code, table, path.parent)
    return registry


def _language_spec(code: str, table: dict, base: Path) -> LanguageSpec:
    "One registry table as a LanguageSpec, its language.yaml read; ConfigError for what is missing."
    import yaml  # config is imported everywhere; yaml only when a registry is read

    if not isinstance(table, dict) or table.get("grammar") not in _GRAMMARS or "data" not in table:
        raise ConfigError(f"language {code!r}: a table needs grammar ({' or '.join(_GRAMMARS)}) and data")
    folder = (base / str(table["data"])).resolve()
    if not folder.is_dir():
        raise ConfigError(f"language {code!r}: data folder {folder} not found")
    about: dict = {}
    if (folder / "language.yaml").is_file() and table.get("data") != ".":
        try:
            about = yaml.safe_load((folder / "language.yaml").read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"language {code!r}: {folder / 'language.yaml'}: {exc}") from exc
    return LanguageSpec(code=code, model=str(table.get("model", "")), grammar=table["grammar"], data=str(folder),
                        install=str(table.get("install", "")), quiet=tuple(table.get("quiet", ())),
                        stopwords=frozenset(str(w).lower() for w in about.get("stopwords", ())),
                        dates=about.get("dates"))


def _boolean(value) -> bool:
    "A setting's truth value: a TOML boolean, or true/false, yes/no, on/off, 1/0 from the environment."
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("true", "yes", "on", "1"):
        return True
    if word in ("false", "no", "off", "0"):
        return False
    raise ValueError(value)


_TYPES = {"str": str, "int": int, "float": float, "bool": _boolean}


def _typed(values: dict) -> dict:
    "Settings values converted to their fields' types; ConfigError for unknown names or bad values."
    kinds = {f.name: _TYPES[f.type] for f in fields(Settings)}
    unknown = set(values) - set(kinds)
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
    typed = {}
    for name, value in values.items():
        try:
            typed[name] = kinds[name](value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {name}={value!r} is not a {kinds[name].__name__}") from exc
    return typed


@functools.lru_cache(maxsize=1)
def _defaults() -> Settings:
    "data/defaults.toml as Settings; it must name every setting (data_dir defaults to the package data)."
    values = {"data_dir": str(DATA_DIR), **_read_toml(DATA_DIR / "defaults.toml")}
    missing = {f.name for f in fields(Settings)} - set(values)
    if missing:
        raise ConfigError(f"data/defaults.toml lacks {', '.join(sorted(missing))}")
    return Settings(**_typed(values))


def _read_toml(path: Path) -> dict:
    "Read one TOML file of settings."
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"settings file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc


_DATA_SUFFIXES = {".yaml", ".yml", ".tsv", ".csv", ".txt", ".json"}


def dictionary_hash(data_dir: Path = DATA_DIR, *, dict_dirs: tuple[str, ...] = ()) -> str:
    """A short hash of every data file the coder reads, so each event names its dictionaries
    (the user dictionaries' files too, under a prefix: without them the hash is unchanged)."""
    digest = hashlib.sha256()
    for n, folder in enumerate([Path(data_dir), *map(Path, dict_dirs)]):
        prefix = "" if n == 0 else f"\0user{n}/"
        for file in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _DATA_SUFFIXES):
            digest.update((prefix + file.relative_to(folder).as_posix()).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def coder_version(data_dir: Path = DATA_DIR, *, dict_dirs: tuple[str, ...] = (), decider: bool = True) -> str:
    """The version string every event carries: package version plus dictionary hash (user dictionaries
    too); ``.rules`` after it when the learned decision is off (or absent) though its file is there."""
    rules_only = not decider and (Path(data_dir) / "decider.json").is_file()
    return f"eventwire {__version__}+{dictionary_hash(data_dir, dict_dirs=dict_dirs)}" + (".rules" if rules_only else "")
