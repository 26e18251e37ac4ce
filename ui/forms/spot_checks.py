"""Spot-check forms: the draw form, the sample-size calculator and the result entry."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from paicha import stats
from paicha.sampling import CHOICES, DEFAULTS, Method
from paicha.scope import Scope
from paicha.verdicts import ANSWER_LABELS, NO, YES, CheckedField, IncomeBand
from paicha.vocab import ScreeningMethod, ScreeningResult
from ui import keys, safe
from ui.text import joined, t

# --------------------------------------------------------------------------- the draw form


@dataclass(frozen=True)
class DrawRequest:
    """What the form asked for; the scope is the session's, narrowed to ``town_code`` if chosen."""

    town_code: str | None
    method: str
    params: dict
    seed: int
    include_unscreened: bool

    def scope(self, session_scope: Scope) -> Scope:
        """Where to draw: the chosen town, else the session's own scope."""
        if self.town_code:
            return Scope.town(session_scope.district_code, self.town_code)
        return session_scope


def _choice(column, label_key: str, param: str, key: str) -> str:
    """A selectbox over one choice parameter's vocabulary: codes in, labels shown."""
    vocabulary = CHOICES[param]
    return column.selectbox(t(label_key), [m.value for m in vocabulary],
                            format_func=lambda c: vocabulary(c).label, key=key)


def draw_form(towns: pd.DataFrame, town_fixed: bool) -> DrawRequest | None:
    """Method selector (outside the form, so the parameters below follow it) and the draw form."""
    method = st.selectbox(t("spot_checks.method_label"), [m.value for m in Method], key=keys.SPOT_METHOD,
                          format_func=lambda m: Method(m).label)
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
            params["by"] = _choice(cols[2], "spot_checks.by", "by", keys.SPOT_BY)
            params["allocation"] = _choice(cols[3], "spot_checks.allocation", "allocation", keys.SPOT_ALLOCATION)
            params["min_per_stratum"] = int(cols[1].number_input(
                t("spot_checks.min_per_stratum"), 0, 1000, int(d["min_per_stratum"]), key=keys.SPOT_MIN_PER_STRATUM))
        if method == Method.pps:
            params["n_villages"] = int(cols[1].number_input(t("spot_checks.n_villages"), 1, 10_000,
                                                            int(d["n_villages"]), key=keys.SPOT_N_VILLAGES))
            params["per_village"] = int(cols[2].number_input(t("spot_checks.per_village"), 1, 10_000,
                                                             int(d["per_village"]), key=keys.SPOT_PER_VILLAGE))
            params["size"] = _choice(cols[3], "spot_checks.size", "size", keys.SPOT_SIZE)
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


# --------------------------------------------------------------------------- result entry


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
                                                 help=joined(f.label for f in CheckedField)),
        "note": st.column_config.TextColumn(ANSWER_LABELS["note"]),
    }
    return config


@dataclass(frozen=True)
class ResultEntry:
    """The editor's rows as they stand, the uploaded list, and which button was pressed."""

    edited: pd.DataFrame
    upload: UploadedFile | None
    action: Literal["save", "import"] | None


def result_entry(rows: pd.DataFrame) -> ResultEntry:
    """The result editor over ``rows`` (see tables.editor_frame), a list upload and the two buttons."""
    st.caption(t("spot_checks.editor_help"))
    edited = st.data_editor(rows, column_config=editor_columns(), hide_index=True, width="stretch",
                            height=320, key=keys.SPOT_EDITOR)
    upload = st.file_uploader(t("spot_checks.upload"), type=["xlsx"], key=keys.SPOT_UPLOAD,
                              help=t("spot_checks.upload_help"))
    save, load = st.columns(2)
    action = None
    if save.button(t("spot_checks.save"), key=keys.SPOT_SAVE, type="primary"):
        action = "save"
    if upload is not None and load.button(t("spot_checks.import"), key=keys.SPOT_IMPORT):
        action = "import"
    return ResultEntry(edited, upload, action)


