"""The error page: a store or calendar problem shown as its message, never as a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st

from data_loaders.store import StoreError
from paicha.calendar import CalendarRangeError
from ui import safe

# What a page cannot recover from but a person can fix (a moved file, a read-only disk, a date
# the calendar does not know); the message says what to do.
SHOWN = (StoreError, CalendarRangeError)


def stop_with(error: BaseException) -> NoReturn:
    """Draw ``error``'s message (literal text: it may hold a path or a file's value) and stop."""
    st.error(safe.escape(error), icon=":material/error:")
    st.stop()


@contextmanager
def shown_as_page() -> Iterator[None]:
    """Run a page so that a :data:`SHOWN` error ends it with its message instead of a traceback."""
    try:
        yield
    except SHOWN as exc:
        stop_with(exc)
