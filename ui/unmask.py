"""Unmasking ID numbers and phones: a permission, a stated purpose, and an audit line per view."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import streamlit as st

from data_loaders.store import StoreError
from paicha.vocab import Permission
from ui import cache, errors, keys
from ui.safe import escape as safe_text
from ui.session import Session
from ui.text import options, t


def unmask_reason(session: Session, toggle_key: str, reason_key: str, label: str | None = None) -> str | None:
    """The purpose given for showing full identifiers, or None (then everything stays masked).

    ``label`` names what is unmasked when it is not ID numbers and phones (screener names).
    """
    if not session.user.can(Permission.unmask):
        return None
    if not st.toggle(label or t("unmask.toggle"), key=toggle_key):
        return None
    try:  # unmasking is audited: on a store that cannot take the line, it cannot happen
        cache.store().require_writable(t("unmask.action"))
    except StoreError as exc:
        errors.stop_with(exc)
    reason = st.selectbox(t("unmask.reason"), options("unmask.reasons"), index=None, key=reason_key,
                          placeholder=t("unmask.reason_placeholder"), accept_new_options=True)
    reason = (reason or "").strip()
    if not reason:
        st.info(t("unmask.needs_reason"))
        return None
    return reason


def log_unmasked(session: Session, page: str, reason: str, household_ids: Iterable[str]) -> None:
    """One audit line per distinct view (reason and households) in this browser session."""
    ids = sorted(str(h) for h in household_ids)
    digest = hashlib.sha256("\n".join([page, reason, *ids]).encode()).hexdigest()
    seen = st.session_state.setdefault(keys.UNMASK_LOGGED, set())
    if digest not in seen:
        cache.store().audit(session.user.id, "unmask_view", session.scope,
                            {"page": page, "reason": reason, "household_ids": ids}, len(ids), masked=False)
        seen.add(digest)
    st.caption(t("unmask.logged", reason=safe_text(reason), n=len(ids)))
