"""The assumptions log, the configuration and the code agree; docstring examples run with the suite."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

from paicha.config import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "docs" / "assumptions.md"
PACKAGES = ("paicha.", "data_loaders.", "ui.", "cli.")


def marked_keys(config_text: str) -> set[str]:
    """``section.key`` of every key under a ``# assumption:`` comment, up to the next comment,
    blank line or table header (one comment may mark several keys, as the two status cut-offs)."""
    keys, section, marked = set(), "", False
    for line in config_text.splitlines():
        stripped = line.strip()
        if header := re.fullmatch(r"\[+([\w.]+)\]+", stripped):
            section, marked = header.group(1), False
        elif stripped.startswith("#"):
            marked = stripped.startswith("# assumption:")
        elif not stripped:
            marked = False
        elif (key := re.match(r"(\w+)\s*=", stripped)) and marked:
            keys.add(f"{section}.{key.group(1)}")
    return keys


def log_rows() -> list[list[str]]:
    rows = [line.strip().strip("|").split("|") for line in LOG.read_text(encoding="utf-8").splitlines()
            if line.startswith("|") and not line.startswith("|---")]
    return [[cell.strip() for cell in row] for row in rows[1:]]  # the first row is the header


def logged_keys() -> set[str]:
    """Configuration keys named in the log's key column (code paths there are not keys)."""
    names = {name for row in log_rows() for name in re.findall(r"`([^`]+)`", row[2])}
    return {n for n in names if not n.startswith(PACKAGES)}


def test_every_assumption_in_the_configuration_has_its_line_in_the_log():
    marked = marked_keys(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    assert marked >= {"thresholds.monitoring_income", "thresholds.lagging_points", "thresholds.severe_points"}
    assert marked - logged_keys() == set()


def test_every_key_the_log_names_exists_in_the_configuration():
    config = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    missing = [key for key in logged_keys()
               if key.split(".")[1] not in config.get(key.split(".")[0], {})]
    assert logged_keys() and missing == []


def test_every_code_path_the_log_names_exists():
    paths = set(re.findall(r"`((?:paicha|data_loaders|ui|cli)\.[\w.]+)`", LOG.read_text(encoding="utf-8")))
    broken = []
    for path in sorted(paths):
        module, _, name = path.rpartition(".")
        try:
            getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            broken.append(path)
    assert paths and broken == []


def test_the_marker_rule_reads_a_comment_over_two_keys():
    text = "[t]\n# assumption: both\na = 1\nb = 2\n\nc = 3\n# not one\nd = 4\n"
    assert marked_keys(text) == {"t.a", "t.b"}


def test_docstring_examples_run_with_the_suite():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split() and "paicha" in options["testpaths"]
    examples = [p for p in (ROOT / "paicha").rglob("*.py") if ">>> " in p.read_text(encoding="utf-8")]
    assert {p.name for p in examples} >= {"stats.py", "idnumber.py"}
