"""Other processes for the store's fault tests: one holding a database, one without root's rights."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_HOLD = """
import sys
from data_loaders.store import Store
store = Store(sys.argv[1])
store.data_version()
print("held", flush=True)
sys.stdin.read()
"""


@contextmanager
def holding(path: Path) -> Iterator[subprocess.Popen]:
    """Another process with ``path`` open, as a running dashboard has it, until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if line.strip() != "held":
            raise RuntimeError("the holding process did not open the store: " + proc.stderr.read())
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def unprivileged() -> list[str]:
    """A command prefix that drops root's rights (root writes read-only files regardless).

    Empty when the tests do not run as root; ``setpriv`` (util-linux) otherwise.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise RuntimeError("running as root without setpriv: cannot test read-only files")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@contextmanager
def read_only_copy(database: Path) -> Iterator[Path]:
    """A copy of ``database`` in a folder that, like the file, nobody but root may write.

    The folder sits directly in the system's temporary folder, so an unprivileged process can
    reach it (pytest's own temporary folders are private to their owner).
    """
    folder = Path(tempfile.mkdtemp(prefix="paicha-read-only-"))
    copy = folder / database.name
    shutil.copy(database, copy)
    copy.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield copy
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
