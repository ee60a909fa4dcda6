"""The continuous estimators other than ML/MLR and their se= / test= options against lavaan
0.6-14 (tests/reference/estimators_reference.R -> estimators.json; issue 15, item 5).

Tolerances: est and se within 1e-4 (relative above 1; the largest differences are printed by
`python tests/test_estimators.py`), fit measures within 1e-5 (relative above
1); a fit measure lavaan does not report for a test (e.g. robust CFI of mean.var.adjusted) must
not be reported by relqual either.
"""
import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual import testlabels
from relqual.difftest import difference_test
from relqual.options import FitOptions

from conftest import REFERENCE, ROOT, close, compare_fit_measures, merged_estimates

REF = json.loads((REFERENCE / "estimators.json").read_text())
CASES = {c["name"]: c for c in REF["cases"]}

EST_TOL = 1e-4     # lavaan stops its optimizer at a gradient of about 1e-6 (differences ~1e-5)
SE_TOL = 1e-4     # multigroup DWLS: lavaan's estimates differ by 3e-5, its SEs by 1.1e-5

MEASURES = ["npar", "fmin", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df",
            "baseline.pvalue", "cfi", "tli", "nnfi", "rfi", "nfi", "pnfi", "ifi", "rni", "rmsea",
            "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "srmr", "logl",
            "unrestricted.logl", "aic", "bic", "bic2", "ntotal",
            "chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
            "baseline.chisq.scaled", "baseline.df.scaled", "baseline.pvalue.scaled",
            "baseline.chisq.scaling.factor", "cfi.scaled", "tli.scaled", "nnfi.scaled",
            "rfi.scaled", "nfi.scaled", "pnfi.scaled", "ifi.scaled", "rni.scaled",
            "rmsea.scaled", "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled",
            "rmsea.pvalue.scaled", "cfi.robust", "tli.robust", "nnfi.robust", "rni.robust",
            "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust",
            "rmsea.pvalue.robust"]


