"""Who may do what: roles, their permissions, the password rule, and the scope a user queries under."""

from __future__ import annotations

from dataclasses import dataclass, field

from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import Permission, Role

# The work plan's 保密纪律 made explicit: only administrators see full ID numbers and phones,
# manage accounts and read the audit log; leaders and supervisors read and export masked rows;
# checkers draw samples and record results in their scope.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.leader: frozenset({Permission.export}),
    Role.supervisor: frozenset({Permission.export}),
    Role.checker: frozenset({Permission.sample, Permission.export}),
}

# Roles whose scope is the whole district whatever the account says, and roles that must name a town.
DISTRICT_ROLES = frozenset({Role.admin, Role.leader})
TOWN_ROLES = frozenset({Role.supervisor})


@dataclass(frozen=True)
class User:
    """A signed-in person: one scope (district when ``town_code`` is empty) and permissions.

    ``id`` is the login name; the audit log records it.
    """

    id: str
    name: str
    town_code: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    role: Role | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @classmethod
    def of_role(cls, username: str, display_name: str, role: Role, town_code: str = "") -> User:
        return cls(username, display_name, town_code or "", ROLE_PERMISSIONS[role], role)


def scope_for(user: User | None, district_code: str) -> Scope:
    """District-wide for district users, their town for town users, nothing when signed out."""
    if user is None:
        return Scope.empty()
    if user.town_code:
        return Scope.town(district_code, user.town_code)
    return Scope.district(district_code)


def account_problems(username: str, role: Role, town_code: str | None) -> list[str]:
    """Why an account cannot exist as described (empty when it can)."""
    problems = []
    if not username or not username.isascii() or not username.replace("-", "").replace("_", "").isalnum():
        problems.append(t("errors.access.username"))
    if role in TOWN_ROLES and not town_code:
        problems.append(t("errors.access.town_required", role=role.label))
    if role in DISTRICT_ROLES and town_code:
        problems.append(t("errors.access.district_role", role=role.label))
    return problems


def password_problems(username: str, password: str, min_length: int) -> list[str]:
    """The password rule: long enough, and not the user name (in any case, either way round)."""
    problems = []
    if len(password) < min_length:
        problems.append(t("errors.access.password_short", n=min_length))
    if username and username.lower() in password.lower():
        problems.append(t("errors.access.password_username"))
    return problems
