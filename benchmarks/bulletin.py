"""Benchmark: generating the 进展通报 for the whole district, against the overview it states.

For each size: builds the demo (or reuses ``--db``), then times, interleaved over ``--repeat``
rounds, (a) the overview of the same scope and date (``reports.overview``: the figures the pack
prints, the reference), (b) the pack without the PDF (Word + Excel: figures, reasons, chart,
map) and (c) with the PDF (LibreOffice, when installed). Prints medians and the ratios to the
reference. Not a test: figures vary with the machine.

    uv run python benchmarks/bulletin.py [--sizes 18000 5000000] [--db FILE] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child, print_row  # noqa: E402  (after the path above)

AS_OF, SINCE = dt.date(2024, 9, 16), dt.date(2024, 9, 9)


def one_size(db: Path, build: int | None, repeat: int) -> dict:
    from data_loaders import reports
    from data_loaders import store as store_module
    from data_loaders.store import Store
    from paicha.config import load_settings
    from paicha.scope import Scope
    from ui.documents.pack import build_pack
    from ui.documents.pdf import converter

    settings = load_settings()
    out: dict = {}
    if build:
        from data_loaders.demo import build_demo

        t0 = time.perf_counter()
        build_demo(Store.create(db, demo=True), settings, households=build)
        store_module.close_all()
        out["build_s"] = round(time.perf_counter() - t0, 1)
    store = Store(db, read_only=True)
    scope = Scope.district(settings.district_code)
    out["households"] = int(store.query("SELECT count(*) AS n FROM households")["n"].iloc[0])
    steps = {"overview_s": lambda: reports.overview(store, settings, scope, AS_OF),
             "pack_s": lambda: build_pack(store, settings, scope, AS_OF, SINCE, with_pdf=False)}
    if converter() is not None:
        steps["pack_pdf_s"] = lambda: build_pack(store, settings, scope, AS_OF, SINCE, with_pdf=True)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeat):  # interleaved, so a busy moment of the machine hits every step alike
        for name, step in steps.items():
            t0 = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - t0)
    for name, values in times.items():
        out[name] = round(statistics.median(values), 3)
    out["pack_to_overview"] = round(out["pack_s"] / out["overview_s"], 1)
    if "pack_pdf_s" in out:
        out["pack_pdf_to_overview"] = round(out["pack_pdf_s"] / out["overview_s"], 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[18_000])
    parser.add_argument("--db", type=Path, help="an existing demo store instead of building one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_size(args.child, args.build, args.repeat)))
        return
    # One fresh process per size: memory and caches of one size do not flatter the next.
    for n in [None] if args.db else args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="paicha-bench-"))
        db = args.db or folder / f"demo_{n}.duckdb"
        command = ["--child", str(db), "--repeat", str(args.repeat), *([] if args.db else ["--build", str(n)])]
        print_row(child(__file__, *command))
        if not args.db:
            db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
