"""User dictionaries (setting dict_dir): rows loaded over the built-in data, a user row winning,
the disk cache and the coder version keyed by their bytes, a missing folder refused in one line."""

from __future__ import annotations

import pytest

from eventwire.coding.actors import ActorDictionary, _norm_words
from eventwire.coding.codelists import CodeLists
from eventwire.coding.lexicon import _build as build_lexicon
from eventwire.config import DATA_DIR, Settings, coder_version
from eventwire.errors import ConfigError

TRIGGER_HEADER = "lemma\tpos\tpattern\tevent_type\tmode\tcontexts\tcameo\tweight\n"


def _folder(tmp_path, **files):
    folder = tmp_path / "dicts"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.tsv").write_text(text, encoding="utf-8")
    return folder


def test_a_user_actor_row_is_added_and_wins_over_a_built_in_one(tmp_path):
    folder = _folder(tmp_path, organisations="Kestrel Brigade\t\tMLI\tREB\nHamas\t\tXXX\tREB\n",
                     agents="drone pilot\tMIL\n")
    plain = ActorDictionary.load(DATA_DIR, cache_dir="off")
    user = ActorDictionary.load(DATA_DIR, cache_dir="off", extra_dirs=[folder])
    assert plain.lookup(_norm_words("Kestrel Brigade")) is None
    assert user.lookup(_norm_words("Kestrel Brigade")).code == "MLI"
    assert plain.lookup(_norm_words("Hamas")).code == "PSE" and user.lookup(_norm_words("Hamas")).code == "XXX"
    assert user.agent_sector(("drone", "pilot")) == "MIL"
    assert "kestrel brigade" in CodeLists.load(DATA_DIR, extra_dirs=[folder]).names


def test_a_user_trigger_row_is_added_and_wins(tmp_path):
    folder = _folder(tmp_path, triggers=TRIGGER_HEADER + "waylay\tV\t\tASSAULT\t\t\t190\t0.9\n"
                     "attack\tV\t\tPROTEST\t\t\t140\t0.5\n")
    plain, user = build_lexicon(DATA_DIR), build_lexicon(DATA_DIR, [folder / "triggers.tsv"])
    assert not plain.has("waylay", "V") and user.match("waylay", "V").meaning.event_type == "ASSAULT"
    assert plain.match("attack", "V").meaning.event_type == "ASSAULT"
    assert user.match("attack", "V").meaning.event_type == "PROTEST"


def test_an_edited_user_file_misses_the_disk_cache(tmp_path):
    folder = _folder(tmp_path, organisations="Kestrel Brigade\t\tMLI\tREB\n")
    cache = str(tmp_path / "cache")
    assert ActorDictionary.load(DATA_DIR, cache_dir=cache, extra_dirs=[folder]).lookup(("kestrel", "brigade")).code == "MLI"
    (folder / "organisations.tsv").write_text("Kestrel Brigade\t\tNER\tREB\n", encoding="utf-8")
    assert ActorDictionary.load(DATA_DIR, cache_dir=cache, extra_dirs=[folder]).lookup(("kestrel", "brigade")).code == "NER"


def test_the_coder_version_names_the_user_files_and_is_unchanged_without_them(tmp_path):
    folder = _folder(tmp_path, organisations="Kestrel Brigade\t\tMLI\tREB\n")
    assert coder_version(DATA_DIR, dict_dirs=()) == coder_version(DATA_DIR)
    with_user = coder_version(DATA_DIR, dict_dirs=(str(folder),))
    assert with_user != coder_version(DATA_DIR)
    (folder / "organisations.tsv").write_text("Kestrel Brigade\t\tNER\tREB\n", encoding="utf-8")
    assert coder_version(DATA_DIR, dict_dirs=(str(folder),)) != with_user


def test_settings_dict_dir_default_environment_and_a_missing_folder(tmp_path, monkeypatch):
    assert Settings.defaults().dict_dir == "" and Settings.defaults().dict_dirs == ()
    monkeypatch.setenv("EVENTWIRE_DICT_DIR", str(tmp_path))
    assert Settings.load().dict_dirs == (str(tmp_path),)
    monkeypatch.setenv("EVENTWIRE_DICT_DIR", str(tmp_path / "absent"))
    with pytest.raises(ConfigError, match="is not a folder"):
        Settings.load()
