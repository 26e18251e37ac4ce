"""The spot-check page's widgets, display tables and figure: the page itself only tells the story."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data_loaders.spot_checks import DrawVerdicts, FieldList, zip_lists
from paicha import sampling, stats
from paicha.verdicts import (
    ANSWER_COLUMNS,
    ANSWER_LABELS,
    DEFAULTS,
    NO,
    YES,
    CheckedField,
    IncomeBand,
    Method,
    PartRate,
    answer_labels,
)
from paicha.vocab import ScreeningMethod, ScreeningResult
from ui import keys, safe
from ui.text import t

# --------------------------------------------------------------------------- the draw form


@dataclass(frozen=True)
class DrawRequest:
    """What the form asked for; the scope is the session's, narrowed to ``town_code`` if chosen."""

    town_code: str | None
    method: str
    params: dict
    seed: int
    include_unscreened: bool


def _choice(option: str) -> str:
    return t(f"spot_checks.choice.{option}")


def draw_form(towns: pd.DataFrame, town_fixed: bool) -> DrawRequest | None:
    """Method selector (outside the form, so the parameters below follow it) and the draw form."""
    method = st.selectbox(t("spot_checks.method_label"), [m.value for m in Method], key=keys.SPOT_METHOD,
                          format_func=lambda m: t(f"spot_checks.method.{m}"))
    st.caption(t(f"spot_checks.method_help.{method}"))
    d = DEFAULTS[Method(method)]
    # A fresh random seed per session: nobody picks a "convenient" one by default, and whatever
    # is used is stored with the draw.
    st.session_state.setdefault(keys.SPOT_SEED, secrets.randbelow(1_000_000))
    names = dict(zip(towns["town_code"], towns["town_name"], strict=True))
    with st.form(keys.SPOT_FORM, border=True):
        cols = st.columns(4)
        town = ""
        if not town_fixed:
            # "" rather than None for the whole district: a None option draws a clear button
            # that reads as "no scope" when it means "all of it".
            town = cols[0].selectbox(t("spot_checks.town"), ["", *names], key=keys.SPOT_TOWN,
                                     format_func=lambda c: names.get(c, t("spot_checks.scope_district")))
        params: dict[str, object] = {}
        if method in (Method.srs, Method.stratified):
            params["n"] = int(cols[1].number_input(t("spot_checks.n"), 1, 100_000, int(d["n"]), key=keys.SPOT_N))
        if method == Method.stratified:
            params["by"] = cols[2].selectbox(t("spot_checks.by"), ["village_code", "town_code"],
                                             format_func=_choice, key=keys.SPOT_BY)
            params["allocation"] = cols[3].selectbox(t("spot_checks.allocation"), ["proportional", "equal"],
                                                     format_func=_choice, key=keys.SPOT_ALLOCATION)
            params["min_per_stratum"] = int(cols[1].number_input(
                t("spot_checks.min_per_stratum"), 0, 1000, int(d["min_per_stratum"]), key=keys.SPOT_MIN_PER_STRATUM))
        if method == Method.pps:
            params["n_villages"] = int(cols[1].number_input(t("spot_checks.n_villages"), 1, 10_000,
                                                            int(d["n_villages"]), key=keys.SPOT_N_VILLAGES))
            params["per_village"] = int(cols[2].number_input(t("spot_checks.per_village"), 1, 10_000,
                                                             int(d["per_village"]), key=keys.SPOT_PER_VILLAGE))
            params["size"] = cols[3].selectbox(t("spot_checks.size"), ["households", "key_households"],
                                               format_func=_choice, key=keys.SPOT_SIZE)
        if method == Method.backcheck:
            params["share"] = cols[1].slider(t("spot_checks.share"), 5, 50, round(100 * float(d["share"])),
                                             key=keys.SPOT_SHARE, help=t("spot_checks.share_help")) / 100
            params["min_per_screener"] = int(cols[2].number_input(
                t("spot_checks.min_per_screener"), 0, 100, int(d["min_per_screener"]), key=keys.SPOT_MIN_PER_SCREENER))
            params["flag_weight"] = float(cols[3].number_input(
                t("spot_checks.flag_weight"), 1.0, 20.0, float(d["flag_weight"]), 0.5, key=keys.SPOT_FLAG_WEIGHT,
                help=t("spot_checks.flag_weight_help")))
        if method == Method.lqas:
            params["upper"] = cols[1].number_input(t("spot_checks.upper"), 1, 99, round(100 * float(d["upper"])),
                                                   key=keys.SPOT_UPPER) / 100
            params["lower"] = cols[2].number_input(t("spot_checks.lower"), 1, 99, round(100 * float(d["lower"])),
                                                   key=keys.SPOT_LOWER) / 100
            params["alpha"] = float(cols[3].number_input(t("spot_checks.alpha"), 0.01, 0.5, float(d["alpha"]), 0.01,
                                                         key=keys.SPOT_ALPHA))
            params["beta"] = float(cols[3].number_input(t("spot_checks.beta"), 0.01, 0.5, float(d["beta"]), 0.01,
                                                        key=keys.SPOT_BETA))
        seed = int(cols[0].number_input(t("spot_checks.seed"), 0, 2**31 - 1, key=keys.SPOT_SEED,
                                        help=t("spot_checks.seed_help")))
        include = st.checkbox(t("spot_checks.include_unscreened"), key=keys.SPOT_INCLUDE_UNSCREENED,
                              help=t("spot_checks.include_unscreened_help"))
        submitted = st.form_submit_button(t("spot_checks.submit"), type="primary", key=keys.SPOT_DRAW)
    if not submitted:
        return None
    return DrawRequest(town or None, method, params, seed, include)


