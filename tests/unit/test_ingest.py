"""Unit tests for eventwire.text.reading: every input format, gz, folders, stdin, encodings, rejections."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import hashlib
import io
import json
import logging
from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.errors import InputError
from eventwire.text.datelines import parse_published
from eventwire.text.reading import article_from_record, read_inputs
from eventwire.records import Article, Rejected

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "ingest"
SHARED = REPO.parent / "shared"
SETTINGS = Settings.load()

TEXT = "Officials from Ruritania met Elbonian envoys in Velm on Tuesday to discuss the border."


def _read(*paths, settings=SETTINGS, stdin=None) -> list[Article | Rejected]:
    "All items read from paths."
    return list(read_inputs([str(p) for p in paths], settings=settings, stdin=stdin))


def _jsonl(path: Path, rows: list) -> Path:
    "Write rows (dicts or raw strings) as JSON lines."
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- JSONL -----------------------------------------------------------------------------------
def test_ingest_jsonl_records_fields_and_origin(tmp_path):
    path = _jsonl(tmp_path / "docs.jsonl", [
        {"id": "a", "text": TEXT, "title": "Talks in Velm", "published": "2023-03-07",
         "url": "https://example.org/a", "source": "Example"},
        {"id": 7, "text": TEXT, "published": "2023-03-08T10:15:00Z"},
    ])
    first, second = _read(path)
    assert first == Article(id="a", text=TEXT, title="Talks in Velm", published=dt.date(2023, 3, 7),
                            url="https://example.org/a", source="Example", origin=f"{path}:1")
    assert second.id == "7" and second.published == dt.date(2023, 3, 8) and second.origin == f"{path}:2"


def test_ingest_jsonl_bad_lines_become_rejections(tmp_path):
    path = _jsonl(tmp_path / "bad.jsonl", [
        {"id": "ok", "text": TEXT},
        '{"id": "broken", "text": ',
        "",
        '["not", "an", "object"]',
        {"id": "notext", "title": "Only a title"},
        {"id": "blank", "text": "   "},
        {"id": "after", "text": TEXT},
    ])
    items = _read(path)
    assert [type(i).__name__ for i in items] == ["Article", "Rejected", "Rejected", "Rejected", "Rejected", "Article"]
    assert items[1].doc_id == f"{path}:2" and items[1].reason.startswith("invalid JSON")
    assert items[2].doc_id == f"{path}:4"
    assert (items[3].doc_id, items[3].reason) == ("notext", "no text")
    assert items[4].reason == "no text"
    assert items[5].id == "after"


def test_ingest_jsonl_missing_id_is_a_stable_hash(tmp_path):
    path = _jsonl(tmp_path / "noid.jsonl", [{"text": TEXT, "url": "https://example.org/x"}, {"text": TEXT}])
    by_url, by_text = _read(path)
    assert by_url.id == hashlib.sha1(b"https://example.org/x").hexdigest()[:16]
    assert by_text.id == hashlib.sha1(TEXT.encode()).hexdigest()[:16]
    assert [a.id for a in _read(path)] == [by_url.id, by_text.id]  # deterministic


def test_ingest_jsonl_html_record(tmp_path):
    path = _jsonl(tmp_path / "h.jsonl", [{"id": "h", "html": "<html><body><p>Hi there.</p></body></html>"}])
    (article,) = _read(path)
    assert article.text == "" and article.html.startswith("<html>")


def test_ingest_jsonl_gz(tmp_path):
    path = tmp_path / "docs.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "g1", "text": TEXT}) + "\n" + json.dumps({"id": "g2", "text": TEXT}) + "\n")
    assert [a.id for a in _read(path)] == ["g1", "g2"]


def test_ingest_jsonl_overlong_line_rejected_and_stream_goes_on(tmp_path):
    path = _jsonl(tmp_path / "long.jsonl", [{"id": "big", "text": "x " * 200}, {"id": "small", "text": TEXT[:50]}])
    items = _read(path, settings=Settings.load(overrides={"max_chars": 10}))  # limit: 100 bytes a line
    assert isinstance(items[0], Rejected) and "longer than" in items[0].reason
    assert items[1].id == "small"


@pytest.mark.parametrize("value, expected", [
    ("2024-08-15", dt.date(2024, 8, 15)),
    ("2024-08-15T23:10:00+02:00", dt.date(2024, 8, 15)),
    ("2024-08-15T23:10:00Z", dt.date(2024, 8, 15)),
    ("Thu, 15 Aug 2024 10:00:00 GMT", dt.date(2024, 8, 15)),
    ("not a date", None),
    (None, None),
    (20240815, None),
])
def test_ingest_parse_published(value, expected):
    assert parse_published(value) == expected


def test_ingest_article_from_record_for_api():
    article = article_from_record({"id": "api-1", "text": TEXT, "published": "2023-03-07"}, origin="api")
    assert article.origin == "api" and article.published == dt.date(2023, 3, 7)
    assert isinstance(article_from_record({"id": "x"}), Rejected)


# ---- single documents ------------------------------------------------------------------------
def test_ingest_text_html_and_gz_files(tmp_path):
    (tmp_path / "story.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body><p>" + TEXT + "</p></body></html>", encoding="utf-8")
    with gzip.open(tmp_path / "zipped.htm.gz", "wb") as fh:
        fh.write(b"<html><body><p>Zipped.</p></body></html>")
    with gzip.open(tmp_path / "wire.2024.txt.gz", "wb") as fh:
        fh.write(TEXT.encode())
    story, page, zipped, wire = _read(tmp_path / "story.txt", tmp_path / "page.html",
                                      tmp_path / "zipped.htm.gz", tmp_path / "wire.2024.txt.gz")
    assert (story.id, story.text, story.html, story.origin) == ("story", TEXT, None, str(tmp_path / "story.txt"))
    assert page.id == "page" and page.text == "" and TEXT in page.html
    assert zipped.id == "zipped" and "Zipped." in zipped.html
    assert wire.id == "wire.2024" and wire.text == TEXT


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("cp1252", b""),
    ("utf-16-le", b""),  # no BOM: found by its NUL pattern
])
def test_ingest_decodes_encodings(tmp_path, encoding, bom):
    text = "Café talks in Zürich: the envoy’s “final offer” — rejected. " * 3
    path = tmp_path / "enc.txt"
    path.write_bytes(bom + text.encode(encoding))
    (article,) = _read(path)
    assert article.text == text


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "image"),
    (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "image"),
    (bytes(range(256)) * 8, "binary file"),
    (b"\x00\x01\x02\x03 some text \x00\x00\x00\x07\x08", "binary file"),
    (b"", "empty"),
    (b" \n\n\t \n", "empty"),
])
def test_ingest_rejects_binary_and_empty(tmp_path, data, reason):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    (item,) = _read(path)
    assert isinstance(item, Rejected) and (item.doc_id, item.reason, item.origin) == ("doc", reason, str(path))


def test_ingest_large_file_is_truncated_with_warning(tmp_path, caplog):
    path = tmp_path / "huge.txt"
    path.write_bytes(("é" + "a" * 9).encode() * 100)  # 1,100 bytes, multibyte chars throughout
    with caplog.at_level(logging.WARNING, logger="eventwire.text.reading"):
        (article,) = _read(path, settings=Settings.load(overrides={"max_chars": 50}))  # limit: 500 bytes
    assert len(article.text.encode()) <= 500 and article.text.startswith("éaaa")
    assert "read only" in caplog.text


def test_ingest_txt_holding_an_html_page_goes_to_html(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text("<!DOCTYPE html><html><body><p>Hello.</p></body></html>", encoding="utf-8")
    (article,) = _read(path)
    assert article.html and article.text == ""


# ---- folders, missing paths, stdin -------------------------------------------------------------
def test_ingest_folder_walk_is_sorted_and_skips_unknown(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed story text.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Ay story text.", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "c1", "text": TEXT}) + "\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not an input", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n...")
    items = _read(tmp_path)
    assert [getattr(i, "id", None) or i.doc_id for i in items] == ["a", "c1", "scan", "z"]
    assert isinstance(items[2], Rejected) and items[2].reason == "pdf"
    assert _read(tmp_path) == items  # deterministic


def test_ingest_folder_order_files_before_subfolders_sorted(tmp_path):
    for name in ["b/1.txt", "a/2.txt", "0.txt"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f"Text of {name}.", encoding="utf-8")
    assert [a.id for a in _read(tmp_path)] == ["0", "2", "1"]


def test_ingest_missing_path_raises_input_error(tmp_path):
    with pytest.raises(InputError):
        _read(tmp_path / "nope.jsonl")


def test_ingest_inputs_in_argument_order(tmp_path):
    (tmp_path / "x.txt").write_text("X text.", encoding="utf-8")
    (tmp_path / "y.txt").write_text("Y text.", encoding="utf-8")
    assert [a.id for a in _read(tmp_path / "y.txt", tmp_path / "x.txt")] == ["y", "x"]


def test_ingest_stdin_jsonl():
    data = (json.dumps({"id": "s1", "text": TEXT}) + "\n\n" + json.dumps({"id": "s2", "text": TEXT}) + "\n").encode()
    items = _read("-", stdin=io.BytesIO(data))
    assert [a.id for a in items] == ["s1", "s2"] and items[0].origin == "stdin:1"


def test_ingest_stdin_text_document():
    data = ('{"looks": "like json"}\n' + TEXT + "\n").encode("utf-8")
    (article,) = _read("-", stdin=io.BytesIO(data))
    assert article.id == "stdin" and TEXT in article.text


def test_ingest_stdin_text_stream_and_empty():
    (article,) = _read("-", stdin=io.StringIO(TEXT))
    assert article.text == TEXT
    (rejected,) = _read("-", stdin=io.BytesIO(b"  \n"))
    assert (rejected.doc_id, rejected.reason) == ("stdin", "empty")


# ---- feeds -----------------------------------------------------------------------------------
def test_ingest_rss_feed():
    path = FIXTURES / "example-feed.rss"
    first, second = _read(path)
    assert (first.id, first.title, first.url, first.published) == ("ex-a1", "Talks resume in Velm",
                                                                   "https://example.org/a1", dt.date(2023, 3, 7))
    assert "<p>" in first.html and first.text == "" and first.origin == f"{path}#1"
    assert second.id == hashlib.sha1(b"https://example.org/a2").hexdigest()[:16]
    assert second.text == "The Elbonian trade minister resigned on Wednesday." and second.html is None


def test_ingest_atom_feed():
    first, second = _read(FIXTURES / "example-feed.atom")
    assert (first.id, first.url, first.published) == ("urn:example:1", "https://example.org/b1", dt.date(2023, 3, 8))
    assert "Northgate" in first.html
    assert second.text.startswith("Lawmakers") and second.published == dt.date(2023, 3, 9)


def test_ingest_json_feed_and_record_list(tmp_path):
    first, second = _read(FIXTURES / "example-feed.json")
    assert (first.id, first.published, first.url) == ("j1", dt.date(2023, 3, 10), "https://example.org/j1")
    assert "<p>" in first.html
    assert second.text == "Cargo trucks crossed the border on Saturday." and second.url is None
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"id": "r1", "text": TEXT}, {"text": TEXT}, 3]), encoding="utf-8")
    items = _read(path)
    assert items[0].id == "r1" and isinstance(items[2], Rejected)


def test_ingest_broken_and_non_feed_xml(tmp_path):
    (tmp_path / "broken.rss").write_text("<rss><channel><item><title>A</title></item><item><title", encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("<urlset><url><loc>https://x</loc></url></urlset>", encoding="utf-8")
    items = _read(tmp_path / "broken.rss", tmp_path / "sitemap.xml")
    assert isinstance(items[0], Rejected) and items[0].reason == "no text"  # the item had only a title
    assert isinstance(items[1], Rejected) and items[1].reason.startswith("invalid XML")
    assert items[2].reason == "not a feed"


def test_ingest_shared_feeds():
    feeds = SHARED / "corpus" / "feeds"
    if not feeds.is_dir():
        pytest.skip(f"{feeds} is absent (the shared corpus lives beside the repository)")
    npr = _read(feeds / "npr_technology.jsonfeed.json")
    assert len(npr) == 25 and all(isinstance(a, Article) and a.published and a.html for a in npr)
    wiki = _read(feeds / "wikipedia_current_events.rss")
    assert len(wiki) == 15 and all(a.html and a.title.startswith("Current Events") for a in wiki)


# ---- field mapping, WARC, counting, huge inputs ---------------------------------------------------
def test_ingest_field_map_renames_and_dotted_paths(tmp_path):
    from eventwire.text.reading import FieldMap

    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"key": "k1", "body": "Troops entered the town.", "headline": "Town taken",
                                "meta": {"date": "2024-03-01", "link": "https://x.org/a"}}) + "\n"
                    + json.dumps({"text": "Standard names still work.", "id": "k2"}) + "\n", encoding="utf-8")
    fields = FieldMap(id="key", text="body", title="headline", date="meta.date", url="meta.link")
    first, second = list(read_inputs([path], settings=Settings.load(), fields=fields))
    assert (first.id, first.text, first.title, first.published, first.url) == (
        "k1", "Troops entered the town.", "Town taken", dt.date(2024, 3, 1), "https://x.org/a")
    assert (second.id, second.text) == ("k2", "Standard names still work.")


def test_ingest_field_map_record_without_mapped_text_is_rejected(tmp_path):
    from eventwire.text.reading import FieldMap

    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"id": "a", "content": ""}) + "\n", encoding="utf-8")
    (item,) = read_inputs([path], settings=Settings.load(), fields=FieldMap(text="content"))
    assert isinstance(item, Rejected) and item.reason == "no text"


def _write_warc(path, records):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        for url, status, ctype, body, date in records:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                            warc_headers_dict={"WARC-Date": date})
            writer.write_record(rec)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_ingest_warc_html_responses(tmp_path, name):
    page = b"<html><head><title>T</title></head><body><p>Troops entered the town on Monday.</p></body></html>"
    path = tmp_path / name
    _write_warc(path, [
        ("https://news.example.com/world/story", "200 OK", "text/html; charset=utf-8", page, "2024-05-02T10:00:00Z"),
        ("https://news.example.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n", "2024-05-02T10:00:01Z"),
        ("https://news.example.com/2024/04/30/gone", "404 Not Found", "text/html", b"<html>gone</html>",
         "2024-05-02T10:00:02Z"),
    ])
    items = list(read_inputs([path], settings=Settings.load()))
    assert len(items) == 2
    article, rejected = items
    assert article.url == "https://news.example.com/world/story"
    assert article.published == dt.date(2024, 5, 2) and "Troops entered" in article.html
    assert article.id == hashlib.sha1(article.url.encode()).hexdigest()[:16]
    assert isinstance(rejected, Rejected) and rejected.reason == "HTTP 404"


def test_ingest_warc_broken_archive_is_rejected(tmp_path):
    path = tmp_path / "bad.warc"
    path.write_bytes(b"this is not a warc file at all\n" * 10)
    items = list(read_inputs([path], settings=Settings.load()))
    assert len(items) == 1 and isinstance(items[0], Rejected) and items[0].reason.startswith("invalid WARC")


def test_ingest_count_inputs(tmp_path):
    from eventwire.text.reading import count_inputs

    (tmp_path / "a.jsonl").write_text('{"id": 1, "text": "x"}\n\n{"id": 2, "text": "y"}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("text", encoding="utf-8")
    assert count_inputs([tmp_path]) == 3
    assert count_inputs(["-"]) is None


def test_ingest_50_mb_page_reads_bounded_prefix(tmp_path):
    settings = Settings.load(overrides={"max_chars": 20_000})
    path = tmp_path / "huge.html"
    chunk = b"<p>" + b"word " * 200 + b"</p>\n"
    with open(path, "wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(chunk)):
            fh.write(chunk)
    (article,) = read_inputs([path], settings=settings)
    assert len(article.html) <= settings.max_chars * 10


@pytest.mark.parametrize("raw, reason", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
    (bytes(range(256)) * 40, "binary file"),
    (b"", "empty"),
    (b"   \n\t\n", "empty"),
])
def test_ingest_bad_files_in_a_folder_get_reasons_and_batch_goes_on(tmp_path, raw, reason):
    (tmp_path / "a_bad.txt").write_bytes(raw)
    (tmp_path / "b_good.txt").write_text("Troops entered the town.", encoding="utf-8")
    bad, good = read_inputs([tmp_path], settings=Settings.load())
    assert isinstance(bad, Rejected) and bad.reason == reason and bad.doc_id == "a_bad"
    assert good.text == "Troops entered the town."
