"""Group comparisons and factor scores against lavaan (tests/reference/groups.json, made by
tests/reference/groups_reference.R): the invariance sequence and its lavTestLRT table, path
comparison (lavTestWald, lavTestLRT), lavPredict factor scores; plus bad input.

Tolerances: fit measures and the LRT table within 1e-5 (relative above 1), as the other lavaan
tests; the Wald statistic and latent means, which depend on estimates and standard errors, within
1e-4 (the estimates tolerance of tests/test_reference.py). Factor scores: within 1e-8 when
computed at lavaan's own estimates (the formulas), within 1e-4 at relqual's estimates (lavaan's
optimum is looser than ours on some cases, e.g. Political Democracy).
"""
import json
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.groups import latent_means

from conftest import HS_MODEL, REFERENCE, ROOT, close

FIT_COLUMNS = ["npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic"]


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "groups.json").read_text())


@cache
def read(rel: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / rel)


def quiet_fit(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(*args, **kwargs)


# --------------------------------------------------------------------------- invariance
@cache
def invariance_case(name: str):
    case = reference()["invariance"][name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.invariance(case["model"], read(case["data"]), group=case["group"],
                              group_partial=case["group_partial"])
    return case, table


@pytest.mark.parametrize("name", ["hs_school", "hs_school_partial", "rq_competition"])
def test_invariance_fit_measures_match_lavaan(name):
    case, table = invariance_case(name)
    assert list(table["level"]) == list(reference()["levels"])
    for _, row in table.iterrows():
        theirs = case["fit_measures"][row["level"]]
        for key in FIT_COLUMNS:
            assert close(row[key], theirs[key], 1e-5), (row["level"], key, row[key], theirs[key])
    assert table["converged"].all()


@pytest.mark.parametrize("name", ["hs_school", "hs_school_partial", "rq_competition"])
def test_invariance_lrt_table_matches_lavtestlrt(name):
    case, table = invariance_case(name)
    lrt = pd.DataFrame(case["lrt"])
    for ours, theirs in (("df", "Df"), ("aic", "AIC"), ("bic", "BIC"), ("chisq", "Chisq"),
                         ("delta_chisq", "Chisq diff"), ("rmsea_d", "RMSEA"),
                         ("delta_df", "Df diff"), ("p_delta", "Pr(>Chisq)")):
        a, b = table[ours].to_numpy(float), lrt[theirs].to_numpy(float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), ours
        ok = np.isnan(b) | close(a, b, 1e-5)
        assert ok.all(), (ours, a, b)


def test_invariance_deltas_and_cutoffs():
    _, table = invariance_case("hs_school")
    cfi, rmsea = table["cfi"].to_numpy(), table["rmsea"].to_numpy()
    assert np.allclose(table["delta_cfi"].iloc[1:], np.diff(cfi))
    assert np.allclose(table["delta_rmsea"].iloc[1:], np.diff(rmsea))
    assert table["delta_cfi_ok"].iloc[0] is None
    assert list(table["delta_cfi_ok"].iloc[1:]) == list(table["delta_cfi"].iloc[1:] >= -0.01)
    cutoffs = table.attrs["cutoffs"]
    assert cutoffs["delta_cfi"]["value"] == -0.01
    assert "Cheung & Rensvold" in cutoffs["delta_cfi"]["source"]
    assert cutoffs["delta_rmsea"]["value"] == 0.015 and "Chen" in cutoffs["delta_rmsea"]["source"]


def test_invariance_verdicts():
    _, hs = invariance_case("hs_school")
    # HS by school: metric holds, scalar fails on delta CFI (-0.038)
    assert list(hs["holds"]) == [True, True, False, False]
    assert hs.attrs["highest_level"] == "metric"
    assert hs.attrs["verdict"].startswith("Caution")          # configural RMSEA .097 > .08
    assert "Metric (weak) invariance holds" in hs.attrs["verdict"]
    assert "Scalar (strong) invariance does not hold" in hs.attrs["verdict"]
    assert hs.attrs["latent_means"] is None
    assert "Latent means cannot be compared" in hs.attrs["summary"]
    _, rq_table = invariance_case("rq_competition")
    assert rq_table.attrs["highest_level"] == "strict"
    assert rq_table["holds"].all()
    assert "Strict invariance holds" in rq_table.attrs["verdict"]


def test_latent_means_match_lavaan():
    case, table = invariance_case("rq_competition")
    ours = pd.DataFrame(table.attrs["latent_means"])
    theirs = pd.DataFrame(case["latent_means"])
    assert list(ours["lhs"]) == list(theirs["lhs"]) and list(ours["group"]) == list(theirs["group"])
    for column in ("est", "se", "z", "pvalue", "ci_lower", "ci_upper"):
        other = {"ci_lower": "ci.lower", "ci_upper": "ci.upper"}.get(column, column)
        assert close(ours[column], theirs[other], 1e-4).all(), column
    assert set(ours["kind"]) == {"mean", "intercept"}            # CF exogenous, the rest not
    assert (ours["group_label"] == "high").all()
    # the HS scalar model, where scalar invariance fails, through latent_means() directly
    hs = reference()["invariance"]["hs_school"]
    res = quiet_fit(hs["model"], read(hs["data"]), group="school",
                    group_equal=["loadings", "intercepts"])
    lm, ref = latent_means(res), pd.DataFrame(hs["latent_means"])
    assert close(lm["est"], ref["est"], 1e-4).all() and close(lm["se"], ref["se"], 1e-4).all()


def test_invariance_criteria_and_levels():
    hs = reference()["invariance"]["hs_school"]
    data = read(hs["data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chisq = rq.invariance(hs["model"], data, group="school", criterion="chisq")
        short = rq.invariance(hs["model"], data, group="school", levels=("configural", "strong"))
    assert chisq.attrs["highest_level"] == "metric"             # p = .224, then p < .001
    assert list(short["level"]) == ["configural", "scalar"]
    assert short["delta_df"].iloc[1] == 12


def test_invariance_bad_input(hs):
    with pytest.raises(rq.DataError, match="group column 'schol' is not a column"):
        rq.invariance(HS_MODEL, hs, group="schol")
    with pytest.raises(ValueError, match="unknown invariance level"):
        rq.invariance(HS_MODEL, hs, group="school", levels=("configural", "partial"))
    with pytest.raises(ValueError, match="in the order"):
        rq.invariance(HS_MODEL, hs, group="school", levels=("scalar", "metric"))
    with pytest.raises(ValueError, match="unknown criterion"):
        rq.invariance(HS_MODEL, hs, group="school", criterion="aic")
    with pytest.raises(TypeError, match="group_equal"):
        rq.invariance(HS_MODEL, hs, group="school", group_equal=["loadings"])
    with pytest.raises(NotImplementedError, match="WLSMV"):
        rq.invariance(HS_MODEL, hs, group="school", estimator="WLSMV")
    tiny = hs.copy()
    tiny.loc[tiny.index[:5], "school"] = "Tiny"                  # 5 rows for 9 variables
    with pytest.raises(rq.DataError, match="group 'Tiny'"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rq.invariance(HS_MODEL, tiny, group="school")


# --------------------------------------------------------------------------- path comparison
def path_data(case) -> pd.DataFrame:
    data = read(case["data"])
    if case["group_from"]:
        cols = case["group_from"]
        data = data.dropna(subset=cols).copy()
        parts = [data[c].astype("Int64").astype(str) if data[c].dtype.kind == "f"
                 else data[c].astype(str) for c in cols]
        data[case["group"]] = parts[0].str.cat(parts[1:], sep=" ")
    return data


@pytest.mark.parametrize("name", ["rq_ac_sat", "rq_cc_ac", "hs_textual_x5", "hs_x3_intercept",
                                  "hs_visual_textual", "hs4_textual_x5"])
def test_compare_paths_matches_lavaan(name):
    case = reference()["paths"][name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.compare_paths(case["model"], path_data(case), group=case["group"],
                                 paths=[case["path"]])
    row = table.iloc[0]
    assert row["path"] == case["path"]
    est = pd.DataFrame(case["estimates"])
    labels = case["group_labels"]
    assert close([row[f"est_{g}"] for g in labels], est["est"], 1e-4).all()
    assert close([row[f"se_{g}"] for g in labels], est["se"], 1e-4).all()
    assert row["wald_df"] == case["wald"]["df"] == len(labels) - 1
    assert close(row["wald_chisq"], case["wald"]["stat"], 1e-4)
    assert close(row["wald_pvalue"], case["wald"]["p.value"], 1e-4)
    lrt = case["lrt"]
    assert row["lrt_df"] == lrt["df_diff"]
    for ours, theirs in (("lrt_chisq", "chisq_diff"), ("lrt_pvalue", "p_value"),
                         ("chisq_free", "chisq_free"), ("chisq_equal", "chisq_equal")):
        assert close(row[ours], lrt[theirs], 1e-5), (ours, row[ours], lrt[theirs])
    if len(labels) == 2:
        assert np.isclose(row["diff"], est["est"].iloc[1] - est["est"].iloc[0], atol=2e-4)
        assert np.isclose(row["z_diff"] ** 2, row["wald_chisq"])
    else:
        assert np.isnan(row["diff"])


def test_compare_paths_on_a_result_and_user_labels():
    case = reference()["paths"]["hs_textual_x5"]
    data = read(case["data"])
    res = quiet_fit(case["model"], data, group="school")
    table = res.compare_paths(["textual =~ x5", "visual =~ x2"])
    assert list(table["path"]) == ["textual =~ x5", "visual =~ x2"]
    assert close(table["lrt_chisq"].iloc[0], case["lrt"]["chisq_diff"], 1e-5)
    # the user's own per-group labels are kept and tied with == (here also used in :=)
    labelled = case["model"].replace("+ x5", "+ c(a1, a2)*x5") + "\nd := a2 - a1"
    res2 = quiet_fit(labelled, data, group="school")
    row = res2.compare_paths("textual =~ x5").iloc[0]
    assert close(row["lrt_chisq"], case["lrt"]["chisq_diff"], 1e-5)
    assert close(row["wald_chisq"], case["wald"]["stat"], 1e-4)


def test_compare_paths_bad_input(hs):
    res = quiet_fit(HS_MODEL, hs, group="school")
    with pytest.raises(ValueError, match="'textual =~ x55' is not in the model; its '=~' "
                                         "parameters are"):
        res.compare_paths("textual =~ x55")
    with pytest.raises(ValueError, match="is fixed in group"):
        res.compare_paths("visual =~ x1")                        # the marker loading
    metric = quiet_fit(HS_MODEL, hs, group="school", group_equal=["loadings"])
    with pytest.raises(ValueError, match="already equal across groups"):
        metric.compare_paths("textual =~ x5")
    with pytest.raises(ValueError, match="multigroup"):
        quiet_fit(HS_MODEL, hs).compare_paths("textual =~ x5")
    with pytest.raises(ValueError, match="at least one path"):
        res.compare_paths([])
    with pytest.raises(rq.DataError, match="group column"):
        rq.compare_paths(HS_MODEL, hs, group="klass", paths="textual =~ x5")
    with pytest.raises(NotImplementedError, match="ULS"):
        rq.compare_paths(HS_MODEL, hs, group="school", paths="textual =~ x5", estimator="ULS")


def test_compare_paths_detects_a_steeper_path_under_high_competition():
    """Simulated: loyalty depends on satisfaction more strongly under high competition."""
    rng = np.random.default_rng(8)
    frames = []
    for label, slope in (("low", 0.2), ("high", 0.7)):
        n = 400
        sat = rng.normal(size=n)
        loy = slope * sat + rng.normal(scale=0.7, size=n)
        frame = {f"sat{i}": lam * sat + rng.normal(scale=0.6, size=n)
                 for i, lam in enumerate((1.0, 0.9, 0.8), start=1)}
        frame.update({f"loy{i}": lam * loy + rng.normal(scale=0.6, size=n)
                      for i, lam in enumerate((1.0, 0.85, 0.8), start=1)})
        frames.append(pd.DataFrame(frame).assign(competition=label))
    data = pd.concat(frames, ignore_index=True)
    model = "SAT =~ sat1 + sat2 + sat3\nLOY =~ loy1 + loy2 + loy3\nLOY ~ SAT"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.compare_paths(model, data, group="competition", paths="LOY ~ SAT",
                                 group_equal=["loadings"])
    row = table.iloc[0]
    assert abs(row["est_low"] - 0.2) < 0.1 and abs(row["est_high"] - 0.7) < 0.1
    assert row["diff"] > 0.3
    assert row["wald_pvalue"] < 1e-4 and row["lrt_pvalue"] < 1e-4


# --------------------------------------------------------------------------- factor scores
def fit_lavpredict_case(case):
    opts = case["options"] or {}
    kwargs = {}
    if "group" in opts:
        kwargs["group"] = opts["group"]
        eq = opts.get("group.equal", [])
        kwargs["group_equal"] = [eq] if isinstance(eq, str) else list(eq)
    if opts.get("meanstructure"):
        kwargs["meanstructure"] = True
    if "fixed.x" in opts:
        kwargs["fixed_x"] = bool(opts["fixed.x"])
    if opts.get("missing") == "ml":
        kwargs["missing"] = "fiml"
    return quiet_fit(case["model"], read(case["data"]), **kwargs)


def at_lavaan_estimates(res, partable):
    """A copy of ``res`` whose free parameters are lavaan's estimates."""
    pt = pd.DataFrame(partable)
    col = res.partable.col
    x = res.x.copy()
    for k in range(res.partable.npar):
        r = np.flatnonzero(col["free"] == k + 1)[0]
        lhs, op, rhs, g = col["lhs"][r], col["op"][r], col["rhs"][r], col["group"][r]
        same = (pt["op"] == op) & (pt["group"] == g)
        hit = pt[same & (pt["lhs"] == lhs) & ((op == "~1") | (pt["rhs"] == rhs))]
        if hit.empty:
            hit = pt[same & (pt["lhs"] == rhs) & (pt["rhs"] == lhs)]
        x[k] = hit["est"].iloc[0]
    return res.evaluated_at(x)


def lavaan_scores(case, method):
    blocks = case[method]
    blocks = list(blocks.values()) if isinstance(blocks, dict) else blocks
    values = np.vstack([np.array([[np.nan if v is None else v for v in row] for row in b["data"]],
                                 float) for b in blocks])
    return values, blocks[0]["colnames"], [len(b["data"]) for b in blocks]


LAVPREDICT_CASES = ["hs_cfa", "hs_cfa_meanstructure", "hs_mimic", "hs_second_order",
                    "hs_single_indicator", "poldem_sem", "hs_mg_configural", "hs_mg_scalar",
                    "rq_mg_regressions", "hs_fiml", "hs_mg_fiml", "rq_fiml"]


@pytest.mark.parametrize("name", LAVPREDICT_CASES)
def test_factor_scores_match_lavpredict(name):
    case = reference()["lavpredict"][name]
    res = fit_lavpredict_case(case)
    exact = at_lavaan_estimates(res, case["partable"])
    for method in ("regression", "bartlett"):
        theirs, columns, sizes = lavaan_scores(case, method)
        scores = res.factor_scores(method)
        assert len(scores) == len(theirs)
        ours = scores[columns].to_numpy()
        assert np.array_equal(np.isnan(ours), np.isnan(theirs))
        assert np.nanmax(np.abs(ours - theirs)) < 1e-4, method
        at_theirs = exact.factor_scores(method)[columns].to_numpy()
        assert np.nanmax(np.abs(at_theirs - theirs)) < 1e-8, method
        if case["group_labels"]:
            expected = np.repeat(case["group_labels"], sizes)
            assert list(scores["group"]) == list(expected)
        else:
            assert "group" not in scores.columns


def test_factor_scores_of_given_rows_keep_their_index(hs):
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual + textual ~ ageyr + grade"
    res = quiet_fit(model, hs)                                   # grade: one missing -> 300 rows
    data = hs.set_index(hs.index + 1000)
    scores = res.factor_scores("bartlett", data=data)
    assert list(scores.index) == list(data.index)
    missing = data["grade"].isna().to_numpy()
    assert scores[missing].isna().all().all() and scores[~missing].notna().all().all()
    assert np.allclose(scores[~missing].to_numpy(), res.factor_scores("bartlett").to_numpy())
    mg = quiet_fit(HS_MODEL, hs, group="school")
    by_rows = mg.factor_scores(data=hs)
    assert list(by_rows["group"]) == list(hs["school"])
    for label in mg.group_labels:
        ours = by_rows[by_rows["group"] == label].drop(columns="group").to_numpy()
        stored = mg.factor_scores()
        assert np.allclose(ours, stored[stored["group"] == label].drop(columns="group").to_numpy())


def test_factor_scores_bad_input(hs):
    res = quiet_fit(HS_MODEL, hs)
    with pytest.raises(ValueError, match="unknown method 'ebm'"):
        res.factor_scores("EBM")
    with pytest.raises(rq.DataError, match=r"\['x9'\]"):
        res.factor_scores(data=hs.drop(columns="x9"))
    with pytest.raises(ValueError, match="no latent variables"):
        quiet_fit("x1 ~ x2 + x3", hs).factor_scores()


def test_mlr_invariance_uses_the_satorra_bentler_2001_scaled_difference():
    ref = json.loads((ROOT / "tests" / "reference" / "mlr_lrt.json").read_text())
    data = rq.datasets.load("holzinger_swineford")
    table = rq.invariance(ref["model"], data, group="school", estimator="MLR",
                          levels=("configural", "metric", "scalar"))
    assert table["delta_chisq"].iloc[1:].to_numpy() == pytest.approx(
        ref["delta_chisq"][1:], rel=1e-5)
    assert table["p_delta"].iloc[1:].to_numpy() == pytest.approx(ref["p_delta"][1:], rel=1e-4)
