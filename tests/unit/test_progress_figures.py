"""Progress figures tested as data: rest days shaded, holidays named, bars and cells where they belong."""

from __future__ import annotations

import pandas as pd

from paicha.screeners import screener_matrix
from tests.unit.handmade import SETTINGS, D, Village, every_workday, report
from tests.unit.test_screeners import DAYS
from ui.figures import progress as figures
from ui.tables.progress import screener_name

START = SETTINGS.campaign.start
VILLAGES = [
    Village("v_late", "晚村", 40, {D(2024, 9, 13): 4, D(2024, 9, 14): 4, D(2024, 9, 18): 4}),
    Village("v_pause", "停村", 30, {**every_workday(D(2024, 9, 2), D(2024, 9, 12), 1), D(2024, 9, 18): 1},
            repeats={D(2024, 9, 15): 2}),  # somebody worked on the holiday
    Village("v_idle", "<b>未村</b>", 20, {}),
]


def annotations(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_the_timeline_names_the_holiday_and_marks_the_latest_start_and_deadline():
    r = report(VILLAGES, D(2024, 9, 18))
    fig = figures.timeline_figure(r.villages, START, r.latest_start, r.deadline, r.as_of)
    texts = annotations(fig)
    assert "中秋节" in texts and "最晚开工 09-06" in texts and "排查截止 09-20" in texts
    shaded = [(pd.Timestamp(s.x0).date(), pd.Timestamp(s.x1).date()) for s in fig.layout.shapes if s.type == "rect"]
    assert (D(2024, 9, 14), D(2024, 9, 17)) in shaded  # 9-15..9-17, half a day either side
    late = next(b for b in fig.data if b.type == "bar" and "晚村" in b.y)
    i = list(late.y).index("晚村")
    assert pd.Timestamp(late.base[i]).date() == D(2024, 9, 12)  # from 9-13 minus half a day
    waiting = next(tr for tr in fig.data if tr.type == "scatter")
    assert list(waiting.y) == ["&lt;b&gt;未村&lt;/b&gt;"]  # a name from a file is text, never markup


def test_the_heatmap_lists_working_days_and_rest_days_somebody_worked_and_names_the_holiday():
    r = report(VILLAGES, D(2024, 9, 18))
    fig = figures.activity_heatmap(r.activity, r.villages, START, r.as_of)
    heat = fig.data[0]
    assert "09-14<br>调休上班" in heat.x and "09-15<br>中秋节" in heat.x
    assert not any(x.startswith(("09-16", "09-08")) for x in heat.x)
    row = list(heat.y).index("停村")
    assert heat.z[row][list(heat.x).index("09-15<br>中秋节")] == 2
    assert "中秋节假期" in annotations(fig)  # between 9-15 and 9-18: 9-16, 9-17


def test_the_cumulative_curve_names_the_holiday():
    from paicha.progress import Policy, cumulative_curve

    r = report(VILLAGES, D(2024, 9, 18))
    curve = cumulative_curve(pd.DataFrame({"village_code": ["v_late"], "day": [D(2024, 9, 13)], "screened": [4]}),
                             90, Policy(SETTINGS.campaign, SETTINGS.thresholds), r.as_of)
    fig = figures.cumulative_figure(curve, START, SETTINGS.campaign.screening_deadline)
    assert "中秋节" in annotations(fig)


def test_the_screener_matrix_writes_counts_and_escapes_names():
    fig = figures.screener_matrix_figure(screener_matrix(DAYS), {"v1": "一村", "v2": "<i>二村</i>"}, screener_name)
    heat = fig.data[0]
    assert list(heat.x) == ["一村", "&lt;i&gt;二村&lt;/i&gt;"]
    assert list(heat.y) == ["甲", "乙", "（未填写）"]
    assert heat.text[0] == ["30", "15"]
