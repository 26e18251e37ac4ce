"""What the benchmark scripts share: a measurement in a fresh child process, and a printed row."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(script: str, *args: str) -> object:
    """Run ``script`` again with ``args`` in a fresh interpreter, so one size's caches and memory
    do not flatter the next, and return the JSON its last line printed; a failing child stops the
    benchmark with the end of its error.
    """
    out = subprocess.run([sys.executable, script, *args], capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_row(row: dict) -> None:
    """One line of ``key=value`` figures, printed at once (a long run shows its progress)."""
    print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
