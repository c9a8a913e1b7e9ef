"""Government bodies: which head nouns name a body of the state, and bodies named without their country.

INTERFACE (called by ``actors.ActorDictionary`` when it is built):

    body_sectors(agents) -> {noun: sector}          # "department" -> GOV, "parliament" -> LEG
    bare_body_names(names, countries) -> {words: entry}   # ("treasury", "department") -> the US Treasury

The nouns are a fixed list of what government bodies are called (``GOVERNMENT_BODIES``); their
sector comes from the Phoenix agents dictionary, never from the list: the noun's own row
("ministry" GOV, "parliament" LEG) or, when it has none, the phrases it heads there
("department of defense", "commerce department" ...) when they agree on one state sector. A
noun the dictionary does not support ("presidency", which Phoenix lacks; "council", whose
phrases are GOV, LEG and JUD) gets no sector from this rule.

A body is coded with the country of its phrase ("the Colombian army", "Iran's parliament",
"the foreign ministry of Iran": ``actors._resolve_phrase``). Named without one, it is coded as
the one country whose body of that name the organisation dictionary holds, written without the
country word ("Treasury Department" <- "US Treasury Department", "Justice Department" <-
"US Department of Justice"), for executive departments and ministries only; otherwise its
country is left to the event's place, then the document's dominant country (``parties.fill_countries``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

__all__ = ["GOVERNMENT_BODIES", "bare_body_names", "body_sectors", "phrase_head"]

# What government bodies are called in English news (the list, plus the other bodies of
# state); each takes its sector from the Phoenix agents dictionary (body_sectors).
GOVERNMENT_BODIES = ("ministry", "department", "cabinet", "parliament", "government", "administration",
                     "presidency", "commission", "committee", "secretariat", "council", "bureau", "agency",
                     "legislature", "senate", "congress", "assembly", "judiciary", "court", "junta", "regime",
                     "authorities", "directorate", "office")
# Bodies whose unprefixed names ("Treasury Department") may take the one country the dictionary has
# them for: executive departments and ministries (committees and courts are too often another country's).
_EXECUTIVE_BODIES = frozenset({"ministry", "department"})
_STATE_SECTORS = frozenset({"GOV", "LEG", "JUD", "MIL", "COP", "SPY"})
MIN_HEADED_PHRASES = 4  # a noun without its own row needs this many dictionary phrases it heads ...
MIN_AGREEMENT = 0.9  # ... this share of them in one state sector ("department": 33 of 34 GOV)
_LINKS = ("of", "for")


def phrase_head(words: tuple[str, ...]) -> str:
    "The head word of a dictionary phrase: before its first 'of'/'for', else the last ('ministry of defence')."
    for i, word in enumerate(words[1:], 1):
        if word in _LINKS:
            return words[i - 1]
    return words[-1]


def body_sectors(agents: Mapping[tuple[str, ...], str]) -> dict[str, str]:
    "The sector of each government-body noun, from the agents dictionary (see the module docstring)."
    headed: dict[str, Counter] = {}
    for words, sector in agents.items():
        if len(words) > 1:
            headed.setdefault(phrase_head(words), Counter())[sector] += 1
    out = {}
    for noun in GOVERNMENT_BODIES:
        own = agents.get((noun,))
        if own:
            out[noun] = own
            continue
        counts = headed.get(noun)
        if not counts:
            continue
        sector, n = counts.most_common(1)[0]
        total = sum(counts.values())
        if total >= MIN_HEADED_PHRASES and n >= MIN_AGREEMENT * total and sector in _STATE_SECTORS:
            out[noun] = sector
    return out


def _unprefixed(words: tuple[str, ...], prefixes: set[tuple[str, ...]]) -> tuple[str, ...] | None:
    "The words after a leading country name or adjective ('us treasury department' -> 'treasury department')."
    for n in (3, 2, 1):
        if len(words) > n + 1 and words[:n] in prefixes:
            return words[n:]
    return None


def _variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    "A body's name and its other English order ('department of justice' <-> 'justice department')."
    out = [words]
    head = phrase_head(words)
    if len(words) >= 3 and words[0] == head and words[1] in _LINKS:
        rest = words[2:][1:] if words[2] == "the" else words[2:]
        if rest:
            out.append((*rest, head))
    return out


def bare_body_names(names: Mapping[tuple[str, ...], object], countries: Mapping[tuple[str, ...], str]) -> dict:
    """Executive bodies named without their country, when the organisation dictionary holds that body
    for one country only: {words: entry}. ``names``: alias words -> entries (with .kind, .code,
    .sector); ``countries``: country alias words -> code. Names already in ``names`` are left out."""
    prefixes: dict[str, set[tuple[str, ...]]] = {}
    for words, code in countries.items():
        prefixes.setdefault(code, set()).add(words)
    found: dict[tuple[str, ...], list] = {}
    for words, entry in names.items():
        if getattr(entry, "kind", None) != "organisation" or getattr(entry, "sector", None) != "GOV":
            continue
        rest = _unprefixed(words, prefixes.get(entry.code, set()))
        if rest is None or phrase_head(rest) not in _EXECUTIVE_BODIES:
            continue
        for variant in _variants(rest):
            found.setdefault(variant, []).append(entry)
    out = {}
    for words, entries in found.items():
        if words not in names and len({e.code for e in entries}) == 1:
            out[words] = min(entries, key=lambda e: e.name)
    return out
