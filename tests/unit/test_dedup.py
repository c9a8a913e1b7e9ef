"""Exact and near-duplicate documents (a wire story re-run by many outlets)."""

from __future__ import annotations

import pytest

from eventwire.text.dedup import DedupOptions, DuplicateIndex, find_duplicates, minhash, normalised_hash, shingles, _seeds
from eventwire.records import Article

# A made-up wire story and its re-runs (no real news text).
WIRE = (
    "NORTHPORT, March 3 (Wire) - Government forces in Veldoria shelled rebel positions near the "
    "northern town of Kessar on Tuesday, killing at least twelve fighters, a military spokesman said. "
    "The Veldorian army said the operation was a response to an attack on a checkpoint last week in "
    "which four soldiers died. Rebel commander Ilan Dosti accused the government of targeting civilian "
    "homes and said his forces would retaliate. The United Nations envoy for Veldoria urged both sides "
    "to return to talks in Geneva and to allow aid convoys into the besieged districts. Aid agencies "
    "said more than thirty thousand people had fled Kessar since the fighting began in January, and "
    "that food and medicine were running short in the camps along the river."
)


def _reword(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    return text


COPIES = {
    "outlet-a": WIRE,  # verbatim
    "outlet-b": "Published by Outlet B\n\n" + WIRE.upper(),  # case and a label changed only: not exact
    "outlet-c": _reword(WIRE, [("shelled", "bombarded"), ("at least twelve", "at least 12"),
                               ("urged both sides", "called on both sides"), ("running short", "scarce")]),
    "outlet-d": WIRE[: WIRE.index("The United Nations envoy")],  # ran the first half only
    "outlet-e": _reword(WIRE, [("on Tuesday", "on Tuesday morning"), ("a military spokesman said", "the army said"),
                               ("Aid agencies said", "Humanitarian groups said")]) + " Outlet E contributed.",
}
OTHER = (
    "NORTHPORT, March 4 (Wire) - Veldoria's parliament approved a new budget on Wednesday that raises "
    "spending on schools and hospitals, after weeks of debate between the ruling party and the opposition. "
    "The finance minister said the plan would cut the deficit within three years, while opposition leaders "
    "called the figures unrealistic and promised to challenge them in court. Teachers' unions welcomed the "
    "increase but said salaries remained far below those in neighbouring countries."
)


def _art(doc_id: str, text: str) -> Article:
    return Article(id=doc_id, text=text)


def test_dedup_links_reworded_wire_copies_to_first_and_keeps_other_story():
    articles = [_art(k, v) for k, v in COPIES.items()] + [_art("other", OTHER)]
    found = find_duplicates(articles)
    assert found == {"outlet-b": "outlet-a", "outlet-c": "outlet-a", "outlet-d": "outlet-a", "outlet-e": "outlet-a"}


def test_dedup_exact_copy_with_different_spacing_and_punctuation():
    index = DuplicateIndex()
    assert index.add(_art("a", "Troops entered the town.  Residents fled!")) is None
    assert index.add(_art("b", "troops entered the town residents fled")) == "a"


def test_dedup_short_documents_only_match_exactly():
    index = DuplicateIndex()
    assert index.add(_art("a", "Rebels attack Kessar")) is None
    assert index.add(_art("b", "Rebels attack Kessar again")) is None
    assert index.add(_art("c", "Rebels attack Kessar.")) == "a"


def test_dedup_canonical_is_transitive_and_order_decides():
    index = DuplicateIndex()
    ids = ["x", "y", "z"]
    texts = [COPIES["outlet-c"], WIRE, COPIES["outlet-e"]]
    assert [index.add(_art(i, t)) for i, t in zip(ids, texts)] == [None, "x", "x"]
    assert len(index) == 3


def test_dedup_same_id_again_is_not_its_own_duplicate():
    index = DuplicateIndex()
    assert index.add(_art("a", WIRE)) is None
    assert index.add(_art("a", WIRE)) is None


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_dedup_empty_texts_are_never_duplicates(text):
    assert find_duplicates([_art("a", text), _art("b", text)]) == {}


def test_dedup_minhash_estimates_jaccard():
    seeds = _seeds(256)
    a = shingles(WIRE)
    b = shingles(COPIES["outlet-c"])
    true = len(a & b) / len(a | b)
    estimate = float((minhash(a, seeds=seeds) == minhash(b, seeds=seeds)).mean())
    assert abs(estimate - true) < 0.1
    assert 0.6 < true < 0.95
    assert len(shingles(WIRE) & shingles(OTHER)) / len(shingles(WIRE) | shingles(OTHER)) < 0.1


def test_dedup_normalised_hash_ignores_case_and_punctuation():
    assert normalised_hash("A, b!  C") == normalised_hash("a b c")
    assert normalised_hash("a b c") != normalised_hash("a b d")


def test_dedup_options_must_divide_into_bands():
    with pytest.raises(ValueError):
        DuplicateIndex(DedupOptions(num_perm=100, bands=32))
