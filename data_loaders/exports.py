"""Every file that leaves the server passes here: built, hashed, and written to the audit log."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

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

