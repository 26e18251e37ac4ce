"""Load test: N concurrent signed-in sessions cycling their pages on a real server, optionally during an import.

    uv run python benchmarks/load.py [--db STORE] [--sessions 25] [--duration 60] [--think 2.0]
                                     [--max-pages 5000] [--import-rows 100000] [--shared-accounts] [--json]

What it does, all on 127.0.0.1 and bounded in time and count:

1. Copies ``--db`` into a temporary folder (the original is never written), or builds an
   18,000-household demo store there with ``paicha demo``; reads the towns from its divisions.
2. Starts ``streamlit run server.py`` on a free loopback port with ``PAICHA_DB`` set (as ``make run``
   does, headless), waits for ``/_stcore/health``, and always stops it at the end.
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
   every page twice: the second visit is the reference each page's median is divided by.
5. With ``--import-rows``, once that first phase is over, an administrator in headless Chromium
   (Playwright, /usr/bin/chromium) uploads a generated roster of that many households on 数据导入,
   waits for the check, confirms, and waits for the final message, while the sessions go on; the
   sessions' pages in that second phase are reported apart.

Counted as an error: an exception element, an ``st.error`` on the page, a page not found, a run
that does not finish in time, a dropped connection. Counted as a scope mix-up: a page of a town
supervisor whose messages (text, tables, charts, map HTML) contain another town's name.

Prints p50/p95/max per page and overall for each phase, sessions held, errors and mix-ups; with
``--json`` the last line is the same as JSON (the load test in tests/e2e reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
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
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, started_app  # noqa: E402
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

    async def connect(self) -> None:
        # The first subprotocol entry selects the protocol; the browser would add its XSRF token
        # and a session id to resume, which a fresh tab without cookies does not have.
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=30, ping_interval=None)

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


async def drive(url: str, args: argparse.Namespace, towns: dict[str, str], roster: Path | None,
                users: list[tuple[str, Role, str]]) -> dict:
    state = State(stop_at=time.monotonic() + 3600, max_pages=args.max_pages, sessions=args.sessions,
                  duration=args.duration)
    tasks = [asyncio.create_task(session(i, url, state, args.think, towns, users)) for i in range(args.sessions)]
    imported = None
    if roster is not None:
        await state.all_signed_in.wait()
        await asyncio.sleep(max(state.stop_at - time.monotonic(), 0))
        state.stop_at = time.monotonic() + args.import_timeout
        state.phase = "import"
        try:
            imported = await admin_import(url, roster, args.import_timeout)
        except Exception as exc:  # the figures of both phases are still worth printing
            imported = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        state.stop_at = time.monotonic()
    await asyncio.gather(*tasks)
    return {"state": state, "imported": imported}


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


def add_accounts(path: Path, users: list[tuple[str, Role, str]]) -> None:
    """Create, in the copied store, the users the demo does not have (same roles, towns, password)."""
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


def prepare_store(folder: Path, db: Path | None) -> Path:
    target = folder / "load.duckdb"
    if db is not None:
        shutil.copy(db, target)
    else:
        subprocess.run([str(Path(sys.executable).with_name("paicha")), "demo", "--db", str(target)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return target


def read_towns(path: Path) -> dict[str, str]:
    from data_loaders.store import Store, close_all
    from paicha.config import load_settings
    from paicha.scope import Scope

    towns = Store(path, read_only=True).towns(Scope.district(load_settings().district_code))
    close_all()  # the server opens the file next; DuckDB allows one writer process
    return dict(zip(towns["town_code"], towns["town_name"], strict=True))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="store to copy (default: a fresh 18,000-household demo)")
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
    with tempfile.TemporaryDirectory(prefix="paicha-load-") as tmp:
        folder = Path(tmp)
        db = prepare_store(folder, args.db)
        towns = read_towns(db)
        users = accounts(args.sessions, args.shared_accounts)
        add_accounts(db, users)
        roster = None
        if args.import_rows:
            start = time.perf_counter()
            roster = roster_file(folder, args.import_rows)
            print(f"roster: {args.import_rows} rows, {roster.stat().st_size / 1e6:.1f} MB, built in "
                  f"{time.perf_counter() - start:.0f} s (not measured)", flush=True)
        with started_app(db) as app:
            alone = asyncio.run(reference(app.url))
            started, server_cpu, client_cpu = time.perf_counter(), cpu_seconds(app.proc.pid), time.process_time()
            out = asyncio.run(drive(app.url, args, towns, roster, users))
            wall = time.perf_counter() - started
            server_cpu = cpu_seconds(app.proc.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
            log = server_tracebacks(app)
    state: State = out["state"]
    report = {"sessions": args.sessions, "alone": {k: round(v, 3) for k, v in alone.items()},
              "server_cpu_seconds": round(server_cpu, 1), "client_cpu_seconds": round(client_cpu, 1), "held": state.held, "peak_connected": state.peak,
              "wall_seconds": round(wall, 1), "menus": state.menus, "failures": state.failures[:10],
              "idle": summary([s for s in state.samples if s.phase == "idle"]),
              "import": summary([s for s in state.samples if s.phase == "import"]) if roster else None,
              "imported": out["imported"]}
    print(f"load: {args.sessions} sessions as {len({s.username for s in state.samples})} users, "
          f"think {args.think} s, {args.duration:.0f} s idle phase; wall {wall:.0f} s, {os.cpu_count()} cores; "
          f"CPU server {server_cpu:.0f} s, load client {client_cpu:.0f} s")
    print("reference, a lone admin (2nd visit): " + "  ".join(f"{k}={v:.3f}" for k, v in alone.items()))
    print(f"sessions held to the end={state.held}/{args.sessions}  peak connected={state.peak}  "
          f"session failures={len(state.failures)}")
    for failure in state.failures[:10]:
        print(f"   failure: {failure}")
    print_phase("no import running", report["idle"], alone)
    if roster is not None:
        print(f"-- import of {args.import_rows} rows: {out['imported']}")
        print_phase("while the admin imports", report["import"], alone)
    if log:
        print(f"server log: {len(log)} tracebacks; the first:")
        print(log[0])
    report["server_tracebacks"] = len(log)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
