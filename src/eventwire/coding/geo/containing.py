"""The containing-place rule "X, Y": a place followed by the division or country that holds it.

INTERFACE:

    container = container_after(doc, comma, hi, gazetteer) -> Container | None   # "Ill.", "OR", "Texas", "Mexico"
    kept, holder = inside(gazetteer, hits, container)   # X's candidates in the container, and which place holds them
    kept, holder = pair_hits(gazetteer, hits, container, known_only=False)  # or ((), None): a list ("Alabama, Arkansas")
    found = apply_containers(doc, found, gazetteer, hi) # toponyms with each pair's X narrowed and its Y resolved

"Springfield, Ill." is the Springfield of Illinois, "Portland, Ore." Oregon's, "Paris, Texas" the Texan
one. Y is a first-level division by name, by written abbreviation or postal code
(data/gazetteer/admin1_abbreviations.tsv), or a country. When some candidate of X lies in Y, X keeps
only those candidates and Y is resolved to the container itself (the state, not the Georgia of the
Caucasus after "Atlanta,"); Y stays a place mention of its own, as the place annotations mark it. A
list of divisions or countries ("Alabama, Arkansas, California") is no pair, nor a country before its
own division ("Mexico, Guerrero"), nor a Y that goes on ("Guatemala, Guatemala City") or that a
list goes on from ("Ciudad Juarez, Chihuahua, Durango"). A candidate lies in a
division when its admin1 is the division's; where the gazetteer gives a city no admin1 (outside the
United States) one in the division's country counts, after those known to lie in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span

from .gazetteer import Entry, Gazetteer, normalize_name

ABBREVIATIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "gazetteer" / "admin1_abbreviations.tsv"
MAX_CONTAINER = 4  # "Newfoundland and Labrador", "Veracruz de Ignacio ..." start with the longest known
_CONTAINER_KINDS = ("admin1", "country")


@dataclass(frozen=True, slots=True)
class Container:
    """The tokens [start, end) of Y in "X, Y" and the gazetteer entries (divisions, countries) Y may name."""

    start: int
    end: int
    entries: tuple[int, ...]
    written: bool = False  # an abbreviation or postal code ("Ill.", "OR"), never a list's item


@lru_cache(maxsize=1)
def _abbreviations(path: Path = ABBREVIATIONS_FILE) -> dict[str, tuple[tuple[str, str], ...]]:
    "abbreviation -> ((country ISO3, admin1 name), ...) from the data file."
    table: dict[str, list[tuple[str, str]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#") or line.startswith("abbreviation\t"):
                continue
            abbreviation, country, admin1 = line.rstrip("\n").split("\t")[:3]
            table.setdefault(abbreviation, []).append((country, admin1))
    return {k: tuple(v) for k, v in table.items()}


def _division(gazetteer: Gazetteer, country: str, admin1: str) -> tuple[int, ...]:
    "The gazetteer entries of one first-level division."
    return tuple(i for i, _ in gazetteer.lookup_normalized(normalize_name(admin1))
                 if gazetteer.entries[i].precision == "admin1" and gazetteer.entries[i].country == country
                 and gazetteer.entries[i].admin1 == admin1)


def container_after(doc: Doc, comma: int, hi: int, gazetteer: Gazetteer) -> Container | None:
    "The division or country named right after the comma at token ``comma``, or None."
    k = comma + 1
    if k >= hi or not doc[k].text[:1].isupper():
        return None
    written = _written_abbreviation(doc, k, hi)
    if written is not None:
        end, rows = written
        entries = tuple(i for country, admin1 in rows for i in _division(gazetteer, country, admin1))
        if entries:
            return Container(k, end, entries, written=True)
    for n in range(min(MAX_CONTAINER, hi - k), 0, -1):
        if not doc[k + n - 1].text[:1].isupper():
            continue
        hits = gazetteer.lookup_normalized(normalize_name(doc[k: k + n].text))
        entries = tuple(i for i, _ in hits if gazetteer.entries[i].precision in _CONTAINER_KINDS)
        if entries and not _name_goes_on(doc, k + n, hi):
            return Container(k, k + n, entries)
    return None


def _name_goes_on(doc: Doc, end: int, hi: int) -> bool:
    "A capitalized word after Y makes it part of a longer name ('Guatemala City', 'Florida State University')."
    return end < hi and doc[end].text[:1].isupper() and doc[end].text.isalpha()


def _written_abbreviation(doc: Doc, k: int, hi: int) -> tuple[int, tuple] | None:
    """The longest abbreviation in the characters from token k to the next space ("Ill." whether the
    tokenizer keeps its period or not, "N.Y.", "OR"), as (end token, its divisions)."""
    table = _abbreviations()
    text, best = "", None
    for j in range(k, min(hi, k + 4)):
        tok = doc[j]
        text += tok.text
        rows = table.get(text)
        if rows:
            best = (j + 1, rows)
        if tok.whitespace_:
            break
    return best


def _lies_in(entry: Entry, holder: Entry) -> int:
    "2: the entry lies in the holder; 1: in its country, province unknown; 0: not in it."
    if entry.country != holder.country or entry.precision == "country":
        return 0
    if holder.precision == "country" or entry.admin1 == holder.admin1:
        return 2
    return 1 if entry.admin1 is None else 0


def inside(gazetteer: Gazetteer, hits, container: Container) -> tuple[tuple, int | None]:
    """X's candidates that lie in the container, and the container entry holding them: of the places
    Y may name, the one holding a candidate known to lie in it, else one in its country."""
    best: tuple[int, tuple, int | None] = (0, (), None)
    for c in container.entries:
        holder = gazetteer.entries[c]
        levels = [(h, _lies_in(gazetteer.entries[h[0]], holder)) for h in hits if h[0] != c]
        top = max((level for _, level in levels), default=0)
        if top > best[0]:  # a city the gazetteer gives no province stays beside those known to lie in it
            best = (top, tuple(h for h, level in levels if level), c)
    return best[1], best[2]


def pair_hits(gazetteer: Gazetteer, hits, container: Container, *, known_only: bool = False) -> tuple[tuple, int | None]:
    """X's candidates in the container and the container entry, or ((), None) when 'X, Y' is a list or
    X holds Y; ``known_only``: only when some candidate is known to lie in it (not just in its country)."""
    kept, holder = inside(gazetteer, hits, container)
    if not kept or (not container.written and _peer_or_above(gazetteer, hits, holder)):
        return (), None
    if known_only and not any(_lies_in(gazetteer.entries[i], gazetteer.entries[holder]) == 2 for i, _ in kept):
        return (), None
    return kept, holder


def apply_containers(doc: Doc, found: list[tuple[Span, tuple]], gazetteer: Gazetteer,
                     hi: int) -> list[tuple[Span, tuple]]:
    "The toponyms with each 'X, Y' pair's X narrowed to candidates in Y, and Y resolved to that container."
    if not found:
        return found
    by_start = {span.start: n for n, (span, _) in enumerate(found)}
    out, added = list(found), []
    for n, (span, hits) in enumerate(found):
        k = span.end
        if k + 1 >= hi or doc[k].text != ",":
            continue
        container = container_after(doc, k, hi, gazetteer)
        if container is None:
            continue
        kept, holder = pair_hits(gazetteer, hits, container)
        if not kept or (not container.written and _listed_after(doc, container, holder, found, by_start, gazetteer, hi)):
            continue
        out[n] = (span, kept)
        y = by_start.get(container.start)
        if y is not None:
            if any(i == holder for i, _ in out[y][1]):
                out[y] = (out[y][0], ((holder, True),))
        elif not any(s.start < container.end and container.start < s.end for s, _ in found):
            added.append((doc[container.start: container.end], ((holder, True),)))
    if added:
        out = sorted(out + added, key=lambda item: item[0].start)
    return out


def _listed_after(doc: Doc, container: Container, holder: int, found: list, by_start: dict, gazetteer: Gazetteer,
                  hi: int) -> bool:
    """Y is followed by ', Z' or 'and Z' with Z a place that does not hold it: a list of places
    ("Ciudad Juarez, Chihuahua, Durango"), not a chain ("Kamloops, British Columbia, Canada")."""
    k = container.end
    while k < hi and doc[k].lower_ in (",", "and", "or"):
        k += 1
    if k == container.end or k not in by_start:
        return False
    held = gazetteer.entries[holder]
    return not any(gazetteer.entries[i].precision == "country" and gazetteer.entries[i].country == held.country
                   for i, _ in found[by_start[k]][1])


def _peer_or_above(gazetteer: Gazetteer, hits, holder: int) -> bool:
    """X names a place of Y's kind in Y's country ("Alabama, Arkansas", "France, Mexico": a list) or Y's country
    ("Mexico, Guerrero"): no pair. Y written as an abbreviation is never a list ("Washington, D.C.")."""
    held = gazetteer.entries[holder]
    for i, _ in hits:
        entry = gazetteer.entries[i]
        if i != holder and entry.country == held.country and entry.precision in (held.precision, "country"):
            return True
    return False
