"""A full disk during an import: its own message (not "locked", not a traceback), nothing written.

The store sits on a 6 MB tmpfs filled up to its last 256 KB, mounted in a private mount
namespace (``unshare -m``, as root); where that is not allowed the test says so and skips.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from data_loaders import store as store_module
from tests.conftest import build_known_store
from tests.processes import ROOT

pytestmark = pytest.mark.faults


def test_a_full_disk_during_an_import_is_its_own_message_and_the_store_is_unchanged(tmp_path, settings, big_batch):
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1): cannot mount a small disk to fill")
    source = tmp_path / "k.duckdb"
    build_known_store(source, settings)
    store_module.close_all()
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (f'mount -t tmpfs -o size=6m tmpfs "{disk}" && exec "{sys.executable}" -m tests.faults.disk_full_visit '
              f'"{disk}" "{source}" "{big_batch[0]}"')
    done = subprocess.run([unshare, "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip(f"cannot mount a small disk here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 2 and result["out"] == ""
    assert "磁盘空间已满" in result["err"] and "本次写入已全部撤销" in result["err"]
    assert "占用" not in result["err"] and "Traceback" not in result["err"]
    assert result["unchanged"]
