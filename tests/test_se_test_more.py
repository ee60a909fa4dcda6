"""Continuous se= / test= combinations beyond tests/test_estimators.py (issue 15, item 5, part
2), against lavaan 0.6-14 (tests/reference/estimators_more.json, made by
tests/reference/estimators_more_reference.R).

Reproduced: test="yuan.bentler.mplus" with ML (se standard, robust.sem or robust.huber.white;
also under FIML), MLR with se="robust.sem" or "standard" (lavaan then scales by the expected
information; under FIML MLR's own test with observed-information SEs), Satorra-type tests
(satorra.bentler, yuan.bentler, mean.var.adjusted, scaled.shifted) with se="robust.huber.white"
(lavaan's "h1" form of the observed information; ML, MLM, MLMV and MLMVS), test="yuan.bentler"
under FIML; one and two groups, with and without equal intercepts. Refused with the reason: MLR
with another test= (lavaan adds it beside yuan.bentler.mplus and switches every test to the
"h1" information, which changes MLR's numbers). lavTestLRT's Satorra-Bentler (2001) difference
tests of such fits match; its Satorra (2000) test with se="robust.huber.white" is refused.

Tolerances (issue 15): est and se within 1e-4, fit measures within 1e-5 (relative above 1);
difference tests within 1e-4 (two fits' optima, each within about 1e-5 of lavaan's).
"""
import json
import warnings

import pandas as pd
import pytest

import relqual as rq
from relqual.difftest import difference_test
from relqual.options import DEFAULTS

from conftest import HS_MODEL, REFERENCE, ROOT, close, compare_fit_measures, merged_estimates

REF = json.loads((REFERENCE / "estimators_more.json").read_text())
CASES = {c["name"]: c for c in REF["cases"]}
REFUSED = {   # name -> the words of relqual's refusal
    "hs_mlr_yb": "adds it beside 'yuan.bentler.mplus'",
    "hs_mlr_sb": "adds it beside 'yuan.bentler.mplus'",
    "hs_mlr_ss": "adds it beside 'yuan.bentler.mplus'",
    "hs_mlr_mva": "adds it beside 'yuan.bentler.mplus'",
    "hs_mlr_standard": "adds it beside 'yuan.bentler.mplus'",
}
MEASURES = ["npar", "fmin", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df",
            "baseline.pvalue", "cfi", "tli", "rmsea", "srmr", "logl", "aic", "bic",
            "chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
            "baseline.chisq.scaled", "baseline.df.scaled", "baseline.pvalue.scaled",
            "baseline.chisq.scaling.factor", "cfi.scaled", "tli.scaled", "nnfi.scaled",
            "rfi.scaled", "nfi.scaled", "pnfi.scaled", "ifi.scaled", "rni.scaled",
            "rmsea.scaled", "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled",
            "rmsea.pvalue.scaled", "cfi.robust", "tli.robust", "nnfi.robust", "rni.robust",
            "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust",
            "rmsea.pvalue.robust"]


def fit(case):
    o = case["options"]
    kwargs = dict(estimator=o["estimator"], se=o.get("se"), test=o.get("test"),
                  missing="fiml" if o.get("missing") == "ml" else "listwise",
                  group=o.get("group"), group_equal=o.get("group.equal") or ())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(case["model"], pd.read_csv(ROOT / case["data"]), **kwargs)


@pytest.fixture(scope="module", params=sorted(set(CASES) - set(REFUSED)))
def fitted(request):
    case = CASES[request.param]
    return case, fit(case)


def test_every_refused_case_is_in_the_reference():
    assert set(REFUSED) <= set(CASES)


def test_estimates_and_standard_errors(fitted):
    case, res = fitted
    m, expected = merged_estimates(case, res)
    assert len(m) == expected
    assert close(m["est"], m["est_lavaan"], 1e-4).all()
    assert close(m["se"], m["se_lavaan"], 1e-4).all()


def test_fit_measures(fitted):
    case, res = fitted
    assert compare_fit_measures(case, res.fit_measures(), MEASURES) >= 30


def test_call_and_labels_name_what_ran(fitted):
    case, res = fitted
    lavaan = case["lavaan_options"]
    se, test = DEFAULTS[case["options"]["estimator"]]          # MLR's call leaves them out
    assert res.call.get("se", se) == lavaan["se"]
    assert res.call.get("test", test) == lavaan["test"][-1]
    assert res.estimate.inference.kind == lavaan["se"]
    note = rq.testlabels.estimation_note(res.call)
    assert f"Estimator {case['options']['estimator']};" in note
    assert rq.testlabels.test_label(res.call) in res.summary()


