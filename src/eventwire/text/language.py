"""A cheap, dependency-free language guess for news text: script first, then function words.

    detect_language("Russian troops shelled Kharkiv on Monday ...") -> "en"
    detect_language("El gobierno anunció ...") -> "es"      # "und" when unsure
    detect_language(text, stopwords={"xx": frozenset(...)})  # a registered language's own words

Used by ``clean`` to route each document to its language's coder, and to reject one in a language
no registered coder reads with the reason ``language: xx``. Short texts (under 20 words) are
judged too: English unless another language's function words clearly outnumber English ones.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Language: below this share of English function words (over at least _LANG_MIN_WORDS
# words) a text is not English. Measured on the shared corpora (wikinews, insightcrime,
# muc4, the AEB pages): English texts score 0.30-0.55 (lowest seen ~0.2 on list-like pages);
# Spanish/French/German/Portuguese/Italian news paragraphs score 0.00-0.06, mostly from
# shared words like "a", "in", "no". 0.08 sits between with a wide margin on both sides.
_EN_MIN_SHARE = 0.08
_LANG_MIN_WORDS = 20
# Another language's own stopword share must reach this to be named; else "und".
_OTHER_MIN_SHARE = 0.10

_EN = set("""
a about above after again against all also although am among an and another any are around as at
be because been before being below between both but by can cannot could did do does doing down
during each either even ever every few for from further had has have having he her here hers
herself him himself his how however i if in into is it its itself just last least less many may
me might more most much must my myself neither no nor not now of off often on once one only or
other our ours ourselves out over own per rather same several shall she should since so some still
such than that the their theirs them themselves then there these they this those though through
thus to too toward under until up upon us very was we were what when where whether which while who
whom whose why will with within without would yet you your yours yourself
""".split())
_OTHER = {
    "es": set("el la los las de del y en que por con para una un es se su sus al lo como más pero "
              "fue ha este esta entre sobre también sin desde hasta donde cuando muy le ya son".split()),
    "fr": set("le la les de des du et en un une est que qui dans pour par sur pas au aux avec ce cette "
              "il elle ils sont été plus ont mais ou se ses leur nous vous comme être".split()),
    "de": set("der die das den dem des und ist nicht ein eine einen mit von zu auf für sich im auch "
              "es sie er wir bei aus nach wird werden wurde hat haben oder aber wie dass".split()),
    "pt": set("o os a as de do da dos das e em no na nos nas que para com um uma por se não mais foi "
              "ao à pelo pela seu sua são também como mas ele ela".split()),
    "it": set("il lo la gli le di del della dei delle e è un una che per con non si da nel nella sono "
              "ha anche come ma più al alla questo questa essere".split()),
    "id": set("yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena ada atau "
              "saya kita mereka sudah bisa oleh sebagai lebih jika".split()),
    "nl": set("de het een en van in is dat op te zijn met voor niet aan er die ook als bij door maar "
              "om nog wordt werd heeft hebben naar deze".split()),
}
_SCRIPTS = (
    ("ru", lambda ch: "\u0400" <= ch <= "\u04ff"),
    ("ar", lambda ch: "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"),
    ("he", lambda ch: "\u0590" <= ch <= "\u05ff"),
    ("el", lambda ch: "\u0370" <= ch <= "\u03ff"),
    ("hi", lambda ch: "\u0900" <= ch <= "\u097f"),
    ("th", lambda ch: "\u0e00" <= ch <= "\u0e7f"),
    ("ko", lambda ch: "\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff"),
    ("ja", lambda ch: "\u3040" <= ch <= "\u30ff"),
    ("zh", lambda ch: "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"),
)


# Short texts: another language is named when it has at least this many function words and
# more than twice as many as English ("Le gouvernement a annoncé des sanctions" -> fr).
_SHORT_MIN_HITS = 2
_SHORT_ALONE_WORDS = 5  # ... or one, in a text of this many words with no English function word
_SHARED = frozenset({"a", "no", "me", "us"})  # English function words that are words of other languages too


def detect_language(text: str, *, stopwords: dict[str, frozenset[str]] | None = None) -> str:
    """A cheap language guess: script first, then shares of function words; "en" when unsure.

    ``stopwords`` adds (or replaces) the function words of registered languages."""
    sample = text[:20_000]
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return "und"
    script = _script_language(letters)
    if script:
        return script
    words = [w.lower() for w in _WORD.findall(sample)]
    others = {**_OTHER, **(stopwords or {})}
    if len(words) < _LANG_MIN_WORDS:
        return _short_language(words, others)
    en_share = sum(1 for w in words if w in _EN) / len(words)
    # another language's own words (not English ones: "a", "no", "in" are Spanish or Dutch too)
    own = {lang: sum(1 for w in words if w in stop and w not in _EN) / len(words) for lang, stop in others.items()}
    rival = max(sorted(own), key=own.get)
    if en_share >= _EN_MIN_SHARE and own[rival] < en_share - _shared_share(words):
        return "en"
    shares = {lang: sum(1 for w in words if w in stop) / len(words) for lang, stop in others.items()}
    best = max(sorted(shares), key=shares.get)
    return best if shares[best] >= _OTHER_MIN_SHARE else ("en" if en_share >= _EN_MIN_SHARE else "und")


def _shared_share(words: list[str]) -> float:
    "The share of words that are English function words and words of other languages too ('a', 'no')."
    return sum(1 for w in words if w in _SHARED) / len(words)


def _short_language(words: list[str], others: dict[str, frozenset[str]]) -> str:
    "The language of a text too short for shares: English unless another's words clearly outnumber it."
    # words of another language that are not English words too ("in", "is" are Dutch as well)
    hits = {lang: sum(1 for w in words if w in stop and w not in _EN) for lang, stop in others.items()}
    best = max(sorted(hits), key=hits.get)
    # English words that are not also that language's ("a" is French and Spanish too)
    english = sum(1 for w in words if w in _EN and w not in others[best] and w not in _SHARED)
    if hits[best] >= _SHORT_MIN_HITS and hits[best] > 2 * english:
        return best
    if hits[best] == 1 and english == 0 and len(words) >= _SHORT_ALONE_WORDS:
        return best  # "ORGANIZAN PROTESTA GREMIAL CONTRA PLAN ECONOMICO": no English word at all
    return "en"


def _script_language(letters: list[str]) -> str | None:
    "The language of a non-Latin script that writes most of the letters, if any."
    if not letters or max(letters) < "\u0370":  # no letter of another script (the common case): every count is 0
        return None
    counts = {lang: sum(1 for ch in letters if test(ch)) for lang, test in _SCRIPTS}
    if counts["ja"] and counts["ja"] + counts["zh"] > len(letters) / 2:
        return "ja"
    lang = max(counts, key=counts.get)
    return lang if counts[lang] > len(letters) / 2 else None
