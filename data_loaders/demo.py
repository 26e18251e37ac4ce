"""Generates the demo district: synthetic households, screenings, milestones and hazard zones.

Everything here is invented from a seed. Names, ID numbers and phones are drawn at random and
belong to nobody; only the division names and codes are real (NBS 2022). The same function
builds the tests' fixture databases, so the demo and the tests exercise one code path.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPoint, Point, mapping

from data_loaders.accounts import create_demo_accounts
from data_loaders.divisions import read_divisions, read_outline
from data_loaders.importing.apply import recompute_exposures
from data_loaders.store import (
    DIVISION_COLUMNS,
    HAZARD_COLUMNS,
    KEY_COLUMNS,
    MILESTONE_COLUMNS,
    ROSTER_COLUMNS,
    SCREENING_COLUMNS,
    Store,
    StoreError,
)
from paicha.calendar import is_workday
from paicha.config import Settings
from paicha.idnumber import synthetic_ids
from paicha.text import t
from paicha.vocab import (
    Guarantee,
    HazardKind,
    HazardLevel,
    KeyGroup,
    MonitorType,
    ScreeningMethod,
    ScreeningResult,
)

# Schematic town centres (WGS-84). No official town boundaries are public; these only need to put
# each town on its side of the district so the river villages line up plausibly.
TOWN_CENTRES = {
    "210311006000": (123.015, 41.030),  # 汤岗子街道
    "210311007000": (122.945, 41.045),  # 东鞍山街道
    "210311102000": (123.045, 40.960),  # 唐家房镇
    "210311103000": (122.840, 40.985),  # 大屯镇
    "210311104000": (122.930, 40.935),  # 甘泉镇
}

# The 杨柳河, schematically: its 唐家房 branch and its 大屯 branch, which runs on past 中所屯 and
# 解家堡子. Villages named along a branch get their centre on it, at the given fraction of length.
RIVER_BRANCHES = {
    "唐家房支流": (
        [(123.080, 40.930), (123.058, 40.952), (123.036, 40.972), (123.010, 40.992), (122.985, 41.008)],
        {"太平沟": 0.12, "什间房": 0.35, "果子园": 0.58, "唐家房": 0.82},
    ),
    "大屯支流": (
        [(122.790, 40.962), (122.830, 40.982), (122.875, 40.998), (122.920, 41.008),
         (122.985, 41.008), (122.975, 41.032), (122.955, 41.055)],
        {"腰屯": 0.07, "驸马营": 0.2, "大屯": 0.34, "中所屯": 0.8, "解家堡子": 0.93},
    ),
}

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤")
# What the demo's hazard zones are called and where they say they come from (demo content, not UI
# text), and the village-wide hazards it puts in some villages of a town.
FLOOD_ZONE_NAME = "{village}沿河洪涝风险区({level})"
FLOOD_ZONE_SOURCE = "演示数据:沿杨柳河示意缓冲区"
OTHER_HAZARDS = ((HazardKind.water_shortage, "甘泉镇", 2), (HazardKind.low_prices, "唐家房镇", 2),
                 (HazardKind.low_prices, "大屯镇", 1), (HazardKind.unstable_jobs, "东鞍山街道", 2),
                 (HazardKind.construction_jobs, "汤岗子街道", 1))
GIVEN = list("国建华文明军平志春英玉兰秀凤霞桂芳丽红海波涛东成福德宝山林森永胜利玲淑珍云秋梅艳斌鹏飞宇浩然子涵欣怡佳琪雪丹晶")

# Key-group prevalences, chosen so about 5 % of households are key households (4–6 % is typical).
KEY_RATES = {
    KeyGroup.new_dibao: 0.010, KeyGroup.dispersed_tekun: 0.005, KeyGroup.large_temp_aid: 0.004,
    KeyGroup.severe_disability: 0.015, KeyGroup.serious_illness: 0.010,
    KeyGroup.mental_disorder: 0.006, KeyGroup.rejected_application: 0.003,
}

# Village behaviours: (share of villages, start working-day index range, planned length in working days).
BEHAVIOURS = {
    "on_track": (0.70, (0, 3), (13, 17)),
    "fast": (0.12, (0, 2), (9, 11)),  # finishes early: some of these end up with a short span
    "slow": (0.13, (2, 6), (22, 30)),  # will not finish by 9-20
    "late": (0.05, (11, 12), (8, 10)),  # starts after the latest start date (9-06)
}


# The village-level hazards' indicators: what the number means, its range in the demo, the
# (invented) source and the date it describes.
DEMO_INDICATORS = {
    HazardKind.low_prices: ("主要农产品价格同比降幅(%)", 12.0, 35.0, "演示数据:区农业农村局价格监测（示意）",
                            dt.date(2024, 8, 31)),
    HazardKind.construction_jobs: ("建筑业务工人员未就业占比(%)", 18.0, 40.0, "演示数据:区人社局务工监测（示意）",
                                   dt.date(2024, 8, 31)),
    HazardKind.unstable_jobs: ("外出务工人员未就业占比(%)", 8.0, 30.0, "演示数据:区人社局务工监测（示意）",
                               dt.date(2024, 8, 31)),
    HazardKind.water_shortage: ("年内季节性缺水天数(天)", 20.0, 60.0, "演示数据:区水利局供水监测（示意）",
                                dt.date(2024, 8, 15)),
}


@dataclass(frozen=True)
class DemoSummary:
    households: int
    screenings: int
    villages: int
    key_households: int
    seconds: float


def _point_on(line: LineString, fraction: float) -> tuple[float, float]:
    p = line.interpolate(fraction, normalized=True)
    return p.x, p.y


def village_seeds(divisions: pd.DataFrame, outline: shapely.Geometry, rng: np.random.Generator) -> np.ndarray:
    """A centre point per village: river villages on the river, the rest scattered round their town."""
    seeds = np.zeros((len(divisions), 2))
    rivers = {name: (LineString(pts), stops) for name, (pts, stops) in RIVER_BRANCHES.items()}
    for i, row in enumerate(divisions.itertuples(index=False)):
        placed = None
        for line, stops in rivers.values():
            for stem, fraction in stops.items():
                if row.village_name.startswith(stem) and row.kind == "village":
                    placed = _point_on(line, fraction)
        if placed is None:
            cx, cy = TOWN_CENTRES.get(row.town_code, outline.centroid.coords[0])
            spread = 0.006 if row.kind == "community" else 0.022
            for _ in range(200):
                x, y = cx + rng.normal(0, spread * 1.3), cy + rng.normal(0, spread)
                if outline.contains(Point(x, y)):
                    placed = (x, y)
                    break
            placed = placed or (cx, cy)
        seeds[i] = placed
    return seeds


def village_polygons(seeds: np.ndarray, outline: shapely.Geometry) -> list[shapely.Geometry]:
    """Schematic village areas: Voronoi cells of the seeds, clipped to the district outline."""
    cells = shapely.voronoi_polygons(MultiPoint([tuple(s) for s in seeds]), extend_to=outline.envelope.buffer(0.1))
    polys = list(cells.geoms)
    out = []
    for s in seeds:
        p = Point(*s)
        cell = next(c for c in polys if c.contains(p) or c.touches(p))
        out.append(shapely.make_valid(cell.intersection(outline)))
    return out


def random_points_in(poly: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform points inside a polygon by vectorised rejection sampling from its bounding box."""
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(64, int((n - len(out)) * 1.6 * (shapely.area(poly.envelope) / max(poly.area, 1e-12))))
        xy = np.column_stack([rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)])
        out = np.vstack([out, xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])]])
    return out[:n]


