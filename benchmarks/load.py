"""Load test: N concurrent signed-in sessions cycling their pages on a real server, optionally during an import.

    uv run python benchmarks/load.py [--db STORE] [--households N] [--sessions 25] [--duration 60] [--think 2.0]
                                     [--max-pages 5000] [--import-rows 100000] [--shared-accounts] [--json]
    uv run python benchmarks/load.py --engine postgresql [--processes N | --sweep 1,2,4] [same options but --db]

What it does, all on 127.0.0.1 and bounded in time and count:

1. Copies ``--db`` into a temporary folder (the original is never written), or builds a demo store
   there with ``paicha demo`` (18,000 households, or ``--households``); reads the towns from its
   divisions. With ``--engine postgresql`` the store is a database on a throw-away PostgreSQL
   cluster (tests/pgcluster.py) in that folder instead, with the same demo built into it
   (``paicha demo --db URL``); ``--db`` is refused there, being a DuckDB file.
2. Starts ``streamlit run server.py`` on a free loopback port with ``PAICHA_DB`` set (as ``make run``
   does, headless), waits for ``/_stcore/health``, and always stops it at the end. Its file
   watcher is off (``STREAMLIT_SERVER_FILE_WATCHER_TYPE=none`` unless set otherwise): an edit in
   the working tree during a run would have every session drop the project's modules at its
   next run and re-import them under the others' feet (the .streamlit/config.toml's
   ``runOnSave = false`` does not stop that), which counts edits, not load.
   With ``--engine postgresql --processes N`` it starts N such servers on one fresh copy of the
   database, then nginx in front of them (its configuration, logs and temporary files in the
   folder): websockets go to the server with the fewest (``least_conn``); a browser is kept on
   the server of its first request by a cookie nginx sets (``paicha_route``), since an upload
   and media files live in the memory of the process whose websocket the page holds (a session
   itself is restored from the database in any process). The sessions and the importing
   administrator connect to nginx. ``--sweep 1,2,4`` runs the whole measurement for each count
   in turn, each on new servers and a new copy of the database, and ends with one table.
   A DuckDB file is held by one process, so more than one needs ``--engine postgresql``.
3. Opens ``--sessions`` websocket sessions on ``/_stcore/stream``, the protocol Streamlit's own
   front end speaks (protobuf ``BackMsg``/``ForwardMsg``), one user each: the eight demo accounts,
   then copies of them (same role and town, ``datun2``...) created in the copied store through
   data_loaders.accounts; ``--shared-accounts`` signs several sessions in as one account. Sign-in
   takes the real path: the client reads the ids of the sign-in form's widgets from the page it was
   sent, submits user name and password as widget states (Argon2 check, session row), and fetches the
   ``/auth/bind?ticket=`` image the page then asks for, so server.py sets the session cookie.
4. Each session cycles through the pages its sidebar menu links to (so exactly what its role may
   see), page by page as a click on the menu does (``rerun_script`` with the page's script hash),
   with a random think time, for ``--duration`` seconds counted from the moment every session has
   signed in (the sign-ins are reported apart), or until ``--max-pages`` runs. A page's latency is
   the time from the request to its ``script_finished``. Before that, a lone administrator visits
   every page twice: the second visit is the reference each page's median is divided by. With
   several servers the administrator does so on each server directly (so none starts cold), and
   the first server's figures are the reference.
5. With ``--import-rows``, once that first phase is over, an administrator in headless Chromium
   (Playwright, /usr/bin/chromium) uploads a generated roster of that many households on 数据导入,
   waits for the check, confirms, and waits for the final message, while the sessions go on; the
   sessions' pages in that second phase are reported apart.

Counted as an error: an exception element, an ``st.error`` on the page, a page not found, a run
that does not finish in time, a dropped connection. Counted as a scope mix-up: a page of a town
supervisor whose messages (text, tables, charts, map HTML) contain another town's name.

Prints p50/p95/max per page and overall for each phase, sessions held, errors and mix-ups; with
``--json`` the last line is the same as JSON (the load test in tests/e2e reads it). With
``--engine postgresql`` also, per server: the sessions nginx gave it (its access log holds each
websocket's client port and server), their pages, and its CPU seconds (children included: the
import's reader process); and PostgreSQL's, nginx's and the load client's (Chromium included)
CPU seconds; ``busy`` is all of those against the cores × the phase's length, ``machine`` the
cores' busy share from /proc/stat (anybody else's processes on the machine included). It then
ends with the table: per process count and phase, sessions held / started, sign-in p50, pages
p50/p95/max, pages started per second over the phase and that rate's ratio (×) to the smallest
count, errors, mix-ups and those CPU figures; with ``--json`` the last line holds every run's
figures and the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import pwd
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data_loaders.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: E402
from paicha.vocab import Role  # noqa: E402
from tests import pgcluster  # noqa: E402
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, App, free_port, started_app  # noqa: E402
from ui import keys  # noqa: E402
from ui.pages import PAGES  # noqa: E402

PAGE_TIMEOUT = 180  # seconds a page may take before it counts as an error (and the session stops)
BIND_MARK = b"/auth/bind?ticket="
DEFAULT_PAGE = next(p.url_path for p in PAGES if p.default)


class PageFailed(Exception):
    """A page run that did not end normally; the session stops, as a person would reload."""


@dataclass
class Sample:
    session: int
    username: str
    page: str
    seconds: float
    phase: str
    error: str = ""
    mixups: int = 0
    names_towns: int = 0  # a district-wide page that names other towns (the check's control)
    supervised: bool = False


@dataclass
class Run:
    """What one page run sent: its messages' raw bytes (for the scope check) and what went wrong."""

    blobs: list[bytes] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elements: list = field(default_factory=list)
    pages: list = field(default_factory=list)  # (url_pathname, page_script_hash) from navigation


