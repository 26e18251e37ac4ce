"""Import page helpers: run the dry run once per set of uploaded files, format reports."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from data_loaders.importing import ImportKind, ImportReport, import_files
from ui import cache, keys
from ui.text import t


def files_token(files: list[tuple[str, bytes]], kind: str | None) -> str:
    digest = hashlib.sha256((kind or "").encode())
    for name, content in files:
        digest.update(name.encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def checked(files: list[tuple[str, bytes]], kind: str | None, user: str) -> ImportReport:
    """Dry-run the upload once; reruns of the page reuse the result instead of re-validating."""
    token = files_token(files, kind)
    slot = st.session_state.get(keys.IMPORT_DRY_RUN)
    if slot is None or slot[0] != token:
        with st.spinner(t("imports.checking")):
            report = import_files(cache.store(), files, settings=cache.settings(), user=user,
                                  kind=ImportKind(kind) if kind else None, dry_run=True)
        st.session_state[keys.IMPORT_DRY_RUN] = (token, report)
        return report
    return slot[1]


def apply(files: list[tuple[str, bytes]], kind: str | None, user: str) -> ImportReport:
    st.session_state.pop(keys.IMPORT_DRY_RUN, None)
    return import_files(cache.store(), files, settings=cache.settings(), user=user,
                        kind=ImportKind(kind) if kind else None, dry_run=False)


def error_table(report: ImportReport) -> pd.DataFrame:
    return pd.DataFrame([{
        t("imports.error_file"): e.file, t("imports.error_sheet"): e.sheet,
        t("imports.error_row"): e.row, t("imports.error_column"): e.column,
        t("imports.error_value"): e.value, t("imports.error_message"): e.message,
    } for e in report.errors])


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    labels = {k.value: k.label for k in ImportKind}
    return pd.DataFrame({
        t("imports.log_when"): log["logged_at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        t("imports.log_user"): log["user_name"],
        t("imports.log_kind"): log["kind"].map(lambda k: labels.get(k, k)),
        t("imports.log_file"): log["file_name"],
        t("imports.log_rows"): log["row_count"],
        t("imports.log_ok"): log["ok"].map(lambda ok: t("imports.log_ok_yes" if ok else "imports.log_ok_no")),
        t("imports.log_hash"): log["file_sha256"].str[:16],
    })
