"""The catalogue lookup as the pages import it (the catalogue itself is the domain's: paicha.text)."""

from paicha.text import has, joined, options, t

__all__ = ["has", "joined", "options", "t"]
