"""Runs an import attempt end to end: limit, read, validate, count, apply in one transaction, log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from functools import partial

from data_loaders.engines import Cursor
from data_loaders.importing.apply import apply_batch, count_changes, household_changes
from data_loaders.importing.reading import read_tables
from data_loaders.importing.report import HouseholdChange, ImportIssue, ImportReport
from data_loaders.importing.resolve import Divisions
from data_loaders.importing.spec import APPLY_ORDER, MODE_CODES, MODES, ImportKind
from data_loaders.importing.validate import Context, Typed, Validated, type_tables, validate_typed
from data_loaders.store import Store, StoreError
from data_loaders.workbook import sniff_format
from paicha.config import Settings
from paicha.privacy import mask_id
from paicha.scope import Scope
from paicha.text import joined, t
from paicha.vocab import Permission


@dataclass
class _File:
    name: str
    sha256: str
    kind: ImportKind | None = None
    rows: int = 0


def _too_large(name: str, content: bytes, settings: Settings) -> ImportIssue | None:
    limit = settings.max_upload_mb * 1024 * 1024
    if len(content) > limit:
        return ImportIssue(name, "", None, "", "", t("import.error.too_large", size_mb=len(content) / 1024 / 1024,
                                                     limit_mb=settings.max_upload_mb))
    if not content:
        return ImportIssue(name, "", None, "", "", t("import.error.empty_file"))
    return None


def _read(files: list[tuple[str, bytes]], settings: Settings, kind: ImportKind | None,
          pending: Sequence[Future | None] | None = None
          ) -> tuple[list[_File], dict[ImportKind, list], list[ImportIssue]]:
    """Check sizes and read every file; group what was readable by kind."""
    infos, issues = [], []
    groups: dict[ImportKind, list] = {}
    for position, (name, content) in enumerate(files):
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
                issues.append(ImportIssue(name, "", None, "", "", t(
                    "import.error.mixed_kinds_not_allowed", kind=kind.label, detected=ImportKind.hazards.label)))
                continue
            groups.setdefault(ImportKind.hazards, []).append((name, content))
            continue
        if kind is ImportKind.hazards:
            issues.append(ImportIssue(name, "", None, "", "", t(
                "import.error.mixed_kinds_not_allowed", kind=kind.label, detected=t("import.term.a_spreadsheet"))))
            continue
        info.kind, tables, read_issues = read_tables(name, content, fmt, kind,
                                                     pending[position] if pending else None)
        issues += read_issues
        if info.kind is not None and tables:
            groups.setdefault(info.kind, []).extend(tables)
    return infos, groups, issues


@dataclass
class Prepared:
    """What reading a batch found, before any store look-up: picklable, so a worker process can
    make it (``worker``) and the server validate it (``import_files(..., prepared=...)``).

    ``groups`` holds each spreadsheet kind's tables read and typed, and the hazard files as they
    came (a layer is read with geopandas when validated).
    """

    infos: list[_File]
    groups: dict[ImportKind, Typed | list[tuple[str, bytes]]]
    issues: list[ImportIssue]
    # Set by import_files in the server: the last validation of these groups, the store and its
    # content version it was made against.
    validation: _Validation | None = None


@dataclass
class _Validation:
    store: Store  # the very store object: a reopened or restored file is another one
    content_version: int
    batches: list[Validated]
    divisions: Divisions


class _StoreChanged(Exception):
    """The store's content moved between the validation and the write's transaction."""


def prepare(files: list[tuple[str, bytes]], settings: Settings, kind: ImportKind | None = None,
            pending: Sequence[Future | None] | None = None) -> Prepared:
    """Check the sizes of ``files`` and read them, without the store.

    ``pending`` holds, file by file, a read of the workbook already under way (or None), as
    :func:`data_loaders.workbook.read_in_background` starts it.
    """
    infos, groups, issues = _read(files, settings, kind, pending)
    # Typing every cell needs no store and is most of the validation: done here, it runs in the
    # worker process with the reading instead of in the server.
    return Prepared(infos, {k: found if k is ImportKind.hazards else type_tables(k, found)
                            for k, found in groups.items()}, issues)


def _validate(store: Store, settings: Settings, groups: dict[ImportKind, Typed | list[tuple[str, bytes]]]
              ) -> tuple[list[Validated], Divisions]:
    divisions = Divisions(store.divisions(Scope.district(settings.district_code)))
    ctx = Context(store, settings, divisions)
    done = []
    for kind in APPLY_ORDER:
        if kind not in groups:
            continue
        if kind is ImportKind.hazards:
            # geopandas and pyogrio take about a second to load: only a hazard layer needs them.
            from data_loaders.importing.hazards import validate_hazard_files

            batch = validate_hazard_files(groups[kind], ctx)
        else:
            batch = validate_typed(groups[kind], ctx)
        if kind is ImportKind.households:
            ctx.batch_households = batch.frame.loc[
                batch.frame["household_id"].notna(),
                ["household_id", "town_code", "village_code", "head_id_number"]]
        done.append(batch)
    return done, divisions


def _log(cur: Cursor, user: str, infos: list[_File], issues: list[ImportIssue],
         parts: dict[ImportKind, ImportReport], ok: bool, dry_run: bool, extra: dict | None = None) -> None:
    """One import_log line per file. Only counts go in: never values from a refused file."""
    errors = Counter(issue.file for issue in issues)
    now = dt.datetime.now()
    for info in infos:
        part = parts.get(info.kind)
        detail = {"errors": errors.get(info.name, 0), "error_count_batch": len(issues),
                  "files_in_batch": len(infos), "dry_run": dry_run,
                  "applied": bool(part and part.applied)} | (extra or {})
        if part and ok:
            detail |= {"new": part.new, "changed": part.changed, "unchanged": part.unchanged}
        cur.execute(
            "INSERT INTO import_log (logged_at, user_name, kind, file_name, file_sha256, mode, "
            "row_count, ok, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now, user, info.kind.value if info.kind else "unknown", info.name, info.sha256,
             MODE_CODES[info.kind] if info.kind else "unknown", info.rows, ok,
             json.dumps(detail, ensure_ascii=False)],
        )


def _place(divisions: Divisions, town_code: str, village_code: str) -> str:
    return f"{divisions.town_names.get(town_code, town_code)} {divisions.village_names.get(village_code, village_code)}"


def _household_changes(cur: Cursor, batch: Validated, divisions: Divisions
                       ) -> list[HouseholdChange]:
    changes = []
    for row in household_changes(cur, batch).itertuples(index=False):
        origin = batch.origins.loc[row.idx]
        changes.append(HouseholdChange(
            household_id=str(row.household_id), file=origin["file"], sheet=origin["sheet"], row=int(origin["row"]),
            old_town_code=row.old_town_code, new_town_code=row.new_town_code,
            old_village_code=row.old_village_code, new_village_code=row.new_village_code,
            old_place=_place(divisions, row.old_town_code, row.old_village_code),
            new_place=_place(divisions, row.new_town_code, row.new_village_code),
            old_id_number=mask_id(row.old_id_number) or "", new_id_number=mask_id(row.new_id_number) or "",
            moves=(row.old_town_code, row.old_village_code) != (row.new_town_code, row.new_village_code),
            changes_id=isinstance(row.old_id_number, str) and row.old_id_number != row.new_id_number))
    return changes


def _database_issue(files: list[tuple[str, bytes]], exc: BaseException) -> ImportIssue:
    """A DuckDB error while counting or writing, as an issue of the batch (the write was undone)."""
    return ImportIssue(joined(name for name, _ in files), "", None, "", "",
                       t("import.error.database_failed", reason=exc))


def import_files(store: Store, files: list[tuple[str, bytes]], *, settings: Settings, user: str,
                 kind: ImportKind | None = None, dry_run: bool = False, confirm_moves: int = 0,
                 confirm_id_changes: int = 0, progress: Callable[[str], None] | None = None,
                 prepared: Prepared | None = None) -> ImportReport:
    """Validate several files together and apply them in one transaction, or not at all.

    Files are usually of one kind (a roster split by town). A batch may also mix kinds, e.g. a
    roster with its screenings: screenings and key-group lists then match households of the
    same batch too, and kinds are applied households first. Every call is logged in
    ``import_log``, a dry run and a refusal included; a dry run writes nothing else.

    A roster that would move stored households to another town or village, or give them
    another head's ID number, is refused unless ``confirm_moves`` (``confirm_id_changes``)
    equals the number of such households listed in the report. ``progress`` hears, inside the
    transaction, when each kind starts being written, and when the write is committed.
    ``prepared`` is what :func:`prepare` made of the same ``files`` (in a worker process): the
    files are then not read again, and while the store's content is as it was at the last call
    with it (a check, then its confirm), not validated again either.

    A store that cannot be written (read-only, moved, full) raises its StoreError: the attempt
    cannot even be logged. Any other database error is reported as an issue, nothing written.
    """
    store.require_writable(Permission.import_data.label)
    if prepared is None:
        prepared = prepare(files, settings, kind)
    attempt = partial(_import, store, files, prepared, settings=settings, user=user, kind=kind, dry_run=dry_run,
                      confirm_moves=confirm_moves, confirm_id_changes=confirm_id_changes, progress=progress)
    for _ in range(WRITE_ATTEMPTS - 1):
        try:
            return attempt(final=False)
        except _StoreChanged:
            # Another write (another import, another server process) landed after this batch
            # was validated: validate and count again against the store as it now is.
            prepared.validation = None
    return attempt(final=True)


# A write that lands between an attempt's validation and its transaction sends the batch back to
# validation; after this many attempts in a row the import gives up and says so.
WRITE_ATTEMPTS = 3


def _import(store: Store, files: list[tuple[str, bytes]], prepared: Prepared, *, settings: Settings, user: str,
            kind: ImportKind | None, dry_run: bool, confirm_moves: int, confirm_id_changes: int,
            progress: Callable[[str], None] | None, final: bool) -> ImportReport:
    say = progress or (lambda _message: None)
    infos, groups, issues = prepared.infos, prepared.groups, list(prepared.issues)
    # Validation reads the store's divisions and households alone, and every write to households
    # moves the content version (divisions are loaded once, into an empty store, before any roster
    # can pass). So at an unchanged version the last validation stands: a confirm right after its
    # check does not do it again. The write's transaction makes sure the version is still that one.
    version = store.content_version()
    previous = prepared.validation
    reused = previous is not None and previous.store is store and previous.content_version == version
    if reused:
        batches, divisions = previous.batches, previous.divisions
    else:
        batches, divisions = _validate(store, settings, groups) if groups else ([], None)
        prepared.validation = _Validation(store, version, batches, divisions)
    for batch in batches:
        issues += batch.issues
        for info in infos:
            if info.kind is batch.kind:
                info.rows = batch.rows_by_file.get(info.name, 0)
    order = {name: i for i, (name, _) in enumerate(files)}
    issues.sort(key=lambda issue: (order.get(issue.file, len(order)), issue.row or 0))
    parts = {b.kind: ImportReport(ok=False, kind=b.kind, rows=b.rows, mode=MODES[b.kind],
                                  errors=[i for i in issues if i.file in b.rows_by_file])
             for b in batches}
    changes: list[HouseholdChange] = []
    if not issues:
        try:
            cur = store.cursor()
            for batch in batches:
                part = parts[batch.kind]
                part.new, part.changed, part.unchanged = count_changes(cur, batch)
                if batch.kind is ImportKind.households:
                    changes = _household_changes(cur, batch, divisions)
        except store.Error as exc:
            issues.append(_database_issue(files, exc))
    moves = [c for c in changes if c.moves]
    id_changes = [c for c in changes if c.changes_id]
    moves_confirmed = not moves or confirm_moves == len(moves)
    id_changes_confirmed = not id_changes or confirm_id_changes == len(id_changes)
    ok = not issues and moves_confirmed and id_changes_confirmed
    extra = {"moves": len(moves), "moves_confirmed": moves_confirmed,
             "id_changes": len(id_changes), "id_changes_confirmed": id_changes_confirmed}
    if ok and not dry_run:
        try:
            with store.transaction() as cur:
                if store.content_version(cur) != version:
                    raise _StoreChanged
                for batch in batches:
                    say(t("import.progress.applying", kind=batch.kind.label, rows=batch.rows))
                    apply_batch(cur, batch)
                    parts[batch.kind].applied = True
                _log(cur, user, infos, issues, parts, ok=True, dry_run=False, extra=extra)
                # The audit log holds every change to the store's people, beside the import log's
                # per-file detail: one line, in the same transaction as the rows it records.
                store.audit(user, "import", Scope.district(settings.district_code),
                            {"files": [i.name for i in infos], "kinds": [k.value for k in parts]} | extra,
                            sum(p.rows for p in parts.values()))
            say(t("import.progress.committed"))
        except (StoreError, store.Error, _StoreChanged) as exc:
            if isinstance(exc, _StoreChanged) and not final:
                raise
            for part in parts.values():
                part.applied = False
            if isinstance(exc, store.Error):
                issues.append(_database_issue(files, exc))
            elif isinstance(exc, _StoreChanged):
                issues.append(ImportIssue(joined(name for name, _ in files), "", None, "", "",
                                          t("import.error.store_changed")))
            ok = False
            # The attempt is logged when the store still takes a line (a full disk may not).
            with suppress(StoreError, store.Error), store.writing() as cur:
                _log(cur, user, infos, issues, parts, ok=False, dry_run=False,
                     extra=extra | {"failed": type(exc).__name__})
            if isinstance(exc, StoreError):
                raise
    else:
        with store.writing() as cur:
            _log(cur, user, infos, issues, parts, ok=ok, dry_run=dry_run, extra=extra)
    for part in parts.values():
        part.ok = ok
    report = _summary(kind, parts, issues, ok)
    report.moves, report.id_changes = moves, id_changes
    report.moves_confirmed, report.id_changes_confirmed = moves_confirmed, id_changes_confirmed
    return report


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
                kind: ImportKind | None = None, dry_run: bool = False, **confirmations: int) -> ImportReport:
    """Import one file (see :func:`import_files`); ``kind`` is detected from the headers if None.

    ``confirm_moves`` and ``confirm_id_changes`` pass through to :func:`import_files`.
    """
    return import_files(store, [(name, content)], settings=settings, user=user, kind=kind,
                        dry_run=dry_run, **confirmations)
