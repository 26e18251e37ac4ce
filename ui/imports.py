"""Import page helpers: run the dry run once per set of uploaded files, confirm moves, format reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import time
from collections.abc import Callable

import pandas as pd
import streamlit as st

from data_loaders.importing import ImportKind, ImportReport, import_files
from data_loaders.importing.service import prepare
from data_loaders.store import StoreError
from paicha.scope import Scope
from ui import cache, errors, keys, safe
from ui.text import t


def files_token(files: list[tuple[str, bytes]], kind: str | None) -> str:
    digest = hashlib.sha256((kind or "").encode())
    for name, content in files:
        digest.update(name.encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def server_log(user: str) -> Callable[[str], None]:
    """Progress of a write, as lines in the server's log (stderr): who imports, when it commits."""

    def say(message: str) -> None:
        print(t("import.progress.server_log", time=dt.datetime.now(), user=user, message=message),
              file=sys.stderr, flush=True)

    return say


# Below this size a file is read inline: starting the worker process costs about a second,
# more than reading a small file takes. Rosters of a town and more go to the worker. The
# environment can lower it (the browser test sends its small demo roster to the worker).
WORKER_MIN_BYTES = int(os.environ.get("PAICHA_IMPORT_WORKER_MIN_BYTES", 1024 * 1024))
_POLL_SECONDS = 0.25


def _read_in_worker(files: list[tuple[str, bytes]], kind: ImportKind | None):
    """Read the files in the worker process while a progress bar shows this session waiting.

    The script thread only sleeps between polls, so other sessions run meanwhile. Reading is
    one step for the worker: the bar moves on time (it tells the user the page is alive) and
    stops short of the end until the worker answers.
    """
    from data_loaders.importing.worker import start_reading

    size_mb = sum(len(content) for _, content in files) / 1024 / 1024
    bar = st.progress(0.0, text=t("imports.progress_reading", size_mb=size_mb))
    future = start_reading(files, cache.settings(), kind)
    waited = 0.0
    while not future.done():
        time.sleep(_POLL_SECONDS)
        waited += _POLL_SECONDS
        bar.progress(min(0.6, waited / (waited + 5.0)), text=t("imports.progress_reading", size_mb=size_mb))
    bar.progress(0.7, text=t("imports.progress_validating"))
    return future.result(), bar


def checked(files: list[tuple[str, bytes]], kind: str | None, user: str) -> ImportReport:
    """Dry-run the upload once; reruns of the page reuse the result instead of re-validating.

    A large upload is read and its cells typed in the worker process (data_loaders.importing.worker
    says why not the rest), then validated and counted here against the store. What was read, and
    its validation, are kept with the report, for :func:`apply`.
    """
    token = files_token(files, kind)
    slot = st.session_state.get(keys.IMPORT_DRY_RUN)
    if slot is None or slot[0] != token:
        chosen = ImportKind(kind) if kind else None
        bar = None
        if sum(len(content) for _, content in files) >= WORKER_MIN_BYTES:
            prepared, bar = _read_in_worker(files, chosen)
        else:
            prepared = prepare(files, cache.settings(), chosen)
        with st.spinner(t("imports.checking")):
            try:
                report = import_files(cache.store(), files, settings=cache.settings(), user=user,
                                      kind=chosen, dry_run=True, prepared=prepared)
            except StoreError as exc:
                errors.stop_with(exc)
        if bar is not None:
            bar.progress(1.0, text=t("imports.progress_done"))
        st.session_state[keys.IMPORT_DRY_RUN] = (token, report, prepared)
        return report
    return slot[1]


def apply(files: list[tuple[str, bytes]], kind: str | None, user: str, confirm_moves: int = 0,
          confirm_id_changes: int = 0) -> ImportReport:
    """Write the files the check read, after counting them against the store as it is now.

    Reading depends on the files alone (the token says they are the same), so the check's reading
    is taken again: read inline, a 100,000-row roster held the server for 5.7 s of its 14.6 s here.
    So is its validation while the store has not changed since (``import_files`` tells).
    """
    slot = st.session_state.pop(keys.IMPORT_DRY_RUN, None)
    prepared = slot[2] if slot is not None and slot[0] == files_token(files, kind) else None
    with st.spinner(t("imports.applying")):
        try:
            return import_files(cache.store(), files, settings=cache.settings(), user=user,
                                kind=ImportKind(kind) if kind else None, dry_run=False,
                                confirm_moves=confirm_moves, confirm_id_changes=confirm_id_changes,
                                progress=server_log(user), prepared=prepared)
        except StoreError as exc:
            errors.stop_with(exc)


def error_table(report: ImportReport) -> pd.DataFrame:
    return pd.DataFrame([{
        t("imports.error_file"): e.file, t("imports.error_sheet"): e.sheet,
        t("imports.error_row"): e.row, t("imports.error_column"): e.column,
        t("imports.error_value"): e.value, t("imports.error_message"): e.message,
    } for e in report.errors])


def moves_table(report: ImportReport) -> pd.DataFrame:
    return pd.DataFrame([{
        t("imports.change_household"): m.household_id, t("imports.error_file"): m.file,
        t("imports.error_row"): m.row, t("imports.change_old"): m.old_place, t("imports.change_new"): m.new_place,
    } for m in report.moves])


def id_changes_table(report: ImportReport) -> pd.DataFrame:
    return pd.DataFrame([{
        t("imports.change_household"): m.household_id, t("imports.error_file"): m.file,
        t("imports.error_row"): m.row, t("imports.change_old"): m.old_id_number,
        t("imports.change_new"): m.new_id_number,
    } for m in report.id_changes])


def confirmations(report: ImportReport) -> tuple[int, int] | None:
    """Show the moves and ID-number changes row by row, each list with its own checkbox naming
    its count; the counts to pass to the import once every list shown is confirmed, else None.
    """
    counts = []
    for changes, table, text_key, box_key, box_text in (
            (report.moves, moves_table, "imports.moves", keys.IMPORT_CONFIRM_MOVES, "imports.confirm_moves"),
            (report.id_changes, id_changes_table, "imports.id_changes", keys.IMPORT_CONFIRM_ID_CHANGES,
             "imports.confirm_id_changes")):
        if not changes:
            counts.append(0)
            continue
        st.warning(t(text_key, n=len(changes)))
        st.dataframe(table(report), hide_index=True, width="stretch", key=f"{box_key}.table")
        counts.append(len(changes) if st.checkbox(t(box_text, n=len(changes)), key=box_key) else None)
    return None if None in counts else (counts[0], counts[1])


def backup_section(user: str, scope: Scope) -> None:
    """备份数据库: a consistent copy written by the dashboard, which holds the database."""
    with st.expander(t("imports.backup")):
        st.caption(safe.t("imports.backup_help", folder=cache.settings().backup_dir))
        if st.button(t("imports.backup_button"), key=keys.IMPORT_BACKUP):
            info = cache.backup(user, scope)
            st.success(safe.t("imports.backup_done", path=info.path, mb=f"{info.bytes / 1024 / 1024:.1f}",
                              households=info.households))


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