@dataclass
class State:
    """Shared between the sessions: the phase, when to stop, the samples and who is connected."""

    phase: str = "idle"
    stop_at: float = 0.0
    max_pages: int = 0
    samples: list[Sample] = field(default_factory=list)
    connected: int = 0
    peak: int = 0
    held: int = 0
    failures: list[str] = field(default_factory=list)
    menus: dict[str, list[str]] = field(default_factory=dict)  # user -> the pages their menu links
    signed_in: int = 0  # sessions past their sign-in, successful or not
    sessions: int = 0
    all_signed_in: asyncio.Event = field(default_factory=asyncio.Event)
    duration: float = 0.0
    ports: dict[int, int] = field(default_factory=dict)  # session -> its websocket's local port

    def sign_in_over(self) -> None:
        """The measured phase starts when every session has passed its sign-in (a sign-in storm
        is reported apart, as the signin row).
        """
        self.signed_in += 1
        if self.signed_in == self.sessions:
            self.stop_at = time.monotonic() + self.duration
            self.all_signed_in.set()

    def done(self) -> bool:
        return time.monotonic() >= self.stop_at or len(self.samples) >= self.max_pages


def _check(msg: ForwardMsg, run: Run) -> None:
    kind = msg.WhichOneof("type")
    if kind == "delta":
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "new_element":
            element = delta.new_element
            run.elements.append(element)
            inner = element.WhichOneof("type")
            if inner == "exception":
                run.errors.append(f"exception: {element.exception.type}")
            elif inner == "alert" and element.alert.format == Alert.ERROR:
                run.errors.append(f"st.error: {element.alert.body[:80]}")
    elif kind == "navigation":
        run.pages = [(p.url_pathname, p.page_script_hash) for p in msg.navigation.app_pages]
    elif kind == "page_not_found":
        run.errors.append("page not found")


