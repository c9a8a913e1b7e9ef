"""Unit tests for eventwire.text.clean: page segmentation, captions, teasers, HTML, language, normalisation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventwire.text.clean import (_is_credit, _is_junk, caption_date, clean_article, detect_language,
                             normalise_text)
from eventwire.config import Settings
from eventwire.errors import ArticleRejected
from eventwire.records import Article

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "ingest"
SHARED = REPO.parent / "shared"
SETTINGS = Settings.load()

BODY = ("Ruritanian and Elbonian officials signed an agreement in Velm on Tuesday to reopen the border. "
        "The deal allows cargo traffic to resume next week, officials said.")


def _clean(text: str = "", **fields) -> list[Article]:
    "Clean an article made of text and fields."
    settings = fields.pop("settings", SETTINGS)
    return clean_article(Article(id=fields.pop("id", "doc"), text=text, **fields), settings=settings)


@pytest.fixture(scope="module")
def example_page() -> list[Article]:
    text = (FIXTURES / "example-news-page.txt").read_text(encoding="utf-8")
    return clean_article(Article(id="ex", text=text, published=dt.date(2023, 3, 7), url="https://example.org/ex"),
                         settings=SETTINGS)


# ---- the example page --------------------------------------------------------------------
def test_clean_example_page_main_article(example_page):
    main = example_page[0]
    assert (main.id, main.kind, main.parent, main.language) == ("ex", "article", None, "en")
    assert main.title == "Ruritania and Elbonia agree to reopen border crossing"
    assert main.published == dt.date(2023, 3, 7)
    assert main.text == (
        "Ruritanian and Elbonian officials signed an agreement in Velm on Tuesday to reopen the Northgate "
        "border crossing after a two-month closure.\n\n"
        "The deal allows cargo traffic to resume next week, officials said. Elbonia's trade minister called "
        "the agreement a first step.\n\n"
        "Critics in the Ruritanian parliament accused the government of giving up too much in the talks.")


@pytest.mark.parametrize("fragment", ["Trucks wait", "Photo by", "Share", "Advertisement", "More from",
                                      "Sam Writer", "YouTube", "Protesters", "Sylvanian", "Reuters"])
def test_clean_example_page_main_text_excludes(example_page, fragment):
    assert fragment not in example_page[0].text


def test_clean_example_page_teasers_and_captions(example_page):
    kinds = [(d.id, d.kind) for d in example_page[1:]]
    assert kinds == [("ex#caption-1", "caption"), ("ex#teaser-1", "teaser"), ("ex#caption-2", "caption"),
                     ("ex#teaser-2", "teaser")]
    by_id = {d.id: d for d in example_page}
    assert by_id["ex#caption-1"].text.startswith("Trucks wait in line") and by_id["ex#caption-1"].published == dt.date(2023, 3, 3)
    assert by_id["ex#teaser-1"].text.startswith("Protesters marched")
    assert by_id["ex#caption-2"].text.endswith("Freedonia June 9, 2022.")
    assert by_id["ex#caption-2"].published == dt.date(2022, 6, 9)
    assert by_id["ex#teaser-2"].text == "The Sylvanian government expelled two foreign diplomats on Monday, accusing them of espionage."
    for doc in example_page[1:]:
        assert doc.parent == "ex" and doc.title is None and doc.language == "en"
        if doc.kind == "teaser":
            assert doc.published is None  # never the page's date


def test_clean_is_deterministic_and_does_not_mutate(example_page):
    text = (FIXTURES / "example-news-page.txt").read_text(encoding="utf-8")
    article = Article(id="ex", text=text, published=dt.date(2023, 3, 7), url="https://example.org/ex")
    assert clean_article(article, settings=SETTINGS) == example_page
    assert article.text == text


# ---- headline, markers, junk ---------------------------------------------------------------
def test_clean_headline_only_without_title():
    (doc,) = _clean("Talks collapse in Velm\n\n" + BODY)
    assert doc.title == "Talks collapse in Velm" and doc.text == BODY
    (doc,) = _clean("Talks collapse in Velm\n\n" + BODY, title="Given title")
    assert doc.title == "Given title" and doc.text.startswith("Talks collapse in Velm")
    (doc,) = _clean("Given Title\n\n" + BODY, title="Given title")
    assert doc.text == BODY  # the title printed again at the top is dropped


def test_clean_first_sentence_is_not_a_headline():
    (doc,) = _clean(BODY + "\n\nSecond paragraph of the story here.")
    assert doc.title is None and doc.text.startswith("Ruritanian")


@pytest.mark.parametrize("marker", ["More from The Daily Example", "Related", "Related Stories", "Read more",
                                    "Most popular", "Recommended", "You may also like", "MOST READ",
                                    "Recommended for you:"])
def test_clean_related_marker_starts_teaser_region(marker):
    teaser = "Troops from Sylvania crossed into Freedonia on Sunday, the defence ministry said."
    docs = _clean(f"{BODY}\n\n{marker}\n\n{teaser}")
    assert docs[0].text == BODY
    assert [(d.kind, d.text, d.published) for d in docs[1:]] == [("teaser", teaser, None)]


def test_clean_link_list_inside_article_ends_when_prose_resumes():
    text = (f"{BODY}\n\nDon't miss\n\nFreedonia recalls its ambassador [INSIGHT]|\n\n"
            "Border talks stall again [VIDEO]\n\n"
            "Elbonia said on Wednesday that the crossing would stay open through the winter months.")
    main, *teasers = _clean(text)
    assert main.text.endswith("stay open through the winter months.") and "ambassador" not in main.text
    assert [t.text for t in teasers] == ["Freedonia recalls its ambassador", "Border talks stall again"]


def test_clean_teaser_headline_and_summary():
    text = f"{BODY}\n\nRelated\n\nEnvoy expelled from Velm\nElbonia expelled a Ruritanian envoy on Friday over spying claims."
    _, teaser = _clean(text)
    assert teaser.title == "Envoy expelled from Velm"
    assert teaser.text == "Elbonia expelled a Ruritanian envoy on Friday over spying claims."


@pytest.mark.parametrize("line", [
    "- YouTube", "Share", "Share this article", "Advertisement", "Sign up for our daily newsletter",
    "Subscribe to The Example Post", "We use cookies to improve your experience on our site.",
    "Read more: Elbonia closes its border", "By Jane Doe", "Updated: 10:42 AM", "5 min read",
    "The Night Briefing - YouTube", "(Reporting by Jane Doe; Editing by John Roe)", "Click here to read more",
])
def test_clean_junk_lines_dropped(line):
    assert _is_junk(line)
    (doc,) = _clean(f"{BODY}\n\n{line}\n\nCritics accused the government of giving up too much.")
    assert line not in doc.text and doc.text.endswith("giving up too much.")


@pytest.mark.parametrize("line", [
    "Photo by Ramona Example/EXAMPLEPRESS.COM", "REUTERS/Marta Example", "Lev Example/Sipa USA, via Reuters",
    "Jane Example/Getty Images", "Getty Images", "AP Photo/John Example", "Photo: Example Agency",
    "(Photo by Sam Example/AFP via Getty Images)", "© Example Wire 2024", "Jane Example/Example Agency",
    "Image credit: Jane Example",
])
def test_clean_credit_lines(line):
    assert _is_credit(line)


@pytest.mark.parametrize("line", [
    "The minister said the deal was fair/balanced.",
    "Elbonia and Ruritania signed the agreement on Tuesday.",
    "COURTESY OF CIVILIZED PEOPLE, THAT IS TO RESPECT THE RESIDENCES OF OTHER PEOPLE AND STATES",
    "EMBASSY'S NOTE NO.5-20-/M-027 DATED 2 MARCH 1990, WAS BASED ON THE",
])
def test_clean_prose_is_not_a_credit(line):
    assert not _is_credit(line)


@pytest.mark.parametrize("text, expected", [
    ("A man walks past debris in Velm, Ruritania November 11, 2024.", dt.date(2024, 11, 11)),
    ("Smoke rises over the harbour, August 14, 2024.", dt.date(2024, 8, 14)),
    ("Soldiers patrol the market in Velm, 3 March 2023.", dt.date(2023, 3, 3)),
    ("Protesters gather outside parliament, Sept. 5, 2021. REUTERS/Jane Example", dt.date(2021, 9, 5)),
    ("Police stand guard, 2022-06-09", dt.date(2022, 6, 9)),
    ("A caption without any date.", None),
])
def test_clean_caption_date(text, expected):
    assert caption_date(text) == expected


def test_clean_body_sentence_ending_with_date_is_body():
    sentence = "Elbonia and Ruritania signed the border agreement in Velm on August 14, 2024."
    (doc,) = _clean(f"{BODY}\n\n{sentence}")
    assert doc.text.endswith(sentence)


def test_clean_caption_before_credit_and_duplicates_leave_the_body():
    caption = "Border guards check documents at the Northgate crossing"
    text = f"{caption}\n{caption}\nREUTERS/Jane Example\n\n{BODY}"
    main, cap = _clean(text, title="Border reopens")
    assert main.text == BODY
    assert (cap.kind, cap.text, cap.published) == ("caption", caption, None)


def test_clean_dateline_fills_missing_publication_date():
    (doc,) = _clean(f"Friday, January 4, 2019\n\n{BODY}", title="Given")
    assert doc.published == dt.date(2019, 1, 4) and doc.text == BODY


def test_clean_wrapped_lines_are_joined():
    text = ("OFFICIALS FROM RURITANIA MET ELBONIAN ENVOYS IN VELM ON TUESDAY TO\n"
            "DISCUSS THE BORDER, THE FOREIGN MINISTRY SAID IN A STATEMENT.\n\nSecond paragraph is here.")
    (doc,) = _clean(text, title="Given")
    assert doc.text.startswith("OFFICIALS FROM RURITANIA MET ELBONIAN ENVOYS IN VELM ON TUESDAY TO DISCUSS THE BORDER")


# ---- normalisation, rejections, language ---------------------------------------------------
def test_clean_normalise_text():
    raw = "  Cafe\u0301  talks\t\tin   Velm.  \r\nSecond\u00a0line.\r\n\r\n\r\n\r\nNew\u200b para.  "
    assert normalise_text(raw) == "Café talks in Velm.\nSecond line.\n\nNew para."


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("   \n\n  ", "empty"),
    ("Share\n\nAdvertisement\n\n- YouTube", "empty"),
    ("12345 --- 678 / 90", "no sentence"),
    ("\x00\x01\x02\x03\x04\x05 abc \x06\x07\x08", "binary"),
])
def test_clean_rejects_empty_and_garbage(text, reason):
    with pytest.raises(ArticleRejected) as info:
        _clean(text)
    assert info.value.reason == reason


FOREIGN = {
    "es": "El gobierno de Elbonia anunció el martes que la frontera con Ruritania se abrirá de nuevo para los "
          "camiones de carga, pero los críticos dicen que el acuerdo no es suficiente para la región.",
    "fr": "Le gouvernement de l'Elbonie a annoncé mardi que la frontière avec la Ruritanie sera rouverte pour les "
          "camions, mais les critiques disent que cet accord ne suffit pas pour la région et ses habitants.",
    "de": "Die Regierung von Elbonien hat am Dienstag angekündigt, dass die Grenze zu Ruritanien für Lastwagen "
          "wieder geöffnet wird, aber Kritiker sagen, dass die Vereinbarung nicht ausreicht und nicht gut ist.",
    "ru": "Правительство Эльбонии объявило во вторник, что граница с Руританией снова откроется для грузовиков.",
    "ar": "أعلنت حكومة إلبونيا يوم الثلاثاء أن الحدود مع روريتانيا ستفتح من جديد أمام الشاحنات.",
    "zh": "埃尔博尼亚政府周二宣布，与鲁里塔尼亚的边境将重新向货车开放。",
    "ja": "エルボニア政府は火曜日、ルリタニアとの国境をトラックに再び開放すると発表した。",
}


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_clean_rejects_other_languages(language):
    "A language no registered coder reads is rejected; Spanish too when only English is coded."
    assert detect_language(FOREIGN[language]) == language
    with pytest.raises(ArticleRejected) as info:
        _clean(FOREIGN[language], settings=Settings.load(overrides={"languages": "en"}))
    assert info.value.reason == f"language: {language}"
    if language != "es":
        with pytest.raises(ArticleRejected, match=f"language: {language}"):
            _clean(FOREIGN[language])


def test_clean_keeps_a_spanish_page_for_the_spanish_coder():
    (doc,) = _clean(FOREIGN["es"])
    assert doc.language == "es"


def test_clean_language_english_and_short_text():
    assert detect_language(BODY) == "en"
    assert detect_language("Velm, Ruritania") == "en"  # too short to judge
    assert detect_language("Xq zzv plok " * 10) == "und"
    (doc,) = _clean("Velm: 3 killed.")
    assert doc.text == "Velm: 3 killed."


def test_clean_long_text_cut_at_paragraph(caplog):
    text = "\n\n".join(f"Paragraph {i} says the talks went on in Velm." for i in range(50))
    (doc,) = _clean(text, title="Given", settings=Settings.load(overrides={"max_chars": 200}))
    assert len(doc.text) <= 200 and doc.text.endswith("in Velm.")
    assert "cut" in caplog.text


# ---- HTML --------------------------------------------------------------------------------
PAGE = """<!DOCTYPE html><html lang="en"><head><title>Border reopens | Example News</title>
<meta property="og:title" content="Border between Ruritania and Elbonia reopens">
<meta property="article:published_time" content="2023-03-08T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Border between Ruritania and Elbonia reopens</h1>
<p>The Northgate crossing between Ruritania and Elbonia reopened to cargo traffic on Wednesday after a closure
of two months, officials in both capitals said.</p>
<p>Hundreds of trucks crossed in the first hours, and customs officers worked through the night to clear the
backlog that had built up on both sides of the frontier since January.</p>
<p>Critics in the Ruritanian parliament accused the government of giving up too much in the negotiations.</p>
</article><footer>Copyright Example News. Subscribe to our newsletter.</footer></body></html>"""


def test_clean_html_page_with_trafilatura():
    (doc,) = _clean("", id="h", html=PAGE)
    assert doc.text.startswith("The Northgate crossing") and "Home" not in doc.text and "Copyright" not in doc.text
    assert "\n\nHundreds of trucks" in doc.text
    assert doc.title and "Ruritania" in doc.title
    assert doc.published == dt.date(2023, 3, 8)
    assert doc.html is None


def test_clean_html_keeps_given_title_and_date():
    (doc,) = _clean("", id="h", html=PAGE, title="Own title", published=dt.date(2023, 3, 9))
    assert (doc.title, doc.published) == ("Own title", dt.date(2023, 3, 9))


def test_clean_html_fragment_and_html_in_text_field():
    fragment = "<p>Negotiators met in Velm on Tuesday.</p><p>They agreed to meet again.<script>x()</script></p>"
    (doc,) = _clean("", html=fragment, title="Feed item")
    assert doc.text == "Negotiators met in Velm on Tuesday.\n\nThey agreed to meet again."
    (doc,) = _clean(fragment, title="Feed item")
    assert doc.text == "Negotiators met in Velm on Tuesday.\n\nThey agreed to meet again."


# ---- the shared GZERO page -----------------------------------------------------------------
def test_clean_shared_gzero_page():
    path = SHARED / "samples" / "gzero-gaza-truce-page.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent (the shared samples live beside the repository)")
    article = Article(id="gzero", text=path.read_text(encoding="utf-8"), published=dt.date(2024, 8, 15))
    main, *others = clean_article(article, settings=SETTINGS)
    assert main.title == "US pressures Israel for Gaza truce, Hamas skips cease-fire talks"
    assert main.text.startswith("Israeli negotiators") and main.published == dt.date(2024, 8, 15)
    for fragment in ["Photo by", "Smoke rises", "More from", "YouTube", "Ari Winkleman", "Ukraine", "Haiti"]:
        assert fragment not in main.text
    teasers = [d for d in others if d.kind == "teaser"]
    assert len(teasers) == 4 and all(t.parent == "gzero" and t.published is None for t in teasers)
    assert [t.id for t in teasers] == [f"gzero#teaser-{n}" for n in range(1, 5)]
    assert any(t.text.startswith("Ukraine has launched") for t in teasers)
    captions = {d.text: d for d in others if d.kind == "caption"}
    haiti = next(d for text, d in captions.items() if "Port-au-Prince, Haiti" in text)
    assert haiti.published == dt.date(2024, 11, 11) and haiti.parent == "gzero"
    assert not any("REUTERS" in d.text or "YouTube" in d.text or "Winkleman" in d.text for d in others)


# ---- general boilerplate of scraped pages -------------------------------------------------------
WIRE_BODY = ("Government forces shelled rebel positions near the northern town on Tuesday, officials said. "
        "The army said the operation followed an attack on a checkpoint last week.")


@pytest.mark.parametrize("line", [
    "Advertisement", "Story continues below advertisement", "Scroll to continue with content",
    "Sign up for our daily newsletter", "Subscribe to our newsletter", "We use cookies to improve your experience.",
    "Share this article", "Click to share on Twitter (Opens in new window)", "Facebook", "WhatsApp", "Copy link",
    "Already a subscriber? Log in", "Support our journalism", "Manage your newsletter preferences",
    "Get the latest news delivered to your inbox", "Topics: Politics, Defence", "Tags: war, rebels",
    "This article was originally published on Example News.", "Leave a comment", "Report an error",
    "Enter your email address", "Thanks for subscribing!", "Want more news like this?", "Paid content",
])
def test_clean_drops_general_junk_lines(line):
    (main,) = _clean(f"Rebels attacked\n\n{WIRE_BODY}\n\n{line}\n\nA spokesman said talks would resume.")
    assert line not in main.text
    assert "A spokesman said talks would resume." in main.text and WIRE_BODY in main.text


@pytest.mark.parametrize("marker", ["Most popular", "Recommended", "Related", "Read more", "Up next",
                                    "Recommended videos", "Popular on Example", "What we're reading"])
def test_clean_marker_starts_teasers(marker):
    teaser = "Police arrested twelve protesters outside parliament on Sunday, a spokesman said in a statement."
    docs = _clean(f"Rebels attacked\n\n{WIRE_BODY}\n\n{marker}\n\n{teaser}")
    assert docs[0].text == WIRE_BODY
    assert [d.kind for d in docs[1:]] == ["teaser"] and docs[1].text == teaser and docs[1].published is None


def test_clean_labelled_caption_and_image_source_credit():
    docs = _clean(f"Rebels attacked\n\nImage caption, Residents fled the town on foot\n\nImage source, Example Agency\n\n{WIRE_BODY}")
    assert docs[0].text == WIRE_BODY
    captions = [d for d in docs if d.kind == "caption"]
    assert [c.text for c in captions] == ["Residents fled the town on foot"]


# ---- metadata: published from dateline or URL, source from the host --------------------------------
def test_clean_published_from_dateline_then_url():
    (main,) = _clean("KESSAR, March 3 (Wire) - " + WIRE_BODY, title="Rebels attacked",
                     url="https://www.example.com/2024/03/04/story")
    assert main.published == dt.date(2024, 3, 3)  # dateline, with the URL's year
    (main,) = _clean(WIRE_BODY, title="Rebels attacked", url="https://www.example.com/2024/03/04/story")
    assert main.published == dt.date(2024, 3, 4)
    assert main.source == "example.com"


def test_clean_given_metadata_wins():
    (main,) = _clean(WIRE_BODY, title="T", url="https://www.example.com/2024/03/04/story",
                     published=dt.date(2024, 1, 1), source="Example News")
    assert (main.published, main.source) == (dt.date(2024, 1, 1), "Example News")


# ---- over-long unpunctuated runs ------------------------------------------------------------------
def test_clean_splits_a_5000_word_unpunctuated_run():
    from eventwire.coding.nlp import split_paragraphs

    words = " ".join(["the", "troops", "and", "rebels", "of", "town"][i % 6] for i in range(5000))
    (main,) = _clean(f"Rebels attacked\n\n{WIRE_BODY}\n\n{words}")
    limit = SETTINGS.max_sentence_tokens * 2
    paragraphs = split_paragraphs(main)
    assert max(len(p.text.split()) for p in paragraphs) <= limit
    assert sum(len(p.text.split()) for p in paragraphs if p.text.startswith("the troops")) == 5000
    assert WIRE_BODY in main.text


def test_clean_split_long_runs_keeps_punctuated_text():
    from eventwire.text.clean import split_long_runs

    prose = " ".join(["Troops fired."] * 400)
    assert split_long_runs(prose, max_words=10) == prose
    run = " ".join(["w"] * 25)
    assert split_long_runs(run, max_words=10).split("\n\n") == [" ".join(["w"] * 10)] * 2 + [" ".join(["w"] * 5)]


def test_clean_no_sentence_and_empty_reasons():
    with pytest.raises(ArticleRejected, match="no sentence"):
        _clean("1234 5678\n\n---- ++++ 99")
    with pytest.raises(ArticleRejected, match="empty"):
        _clean("Advertisement\n\nShare this article")
