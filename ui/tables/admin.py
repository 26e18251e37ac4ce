"""Display frames of the administrators' pages: accounts and the audit log."""

from __future__ import annotations

import pandas as pd

from paicha.scope import Scope
from paicha.vocab import Role
from ui.tables.formats import when_text
from ui.text import has, t


def audit_action_label(action: str) -> str:
    key = f"audit_action.{action}"
    return t(key) if has(key) else action


def users_table(users: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """Accounts with Chinese headers; the state says disabled or locked, never the password hash."""
    now = pd.Timestamp.now()

    def state(row: pd.Series) -> str:
        if row["disabled"]:
            return t("users.state_disabled")
        if pd.notna(row["locked_until"]) and row["locked_until"] > now:
            return t("users.state_locked", until=row["locked_until"].strftime("%m-%d %H:%M"))
        return t("users.state_active")

    return pd.DataFrame({
        t("users.username"): users["username"].to_numpy(),
        t("users.display_name"): users["display_name"].to_numpy(),
        t("users.role"): [Role(r).label for r in users["role"]],
        t("users.town"): [town_names.get(c, c) if isinstance(c, str) and c else t("users.town_none")
                          for c in users["town_code"]],
        t("users.state"): [state(r) for _, r in users.iterrows()] if len(users) else [],
        t("users.last_sign_in"): [when_text(v) for v in users["last_sign_in_at"]],
        t("users.created_at"): [when_text(v) for v in users["created_at"]],
    })


def scope_name(key: str, town_names: dict[str, str]) -> str:
    """"全区", a town's name, or "-" for a stored scope key."""
    scope = Scope.from_key(key)
    if scope.town_code:
        return town_names.get(scope.town_code, scope.town_code)
    return t("users.town_none") if scope.is_district else "-"


def audit_table(entries: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """Audit lines with Chinese headers and action names; details stay the JSON that was written."""
    return pd.DataFrame({
        t("audit.when"): [pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S") for v in entries["logged_at"]],
        t("audit.user"): entries["user_name"].to_numpy(),
        t("audit.action"): [audit_action_label(a) for a in entries["action"]],
        t("audit.scope"): [scope_name(k, town_names) for k in entries["scope"]],
        t("audit.rows"): ["" if pd.isna(n) else f"{int(n):,}" for n in entries["row_count"]],
        t("audit.masked"): ["" if pd.isna(m) else t("audit.masked_yes" if m else "audit.masked_no")
                            for m in entries["masked"]],
        t("audit.sha256"): ["" if not isinstance(h, str) else h for h in entries["file_sha256"]],
        t("audit.detail"): ["" if not isinstance(d, str) else d for d in entries["detail"]],
    })