class Client:
    """One browser tab's worth of Streamlit protocol: a websocket, reruns, and what each run drew."""

    def __init__(self, url: str) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.http_url = url
        self.ws = None
        self.cookie = ""
        self.port = 0

    async def connect(self) -> None:
        # The first subprotocol entry selects the protocol; the browser would add its XSRF token
        # and a session id to resume, which a fresh tab without cookies does not have.
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=30, ping_interval=None)
        # The proxy logs the client port of each websocket with the server it went to.
        self.port = self.ws.local_address[1]

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, page_hash: str = "", widgets: list | None = None) -> Run:
        """Ask for a run (a page switch, a form submit) and collect its messages until it has finished."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = ""
        state.page_script_hash = page_hash
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        await self.ws.send(back.SerializeToString())
        run = Run()
        deadline = time.monotonic() + PAGE_TIMEOUT
        while True:
            try:
                data = await asyncio.wait_for(self.ws.recv(), timeout=max(deadline - time.monotonic(), 0.1))
            except TimeoutError as exc:
                raise PageFailed(f"no script_finished within {PAGE_TIMEOUT} s") from exc
            except websockets.ConnectionClosed as exc:
                raise PageFailed(f"connection closed: {exc}") from exc
            msg = ForwardMsg()
            msg.ParseFromString(data)
            run.blobs.append(data)
            _check(msg, run)
            if msg.WhichOneof("type") == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return run
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.errors.append("compile error")
                    return run
                # FINISHED_EARLY_FOR_RERUN: st.rerun() (after a sign-in); the next run follows.

    async def sign_in(self, username: str, password: str) -> Run:
        """Fill and submit the sign-in form as the front end would, then trade the ticket for the cookie."""
        form = await self.rerun()
        ids = {}
        for element in form.elements:
            inner = element.WhichOneof("type")
            if inner in ("text_input", "button"):
                ids[getattr(element, inner).id] = inner
        by_key = {key: next((i for i in ids if i.endswith(key)), None)
                  for key in (keys.SIGNIN_USERNAME, keys.SIGNIN_PASSWORD, keys.SIGNIN_SUBMIT)}
        if None in by_key.values():
            raise PageFailed(f"sign-in form not found (widgets {sorted(ids)})")
        widgets = []
        for key, value in ((keys.SIGNIN_USERNAME, username), (keys.SIGNIN_PASSWORD, password)):
            w = BackMsg().rerun_script.widget_states.widgets.add()
            w.id, w.string_value = by_key[key], value
            widgets.append(w)
        w = BackMsg().rerun_script.widget_states.widgets.add()
        w.id, w.trigger_value = by_key[keys.SIGNIN_SUBMIT], True
        widgets.append(w)
        run = await self.rerun(widgets=widgets)
        if not run.pages or not any(e.WhichOneof("type") == "page_link" for e in run.elements):
            raise PageFailed(f"sign-in as {username} did not reach the menu ({run.errors})")
        await self._bind(run)
        return run

    async def _bind(self, run: Run) -> None:
        """Fetch the one-time ticket URL the page embeds as an image, as the browser does."""
        for element in run.elements:
            if element.WhichOneof("type") == "html" and BIND_MARK.decode() in element.html.body:
                body = element.html.body
                path = body[body.index('src="') + 5:]
                path = path[:path.index('"')].replace("&amp;", "&")
                response = await asyncio.to_thread(urllib.request.urlopen, self.http_url + path, timeout=30)
                self.cookie = response.headers.get("Set-Cookie", "")
                return


def menu(run: Run) -> list[tuple[str, str]]:
    """The (url path, script hash) of every page the sidebar links to, in menu order."""
    hashes = {hash_: path for path, hash_ in run.pages}
    links = [e.page_link for e in run.elements if e.WhichOneof("type") == "page_link"]
    out = []
    for link in links:
        hash_ = link.page_script_hash
        # The default page's url path is empty; its script's stem names it.
        out.append((hashes.get(hash_) or DEFAULT_PAGE, hash_))
    return out


def mixups(run: Run, foreign: list[str]) -> int:
    """How many other towns' names the run's messages hold (raw UTF-8 or JSON-escaped)."""
    if not foreign:
        return 0
    raw = b"".join(run.blobs)
    count = 0
    for name in foreign:
        escaped = name.encode("ascii", "backslashreplace")  # as json.dumps writes it (plotly figures)
        if name.encode() in raw or escaped in raw:
            count += 1
    return count


def sample(index: int, username: str, page: str, start: float, phase: str, run: Run, foreign: list[str],
           supervised: bool) -> Sample:
    """A page run's figures. Other towns' names are a mix-up on a supervisor's page; on a district
    user's page they are expected, and counted as proof that the check can see them.
    """
    named = mixups(run, foreign)
    return Sample(index, username, page, time.perf_counter() - start, phase, "; ".join(run.errors),
                  named if supervised else 0, 0 if supervised else int(named > 0), supervised)


async def session(index: int, url: str, state: State, think: float, towns: dict[str, str],
                  users: list[tuple[str, Role, str]]) -> None:
    """One user: sign in, then cycle the menu's pages until the run is over."""
    username, role, town = users[index % len(users)]
    foreign = [name for code, name in towns.items() if code != town]
    supervised = role is Role.supervisor
    rng = random.Random(index)
    client = Client(url)
    held = False
    try:
        try:
            await asyncio.sleep(index * 0.2)  # people do not all press the button in the same instant
            await client.connect()
            state.ports[index] = client.port
            state.connected += 1
            state.peak = max(state.peak, state.connected)
            start = time.perf_counter()
            run = await client.sign_in(username, DEMO_PASSWORD)
        finally:
            state.sign_in_over()
        state.samples.append(sample(index, username, "signin", start, state.phase, run, foreign, supervised))
        await state.all_signed_in.wait()
        pages = menu(run)
        state.menus[username] = [path for path, _ in pages]
        position = index % len(pages)
        while not state.done():
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
            if state.done():
                break
            path, hash_ = pages[position]
            position = (position + 1) % len(pages)
            phase = state.phase
            start = time.perf_counter()
            run = await client.rerun(hash_)
            state.samples.append(sample(index, username, path, start, phase, run, foreign, supervised))
        held = True
    except PageFailed as exc:
        state.failures.append(f"session {index} ({username}): {exc}")
    except (OSError, websockets.WebSocketException) as exc:
        state.failures.append(f"session {index} ({username}): {type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            await client.close()
        if client.ws is not None:
            state.connected -= 1
        state.held += held


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def summary(samples: list[Sample]) -> dict:
    """p50/p95/max per page and overall, errors and mix-ups, for the samples of one phase."""
    by_page = defaultdict(list)
    for s in samples:
        by_page[s.page].append(s.seconds)
    rows = {page: {"n": len(v), "p50": round(statistics.median(v), 3), "p95": round(percentile(v, 0.95), 3),
                   "max": round(max(v), 3)} for page, v in sorted(by_page.items())}
    pages = [s.seconds for s in samples if s.page != "signin"]
    overall = ({"n": len(pages), "p50": round(statistics.median(pages), 3), "p95": round(percentile(pages, 0.95), 3),
                "max": round(max(pages), 3)} if pages else {"n": 0})
    return {"pages": rows, "overall": overall, "errors": sum(bool(s.error) for s in samples),
            "mixups": sum(s.mixups for s in samples),
            "supervisor_pages": sum(s.supervised for s in samples),
            "district_pages_naming_towns": f"{sum(s.names_towns for s in samples)}/"
                                           f"{sum(not s.supervised for s in samples)}",
            "error_examples": sorted({f"{s.page}: {s.error}" for s in samples if s.error})[:5]}


def print_phase(name: str, figures: dict, alone: dict[str, float]) -> None:
    print(f"-- {name}: {figures['overall'].get('n', 0)} page runs")
    print(f"   {'page':<14}{'n':>6}{'p50 s':>9}{'p95 s':>9}{'max s':>9}{'p50/alone':>11}")
    for page, row in figures["pages"].items():
        ratio = f"{row['p50'] / alone[page]:.1f}" if alone.get(page) else "-"
        print(f"   {page:<14}{row['n']:>6}{row['p50']:>9.3f}{row['p95']:>9.3f}{row['max']:>9.3f}{ratio:>11}")
    o = figures["overall"]
    if o.get("n"):
        print(f"   {'all pages':<14}{o['n']:>6}{o['p50']:>9.3f}{o['p95']:>9.3f}{o['max']:>9.3f}")
    print(f"   errors={figures['errors']}  scope mix-ups={figures['mixups']} on "
          f"{figures['supervisor_pages']} supervisor pages (control: district pages naming a town "
          f"{figures['district_pages_naming_towns']})")
    for example in figures["error_examples"]:
        print(f"   error: {example}")


def roster_file(folder: Path, rows: int) -> Path:
    """A roster of ``rows`` synthetic households as the export template's .xlsx (benchmarks/import_roster.py)."""
    from data_loaders.importing import ImportKind, export_to_template
    from data_loaders.store import Store, close_all
    from paicha.config import load_settings
    from paicha.scope import Scope
    from tests.importing.synthetic_import_data import households, load

    settings = load_settings()
    source = Store.create(folder / "roster_source.duckdb", demo=False)
    load(source, settings, roster=households(settings, n=rows, seed=1))
    content = export_to_template(source, ImportKind.households, Scope.district(settings.district_code))
    close_all()
    path = folder / "roster.xlsx"
    path.write_bytes(content)
    return path


async def admin_import(url: str, roster: Path, timeout: float) -> dict:
    """An administrator in Chromium: sign in, upload the roster on 数据导入, confirm, wait for the result."""
    from playwright.async_api import async_playwright

    from paicha.text import t

    def css(key: str) -> str:
        return ".st-key-" + key.replace(".", "-")

    done_prefix = t("imports.done").split("{")[0]
    result = {"rows": 0, "upload_to_check_s": None, "upload_to_done_s": None, "error": ""}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(PAGE_TIMEOUT * 1000)
            await page.goto(url)
            await page.locator(f"{css(keys.SIGNIN_USERNAME)} input").fill("admin")
            await page.locator(f"{css(keys.SIGNIN_PASSWORD)} input").fill(DEMO_PASSWORD)
            await page.locator(f"{css(keys.SIGNIN_SUBMIT)} button").click()
            await page.wait_for_selector(css(keys.SIDEBAR_SIGN_OUT), timeout=60_000)
            # The menu link, as a person clicks it (Streamlit writes the link as the url path).
            await page.locator('[data-testid="stSidebar"] a[href="imports"]').first.click()
            await page.wait_for_selector(f'{css(keys.IMPORT_FILES)} input[type="file"]', state="attached",
                                         timeout=60_000)
            start = time.perf_counter()
            await page.locator(f'{css(keys.IMPORT_FILES)} input[type="file"]').set_input_files(str(roster))
            confirm = page.locator(f"{css(keys.IMPORT_CONFIRM)} button")
            error = page.locator('[data-testid="stAlertContentError"]')
            await page.wait_for_function(
                f"""() => document.querySelector('{css(keys.IMPORT_CONFIRM)} button')
                       || document.querySelector('[data-testid="stAlertContentError"]')""",
                timeout=timeout * 1000)
            result["upload_to_check_s"] = round(time.perf_counter() - start, 1)
            if await error.count():
                result["error"] = (await error.first.inner_text())[:200]
                return result
            for box in (keys.IMPORT_CONFIRM_MOVES, keys.IMPORT_CONFIRM_ID_CHANGES):
                if await page.locator(css(box)).count():
                    await page.locator(f"{css(box)} label").click()
            await confirm.click()
            await page.wait_for_function(
                """(prefix) => [...document.querySelectorAll('[data-testid="stAlertContentSuccess"],'
                                + '[data-testid="stAlertContentError"]')]
                       .some(e => e.innerText.startsWith(prefix) || e.closest('[data-testid="stAlertContentError"]'))""",
                arg=done_prefix, timeout=timeout * 1000)
            result["upload_to_done_s"] = round(time.perf_counter() - start, 1)
            if await error.count():
                result["error"] = (await error.first.inner_text())[:200]
            else:
                result["rows"] = _rows_of(await page.locator('[data-testid="stAlertContentSuccess"]').last.inner_text())
        finally:
            await browser.close()
    return result


def _rows_of(text: str) -> int:
    digits = "".join(ch if ch.isdigit() else " " for ch in text).split()
    return int(digits[0]) if digits else 0


async def reference(url: str) -> dict[str, float]:
    """Each page's time for a lone administrator (its second visit, caches warm): the ratio's base."""
    client = Client(url)
    await client.connect()
    try:
        pages = menu(await client.sign_in("admin", DEMO_PASSWORD))
        alone = {}
        for _ in range(2):
            for path, hash_ in pages:
                start = time.perf_counter()
                await client.rerun(hash_)
                alone[path] = time.perf_counter() - start
        return alone
    finally:
        await client.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc), to tell the server's share."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict[str, int]:
    """A server's resident memory now and its peak (VmRSS, VmHWM), in MB: issue 14's bound is on the
    process after every page has been visited.
    """
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss_mb": int(status["VmRSS"].split()[0]) // 1024, "peak_mb": int(status["VmHWM"].split()[0]) // 1024}


