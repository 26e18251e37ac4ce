"""Runs an import attempt end to end: limit, read, validate, count, apply in one transaction, log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass

import duckdb

from data_loaders.importing import messages
from data_loaders.importing.apply import apply_batch, count_changes
from data_loaders.importing.hazards import validate_hazard_files
from data_loaders.importing.reading import Table, read_tables, sniff_format
from data_loaders.importing.report import ImportIssue, ImportReport
from data_loaders.importing.resolve import Divisions
from data_loaders.importing.spec import APPLY_ORDER, MODE_CODES, MODES, ImportKind
from data_loaders.importing.validate import Context, Validated, validate_tables
from data_loaders.store import Store
from paicha.config import Settings
from paicha.scope import Scope


@dataclass
class _File:
    name: str
    sha256: str
    kind: ImportKind | None = None
    rows: int = 0


def _too_large(name: str, content: bytes, settings: Settings) -> ImportIssue | None:
    limit = settings.max_upload_mb * 1024 * 1024
    if len(content) > limit:
        return ImportIssue(name, "", None, "", "", messages.TOO_LARGE.format(
            size_mb=len(content) / 1024 / 1024, limit_mb=settings.max_upload_mb))
    if not content:
        return ImportIssue(name, "", None, "", "", messages.EMPTY_FILE)
    return None


def _read(files: list[tuple[str, bytes]], settings: Settings, kind: ImportKind | None
          ) -> tuple[list[_File], dict[ImportKind, list], list[ImportIssue]]:
    """Check sizes and read every file; group what was readable by kind."""
    infos, issues = [], []
    groups: dict[ImportKind, list] = {}
    for name, content in files:
        info = _File(name, hashlib.sha256(content).hexdigest(), kind)
        infos.append(info)
        problem = _too_large(name, content, settings)
        if problem:
            issues.append(problem)
            continue
        fmt = sniff_format(content)
        if fmt in ("zip", "geojson"):
            info.kind = ImportKind.hazards
            if kind not in (None, ImportKind.hazards):
                issues.append(ImportIssue(name, "", None, "", "", messages.MIXED_KINDS_NOT_ALLOWED.format(
                    kind=kind.label, detected=ImportKind.hazards.label)))
                continue
            groups.setdefault(ImportKind.hazards, []).append((name, content))
            continue
        if kind is ImportKind.hazards:
            issues.append(ImportIssue(name, "", None, "", "", messages.MIXED_KINDS_NOT_ALLOWED.format(
                kind=kind.label, detected=messages.A_SPREADSHEET)))
            continue
        info.kind, tables, read_issues = read_tables(name, content, fmt, kind)
        issues += read_issues
        if info.kind is not None and tables:
            groups.setdefault(info.kind, []).extend(tables)
    return infos, groups, issues


def _validate(store: Store, settings: Settings, groups: dict[ImportKind, list]) -> list[Validated]:
    ctx = Context(store, settings, Divisions(store.divisions(Scope.district(settings.district_code))))
    done = []
    for kind in APPLY_ORDER:
        if kind not in groups:
            continue
        if kind is ImportKind.hazards:
            batch = validate_hazard_files(groups[kind], ctx)
        else:
            tables: list[Table] = groups[kind]
            batch = validate_tables(kind, tables, ctx)
        if kind is ImportKind.households:
            ctx.batch_households = batch.frame.loc[
                batch.frame["household_id"].notna(),
                ["household_id", "town_code", "village_code", "head_id_number"]]
        done.append(batch)
    return done


def _log(cur: duckdb.DuckDBPyConnection, user: str, infos: list[_File], issues: list[ImportIssue],
         parts: dict[ImportKind, ImportReport], ok: bool, dry_run: bool) -> None:
    """One import_log line per file. Only counts go in: never values from a refused file."""
    errors = Counter(issue.file for issue in issues)
    now = dt.datetime.now()
    for info in infos:
        part = parts.get(info.kind)
        detail = {"errors": errors.get(info.name, 0), "error_count_batch": len(issues),
                  "files_in_batch": len(infos), "dry_run": dry_run,
                  "applied": bool(part and part.applied)}
        if part and ok:
            detail |= {"new": part.new, "changed": part.changed, "unchanged": part.unchanged}
        cur.execute(
            "INSERT INTO import_log (logged_at, user_name, kind, file_name, file_sha256, mode, "
            "row_count, ok, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now, user, info.kind.value if info.kind else "unknown", info.name, info.sha256,
             MODE_CODES[info.kind] if info.kind else "unknown", info.rows, ok,
             json.dumps(detail, ensure_ascii=False)],
        )


def import_files(store: Store, files: list[tuple[str, bytes]], *, settings: Settings, user: str,
                 kind: ImportKind | None = None, dry_run: bool = False) -> ImportReport:
    """Validate several files together and apply them in one transaction, or not at all.

    Files are usually of one kind (a roster split by town). A batch may also mix kinds, e.g. a
    roster with its screenings: screenings and key-group lists then match households of the
    same batch too, and kinds are applied households first. Every call is logged in
    ``import_log``, a dry run and a refusal included; a dry run writes nothing else.
    """
    infos, groups, issues = _read(files, settings, kind)
    batches = _validate(store, settings, groups) if groups else []
    for batch in batches:
        issues += batch.issues
        for info in infos:
            if info.kind is batch.kind:
                info.rows = batch.rows_by_file.get(info.name, 0)
    order = {name: i for i, (name, _) in enumerate(files)}
    issues.sort(key=lambda issue: (order.get(issue.file, len(order)), issue.row or 0))
    ok = not issues
    parts = {b.kind: ImportReport(ok=ok, kind=b.kind, rows=b.rows, mode=MODES[b.kind],
                                  errors=[i for i in issues if i.file in b.rows_by_file])
             for b in batches}
    if ok:
        cur = store.cursor()
        for batch in batches:
            part = parts[batch.kind]
            part.new, part.changed, part.unchanged = count_changes(cur, batch)
    if ok and not dry_run:
        try:
            with store.transaction() as cur:
                for batch in batches:
                    apply_batch(cur, batch)
                    parts[batch.kind].applied = True
                _log(cur, user, infos, issues, parts, ok=True, dry_run=False)
        except Exception:
            for part in parts.values():
                part.applied = False
            _log(store.cursor(), user, infos, issues, parts, ok=False, dry_run=False)
            raise
    else:
        _log(store.cursor(), user, infos, issues, parts, ok=ok, dry_run=dry_run)
    return _summary(kind, parts, issues, ok)


def _summary(kind: ImportKind | None, parts: dict[ImportKind, ImportReport],
             issues: list[ImportIssue], ok: bool) -> ImportReport:
    if len(parts) == 1:
        report = next(iter(parts.values()))
        report.errors = issues
        return report
    if not parts:
        return ImportReport(ok=ok, kind=kind, errors=issues, mode=MODES[kind] if kind else "")
    ordered = [parts[k] for k in APPLY_ORDER if k in parts]
    return ImportReport(
        ok=ok, kind=None, rows=sum(p.rows for p in ordered), errors=issues,
        new=sum(p.new for p in ordered), changed=sum(p.changed for p in ordered),
        unchanged=sum(p.unchanged for p in ordered), applied=all(p.applied for p in ordered),
        mode="\n".join(p.mode for p in ordered), parts=ordered,
    )


def import_file(store: Store, name: str, content: bytes, *, settings: Settings, user: str,
                kind: ImportKind | None = None, dry_run: bool = False) -> ImportReport:
    """Import one file (see :func:`import_files`); ``kind`` is detected from the headers if None."""
    return import_files(store, [(name, content)], settings=settings, user=user, kind=kind,
                        dry_run=dry_run)
