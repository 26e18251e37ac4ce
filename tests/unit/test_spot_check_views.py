"""The spot-check page's builders as data: verdict tables, tabs, metrics and the error-rate figure."""

from __future__ import annotations

import json

import pandas as pd

from data_loaders.spot_checks import DrawVerdicts
from paicha import verdicts
from paicha.vocab import Verdict
from ui.figures.spot_checks import error_rate_figure
from ui.tables import spot_checks as tables
from ui.text import t


def checked_items() -> pd.DataFrame:
    """Three villages: V1 one error in two, V2 none in two, V3 (same name as V1) not checked."""
    rows = [("V1", "甲村", "甲", True), ("V1", "甲村", "甲", False), ("V2", "乙村", "乙", True),
            ("V2", "乙村", "乙", True), ("V3", "甲村", "乙", None)]
    frame = pd.DataFrame(rows, columns=["village_code", "village_name", "screener", "consistent"])
    return frame.assign(town_code="T", town_name="某镇", inclusion_probability=0.5, reason="random")


def draw_verdicts(items: pd.DataFrame, lqas: pd.DataFrame | None = None) -> DrawVerdicts:
    by_village = verdicts.error_rates(items, "village_code")
    by_village.insert(1, "village_name", by_village["village_code"].map(
        items.drop_duplicates("village_code").set_index("village_code")["village_name"]))
    by_village.insert(1, "town_name", "某镇")
    by_screener = verdicts.error_rates(items, "screener")
    by_town = verdicts.error_rates(items, "town_code").assign(town_name="某镇")
    return DrawVerdicts(verdicts.estimate(items), by_village, by_screener, by_town, lqas,
                        verdicts.follow_up_screeners(by_screener, 0.2), 0.2)


def test_the_error_rate_figure_puts_the_worst_village_on_top_and_leaves_out_the_unchecked():
    v = draw_verdicts(checked_items())
    fig = error_rate_figure(v.by_village, v.estimate.overall.rate)
    (dots,) = fig.data
    # Plotly draws the first category at the bottom: the worst village comes last.
    assert list(dots.y) == ["V2", "V1"] and list(dots.x) == [0.0, 50.0]
    assert list(fig.layout.yaxis.ticktext) == ["乙村", "甲村"]
    assert fig.layout.shapes[0].x0 == 100 * v.estimate.overall.rate  # the overall rate as a line


def test_verdict_tabs_lead_with_lqas_when_the_draw_has_it():
    items = checked_items()
    plain = tables.verdict_tabs(draw_verdicts(items), pd.Series({"parameters": json.dumps({"n": 5})}))
    assert list(plain) == [t("spot_checks.tab_village"), t("spot_checks.tab_screener"), t("spot_checks.tab_town")]
    lqas = verdicts.lqas_verdicts(items, {"V1": {"population": 10, "n": 2, "d": 2}}).assign(village_name="甲村")
    params = json.dumps({"upper": 0.8, "lower": 0.5, "alpha": 0.1, "beta": 0.1})
    tabs = tables.verdict_tabs(draw_verdicts(items, lqas), pd.Series({"parameters": params}))
    caption, table = tabs[t("spot_checks.tab_lqas")]
    assert next(iter(tabs)) == t("spot_checks.tab_lqas") and "80" in caption
    assert table.data[t("spot_checks.columns.verdict")].tolist() == [Verdict.failed.label]


def test_verdict_metrics_show_the_interval_without_an_arrow():
    error_rate = tables.verdict_metrics(draw_verdicts(checked_items()))[2]
    assert error_rate["value"] == "25.0%" and error_rate["delta_arrow"] == "off"
    assert error_rate["delta"].endswith("%") and "–" in error_rate["delta"]


def test_a_save_that_changed_nothing_says_so():
    assert tables.saved_notice("save", 0) == t("spot_checks.unchanged")
    assert tables.saved_notice("import", 3) == t("spot_checks.imported", n=3)