async def drive(url: str, args: argparse.Namespace, towns: dict[str, str], roster: Path | None,
                users: list[tuple[str, Role, str]], mark: Callable[[str], None] = lambda _: None) -> dict:
    """Run the sessions (and the import); ``mark`` is called as each phase starts and as the last ends."""
    state = State(stop_at=time.monotonic() + 3600, max_pages=args.max_pages, sessions=args.sessions,
                  duration=args.duration)
    tasks = [asyncio.create_task(session(i, url, state, args.think, towns, users)) for i in range(args.sessions)]
    imported = None
    await state.all_signed_in.wait()
    mark("idle")
    if roster is not None:
        await asyncio.sleep(max(state.stop_at - time.monotonic(), 0))
        state.stop_at = time.monotonic() + args.import_timeout
        state.phase = "import"
        mark("import")
        try:
            imported = await admin_import(url, roster, args.import_timeout)
        except Exception as exc:  # the figures of both phases are still worth printing
            imported = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        state.stop_at = time.monotonic()
        mark("end")
    idle_ends = state.stop_at  # without an import, the moment the sessions stop starting pages
    await asyncio.gather(*tasks)
    if roster is None:
        mark("end")
    return {"state": state, "imported": imported, "idle_ends": idle_ends}


def accounts(count: int, shared: bool) -> list[tuple[str, Role, str]]:
    """Who the sessions sign in as: ``count`` different users, the demo accounts first and then
    copies of them (``datun2``, ``admin3``...) that :func:`add_accounts` creates; with ``shared``
    the eight demo accounts in turn. Supervisors and district users alternate, so a short run has both.
    """
    district = [(n, r, town) for n, r, town, _ in DEMO_ACCOUNTS if r is not Role.supervisor]
    towns = [(n, r, town) for n, r, town, _ in DEMO_ACCOUNTS if r is Role.supervisor]
    mixed = [a for pair in zip(district, towns, strict=False) for a in pair] + towns[len(district):]
    if shared:
        return mixed
    return [(name if i < len(mixed) else f"{name}{i // len(mixed) + 1}", role, town)
            for i, (name, role, town) in ((i, mixed[i % len(mixed)]) for i in range(count))]


