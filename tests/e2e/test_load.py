"""The load script (benchmarks/load.py) runs against a real server: its sessions hold, with no error and no mix-up."""

import json
import subprocess
import sys

import pytest

from tests.e2e.browser import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report() -> dict:
    # Three sessions: an administrator, a town supervisor and a district leader (the script's order).
    out = subprocess.run([sys.executable, "benchmarks/load.py", "--sessions", "3", "--duration", "10",
                          "--think", "0.5", "--max-pages", "200", "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_session_signs_in_and_holds_to_the_end(report):
    assert report["held"] == report["sessions"] == report["peak_connected"] == 3
    assert report["failures"] == []
    assert report["idle"]["pages"]["signin"]["n"] == 3


def test_the_sessions_visit_pages_without_an_error(report):
    idle = report["idle"]
    assert idle["overall"]["n"] > 3
    assert idle["errors"] == 0, idle["error_examples"]
    assert report["server_tracebacks"] == 0


def test_a_supervisor_never_sees_another_town_and_the_check_would_see_one(report):
    idle = report["idle"]
    assert idle["supervisor_pages"] > 0
    assert idle["mixups"] == 0
    # The control: district-wide pages do name the towns, so the check finds names where they are.
    named, pages = map(int, idle["district_pages_naming_towns"].split("/"))
    assert pages > 0 and named > 0


def test_each_session_cycles_the_pages_its_role_may_see(report):
    menus = report["menus"]
    assert {"imports", "users", "audit"} <= set(menus["admin"])
    assert {"overview", "villages", "households", "risk_map", "spot_checks"} <= set(menus["tanggangzi"])
    for user in ("tanggangzi", "leader"):
        assert not {"imports", "users", "audit"} & set(menus[user])
    visited = set(report["idle"]["pages"]) - {"signin"}
    assert visited <= set().union(*menus.values())
