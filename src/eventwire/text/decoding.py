"""Bytes to text: BOMs, UTF-16 without BOM, UTF-8, legacy encodings; binary content refused.

INTERFACE:

    decode_bytes(data: bytes) -> str       # raises Unreadable(reason) for PDF, images, binary
    check_binary(data: bytes) -> None      # raises Unreadable for content that is not text
"""

from __future__ import annotations

import codecs
import logging

logger = logging.getLogger(__name__)


# Bytes from the start of a file that the binary sniffer looks at (enough for any magic number
# and a fair sample of text; the share thresholds below are taken over this window).
_SNIFF_BYTES = 8192


# Above this share of control characters (not \t \n \r \f) in the decoded sample, content is not
# text. Real text has none; legacy files carry a few stray \x1a or \x0c, so allow 5%.
_MAX_CONTROL_SHARE = 0.05


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


_BINARY_MAGIC = (b"PK\x03\x04", b"\x7fELF", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"MZ", b"\xd0\xcf\x11\xe0")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class Unreadable(Exception):
    """Content that is not text; ``reason`` is the rejection reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_binary(data: bytes) -> None:
    "Raise Unreadable for PDF, images and other binary content."
    head = data[:_SNIFF_BYTES]
    if head.lstrip()[:5] == b"%PDF-" or head[:4] == b"%PDF":
        raise Unreadable("pdf")
    if head.startswith(_IMAGE_MAGIC):
        raise Unreadable("image")
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return
    if head.startswith(_BINARY_MAGIC):
        raise Unreadable("binary file")
    if b"\x00" in head and _utf16_without_bom(head) is None:
        raise Unreadable("binary file")


def _utf16_without_bom(head: bytes) -> str | None:
    "The UTF-16 codec of BOM-less text whose NUL bytes sit all on one side, else None."
    even, odd = head[0::2], head[1::2]
    # ASCII-range text in UTF-16 has a NUL in nearly every high byte; 90% leaves room for
    # a few non-Latin characters and no room for random binary data.
    if odd and odd.count(0) / len(odd) > 0.9 and even.count(0) == 0:
        return "utf-16-le"
    if even and even.count(0) / len(even) > 0.9 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> str:
    """Text from bytes: BOM, then UTF-8, then charset-normalizer; raises Unreadable."""
    text = _decode(data)
    sample = text[:_SNIFF_BYTES]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f" or ch == "\ufffd")
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise Unreadable("binary file")
    return text


def _decode(data: bytes) -> str:
    "Decode by BOM, UTF-16 NUL pattern, UTF-8 (tolerating a cut last character), charset-normalizer."
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    utf16 = _utf16_without_bom(data[:_SNIFF_BYTES]) if b"\x00" in data[:_SNIFF_BYTES] else None
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason.startswith("unexpected end"):
            return data[: exc.start].decode("utf-8")  # the read limit cut a character in two
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    "Guess a legacy encoding; prefer cp1252 when it is among the plausible ones."
    from charset_normalizer import from_bytes

    matches = from_bytes(data[: 256 * 1024])
    best = matches.best()
    if best is None:
        raise Unreadable("binary file")
    # On short Western texts charset-normalizer often ties cp1252 with cp1250/mac_roman and
    # the like; cp1252 is by far the most common legacy encoding of English news.
    candidates = {m.encoding for m in matches}
    encoding = "cp1252" if "cp1252" in candidates and best.encoding != "cp1252" and _cp1252_ok(data) else best.encoding
    logger.debug("decoded as %s", encoding)
    return data.decode(encoding, errors="replace")


def _cp1252_ok(data: bytes) -> bool:
    "Whether the bytes decode as cp1252 without undefined code points."
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True
