"""WLSMV with observed exogenous covariates (lavaan's conditional.x) against lavaan 0.6-14
(tests/reference/ordinal_covariates.json, made by ordinal_covariates_reference.R).

Per case and group: lavaan's WLS.obs (thresholds, probit slopes, residual polychoric
correlations) and Gamma (NACOV) within 1e-6 (relative above 1; lavaan's nlminb stops the
residual correlations about 3e-8 from the optimum); fits (factor on covariates, direct item ~ x
effects, items only, a defined indirect effect, theta, two groups free and with equal
thresholds and loadings; ULSMV, WLSM and DWLS as well as WLSMV): est, se, std.lv, std.all, R²
and the standardized indirect effect within 1e-4, fit measures within 1e-5 (relative above
1), NA where lavaan reports NA (robust CFI/TLI/RMSEA). Bad input and refused Result methods
give clear errors. The scaled difference test of two nested fits as lavTestLRT.
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from test_wlsmv import WLSMV_MEASURES

import relqual as rq
from relqual.data import DataError
from relqual.ordinal_difftest import satorra_2000

from conftest import ROOT, close, load_reference

REF = load_reference("ordinal_covariates")
HS_ITEMS = [f"x{i}" for i in range(1, 7)]


def case_data(name: str) -> pd.DataFrame:
    if REF["cases"][name]["data"].startswith("holzinger"):
        return pd.read_csv(ROOT / "data" / "holzinger_swineford_ordinal.csv")
    data = pd.read_csv(ROOT / "data" / "relationship_quality.csv")
    data["high"] = (data["competition"] == "high").astype(float)
    data["ccm"] = data[["cc1", "cc2", "cc3", "cc4"]].mean(axis=1)     # answered items
    return data


def fit_case(name: str):
    ref = REF["cases"][name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")             # listwise deletion of missing items (rq)
        return rq.fit(ref["model"], case_data(name), ordered=ref["ordered"],
                      estimator=ref["estimator"], group=ref.get("group") or None,
                      group_equal=ref.get("group_equal") or (),
                      parameterization=ref["parameterization"])


@pytest.fixture(scope="module", params=sorted(REF["cases"]))
def case(request):
    return request.param, REF["cases"][request.param], fit_case(request.param)


def test_reference_is_conditional_x():
    assert REF["lavaan_version"] == "0.6.14"
    assert all(ref["covariates"] for ref in REF["cases"].values())


def test_sample_statistics(case):
    name, ref, res = case
    assert res.n_obs == sum(ref["nobs"])
    for g, group in enumerate(ref.get("groups") or []):      # stored once per data set
        st = res.problem.ordinal["stats"][g]
        obs = np.array(group["wls_obs"]["values"])
        assert st.wls_obs.shape == obs.shape
        assert close(st.wls_obs, obs, 1e-6).all(), name
        gamma = np.array(group["gamma"])
        assert close(st.gamma, gamma, 1e-6).all(), name
        stats = res.sample_statistics(g + 1)
        names = group["wls_obs"]["names"]
        nth, nsl = st.nth, st.slopes.size
        assert list(stats["gamma"].index[:nth + nsl]) == names[:nth + nsl]   # x1|t1 .. x1~age
        slopes = group["res_slopes"]
        assert np.allclose(stats["slopes"].loc[slopes["rownames"], slopes["colnames"]],
                           slopes["data"], atol=1e-6)


def test_estimates(case):
    name, ref, res = case
    theirs = pd.DataFrame(ref["estimates"])
    ours = res.estimates()
    if "group" not in ours:
        ours["group"] = 1
    both = theirs.merge(ours, on=["lhs", "op", "rhs", "group"], how="left",
                        suffixes=("", "_rq"), validate="one_to_one")
    assert both["est_rq"].notna().all(), name
    assert (np.abs(both["est"] - both["est_rq"]) < 1e-4).all(), name
    assert (np.abs(both["se"] - both["se_rq"]) < 1e-4).all(), name
    assert (np.abs(both["std.lv"] - both["std_lv"]) < 1e-4).all(), name
    # lavaan reports std.all = 1 for a scaling factor (~*~) that is computed or free
    scaled = both[both["op"] != "~*~"]
    assert (np.abs(scaled["std.all"] - scaled["std_all"]) < 1e-4).all(), name


def test_fit_measures(case):
    name, ref, res = case
    measures = res.fit_measures()
    for key in WLSMV_MEASURES:
        if key not in ref["fit_measures"]:      # e.g. no scaled test for DWLS
            continue
        theirs = ref["fit_measures"][key]
        ours = measures[key.replace(".", "_")]
        if theirs is None:                     # lavaan NA: robust indices with conditional.x
            assert np.isnan(ours), (name, key)
        else:
            assert close(ours, theirs, 1e-5), (name, key, ours, theirs)


def test_r2_and_implied_moments(case):
    """R² from the joint variances (covariates included) as lavInspect(fit, "r2"); the implied
    covariance matrix is that of the latent responses given the covariates (lavaan's res.cov)."""
    name, ref, res = case
    r2 = res.r2()
    for g, theirs in enumerate(ref["r2"]):
        for var, value in theirs.items():
            ours = r2[var] if len(ref["r2"]) == 1 else r2[(res.group_labels[g], var)]
            assert abs(ours - value) < 1e-4, (name, var)
        implied = res.implied_cov(g + 1)
        st = res.problem.ordinal["stats"][g]
        assert list(implied.index) == list(st.names)
        assert np.allclose(np.diag(implied), 1.0 / res.problem.models[g].scales(res.x)[
            [res.problem.models[g].names.index(v) for v in st.names]] ** 2)


def test_standardized_indirect_effect():
    """A defined indirect effect through a covariate: est, se, and the standardized value and
    its delta-method se as lavaan's standardizedSolution."""
    ref = REF["cases"]["rq_indirect"]
    res = fit_case("rq_indirect")
    theirs = ref["std_defined"][0]
    std = res.standardized_solution().set_index("lhs").loc[theirs["lhs"]]
    assert std["est_std"] == pytest.approx(theirs["est.std"], abs=1e-4)
    assert std["se"] == pytest.approx(theirs["se"], abs=1e-4)
    effects = res.effects().set_index(["effect", "from", "to"])
    row = effects.loc[("indirect", "high", "commitment")]
    assert row["std_all"] == pytest.approx(theirs["est.std"], abs=1e-4)
    assert row["std_all_se"] == pytest.approx(theirs["se"], abs=1e-4)


def test_scaled_difference_test():
    """lavTestLRT of two nested fits with covariates (Satorra 2000, scaled-shifted)."""
    ref = REF["lrt"]
    out = satorra_2000(fit_case(ref["free"]), fit_case(ref["constrained"]))
    assert out["delta_df"] == ref["df_diff"]
    assert out["delta_chisq"] == pytest.approx(ref["chisq_diff"], rel=1e-6)
    assert out["p_delta"] == pytest.approx(ref["pvalue"], rel=1e-5)


def test_exact_hessian_with_slopes():
    """The second derivatives of the implied slopes (used by the optimizer's Newton steps)
    against central differences of the analytic gradient."""
    res = fit_case("hs_direct")
    loss = res.problem.loss
    x = res.x + 0.05
    hessian = loss.observed_hessian(x)[2]
    h = 1e-6
    numeric = np.column_stack([
        (loss.value_and_gradient(x + h * e)[1] - loss.value_and_gradient(x - h * e)[1]) / (2 * h)
        for e in np.eye(len(x))])
    assert np.abs(hessian - numeric).max() < 1e-6


def test_bootstrap_recomputes_the_conditional_statistics():
    """Each resample gets its own probit regressions, residual polychorics, weights and
    covariate moments; the draws' SDs agree with the robust SEs."""
    res = fit_case("hs_mimic")
    boot = res.bootstrap(60, seed=5)
    assert boot.n_failed == 0
    col = res.partable.col
    free = col["free"] > 0
    draws = boot.block("est")
    ratio = draws.std(axis=0, ddof=1)[free] / res.estimates()["se"].to_numpy()[free]
    assert 0.8 < np.median(ratio) < 1.2
    var_age = (col["lhs"] == "ageyr") & (col["op"] == "~~") & (col["rhs"] == "ageyr")
    assert draws[:, var_age].std() > 0.01             # the resample's var(ageyr)
    assert res.estimates()["est"][var_age].item() == pytest.approx(
        case_data("hs_mimic")["ageyr"].var())      # the fit itself is untouched


def test_covariate_rows_are_the_sample_moments():
    res = fit_case("hs_mimic")
    data = case_data("hs_mimic")
    est = res.estimates().set_index(["lhs", "op", "rhs"])["est"]
    assert est["ageyr", "~~", "ageyr"] == pytest.approx(data["ageyr"].var(), abs=1e-12)
    assert est["sex", "~1", ""] == pytest.approx(data["sex"].mean(), abs=1e-12)


# ------------------------------------------------------------------ bad input and refusals

def test_ordered_covariate_refused(hso):
    with pytest.raises(NotImplementedError, match="covariate.*'sex' named in ordered="):
        rq.fit("f =~ x1 + x2 + x3\nf ~ sex", hso, ordered=["x1", "x2", "x3", "sex"])


def test_string_and_categorical_covariates_refused(hso):
    data = hso.assign(sex=np.where(hso["sex"] == 1, "girl", "boy"))
    with pytest.raises(DataError, match="covariate 'sex' is not numeric"):
        rq.fit("f =~ x1 + x2 + x3\nf ~ sex", data, ordered=True)
    data = hso.assign(sex=pd.Categorical(np.where(hso["sex"] == 1, "girl", "boy")))
    with pytest.raises(DataError, match=r"covariate 'sex' is not numeric \(categorical"):
        rq.fit("f =~ x1 + x2 + x3\nf ~ sex", data, ordered=True)


def test_missing_covariate_refused(hso):
    data = hso.astype({"ageyr": float})
    data.loc[7, "ageyr"] = np.nan
    with pytest.raises(DataError, match="covariate 'ageyr' has 1 missing value.*row 7"):
        rq.fit("f =~ x1 + x2 + x3\nf ~ ageyr", data, ordered=True)


def test_separating_covariate_refused(hso):
    data = hso.assign(split=(hso["x1"] >= 3).astype(float))      # predicts x1 <= 2 perfectly
    with pytest.raises(ValueError, match="probit regression of 'x1'.*did not converge"):
        rq.fit("f =~ x1 + x2 + x3\nf ~ split", data, ordered=True)


def test_unsupported_combinations_refused(hso):
    with pytest.raises(NotImplementedError, match="fixed_x=False with covariates"):
        rq.fit("f =~ x1 + x2 + x3\nf ~ sex", hso, ordered=True, fixed_x=False)
    with pytest.raises(NotImplementedError, match=r"continuous observed variables \(x3\)"):
        rq.fit("f =~ x1 + x2 + x3\nf ~ sex", hso, ordered=["x1", "x2"])
    with pytest.raises(NotImplementedError, match="Wu & Estabrook 2016.*covariates"):
        rq.invariance("f =~ x1 + x2 + x3\nf ~ ageyr", hso, group="sex", ordered=True)


@pytest.mark.parametrize("method", ["factor_scores", "reliability", "htmt", "modindices",
                                    "item_diagnostics"])
def test_result_methods_refused(method):
    res = fit_case("hs_mimic")
    with pytest.raises(NotImplementedError, match=r"with covariates \(ageyr, sex; lavaan's "
                                                   "conditional.x\\) is not available yet"):
        getattr(res, method)()
