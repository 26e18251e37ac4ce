"""Looks up UI text in the Chinese catalogue by dotted key, so no page spells out a label."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locales" / "zh.toml"


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, str]:
    with open(CATALOGUE, "rb") as fh:
        raw = tomllib.load(fh)
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


def t(key: str, **values: object) -> str:
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
