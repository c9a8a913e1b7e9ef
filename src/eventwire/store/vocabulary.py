"""What an analyst's correction is checked against, and the checking: PLOVER types and modes,
actor codes and sectors, dates, places and review statuses.

INTERFACE:

    vocab = Vocabulary(modes={type: (mode, ...)}, derived={(type, mode): (quad, cameo, score)},
                       codes=frozenset, sectors=frozenset)   # run.vocabulary.load_vocabulary builds one
    changes = vocab.check(body, current, reverts=(), coded=None)
                                             # field -> value, ready for ``Store.add_correction``;
                                             # InvalidCorrection (one line: the field, the value, what
                                             # is allowed) for a bad value
    STATUSES                                 ("confirmed", "rejected")

``body`` holds the fields an analyst sent (``corrections.FIELDS`` less the derived ones);
``current`` is the event as listed now. A new type or mode brings its quad class, CAMEO code and
score (``derived``); a new type whose modes do not include the event's mode clears the mode;
``reverts`` and ``coded`` (the event as the coder made it) say what a revert of the type or mode gives.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import InputError

STATUSES = ("confirmed", "rejected")
PRECISIONS = ("day", "week", "month", "year")
_PAIR = {"event_type", "mode"}  # checked together: a mode belongs to a type


class InvalidCorrection(InputError):
    """A correction names a value outside the ontology or the code lists."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """PLOVER types with their modes, what a type and mode imply, actor codes and sectors."""

    modes: Mapping[str, tuple[str, ...]]
    derived: Mapping[tuple[str, str | None], tuple[int, str, float]]
    codes: frozenset[str]
    sectors: frozenset[str]

    def check(self, body: Mapping[str, object], current: Mapping[str, object], *, reverts: Sequence[str] = (),
              coded: Mapping[str, object] | None = None) -> dict:
        """The checked changes of a correction body; InvalidCorrection for the first bad value.

        The type and mode are checked together, and only when the body changes or reverts one of
        them (``reverts``: fields back to the ``coded`` values, the event as the coder made it), so
        a status or a note never fails on them. A pair other than the coder's brings its quad class,
        CAMEO code and score; a revert to the coder's pair lets them revert too."""
        changes = {field: self._value(field, value) for field, value in body.items()}
        if not _PAIR & (set(changes) | set(reverts)):
            return changes
        coded = current if coded is None else coded

        def after(field: str) -> object:
            "The field's value once this correction is applied."
            if field in changes:
                return changes[field]
            return coded.get(field) if field in reverts else current.get(field)

        event_type, mode = after("event_type"), after("mode")
        allowed = self.modes.get(event_type, ())
        if "event_type" in changes and "mode" not in changes and "mode" not in reverts \
                and mode is not None and mode not in allowed:
            changes["mode"] = mode = None
        if mode is not None and mode not in allowed:
            raise InvalidCorrection(f"mode {mode!r} is not a mode of {event_type}: allowed "
                                    f"{', '.join(allowed) or 'none'} (or null)")
        coder_pair = (coded.get("event_type"), coded.get("mode"))
        if (_PAIR & set(changes) or (event_type, mode) != coder_pair) and (event_type, mode) in self.derived:
            quad, cameo, score = self.derived[(event_type, mode)]
            changes.update(quad_class=quad, cameo=cameo, score=score)
        return changes

    def _value(self, field: str, value: object) -> object:
        "One field's value, normalised; InvalidCorrection saying what is allowed."
        if field == "event_type":
            name = str(value or "").upper()
            if name not in self.modes:
                raise InvalidCorrection(f"event_type {value!r} is not a PLOVER type: allowed {', '.join(self.modes)}")
            return name
        if value is None:
            return None
        if field.endswith("_code") or field == "country":
            code = str(value).upper()
            if code not in self.codes:
                raise InvalidCorrection(f"{field} {value!r} is not a known actor code: an ISO 3166 alpha-3 country "
                                        "code or an organisation code of the actor dictionary (USA, PSE, UNO, IGO, ...)")
            return code
        if field.endswith("_sector"):
            sector = str(value).upper()
            if sector not in self.sectors:
                raise InvalidCorrection(f"{field} {value!r} is not a sector: allowed {', '.join(sorted(self.sectors))}")
            return sector
        return _plain(field, value)


def _plain(field: str, value: object) -> object:
    "A date, precision, status, coordinate or name, checked; InvalidCorrection otherwise."
    if field == "date":
        try:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidCorrection(f"date {value!r} is not an ISO date (YYYY-MM-DD)") from None
    allowed = {"date_precision": PRECISIONS, "status": STATUSES}.get(field)
    if allowed and value not in allowed:
        raise InvalidCorrection(f"{field} {value!r} is not allowed: one of {', '.join(allowed)}")
    if field in ("lat", "lon"):
        limit = 90 if field == "lat" else 180
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or abs(value) > limit:
            raise InvalidCorrection(f"{field} {value!r} is not a number within -{limit}..{limit}")
        return float(value)
    if isinstance(value, str):
        value = value.strip()
        if not value or len(value) > 300:
            raise InvalidCorrection(f"{field} must be 1 to 300 characters, or null")
        if any(c in value for c in "\t\r\n"):
            raise InvalidCorrection(f"{field} must be one line without tabs")
    return value


__all__ = ["PRECISIONS", "STATUSES", "InvalidCorrection", "Vocabulary"]
