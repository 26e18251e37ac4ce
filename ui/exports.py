"""Download buttons whose file is built only when clicked, and audited when it is built."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from data_loaders.excel import to_csv_bytes
from data_loaders.exports import Builder, audited_file
from ui import cache
from ui.session import Session
from ui.text import t


def offer(session: Session, label: str, key: str, build: Builder, *, file_name: str, mime: str,
          action: str, filters: dict, masked: bool, note: bool = True) -> None:
    """A download button for a file that leaves the server only through :func:`audited_file`.

    The builder runs when the button is clicked (Streamlit's deferred download, on its own
    thread), so a page never builds exports nobody asked for and every click leaves its line.
    """
    store = cache.store()  # resolved on the script thread; the builder runs on another one
    if store.read_only:  # no audit line can be written, so no file can leave
        st.caption(t("export.read_only", label=label))
        return

    def audited() -> bytes:
        return audited_file(store, session.user, session.scope, action, file_name, filters, masked, build)

    st.download_button(label, audited, file_name=file_name, mime=mime, key=key, on_click="ignore",
                       icon=":material/download:")
    if note:
        st.caption(t("export.note", masked=t("export.masked" if masked else "export.unmasked")))


def csv_of(table: Callable[[], pd.DataFrame]) -> Builder:
    """A builder of a CSV file (UTF-8 with BOM for Excel, formulas neutralised) from a display table."""
    def build() -> tuple[bytes, int]:
        frame = table()
        return to_csv_bytes(frame), len(frame)
    return build
