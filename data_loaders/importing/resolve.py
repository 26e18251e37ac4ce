"""Resolves town and village names or codes, as people write them, to the store's division codes."""

from __future__ import annotations

import pandas as pd

from data_loaders.importing.spec import (
    TOWN_SUFFIX_SPELLINGS,
    VILLAGE_SUFFIX_SPELLINGS,
    normalise_value,
)
from paicha.text import joined, t
from paicha.vocab import DivisionKind

VILLAGE_SUFFIXES = VILLAGE_SUFFIX_SPELLINGS
TOWN_SUFFIXES = TOWN_SUFFIX_SPELLINGS


class ResolveError(ValueError):
    """A name or code that matches no division, or the wrong one; ``args[0]`` is the message."""


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def village_keys(name: str, kind: str) -> set[str]:
    """Every way a village's name is commonly shortened: 太平沟村民委员会 → 太平沟村, 太平沟."""
    full = normalise_value(name)
    base = _strip(full, VILLAGE_SUFFIXES)
    keys = {full, base}
    # 村 and 社区 are the division kinds' own names.
    for tail in (DivisionKind.village.label, DivisionKind.community.label):
        if base.endswith(tail) and len(base) > len(tail):
            keys.add(base[: -len(tail)])
    keys.add(base + (DivisionKind.village if kind == "village" else DivisionKind.community).label)
    return keys


class Divisions:
    """Lookup over the store's divisions frame (town_code, town_name, village_code, village_name, kind)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.town_names: dict[str, str] = dict(zip(frame["town_code"], frame["town_name"], strict=True))
        self.village_names: dict[str, str] = dict(zip(frame["village_code"], frame["village_name"], strict=True))
        self.village_town: dict[str, str] = dict(zip(frame["village_code"], frame["town_code"], strict=True))
        self._towns: dict[str, str] = {}
        for code, name in self.town_names.items():
            for key in (code, code[:9], normalise_value(name), _strip(normalise_value(name), TOWN_SUFFIXES)):
                self._towns.setdefault(key, code)
        # town_code -> name key -> village codes; a key with two codes is ambiguous in that town
        self._villages: dict[str, dict[str, set[str]]] = {}
        for row in frame.itertuples(index=False):
            keys = self._villages.setdefault(row.town_code, {})
            for key in village_keys(row.village_name, row.kind):
                keys.setdefault(key, set()).add(row.village_code)

    def town(self, text: str) -> str:
        code = self._towns.get(normalise_value(text))
        if code is None:
            raise ResolveError(t("import.error.unknown_town", value=text,
                                 allowed=joined(self.town_names.values())))
        return code

    def _match(self, town_code: str, key: str) -> set[str]:
        villages = self._villages.get(town_code, {})
        return villages.get(key) or villages.get(_strip(key, VILLAGE_SUFFIXES)) or set()

    def village(self, town_code: str, text: str) -> str:
        """The village code for a name or 12-digit code, which must lie in ``town_code``."""
        key = normalise_value(text)
        town = self.town_names[town_code]
        if key in self.village_town:
            found = {key}
        else:
            found = self._match(town_code, key)
            if len(found) > 1:
                raise ResolveError(t("import.error.ambiguous_village", value=text, town=town,
                                     candidates=joined(self.village_names[c] for c in sorted(found))))
            if not found:
                found = set().union(*(self._match(v, key) for v in self._villages))
        if not found:
            raise ResolveError(t("import.error.unknown_village", value=text))
        if len(found) == 1:
            code = next(iter(found))
            if self.village_town[code] == town_code:
                return code
            other = self.village_town[code]
            raise ResolveError(t("import.error.village_of_other_town", value=text, town=town,
                                 other_town=self.town_names[other]))
        others = sorted({self.town_names[self.village_town[c]] for c in found})
        raise ResolveError(t("import.error.village_of_other_town", value=text, town=town,
                             other_town=joined(others)))

    def village_anywhere(self, text: str) -> str:
        """A village by code or by a name unique in the district (hazard layers carry no town)."""
        key = normalise_value(text)
        if key in self.village_town:
            return key
        found = set().union(*(self._match(v, key) for v in self._villages))
        if len(found) == 1:
            return next(iter(found))
        if not found:
            raise ResolveError(t("import.error.unknown_village", value=text))
        raise ResolveError(t("import.error.ambiguous_village", value=text, town=t("import.term.whole_district"),
                             candidates=joined(self.village_names[c] for c in sorted(found))))
