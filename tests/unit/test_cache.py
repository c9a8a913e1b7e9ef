"""cache.py: a warm cache gives what a fresh build gives; edited or corrupt files rebuild; no cache never fails.

Every test points the cache at tmp_path (a setting or EVENTWIRE_CACHE_DIR): none touches ~/.cache.
"""

from __future__ import annotations

import dataclasses
import pickle
import shutil

import pytest

from eventwire.coding import cache
from eventwire.coding.geo import gazetteer as geo
from eventwire.coding import lexicon
from eventwire.coding.actors import ActorDictionary
from eventwire.config import DATA_DIR, Settings


def _counting_build(calls: list):
    "A toy builder that records each build."

    def build() -> dict:
        calls.append(1)
        return {"built": len(calls)}

    return build


def _toy(tmp_path, cache_dir, calls):
    data = tmp_path / "data.tsv"
    if not data.exists():
        data.write_text("a\t1\n", encoding="utf-8")
    return cache.load_or_build("toy", [data], _counting_build(calls), cache_dir=str(cache_dir))


def test_cache_second_load_reads_the_file(tmp_path):
    calls: list = []
    assert _toy(tmp_path, tmp_path / "c", calls) == {"built": 1}
    assert _toy(tmp_path, tmp_path / "c", calls) == {"built": 1}  # from disk: not built again
    assert len(calls) == 1
    assert len(list((tmp_path / "c").glob("toy-*.pickle"))) == 1
    assert not list((tmp_path / "c").glob(".*.tmp"))  # the temporary file was renamed


def test_cache_edited_data_file_rebuilds_and_replaces_the_old_file(tmp_path):
    calls: list = []
    _toy(tmp_path, tmp_path / "c", calls)
    (tmp_path / "data.tsv").write_text("a\t2\n", encoding="utf-8")
    assert _toy(tmp_path, tmp_path / "c", calls) == {"built": 2}
    assert len(list((tmp_path / "c").glob("toy-*.pickle"))) == 1  # the stale one is gone
    (tmp_path / "data.tsv").unlink()  # a data file that disappears changes the key too
    assert _toy(tmp_path, tmp_path / "c", calls) == {"built": 3}


def test_cache_edited_code_of_a_held_class_rebuilds(tmp_path):
    # a structure that holds another module's objects (the lexicon holds a Decider): editing that
    # module's source misses, so no pickle of an older class shape is read back
    module = tmp_path / "held.py"
    module.write_text("class Held: pass\n", encoding="utf-8")
    data = tmp_path / "data.tsv"
    data.write_text("a\t1\n", encoding="utf-8")
    calls: list = []

    def load():
        return cache.load_or_build("toy", [data], _counting_build(calls), cache_dir=str(tmp_path / "c"), code=[module])

    assert load() == load() == {"built": 1}
    module.write_text("class Held:\n    weak = 0.0\n", encoding="utf-8")
    assert load() == {"built": 2}


def test_cache_corrupt_file_is_rebuilt_and_overwritten(tmp_path, caplog):
    calls: list = []
    _toy(tmp_path, tmp_path / "c", calls)
    (path,) = (tmp_path / "c").glob("toy-*.pickle")
    path.write_bytes(path.read_bytes()[:20])  # a torn write
    with caplog.at_level("INFO", logger="eventwire.coding.cache"):
        assert _toy(tmp_path, tmp_path / "c", calls) == {"built": 2}
    assert "unreadable" in caplog.text
    assert pickle.loads(path.read_bytes()) == {"built": 2}
    assert _toy(tmp_path, tmp_path / "c", calls) == {"built": 2}


def test_cache_unwritable_or_off_builds_in_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    calls: list = []
    assert _toy(tmp_path, blocker / "cache", calls) == {"built": 1}  # cannot mkdir under a file (even as root)
    assert _toy(tmp_path, blocker / "cache", calls) == {"built": 2}
    assert _toy(tmp_path, "off", calls) == {"built": 3}
    assert cache.load_or_build("toy", [], _counting_build([]), cache_dir=None) == {"built": 1}
    assert not list(tmp_path.glob("**/*.pickle"))