def add_accounts(path: Path | str, users: list[tuple[str, Role, str]]) -> None:
    """Create, in the copied store (a file, or a database by its URL), the users the demo does not
    have (same roles, towns, password).
    """
    from data_loaders import accounts as account_api
    from data_loaders.store import Store, close_all
    from paicha.config import load_settings

    settings = load_settings()
    store = Store(path, read_only=False)
    for name, role, town in users:
        if not account_api.exists(store, name):
            account_api.add_user(store, settings.auth, settings.district_code, name, role, DEMO_PASSWORD,
                                 town_code=town or None, by="load")
    close_all()


def server_tracebacks(app) -> list[str]:
    """The tracebacks the server printed (a user sees none: client.showErrorDetails is off)."""
    lines = []
    while not app.lines.empty():
        lines.append(app.lines.get_nowait())
    blocks, current = [], None
    for line in lines:
        if line.startswith("Traceback"):
            current = [line]
            blocks.append(current)
        elif current is not None and (line.startswith((" ", "\t")) or len(current) < 60):
            current.append(line)
            if not line.startswith((" ", "\t")):
                current = None  # the exception's own line ends the block
    return ["".join(block[-30:]) for block in blocks]


def build_demo(target: Path | str, households: int | None) -> None:
    extra = ["--households", str(households)] if households else []
    subprocess.run([str(Path(sys.executable).with_name("paicha")), "demo", "--db", str(target), *extra], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def prepare_store(folder: Path, db: Path | None, households: int | None = None) -> Path:
    target = folder / "load.duckdb"
    if db is not None:
        shutil.copy(db, target)
    else:
        build_demo(target, households)
    return target


def read_towns(path: Path | str) -> dict[str, str]:
    from data_loaders.store import Store, close_all
    from paicha.config import load_settings
    from paicha.scope import Scope

    towns = Store(path, read_only=True).towns(Scope.district(load_settings().district_code))
    close_all()  # the server opens the file next; DuckDB allows one writer process
    return dict(zip(towns["town_code"], towns["town_name"], strict=True))


# -- several servers on one PostgreSQL, behind nginx ---------------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # /usr/sbin is not on every user's PATH
ROUTE_COOKIE = "paicha_route"
ENGINES = ("duckdb", "postgresql")


def _process_table() -> dict[int, tuple[int, float]]:
    """Every process: pid -> (its parent, its CPU seconds plus those of its children that ended)."""
    tick = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        table[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / tick)
    return table


def tree_cpu(table: dict[int, tuple[int, float]], root: int, skip: frozenset[int] = frozenset()) -> float:
    """CPU seconds of ``root`` and its descendants, alive or ended, leaving out ``skip`` and theirs.

    A server's import reader and PostgreSQL's backends are processes of their own, so the
    process alone would hide most of the work.
    """
    children = defaultdict(list)
    for pid, (parent, _) in table.items():
        children[parent].append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in skip or pid not in table:
            continue
        total += table[pid][1]
        todo.extend(children[pid])
    return total


def machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot (/proc/stat): other people's processes count too."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


class Meter:
    """The CPU seconds of everything that shares the cores, read at named moments (the phases' edges)."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots  # name -> pid of the root of its process tree
        self.marks: dict[str, tuple[float, dict[str, float]]] = {}
        self.machine: dict[str, tuple[int, int]] = {}

    def mark(self, name: str) -> None:
        table = _process_table()
        cpu = {who: tree_cpu(table, pid) for who, pid in self.roots.items()}
        # This process's tree holds the servers and nginx too (its children), and Playwright's
        # Chromium, which is the client's.
        cpu["load client"] = tree_cpu(table, os.getpid(), frozenset(self.roots.values()))
        self.marks[name] = (time.monotonic(), cpu)
        self.machine[name] = machine_ticks()

    def between(self, first: str, last: str) -> dict:
        (t0, c0), (t1, c1) = self.marks[first], self.marks[last]
        seconds = t1 - t0
        cpu = {who: round(c1[who] - c0[who], 1) for who in c1}
        cores = os.cpu_count() or 1
        (b0, a0), (b1, a1) = self.machine[first], self.machine[last]
        return {"seconds": round(seconds, 1), "cpu": cpu,
                "busy": round(sum(cpu.values()) / (cores * seconds), 2) if seconds > 0 else None,
                "machine_busy": round((b1 - b0) / (a1 - a0), 2) if a1 > a0 else None}


@dataclass
class Proxy:
    proc: subprocess.Popen
    url: str
    prefix: Path

    def log(self) -> list[tuple[int, str, str]]:
        """(client port, server, request URI) of every request nginx has logged (see nginx_conf)."""
        path = self.prefix / "access.log"
        rows = []
        for line in path.read_text().splitlines() if path.exists() else []:
            port, server, _status, _seconds, _method, uri = line.split(" ", 5)
            rows.append((int(port), server, uri))
        return rows


def nginx_conf(prefix: Path, port: int, servers: list[str]) -> str:
    """One upstream of the servers. A websocket is one connection and so stays on its server;
    ``least_conn`` counts open websockets, so sessions spread evenly. A browser's later requests
    follow the cookie to the server of its first one: an upload reaches the session that asked
    for it only in that process (Streamlit keeps uploads and media in memory). Plain clients
    without the cookie (the load's websockets, its /auth/bind) are balanced.
    """
    user = ""
    # Only a root master switches its worker's user (else nginx warns); www-data is Debian's.
    if os.geteuid() == 0:
        name = "www-data"
        try:
            pwd.getpwnam(name)
        except KeyError:
            name = "nobody"
        user = f"user {name};"
    sticky = "\n".join(f'        "{s}" {s};' for s in servers)  # only known servers, never a cookie's address
    members = "\n".join(f"        server {s};" for s in servers)
    return f"""{user}
worker_processes 1;  # one worker, so least_conn's counts are one table
pid {prefix}/nginx.pid;
lock_file {prefix}/nginx.lock;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format paicha '$remote_port $upstream_addr $status $request_time $request_method $request_uri';
    access_log {prefix}/access.log paicha;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    # Above server.maxUploadSize (50 MB), so the app, not the proxy, refuses a big file, in Chinese.
    client_max_body_size 64m;
    map $cookie_{ROUTE_COOKIE} $paicha_backend {{
        default paicha;
{sticky}
    }}
    upstream paicha {{
        least_conn;
{members}
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        # A page run may take minutes during a big import; a websocket idles between clicks.
        proxy_read_timeout 1h;
        proxy_send_timeout 1h;
        location /_stcore/stream {{
            proxy_pass http://$paicha_backend;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
        }}
        location / {{
            proxy_pass http://$paicha_backend;
            proxy_set_header Host $http_host;
            add_header Set-Cookie "{ROUTE_COOKIE}=$upstream_addr; Path=/; HttpOnly; SameSite=Strict";
        }}
    }}
}}
"""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def started_nginx(prefix: Path, servers: list[str]) -> Iterator[Proxy]:
    """nginx in front of ``servers`` (host:port), as a child process, until the block ends."""
    prefix.mkdir()
    prefix.chmod(0o755)  # the worker's user must reach its temporary folders in it
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, port, servers))
    with (prefix / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"),
                                 "-g", "daemon off;"], stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
    proxy = Proxy(proc, f"http://127.0.0.1:{port}", prefix)
    try:
        deadline = time.monotonic() + 30
        while not _healthy(proxy.url):
            if proc.poll() is not None or time.monotonic() > deadline:
                said = "".join(p.read_text(errors="replace") for p in (prefix / "stderr.log", prefix / "error.log")
                               if p.exists())
                raise RuntimeError(f"nginx did not answer on {proxy.url}:\n{said[-2000:]}")
            time.sleep(0.2)
        yield proxy
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _started_at(pid: int) -> int | None:
    """When a process started (clock ticks since boot): with the pid, who it is (pids are reused)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _descendants(pid: int) -> dict[int, int | None]:
    table = _process_table()
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _) in table.items():
            if ppid == parent and child not in found:
                found[child] = _started_at(child)
                todo.append(child)
    return found


