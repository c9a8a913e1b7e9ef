"""Countries for parties known only by their role ('security forces', 'activists'), as ACLED codes them.

INTERFACE:

    fill_countries(actor: Actor, recipient: Actor | None, *, event_type: str, place: Place | None,
                   context: DocContext, sentence_country=None) -> tuple[Actor, Actor | None]

In order: the event's place; for domestic event types, the other party's country; the one
country of the sentence's places (outside its actors' phrases); the document's dominant country. Protests, repression and concessions with no named target get
the government of the country where they happen as recipient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..records import Actor, Place
from .geo import DocContext

# Event types that mostly happen inside one country: a role-only party ("activists",
# "protesters", "police") of such an event shares the country of the other party.
_DOMESTIC_TYPES = frozenset({"COERCE", "PROTEST"})


_DOMESTIC_SECTORS = frozenset({"OPP", "CVL", "COP", "JUD", "LEG", "CRM", "MED", "REF", "LAB", "EDU", "BUS"})


# A document whose country mentions are at least this share one country is "about" it
# (captions, teasers and short local stories); set by hand on the sample page.
_DOMINANT_SHARE = 0.6


def fill_countries(actor: Actor, recipient: Actor | None, *, event_type: str, place: Place | None,
                   context: DocContext, sentence_country: Callable[[], str | None] | None = None
                   ) -> tuple[Actor, Actor | None]:
    """Countries for parties known only by their role ('security forces', 'activists'), as ACLED codes them.

    In order: the event's place; for domestic event types, the other party's country; the one
    country of the places the sentence names (``sentence_country``, asked only when needed); the
    document's dominant country. A party no step fills keeps its sector and no country.
    """
    dominant = _dominant_country(context)
    asked: list[str | None] = []

    def in_sentence() -> str | None:
        if sentence_country is None:
            return None
        if not asked:
            asked.append(sentence_country())
        return asked[0]

    def fill(party: Actor, other: Actor | None) -> Actor:
        if party.code or not party.sector:
            return party
        if place is not None and place.country:
            return replace(party, code=place.country)
        if (event_type in _DOMESTIC_TYPES and other is not None and other.code
                and party.sector in _DOMESTIC_SECTORS and len(other.code) == 3 and other.code.isalpha()):
            return replace(party, code=other.code)
        if code := in_sentence():
            return replace(party, code=code)
        if dominant:
            return replace(party, code=dominant)
        return party

    new_actor = fill(actor, recipient)
    new_recipient = fill(recipient, new_actor) if recipient is not None else None
    if new_recipient is None and event_type in _IMPLIED_TARGET_TYPES:
        code = place.country if place is not None and place.country else new_actor.code
        if code and len(code) == 3 and code.isalpha() and code.isupper() and code not in _NON_STATE_CODES:
            new_recipient = Actor(text="", name=_country_name(code), code=code, sector="GOV")
    return new_actor, new_recipient


# Protests, repression and concessions with no named target are aimed at the government
# of the country where they happen, as the PLOVER gold standard and GDELT code them.
_IMPLIED_TARGET_TYPES = frozenset({"PROTEST", "COERCE", "CONCEDE"})


_NON_STATE_CODES = frozenset({"IGO", "NGO", "UNO", "IMG", "MNC", "EUR"})


def _country_name(code: str) -> str:
    "A country's short name from its ISO3 code."
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return getattr(country, "common_name", None) or getattr(country, "name", code) if country else code


def _dominant_country(context: DocContext) -> str | None:
    "The country a document is about, when its country mentions mostly name one."
    total = sum(n for _, n in context.countries)
    if not total:
        return None
    code, n = max(context.countries, key=lambda kv: (kv[1], kv[0]))
    return code if n / total >= _DOMINANT_SHARE else None
