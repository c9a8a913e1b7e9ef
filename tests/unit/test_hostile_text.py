"""Hostile input at the text edge: intake checks, and 1 MB pathological inputs through every text function.

The pathological tests assert results, never times: a scanner that is quadratic again does not
fail them, it makes them run for hours (300 KB of one unbroken line took ~10 minutes). Speed is
measured in bench/fuzz_ingest.py.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings as hsettings, strategies as st

from eventwire.config import Settings
from eventwire.records import Article, Rejected
from eventwire.text import clean, datelines, htmltext, intake
from eventwire.text.language import detect_language
from eventwire.text.reading import article_from_record, read_inputs

SETTINGS = Settings.load()
MB = 1_000_000
LEAD = "Russian troops shelled Kharkiv on Monday, officials said."
TEXT = "Officials from Ruritania met Elbonian envoys in Velm on Tuesday to discuss the border."


# ---- intake: characters ------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("a\udf84b", "a\ufffdb"),                    # a lone surrogate (JSON "\udf84")
    ("\ud83d\ude00", "\U0001F600"),              # a pair left split becomes its character
    ("a\x00b\x01c\x7fd\x85e\x9f", "abcde"),       # NUL, C0, DEL and C1 dropped
    ("a\tb\nc\rd\fe", "a\tb\nc\rd\fe"),           # \t \n \r \f kept
    ("e\u0301", "\u00e9"),                        # NFC
    ("e\x00\u0301", "\u00e9"),                    # dropped first, then composed
    ("plain ASCII", "plain ASCII"),
])
def test_hostile_text_normalise_chars(raw, expected):
    assert intake.normalise_chars(raw) == expected
    assert intake.normalise_chars(expected) == expected  # idempotent
    expected.encode("utf-8")


def test_hostile_text_record_with_lone_surrogates_is_admitted_and_encodable():
    record = json.loads('{"id": "s1", "text": "Troops \\udf84 shelled Kharkiv.", "title": "T\\ud800",'
                        ' "source": "S\\u0000x", "published": "2024-05-14"}')
    article = article_from_record(record, origin="x.jsonl:1")
    assert isinstance(article, Article)
    assert (article.text, article.title, article.source) == ("Troops \ufffd shelled Kharkiv.", "T\ufffd", "Sx")
    from eventwire.store import input_hash

    assert len(input_hash(article)) == 32  # raised UnicodeEncodeError before


# ---- intake: id, url, date ---------------------------------------------------------------------
@pytest.mark.parametrize("value, reason", [
    (["a"], "invalid id: not a string (list)"),
    (1.5, "invalid id: not a string (float)"),
    (True, "invalid id: not a string (bool)"),
    ("x" * 513, "invalid id: longer than 512 characters"),
    (10 ** 600, "invalid id: longer than 512 characters"),
    ("a\x00b", "invalid id: control character '\\x00'"),
    ("a\nb", "invalid id: control character '\\n'"),
    ("a\udf84", "invalid id: lone surrogate '\\udf84'"),
])
def test_hostile_text_bad_id_is_rejected_under_the_fallback_id(value, reason):
    item = article_from_record({"id": value, "text": TEXT}, origin="f.jsonl:3", fallback_id="f.jsonl:3")
    assert item == Rejected("f.jsonl:3", reason, "f.jsonl:3")


def test_hostile_text_bad_id_without_fallback_gets_a_stable_stand_in():
    first = article_from_record({"id": "x" * 10_000, "text": TEXT}, origin="api")
    again = article_from_record({"id": "x" * 10_000, "text": TEXT}, origin="api")
    assert isinstance(first, Rejected) and first.doc_id == again.doc_id
    assert re.fullmatch(r"invalid-id-[0-9a-f]{16}", first.doc_id)


@pytest.mark.parametrize("value", [None, "", "  ", 7, "0", "a" * 512, "Ünïcode id"])
def test_hostile_text_good_or_missing_id_is_kept(value):
    item = article_from_record({"id": value, "text": TEXT}, fallback_id="f:1")
    assert isinstance(item, Article) and item.id


@pytest.mark.parametrize("url, reason", [
    ("javascript:alert(1)", "invalid url: not http(s)"),
    ("ftp://example.org/a", "invalid url: not http(s)"),
    ("example.org/a", "invalid url: not http(s)"),
    ("http://", "invalid url: no host"),
    ("http://exa mple.org/", "invalid url: whitespace or control character"),
    ("http://example.org/\x00", "invalid url: whitespace or control character"),
    ("https://example.org:99999/", "invalid url: Port out of range"),
    ("http://[::1/", "invalid url: Invalid IPv6 URL"),
    ("https://example.org/" + "a" * 3000, "invalid url: longer than 2048 characters"),
    (5, "invalid url: not a string (int)"),
])
def test_hostile_text_bad_url_is_rejected(url, reason):
    item = article_from_record({"id": "u", "text": TEXT, "url": url})
    assert isinstance(item, Rejected) and item.doc_id == "u" and item.reason.startswith(reason)


@pytest.mark.parametrize("url", [None, "", "https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG", "http://10.0.0.1:8080/x"])
def test_hostile_text_good_or_missing_url_is_kept(url):
    item = article_from_record({"id": "u", "text": TEXT, "url": url})
    assert isinstance(item, Article) and item.url == (url or None)


@pytest.mark.parametrize("date, reason", [
    ("not a date", "invalid date: unparseable 'not a date'"),
    ("31/31/2024", "invalid date: unparseable '31/31/2024'"),
    ("0001-01-01T00:00:00Z", "invalid date: 0001-01-01 is before 1800-01-01"),
    ("2999-01-01", "invalid date: 2999-01-01 is in the future"),
    ("2" * 200, "invalid date: longer than 100 characters"),
    (20240815, "invalid date: not a string (int)"),
    (["2024-01-01"], "invalid date: not a string (list)"),
])
def test_hostile_text_bad_date_is_rejected(date, reason):
    item = article_from_record({"id": "d", "text": TEXT, "published": date})
    assert item == Rejected("d", reason, None)


@pytest.mark.parametrize("date, expected", [
    (None, None), ("", None), ("2024-08-15", dt.date(2024, 8, 15)),
    ("Thu, 15 Aug 2024 10:00:00 GMT", dt.date(2024, 8, 15)), ("1851-09-18", dt.date(1851, 9, 18)),
])
def test_hostile_text_good_or_missing_date_is_kept(date, expected):
    item = article_from_record({"id": "d", "text": TEXT, "published": date})
    assert isinstance(item, Article) and item.published == expected


def test_hostile_text_tomorrow_is_allowed_the_day_after_is_not():
    today = dt.datetime.now(dt.timezone.utc).date()
    ok = article_from_record({"id": "d", "text": TEXT, "published": (today + dt.timedelta(days=1)).isoformat()})
    late = article_from_record({"id": "d", "text": TEXT, "published": (today + dt.timedelta(days=3)).isoformat()})
    assert isinstance(ok, Article) and isinstance(late, Rejected)


def test_hostile_text_mostly_control_characters_is_binary():
    item = article_from_record({"id": "b", "text": "\x00\x01\x02 some text \x03\x04" * 100})
    assert item == Rejected("b", "binary", None)


def test_hostile_text_html_of_only_controls_is_no_text():
    assert article_from_record({"id": "n", "html": "\x00\x01"}) == Rejected("n", "no text", None)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                     max_leaves=6)
_STRINGS = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40) | st.sampled_from([
    "\udf84", "a\x00b", "x" * 600, "0001-01-01", "2999-01-01", "Mon, 99 Foo 99999 99:99:99 +9999", "javascript:x",
    "http://[::1", "https://x.org:99999/", "https://x.org/a", "2024-05-14", " ", "<p>x</p>", "\x00\x01\x02"])


@hsettings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({}, optional={name: _JSON | _STRINGS for name in
                                           ("id", "text", "html", "title", "published", "url", "source")}))
def test_hostile_text_any_json_record_becomes_an_article_or_a_rejection(record):
    item = article_from_record(record, origin="f.jsonl:1", fallback_id="f.jsonl:1")
    assert isinstance(item, (Article, Rejected))
    for value in (item.id, item.text, item.title, item.url, item.source, item.html) if isinstance(item, Article) \
            else (item.doc_id, item.reason):
        (value or "").encode("utf-8")  # storable


# ---- readers -------------------------------------------------------------------------------------
def test_hostile_text_jsonl_bad_json_of_every_kind_and_the_stream_goes_on(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = ['{"id": "n", "text": "x", "big": ' + "9" * 5000 + "}",   # over Python's 4,300-digit limit
             "[" * 100_000 + "]" * 100_000,                            # nesting too deep
             '{"id": "a", "text": "' + TEXT + '"}',
             '{"id": "b", "text": "\\udf84 ' + TEXT + '"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([path], settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Rejected", "Rejected", "Article", "Article"]
    assert all(i.reason.startswith("invalid JSON") for i in items[:2])
    assert items[3].text.startswith("\ufffd ")


def test_hostile_text_file_names_with_bad_bytes_give_storable_rejections(tmp_path):
    name = b"bad\xff\x00name.txt".replace(b"\x00", b"")
    path = tmp_path / name.decode("utf-8", "surrogateescape")
    path.write_bytes(b"")
    (item,) = read_inputs([path], settings=SETTINGS)
    assert isinstance(item, Rejected)
    (item.doc_id + item.reason + item.origin).encode("utf-8")


def test_hostile_text_feed_item_with_relative_link_is_rejected_others_read(tmp_path):
    path = tmp_path / "f.rss"
    path.write_text("<rss><channel>"
                    "<item><guid>1</guid><link>/news/1</link><description>" + TEXT + "</description></item>"
                    "<item><guid>2</guid><link>https://ex.org/2</link><description>" + TEXT + "</description></item>"
                    "</channel></rss>", encoding="utf-8")
    first, second = read_inputs([path], settings=SETTINGS)
    assert isinstance(first, Rejected) and first.reason.startswith("invalid url")
    assert isinstance(second, Article) and second.url == "https://ex.org/2"


def test_hostile_text_readers_take_1_mb_pathological_records(tmp_path):
    rows = [{"id": "nospace", "text": LEAD + " " + "x" * MB},
            {"id": "words", "text": " ".join(["word"] * 200_000)},
            {"id": "html", "html": "<html><body>" + "<div>" * 200_000 + "</body></html>"},
            {"id": "rtl", "text": "\u202e\u200f" * 100_000 + TEXT}]
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    items = list(read_inputs([path], settings=SETTINGS))
    assert [i.id for i in items] == ["nospace", "words", "html", "rtl"]
    assert len(items[0].text) == len(LEAD) + 1 + MB and items[2].html.startswith("<html>")


def test_hostile_text_feed_with_deep_xhtml_content_is_read_or_rejected(tmp_path):
    path = tmp_path / "deep.atom"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e1</id>'
                    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">' + "<div>" * 5000 + "x"
                    + "</div>" * 5000 + "</div></content></entry>"
                    "<entry><id>e2</id><content type=\"text\">" + TEXT + "</content></entry></feed>", encoding="utf-8")
    items = list(read_inputs([path], settings=SETTINGS))
    assert len(items) == 2 and items[1] == Article(id="e2", text=TEXT, origin=f"{path}#2")


# ---- 1 MB pathological inputs through the text functions ----------------------------------------
_PAGES = {
    "no spaces": LEAD + "\n\n" + "x" * MB,
    "T and commas": LEAD + "\n\n" + "T," * (MB // 2),
    "300 KB lines": LEAD + "\n\n" + "\n".join(["y" * 300_000] * 3),
    "20,000-word sentences": LEAD + "\n\n" + "\n\n".join([" ".join(["the", "troops"] * 10_000)] * 8),
    "bylines that backtrack": LEAD + "\n\n" + ("By X" + "and" * 51 + "!\n") * 6400,
    "credits after one caption": LEAD + "\n\nA caption line here\n" + "Getty Images\n" * 75_000,
    "wrapped lines": LEAD + "\n\n" + "\n".join(["word word word word"] * 50_000),
    "dates without end": LEAD + "\n\n" + "Nov 1, 2024 " * 80_000,
    "line separators": LEAD + "\n\n" + "\u2028" * MB + "x",
    "next-line controls": LEAD + "\n\n" + "a\x85" * (MB // 2),
    "zero-width": LEAD + "\n\n" + "\u200b" * MB,
}


@pytest.mark.parametrize("name", sorted(_PAGES))
def test_hostile_text_clean_article_on_1_mb_pathological_pages(name):
    docs = clean.clean_article(Article(id="p", text=_PAGES[name]), settings=SETTINGS)
    main = docs[0]
    assert main.kind == "article" and main.text.startswith(LEAD)
    assert len(main.text) <= SETTINGS.max_chars


def test_hostile_text_clean_article_teaser_tags_and_captions_at_scale():
    page = LEAD + "\n\nRelated\n\n" + "".join(f"Troops advance on town {k} " + "|" * 1000 + "\nThe officials said"
                                                f" so in town {k}.\n\n" for k in range(300))
    docs = clean.clean_article(Article(id="p", text=page), settings=SETTINGS)
    assert docs[0].text == LEAD and len(docs) == 301
    assert [(d.kind, d.title) for d in docs[1:3]] == [("teaser", "Troops advance on town 0"),
                                                      ("teaser", "Troops advance on town 1")]
    captions = LEAD + "\n\n" + "Troops in Gaza City, Gaza, November 11, 2024.\n" * 20_000
    docs = clean.clean_article(Article(id="c", text=captions), settings=SETTINGS)
    assert [d.kind for d in docs] == ["article", "caption"] and docs[1].published == dt.date(2024, 11, 11)


@pytest.mark.parametrize("markup", [
    "<html><body>" + "<div>" * 200_000 + "Troops attacked the town.</body></html>",
    "<p>Troops attacked the town.</p>" + "<a\n" * (MB // 3),
    "<p>Troops attacked the town.</p>" + "<a b='" * (MB // 6),
    "<p>Troops attacked the town.</p>" + "<!--" * (MB // 4),
    "<p>Troops attacked the town.</p><p>" + "<span>" * (MB // 6),
    "<html><body><p>Troops attacked the town.</p><img src=\"data:image/png;base64," + "QUJD" * (MB // 4)
    + "\"></body></html>",
])
def test_hostile_text_html_to_text_on_1_mb_pathological_markup(markup):
    text, _, _ = htmltext.html_to_text(markup)
    assert isinstance(text, str) and "<a\n<a" not in text


def test_hostile_text_strip_tags_keeps_the_standard_parser_on_ordinary_fragments():
    fragment = '<p>Hello <b>world</b> &amp; more</p><ul><li>one</li></ul><p>tail <a href="x'
    assert htmltext._strip_tags(fragment) == "\n\nHello world & more\n\n\n\n\n\none\n\n\n\n\n\ntail <a href=\"x"
    assert htmltext._strip_tags("<p>x</p>" + "<a\n" * 10_000 + "<p>after</p>").split() == ["x", "after"]


@pytest.mark.parametrize("text, expected", [
    ("x" * MB, None),
    ("T" * MB, None),
    ("x" * MB + " Haiti November 11, 2024.", dt.date(2024, 11, 11)),
    ("Nov 1, 2024" + "\u2028" * MB + "x", None),
    ("a " * (MB // 2) + "2024-08-15, 10:30 GMT", dt.date(2024, 8, 15)),
])
def test_hostile_text_caption_date_on_1_mb_lines(text, expected):
    assert clean.caption_date(text) == expected


def test_hostile_text_datelines_and_url_dates_on_1_mb():
    assert datelines.parse_dateline("KHAN YOUNIS, " + "A" * MB) is None
    assert datelines.parse_dateline("KHAN YOUNIS, Aug 14 (Reuters) - " + "x" * MB, year=2024) == dt.date(2024, 8, 14)
    assert datelines.date_from_url("https://x.org/" + "2024/" * (MB // 5)) is None
    assert datelines.date_from_url("https://x.org/" + "1" * MB + "/2024/08/15/") == dt.date(2024, 8, 15)
    assert datelines.parse_published("9" * MB) is None


@pytest.mark.parametrize("text, expected", [
    ("x" * MB, "en"), (" ".join(["el"] * 200_000), "es"), ("\u0416" * MB, "ru"), ("1" * MB, "und"),
])
def test_hostile_text_detect_language_on_1_mb(text, expected):
    assert detect_language(text) == expected


# ---- the rewritten patterns accept exactly what the old ones did ----------------------------------
_MONTH = clean._MONTH
_OLD_DATE_AT_END = re.compile(
    rf"(?:(?P<before>\S+)\s+)?\b(?P<date>(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\s+(?P<y2>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))\s*[.)]?\s*$")
_OLD_TIME = re.compile(r"[ T,]+\d{1,2}[:.]\d{2}.{0,12}$")
_OLD_TEASER_TAG = re.compile(r"\s*(\[[A-Z][A-Z ]{1,20}\]|\|)+\s*$")
_TOKENS = st.sampled_from(["Nov", "November", "Jan.", "May", "11", "1", "2024", "2024-08-15", ",", ".", ")", "(",
                           " ", "  ", "\t", "\n", "\u2028", "on", "Haiti", "x", "T", "10:30", "GMT", "|", "[VIDEO]",
                           "[A B]", "[a]", "]", "["])


def _joined(tokens: list[str]) -> str:
    return "".join(tokens)


@hsettings(max_examples=600, deadline=None)
@given(st.lists(_TOKENS, max_size=12).map(_joined))
def test_hostile_text_date_at_end_agrees_with_the_old_pattern(text):
    old, new = _OLD_DATE_AT_END.search(text), clean._DATE_AT_END.search(text)
    assert (old and (old.span(), old.groupdict())) == (new and (new.span(), new.groupdict()))


@hsettings(max_examples=600, deadline=None)
@given(st.lists(_TOKENS, max_size=12).map(_joined))
def test_hostile_text_time_at_end_agrees_with_the_old_pattern(text):
    assert clean._TIME_AT_END.sub("", text) == _OLD_TIME.sub("", text)


@hsettings(max_examples=600, deadline=None)
@given(st.lists(_TOKENS, max_size=12).map(_joined))
def test_hostile_text_teaser_tags_agree_with_the_old_pattern(text):
    line = " ".join(text.split("\n"))  # teaser lines hold no line break
    assert clean._strip_teaser_tags(line) == _OLD_TEASER_TAG.sub("", line)


# ---- through the CLI ---------------------------------------------------------------------------------
def test_hostile_text_ingest_cli_stores_a_record_with_a_lone_surrogate(tmp_path):
    import duckdb

    from eventwire.cli import main

    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "s1", "text": "Russian troops shelled Kharkiv on Monday \\udf84 officials said.",'
                    ' "published": "2024-05-14"}\n'
                    '{"id": "ok", "text": "Police arrested protesters in Nairobi on Friday.", "published": "2024-05-14"}\n',
                    encoding="utf-8")
    db = tmp_path / "store.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(path), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    texts = dict(con.execute("SELECT doc_id, text FROM documents").fetchall())
    con.close()
    assert set(texts) == {"s1", "ok"} and "\ufffd" in texts["s1"]


def test_hostile_text_date_with_an_absurd_zone_is_rejected_not_raised():
    from eventwire.text.reading import article_from_record

    item = article_from_record({"id": "bad", "text": "hello world",
                                "published": "Sat, 01 Jan 2000 00:00:00 +99999999999999999999"}, origin="x.jsonl:1")
    assert isinstance(item, Rejected) and item.reason.startswith("invalid date")
