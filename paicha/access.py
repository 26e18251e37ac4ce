"""Turns a signed-in user into the one scope their queries run under."""

from __future__ import annotations

from paicha.config import Settings, User
from paicha.scope import Scope


def scope_for(user: User | None, settings: Settings) -> Scope:
    """District-wide for district users, their town for town users, nothing when signed out."""
    if user is None:
        return Scope.empty()
    if user.town_code:
        return Scope.town(settings.district_code, user.town_code)
    return Scope.district(settings.district_code)