def campaign_workdays(start: dt.date, days_after: int = 60) -> np.ndarray:
    """Working days from ``start`` onwards, as datetime64[D], long enough for slow villages."""
    days = [start + dt.timedelta(days=i) for i in range(days_after)]
    return np.array([d for d in days if is_workday(d)], dtype="datetime64[D]")


def hazard_zones(divisions: pd.DataFrame, polygons: list[shapely.Geometry], rng: np.random.Generator) -> pd.DataFrame:
    """Schematic flood zones along the river, clipped per village, and village-wide other hazards."""
    rows = []
    rivers = [LineString(pts) for pts, _ in RIVER_BRANCHES.values()]
    river = shapely.union_all(rivers)
    # Buffers in degrees: about 0.0025° ≈ 210 m (high) and 0.006° ≈ 500 m (medium) at 41°N.
    bands = [(HazardLevel.high, river.buffer(0.0025)),
             (HazardLevel.medium, river.buffer(0.006).difference(river.buffer(0.0025)))]
    for row, poly in zip(divisions.itertuples(index=False), polygons, strict=True):
        for level, band in bands:
            part = poly.intersection(band)
            if part.is_empty or part.area < 1e-7:
                continue
            rows.append({
                "zone_id": f"flood-{row.village_code}-{'H' if level is HazardLevel.high else 'M'}",
                "kind": HazardKind.flood.value, "level": level.value,
                "name": FLOOD_ZONE_NAME.format(village=row.village_name, level=level.label),
                "village_code": row.village_code, "source": FLOOD_ZONE_SOURCE, "crs": "WGS-84",
                "geometry": json.dumps(mapping(part)), "indicator": None, "indicator_name": None,
                "observed_on": dt.date(2024, 7, 31),
            })
    villages = divisions.reset_index(drop=True)
    for kind, town, k in OTHER_HAZARDS:
        candidates = villages.index[(villages["town_name"] == town) & (villages["kind"] == "village")]
        for idx in rng.choice(candidates, size=min(k, len(candidates)), replace=False):
            v = villages.loc[idx]
            meaning, low, high, source, observed = DEMO_INDICATORS[kind]
            # From the village code, not the generator: the households drawn after the zones
            # stay the same whatever the indicators are.
            share = zlib.crc32(v.village_code.encode()) / 2**32
            rows.append({
                "zone_id": f"{kind.value}-{v.village_code}", "kind": kind.value, "level": HazardLevel.medium.value,
                "name": f"{v.village_name}{kind.label}", "village_code": v.village_code,
                "source": source, "crs": "WGS-84",
                "geometry": json.dumps(mapping(polygons[idx])),
                "indicator": round(low + share * (high - low), 1), "indicator_name": meaning,
                "observed_on": observed,
            })
    return pd.DataFrame(rows, columns=HAZARD_COLUMNS)


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    sur = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    g2 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    two = rng.random(n) < 0.7
    return np.char.add(np.char.add(sur, g1), np.where(two, g2, ""))


