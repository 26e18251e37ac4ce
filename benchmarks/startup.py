"""Times `paicha` start-up and a roster dry run, each against its reference, in fresh processes.

    uv run python benchmarks/startup.py [--runs 7] [--households 18000] [--no-import]

`paicha --help` is set against `python -c pass` (the interpreter's own start); `paicha import
--dry-run` of an 18,000-row roster (built as benchmarks/import_roster.py builds it) against a bare
python_calamine read of every sheet of the same file, each in a process of its own so that both
pay the interpreter's start. Runs are interleaved; medians are printed with their ratio (issue
14's target for the dry run: at most 3 x the bare read), and against the imports alone that any
dry run pays before reading (pandas, pandera, duckdb, calamine).

Both figures depend on whether the installed packages have bytecode: with
PYTHONDONTWRITEBYTECODE set and an environment synced without ``--compile-bytecode``, every
start compiles pandas and pandera from source (about a second). The first line says which.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAICHA = str(Path(sys.executable).with_name("paicha"))
BARE_READ = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
rows = sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)
print(rows)
"""


# What any dry run must import before it reads a cell: the table library, the validation library
# the import is built on and the store's engine, beside the reader. Timed as a second reference,
# since issue 14's 3 x a bare read is below this floor plus the read.
IMPORT_FLOOR = "import pandas, pandera.pandas, duckdb, python_calamine"


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(label: str, measured: list[str], reference_label: str, reference: list[str], runs: int) -> None:
    wall(measured), wall(reference)  # warm the file cache; not counted
    times: dict[str, list[float]] = {label: [], reference_label: []}
    for _ in range(runs):
        times[label].append(wall(measured))
        times[reference_label].append(wall(reference))
    ours, ref = statistics.median(times[label]), statistics.median(times[reference_label])
    print(f"{label:<44}{ours:7.3f} s (median of {runs}; min {min(times[label]):.3f}, max {max(times[label]):.3f})")
    print(f"{reference_label:<44}{ref:7.3f} s (median of {runs}; min {min(times[reference_label]):.3f}, "
          f"max {max(times[reference_label]):.3f})")
    print(f"{'ratio':<44}{ours / ref:7.2f} x")


def bytecode_note() -> str:
    """Whether this run's processes import the libraries from bytecode or compile them."""
    import pandas

    cached = (Path(pandas.__file__).parent / "core" / "__pycache__").is_dir() and not sys.pycache_prefix
    writes = not sys.flags.dont_write_bytecode
    return (f"bytecode: site-packages {'precompiled' if cached else 'NOT compiled'}, "
            f"PYTHONDONTWRITEBYTECODE {'unset' if writes else 'set'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--households", type=int, default=18_000)
    parser.add_argument("--no-import", action="store_true", help="only paicha --help")
    args = parser.parse_args()
    print(bytecode_note())

    compare("paicha --help", [PAICHA, "--help"], "python -c pass", [sys.executable, "-c", "pass"], args.runs)
    if args.no_import:
        return

    from benchmarks.import_roster import roster
    from data_loaders.store import close_all
    from paicha.config import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content, target = roster(folder, load_settings(), args.households)
        close_all()  # the timed processes open the store themselves
        file = folder / "roster.xlsx"
        file.write_bytes(content)
        dry_run = [PAICHA, "import", "--db", str(target.path), "--dry-run", str(file)]
        check = subprocess.run(dry_run, cwd=ROOT, capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"the dry run failed ({check.returncode}): {check.stdout[-500:]} {check.stderr[-500:]}")
        compare(f"paicha import --dry-run ({args.households} rows)", dry_run,
                "bare python_calamine read", [sys.executable, "-c", BARE_READ, str(file)], args.runs)
        compare(f"paicha import --dry-run ({args.households} rows)", dry_run,
                "imports alone (pandas, pandera, duckdb, calamine)", [sys.executable, "-c", IMPORT_FLOOR], args.runs)


if __name__ == "__main__":
    main()
