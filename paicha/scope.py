"""The one access scope every query takes: the whole district, one town, or nothing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Which households a session may see.

    ``town_code`` None with ``district_code`` set means district-wide. A scope with neither is
    the empty scope: every read through it returns no rows, so a missing login can never fall
    through to "everything".
    """

    district_code: str | None = None
    town_code: str | None = None

    @classmethod
    def district(cls, district_code: str) -> Scope:
        return cls(district_code=district_code)

    @classmethod
    def town(cls, district_code: str, town_code: str) -> Scope:
        return cls(district_code=district_code, town_code=town_code)

    @classmethod
    def empty(cls) -> Scope:
        return cls()

    @property
    def is_empty(self) -> bool:
        return not self.district_code and not self.town_code

    @property
    def is_district(self) -> bool:
        return bool(self.district_code) and not self.town_code

    def key(self) -> str:
        """A stable string for cache keys and the audit log."""
        if self.is_empty:
            return "none"
        return f"town:{self.town_code}" if self.town_code else f"district:{self.district_code}"

    @classmethod
    def from_key(cls, key: str) -> Scope:
        """The scope a :meth:`key` names (the audit log and the session table store keys)."""
        kind, _, code = key.partition(":")
        if kind == "district" and code:
            return cls.district(code)
        if kind == "town" and code:
            return cls.town(code[:6], code)
        return cls.empty()

    def admits_town(self, town_code: str) -> bool:
        if self.is_empty:
            return False
        if self.town_code:
            return town_code == self.town_code
        return town_code.startswith(self.district_code or "\0")
