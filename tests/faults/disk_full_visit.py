"""Imports a batch into a copy of a store on an almost full disk and prints what happened, as JSON.

Run by ``test_disk_full.py`` inside its own mount namespace, with ``folder`` a small tmpfs::

    python -m tests.faults.disk_full_visit <folder> <store> <file>...
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
from pathlib import Path

from cli.main import main as cli
from data_loaders import store as store_module
from data_loaders.store import Store
from tests.importing.synthetic_import_data import fingerprint

LEFT_FREE = 256 * 1024  # room for DuckDB to open the file, not for 20,000 households


def state(path: Path) -> list:
    store_module.close_all()
    store = Store(path, read_only=True)
    found = [fingerprint(store), store.data_version()]
    store_module.close_all()
    return found


def visit(folder: Path, source: Path, files: list[str]) -> dict:
    db = folder / "paicha.duckdb"
    shutil.copy(source, db)
    before = state(db)
    free = shutil.disk_usage(folder).free
    with open(folder / "filler", "wb") as filler:
        filler.write(b"\0" * max(0, free - LEFT_FREE))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli(["import", *files, "--db", str(db), "--json"])
    store_module.close_all()
    os.remove(folder / "filler")
    return {"code": code, "err": err.getvalue(), "out": out.getvalue(), "unchanged": state(db) == before}


if __name__ == "__main__":
    print(json.dumps(visit(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]), ensure_ascii=False))
