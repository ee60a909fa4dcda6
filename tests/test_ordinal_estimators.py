"""Estimators for ordered items besides WLSMV (issue 15, item 5): DWLS, WLSM, WLSMVS, ULS, ULSM,
ULSMV and WLS, and the se= / test= choices lavaan 0.6-14 accepts with them (also under
missing="pairwise" and with continuous variables beside the ordered items), against lavaan
(tests/reference/ordinal_estimators.json, made by
tests/reference/ordinal_estimators_reference.R).

Tolerances (issue 15): est and se within 1e-4; fit measures (standard, scaled and robust)
within 1e-5, relative above 1; lavaan's NA must be NaN here, and a scaled or robust measure
lavaan does not report (standard test; robust indices of mean.var.adjusted) must be absent or
NaN. Modification indices at lavaan's estimates within 1e-4.
"""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual import testlabels

from conftest import (
    HS_MODEL,
    ROOT,
    assert_estimates_match,
    close,
    modindices_at_lavaan,
)

REF = json.loads((ROOT / "tests" / "reference" / "ordinal_estimators.json").read_text())
# lavaan keeps WLSMV's scaled.shifted test and adds the requested one beside it: refused here
ADDED_TEST = [name for name, c in REF["cases"].items() if len(c["test"]) > 1
              and c["options"]["estimator"] == "WLSMV"]
CASES = [name for name in REF["cases"] if name not in ADDED_TEST]
SKIPPED = ("logl", "unrestricted", "aic", "bic", "ecvi", "gfi", "agfi", "pgfi", "mfi", "cn_",
           "wrmr", "rmsea.notclose", "srmr_mplus")


_FITS = {}


