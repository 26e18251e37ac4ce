"""Drawing patterns the pages share: a row of metrics, a set of tables in tabs, a pager."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from ui.print import print_table
from ui.tables.progress import status_options
from ui.text import t


def metric_row(metrics: list[dict[str, object]]) -> None:
    """One column per metric; each dict holds st.metric's keyword arguments (built by a tables module)."""
    for column, metric in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(**metric)


def tabbed_tables(tabs: dict[str, tuple[str | None, pd.DataFrame | Styler]]) -> None:
    """One tab per title, each with its caption (if any) over its table."""
    for tab, (caption, table) in zip(st.tabs(list(tabs)), tabs.values(), strict=True):
        if caption:
            tab.caption(caption)
        tab.dataframe(table, hide_index=True, width="stretch")


def table(frame, key: str | None = None, height: int | str = "auto", column_config: dict | None = None,
          printed: pd.DataFrame | str | None = None) -> None:
    """A table on screen, and the same table whole in the printout (see ui/print.py); ``printed``
    (a frame, or its :func:`ui.print.printout`) replaces it on paper where the screen's cells are links.
    """
    st.dataframe(frame, hide_index=True, width="stretch", height=height, key=key, column_config=column_config)
    print_table(frame if printed is None else printed)


def status_column() -> st.column_config.Column:
    """A column of one-word lists (a unit's status) shown as labels in the town lights' colours.

    Column settings instead of a pandas Styler: Streamlit renders a Styler's every cell in the
    server on every run (60 ms for a district's 64 villages, against 2 ms for the frame itself).
    """
    labels, colours = status_options()
    return st.column_config.MultiselectColumn(options=labels, color=colours)


def pager(total: int, size: int, key: str) -> int:
    """The page number of a list paginated in SQL (``size`` rows a page): the 0-based page to fetch.

    A page past the end (the list got shorter since) becomes the last page.
    """
    pages = max(1, math.ceil(total / size))
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    page = int(left.number_input(t("layout.page"), 1, pages, key=key))
    right.caption(t("layout.page_of", page=page, pages=pages, size=size, total=f"{total:,}"))
    return page - 1