@contextmanager
def app_process(store: Path | str) -> Iterator[App]:
    """started_app, killed if it does not stop when asked, and without the processes it leaves.

    A server stopped by SIGTERM leaves its import reader (data_loaders/importing/worker.py, about
    270 MB after a big roster) and multiprocessing's resource tracker running under init, for good.
    """
    app, children = None, {}
    try:
        with started_app(store) as app:
            try:
                yield app
            finally:
                children = _descendants(app.proc.pid)
    finally:
        if app is not None:
            _stop(app.proc)
        for pid, started in children.items():
            if started is not None and _started_at(pid) == started:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)


@contextmanager
def cluster_in(folder: Path) -> Iterator[pgcluster.Cluster]:
    from data_loaders.store import close_all

    cluster = pgcluster.start(folder)
    try:
        yield cluster
    finally:
        close_all()
        cluster.stop()


@contextmanager
def database_copy(cluster: pgcluster.Cluster, name: str) -> Iterator[str]:
    """A fresh copy of the built database for one run: earlier runs' imports, sessions and audit
    lines would otherwise make the counts' stores differ.
    """
    url = cluster.create_database(name, template=pgcluster.ROLE)
    try:
        yield url
    finally:
        cluster.drop_database(name)


def _server(app: App) -> str:
    return app.url.removeprefix("http://")  # as nginx's $upstream_addr writes it


def postmaster_pid(cluster: pgcluster.Cluster) -> int:
    return int((cluster.base_dir / "data" / "postmaster.pid").read_text().split()[0])


def measure(store: Path | str, processes: int, args: argparse.Namespace, towns: dict[str, str],
            roster: Path | None, users: list[tuple[str, Role, str]], folder: Path,
            cluster: pgcluster.Cluster | None = None) -> dict:
    """One measurement on ``processes`` servers of ``store``: behind nginx on PostgreSQL, alone on DuckDB."""
    proxied = args.engine == "postgresql"
    with contextlib.ExitStack() as stack:
        apps = [stack.enter_context(app_process(store)) for _ in range(processes)]
        proxy = (stack.enter_context(started_nginx(folder / f"nginx-{processes}", [_server(a) for a in apps]))
                 if proxied else None)
        url = proxy.url if proxy else apps[0].url
        alone = asyncio.run(reference(apps[0].url))
        for app in apps[1:]:
            asyncio.run(reference(app.url))  # warm as the first, so that no server starts cold
        roots = {_server(a): a.proc.pid for a in apps}
        if proxy:
            roots["nginx"] = proxy.proc.pid
            roots["postgres"] = postmaster_pid(cluster)
        meter = Meter(roots)
        meter.mark("start")
        started, server_cpu, client_cpu = time.perf_counter(), sum(cpu_seconds(a.proc.pid) for a in apps), \
            time.process_time()
        out = asyncio.run(drive(url, args, towns, roster, users, meter.mark))
        wall = time.perf_counter() - started
        server_cpu = sum(cpu_seconds(a.proc.pid) for a in apps) - server_cpu
        client_cpu = time.process_time() - client_cpu
        memory = [memory_mb(a.proc.pid) for a in apps]
        meter.mark("done")
        log = [block for a in apps for block in server_tracebacks(a)]
        requests = proxy.log() if proxy else []
    state: State = out["state"]
    report = {"engine": args.engine, "processes": processes, "sessions": args.sessions,
              "users": len({s.username for s in state.samples}), "alone": {k: round(v, 3) for k, v in alone.items()},
              "server_cpu_seconds": round(server_cpu, 1), "client_cpu_seconds": round(client_cpu, 1),
              "server_memory": memory, "held": state.held, "peak_connected": state.peak,
              "wall_seconds": round(wall, 1), "menus": state.menus, "failures": state.failures[:10],
              "idle": summary([s for s in state.samples if s.phase == "idle"]),
              "import": summary([s for s in state.samples if s.phase == "import"]) if roster else None,
              "imported": out["imported"], "server_tracebacks": len(log), "first_traceback": log[0] if log else ""}
    phases = {"idle": ("idle", "import" if roster else "end")} | ({"import": ("import", "end")} if roster else {})
    report["cpu"] = {phase: meter.between(*edges) for phase, edges in phases.items()}
    report["cpu"]["all"] = meter.between("start", "done")
    # Pages started per second over the phase; without an import the idle phase ends when the
    # sessions stop starting pages, not when the last one has finished.
    windows = {"idle": (meter.marks["idle"][0], meter.marks["import"][0] if roster else out["idle_ends"])}
    if roster:
        windows["import"] = (meter.marks["import"][0], meter.marks["end"][0])
    for phase, (begin, end) in windows.items():
        report[phase]["seconds"] = round(end - begin, 1)
        report[phase]["pages_per_second"] = round(report[phase]["overall"].get("n", 0) / (end - begin), 2)
    if proxy:
        report["servers"] = per_server(state, apps, requests, report["cpu"])
    return report


