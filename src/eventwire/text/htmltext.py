"""HTML to text: trafilatura for pages, the standard library for fragments.

    html_to_text(markup, url=None) -> (text, title, date)   # paragraphs one blank line apart

Every path costs time linear in the markup: the standard library's parser is kept off the
input that makes it quadratic (see ``_strip_tags``).
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import logging
import re
from html.parser import HTMLParser

logger = logging.getLogger(__name__)

# After feed(), HTMLParser holds what it could not parse yet: from the first construct that does
# not close ("<a href=..." without ">", "<!--" without "-->") to the end. Its close() then rescans
# the rest of that buffer for every "<" in it (CPython before 3.12.11 / 3.13.5, CVE-2025-6069):
# 20 KB of "<a\n" took 8 s, 80 KB two minutes. Up to this many characters close() runs as always
# (milliseconds at worst); a longer rest is read by libxml2's parser (linear; lxml comes with
# trafilatura), which is where the two can differ.
_MAX_PENDING = 2000
_ANY_TAG = re.compile(r"<[^>]+>")


def is_html_page(text: str) -> bool:
    "Whether a 'text' field really holds an HTML page or fragment."
    head = text.lstrip()[:512].lower()
    return head.startswith("<") and bool(re.search(r"</(p|div|html|body|article|li)>", text[:200_000], re.I))


def html_to_text(markup: str, *, url: str | None = None) -> tuple[str, str | None, dt.date | None]:
    """Main text (paragraphs one blank line apart), title and date of an HTML page or fragment."""
    is_page = bool(re.search(r"<(html|body|head)\b", markup[:5000], re.I))
    if is_page:
        text, title, date = _trafilatura(markup, url=url)
        if text:
            return text, title, date
        logger.info("trafilatura found no main text; stripping tags instead")
        return _strip_tags(markup), title, date
    return _strip_tags(markup), None, None


def _trafilatura(markup: str, *, url: str | None) -> tuple[str, str | None, dt.date | None]:
    "Run trafilatura's bare_extraction; its text lines are paragraphs."
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(markup, url=url, include_comments=False, include_tables=False,
                                          with_metadata=True)
    except Exception as exc:  # trafilatura raises assorted errors on broken markup
        logger.warning("trafilatura failed: %s", exc)
        return "", None, None
    if doc is None:
        return "", None, None
    get = doc.get if isinstance(doc, dict) else (lambda name: getattr(doc, name, None))
    text = (get("text") or "").replace("\n", "\n\n")
    title = get("title") or None
    date = None
    if get("date"):
        try:
            date = dt.date.fromisoformat(str(get("date"))[:10])
        except ValueError:
            date = None
    return text, title, date


class _TextOfHtml(HTMLParser):
    """Collect the text of HTML, skipping scripts and styles, breaking at block elements."""

    _SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form", "button"}
    _BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
              "blockquote", "section", "article", "header", "dd", "dt", "dl", "figure", "figcaption", "pre", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


class _Handlers:
    """An lxml parser target that passes events on to a _TextOfHtml's handlers."""

    def __init__(self, sink: _TextOfHtml):
        self.sink = sink

    def start(self, tag, attrib):
        self.sink.handle_starttag(tag, list(attrib.items()))

    def end(self, tag):
        self.sink.handle_endtag(tag)

    def data(self, data):
        self.sink.handle_data(data)

    def close(self):
        return None


def _strip_tags(markup: str) -> str:
    "Plain text of HTML with the standard library (for fragments and as a fallback)."
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        rest = parser.rawdata  # unparsed: from the first construct that did not close
        if len(rest) > _MAX_PENDING and rest.startswith("<") and parser.cdata_elem is None:
            parser.rawdata = ""
            _parse_rest(rest, parser)
        parser.close()
    except Exception as exc:  # HTMLParser is lenient; this is only a safety net
        logger.warning("HTML parser failed: %s", exc)
        return _strip_by_pattern(markup)
    return "".join(parser.parts)


def _parse_rest(rest: str, parser: _TextOfHtml) -> None:
    "What HTMLParser left unparsed, read by libxml2 into the same parser's handlers."
    from lxml import etree

    logger.info("HTML with an unclosed construct: %d characters read by libxml2", len(rest))
    reader = etree.HTMLParser(target=_Handlers(parser), no_network=True)
    reader.feed(rest)
    reader.close()


def _strip_by_pattern(markup: str) -> str:
    "Tags replaced by spaces with a pattern, up to the last '>' (no tag closes after it)."
    end = markup.rfind(">") + 1  # [^>]+ from every '<' after the last '>' would scan to the end
    return html_lib.unescape(_ANY_TAG.sub(" ", markup[:end]) + markup[end:])
