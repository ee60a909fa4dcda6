"""WLSMV with ``missing="pairwise"`` against lavaan 0.6-14 (tests/reference/ordinal_pairwise.json,
made by tests/reference/ordinal_pairwise_reference.R): thresholds from each item's answers,
polychoric correlations from each pair's complete rows, Gamma under pairwise deletion, the
number of rows used (lavaan's nobs), estimates and robust SEs within 1e-4, and the standard,
scaled and robust fit measures within 1e-5 (relative above 1), for the relationship-quality
survey (one and two groups, equal thresholds and loadings) and the ordinal Holzinger-Swineford
data (one group; two groups with equal thresholds), with answers removed by the same
deterministic MCAR rule as the R script; and mixed ordinal / continuous variables (means and
variances from each variable's rows, polyserial and Pearson correlations from each pair's).
"""
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from test_wlsmv import WLSMV_MEASURES

import relqual as rq
from relqual.engine.polychoric import ordinal_stats
from relqual.i18n import translate_message
from relqual.ordinal_difftest import satorra_2000

from conftest import ROOT, assert_ebm_scores_match, close, ebm_codes, merge_lavaan

REF = json.loads((ROOT / "tests" / "reference" / "ordinal_pairwise.json").read_text())
CASES = REF["cases"]


def masked(name: str) -> pd.DataFrame:
    """The case's data with the R script's answers removed: row r (1-based), c-th ordered item,
    when (r * a + c * b) % modulus < cut."""
    ref, rule = CASES[name], REF["mask"]
    data = pd.read_csv(ROOT / ref["data"])
    if ref["continuous_from"]:
        continuous = [v for v in ref["masked"] if v not in ref["options"]["ordered"]]
        data[continuous] = pd.read_csv(ROOT / ref["continuous_from"])[continuous]
    r = np.arange(1, len(data) + 1)
    for c, item in enumerate(ref["masked"], start=1):
        data.loc[(r * rule["a"] + c * rule["b"]) % rule["modulus"] < ref["cut"], item] = np.nan
    return data


def group_of(ref):
    return ref["options"]["group"] or None             # R's NULL arrives as {}


def fit_case(name: str, **extra):
    ref = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                 # the pairwise-deletion note
        return rq.fit(ref["model"], masked(name), ordered=ref["options"]["ordered"],
                      group=group_of(ref), group_equal=ref["options"]["group_equal"] or (),
                      **extra)


@pytest.fixture(scope="module", params=sorted(CASES))
def fitted(request):
    return request.param, CASES[request.param], fit_case(request.param, missing="pairwise")


def test_rows_used_are_lavaans_nobs(fitted):
    _, ref, res = fitted
    assert res.n_obs == ref["ntotal"]
    assert [len(a) for a in res.prepared.arrays] == ref["nobs"]
    assert any(np.isnan(a).any() for a in res.prepared.arrays)     # incomplete rows kept


def test_sample_statistics_match_lavaan(fitted):
    name, ref, res = fitted
    stats = res.problem.family.sample_statistics(res.problem, 1)
    theirs = pd.Series(ref["sampstat"]["th"])
    assert np.allclose(stats["th"][theirs.index], theirs, atol=1e-10, rtol=0)
    mixed = "cov" in stats                           # lavaan's "cov": covariances if mixed
    ours = stats["cov" if mixed else "cor"].to_numpy()
    assert mixed == (len(ref["masked"]) > len(ref["options"]["ordered"]))
    assert np.allclose(ours, np.array(ref["sampstat"]["cor"]), atol=1e-7, rtol=0)
    means = pd.Series(ref["sampstat"]["mean"])
    if mixed:
        assert np.allclose(stats["mean"], means[stats["mean"].index], atol=1e-10, rtol=0)
    assert (means.drop(stats["mean"].index if mixed else []) == 0).all()
    gamma = stats["gamma"].to_numpy()
    assert np.allclose(np.diag(gamma), ref["sampstat"]["gamma_diag"], atol=1e-6, rtol=1e-7)
    if ref["sampstat"]["gamma"]:                        # R NULL -> {}
        assert np.allclose(gamma, np.array(ref["sampstat"]["gamma"]), atol=1e-6, rtol=0)


def test_estimates_match_lavaan(fitted):
    _, ref, res = fitted
    assert res.converged
    m = merge_lavaan(ref["estimates"], res.estimates())
    assert close(m["est"], m["est_lavaan"], 1e-4).all()
    assert close(m["se"], m["se_lavaan"], 1e-4).all()


def test_fit_measures_match_lavaan(fitted):
    _, ref, res = fitted
    ours, theirs = res.fit_measures(), ref["fit_measures"]
    for measure in WLSMV_MEASURES:
        value = ours[measure.replace(".", "_")]
        if theirs[measure] is None:
            assert np.isnan(value), measure
            continue
        assert close(value, theirs[measure], 1e-5), (measure, value, theirs[measure])


@pytest.mark.parametrize("name", [n for n in sorted(CASES) if CASES[n]["ebm"]
                                  and CASES[n]["masked"] == CASES[n]["options"]["ordered"]])