def fit_case(name):
    if name not in _FITS:
        c = REF["cases"][name]
        o = c["options"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITS[name] = rq.fit(c["model"], pd.read_csv(ROOT / c["data"]), ordered=o["ordered"],
                                 group=o["group"], estimator=o["estimator"], se=o["se"],
                                 test=o["test"], missing=o["missing"])
    return _FITS[name]


def test_reference_covers_every_estimator_and_test():
    cases = [REF["cases"][n] for n in CASES]
    assert {c["options"]["estimator"] for c in cases} == {"DWLS", "WLSM", "WLSMVS", "ULS", "ULSM",
                                                         "ULSMV", "WLS", "WLSMV"}
    assert {c["test"][-1] for c in cases} == {"standard", "satorra.bentler", "mean.var.adjusted",
                                             "scaled.shifted"}
    assert {c["se"] for c in cases} == {"standard", "robust.sem"}
    assert any(c["options"]["group"] for c in cases)
    assert {c["options"]["missing"] for c in cases} == {"listwise", "pairwise"}


@pytest.mark.parametrize("name", CASES)
def test_estimates_and_se_match_lavaan(name):
    assert_estimates_match(fit_case(name), REF["cases"][name], 1e-4)


@pytest.mark.parametrize("name", CASES)
def test_fit_measures_match_lavaan(name):
    res, ref = fit_case(name), REF["cases"][name]
    ours = res.fit_measures()
    theirs = {k.replace(".", "_"): v for k, v in ref["fit_measures"].items()
              if not k.startswith(SKIPPED) and k not in ("rmsea.ci.level", "rmsea.close.h0")}
    for key, value in theirs.items():
        assert key in ours.index, key
        if value is None:
            assert np.isnan(ours[key]), key
        else:
            assert close(ours[key], value, 1e-5), (key, ours[key], value)
    assert len(theirs) >= 25
    extra = [k for k in ours.index if k.endswith(("_scaled", "_robust")) and k not in theirs]
    assert all(np.isnan(ours[k]) for k in extra), extra


@pytest.mark.parametrize("name", CASES)
def test_call_and_labels_name_what_ran(name):
    res, ref = fit_case(name), REF["cases"][name]
    estimator = ref["options"]["estimator"]
    assert res.call["estimator"] == estimator
    assert res.call["se"] == ref["se"] and res.call["test"] == ref["test"][-1]
    assert res.estimate.inference.kind == ref["se"]
    note = testlabels.estimation_note(res.call)
    assert f"Estimator {estimator} (ordered items" in note
    assert res.summary().startswith(f"relqual {estimator} fit")
    if ref["test"][-1] != "standard":
        assert testlabels.test_label(res.call) in res.summary()


@pytest.mark.parametrize("name", ADDED_TEST)
def test_wlsmv_with_another_test_is_refused_as_lavaan_keeps_scaled_shifted(name):
    """lavaan 0.6-14 runs WLSMV with test = X as test = c("scaled.shifted", X): its fit
    measures stay those of the scaled-shifted test. relqual reports one test, so it refuses and
    points to DWLS with that test."""
    ref = REF["cases"][name]
    assert ref["test"][0] == "scaled.shifted"
    default = next(n for n in CASES if REF["cases"][n]["options"]["estimator"] == "WLSMV"
                   and REF["cases"][n]["options"]["group"] == ref["options"]["group"]
                   and REF["cases"][n]["model"] == ref["model"])
    assert close(ref["fit_measures"]["chisq.scaled"],
                 REF["cases"][default]["fit_measures"]["chisq.scaled"], 1e-12)
    o = ref["options"]
    with pytest.raises(NotImplementedError, match="keeps 'scaled.shifted'.*estimator='DWLS'"):
        rq.fit(ref["model"], pd.read_csv(ROOT / ref["data"]), ordered=o["ordered"],
               group=o["group"], estimator="WLSMV", se=o["se"], test=o["test"])


@pytest.mark.parametrize("name", list(REF["modindices"]))
def test_modification_indices_use_the_estimators_weights(name):
    """lavaan's modindices() for ULS, WLS and DWLS fits: the score test with the estimator's
    weight matrix (at lavaan's estimates: the score is sensitive to the optimum's last digits)."""
    m, _ = modindices_at_lavaan(fit_case(name), REF["modindices"][name],
                                REF["cases"][name]["estimates"])
    for ours_col, their_col in (("mi", "mi_lavaan"), ("epc", "epc_lavaan"),
                                ("sepc_lv", "sepc.lv"), ("sepc_all", "sepc.all")):
        assert close(m[ours_col], m[their_col], 1e-4).all(), ours_col


@pytest.mark.parametrize("estimator, weight", [("ULSMV", "ULS"), ("WLS", "WLS"),
                                               ("WLSM", "DWLS")])
def test_resamples_keep_the_estimators_weights(hso, estimator, weight):
    res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True, estimator=estimator)
    problem = res.problem.detached()
    again = problem.family.with_data(problem, [problem.data.arrays[0][:250]])
    assert res.problem.loss.weight == again.loss.weight == weight


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(estimator="ULSMV", se="standard"), ValueError, "infinite scaled statistic or stops"),
    (dict(estimator="ULS", test="satorra.bentler"), ValueError, "se='robust.sem'"),
    (dict(estimator="DWLS", se="robust.huber.white"), ValueError,
     "se='robust.huber.white' is not available with ordered items"),
    (dict(estimator="DWLS", test="yuan.bentler"), ValueError, "refuses it for categorical"),
    (dict(estimator="WLS", test="satorra.bentler"), ValueError, "test='standard' only"),
    (dict(estimator="WLSM", test="scaled.shifted"), NotImplementedError,
     "keeps 'satorra.bentler'.*estimator='DWLS' with se='robust.sem'"),
    (dict(estimator="ULSMV", test="satorra.bentler"), NotImplementedError,
     "keeps 'scaled.shifted'.*estimator='ULS'"),
    (dict(estimator="GLS"), ValueError, "not 'GLS'"),
    (dict(estimator="MLM"), ValueError, "not 'MLM'"),
])
def test_choices_lavaan_refuses_or_cannot_give_are_refused(hso, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True, **kwargs)


@pytest.mark.parametrize("estimator", ["WLSM", "WLSMVS", "ULSM", "ULSMV"])
def test_robust_ordinal_estimators_need_ordered_items(estimator):
    hs = rq.datasets.load("holzinger_swineford")
    with pytest.raises(NotImplementedError, match=f"estimator='{estimator}' for continuous"):
        rq.fit("f =~ x1 + x2 + x3 + x4", hs, estimator=estimator)


def test_invariance_and_model_comparison_refuse_clearly(hso):
    with pytest.raises(ValueError, match="compared with estimator='WLSMV'.*'ULSMV'"):
        rq.invariance(HS_MODEL, hso, group="school", ordered=True, estimator="ULSMV")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = rq.fit(HS_MODEL, hso, ordered=True, estimator="DWLS")
        b = rq.fit("g =~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9", hso, ordered=True,
                   estimator="DWLS")
    pairs = rq.compare(a, b).details["pairs"]
    assert pairs["verdict"].str.contains("not tested: for estimator='DWLS'").all()
    with pytest.raises(NotImplementedError, match="this fit used estimator='DWLS'"):
        a.compare_paths("visual =~ x2")
