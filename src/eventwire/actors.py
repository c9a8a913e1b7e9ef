"""Actors: dictionaries kept as data (data/actors/), and resolution of noun phrases.

INTERFACE (owned by the actors work; events.py and pipeline.py call exactly this):

    dictionary = ActorDictionary.load(settings.data_path)      # once per process
    actor = resolve_actor(token, dictionary, when=date)          # token = head of a noun phrase
    mentions = find_actor_mentions(span, dictionary, when=date)  # every actor in a sentence

``resolve_actor`` looks at the noun phrase headed by ``token`` (compounds, amod, poss,
appositions, "of the US" prepositional modifiers, the entity the token sits in) and
returns an ``Actor`` (text = the phrase as written, with start/end char offsets relative
to ``token.doc``), or None when nothing in the phrase is a known actor or agent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from spacy.tokens import Span, Token

from .records import Actor


class ActorDictionary:
    @classmethod
    def load(cls, data_dir: Path) -> "ActorDictionary":
        raise NotImplementedError


def resolve_actor(token: Token, dictionary: ActorDictionary, *, when: dt.date | None = None) -> Actor | None:
    raise NotImplementedError


def find_actor_mentions(span: Span, dictionary: ActorDictionary, *, when: dt.date | None = None) -> list[Actor]:
    raise NotImplementedError
