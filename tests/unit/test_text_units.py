"""text/language.py and text/htmltext.py on their own: the language guess and HTML to text."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.text.htmltext import html_to_text, is_html_page
from eventwire.text.language import detect_language

EN = ("Russian troops shelled the town of Vovchansk on Thursday, officials said, and the foreign "
      "minister of Ukraine condemned the attack as a crime against the people who live there.")
ES = ("Las tropas rusas bombardearon la ciudad de Vovchansk el jueves, dijeron los funcionarios, y el "
      "ministro de asuntos exteriores de Ucrania condenó el ataque como un crimen contra la población.")
FR = ("Les troupes russes ont bombardé la ville de Vovchansk jeudi, selon les responsables, et le "
      "ministre des affaires étrangères de l'Ukraine a condamné l'attaque comme un crime contre la population.")


@pytest.mark.parametrize("text, want", [(EN, "en"), (ES, "es"), (FR, "fr"),
                                        ("Москва объявила о новых санкциях против Украины сегодня утром.", "ru")])
def test_language_detect(text, want):
    assert detect_language(text) == want


def test_language_short_english_is_english():
    assert detect_language("Police arrested protesters.") == "en"


PAGE = """<!DOCTYPE html><html><head><title>Border reopens | Example News</title>
<meta property="article:published_time" content="2023-03-08T09:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Border reopens</h1>
<p>The border between the two countries reopened on Wednesday after talks between their foreign ministers,
officials said, ending a closure that had lasted three weeks and stranded hundreds of lorries.</p>
<p>Traders welcomed the decision, which the ministers announced at a joint news conference in the capital.</p>
</article><footer>Copyright Example News</footer></body></html>"""


def test_htmltext_page_gives_main_text_title_and_date():
    assert is_html_page(PAGE) and not is_html_page(EN)
    text, title, date = html_to_text(PAGE)
    assert "reopened on Wednesday" in text and "Traders welcomed" in text
    assert "Copyright" not in text and "Home" not in text
    assert "\n\n" in text  # paragraphs one blank line apart
    assert title and "Border reopens" in title and date == dt.date(2023, 3, 8)


def test_htmltext_fragment_is_stripped_of_tags():
    text, title, date = html_to_text("<p>Police <b>arrested</b> protesters.</p><p>Second paragraph.</p>")
    assert "Police arrested protesters." in text and "<" not in text and title is None and date is None