def test_the_information_lavaan_switches_to_changes_the_numbers():
    """Why these are separate cases: lavaan's Yuan-Bentler statistic with the expected or the
    "h1" information differs from MLR's (the Hessian), and relqual gives each."""
    mlr = CASES["hs_mlr"]["fit"]["chisq.scaled"]
    for name, information in (("hs_ml_ybm", ("expected", "h1")),
                              ("hs_mlr_robust_sem", ("expected", "hessian")),
                              ("hs_ml_rhw_ybm", ("observed", "h1"))):
        case = CASES[name]
        lavaan = case["lavaan_options"]
        assert (lavaan["information"][1], lavaan["observed.information"][1]) == information
        assert abs(case["fit"]["chisq.scaled"] - mlr) > 1.0
    fiml = CASES["hsm_mlr_fiml"]["fit"]["chisq.scaled"]
    for name in ("hsm_ml_fiml_ybm", "hsm_ml_fiml_yb"):
        case = CASES[name]
        assert case["lavaan_options"]["observed.information"][1] == "h1"
        assert abs(case["fit"]["chisq.scaled"] - fiml) > 1.0
        assert close(fit(case).fit_measures()["chisq_scaled"], case["fit"]["chisq.scaled"], 1e-5)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_lavaans_reason(name):
    case = CASES[name]
    lavaan = case["lavaan_options"]
    assert lavaan["observed.information"][-1] == "h1"       # why relqual refuses them
    if case["options"]["estimator"] == "MLR":               # lavaan's numbers are not MLR's
        assert lavaan["test"][0] == "yuan.bentler.mplus" and len(lavaan["test"]) == 2
        assert abs(case["fit"]["chisq.scaled"] - CASES["hs_mlr"]["fit"]["chisq.scaled"]) > 1.0
    with pytest.raises((NotImplementedError, ValueError), match=REFUSED[name]):
        fit(case)


def test_observed_covariates_are_refused_for_the_h1_tests():
    hs = rq.datasets.load("holzinger_swineford")
    model = "visual =~ x1 + x2 + x3\nvisual ~ ageyr"
    with pytest.raises(NotImplementedError, match=r"observed covariates \(ageyr\)"):
        rq.fit(model, hs, se="robust.huber.white", test="satorra.bentler")
    with pytest.raises(NotImplementedError, match=r"observed covariates \(ageyr\)"):
        rq.fit(model, hs, estimator="MLR", se="robust.sem")


@pytest.mark.parametrize("error, kwargs, pattern", [
    (NotImplementedError, dict(estimator="MLM", test="yuan.bentler.mplus"),
     "with estimator='ML' or 'MLR' only"),
    (NotImplementedError, dict(estimator="ML", se="first.order", test="yuan.bentler.mplus"),
     "se='first.order'"),
    (ValueError, dict(estimator="MLR", se="robust.sem", missing="fiml"),
     "lavaan would switch to listwise deletion"),
    (ValueError, dict(estimator="ML", test="satorra.bentler", missing="fiml"),
     "needs complete data"),
])
def test_other_combinations_stay_refused(error, kwargs, pattern):
    with pytest.raises(error, match=pattern):
        rq.fit(HS_MODEL, rq.datasets.load("holzinger_swineford_missing"), **kwargs)


@pytest.mark.parametrize("lrt", REF["lrt"], ids=lambda r: r["name"])
def test_difference_tests_match_lavtestlrt_or_are_refused(lrt):
    """lavTestLRT() of equal loadings: Satorra-Bentler (2001) from the fits' scaling factors
    matches; Satorra's (2000) test with se="robust.huber.white" (lavaan's "h1" information)
    is refused."""
    hs = pd.read_csv(ROOT / lrt["data"])
    kwargs = dict(group=lrt["group"], se=lrt["se"], test=lrt["test"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        free = rq.fit(lrt["model"], hs, **kwargs)
        equal = rq.fit(lrt["model"], hs, group_equal=lrt["group.equal"], **kwargs)
    if "satorra.2000" in lrt["method"]:
        with pytest.raises(NotImplementedError, match="Satorra \\(2000\\).*robust.huber.white"):
            difference_test(free, equal, free.n_obs, 2, "ML")
        return
    assert "satorra.bentler.2001" in lrt["method"]
    out = difference_test(free, equal, free.n_obs, 2, "ML")
    assert out["delta_df"] == lrt["df_diff"]
    assert close(out["delta_chisq"], lrt["chisq_diff"], 1e-4)
    assert close(out["p_delta"], lrt["p"], 1e-4)
