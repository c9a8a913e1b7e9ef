"""The vocabulary analysts' corrections are checked against, built from the ontology and the actor data.

INTERFACE:

    vocab = load_vocabulary(settings)    # store.vocabulary.Vocabulary: PLOVER types and modes (with
                                         # their quad class, CAMEO code and score), actor codes, sectors

The actor code lists include the user dictionaries of ``settings.dict_dir`` when one is set.
"""

from __future__ import annotations

from ..coding.codelists import CodeLists
from ..coding.ontology import Ontology
from ..config import Settings
from ..store.vocabulary import Vocabulary


def load_vocabulary(settings: Settings) -> Vocabulary:
    """The Vocabulary of the settings' data: ontology types and modes, actor codes and sectors."""
    onto = Ontology.load(settings.data_path)
    modes = {name: onto.modes_of(name) for name in onto.event_types}
    derived = {}
    for name, names in modes.items():
        for mode in (None, *names):
            cameo = onto.cameo_for(name, mode)
            derived[(name, mode)] = (onto.quad_class(name), cameo, float(onto.score(name, mode, cameo=cameo)))
    lists = CodeLists.load(settings.data_path, extra_dirs=settings.dict_dirs)
    return Vocabulary(modes=modes, derived=derived, codes=lists.codes, sectors=lists.sectors)


__all__ = ["load_vocabulary"]
