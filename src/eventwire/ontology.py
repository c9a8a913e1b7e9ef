"""PLOVER ontology as data: event types, modes, contexts, quad classes, CAMEO codes, scores.

INTERFACE:

    onto = Ontology.load(settings.data_path)
    onto.quad_class("ASSAULT") -> 4
    onto.cameo_for("ASSAULT", "targeted") -> "186"      # closest CAMEO code (string, zero-padded)
    onto.score("ASSAULT", "targeted", cameo="186") -> -9.0  # Goldstein-style, -10..+10
    onto.event_types -> tuple of the 16 PLOVER types
    onto.modes_of("ASSAULT") -> tuple of mode names (PLOVER manual spelling)
    onto.is_context(name) -> bool
"""

from __future__ import annotations

from pathlib import Path


class Ontology:
    @classmethod
    def load(cls, data_dir: Path) -> "Ontology":
        raise NotImplementedError