def per_server(state: State, apps: list[App], requests: list[tuple[int, str, str]], cpu: dict) -> list[dict]:
    """What nginx gave each server: its websockets (by the client port the access log shows), those
    sessions' pages per phase, every request, and the server's CPU seconds per phase.
    """
    by_port = {port: server for port, server, uri in requests if uri.startswith("/_stcore/stream")}
    server_of = {index: by_port.get(port, "?") for index, port in state.ports.items()}
    rows = []
    for server in [_server(a) for a in apps] + (["?"] if "?" in server_of.values() else []):
        pages = defaultdict(int)
        for s in state.samples:
            if s.page != "signin" and server_of.get(s.session) == server:
                pages[s.phase] += 1
        rows.append({"server": server, "sessions": sum(v == server for v in server_of.values()),
                     "pages": dict(pages), "requests": sum(r[1] == server for r in requests),
                     "cpu_seconds": {phase: figures["cpu"].get(server) for phase, figures in cpu.items()}})
    return rows


def print_report(report: dict, args: argparse.Namespace, roster: Path | None) -> None:
    alone = report["alone"]
    print(f"load: {args.sessions} sessions as {report['users']} users, "
          f"think {args.think} s, {args.duration:.0f} s idle phase; wall {report['wall_seconds']:.0f} s, "
          f"{os.cpu_count()} cores; CPU server {report['server_cpu_seconds']:.0f} s, "
          f"load client {report['client_cpu_seconds']:.0f} s")
    print("server memory at the end: " + "  ".join(f"RSS {m['rss_mb']} MB (peak {m['peak_mb']} MB)"
                                                   for m in report["server_memory"]))
    print("reference, a lone admin (2nd visit): " + "  ".join(f"{k}={v:.3f}" for k, v in alone.items()))
    print(f"sessions held to the end={report['held']}/{args.sessions}  peak connected={report['peak_connected']}  "
          f"session failures={len(report['failures'])}")
    for failure in report["failures"]:
        print(f"   failure: {failure}")
    print_phase("no import running", report["idle"], alone)
    if roster is not None:
        print(f"-- import of {args.import_rows} rows: {report['imported']}")
        print_phase("while the admin imports", report["import"], alone)
    if report.get("servers"):
        print(f"-- {report['processes']} servers behind nginx (least_conn; a browser kept by cookie):")
        for row in report["servers"]:
            cpu = "  ".join(f"{phase} {v:.1f}" for phase, v in row["cpu_seconds"].items() if v is not None)
            print(f"   {row['server']:<17} sessions={row['sessions']:<3} pages={row['pages']}  "
                  f"requests={row['requests']}  CPU s: {cpu}")
        for phase, figures in report["cpu"].items():
            others = "  ".join(f"{who} {v:.1f}" for who, v in figures["cpu"].items() if not who[0].isdigit())
            busy, machine = (f"{figures[k]:.0%}" if figures[k] is not None else "-" for k in ("busy", "machine_busy"))
            print(f"   CPU s over {phase} ({figures['seconds']:.0f} s): {others}; all together {busy} of "
                  f"{os.cpu_count()} cores (the machine, everyone's processes: {machine})")
    if report["server_tracebacks"]:
        print(f"server log: {report['server_tracebacks']} tracebacks; the first:")
        print(report["first_traceback"])


def table_rows(reports: list[dict]) -> list[dict]:
    """The sweep's table: one row per process count and phase, its rate against the smallest count's."""
    rows = []
    for report in reports:
        for phase in ("idle", "import"):
            figures = report.get(phase)
            if not figures:
                continue
            o, signin = figures["overall"], figures["pages"].get("signin", {})
            servers = report.get("servers") or []
            rows.append({"processes": report["processes"], "phase": phase, "held": report["held"],
                         "started": report["sessions"], "signin_p50": signin.get("p50"), "pages": o.get("n", 0),
                         "p50": o.get("p50"), "p95": o.get("p95"), "max": o.get("max"),
                         "pages_per_second": figures["pages_per_second"], "errors": figures["errors"],
                         "mixups": figures["mixups"],
                         "app_cpu_seconds": [s["cpu_seconds"].get(phase) for s in servers if s["server"] != "?"],
                         "cpu_seconds": report["cpu"][phase]["cpu"], "busy": report["cpu"][phase]["busy"],
                         "machine_busy": report["cpu"][phase]["machine_busy"]})
    base = {}
    for row in rows:
        base.setdefault(row["phase"], row)  # the first run is the smallest count (the sweep is sorted)
    for row in rows:
        first = base[row["phase"]]["pages_per_second"]
        row["ratio"] = round(row["pages_per_second"] / first, 2) if first else None
    return rows


