"""relqual against lavaan: every case in tests/reference/cases.json
(JSON made by lavaan_reference.R).

Tolerances (issue 2): est, se and std_all within 1e-4 (relative above 1); fit measures within 1e-5
(relative above 1). lavaan's own optimum is reached less tightly than ours on Political Democracy
(its gradient there is ~7e-6), which is why estimates are compared at 1e-4 and not tighter.
"""
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import ROOT, close, load_reference, reference_cases

FIT_MEASURES = ["npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli",
                "nnfi", "rfi", "nfi", "ifi", "rni", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
                "rmsea.pvalue", "srmr", "logl", "unrestricted.logl", "aic", "bic", "bic2", "ntotal",
                # robust estimators (MLR): lavaan reports these only there
                "chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
                "baseline.chisq.scaled", "baseline.pvalue.scaled",
                "baseline.chisq.scaling.factor", "cfi.scaled", "tli.scaled", "nnfi.scaled",
                "rfi.scaled", "nfi.scaled", "ifi.scaled", "rni.scaled", "rmsea.scaled",
                "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled", "rmsea.pvalue.scaled",
                "cfi.robust", "tli.robust", "nnfi.robust", "rni.robust", "rmsea.robust",
                "rmsea.ci.lower.robust", "rmsea.ci.upper.robust", "rmsea.pvalue.robust"]



def fit_case(name):
    ref = load_reference(name)
    data = pd.read_csv(ROOT / ref["data"])
    opts = ref["options"]
    kwargs = dict(std_lv=bool(opts.get("std.lv", False)), fixed_x=bool(opts.get("fixed.x", True)))
    if "missing" in opts:
        kwargs["missing"] = opts["missing"]
    if "estimator" in opts:
        kwargs["estimator"] = opts["estimator"]
    if "ordered" in opts:
        kwargs["ordered"] = opts["ordered"]
    if "group" in opts:
        kwargs["group"] = opts["group"]
        as_list = lambda v: [v] if isinstance(v, str) else list(v or [])
        kwargs["group_equal"] = as_list(opts.get("group.equal"))
        kwargs["group_partial"] = as_list(opts.get("group.partial"))
    if opts.get("meanstructure"):
        kwargs["meanstructure"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ref, rq.fit(ref["model"], data, **kwargs)


@pytest.fixture(scope="module", params=reference_cases())
def case(request):
    return fit_case(request.param)


def align(theirs: pd.DataFrame, ours: pd.DataFrame):
    """Join keys (and the group column made comparable) for single- and multigroup tables."""
    keys = ["lhs", "op", "rhs"]
    if "group" in theirs.columns:
        keys.append("group")
        theirs = theirs[theirs["op"] != "=="]
        ours = ours.assign(group=np.where(ours["op"] == ":=", 0, ours["group"]))
    return theirs, ours, keys


def merged_estimates(ref, res):
    theirs, ours, keys = align(pd.DataFrame(ref["estimates"]), res.estimates())
    merged = theirs.merge(ours, on=keys, how="outer", suffixes=("_lavaan", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    return merged


def test_converged_and_sample_size(case):
    ref, res = case
    assert res.converged
    assert res.n_obs == ref["nobs"]


def test_estimates_match_lavaan(case):
    ref, res = case
    m = merged_estimates(ref, res)
    assert close(m["est"], m["est_lavaan"], 1e-4).all(), (
        m[["lhs", "op", "rhs", "est", "est_lavaan"]])
    assert close(m["se"], m["se_lavaan"], 1e-4).all(), m[["lhs", "op", "rhs", "se", "se_lavaan"]]
    for ours, theirs in (("std_all", "std.all"), ("std_lv", "std.lv")):
        ok = close(m[ours], m[theirs], 1e-4) | (m[theirs].isna() & m[ours].isna())
        assert ok.all(), m.loc[~ok, ["lhs", "op", "rhs", ours, theirs]]


def test_z_pvalue_ci_match_lavaan(case):
    ref, res = case
    m = merged_estimates(ref, res)
    free = m["se_lavaan"] > 0
    for ours, theirs in (("z", "z"), ("pvalue", "pvalue"), ("ci_lower", "ci.lower"),
                         ("ci_upper", "ci.upper")):
        ours_col = ours if ours != theirs else ours
        theirs_col = theirs + "_lavaan" if ours == theirs else theirs
        assert close(m.loc[free, ours_col], m.loc[free, theirs_col], 1e-3).all()


def test_fit_measures_match_lavaan(case):
    ref, res = case
    ours = res.fit_measures()
    theirs = ref["fit_measures"]
    # documented gap: FIML-corrected robust indices are not computed with fixed.x covariates
    skip_robust = res.incomplete is not None and bool(res.partable.roles.ov_x)
    for name in FIT_MEASURES:
        if theirs.get(name) is None or (skip_robust and name.endswith(".robust")):
            continue
        key = name.replace(".", "_")
        assert close(ours[key], theirs[name], 1e-5), (name, ours[key], theirs[name])


def test_r2_matches_lavaan(case):
    ref, res = case
    ours = res.r2()
    theirs = ref["r2"]
    if ref["ngroups"] > 1:                       # lavaan: {group label: {variable: r2}}
        theirs = {(g, name): v for g, values in theirs.items() for name, v in values.items()}
    for key, value in theirs.items():
        assert close(ours[key], value, 1e-4), (key, ours.get(key), value)
    assert set(ours.index) == set(theirs)


def test_standardized_solution_se_matches_lavaan(case):
    ref, res = case
    theirs, ours, keys = align(pd.DataFrame(ref["std_solution"]["std_all"]),
                               res.standardized_solution("std.all"))
    m = theirs.merge(ours, on=keys, suffixes=("_lavaan", ""))
    assert len(m) == len(theirs)
    assert close(m["est_std"], m["est.std"], 1e-4).all()
    ok = close(m["se"], m["se_lavaan"], 1e-4) | (m["se_lavaan"].isna() & (m["se"] == 0))
    assert ok.all(), m.loc[~ok, ["lhs", "op", "rhs", "se", "se_lavaan"]]


def test_vcov_matches_lavaan(case):
    ref, res = case
    theirs = np.array(ref["vcov"]["data"], dtype=float)
    ours = res.vcov_matrix
    # lavaan keeps one row per parameter and expresses equalities as constraints: parameters
    # sharing a label (same row name), or equated by "a == b" (identical rows), repeat; a
    # parameter fixed by "b == 1.5" has a zero row. relqual has one parameter for each.
    _, first = np.unique(ref["vcov"]["rownames"], return_index=True)
    if theirs.shape != ours.shape:
        order = np.sort(first)
        theirs = theirs[np.ix_(order, order)]
    if theirs.shape != ours.shape:
        keep = [k for k in range(len(theirs)) if np.abs(theirs[k]).max() > 1e-12
                and not any(np.allclose(theirs[k], theirs[j], rtol=0, atol=1e-12)
                            for j in range(k))]
        theirs = theirs[np.ix_(keep, keep)]
    assert theirs.shape == ours.shape
    assert np.allclose(ours, theirs, atol=1e-6, rtol=1e-3)


def test_defined_parameter_delta_se():
    ref, res = fit_case("poldem_indirect")
    m = merged_estimates(ref, res)
    defined = m[m["op"] == ":="]
    assert set(defined["lhs"]) == {"ind", "total"}
    assert np.allclose(defined["se"], defined["se_lavaan"], atol=1e-6, rtol=1e-5)
