"""The 进展通报's Excel annex: every village, the town table, the changes since the comparison."""

from __future__ import annotations

import pandas as pd

from data_loaders.excel import Column, Sheet, write_workbook
from paicha.bulletin import BulletinFigures, Comparison, pct, unit_changes
from paicha.text import t
from paicha.vocab import Status
from ui.documents.report import ranking_rows


def _status(code: object) -> str:
    return Status(code).label if isinstance(code, str) and code else ""


def _finish(unit: dict) -> str:
    if unit.get("finish_beyond_calendar"):
        return t("status.beyond_calendar", year=2026)
    return unit.get("projected_finish") or t("status.no_projection")


def build_annex(current: BulletinFigures, comparison: Comparison | None, ranking: pd.DataFrame) -> bytes:
    """An .xlsx printable on A4 landscape, header repeated, one page wide."""
    title = t("bulletin.annex_title", scope=current.scope_name, day=current.as_of)
    towns = {u["code"]: u["name"] for u in current.towns}
    village_columns = [Column(t("columns.town"), 12), Column(t("columns.village"), 18),
                       Column(t("columns.households"), 8), Column(t("columns.screened"), 8),
                       Column(t("columns.screened_pct"), 9), Column(t("columns.expected"), 9),
                       Column(t("columns.lag"), 8), Column(t("columns.key_households"), 8),
                       Column(t("columns.key_home_visited"), 9), Column(t("columns.first_screened_on"), 11),
                       Column(t("columns.span_workdays"), 9), Column(t("columns.projected_finish"), 12),
                       Column(t("columns.status"), 9), Column(t("bulletin.reasons"), 50)]
    villages = [[towns.get(v["parent_code"], v["parent_code"]), v["name"], v["households"], v["screened"],
                 pct(v["screened"], v["households"]), round(v["expected"]), round(v["expected"] - v["screened"]),
                 v["key_households"], v["key_home_visited"], v.get("first_screened_on") or "",
                 v.get("span_workdays") or 0, _finish(v), _status(v["status"]), current.reasons.get(v["code"], "")]
                for v in current.villages]
    headers, rows = ranking_rows(ranking, comparison is not None)
    sheets = [
        Sheet(t("bulletin.annex_villages"), village_columns, villages, title=title, landscape=True, boxed=True),
        Sheet(t("bulletin.annex_towns"), [Column(h, 11) for h in headers], rows, title=title, landscape=True,
              boxed=True),
    ]
    if comparison is not None:
        changes = unit_changes(current.towns + current.villages, comparison.figures.towns + comparison.figures.villages)
        sheets.append(Sheet(
            t("bulletin.annex_changes"),
            [Column(t("columns.village"), 20), Column(t("bulletin.screened_delta"), 12),
             Column(t("bulletin.key_home_delta"), 14), Column(t("bulletin.status_before"), 12),
             Column(t("bulletin.status_after"), 12)],
            [[c["name"], c["screened_delta"], c["key_home_delta"], _status(c["status_before"]),
              _status(c["status_after"])] for c in changes.to_dict(orient="records")],
            title=f"{title} · {t('bulletin.change_since', since=comparison.label)}", landscape=True, boxed=True))
    return write_workbook(sheets)
