"""Resolves town and village names or codes, as people write them, to the store's division codes."""

from __future__ import annotations

import pandas as pd

from data_loaders.importing import messages
from data_loaders.importing.spec import normalise_value

# Longest first: "社区居民委员会" must be stripped before "居民委员会" would leave "…社区".
VILLAGE_SUFFIXES = ("社区居民委员会", "社区居委会", "村民委员会", "居民委员会", "村委会", "居委会")
TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")


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
    for tail in ("村", "社区"):
        if base.endswith(tail) and len(base) > len(tail):
            keys.add(base[: -len(tail)])
    keys.add(base + ("村" if kind == "village" else "社区"))
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
            raise ResolveError(messages.UNKNOWN_TOWN.format(
                value=text, allowed="、".join(self.town_names.values())))
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
                raise ResolveError(messages.AMBIGUOUS_VILLAGE.format(
                    value=text, town=town, candidates="、".join(self.village_names[c] for c in sorted(found))))
            if not found:
                found = set().union(*(self._match(t, key) for t in self._villages))
        if not found:
            raise ResolveError(messages.UNKNOWN_VILLAGE.format(value=text))
        if len(found) == 1:
            code = next(iter(found))
            if self.village_town[code] == town_code:
                return code
            other = self.village_town[code]
            raise ResolveError(messages.VILLAGE_OF_OTHER_TOWN.format(
                value=text, town=town, other_town=self.town_names[other]))
        others = sorted({self.town_names[self.village_town[c]] for c in found})
        raise ResolveError(messages.VILLAGE_OF_OTHER_TOWN.format(
            value=text, town=town, other_town="、".join(others)))

    def village_anywhere(self, text: str) -> str:
        """A village by code or by a name unique in the district (hazard layers carry no town)."""
        key = normalise_value(text)
        if key in self.village_town:
            return key
        found = set().union(*(self._match(t, key) for t in self._villages))
        if len(found) == 1:
            return next(iter(found))
        if not found:
            raise ResolveError(messages.UNKNOWN_VILLAGE.format(value=text))
        raise ResolveError(messages.AMBIGUOUS_VILLAGE.format(
            value=text, town=messages.WHOLE_DISTRICT, candidates="、".join(self.village_names[c] for c in sorted(found))))
