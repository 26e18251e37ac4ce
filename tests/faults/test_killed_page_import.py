"""The Streamlit server killed (-9) while the import page writes: after a restart the store is as
it was before the import, and the app serves it.

Driven in Chromium like a person: sign in, upload a roster and its screenings, confirm. The
server logs when it starts writing each kind (inside the transaction); the kill comes when the
screenings start, with the 20,000 households already written in the transaction.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import pytest

from tests.conftest import build_known_store
from tests.e2e.browser import sign_in, started_app, wait_checked, wait_rendered
from tests.faults.test_killed_cli_import import ATTEMPTS, import_command, store_state
from tests.processes import ROOT
from ui.text import t

pytestmark = [pytest.mark.faults, pytest.mark.e2e]


def import_through_the_page_and_kill_the_server(browser, db, files) -> None:
    with started_app(db) as app:
        page = browser.new_page(viewport={"width": 1600, "height": 1400})
        try:
            page.goto(f"{app.url}/imports")
            wait_rendered(page)
            sign_in(page, "admin")
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(f) for f in files])
            wait_checked(page, timeout_ms=240_000)
            page.get_by_role("button", name=t("imports.confirm")).click()
            app.wait_for_line("正在写入农户花名册（20000 行）", timeout=240)
            app.wait_for_line("正在写入排查记录", timeout=240)
            os.kill(app.proc.pid, signal.SIGKILL)
            assert app.proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            page.close()


def test_killing_the_server_while_a_page_import_writes_leaves_the_store_as_before(browser, tmp_path, settings,
                                                                                     big_batch):
    original = tmp_path / "original.duckdb"
    build_known_store(original, settings)
    before = store_state(original)
    complete = tmp_path / "complete.duckdb"
    shutil.copy(original, complete)
    subprocess.run(import_command(big_batch, complete), cwd=ROOT, capture_output=True, check=True, timeout=600)
    after = store_state(complete)
    outcomes = []
    for attempt in range(ATTEMPTS):
        db = tmp_path / f"attempt-{attempt}.duckdb"
        shutil.copy(original, db)
        import_through_the_page_and_kill_the_server(browser, db, big_batch)
        state = store_state(db)
        assert state in (before, after), "a killed import left part of itself in the store"
        outcomes.append("before" if state == before else "after")
        if state == before:
            break
    assert outcomes[-1] == "before", outcomes
    with started_app(db) as app:  # restart: the store opens and the pages serve it
        page = browser.new_page(viewport={"width": 1600, "height": 1400})
        page.goto(app.url)
        wait_rendered(page)
        sign_in(page, "leader")
        assert t("overview.title") in page.inner_text("body")
        first = page.locator('[data-testid="stMetric"]').first.inner_text()
        assert t("overview.households") in first and "14" in first
        page.close()
