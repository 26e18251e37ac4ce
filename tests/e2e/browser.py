"""Helpers for real-browser tests: start the app on a free port, drive Debian Chromium, screenshot."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

from ui.text import t

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PAICHA_CHROMIUM", "/usr/bin/chromium")
# Without these flags Chromium keeps trying to reach Google's hosts on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """A ``streamlit run server.py`` process: its URL, and the lines it has printed so far."""

    def __init__(self, proc: subprocess.Popen, url: str) -> None:
        self.proc, self.url = proc, url
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in iter(self.proc.stdout.readline, b""):
            self.lines.put(line.decode(errors="replace"))

    def wait_for_line(self, text: str, timeout: float = 120) -> str:
        """Block until the server prints a line holding ``text``; that line."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if text in line:
                return line
        raise TimeoutError(f"the server printed no line with {text!r}")


@contextmanager
def started_app(db_path: Path, port: int | None = None) -> Iterator[App]:
    """Run ``streamlit run server.py`` (as `make run` does) against a database until the block ends (or the process dies)."""
    port = port or free_port()
    env = {**os.environ, "PAICHA_DB": str(db_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    app = App(proc, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urlopen(f"{app.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not start")
        yield app
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)


@contextmanager
def running_app(db_path: Path, port: int | None = None):
    """Run ``streamlit run server.py`` on a database until the block ends; yield its URL."""
    with started_app(db_path, port) as app:
        yield app.url


def wait_rendered(page, ready_selector: str = "h1", timeout_ms: int = 90_000) -> None:
    """Wait until the page's script has drawn ``ready_selector`` and Streamlit has gone idle.

    The status widget ("Running…") only appears once the script starts, so waiting for its
    absence alone can pass before anything is drawn.
    """
    page.wait_for_selector(ready_selector, timeout=timeout_ms)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && document.querySelectorAll('[data-testid="stSpinner"]').length === 0
               && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0""",
        timeout=timeout_ms)
    page.wait_for_timeout(2000)  # plotly, maps and data grids draw a moment after the script ends


def sign_in(page, username: str, password: str = "paicha-demo") -> None:
    """Type the user name and password into the sign-in form and press 登录, as a person does."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stSidebar"] >> text=退出登录', timeout=60_000)
    wait_rendered(page)


def wait_checked(page, timeout_ms: int = 120_000) -> None:
    """Wait for the import page's dry run to pass, then for the page to settle.

    The page's caption and the uploader's help also say 校验通过, so only the passed message's
    own opening (up to its first figure) tells that the check is over.
    """
    page.wait_for_selector(f"text={t('imports.passed').split('{')[0]}", timeout=timeout_ms)
    wait_rendered(page)


def set_sidebar_date(page, label: str, day: str) -> None:
    """Type a date (YYYY-MM-DD) into a sidebar date field, then click elsewhere, as a person does:
    the field commits its value when it loses focus."""
    y, m, d = day.split("-")
    page.locator(f'[data-testid="stSidebar"] [role="spinbutton"][aria-label="year, {label}"]').click()
    page.keyboard.type(y + m + d)
    page.locator("h1").first.click()
    page.wait_for_timeout(1000)
    wait_rendered(page)


def sidebar_date(page, label: str) -> str:
    parts = ("year", "month", "day")
    return "-".join(page.locator(f'[data-testid="stSidebar"] [role="spinbutton"][aria-label="{p}, {label}"]')
                    .inner_text() for p in parts)


def follow_menu(page, url_path: str) -> None:
    """Click a page's link in the sidebar menu."""
    # Streamlit writes the default page's link as href="" and the others as their url_path.
    page.locator(f'[data-testid="stSidebar"] a[href="{url_path}"]').first.click()
    page.wait_for_timeout(800)
    wait_rendered(page)


def everything_shown(page) -> str:
    """The page's text plus the HTML of every frame (the map is an iframe): what the browser holds."""
    parts = [page.inner_text("body")]
    parts += [f.content() for f in page.frames if f != page.main_frame]
    return "\n".join(parts)
