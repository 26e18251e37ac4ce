"""Display frames and lines of the 进展通报 page: the issued list, the replay check, the ready note."""

from __future__ import annotations

import pandas as pd

from paicha.bulletin import BulletinFigures, Comparison
from paicha.text import t
from ui.tables.formats import when_text


def issued_table(log: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("bulletin.number"): [t("bulletin.doc_number", number=n) for n in log["issue_number"]],
        t("bulletin.as_of"): [str(d)[:10] for d in log["as_of"]],
        t("bulletin.since"): [t("bulletin.since_issue_short", number=int(n)) if pd.notna(n) else
                              (str(d)[:10] if pd.notna(d) else "") for n, d in zip(log["since_issue"],
                                                                                   log["since_day"], strict=True)],
        t("bulletin.issued_at"): [when_text(v) for v in log["issued_at"]],
        t("bulletin.issued_by"): log["issued_by"].to_numpy(),
    })


def replay_text(differences: pd.DataFrame | None) -> str:
    """What today's replay of an issued date says against the issued figures."""
    if differences is None or differences.empty:
        return t("bulletin.replay_same")
    district = differences[differences["code"].str.len() == 6]
    delta = int(district["screened_delta"].sum()) if not district.empty else int(differences["screened_delta"].sum())
    return t("bulletin.replay_diff", n=len(differences), delta=delta)


def ready_text(figures: BulletinFigures, comparison: Comparison | None) -> str:
    return t("bulletin.ready", day=figures.as_of, since=comparison.label if comparison else t("bulletin.since_none"))
