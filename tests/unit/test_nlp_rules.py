"""nlp.py: the fast attribute ruler and memoized lemmatizer annotate exactly as spaCy's own components."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

_TEXTS = [
    "Russian troops shelled Kharkiv on Monday, officials said.",
    "There is no deal yet; we ain't gonna sign it, y'all know that.",
    "Let's go.  The U.S. envoy met Hamas leaders in Doha (Qatar) -- talks were 'constructive'.",
    "Gotta say: the rebels' attacks on 3 villages killed 12 people and wounded dozens more.",
    "Protesters marched through Nairobi, demanding that the government lower taxes.\n",
    "He was found; she finds; they found; the founding of the state; better, best, worse.",
    "",
]


def _annotations(doc) -> list[tuple]:
    "Every token attribute the rule components set or read."
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
            for t in doc]


def test_nlp_rules_fast_components_match_spacy(nlp, settings):
    import spacy

    reference = spacy.load(settings.spacy_model)
    names = dict(nlp.pipeline)
    assert type(names["attribute_ruler"]).__name__ == "_FastAttributeRuler"
    assert type(names["lemmatizer"]).__name__ == "_MemoLemmatizer"
    assert nlp.pipe_names == reference.pipe_names
    for _ in range(2):  # the second round runs from the per-key caches
        for text in _TEXTS:
            assert _annotations(nlp(text)) == _annotations(reference(text)), text
    fast = [_annotations(d) for d in nlp.pipe(_TEXTS, batch_size=3)]
    assert fast == [_annotations(d) for d in reference.pipe(_TEXTS, batch_size=3)]


def test_nlp_rules_unknown_pattern_keeps_spacy_ruler(settings):
    import spacy

    from eventwire.coding.nlp import _FastAttributeRuler

    ruler = spacy.load(settings.spacy_model).get_pipe("attribute_ruler")
    assert _FastAttributeRuler.build(ruler) is not None
    ruler.add([[{"LOWER": "x", "OP": "+"}]], {"LEMMA": "x"})  # an operator: beyond the fast matcher
    assert _FastAttributeRuler.build(ruler) is None
