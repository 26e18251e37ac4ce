"""A read-only database: pages that only read work; every write says "read-only" and writes nothing.

The visit runs in a process without root's rights (see read_only_visit.py), on a copy whose
file and folder nobody else may write.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from data_loaders import store as store_module
from data_loaders.store import Store
from tests.conftest import build_known_store
from tests.processes import ROOT, read_only_copy, unprivileged

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def visit(tmp_path_factory, settings) -> dict:
    source = tmp_path_factory.mktemp("read_only") / "k.duckdb"
    build_known_store(source, settings)
    store_module.close_all()
    writable = Path(tempfile.mkdtemp(prefix="paicha-writable-"))
    writable.chmod(0o777)
    try:
        with read_only_copy(source) as db:
            before = hashlib.sha256(db.read_bytes()).hexdigest()
            env = {**os.environ, "PAICHA_DB": str(db), "HOME": str(writable), "PYTHONDONTWRITEBYTECODE": "1"}
            done = subprocess.run([*unprivileged(), sys.executable, "-m", "tests.faults.read_only_visit", str(writable)],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, done.stderr[-4000:]
            report = json.loads(done.stdout.strip().splitlines()[-1])
            report["unchanged"] = hashlib.sha256(db.read_bytes()).hexdigest() == before
            report["beside"] = sorted(p.name for p in db.parent.iterdir())
            report["backup_households"] = Store(writable / "backup.duckdb").count("households")
        return report
    finally:
        store_module.close_all()
        shutil.rmtree(writable, ignore_errors=True)


def test_pages_that_only_read_work_on_a_read_only_database(visit):
    for page in ("overview", "villages", "risk_map", "households"):
        assert visit[page]["exception"] == [] and visit[page]["errors"] == [], page
    assert visit["overview"]["metrics"][visit["households_label"]] == "14"
    assert 64 in visit["villages"]["tables"]  # every village's row


@pytest.mark.parametrize("write", ["unmask", "import", "draw"])
def test_every_write_on_a_read_only_database_fails_with_the_read_only_message(visit, write):
    (error,) = visit[write]["errors"]
    assert visit[write]["exception"] == []
    assert "是只读的" in error and "没有写入任何内容" in error and "占用" not in error


def test_the_command_line_says_read_only_not_locked(visit):
    assert visit["cli_import"]["code"] == 2
    assert "是只读的" in visit["cli_import"]["err"] and "占用" not in visit["cli_import"]["err"]


def test_a_read_only_database_can_still_be_backed_up_and_stays_untouched(visit):
    assert visit["cli_backup"]["code"] == 0 and visit["backup_households"] == 14
    assert visit["unchanged"] and visit["beside"] == ["k.duckdb"]  # no .wal, no temporary file