def fit(case, **extra):
    o = case["options"]
    kwargs = dict(estimator=o["estimator"], se=o.get("se"), test=o.get("test"))
    if "group" in o:
        kwargs["group"] = o["group"]
        kwargs["group_equal"] = o.get("group.equal") or ()
    if o.get("meanstructure"):
        kwargs["meanstructure"] = True
    if "fixed.x" in o:
        kwargs["fixed_x"] = bool(o["fixed.x"])
    kwargs.update(extra)
    data = pd.read_csv(ROOT / case["data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(case["model"], data, **kwargs)


@pytest.fixture(scope="module", params=sorted(CASES))
def fitted(request):
    case = CASES[request.param]
    return case, fit(case)


def test_estimates_and_standard_errors(fitted):
    case, res = fitted
    merged, expected = merged_estimates(case, res)
    assert len(merged) == expected
    assert close(merged["est"], merged["est_lavaan"], EST_TOL).all(), case["name"]
    assert close(merged["se"], merged["se_lavaan"], SE_TOL).all(), merged[["lhs", "op", "rhs",
                                                                        "se", "se_lavaan"]]


def test_fit_measures(fitted):
    case, res = fitted
    # a measure lavaan does not report for this estimator/test must not be finite here, except
    # N (relqual always reports it)
    assert compare_fit_measures(case, res.fit_measures(), MEASURES, always=("ntotal",)) >= 15


def test_call_names_estimator_se_and_test(fitted):
    case, res = fitted
    lavaan = case["lavaan_options"]
    tests = [lavaan["test"]] if isinstance(lavaan["test"], str) else lavaan["test"]
    assert res.call["estimator"] == case["options"]["estimator"]
    assert res.call["test"] == tests[-1]


@pytest.mark.parametrize("lrt", REF["lrt"], ids=lambda c: c["name"])
def test_scaled_difference_tests(lrt):
    data = pd.read_csv(ROOT / lrt["data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.invariance(lrt["model"], data, group=lrt["group"],
                              estimator=lrt["estimator"])
    ours = table.set_index("level") if "level" in table.columns else table
    d = ours["delta_chisq"].to_numpy(dtype=float)
    assert "Satorra" in table.attrs["test"]
    # c_d = (df1 c1 - df0 c0) / (df1 - df0) magnifies lavaan's optimizer tolerance (its
    # scaling factors agree with ours to 5e-7, the differences to about 1.5e-5)
    assert close(d[1:3], lrt["chisq_diff"][1:3], 1e-4).all()


@pytest.mark.parametrize("name, test", [("hs_mlm_lrt", "satorra.bentler"),
                                        ("hs_mlm_lrt", "yuan.bentler"),
                                        ("hs_mlmv_lrt", "scaled.shifted")])
def test_invariance_with_ml_and_a_scaled_test(name, test):
    # lavTestLRT chooses its method from the test (ML + satorra.bentler = MLM's differences)
    lrt = {c["name"]: c for c in REF["lrt"]}[name]
    data = pd.read_csv(ROOT / lrt["data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.invariance(lrt["model"], data, group=lrt["group"], estimator="ML", test=test)
    assert ("Satorra (2000)" if test == "scaled.shifted" else "Satorra-Bentler (2001)") in \
        table.attrs["test"]
    d = table["delta_chisq"].to_numpy(dtype=float)
    assert close(d[1:3], lrt["chisq_diff"][1:3], 1e-4).all()


@pytest.mark.parametrize("estimator", ["MLM", "MLMV", "MLF"])
def test_compare_non_nested_robust_fits_get_mls_vuong_tests(estimator):
    # their estimates and log-likelihoods are ML's; A^-1 the inverse expected information
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    one = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6"
    two = "visual =~ x1 + x2 + x3 + x4\ntextual =~ x5 + x6"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = rq.compare(rq.fit(one, data, estimator=estimator),
                          rq.fit(two, data, estimator=estimator)).details["pairs"]
        ml = rq.compare(rq.fit(one, data), rq.fit(two, data)).details["pairs"]
    assert ours["test"].iloc[0].startswith("Vuong")
    columns = ["statistic", "omega2", "p_omega2", "vuong_z", "p_1_better"]
    assert np.allclose(ours[columns].to_numpy(float), ml[columns].to_numpy(float), rtol=1e-8)


@pytest.mark.parametrize("ref", REF["compare_paths"], ids=lambda r: r["estimator"])
def test_compare_paths_scaled_difference(ref):
    data = pd.read_csv(ROOT / ref["data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(ref["model"], data, estimator=ref["estimator"], group=ref["group"])
        table = res.compare_paths(ref["path"])
    assert close(table["lrt_chisq"].iloc[0], ref["chisq_diff"], 1e-4)
    assert table["lrt_df"].iloc[0] == ref["df_diff"]
    assert close(table["lrt_pvalue"].iloc[0], ref["p"], 1e-4)


@pytest.mark.parametrize("ref", REF["compare"],
                         ids=lambda r: r["estimator"] + "-" + str(r["test"]))
def test_compare_uses_lavaans_difference_test(ref):
    data = pd.read_csv(ROOT / ref["data"])
    kwargs = dict(estimator=ref["estimator"], test=ref["test"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.compare(rq.fit(ref["general"], data, **kwargs),
                           rq.fit(ref["restricted"], data, **kwargs),
                           names=["general", "restricted"])
    pair = table.details["pairs"].iloc[0]
    assert pair["relation"] == "restricted within general"
    method = ("Satorra 2000" if "satorra.2000" in ref["method"] else
              "Satorra-Bentler 2001" if "satorra.bentler.2001" in ref["method"] else "(")
    assert (method in pair["test"]) == (method != "("), (pair["test"], ref["method"])
    assert close(pair["statistic"], ref["chisq_diff"], 1e-4)
    assert pair["df"] == ref["df_diff"]
    assert close(pair["pvalue"], ref["p"], 1e-4)


@pytest.mark.parametrize("refusal", REF["refusals"],
                         ids=lambda r: r["estimator"] + str(r["options"]))
def test_refused_like_lavaan(refusal):
    opts = dict(refusal["options"])
    if opts.pop("missing", None) == "ml":
        opts["missing"] = "fiml"
    else:       # (lavaan 0.6-14 lets DWLS through with missing = "ml")
        assert refusal["message"], "lavaan accepts this combination"
    with pytest.raises((ValueError, NotImplementedError)) as err:
        FitOptions.from_arguments(estimator=refusal["estimator"], **opts)
    assert refusal["estimator"] in str(err.value)


def test_difference_test_uses_the_scaled_statistics():
    free = {"chisq": 100.0, "df": 20, "chisq_scaling_factor": 1.2}
    constrained = {"chisq": 110.0, "df": 24, "chisq_scaling_factor": 1.25}
    out = difference_test(free, constrained, 300, 2, "MLM")
    c_d = (24 * 1.25 - 20 * 1.2) / 4
    assert out["delta_chisq"] == pytest.approx(10.0 / c_d)


BAD_OPTIONS = [
    (NotImplementedError, "res.bollen_stine", dict(estimator="ML", test="bollen.stine")),
    (ValueError, "unknown test='sb'", dict(estimator="MLM", test="sb")),
    (ValueError, "unknown se='robust'", dict(estimator="MLM", se="robust")),
    (ValueError, "se='robust.sem' needs complete data",
     dict(estimator="ML", se="robust.sem", missing="fiml")),
    (ValueError, "test='satorra.bentler' needs complete data",
     dict(estimator="ML", test="satorra.bentler", missing="fiml")),
    (TypeError, "test must be a string", dict(estimator="MLM", test=1)),
    (NotImplementedError, "test='yuan.bentler.mplus' with se='first.order'",
     dict(estimator="MLR", se="first.order")),
    (NotImplementedError, "test='yuan.bentler.mplus' is available",
     dict(estimator="MLM", test="yuan.bentler.mplus")),
    (NotImplementedError, "keeps 'scaled.shifted'", dict(estimator="MLMV", test="yuan.bentler")),
    (NotImplementedError, "keeps 'mean.var.adjusted'",
     dict(estimator="MLMVS", test="yuan.bentler")),
    (NotImplementedError, "estimator='MLR'", dict(estimator="MLR", test="yuan.bentler")),
    (NotImplementedError, "engine='semopy' fits", dict(estimator="MLM", engine="semopy")),
]


@pytest.mark.parametrize("error, message, arguments", BAD_OPTIONS,
                         ids=[m for _, m, _ in BAD_OPTIONS])
def test_bad_options_are_refused_with_names(error, message, arguments):
    with pytest.raises(error, match=re.escape(message)):
        FitOptions.from_arguments(**arguments)


def test_yuan_bentler_equals_satorra_bentler_with_complete_data():
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    model = CASES["hs_mlm"]["model"]
    yb = rq.fit(model, data, estimator="ML", test="yuan.bentler")
    sb = rq.fit(model, data, estimator="ML", test="satorra.bentler")
    assert yb.call["test"] == "yuan.bentler"
    assert "Yuan-Bentler" in testlabels.test_label(yb.call)
    keys = [k for k in sb.fit_measures().index if np.isfinite(sb.fit_measures()[k])]
    assert np.allclose(yb.fit_measures()[keys], sb.fit_measures()[keys], rtol=1e-12)
    assert np.allclose(yb.estimates()["se"], rq.fit(model, data).estimates()["se"])


def test_bollen_stine_refused_for_least_squares_fits():
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    res = rq.fit("f =~ x1 + x2 + x3 + x4", data, estimator="ULS")
    with pytest.raises(NotImplementedError, match="Bollen-Stine.*estimator='ML'"):
        res.bollen_stine(draws=10, seed=1)


@pytest.mark.parametrize("estimator", ["MLM", "MLMV"])
def test_bollen_stine_of_robust_ml_fits_is_mls(estimator):
    # lavaan refuses the bootstrap for MLM/MLMV ("use ML estimator for bootstrap"): their
    # estimates and standard chi-square are ML's, so relqual's is the ML fit's Bollen-Stine
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    model = "f =~ x1 + x2 + x3 + x4"
    ours = rq.fit(model, data, estimator=estimator).bollen_stine(draws=20, seed=3)
    ml = rq.fit(model, data).bollen_stine(draws=20, seed=3)
    assert ours.equals(ml)


def test_summary_statistics_refuse_robust_estimators():
    hs = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    cov = hs[["x1", "x2", "x3", "x4"]].cov()
    with pytest.raises(ValueError, match="estimator='MLM'.*needs the raw data rows"):
        rq.fit("f =~ x1 + x2 + x3 + x4", cov=cov, n_obs=301, estimator="MLM")


def test_fixed_covariates_with_least_squares_are_refused():
    hs = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    with pytest.raises(NotImplementedError, match="fixed_x=False"):
        rq.fit("f =~ x1 + x2 + x3; f ~ x4", hs, estimator="ULS", fixed_x=True)


def largest_differences() -> dict:
    """Per case the largest absolute differences from lavaan (est, se, fit measures)."""
    out = {}
    for name in sorted(CASES):
        case = CASES[name]
        res = fit(case)
        m = merged_estimates(case, res)[0]
        fm = res.fit_measures()
        fit_diff = max(abs(fm[k.replace(".", "_")] - case["fit"][k]) for k in MEASURES
                       if case["fit"].get(k) is not None)
        out[name] = (float((m["est"] - m["est_lavaan"]).abs().max()),
                     float((m["se"] - m["se_lavaan"]).abs().max()), float(fit_diff))
    return out


if __name__ == "__main__":
    for case_name, (d_est, d_se, d_fit) in largest_differences().items():
        print(f"{case_name:24s} est {d_est:.1e}  se {d_se:.1e}  fit measures {d_fit:.1e}")


@pytest.mark.parametrize("estimator", ["ULS", "GLS", "WLS", "DWLS"])
def test_least_squares_derivatives_match_finite_differences(estimator):
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual ~ textual", data,
                     estimator=estimator, group="school", group_equal="loadings")
    loss = res.problem.loss
    x = res.x + 0.05 * np.cos(np.arange(len(res.x)))      # away from the optimum
    f, g, _, hessian = loss.value_gradient_information(x, exact=True)
    h = 1e-6
    steps = np.eye(len(x)) * h
    numeric_g = np.array([(loss.value(x + e) - loss.value(x - e)) / (2 * h) for e in steps])
    numeric_h = np.array([(loss.value_and_gradient(x + e)[1]
                           - loss.value_and_gradient(x - e)[1]) / (2 * h) for e in steps])
    assert np.allclose(g, numeric_g, atol=1e-7, rtol=1e-5)
    assert np.allclose(hessian, numeric_h, atol=1e-6, rtol=1e-5)
    assert f == pytest.approx(loss.value(x))