def print_table(rows: list[dict]) -> None:
    def num(value, fmt=".2f") -> str:
        return "-" if value is None else format(value, fmt)

    print(f"== sweep: pages per second against {rows[0]['processes']} process(es) (×)")
    print(f"{'proc':>4} {'phase':<7}{'held':>7}{'sign-in':>9}{'pages':>7}{'p50':>7}{'p95':>7}{'max':>7}"
          f"{'pages/s':>9}{'×':>6}{'errors':>7}{'mix-ups':>8}  {'CPU s: apps':<20}{'postgres':>9}{'nginx':>7}"
          f"{'client':>8}{'busy':>6}{'machine':>8}")
    for r in rows:
        cpu = r["cpu_seconds"]
        apps = "+".join(num(v, ".0f") for v in r["app_cpu_seconds"])
        print(f"{r['processes']:>4} {r['phase']:<7}{r['held']:>3}/{r['started']:<3}{num(r['signin_p50']):>9}"
              f"{r['pages']:>7}{num(r['p50']):>7}{num(r['p95']):>7}{num(r['max'], '.1f'):>7}"
              f"{r['pages_per_second']:>9.2f}{num(r['ratio']):>6}{r['errors']:>7}{r['mixups']:>8}  {apps:<20}"
              f"{num(cpu.get('postgres'), '.0f'):>9}{num(cpu.get('nginx'), '.0f'):>7}"
              f"{num(cpu.get('load client'), '.0f'):>8}{num(r['busy'], '.0%'):>6}{num(r['machine_busy'], '.0%'):>8}")


def process_counts(text: str) -> list[int]:
    try:
        counts = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of process counts: {text!r} (say 1,2,4)") from None
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError(f"process counts are whole numbers from 1: {text!r}")
    return counts


def _terminated(signum: int, _frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> dict:
    # Python's default SIGTERM ends the process on the spot; raised as SystemExit instead, a
    # `timeout` or a kill still runs the blocks that stop the servers, nginx and the cluster.
    signal.signal(signal.SIGTERM, _terminated)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="store to copy (default: a fresh 18,000-household demo)")
    parser.add_argument("--households", type=int, help="households of the built demo (default: the demo's 18,000)")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb",
                        help="postgresql: the store on a throw-away cluster, the servers behind nginx")
    parser.add_argument("--processes", type=int, default=1, help="app servers (more than one: postgresql only)")
    parser.add_argument("--sweep", type=process_counts,
                        help="process counts to measure in turn, e.g. 1,2,4, ending with a table")
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--duration", type=float, default=60, help="seconds of the no-import phase")
    parser.add_argument("--shared-accounts", action="store_true",
                        help="sign in as the eight demo accounts in turn (several sessions per account) "
                             "instead of one user per session")
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between pages, seconds")
    parser.add_argument("--max-pages", type=int, default=5000, help="bound on page runs in all")
    parser.add_argument("--import-rows", type=int, default=0, help="households an admin imports in phase two")
    parser.add_argument("--import-timeout", type=float, default=900)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    args = parser.parse_args(argv)
    if args.sweep and args.processes != 1:
        parser.error("--sweep names the process counts itself; leave --processes out")
    counts = args.sweep or [args.processes]
    if counts[0] < 1:
        parser.error("--processes must be 1 or more")
    if args.engine == "duckdb" and counts[-1] > 1:
        parser.error("more than one app process needs --engine postgresql: a DuckDB file is held by one "
                     "process at a time, so a second server could not open it")
    if args.engine == "postgresql" and args.db is not None:
        parser.error("--db copies a DuckDB file; with --engine postgresql the demo is built on the throw-away "
                     "cluster (--households sets its size)")
    if args.engine == "postgresql" and not Path(NGINX).exists():
        parser.error("no nginx: `make nginx` installs it")
    os.environ.setdefault("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")  # why: the docstring, step 2
    with tempfile.TemporaryDirectory(prefix="paicha-load-") as tmp:
        folder = Path(tmp)
        # PostgreSQL (as root: the postgres user) and nginx's worker must reach their subfolders.
        folder.chmod(0o711)
        users = accounts(args.sessions, args.shared_accounts)
        with contextlib.ExitStack() as stack:
            cluster = None
            if args.engine == "duckdb":
                db = prepare_store(folder, args.db, args.households)
                towns = read_towns(db)
                add_accounts(db, users)
                stores = lambda _name: contextlib.nullcontext(db)  # noqa: E731
            else:
                cluster = stack.enter_context(cluster_in(folder / "pg"))
                build_demo(cluster.url, args.households)
                towns = read_towns(cluster.url)
                add_accounts(cluster.url, users)
                stores = functools.partial(database_copy, cluster)
            roster = None
            if args.import_rows:
                start = time.perf_counter()
                roster = roster_file(folder, args.import_rows)
                print(f"roster: {args.import_rows} rows, {roster.stat().st_size / 1e6:.1f} MB, built in "
                      f"{time.perf_counter() - start:.0f} s (not measured)", flush=True)
            reports = []
            for index, processes in enumerate(counts):
                if len(counts) > 1:
                    print(f"== {processes} process(es)", flush=True)
                with stores(f"load_{index}") as store:
                    report = measure(store, processes, args, towns, roster, users, folder, cluster)
                reports.append(report)
                print_report(report, args, roster)
                sys.stdout.flush()
    rows = table_rows(reports)
    if args.engine == "postgresql" or args.sweep:
        print_table(rows)
    result = reports[0] if len(reports) == 1 else {"engine": args.engine, "sweep": counts, "runs": reports}
    result["table"] = rows
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
