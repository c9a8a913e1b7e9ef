"""run/ingest.KeptIndex: the watcher's near-duplicate index, kept between ingests, links copies as a
fresh index would, and never holds an article the store lacks."""

from __future__ import annotations

from eventwire.records import Article, Coded
from eventwire.run import ingest as ingest_module
from eventwire.run.ingest import KeptIndex, ingest_items
from eventwire.store import Store

STORY = ("The finance ministers of the region met in the capital on Tuesday to agree a common response "
         "to the falling currency, officials said, after a week of talks that ended without a deal on "
         "the size of the fund or on who would pay for it, and with a promise to meet again next month.")


class _Cleaner:
    "A stand-in coder: each article is one document with no event (no model loaded)."

    def code_stream(self, items, *, on_stage=None):
        return [Coded(a, ((a, ()),)) for a in items]


def _ingest(store, settings, articles, kept):
    return ingest_items(articles, store=store, settings=settings, coder=_Cleaner(), kept=kept)


def test_kept_index_links_copies_across_ingests_and_reads_only_new_articles(tmp_path, settings, monkeypatch):
    read: list[str] = []
    original = Store.original_articles

    def spy(self, ids=None):
        rows = original(self, ids)
        read.extend(r[0] for r in rows)
        return rows

    monkeypatch.setattr(Store, "original_articles", spy)
    kept = KeptIndex()
    with Store.open(str(tmp_path / "k.duckdb")) as store:
        _ingest(store, settings, [Article(id="a", text=STORY)], kept)
        # stored by another writer meanwhile (POST /documents): the next ingest must know it
        store.write_batch([Article(id="b", text="An unrelated story about the harvest. " * 8)], [], [])
        read.clear()
        _ingest(store, settings, [Article(id="c", text=STORY.replace("Tuesday", "Wednesday"))], kept)
        assert read == ["b"]  # only the article stored since, not the whole store again
        _ingest(store, settings, [Article(id="d", text=("An unrelated story about the harvest. " * 8).upper())], kept)
        assert store.duplicate_of() == {"c": "a", "d": "b"}


def test_kept_index_is_built_again_when_an_article_it_holds_left_the_store(tmp_path, settings, monkeypatch):
    built = []
    monkeypatch.setattr(ingest_module, "_duplicate_index",
                        lambda store, real=ingest_module._duplicate_index: built.append(1) or real(store))
    kept = KeptIndex()
    with Store.open(str(tmp_path / "k.duckdb")) as store:
        _ingest(store, settings, [Article(id="a", text=STORY)], kept)
        kept.current(store).add(Article(id="ghost", text=STORY + " More."))  # added, never stored
        _ingest(store, settings, [Article(id="c", text=STORY.replace("Tuesday", "Friday"))], kept)
        assert len(built) == 2 and "ghost" not in kept.current(store)
        assert store.duplicate_of() == {"c": "a"}