def test_cache_dir_setting_env_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path / "env"))
    assert cache.cache_root(Settings.load().cache_dir) == tmp_path / "env"
    monkeypatch.delenv("EVENTWIRE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings.load().cache_dir == ""
    assert cache.cache_root("") == tmp_path / "xdg" / "eventwire"
    assert cache.cache_root("OFF") is None


def test_cache_actor_dictionary_equals_fresh_build_and_sees_an_edited_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "actors", data / "actors")
    fresh = ActorDictionary.load(data)  # no cache
    ActorDictionary.load(data, cache_dir=str(tmp_path / "c"))  # writes it
    real_build = ActorDictionary._build
    monkeypatch.setattr(ActorDictionary, "_build", classmethod(lambda cls, folder: pytest.fail("rebuilt")))
    warm = ActorDictionary.load(data, cache_dir=str(tmp_path / "c"))
    assert vars(warm) == vars(fresh)
    assert warm.lookup(("hamas",)).code == "PSE"

    with open(data / "actors" / "people_extra.tsv", "a", encoding="utf-8") as fh:
        fh.write("Zorblax Quintavelle\t\tFRA\tGOV\t\t\n")
    monkeypatch.setattr(ActorDictionary, "_build", real_build)
    edited = ActorDictionary.load(data, cache_dir=str(tmp_path / "c"))
    assert edited.lookup(("zorblax", "quintavelle")).code == "FRA"
    assert len(list((tmp_path / "c").glob("actors-*.pickle"))) == 1


def test_cache_gazetteer_and_lexicon_equal_fresh_builds(tmp_path, monkeypatch):
    fresh_gaz, fresh_lex = geo._build(DATA_DIR), lexicon._build(DATA_DIR)
    for name, build in (("gazetteer", lambda: geo._build(DATA_DIR)), ("lexicon", lambda: lexicon._build(DATA_DIR))):
        cache.load_or_build(name, [DATA_DIR / "x"], build, cache_dir=str(tmp_path))
    fail = lambda: pytest.fail("rebuilt")  # noqa: E731
    gaz = cache.load_or_build("gazetteer", [DATA_DIR / "x"], fail, cache_dir=str(tmp_path))
    lex = cache.load_or_build("lexicon", [DATA_DIR / "x"], fail, cache_dir=str(tmp_path))
    assert gaz == fresh_gaz
    assert gaz._variants == fresh_gaz._variants and gaz._variants  # the spelling index comes with it
    assert gaz.entries[0] == fresh_gaz.entries[0] and type(gaz.entries[0]) is geo.Entry
    assert (lex._index, lex.classes, lex.size) == (fresh_lex._index, fresh_lex.classes, fresh_lex.size)


def test_init_reduce_round_trips_a_frozen_slots_record():
    entry = geo.Entry("Gaza", "PSE", "Gaza Strip", 31.5, 34.47, "city", 281133, 410_000)
    assert pickle.loads(pickle.dumps(entry)) == entry


_TEXTS = [
    "Russian troops shelled Kharkiv on Monday.",
    "The foreign minister of Egypt met his Israeli counterpart in Cairo.",
    "Police arrested three opposition leaders in Caracas after protests in Salaheddin.",
    "Hamas fired rockets at Israel, and Israeli jets struck Khan Younis.",
]


@pytest.mark.slow
def test_cache_coding_with_a_warm_cache_equals_coding_without(tmp_path, monkeypatch):
    from eventwire.run.pipeline import Coder

    base = Settings.load()
    off = Coder.load(dataclasses.replace(base, cache_dir="off"))
    Coder.load(dataclasses.replace(base, cache_dir=str(tmp_path)))  # fills the cache
    geo._load.cache_clear()
    lexicon._load_cached.cache_clear()
    for module in (geo, lexicon):
        monkeypatch.setattr(module, "_build", lambda base: pytest.fail("rebuilt"))
    monkeypatch.setattr(ActorDictionary, "_build", classmethod(lambda cls, folder: pytest.fail("rebuilt")))
    warm = Coder.load(dataclasses.replace(base, cache_dir=str(tmp_path)))
    geo._load.cache_clear()  # later tests load their own, not the one read here
    lexicon._load_cached.cache_clear()
    for text in _TEXTS:
        expected = [e.as_dict() for e in off.code_text(text, doc_id="t")]
        assert [e.as_dict() for e in warm.code_text(text, doc_id="t")] == expected
