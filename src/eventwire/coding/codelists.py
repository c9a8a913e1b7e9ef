"""The code lists of the actor data: every actor code, sector and name the dictionaries hold.

INTERFACE:

    lists = CodeLists.load(data_dir, extra_dirs=())    # data_dir/actors/*.tsv, then each user folder's
                                                        # people.tsv, organisations.tsv, countries.tsv, agents.tsv
    lists.codes      frozenset: ISO3 country codes and organisation codes (USA, PSE, UNO, IGO, ...)
    lists.sectors    frozenset: PLOVER sectors (GOV, MIL, REB, ...)
    lists.names      frozenset: every actor name and alias, lower case (agents' nouns too)

Read with the same columns as ``actors.ActorDictionary`` (countries: code, name, aliases;
organisations and people: name, aliases, code, sector; agents: noun, sector). Used to check an
analyst's correction and to find the names a dictionary lacks (``corrections suggest``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# codes of non-state international actors (PLOVER), valid without a country row
GROUP_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"})
_STEMS = ("people", "organisations", "countries", "agents")


@dataclass(frozen=True, slots=True)
class CodeLists:
    """Actor codes, sectors and names of the actor files."""

    codes: frozenset[str]
    sectors: frozenset[str]
    names: frozenset[str]

    @classmethod
    def load(cls, data_dir: str | Path, *, extra_dirs: Sequence[str | Path] = ()) -> CodeLists:
        """The lists of ``data_dir/actors`` plus each folder of ``extra_dirs`` (user dictionaries)."""
        data_dir = Path(data_dir)
        builtin = data_dir / "actors" if (data_dir / "actors").is_dir() else data_dir
        codes, sectors, names = set(GROUP_CODES), set(), set()
        for stem in _STEMS:
            paths = [*sorted(builtin.glob(f"{stem}*.tsv")), *(Path(d) / f"{stem}.tsv" for d in extra_dirs)]
            for path in paths:
                for row in _rows(path):
                    _take(stem, row, codes, sectors, names)
        return cls(frozenset(codes), frozenset(sectors), frozenset(names))


def _take(stem: str, row: list[str], codes: set, sectors: set, names: set) -> None:
    "Add one row's code, sector and names to the sets."
    if stem == "agents":
        if len(row) >= 2 and row[1]:
            names.add(row[0].lower())
            sectors.add(row[1])
        return
    if stem == "countries":
        code, aliases = row[0], [row[1] if len(row) > 1 else "", *(row[2].split("|") if len(row) > 2 else [])]
    else:
        code, aliases = (row[2] if len(row) > 2 else ""), [row[0], *(row[1].split("|") if len(row) > 1 else [])]
        if len(row) > 3 and row[3]:
            sectors.add(row[3])
    if code:
        codes.add(code)
    names.update(a.lower() for a in aliases if a)


def _rows(path: Path) -> Iterator[list[str]]:
    "The rows of a tab-separated data file (none when it is absent), comments and blank lines skipped, cells stripped."
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [cell.strip() for cell in line.split("\t")]


__all__ = ["GROUP_CODES", "CodeLists"]
