"""Installed means working: the wheel carries its configuration, catalogue and reference data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def uv() -> list[str]:
    """uv as `uv run` exposes it to its children, else from PATH, else the uv package (as the Makefile)."""
    found = os.environ.get("UV") or shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"{args}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_venv_runs_outside_the_checkout(tmp_path):
    # Nothing of the checkout may leak in: no configuration from the environment, no source path.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PAICHA_CONFIG", "PAICHA_DB", "PYTHONPATH", "VIRTUAL_ENV")}
    run([*uv(), "build", "--wheel", "--out-dir", str(tmp_path / "dist")], ROOT, env)
    (wheel,) = (tmp_path / "dist").glob("paicha-*.whl")
    # The locked versions (already in uv's cache), not whatever the registry has newest today.
    requirements = tmp_path / "requirements.txt"
    run([*uv(), "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--quiet",
         "--output-file", str(requirements)], ROOT, env)
    venv = tmp_path / "venv"
    run([*uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    run([*uv(), "pip", "install", "--quiet", "--python", str(python), "-r", str(requirements), str(wheel)],
        tmp_path, env)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    paicha = str(venv / "bin" / "paicha")
    assert "demo" in run([paicha, "--help"], outside, env).stdout
    demo = json.loads(run([paicha, "demo", "--db", str(tmp_path / "d.duckdb"), "--households", "200"],
                          outside, env).stdout)
    assert demo["households"] == 200 and demo["villages"] > 0 and demo["db"] == str(tmp_path / "d.duckdb")
    # The package's own files, not the checkout's, were read.
    where = run([str(python), "-c", "import paicha, ui.text; print(paicha.__file__); print(ui.text.t('app.title'))"],
                outside, env).stdout.splitlines()
    assert where[0].startswith(str(venv)) and where[1]