def _households(rng: np.random.Generator, village_idx: np.ndarray, serial: np.ndarray,
                villages: pd.DataFrame, polygons: list[shapely.Geometry], settings: Settings) -> pd.DataFrame:
    n = len(village_idx)
    codes = villages["village_code"].to_numpy()[village_idx]
    towns = villages["town_code"].to_numpy()[village_idx]
    ids = np.char.add(np.char.add("H", codes.astype(str)), np.char.zfill(serial.astype(str), 6))
    lonlat = np.empty((n, 2))
    for v in np.unique(village_idx):
        mask = village_idx == v
        lonlat[mask] = random_points_in(polygons[v], int(mask.sum()), rng)
    birth = np.datetime64("1940-01-01") + rng.integers(0, 365 * 56, n).astype("timedelta64[D]")
    id_numbers = synthetic_ids(settings.district_code, birth, rng.integers(0, 1000, n))
    phones = np.char.add(np.char.add("1", rng.choice(["3", "5", "8", "9"], n)),
                         np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9))
    former_poor = rng.random(n) < 0.008
    u = rng.random(n)
    monitor = np.full(n, MonitorType.none.value, dtype=object)
    monitor[former_poor & (u < 0.08)] = MonitorType.unstable_former_poor.value
    monitor[~former_poor & (u < 0.0012)] = MonitorType.marginal.value
    monitor[~former_poor & (u > 0.9995)] = MonitorType.sudden_hardship.value
    income = rng.lognormal(np.log(18000), 0.42, n)
    income[former_poor | (monitor != MonitorType.none.value)] *= 0.55
    frame = pd.DataFrame({
        "household_id": ids, "town_code": towns, "village_code": codes,
        "head_name": _names(rng, n), "head_id_number": id_numbers, "phone": phones,
        "members": rng.choice([1, 2, 3, 4, 5, 6], n, p=[0.18, 0.30, 0.22, 0.16, 0.09, 0.05]),
        "lon": lonlat[:, 0].round(6), "lat": lonlat[:, 1].round(6),
        "is_former_poor": former_poor, "monitor_type": monitor,
        "per_capita_income": income.round(0),
        "compliant_oop_spending": np.where(rng.random(n) < 0.1, rng.lognormal(np.log(3000), 1.0, n), 0).round(0),
    })
    for g in Guarantee:
        frame[g.column] = rng.random(n) < 0.002
    for g, rate in KEY_RATES.items():
        frame[g.column] = rng.random(n) < rate
    # Serious illness brings large out-of-pocket spending; that is what makes it a risk.
    ill = frame[KeyGroup.serious_illness.column].to_numpy()
    frame.loc[ill, "compliant_oop_spending"] = rng.lognormal(np.log(25000), 0.6, int(ill.sum())).round(0)
    return frame


