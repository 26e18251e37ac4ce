"""Start-up of `paicha`: building the parser and every --help load none of the heavy libraries."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["scipy", "pandas", "duckdb", "geopandas", "shapely", "pyogrio", "plotly", "matplotlib", "folium",
         "docx", "openpyxl"]

# Run in a fresh interpreter: the test process has long since imported all of them.
_PROBE = """
import contextlib, io, json, sys
import cli.main

parser, handlers = cli.main.build_parser()
for argv in [["--help"], *([name, "--help"] for name in handlers)]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        parser.parse_args(argv)
heavy = json.loads(sys.argv[1])
print(json.dumps({"commands": sorted(handlers),
                  "loaded": [m for m in heavy if any(k == m or k.startswith(m + ".") for k in sys.modules)]}))
"""


def _probe(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout)


def test_building_the_parser_and_every_help_loads_no_heavy_library():
    found = _probe(_PROBE, json.dumps(HEAVY))
    assert {"import", "sample", "lqas", "report", "households", "exposure", "user"} <= set(found["commands"])
    assert found["loaded"] == []


def test_a_command_still_loads_what_it_needs_when_it_runs():
    code = ("import json, sys, contextlib, io\nfrom cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    rc = main(['sample-size', '--margin', '0.05', '--json'])\n"
            "print(json.dumps({'rc': rc, 'scipy': 'scipy.stats' in sys.modules, 'duckdb': 'duckdb' in sys.modules}))")
    # sample-size needs scipy, which it imports when it runs; it opens no store, so DuckDB stays out.
    assert _probe(code) == {"rc": 0, "scipy": True, "duckdb": False}


def test_paicha_help_exits_0_and_lists_the_commands():
    script = Path(sys.executable).with_name("paicha")
    assert script.exists(), "the project's console script is installed beside the interpreter"
    out = subprocess.run([str(script), "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "usage: paicha" in out.stdout and "import" in out.stdout and "households" in out.stdout
