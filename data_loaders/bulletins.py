"""The 进展通报 in the store: figures for a scope and date, issued snapshots, numbering, files."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pandas as pd

from data_loaders import reports
from data_loaders.store import Store
from paicha.bulletin import (
    NOT_ON_TRACK,
    BulletinFigures,
    Comparison,
    replay_difference,
)
from paicha.config import Settings
from paicha.overview import Overview
from paicha.scope import Scope
from paicha.text import t


class BulletinError(ValueError):
    """An issue that cannot be made (the number was taken meanwhile); the message says what to do."""


def scope_name(store: Store, settings: Settings, scope: Scope) -> str:
    """The district's short name (千山区) or the town's name, as a 通报 is headed."""
    if scope.town_code:
        towns = store.towns(scope)
        return towns["town_name"].iloc[0] if not towns.empty else scope.town_code
    return settings.district_short_name


def figures_of(overview: Overview, scope: Scope, name: str, reasons: dict[str, str]) -> BulletinFigures:
    """What a 通报 states, from the overview the pages show for the same scope and date."""
    district = overview.towns.iloc[0:0] if overview.district.empty else overview.district.to_frame().T
    return BulletinFigures.from_frames(overview.as_of, scope.key(), name, district, overview.towns,
                                       overview.villages, overview.lights, reasons,
                                       overview.short_span["code"].tolist())


def counted_figures(store: Store, settings: Settings, scope: Scope, as_of: dt.date) -> BulletinFigures:
    """The figures of a 通报 for ``scope`` as of ``as_of`` without the reasons' sentences: what a
    comparison and a replay use (they compare counts, so the 村级进度 report is not built).
    """
    overview = reports.overview(store, settings, scope, as_of)
    return figures_of(overview, scope, scope_name(store, settings, scope), {})


def reasons_of(store: Store, settings: Settings, scope: Scope, as_of: dt.date) -> dict[str, str]:
    """Why each village not on track is behind: the 村级进度 page's sentence for the same date."""
    # The sentence does not depend on the comparison date; comparing with as_of itself is the cheapest.
    villages = reports.village_report(store, settings, scope, as_of, as_of).villages
    behind = villages[villages["status"].isin(NOT_ON_TRACK) & (villages["why"] != "")]
    return dict(zip(behind["code"], behind["why"], strict=True))


@dataclass(frozen=True)
class Issued:
    """One issued 通报: its number, dates, who issued it, and what it printed."""

    issue_number: int
    as_of: dt.date
    since_issue: int | None
    since_day: dt.date | None
    issued_at: dt.datetime
    issued_by: str
    data_version: int
    figures: BulletinFigures
    next_steps: str


def issued_list(store: Store, scope: Scope) -> pd.DataFrame:
    """The issued 通报 of a scope, newest first (no file contents)."""
    if scope.is_empty or not _exists(store):
        return pd.DataFrame(columns=["issue_number", "as_of", "since_issue", "since_day", "issued_at", "issued_by"])
    return store.query(
        "SELECT issue_number, as_of, since_issue, since_day, issued_at, issued_by FROM bulletins "
        "WHERE scope = ? ORDER BY issue_number DESC", [scope.key()])


def _exists(store: Store) -> bool:
    # A read-only store of an older version cannot have been given the table on open.
    rows = store.cursor().execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'bulletins'").fetchall()
    return bool(rows[0][0])


def last_issued(store: Store, scope: Scope) -> Issued | None:
    log = issued_list(store, scope)
    return issued(store, scope, int(log["issue_number"].iloc[0])) if not log.empty else None


def issued(store: Store, scope: Scope, number: int) -> Issued | None:
    if scope.is_empty or not _exists(store):
        return None
    rows = store.cursor().execute(
        "SELECT issue_number, as_of, since_issue, since_day, issued_at, issued_by, data_version, figures, "
        "next_steps FROM bulletins WHERE scope = ? AND issue_number = ?", [scope.key(), number]).fetchall()
    if not rows:
        return None
    n, as_of, since_issue, since_day, at, by, version, fig, steps = rows[0]
    return Issued(n, as_of, since_issue, since_day, at, by, version, BulletinFigures.from_json(fig), steps)


def issued_files(store: Store, scope: Scope, number: int) -> dict[str, bytes | None]:
    """The files of an issued 通报 exactly as they were issued."""
    rows = store.cursor().execute("SELECT docx, xlsx, pdf FROM bulletins WHERE scope = ? AND issue_number = ?",
                                  [scope.key(), number]).fetchall() if _exists(store) else []
    if not rows:
        return {}
    docx, xlsx, pdf = rows[0]
    return {"docx": bytes(docx), "xlsx": bytes(xlsx), "pdf": bytes(pdf) if pdf is not None else None}


def next_number(store: Store, scope: Scope) -> int:
    log = issued_list(store, scope)
    return int(log["issue_number"].max()) + 1 if not log.empty else 1


def comparison(store: Store, settings: Settings, scope: Scope, since: dt.date | None) -> Comparison | None:
    """The last issued 通报 (``since`` None), exactly as it was reported; or a replayed date."""
    if since is None:
        last = last_issued(store, scope)
        return Comparison(last.figures, last.issue_number) if last else None
    return Comparison(counted_figures(store, settings, scope, since))


def issue(store: Store, scope: Scope, number: int, comparison_: Comparison | None, current: BulletinFigures,
          next_steps: str, files: dict[str, bytes | None], user: str) -> None:
    """Record an issued 通报 with its files; refused if ``number`` was taken in the meantime."""
    since_issue = comparison_.issue_number if comparison_ else None
    since_day = comparison_.figures.day if comparison_ and since_issue is None else None
    try:
        with store.transaction(refresh=False) as cur:
            cur.execute(
                "INSERT INTO bulletins (scope, issue_number, as_of, since_issue, since_day, issued_at, issued_by, "
                "data_version, figures, next_steps, docx, xlsx, pdf, docx_sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [scope.key(), number, current.day, since_issue, since_day, dt.datetime.now(), user,
                 store.data_version(), current.to_json(), next_steps, files["docx"], files["xlsx"],
                 files.get("pdf"), hashlib.sha256(files["docx"]).hexdigest()])
            store.audit(user, "bulletin_issue", scope, {"issue_number": number, "as_of": current.as_of,
                                                        "since_issue": since_issue, "since_day": since_day},
                        len(current.villages))
    except store.engine.ConstraintError as exc:
        raise BulletinError(t("bulletin.number_taken", number=number)) from exc


def replay_check(store: Store, settings: Settings, scope: Scope, number: int) -> pd.DataFrame | None:
    """Units whose replay today differs from what issue ``number`` printed (late-entered records)."""
    record = issued(store, scope, number)
    if record is None:
        return None
    return replay_difference(record.figures, counted_figures(store, settings, scope, record.as_of))