def _screenings(rng: np.random.Generator, hh: pd.DataFrame, village_idx: np.ndarray,
                plan: pd.DataFrame, workdays: np.ndarray, settings: Settings) -> pd.DataFrame:
    """One or two records per reached household, following its village's behaviour."""
    n = len(hh)
    deadline = np.datetime64(settings.campaign.screening_deadline)
    starts = plan["start_idx"].to_numpy()[village_idx]
    lengths = plan["length"].to_numpy()[village_idx]
    day_idx = starts + np.floor(rng.random(n) * lengths).astype(int)
    reached = (workdays[np.minimum(day_idx, len(workdays) - 1)] <= deadline) & (rng.random(n) > 0.012)
    idx = np.flatnonzero(reached)
    day_idx = day_idx[idx]
    sub = hh.iloc[idx]
    is_key = sub[KEY_COLUMNS].any(axis=1).to_numpy()
    m = len(idx)
    u = rng.random(m)
    method = np.where(u < 0.72, ScreeningMethod.home_visit.value,
                      np.where(u < 0.88, ScreeningMethod.village_assessment.value,
                               ScreeningMethod.online_inquiry.value)).astype(object)
    # Key households must be visited at home; a few were only phoned or assessed (违规).
    violation = rng.random(m) < 0.04
    method[is_key] = ScreeningMethod.home_visit.value
    method[is_key & violation] = np.where(rng.random(int((is_key & violation).sum())) < 0.5,
                                          ScreeningMethod.online_inquiry.value,
                                          ScreeningMethod.village_assessment.value)
    screeners = plan["screeners"].to_numpy()[village_idx[idx]]
    pick = rng.integers(0, 3, m)
    screener = np.array([s[k] for s, k in zip(screeners, pick, strict=True)], dtype=object)
    income = sub["per_capita_income"].to_numpy()
    threshold = settings.thresholds.monitoring_income
    r = rng.random(m)
    result = np.full(m, ScreeningResult.no_risk.value, dtype=object)
    result[r < 0.03] = ScreeningResult.risk_found.value
    result[(income < threshold) & (r < 0.6)] = ScreeningResult.propose_monitoring.value
    dates = workdays[day_idx]
    confirm_idx = day_idx + rng.integers(0, 5, m)
    confirmed = workdays[np.minimum(confirm_idx, len(workdays) - 1)]
    confirmed_ok = (confirmed <= deadline) & (rng.random(m) > 0.06)
    home = method == ScreeningMethod.home_visit.value
    far = home & (rng.random(m) < 0.006)
    jitter = rng.normal(0, 0.0003, (m, 2))
    jitter[far] += rng.choice([-1, 1], (int(far.sum()), 2)) * rng.uniform(0.02, 0.05, (int(far.sum()), 2))
    first = pd.DataFrame({
        "household_id": sub["household_id"].to_numpy(), "town_code": sub["town_code"].to_numpy(),
        "village_code": sub["village_code"].to_numpy(),
        "screened_on": dates, "method": method, "screener": screener, "result": result,
        "leaflet_given": rng.random(m) < 0.95,
        "confirmed_online_on": np.where(confirmed_ok, confirmed, np.datetime64("NaT")),
        "lon": np.where(home, sub["lon"].to_numpy() + jitter[:, 0], np.nan).round(6),
        "lat": np.where(home, sub["lat"].to_numpy() + jitter[:, 1], np.nan).round(6),
    })
    # Follow-up visits: households with a risk get a second, home-visit record a few days later.
    again = np.flatnonzero((result != ScreeningResult.no_risk.value) | (rng.random(m) < 0.02))
    later = np.minimum(day_idx[again] + rng.integers(1, 6, len(again)), len(workdays) - 1)
    keep = workdays[later] <= deadline
    follow = first.iloc[again[keep]].copy()
    follow["screened_on"] = workdays[later[keep]]
    follow["method"] = ScreeningMethod.home_visit.value
    follow["lon"], follow["lat"] = sub["lon"].to_numpy()[again[keep]], sub["lat"].to_numpy()[again[keep]]
    records = pd.concat([first, follow], ignore_index=True)
    _inject_overload(rng, records, plan, workdays)
    return records


