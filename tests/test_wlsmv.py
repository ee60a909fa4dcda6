"""WLSMV for ordinal items against lavaan 0.6.14 (tests/reference/{rq,hs,hs_mg}_wlsmv.json, made by
lavaan_reference.R from cases.json), plus the bivariate normal CDF and the bad inputs.

Tolerances (issue 6): est and se within 1e-4, (scaled) chi-square and fit indices within 1e-5
(relative above 1); sample thresholds, polychoric correlations, Gamma and the DWLS weights
within 1e-6 (lavaan's own polychoric optimizer stops about 1e-8 from the optimum).
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import relqual as rq
from relqual.data import DataError
from relqual.engine.polychoric import bvn_cdf, ordinal_stats
from relqual.syntax import ModelSyntaxError

from conftest import HS_MODEL, ROOT, close, load_reference

CASES = ["rq_wlsmv", "hs_wlsmv", "hs_mg_wlsmv", "hs_mixed_wlsmv"]
HS_ORDINAL = ROOT / "data" / "holzinger_swineford_ordinal.csv"
WLSMV_MEASURES = ["chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
                  "chisq.scaling.factor", "baseline.chisq", "baseline.df", "baseline.chisq.scaled",
                  "baseline.chisq.scaling.factor", "cfi", "tli", "cfi.scaled", "tli.scaled",
                  "cfi.robust", "tli.robust", "nnfi", "rfi", "nfi", "pnfi", "ifi", "rni",
                  "nnfi.scaled", "rfi.scaled", "nfi.scaled", "pnfi.scaled", "ifi.scaled",
                  "rni.scaled", "nnfi.robust", "rni.robust", "rmsea", "rmsea.ci.lower",
                  "rmsea.ci.upper", "rmsea.pvalue", "rmsea.scaled", "rmsea.ci.lower.scaled",
                  "rmsea.ci.upper.scaled", "rmsea.pvalue.scaled", "rmsea.robust",
                  "rmsea.ci.lower.robust", "rmsea.ci.upper.robust", "rmsea.pvalue.robust", "rmr",
                  "rmr_nomean", "srmr", "srmr_bentler", "srmr_bentler_nomean", "crmr",
                  "crmr_nomean", "fmin", "npar"]


def fit_reference(name):
    ref = load_reference(name)
    opts = ref["options"]
    data = pd.read_csv(ROOT / ref["data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(ref["model"], data, estimator="WLSMV", ordered=opts["ordered"],
                     group=opts.get("group"))
    return ref, res


@pytest.fixture(scope="module", params=CASES)
def case(request):
    return fit_reference(request.param)


def per_group(ref, key):
    value = ref.get(key)
    if ref["ngroups"] == 1 or value is None:
        return [value] * ref["ngroups"]
    return [value.get(g) for g in ref["group_labels"]]


def test_sample_statistics_match_lavaan(case):
    ref, res = case
    for g, (th, moments) in enumerate(zip(per_group(ref, "sample_th"),
                                          per_group(ref, "sample_cov")), start=1):
        ours = res.sample_statistics(g)
        assert list(ours["th"].index) == list(th)
        assert np.allclose(ours["th"].to_numpy(), list(th.values()), atol=1e-6)
        cor = np.array(moments["cov"]["data"])
        assert np.allclose(ours["cor"].to_numpy(), cor, atol=1e-6)
        assert list(ours["cor"].index) == moments["cov"]["rownames"]


def test_gamma_and_weights_match_lavaan(case):
    ref, res = case
    for g, (wls_v, gamma) in enumerate(zip(per_group(ref, "wls_v"), per_group(ref, "gamma")),
                                       start=1):
        ours = res.sample_statistics(g)
        assert np.allclose(ours["wls_v"].to_numpy(), wls_v, rtol=1e-6, atol=0)
        if gamma is not None:                  # stored when it has <= 100 rows
            theirs = np.array(gamma["data"])
            assert np.abs(ours["gamma"].to_numpy() - theirs).max() <= 1e-6 * np.abs(theirs).max()


def test_estimates_and_robust_se_match_lavaan(case):
    ref, res = case
    theirs = pd.DataFrame(ref["estimates"])
    keys = ["lhs", "op", "rhs"] + (["group"] if "group" in theirs.columns else [])
    m = theirs.merge(res.estimates(), on=keys, how="outer", suffixes=("_lavaan", ""),
                     indicator=True)
    assert (m["_merge"] == "both").all()
    assert {"|", "~*~", "~1"} <= set(m["op"])
    assert close(m["est"], m["est_lavaan"], 1e-4).all()
    assert close(m["se"], m["se_lavaan"], 1e-4).all()
    assert close(m["std_all"], m["std.all"], 1e-4).all()
    thresholds = m[m["op"] == "|"]
    assert thresholds["rhs"].str.fullmatch(r"t\d+").all()


def test_fit_measures_match_lavaan(case):
    ref, res = case
    ours, theirs = res.fit_measures(), ref["fit_measures"]
    for name in WLSMV_MEASURES:
        assert close(ours[name.replace(".", "_")], theirs[name], 1e-5), \
            (name, ours[name.replace(".", "_")], theirs[name])
    assert np.isnan(ours["logl"]) and np.isnan(ours["aic"])


def test_delta_parameterization_residual_variances(case):
    """Ordered items' residual variances are fixed rows with the computed value 1 - R^2."""
    ref, res = case
    est = res.estimates()
    items = res.call["ordered"]
    resid = est[(est["op"] == "~~") & (est["lhs"] == est["rhs"]) & est["lhs"].isin(items)]
    assert (resid["se"] == 0).all()
    r2 = res.r2()
    for _, row in resid.iterrows():
        key = row["lhs"] if res.partable.ngroups == 1 else (res.group_labels[row["group"] - 1],
                                                            row["lhs"])
        assert row["est"] == pytest.approx(1.0 - r2[key], abs=1e-10)