def test_ebm_scores_of_incomplete_rows_match_lavaan(name):
    """lavPredict scores an incomplete row from the items it answered. lavaan's BFGS stops
    about 1e-4 from the mode (see tests/test_ordinal_measures.py): 90% of the rows within 1e-4,
    all within 1e-3, and where the two differ more relqual's score has the higher posterior."""
    res = fit_case(name, missing="pairwise")
    ours = res.factor_scores().to_numpy()
    theirs = np.array(CASES[name]["ebm"], float)
    assert not np.isnan(ours).any() and (ebm_codes(res) < 0).any()
    assert_ebm_scores_match(res, ours, theirs)


def test_complete_data_give_the_listwise_fit():
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford_ordinal.csv")
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6"
    listwise = rq.fit(model, data, ordered=True)
    pairwise = rq.fit(model, data, ordered=True, missing="pairwise")
    assert np.array_equal(listwise.x, pairwise.x)
    assert listwise.fit_measures()["chisq_scaled"] == pairwise.fit_measures()["chisq_scaled"]


def test_thresholds_and_correlations_use_each_items_answers():
    """The definitions, by hand: an item's thresholds from its answers, a correlation from the
    rows that answered both items (the same as the complete-data statistic of those rows)."""
    data = masked("hs_single")[["x1", "x2", "x3"]]
    codes = np.where(data.isna(), -1, data.fillna(1).to_numpy() - 1).astype(int)
    st = ordinal_stats(codes, [4, 4, 4], ["x1", "x2", "x3"], gamma=False)
    x2 = data["x2"].dropna().to_numpy() - 1
    alone = ordinal_stats(x2[:, None].astype(int), [4], ["x2"], gamma=False)
    assert np.allclose(st.th[3:6], alone.th, atol=1e-14)
    both = data[["x1", "x3"]].dropna().to_numpy().astype(int) - 1
    pair = ordinal_stats(both, [4, 4], ["x1", "x3"], gamma=False)
    # the pair's own thresholds differ, so its correlation differs slightly from st's
    assert abs(pair.cor[1, 0] - st.cor[2, 0]) < 0.02
    assert len(both) < len(data) - 10


def test_summary_and_warnings_say_pairwise_deletion():
    res = fit_case("hs_single", missing="pairwise")
    assert res.call["missing"] == "pairwise"
    text = res.summary()
    assert "observations used: 301 of 301 (pairwise deletion" in text
    note = [w for w in res.warnings if w.startswith("pairwise deletion: 301 rows used")]
    assert note and "missing-data patterns" in note[0]


def test_report_names_pairwise_deletion_in_both_languages(tmp_path):
    res = fit_case("hs_single", missing="pairwise")
    assert translate_message(res.warnings[0], "zh").startswith("成对删除：使用 301 行")
    data = masked("hs_single")
    english = res.report(tmp_path / "fit.md", data=data).read_text()
    assert "| pairwise |" in english and "pairwise deletion: 301 rows used" in english
    chinese = res.report(tmp_path / "fit_zh.md", data=data, lang="zh").read_text()
    assert "成对删除（pairwise）" in chinese and "成对删除：使用 301 行" in chinese


def test_pairwise_is_refused_where_it_is_not_built():
    data = masked("hs_single")
    model = "visual =~ x1 + x2 + x3"
    with pytest.raises(ValueError, match="missing='pairwise'.*ordered items"):
        rq.fit(model, data, missing="pairwise")
    with pytest.raises(NotImplementedError, match="marginal ML"):
        rq.fit(model, data, ordered=True, missing="fiml")


def test_pairs_never_answered_together_are_named():
    data = masked("hs_single")
    data.loc[data["x1"].notna(), "x2"] = np.nan
    with pytest.raises(ValueError, match="items 'x2' and 'x1' were answered together by 0 rows"):
        rq.fit("visual =~ x1 + x2 + x3", data, ordered=True, missing="pairwise")


def test_a_category_unanswered_in_a_group_is_an_error():
    data = masked("hs_groups_thresholds")
    data.loc[(data["school"] == "Pasteur") & (data["x1"] == 4), "x1"] = np.nan
    with pytest.raises(rq.DataError,
                       match="ordered column 'x1': nobody in group 'Pasteur' chose category 4"):
        rq.fit("visual =~ x1 + x2 + x3", data, ordered=True, group="school", missing="pairwise")


@pytest.mark.parametrize("name", sorted(REF["lrt"]))
def test_scaled_difference_test_matches_lavtestlrt(name):
    lrt = REF["lrt"][name]
    assert "satorra.2000" in lrt["method"]
    free, constrained = (fit_case(m, missing="pairwise") for m in lrt["models"])
    out = satorra_2000(free, constrained)
    assert out["delta_df"] == lrt["df_diff"]
    assert close(out["delta_chisq"], lrt["chisq_diff"], 1e-5)
    assert close(out["p_delta"], lrt["pvalue"], 1e-5)
