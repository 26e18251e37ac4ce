"""Spot-check display frames and the texts around them: draw log, sample, verdicts, editor rows."""

from __future__ import annotations

import json

import pandas as pd
from pandas.io.formats.style import Styler

from data_loaders.spot_checks import DrawVerdicts, FieldList
from paicha import sampling
from paicha.verdicts import ANSWER_COLUMNS, NO, YES, IncomeBand, PartRate, answer_labels
from paicha.vocab import ScreeningMethod, ScreeningResult, SpotCheckReason, Verdict
from ui import theme
from ui.tables.formats import interval_text, pct_text, when_text
from ui.text import t

C = "spot_checks.columns."


def _reason(code: str) -> str:
    return SpotCheckReason(code).label


def _method(code: str) -> str:
    return sampling.Method(code).label


# --------------------------------------------------------------------------- draws


def scope_label(town_name: object) -> str:
    return t("spot_checks.scope_district") if town_name is None or pd.isna(town_name) else str(town_name)


def draw_label(log: pd.DataFrame) -> dict[int, str]:
    """Selector text of every draw of the log."""
    return {int(r.draw_id): t("spot_checks.pick_format", draw_id=r.draw_id, method=_method(r.method),
                              n=r.sample_size, when=when_text(r.drawn_at), user=r.user_name)
            for r in log.itertuples(index=False)}