def test_bivariate_normal_cdf():
    rng = np.random.default_rng(7)
    h, k = rng.normal(scale=1.5, size=(2, 300))
    r = np.concatenate([rng.uniform(-0.999, 0.999, 250), [0.93, -0.93, 0.95, -0.99, 0.999] * 10])
    ours = bvn_cdf(h, k, r)
    theirs = [stats.multivariate_normal(cov=[[1, c], [c, 1]]).cdf([a, b])
              for a, b, c in zip(h, k, r)]
    assert np.abs(ours - theirs).max() < 1e-12
    assert bvn_cdf(np.inf, 0.3, 0.5) == pytest.approx(stats.norm.cdf(0.3), abs=1e-15)
    assert bvn_cdf(-np.inf, 0.3, 0.5) == 0.0
    assert bvn_cdf(0.0, 0.0, 0.0) == pytest.approx(0.25, abs=1e-15)


def test_polychoric_recovers_population_correlation():
    rng = np.random.default_rng(11)
    z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=20000)
    codes = np.column_stack([np.digitize(z[:, 0], [-1.0, 0.2, 1.1]),
                             np.digitize(z[:, 1], [-0.5, 0.8])])
    st = ordinal_stats(codes, [4, 3], ["a", "b"])
    assert st.cor[0, 1] == pytest.approx(0.6, abs=0.02)
    assert st.th[:3] == pytest.approx([-1.0, 0.2, 1.1], abs=0.03)


def test_two_by_two_tables_as_lavaan():
    """Binary pairs: one empty cell gets 0.5 moved into it with the margins kept (lavaan's
    zero.add); a table with ad = bc gives 0. Values from lavaan 0.6.14, lavCor(d, ordered = ...)."""
    y1 = np.array([0] * 10 + [1] * 30)
    y2 = np.array([0] * 22 + [1] * 18)                     # table [[10, 0], [12, 18]]
    y3 = np.array([0] * 5 + [1] * 5 + [0] * 6 + [1] * 6 + [0] * 9 + [1] * 9)
    st = ordinal_stats(np.column_stack([y1, y2, y3]), [2, 2, 2], ["y1", "y2", "y3"])
    assert st.cor[1, 0] == pytest.approx(0.798307290115505, abs=1e-8)
    assert st.cor[2, 0] == 0.0 and st.cor[2, 1] == 0.0


def test_ordered_alone_means_wlsmv(quiet):
    data = pd.read_csv(HS_ORDINAL)
    res = rq.fit(HS_MODEL, data, ordered=True)
    ref = load_reference("hs_wlsmv")
    assert res.call["estimator"] == "WLSMV"
    assert res.fit_measures()["chisq_scaled"] == pytest.approx(
        ref["fit_measures"]["chisq.scaled"], rel=1e-6)
    assert "scaled-shifted" in res.summary()
    assert "WLSMV" in repr(res) or "chisq" in repr(res)


def test_ordered_categorical_columns(quiet):
    """pandas ordered categoricals are used in their category order (the data are not changed)."""
    data = pd.read_csv(HS_ORDINAL)
    labels = ["low", "middle", "high", "top"]
    cat = data.assign(**{f"x{i}": pd.Categorical.from_codes(data[f"x{i}"] - 1, labels, ordered=True)
                         for i in range(1, 10)})
    res = rq.fit(HS_MODEL, cat, ordered=True)
    ref = load_reference("hs_wlsmv")
    assert res.fit_measures()["chisq"] == pytest.approx(ref["fit_measures"]["chisq"], rel=1e-8)
    assert isinstance(cat["x1"].dtype, pd.CategoricalDtype)


def test_single_ordered_indicator_is_explained(ordinal, quiet):
    res = rq.fit(HS_MODEL + "\nf =~ b2", ordinal, ordered=True)
    assert any("'f' has a single ordered indicator (b2)" in w for w in res.warnings)
    assert any("information matrix is singular" in w for w in res.warnings)


def test_unavailable_methods_say_so(quiet):
    res = rq.fit(HS_MODEL, pd.read_csv(HS_ORDINAL), estimator="WLSMV", ordered=True)
    with pytest.raises(NotImplementedError, match="WLSMV"):
        res.bollen_stine(10)


