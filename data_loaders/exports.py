"""Every file that leaves the server passes here: built, hashed, and written to the audit log."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable

import pandas as pd

from data_loaders.store import Store
from paicha.access import User
from paicha.scope import Scope

# A builder returns the file's bytes and the number of rows (households, lines) it holds.
Builder = Callable[[], tuple[bytes, int]]


def audited_file(store: Store, user: User, scope: Scope, action: str, file_name: str, filters: dict,
                 masked: bool, build: Builder) -> bytes:
    """Build a file and record its export: user, time, scope, filters, rows, masking, SHA-256.

    The audit line is written before the bytes are handed over; if it cannot be written the
    export fails, so no file leaves without its line.
    """
    content, rows = build()
    digest = hashlib.sha256(content).hexdigest()
    store.audit(user.id, action, scope, {"file": file_name, "filters": filters}, rows, masked, digest)
    return content


# OWASP "CSV injection": a cell a spreadsheet would read as a formula or a command.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that would start a formula, prefixed with an apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV that Excel opens with Chinese intact and without evaluating any cell."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    # Text quoted, numbers bare: a reader keeps numbers as numbers, and a carriage return inside a
    # value stays inside its cell.
    return safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")
