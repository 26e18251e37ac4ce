"""The load script (benchmarks/load.py) on PostgreSQL with two servers behind nginx: the sessions
hold with no error and no mix-up, and the proxy gives both servers sessions and pages."""

import json
import subprocess
import sys

import pytest

from tests.e2e.browser import ROOT

pytestmark = pytest.mark.e2e

SESSIONS = 4


@pytest.fixture(scope="module")
def report() -> dict:
    # A small demo keeps it under a minute: the cluster, the build, two servers, nginx, 10 s of load.
    out = subprocess.run([sys.executable, "benchmarks/load.py", "--engine", "postgresql", "--processes", "2",
                          "--sessions", str(SESSIONS), "--duration", "10", "--households", "2000",
                          "--think", "0.5", "--max-pages", "400", "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_session_signs_in_and_holds_to_the_end(report):
    assert report["engine"] == "postgresql" and report["processes"] == 2
    assert report["held"] == report["sessions"] == report["peak_connected"] == SESSIONS
    assert report["failures"] == []
    assert report["idle"]["pages"]["signin"]["n"] == SESSIONS


def test_the_sessions_visit_pages_without_an_error_or_a_mix_up(report):
    idle = report["idle"]
    assert idle["overall"]["n"] > SESSIONS
    assert idle["errors"] == 0, idle["error_examples"]
    assert report["server_tracebacks"] == 0, report["first_traceback"]
    assert idle["supervisor_pages"] > 0
    assert idle["mixups"] == 0
    named, pages = map(int, idle["district_pages_naming_towns"].split("/"))
    assert pages > 0 and named > 0  # the check sees town names where they are


def test_the_proxy_spreads_the_sessions_and_both_servers_serve_pages(report):
    servers = report["servers"]
    # Every websocket is found in nginx's access log, on one of the two servers ("?" otherwise).
    assert [s["server"] for s in servers] == [s for s in report["cpu"]["idle"]["cpu"] if s[0].isdigit()]
    assert len(servers) == 2
    # least_conn on long-lived websockets: two each.
    assert [s["sessions"] for s in servers] == [SESSIONS // 2] * 2
    assert sum(s["pages"]["idle"] for s in servers) == report["idle"]["overall"]["n"]
    for server in servers:
        assert server["pages"]["idle"] > 2, servers
        assert server["cpu_seconds"]["idle"] > 0.5, servers  # it rendered them, not just held a socket


def test_the_table_row_matches_the_figures(report):
    (row,) = report["table"]
    assert row["processes"] == 2 and row["phase"] == "idle"
    assert (row["held"], row["started"], row["errors"], row["mixups"]) == (SESSIONS, SESSIONS, 0, 0)
    assert row["pages"] == report["idle"]["overall"]["n"]
    assert row["pages_per_second"] > 0 and row["ratio"] == 1.0


def test_more_than_one_process_on_duckdb_is_refused():
    out = subprocess.run([sys.executable, "benchmarks/load.py", "--processes", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 2
    assert "--engine postgresql" in out.stderr and "one process" in out.stderr