# --------------------------------------------------------------------------- sample size helper


def _population(value: int) -> int | None:
    return int(value) or None


def size_calculator() -> None:
    """Three answers to "how many households must we check?" before drawing."""
    st.caption(t("spot_checks.size_caption"))
    left, middle, right = st.columns(3)
    with left:
        st.markdown(f"**{t('spot_checks.size_proportion')}**")
        margin = st.number_input(t("spot_checks.margin"), 0.5, 30.0, 5.0, 0.5, key=keys.SPOT_SIZE_MARGIN)
        p = st.number_input(t("spot_checks.p"), 1, 99, 50, key=keys.SPOT_SIZE_P)
        confidence = st.selectbox(t("spot_checks.confidence"), [90, 95, 99], index=1, key=keys.SPOT_SIZE_CONFIDENCE)
        population = st.number_input(t("spot_checks.population"), 0, 10_000_000, 0, key=keys.SPOT_SIZE_POPULATION)
        n = stats.proportion_sample_size(margin / 100, p / 100, confidence / 100, _population(population))
        st.metric(t("spot_checks.size_proportion"), t("spot_checks.size_result", n=n), label_visibility="collapsed")
    with middle:
        st.markdown(f"**{t('spot_checks.size_detect')}**")
        prevalence = st.number_input(t("spot_checks.prevalence"), 0.5, 100.0, 5.0, 0.5, key=keys.SPOT_SIZE_PREVALENCE)
        n = stats.detect_one_size(prevalence / 100, confidence / 100, _population(population))
        st.metric(t("spot_checks.size_detect"), t("spot_checks.size_result", n=n), label_visibility="collapsed")
    with right:
        st.markdown(f"**{t('spot_checks.size_lqas')}**")
        upper = st.number_input(t("spot_checks.upper"), 1, 99, 80, key=keys.SPOT_SIZE_UPPER)
        lower = st.number_input(t("spot_checks.lower"), 1, 99, 50, key=keys.SPOT_SIZE_LOWER)
        alpha = st.number_input(t("spot_checks.alpha"), 0.01, 0.5, 0.10, 0.01, key=keys.SPOT_SIZE_ALPHA)
        beta = st.number_input(t("spot_checks.beta"), 0.01, 0.5, 0.10, 0.01, key=keys.SPOT_SIZE_BETA)
        try:
            plan = stats.lqas_design(upper / 100, lower / 100, alpha, beta, _population(population))
        except ValueError as exc:
            st.warning(safe.escape(exc))
        else:
            st.metric(t("spot_checks.size_lqas"), t("spot_checks.lqas_result", n=plan.n, d=plan.d),
                      label_visibility="collapsed")
            st.caption(t("spot_checks.lqas_risks", alpha=f"{plan.alpha:.3f}", beta=f"{plan.beta:.3f}"))


