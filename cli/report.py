"""`paicha report`: the 进展通报 files written to a folder, drafted or issued (numbered and kept)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from cli.common import EXIT_OK, Handler, UsageError, checked_scope, emit, open_store, parse_date
from cli.users import operator
from paicha.config import Settings
from paicha.text import t


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    # The document builders load matplotlib and python-docx: only this command pays for them.
    from ui.documents.pack import build_pack, issue_pack

    store = open_store(args, settings)
    scope = checked_scope(store, args, settings)
    if args.since is not None and args.since_last:
        raise UsageError(t("cli.since_conflict"))
    since = args.since  # None: compare with the last issued 通报, as --since-last says explicitly
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.issue:
        pack = issue_pack(store, settings, scope, args.as_of, since, None, operator())
    else:
        pack = build_pack(store, settings, scope, args.as_of, since)
    written = {}
    for kind, content in pack.files().items():
        if content is None:
            written[kind] = None
            continue
        path = out / f"{pack.file_stem}.{kind}"
        path.write_bytes(content)
        written[kind] = str(path)
    store.audit(operator(), "export_bulletin_cli", scope,
                {"as_of": args.as_of, "issue_number": pack.issue_number, "out": str(out)}, len(pack.figures.villages),
                masked=True)
    emit({"issue_number": pack.issue_number, "as_of": args.as_of,
          "since": pack.comparison.figures.as_of if pack.comparison else None,
          "since_issue": pack.comparison.issue_number if pack.comparison else None, **written})
    return EXIT_OK


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = command("report", cmd_report, t("cli.help.report"))
    p.add_argument("--as-of", type=parse_date, required=True)
    p.add_argument("--since", type=parse_date, help=t("cli.help.report_since"))
    p.add_argument("--since-last", action="store_true", help=t("cli.help.report_since_last"))
    p.add_argument("--town", help=t("cli.help.report_town"))
    p.add_argument("--out", required=True, help=t("cli.help.report_out"))
    p.add_argument("--issue", action="store_true", help=t("cli.help.report_issue"))