def test_bootstrap_recomputes_the_ordinal_statistics(quiet):
    """Each resample gets its own thresholds, polychorics and weights; the draws do not depend
    on the number of workers, and their SDs agree with the robust SEs."""
    data = pd.read_csv(HS_ORDINAL)
    res = rq.fit(HS_MODEL, data, ordered=True)
    boot = res.bootstrap(120, seed=3)
    again = rq.fit(HS_MODEL, data, ordered=True).bootstrap(120, seed=3, n_jobs=2)
    assert boot.n_failed == 0
    assert np.array_equal(boot.values, again.values)
    free = res.partable.col["free"] > 0                 # (the table has no := rows)
    ratio = boot.block("est").std(axis=0, ddof=1)[free] / res.estimates()["se"].to_numpy()[free]
    assert 0.8 < np.median(ratio) < 1.2
    thresholds = boot.block("est")[:, res.partable.col["op"] == "|"]
    assert np.isfinite(thresholds).all()
    by_boot = rq.fit(HS_MODEL, data, ordered=True, se="bootstrap", bootstrap=120, seed=3)
    assert np.allclose(by_boot.estimates()["se"].to_numpy()[free],
                       boot.block("est").std(axis=0, ddof=1)[free])


# ------------------------------------------------------------------ bad input

@pytest.fixture
def ordinal():
    return pd.read_csv(HS_ORDINAL)


def test_empty_category_in_a_group(ordinal):
    data = ordinal.copy()
    data.loc[(data["school"] == "Pasteur") & (data["x2"] == 4), "x2"] = 3
    with pytest.raises(DataError, match=r"'x2'.*nobody in group 'Pasteur' chose category 4"):
        rq.fit(HS_MODEL, data, estimator="WLSMV", ordered=True, group="school")


def test_single_category(ordinal):
    data = ordinal.assign(x5=2)
    with pytest.raises(DataError, match="'x5' has only one category"):
        rq.fit(HS_MODEL, data, estimator="WLSMV", ordered=True)


def test_too_many_categories(ordinal, hs):
    data = ordinal.assign(x7=pd.qcut(hs["x7"], 12, labels=False) + 1)
    with pytest.raises(DataError, match="'x7' has 12 categories.*treat it as continuous"):
        rq.fit(HS_MODEL, data, estimator="WLSMV", ordered=True)


def test_non_integer_codes(hs):
    with pytest.raises(DataError, match="'x1' has non-integer values"):
        rq.fit(HS_MODEL, hs, estimator="WLSMV", ordered=True)


def test_ordered_names_a_column_not_in_the_model(ordinal):
    with pytest.raises(ValueError, match="'ageyr'.*not observed variables of the model"):
        rq.fit(HS_MODEL, ordinal, estimator="WLSMV", ordered=["x1", "ageyr"])


def test_fiml_with_wlsmv(ordinal):
    with pytest.raises(NotImplementedError, match="missing='fiml' is not available with "
                                                  "estimator='WLSMV'"):
        rq.fit(HS_MODEL, ordinal, estimator="WLSMV", ordered=True, missing="fiml")


def test_wlsmv_needs_ordered_and_ordered_needs_wlsmv(ordinal):
    with pytest.raises(NotImplementedError, match="ordered="):
        rq.fit(HS_MODEL, ordinal, estimator="WLSMV")
    with pytest.raises(ValueError, match="need estimator='WLSMV'"):
        rq.fit(HS_MODEL, ordinal, estimator="MLR", ordered=True)
    with pytest.raises(NotImplementedError, match="engine='native' only"):
        rq.fit(HS_MODEL, ordinal, ordered=True, engine="semopy")


def test_not_yet_available_model_features(ordinal):
    # observed covariates are available (conditional.x): tests/test_ordinal_covariates.py
    with pytest.raises(NotImplementedError, match="delta parameterization"):
        rq.fit(HS_MODEL + "\nx1 ~~ x1", ordinal, ordered=True)
    with pytest.raises(ModelSyntaxError, match="'x1' has 3 thresholds"):
        rq.fit(HS_MODEL + "\nx1 | t1 + t2 + t3 + t4", ordinal, ordered=True)


def test_user_thresholds_and_equal_thresholds(ordinal, quiet):
    """Thresholds written in the syntax are kept; labels can make them equal (x1 and x2 share
    one value per threshold)."""
    model = HS_MODEL + "\nx1 | a*t1 + b*t2 + c*t3\nx2 | a*t1 + b*t2 + c*t3"
    res = rq.fit(model, ordinal, ordered=True)
    est = res.estimates()
    t = est[(est["op"] == "|") & est["lhs"].isin(["x1", "x2"])]
    assert len(t) == 6 and t.groupby("rhs")["est"].nunique().eq(1).all()
    free = rq.fit(HS_MODEL, ordinal, ordered=True)
    assert res.partable.npar == free.partable.npar - 3
    assert res.fit_measures()["chisq"] > free.fit_measures()["chisq"]
