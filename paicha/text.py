"""Looks up text in the Chinese catalogue by dotted key: pages, CLI, messages and domain sentences alike."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

# Package data of the domain package, the one every layer may read: the command line and the
# I/O layer's messages can come from the same catalogue as the pages.
CATALOGUE = resources.files("paicha").joinpath("locales", "zh.toml")


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, str]:
    raw = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            full = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(full, value)
            else:
                flat[full] = value

    walk("", raw)
    return flat


def t(key: str, /, **values: object) -> str:
    """The text for ``key``, formatted with ``values``; a missing key fails loudly in tests."""
    text = _catalogue()[key]
    return text.format(**values) if values else text


def options(key: str) -> list[str]:
    """A list kept in the catalogue (the choices of a selectbox)."""
    value = _catalogue()[key]
    if not isinstance(value, list):
        raise TypeError(f"{key} is not a list")
    return list(value)


def has(key: str) -> bool:
    return key in _catalogue()


def joined(items: Iterable[object]) -> str:
    """Items listed the way the catalogue's language lists them ("甲、乙、丙")."""
    return t("text.list_separator").join(str(item) for item in items)