def _params_text(parameters: str) -> str:
    # LQAS stores one plan per village: the log shows the rule, the verdict tab the villages.
    params = {k: v for k, v in json.loads(parameters).items() if k != "villages"}
    return ", ".join(f"{k}={v}" for k, v in params.items())


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The draw log with Chinese headers; the frame hash shortened (the full one is in the caption)."""
    return pd.DataFrame({
        t(C + "draw_id"): log["draw_id"].to_numpy(),
        t(C + "drawn_at"): [when_text(v) for v in log["drawn_at"]],
        t(C + "user"): log["user_name"].to_numpy(),
        t(C + "scope"): [scope_label(v) for v in log["town_name"]],
        t(C + "as_of"): [d.isoformat() for d in log["as_of"]],
        t(C + "method"): [_method(m) for m in log["method"]],
        t(C + "seed"): log["seed"].to_numpy(),
        t(C + "frame_size"): log["frame_size"].to_numpy(),
        t(C + "sample_size"): log["sample_size"].to_numpy(),
        t(C + "checked"): log["checked"].to_numpy(),
        t(C + "frame_hash"): [h[:12] + "…" for h in log["frame_hash"]],
        t(C + "parameters"): [_params_text(p) for p in log["parameters"]],
    })


def draw_metrics(record: pd.Series) -> list[dict[str, object]]:
    """The four figures over a draw, as keyword arguments of st.metric."""
    return [{"label": t("spot_checks.frame_size"), "value": f"{record['frame_size']:,}"},
            {"label": t("spot_checks.sample_size"), "value": f"{record['sample_size']:,}"},
            {"label": t("spot_checks.checked"), "value": f"{record['checked']:,}"},
            {"label": t("spot_checks.seed_value"), "value": str(record["seed"])}]


def draw_caption(record: pd.Series) -> str:
    return t("spot_checks.hash_caption", hash=record["frame_hash"], as_of=record["as_of"],
             scope=scope_label(record["town_name"]), params=_params_text(record["parameters"]))


def sample_table(items: pd.DataFrame) -> pd.DataFrame:
    """The sampled households, identifiers as the session may see them, and why each was drawn."""
    return pd.DataFrame({
        t("household.household_id"): items["household_id"].to_numpy(),
        t("columns.town"): items["town_name"].to_numpy(),
        t("columns.village"): items["village_name"].to_numpy(),
        t("household.head_name"): items["head_name"].to_numpy(),
        t("household.head_id_number"): items["head_id_number"].to_numpy(),
        t("household.phone"): items["phone"].to_numpy(),
        t(C + "key_groups"): items["key_groups"].to_numpy(),
        t(C + "screener"): items["screener"].fillna("").to_numpy(),
        t(C + "reason"): items["reason"].map(_reason).to_numpy(),
        t(C + "probability"): items["inclusion_probability"].round(4).to_numpy(),
    })


def split_caption(items: pd.DataFrame) -> str:
    """How many of a sample were drawn for a warning flag and how many at random."""
    flagged = int(items["reason"].isin(sampling.FLAG_COLUMNS).sum())
    return t("spot_checks.split_caption", flagged=flagged, random=len(items) - flagged)


def reason_table(items: pd.DataFrame) -> pd.DataFrame:
    counts = items["reason"].value_counts()
    order = [r for r in (*sampling.FLAG_COLUMNS, sampling.REASON_CERTAINTY, sampling.REASON_RANDOM) if r in counts]
    return pd.DataFrame({t(C + "reason"): [_reason(r) for r in order],
                         t(C + "sampled"): [int(counts[r]) for r in order]})


def backcheck_table(items: pd.DataFrame) -> pd.DataFrame:
    """Per screener: flagged households by flag, the random part and the total."""
    summary = sampling.summarise_backcheck(items.assign(stratum=items["screener"].fillna("")))
    out = pd.DataFrame({t(C + "screener"): summary.index.to_numpy()})
    for flag in sampling.FLAG_COLUMNS:
        out[_reason(flag)] = summary[flag].to_numpy()
    out[t(C + "flagged")] = summary["flagged"].to_numpy()
    out[t(C + "random")] = summary[sampling.REASON_RANDOM].to_numpy()
    out[t(C + "total")] = summary["total"].to_numpy()
    return out.sort_values(t(C + "flagged"), ascending=False, kind="stable")


def team_choices(lists: list[FieldList]) -> dict[int, str]:
    """Team selector: 0 for all teams in a zip, then each team with its size."""
    return {0: t("spot_checks.team_all"), **{fl.team: t("spot_checks.team_n", team=fl.team, n=fl.households)
                                             for fl in lists}}


# --------------------------------------------------------------------------- results


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


def saved_notice(action: str, saved: int) -> str:
    """What a save from the editor ("save") or from a file ("import") did, shown after the rerun."""
    if not saved:
        return t("spot_checks.unchanged")
    return t("spot_checks.saved" if action == "save" else "spot_checks.imported", n=saved)


def rejection_text(errors: list[str], shown: int = 50) -> str:
    """Why nothing was saved: the count, then each problem on its own line (the first ``shown``)."""
    lines = "\n".join(f"- {e}" for e in errors[:shown])
    return t("spot_checks.rejected", n=len(errors)) + "\n\n" + lines


# --------------------------------------------------------------------------- verdicts


def verdict_metrics(v: DrawVerdicts) -> list[dict[str, object]]:
    """Checked, errors, error rate with its interval, weighted rate: keyword arguments of st.metric."""
    e = v.estimate
    return [
        {"label": t("spot_checks.checked"), "value": f"{e.overall.checked:,} / {e.overall.sampled:,}"},
        {"label": t("spot_checks.errors"), "value": f"{e.overall.errors:,}"},
        # The interval sits where a change would; without the arrow it cannot read as a rise.
        {"label": t("spot_checks.error_rate"), "value": pct_text(e.overall.rate),
         "delta": interval_text(e.overall.low, e.overall.high), "delta_color": "off", "delta_arrow": "off"},
        {"label": t("spot_checks.weighted"), "value": pct_text(e.weighted_rate), "help": t("spot_checks.weighted_help")},
    ]


def parts_table(v: DrawVerdicts) -> pd.DataFrame:
    """Whole sample, flagged part and random part side by side."""
    parts: list[tuple[str, PartRate]] = [(t("spot_checks.part_all"), v.estimate.overall),
                                         (t("spot_checks.part_flagged"), v.estimate.flagged),
                                         (t("spot_checks.part_random"), v.estimate.random)]
    return pd.DataFrame({
        t(C + "part"): [name for name, _ in parts],
        t(C + "sampled"): [p.sampled for _, p in parts],
        t(C + "checked"): [p.checked for _, p in parts],
        t(C + "errors"): [p.errors for _, p in parts],
        t(C + "error_rate"): [pct_text(p.rate) for _, p in parts],
        t(C + "interval"): [interval_text(p.low, p.high) for _, p in parts],
    })


def rates_table(rates: pd.DataFrame, names: list[tuple[str, str]]) -> pd.DataFrame:
    """A rates frame (from verdicts.error_rates) with its naming columns first."""
    out = pd.DataFrame({label: rates[column].fillna("").to_numpy() for column, label in names})
    out[t(C + "sampled")] = rates["sampled"].to_numpy()
    out[t(C + "checked")] = rates["checked"].to_numpy()
    out[t(C + "errors")] = rates["errors"].to_numpy()
    out[t(C + "error_rate")] = [pct_text(r) for r in rates["error_rate"]]
    out[t(C + "interval")] = [interval_text(lo, hi) for lo, hi in zip(rates["low"], rates["high"], strict=True)]
    return out


def screener_rates(rates: pd.DataFrame) -> pd.DataFrame:
    return rates_table(rates, [("screener", t(C + "screener"))])


def lqas_table(lqas: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("columns.village"): lqas["village_name"].to_numpy(),
        t(C + "population"): lqas["population"].to_numpy(),
        t(C + "n"): lqas["n"].to_numpy(),
        t(C + "d"): lqas["d"].to_numpy(),
        t(C + "checked"): lqas["checked"].to_numpy(),
        t(C + "correct"): lqas["correct"].to_numpy(),
        t(C + "errors"): lqas["errors"].to_numpy(),
        t(C + "verdict"): [Verdict(v).label for v in lqas["verdict"]],
    })


def styled_lqas(lqas: pd.DataFrame) -> Styler:
    shown = lqas_table(lqas)
    colours = [theme.background_css(theme.VERDICT_LIGHTS[v]) for v in lqas["verdict"]]
    column = t(C + "verdict")
    return shown.style.apply(lambda col: colours if col.name == column else [""] * len(col))


def follow_up_note(v: DrawVerdicts) -> str:
    """Who needs a follow-up talk under the configured error rate, or that nobody does."""
    rate = f"{100 * v.screener_error_rate:g}"
    return t("spot_checks.follow_up_none" if v.follow_up.empty else "spot_checks.follow_up", rate=rate)


def verdict_tabs(v: DrawVerdicts, record: pd.Series) -> dict[str, tuple[str | None, pd.DataFrame | Styler]]:
    """Tab title → (caption, table): LQAS first when the draw has it, then village, screener, town."""
    tabs: dict[str, tuple[str | None, pd.DataFrame | Styler]] = {}
    if v.lqas is not None:
        p = json.loads(record["parameters"])
        rule = t("spot_checks.lqas_rule", upper=round(100 * p["upper"]), lower=round(100 * p["lower"]),
                 alpha=p["alpha"], beta=p["beta"])
        tabs[t("spot_checks.tab_lqas")] = (t("spot_checks.lqas_caption", d_rule=rule), styled_lqas(v.lqas))
    tabs[t("spot_checks.tab_village")] = (None, rates_table(
        v.by_village, [("town_name", t("columns.town")), ("village_name", t("columns.village"))]))
    tabs[t("spot_checks.tab_screener")] = (None, screener_rates(v.by_screener))
    tabs[t("spot_checks.tab_town")] = (None, rates_table(v.by_town, [("town_name", t("columns.town"))]))
    return tabs
