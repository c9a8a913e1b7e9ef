import pytest

from eventwire.coding.nlp import split_paragraphs
from eventwire.records import Article


@pytest.mark.parametrize("text, expected", [
    ("One.\n\nTwo.", [(0, 4), (6, 10)]),
    ("  One.\n \n\n  Two.  ", [(2, 6), (12, 16)]),
    ("Only one paragraph\nwith two lines.", [(0, 34)]),
    ("", []),
])
def test_nlp_split_paragraphs_offsets_point_into_the_text(text, expected):
    paragraphs = split_paragraphs(Article(id="d", text=text))
    assert [(p.start, p.end) for p in paragraphs] == expected
    for p in paragraphs:
        assert text[p.start:p.end] == p.text
        assert p.section == "text"


def test_nlp_split_paragraphs_title_is_its_own_section():
    paragraphs = split_paragraphs(Article(id="d", title="Headline here", text="Body."))
    assert [(p.section, p.text) for p in paragraphs] == [("title", "Headline here"), ("text", "Body.")]
