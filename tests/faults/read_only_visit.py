"""Visits the app and the CLI on a read-only database and prints what each step showed, as JSON.

Run by ``test_read_only.py`` in a process without root's rights (root may write any file, so a
read-only file is only read-only to somebody else)::

    PAICHA_DB=<read-only copy> python -m tests.faults.read_only_visit <writable folder>
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

from cli.main import main as cli
from tests.app.test_spot_checks import draw_through_the_form
from tests.app.walk import go_to, open_app, set_as_of, shown, sign_in
from ui import keys
from ui.text import t

FILES = Path(__file__).resolve().parents[1] / "importing" / "files"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page(script: str, user: str):
    at = go_to(sign_in(open_app(), user), script)
    return set_as_of(at, dt.date(2024, 9, 14))


def seen(at) -> dict:
    return {"exception": [str(e.value) for e in at.exception], "errors": [shown(e.value) for e in at.error],
            "metrics": {m.label: m.value for m in at.metric}, "tables": [len(d.value) for d in at.dataframe]}


def command(*argv: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli(list(argv))
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


def visit(writable: Path) -> dict:
    db = os.environ["PAICHA_DB"]
    report = {"overview": seen(page("pages/overview.py", "leader")),
              "villages": seen(page("pages/villages.py", "leader")),
              "risk_map": seen(page("pages/risk_map.py", "leader")),
              "households": seen(page("pages/households.py", "leader"))}
    at = page("pages/households.py", "admin")  # the household lists are where identifiers can be unmasked
    report["unmask"] = seen(at.toggle(key=keys.HOUSEHOLDS_UNMASK).set_value(True).run())
    at = page("pages/imports.py", "admin")
    at.file_uploader(key=keys.IMPORT_FILES).set_value(("roster.xls", (FILES / "roster.xls").read_bytes(), XLSX))
    report["import"] = seen(at.run())
    report["draw"] = seen(draw_through_the_form(page("pages/spot_checks.py", "checker")))
    report["cli_import"] = command("import", str(FILES / "roster.xls"), "--db", db)
    report["cli_backup"] = command("backup", "--db", db, "--out", str(writable / "backup.duckdb"))
    report["households_label"] = t("overview.households")
    return report


if __name__ == "__main__":
    print(json.dumps(visit(Path(sys.argv[1])), ensure_ascii=False))