# --------------------------------------------------------------------------- display tables


def _reason(code: str) -> str:
    return t(f"spot_checks.reason.{code}")


def _when(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M") if value is not None and not pd.isna(value) else ""


def scope_label(town_name: object) -> str:
    return t("spot_checks.scope_district") if town_name is None or pd.isna(town_name) else str(town_name)


def draw_label(log: pd.DataFrame) -> dict[int, str]:
    """Selector text of every draw of the log."""
    return {int(r.draw_id): t("spot_checks.pick_format", draw_id=r.draw_id, method=t(f"spot_checks.method.{r.method}"),
                              n=r.sample_size, when=_when(r.drawn_at), user=r.user_name)
            for r in log.itertuples(index=False)}


def _params_text(parameters: str) -> str:
    # LQAS stores one plan per village: the log shows the rule, the verdict tab the villages.
    params = {k: v for k, v in json.loads(parameters).items() if k != "villages"}
    return ", ".join(f"{k}={v}" for k, v in params.items())


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The draw log with Chinese headers; the frame hash shortened (the full one is in the caption)."""
    c = "spot_checks.columns."
    return pd.DataFrame({
        t(c + "draw_id"): log["draw_id"].to_numpy(),
        t(c + "drawn_at"): [_when(v) for v in log["drawn_at"]],
        t(c + "user"): log["user_name"].to_numpy(),
        t(c + "scope"): [scope_label(v) for v in log["town_name"]],
        t(c + "as_of"): [d.isoformat() for d in log["as_of"]],
        t(c + "method"): [t(f"spot_checks.method.{m}") for m in log["method"]],
        t(c + "seed"): log["seed"].to_numpy(),
        t(c + "frame_size"): log["frame_size"].to_numpy(),
        t(c + "sample_size"): log["sample_size"].to_numpy(),
        t(c + "checked"): log["checked"].to_numpy(),
        t(c + "frame_hash"): [h[:12] + "…" for h in log["frame_hash"]],
        t(c + "parameters"): [_params_text(p) for p in log["parameters"]],
    })


def draw_caption(record: pd.Series) -> str:
    return t("spot_checks.hash_caption", hash=record["frame_hash"], as_of=record["as_of"],
             scope=scope_label(record["town_name"]), params=_params_text(record["parameters"]))


def sample_table(items: pd.DataFrame) -> pd.DataFrame:
    """The sampled households, identifiers as the session may see them, and why each was drawn."""
    c = "spot_checks.columns."
    return pd.DataFrame({
        t("household.household_id"): items["household_id"].to_numpy(),
        t("columns.town"): items["town_name"].to_numpy(),
        t("columns.village"): items["village_name"].to_numpy(),
        t("household.head_name"): items["head_name"].to_numpy(),
        t("household.head_id_number"): items["head_id_number"].to_numpy(),
        t("household.phone"): items["phone"].to_numpy(),
        t(c + "key_groups"): items["key_groups"].to_numpy(),
        t(c + "screener"): items["screener"].fillna("").to_numpy(),
        t(c + "reason"): items["reason"].map(_reason).to_numpy(),
        t(c + "probability"): items["inclusion_probability"].round(4).to_numpy(),
    })


def split_counts(items: pd.DataFrame) -> tuple[int, int]:
    """(flagged, random) households of a sample."""
    flagged = int(items["reason"].isin(sampling.FLAG_COLUMNS).sum())
    return flagged, len(items) - flagged


def reason_table(items: pd.DataFrame) -> pd.DataFrame:
    counts = items["reason"].value_counts()
    order = [r for r in (*sampling.FLAG_COLUMNS, sampling.REASON_CERTAINTY, sampling.REASON_RANDOM) if r in counts]
    return pd.DataFrame({t("spot_checks.columns.reason"): [_reason(r) for r in order],
                         t("spot_checks.columns.sampled"): [int(counts[r]) for r in order]})


def backcheck_table(items: pd.DataFrame) -> pd.DataFrame:
    """Per screener: flagged households by flag, the random part and the total."""
    summary = sampling.summarise_backcheck(items.assign(stratum=items["screener"].fillna("")))
    c = "spot_checks.columns."
    out = pd.DataFrame({t(c + "screener"): summary.index.to_numpy()})
    for flag in sampling.FLAG_COLUMNS:
        out[_reason(flag)] = summary[flag].to_numpy()
    out[t(c + "flagged")] = summary["flagged"].to_numpy()
    out[t(c + "random")] = summary[sampling.REASON_RANDOM].to_numpy()
    out[t(c + "total")] = summary["total"].to_numpy()
    return out.sort_values(t(c + "flagged"), ascending=False, kind="stable")


def export_choices(lists: list[FieldList]) -> dict[int, str]:
    """Team selector: 0 for all teams in a zip, then each team with its size."""
    return {0: t("spot_checks.team_all"), **{fl.team: t("spot_checks.team_n", team=fl.team, n=fl.households)
                                             for fl in lists}}


def export_file(lists: list[FieldList], team: int, draw_id: int) -> tuple[str, bytes, int, str]:
    """(file name, content, households, mime type) of the chosen download."""
    if team == 0:
        return (f"抽查清单_第{draw_id}号_全部{len(lists)}组.zip", zip_lists(lists),
                sum(fl.households for fl in lists), "application/zip")
    chosen = next(fl for fl in lists if fl.team == team)
    return (chosen.file_name, chosen.content, chosen.households,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --------------------------------------------------------------------------- result editor

def editor_frame(items: pd.DataFrame) -> pd.DataFrame:
    """The draw's households with the original record and the answers as the checker writes them."""
    labels = pd.DataFrame([answer_labels(r) for r in items[list(ANSWER_COLUMNS)].to_dict("records")],
                          columns=list(ANSWER_COLUMNS), index=items.index)
    fixed = pd.DataFrame({
        "household_id": items["household_id"],
        "village_name": items["village_name"],
        "head_name": items["head_name"],
        "reason": items["reason"].map(_reason),
        "ref_method": items["ref_method"].map(ScreeningMethod.labels()),
        "ref_result": items["ref_result"].map(ScreeningResult.labels()),
        "ref_leaflet": items["ref_leaflet_given"].map({True: YES, False: NO}),
        "roster_income_band": items["roster_income_band"].map(IncomeBand.labels()),
    })
    # Empty text, not missing values: the grid would print "None" into every unanswered cell.
    return pd.concat([fixed, labels.fillna("").astype(str)], axis=1).reset_index(drop=True)


def editor_columns() -> dict[str, object]:
    """Column labels and choices of the editor; the answer options are the field list's."""
    c = "spot_checks.columns."
    yes_no = [YES, NO]
    config: dict[str, object] = {
        # The household stays in view while the answers on the right are scrolled into view.
        "household_id": st.column_config.TextColumn(t("household.household_id"), disabled=True, pinned=True),
        "village_name": st.column_config.TextColumn(t("columns.village"), disabled=True, width="medium"),
        "head_name": st.column_config.TextColumn(t("household.head_name"), disabled=True, width="small"),
        "reason": st.column_config.TextColumn(t(c + "reason"), disabled=True, width="small"),
        "ref_method": st.column_config.TextColumn(t(c + "ref_method"), disabled=True, width="small"),
        "ref_result": st.column_config.TextColumn(t(c + "ref_result"), disabled=True, width="small"),
        "ref_leaflet": st.column_config.TextColumn(t(c + "ref_leaflet"), disabled=True, width="small"),
        "roster_income_band": st.column_config.TextColumn(t(c + "roster_income_band"), disabled=True),
        "visited": st.column_config.SelectboxColumn(ANSWER_LABELS["visited"], options=yes_no),
        "method": st.column_config.SelectboxColumn(ANSWER_LABELS["method"], options=[m.label for m in ScreeningMethod]),
        "result": st.column_config.SelectboxColumn(ANSWER_LABELS["result"], options=[r.label for r in ScreeningResult]),
        "leaflet_given": st.column_config.SelectboxColumn(ANSWER_LABELS["leaflet_given"], options=yes_no),
        "income_band": st.column_config.SelectboxColumn(ANSWER_LABELS["income_band"],
                                                        options=[b.label for b in IncomeBand]),
        "consistent": st.column_config.SelectboxColumn(ANSWER_LABELS["consistent"], options=yes_no),
        "differing": st.column_config.TextColumn(ANSWER_LABELS["differing"],
                                                 help="、".join(f.label for f in CheckedField)),
        "note": st.column_config.TextColumn(ANSWER_LABELS["note"]),
    }
    return config


def rejection_text(errors: list[str], shown: int = 50) -> str:
    """Why nothing was saved: the count, then each problem on its own line (the first ``shown``)."""
    lines = "\n".join(f"- {e}" for e in errors[:shown])
    return t("spot_checks.rejected", n=len(errors)) + "\n\n" + lines


# --------------------------------------------------------------------------- verdicts


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{100 * value:.1f}%"


def _interval(low: float | None, high: float | None) -> str:
    if low is None or pd.isna(low):
        return "—"
    return f"{100 * low:.1f}–{100 * high:.1f}%"


def parts_table(v: DrawVerdicts) -> pd.DataFrame:
    """Whole sample, flagged part and random part side by side."""
    c = "spot_checks.columns."
    parts: list[tuple[str, PartRate]] = [(t("spot_checks.part_all"), v.estimate.overall),
                                         (t("spot_checks.part_flagged"), v.estimate.flagged),
                                         (t("spot_checks.part_random"), v.estimate.random)]
    return pd.DataFrame({
        t(c + "part"): [name for name, _ in parts],
        t(c + "sampled"): [p.sampled for _, p in parts],
        t(c + "checked"): [p.checked for _, p in parts],
        t(c + "errors"): [p.errors for _, p in parts],
        t(c + "error_rate"): [_pct(p.rate) for _, p in parts],
        t(c + "interval"): [_interval(p.low, p.high) for _, p in parts],
    })


def rates_table(rates: pd.DataFrame, names: list[tuple[str, str]]) -> pd.DataFrame:
    """A rates frame (from verdicts.error_rates) with its naming columns first."""
    c = "spot_checks.columns."
    out = pd.DataFrame({label: rates[column].fillna("").to_numpy() for column, label in names})
    out[t(c + "sampled")] = rates["sampled"].to_numpy()
    out[t(c + "checked")] = rates["checked"].to_numpy()
    out[t(c + "errors")] = rates["errors"].to_numpy()
    out[t(c + "error_rate")] = [_pct(r) for r in rates["error_rate"]]
    out[t(c + "interval")] = [_interval(lo, hi) for lo, hi in zip(rates["low"], rates["high"], strict=True)]
    return out


def lqas_table(lqas: pd.DataFrame) -> pd.DataFrame:
    c = "spot_checks.columns."
    return pd.DataFrame({
        t("columns.village"): lqas["village_name"].to_numpy(),
        t(c + "population"): lqas["population"].to_numpy(),
        t(c + "n"): lqas["n"].to_numpy(),
        t(c + "d"): lqas["d"].to_numpy(),
        t(c + "checked"): lqas["checked"].to_numpy(),
        t(c + "correct"): lqas["correct"].to_numpy(),
        t(c + "errors"): lqas["errors"].to_numpy(),
        t(c + "verdict"): [t(f"spot_checks.verdict.{v}") for v in lqas["verdict"]],
    })


VERDICT_COLOURS = {"passed": "#d5f5e3", "failed": "#f5b7b1", "pending": "#f2f3f4"}


def styled_lqas(lqas: pd.DataFrame):
    shown = lqas_table(lqas)
    colours = [f"background-color: {VERDICT_COLOURS[v]}" for v in lqas["verdict"]]
    column = t("spot_checks.columns.verdict")
    return shown.style.apply(lambda col: colours if col.name == column else [""] * len(col))


def error_rate_figure(by_village: pd.DataFrame, overall: float | None) -> go.Figure:
    """Error rate per checked village (dot) with its Wilson 95 % interval (bar), worst on top.

    Villages are rows, not columns: sixty long village names cannot stand side by side on an
    axis, and a row per village lets the figure grow with the district instead of crowding.
    """
    shown = by_village.loc[by_village["checked"] > 0].sort_values(["error_rate", "village_code"],
                                                                   ascending=[True, False])
    # Codes on the axis and names as tick text: two villages of the same name must stay apart.
    codes = shown["village_code"].tolist()
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        y=codes, x=100 * shown["error_rate"], mode="markers", orientation="h",
        marker={"size": 9, "color": "#c0392b"},
        error_x={"type": "data", "symmetric": False, "array": 100 * (shown["high"] - shown["error_rate"]),
                 "arrayminus": 100 * (shown["error_rate"] - shown["low"]), "color": "#7f8c8d", "thickness": 1.5},
        customdata=shown[["village_name", "errors", "checked"]].to_numpy(),
        hovertemplate="%{customdata[0]}<br>%{x:.1f}%（%{customdata[1]}/%{customdata[2]}）<extra></extra>",
        name=t("spot_checks.columns.error_rate")))
    if overall is not None:
        fig.add_vline(x=100 * overall, line_dash="dash", line_color="#34495e",
                      annotation_text=t("spot_checks.chart_overall"), annotation_position="top right")
    fig.update_layout(
        height=max(260, 22 * len(codes) + 90), margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False,
        xaxis={"title": t("spot_checks.columns.error_rate"), "range": [-2, 102], "gridcolor": "#ecf0f1",
               "side": "top"},
        yaxis={"title": None, "tickmode": "array", "tickvals": codes,
               "ticktext": shown["village_name"].fillna("").tolist(), "categoryorder": "array",
               "categoryarray": codes, "type": "category"},
        font={"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 13},
        plot_bgcolor="white",
    )
    return fig


def show_verdicts(v: DrawVerdicts | None, record: pd.Series) -> None:
    """The verdict section: headline rates, flagged vs random, tables by unit, LQAS, follow-ups, chart."""
    if v is None or v.estimate.overall.checked == 0:
        st.info(t("spot_checks.no_checked"))
        return
    e = v.estimate
    cols = st.columns(4)
    cols[0].metric(t("spot_checks.checked"), f"{e.overall.checked:,} / {e.overall.sampled:,}")
    cols[1].metric(t("spot_checks.errors"), f"{e.overall.errors:,}")
    # The interval sits where a change would; without the arrow it cannot read as a rise.
    cols[2].metric(t("spot_checks.error_rate"), _pct(e.overall.rate),
                   delta=_interval(e.overall.low, e.overall.high), delta_color="off", delta_arrow="off")
    cols[3].metric(t("spot_checks.weighted"), _pct(e.weighted_rate), help=t("spot_checks.weighted_help"))
    st.markdown(f"**{t('spot_checks.parts')}**")
    st.dataframe(parts_table(v), hide_index=True)
    c = "spot_checks.columns."
    tabs = [t("spot_checks.tab_village"), t("spot_checks.tab_screener"), t("spot_checks.tab_town")]
    if v.lqas is not None:
        tabs.insert(0, t("spot_checks.tab_lqas"))
    shown = dict(zip(tabs, st.tabs(tabs), strict=True))
    if v.lqas is not None:
        with shown[t("spot_checks.tab_lqas")]:
            p = json.loads(record["parameters"])
            rule = t("spot_checks.lqas_rule", upper=round(100 * p["upper"]), lower=round(100 * p["lower"]),
                     alpha=p["alpha"], beta=p["beta"])
            st.caption(t("spot_checks.lqas_caption", d_rule=rule))
            st.dataframe(styled_lqas(v.lqas), hide_index=True, width="stretch")
    with shown[t("spot_checks.tab_village")]:
        st.dataframe(rates_table(v.by_village, [("town_name", t("columns.town")), ("village_name", t("columns.village"))]),
                     hide_index=True, width="stretch")
    with shown[t("spot_checks.tab_screener")]:
        st.dataframe(rates_table(v.by_screener, [("screener", t(c + "screener"))]), hide_index=True, width="stretch")
    with shown[t("spot_checks.tab_town")]:
        st.dataframe(rates_table(v.by_town, [("town_name", t("columns.town"))]), hide_index=True, width="stretch")
    rate = f"{100 * v.screener_error_rate:g}"
    if v.follow_up.empty:
        st.success(t("spot_checks.follow_up_none", rate=rate))
    else:
        st.warning(t("spot_checks.follow_up", rate=rate))
        st.dataframe(rates_table(v.follow_up, [("screener", t(c + "screener"))]), hide_index=True)
    st.markdown(f"**{t('spot_checks.chart')}**")
    st.plotly_chart(error_rate_figure(v.by_village, e.overall.rate), width="stretch", key=keys.SPOT_CHART)