def _inject_overload(rng: np.random.Generator, records: pd.DataFrame, plan: pd.DataFrame,
                     workdays: np.ndarray) -> None:
    """Make the planned screeners log an implausible number of home visits on one day."""
    for row in plan[plan["overload"]].itertuples(index=False):
        in_village = np.flatnonzero(records["village_code"].to_numpy() == row.village_code)
        if len(in_village) < 60:
            continue
        take = rng.choice(in_village, size=min(48, len(in_village) // 3), replace=False)
        day = workdays[row.start_idx + 2]
        records.loc[take, "screened_on"] = day
        records.loc[take, "screener"] = row.screeners[0]
        records.loc[take, "method"] = ScreeningMethod.home_visit.value


def _follow_up(rng: np.random.Generator, hh: pd.DataFrame, records: pd.DataFrame, workdays: np.ndarray,
               flood_villages: set[str], settings: Settings) -> pd.DataFrame:
    """The roster's address and monitoring pipeline: who was identified, when, when helped.

    Monitoring objects from before the campaign were identified in 2021–2024 and helped soon
    after. Of the households a screening proposed, about half are identified within a few
    working days, a fifth only after two to four weeks, and the rest not at all (应纳未纳 by
    rule). Some households of flood villages were hit by the rains: most of them got help
    first and their identification followed, or is still open (绿色通道). Drawn from its own
    generator, so the households and screenings stay what the seed always gave.
    """
    n = len(hh)
    out = hh.copy()
    group = rng.integers(1, 10, n)
    out["address"] = [t("households.demo_address", group=g) if known else None
                      for g, known in zip(group, rng.random(n) > 0.1, strict=True)]
    identified = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    assisted = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    monitor = out["monitor_type"].to_numpy(dtype=object).copy()
    earlier = monitor != MonitorType.none.value
    identified[earlier] = np.datetime64("2021-01-04") + rng.integers(0, 1300, int(earlier.sum())).astype("timedelta64[D]")
    assisted[earlier] = identified[earlier] + rng.integers(0, 21, int(earlier.sum())).astype("timedelta64[D]")

    def after(days: np.ndarray, low: int, high: int) -> np.ndarray:
        idx = np.searchsorted(workdays, days) + rng.integers(low, high + 1, len(days))
        return workdays[np.minimum(idx, len(workdays) - 1)]

    proposals = records[records["result"] == ScreeningResult.propose_monitoring.value]
    proposed_on = proposals.groupby("household_id")["screened_on"].min()
    row_of = pd.Series(np.arange(n), index=out["household_id"].to_numpy())
    rows = row_of.loc[proposed_on.index].to_numpy()
    rows_on = proposed_on.to_numpy().astype("datetime64[D]")
    fresh = monitor[rows] == MonitorType.none.value
    rows, rows_on = rows[fresh], rows_on[fresh]
    u = rng.random(len(rows))
    quick, slow = u < 0.55, (u >= 0.55) & (u < 0.75)
    for chosen, (low, high) in ((quick, (2, 8)), (slow, (9, 20))):
        identified[rows[chosen]] = after(rows_on[chosen], low, high)
        monitor[rows[chosen]] = MonitorType.marginal.value
    helped = rows[(quick | slow) & (rng.random(len(rows)) < 0.9)]
    assisted[helped] = after(identified[helped], 0, 5)

    hit = out["village_code"].isin(flood_villages).to_numpy() & (rng.random(n) < 0.05) & ~earlier
    out["disaster_affected"] = hit
    first_aid = hit & np.isnat(identified) & (rng.random(n) < 0.6)
    aid_rows = np.flatnonzero(first_aid)
    deadline = np.searchsorted(workdays, np.datetime64(settings.campaign.screening_deadline))
    assisted[aid_rows] = workdays[rng.integers(1, deadline, len(aid_rows))]
    done = aid_rows[rng.random(len(aid_rows)) < 0.5]
    identified[done] = after(assisted[done], 3, 12)
    monitor[done] = MonitorType.sudden_hardship.value
    out["monitor_type"] = monitor
    out["identified_on"] = identified
    out["assisted_on"] = assisted
    return out


def village_plan(villages: pd.DataFrame, rng: np.random.Generator, workdays: np.ndarray) -> pd.DataFrame:
    """Each village's behaviour: start, planned length in working days, screeners, overload."""
    n = len(villages)
    names = list(BEHAVIOURS)
    shares = np.array([BEHAVIOURS[k][0] for k in names])
    counts = np.floor(shares * n).astype(int)
    counts[0] += n - counts.sum()
    kinds = np.repeat(names, counts)
    rng.shuffle(kinds)
    start, length = np.zeros(n, int), np.zeros(n, int)
    for i, k in enumerate(kinds):
        (s0, s1), (l0, l1) = BEHAVIOURS[k][1], BEHAVIOURS[k][2]
        start[i], length[i] = rng.integers(s0, s1 + 1), rng.integers(l0, l1 + 1)
    overload = np.zeros(n, bool)
    overload[rng.choice(np.flatnonzero(kinds == "on_track"), size=min(2, int((kinds == "on_track").sum())), replace=False)] = True
    screeners = [tuple(_names(rng, 3)) for _ in range(n)]
    return pd.DataFrame({"village_code": villages["village_code"].to_numpy(), "behaviour": kinds,
                         "start_idx": start, "length": length, "screeners": screeners, "overload": overload})


def milestones(towns: pd.DataFrame) -> pd.DataFrame:
    """Town milestones: all plans on time, one town trained late, one report late."""
    rows = []
    for i, code in enumerate(towns["town_code"]):
        rows.append({
            "town_code": code,
            "plan_done_on": dt.date(2024, 8, 19 + i % 3),
            "training_done_on": dt.date(2024, 8, 27) if i == 4 else dt.date(2024, 8, 21 + i % 2),
            "report_submitted_on": dt.date(2024, 9, 24) if i == 3 else dt.date(2024, 9, 20 + i % 2),
            "report_approved": True,
        })
    return pd.DataFrame(rows, columns=MILESTONE_COLUMNS)


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` by weights with largest-remainder rounding, so the parts sum exactly."""
    raw = total * weights / weights.sum()
    base = np.floor(raw).astype(int)
    base[np.argsort(-(raw - base))[: total - base.sum()]] += 1
    return base


def build_demo(store: Store, settings: Settings, households: int | None = None,
               seed: int | None = None, chunk: int = 500_000) -> DemoSummary:
    """Replace the store's content with a generated demo district, in one transaction.

    Only a store marked demo (``Store.create(path, demo=True)``) is written: a real store is
    refused before anything is generated.
    """
    import time

    if not store.is_demo():
        raise StoreError(t("errors.demo.real_store", path=store.path), store.path)
    began = time.perf_counter()
    households = settings.demo_households if households is None else households
    seed = settings.demo_seed if seed is None else seed
    rng = np.random.default_rng(seed)
    villages = read_divisions(settings.divisions_file)
    outline = read_outline(settings.outline_file)
    polygons = village_polygons(village_seeds(villages, outline, rng), outline)
    workdays = campaign_workdays(settings.campaign.start)
    plan = village_plan(villages, rng, workdays)
    # Communities (社区) hold few farm households; villages vary around a common size.
    weights = np.where(villages["kind"] == "community", 0.35, rng.lognormal(0, 0.35, len(villages)))
    per_village = allocate(households, weights)
    village_of = np.repeat(np.arange(len(villages)), per_village)
    serial = np.concatenate([np.arange(1, k + 1) for k in per_village]) if households else np.array([], int)
    zones = hazard_zones(villages, polygons, rng)
    flood_villages = set(zones.loc[zones["kind"] == HazardKind.flood.value, "village_code"])
    follow_rng = np.random.default_rng([seed, 11])
    divisions = villages.assign(geometry=[json.dumps(mapping(p)) for p in polygons])

    n_screenings = n_key = 0
    # Generated chunks go to Parquet files first and enter the store in one INSERT per table: a
    # transaction fed chunk by chunk from pandas keeps every chunk in memory until it commits
    # (6 GB at 5 million households), a scan of files is written straight into the database file.
    with tempfile.TemporaryDirectory(prefix="paicha-demo-") as staging:
        folder = Path(staging)
        for part, lo in enumerate(range(0, households, chunk)):
            hi = min(households, lo + chunk)
            hh = _households(rng, village_of[lo:hi], serial[lo:hi], villages, polygons, settings)
            sc = _screenings(rng, hh, village_of[lo:hi], plan, workdays, settings)
            hh = _follow_up(follow_rng, hh, sc, workdays, flood_villages, settings)
            hh[ROSTER_COLUMNS].to_parquet(folder / f"households_{part:04d}.parquet", index=False)
            sc[SCREENING_COLUMNS].to_parquet(folder / f"screenings_{part:04d}.parquet", index=False)
            n_screenings += len(sc)
            n_key += int(hh[KEY_COLUMNS].any(axis=1).sum())
            del hh, sc
        with store.transaction() as cur:
            for table in ("household_hazards", "hazard_zones", "screenings", "households", "milestones", "divisions"):
                cur.execute(f"DELETE FROM {table}")
            store.insert_frame(cur, "divisions", divisions, DIVISION_COLUMNS)
            store.insert_frame(cur, "milestones", milestones(villages.drop_duplicates("town_code")), MILESTONE_COLUMNS)
            store.insert_frame(cur, "hazard_zones", zones, HAZARD_COLUMNS)
            for table, columns in (("households", ROSTER_COLUMNS), ("screenings", SCREENING_COLUMNS)):
                if households:
                    store.load_parquet(cur, table, columns, sorted(map(str, folder.glob(f"{table}_*.parquet"))))
            recompute_exposures(cur)
            for key, value in (("is_demo", "true"), ("demo_seed", str(seed)),
                               ("demo_today", settings.demo_today.isoformat())):
                store.set_meta(key, value, cur)
            create_demo_accounts(store, cur)
    return DemoSummary(households, n_screenings, len(villages), n_key, time.perf_counter() - began)
