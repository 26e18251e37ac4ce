"""Times importing an 18,000-household roster (a district's size): read, validate, count, apply.

    uv run python benchmarks/import_roster.py [households]
    uv run python benchmarks/import_roster.py --worker [households]   # default 100,000
    uv run python benchmarks/import_roster.py --apply [households]    # default 100,000

With ``--apply`` the confirmed import of an n-row roster (default 100,000) is timed two ways, turn
about, each into a fresh copy of the same store: right after its check, from what the check read
and validated (what the import page does: the store has not changed since), against reading and
validating the file again; wall and server CPU, and the ratio. The check itself is not timed.

With ``--worker`` the dry run is timed with its files read in the worker process (as the import
page does) against read in-process: the wall time, and the CPU time the server process spends,
which is what holds other sessions back.

The roster is synthetic (tests/importing/synthetic_import_data.py), written to .xlsx in memory
through the export template, then imported into a fresh store in a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data_loaders.importing import ImportKind, export_to_template, import_file, import_files  # noqa: E402
from data_loaders.store import Store, close_all  # noqa: E402
from paicha.config import Settings, load_settings  # noqa: E402
from paicha.scope import Scope  # noqa: E402
from tests.importing.synthetic_import_data import households, load  # noqa: E402


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<34}{time.perf_counter() - start:7.2f} s")
    return result


def roster(folder: Path, settings: Settings, n: int) -> tuple[bytes, Store]:
    """An n-household roster as .xlsx, and a store in ``folder`` it can be imported into."""
    source = Store.create(folder / "source.duckdb", demo=False)
    load(source, settings, roster=households(settings, n=n, seed=1))
    content = timed("write .xlsx (export_to_template)", lambda: export_to_template(
        source, ImportKind.households, Scope.district(settings.district_code)))
    print(f"{'file size':<34}{len(content) / 1024 / 1024:7.2f} MB, {n} rows")
    target = Store.create(folder / "target.duckdb", demo=False)
    load(target, settings)
    return content, target


def worker_vs_inline(n: int = 100_000) -> None:
    """A dry run of an n-row roster read in the worker against read in-process, twice each."""
    from data_loaders.importing.worker import read_in_worker, shutdown

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        content, target = roster(Path(tmp), settings, n)
        files = [("roster.xlsx", content)]
        read_in_worker(files[:0], settings, None)  # start the worker: a server has it running

        def inline():
            return import_files(target, files, settings=settings, user="bench", dry_run=True)

        def in_worker():
            prepared = read_in_worker(files, settings, None)
            return import_files(target, files, settings=settings, user="bench", dry_run=True, prepared=prepared)

        figures: dict[str, list[tuple[float, float]]] = {"in-process": [], "worker": []}
        for _ in range(2):
            for label, run in (("in-process", inline), ("worker", in_worker)):
                wall, cpu = time.perf_counter(), time.process_time()
                report = run()
                figures[label].append((time.perf_counter() - wall, time.process_time() - cpu))
                assert report.ok and report.new == n, report.errors[:3]
        for label, runs in figures.items():
            wall, cpu = min(runs)
            print(f"dry run, files read {label:<12}{wall:7.2f} s wall, {cpu:6.2f} s server CPU (best of 2, {n} rows)")
        ratio = min(figures["worker"])[1] / min(figures["in-process"])[1]
        print(f"{'server CPU, worker / in-process':<34}{ratio:7.2f} x")
        shutdown()
        close_all()


def apply_reusing_the_check(n: int = 100_000) -> None:
    """The confirmed import right after its check against reading the file again, twice each."""
    import shutil

    from data_loaders.importing.service import prepare

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content, target = roster(folder, settings, n)
        files = [("roster.xlsx", content)]
        close_all()
        figures: dict[str, list[tuple[float, float]]] = {"after its check": [], "read again": []}
        for turn in range(2):
            for label in figures:
                copy = folder / f"apply-{turn}-{len(figures[label])}.duckdb"
                shutil.copy(target.path, copy)
                store = Store(copy)
                reuse = None
                if label == "after its check":
                    reuse = prepare(files, settings)
                    check = import_files(store, files, settings=settings, user="bench", dry_run=True, prepared=reuse)
                    assert check.ok, check.errors[:3]
                wall, cpu = time.perf_counter(), time.process_time()
                report = import_files(store, files, settings=settings, user="bench", prepared=reuse)
                figures[label].append((time.perf_counter() - wall, time.process_time() - cpu))
                assert report.applied and store.count("households") == n, report.errors[:3]
                close_all()
        for label, runs in figures.items():
            wall, cpu = min(runs)
            print(f"confirmed import, {label:<16}{wall:7.2f} s wall, {cpu:6.2f} s server CPU (best of 2, {n} rows)")
        ratio = min(figures["after its check"])[1] / min(figures["read again"])[1]
        print(f"{'server CPU, reused / read again':<34}{ratio:7.2f} x")


def main(n: int = 18_000) -> None:
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        content, target = roster(Path(tmp), settings, n)

        def run(dry_run: bool):
            return import_file(target, "roster.xlsx", content, settings=settings, user="bench",
                               dry_run=dry_run)

        report = timed("dry run (read+validate+count)", lambda: run(True))
        assert report.ok and report.new == n, report.errors[:3]
        report = timed("import (validate+count+apply)", lambda: run(False))
        assert report.applied and target.count("households") == n
        report = timed("re-import, all unchanged", lambda: run(False))
        assert report.unchanged == n
        close_all()


if __name__ == "__main__":
    if "--apply" in sys.argv:
        apply_reusing_the_check(*[int(a) for a in sys.argv[1:] if a != "--apply"])
    elif "--worker" in sys.argv:
        sizes = [int(a) for a in sys.argv[1:] if a != "--worker"]
        worker_vs_inline(*sizes)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 18_000)
