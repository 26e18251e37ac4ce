"""Benchmark: a cold start in the browser, from `streamlit run server.py` to the overview drawn.

Each run starts a fresh server process on a copy of the database (nothing of paicha imported or
cached before), opens it in headless Debian Chromium and times, from the process's spawn:

- ``ready_s``: the server answers /_stcore/health;
- ``form_s``: the sign-in form is drawn in the browser;
- ``overview_s``: after the sign-in button is pressed (the form filled at once), the overview's big numbers are
  drawn and the script has finished — what a leader waits for at the start of a meeting.

The reference, in the same run: a bare Streamlit script (one ``st.metric``) started the same way,
to its metric drawn (``bare_s``); ``ratio`` = overview_s / bare_s. Medians of ``--runs``. Not a
test: figures vary with the machine.

    uv run python benchmarks/cold_start.py [--db data/demo.duckdb] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import print_row  # noqa: E402  (after the path above)
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0"""


def spawn(script: str, env: dict) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}", began


def wait_healthy(url: str, proc: subprocess.Popen) -> None:
    while proc.poll() is None:
        try:
            with urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    sys.exit("the server stopped before it answered")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def paicha_run(browser, db: Path) -> dict:
    import os

    from data_loaders.accounts import DEMO_PASSWORD
    from paicha.text import t

    proc, url, began = spawn("server.py", {**os.environ, "PAICHA_DB": str(db)})
    try:
        wait_healthy(url, proc)
        ready = time.perf_counter() - began
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.get_by_label(t("signin.username")).wait_for(timeout=120_000)
        form = time.perf_counter() - began
        page.get_by_label(t("signin.username")).fill("leader")
        page.get_by_label(t("signin.password")).fill(DEMO_PASSWORD)
        page.get_by_role("button", name=t("signin.submit")).click()
        page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
        page.wait_for_function(IDLE, timeout=120_000)
        overview = time.perf_counter() - began
        page.close()
    finally:
        stop(proc)
    return {"ready_s": ready, "form_s": form, "overview_s": overview}


def bare_run(browser, script: Path) -> float:
    import os

    proc, url, began = spawn(str(script), dict(os.environ))
    try:
        wait_healthy(url, proc)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
        page.wait_for_function(IDLE, timeout=120_000)
        page.close()
        return time.perf_counter() - began
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db}: no such database (make demo builds the demo)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="paicha-cold-") as folder:
        bare = Path(folder) / "bare.py"
        bare.write_text('import streamlit as st\nst.metric("bare", 1)\n', encoding="utf-8")
        runs, bares = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for i in range(args.runs):  # interleaved, so that a busy moment weighs on both
                db = Path(shutil.copy(args.db, Path(folder) / f"run{i}.duckdb"))
                runs.append(paicha_run(browser, db))
                bares.append(bare_run(browser, bare))
            browser.close()
    row = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
    row["bare_s"] = round(statistics.median(bares), 2)
    row["ratio"] = round(row["overview_s"] / row["bare_s"], 1)
    print_row({"db": args.db.name, "runs": args.runs, **row})


if __name__ == "__main__":
    main()
