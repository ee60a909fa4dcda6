"""engine="semopy": the parameter table fitted by semopy agrees with the native engine and lavaan.

Tolerances, measured on every case of tests/reference/cases.json (semopy 2.3.11, SLSQP with
ftol=1e-16): the largest native-vs-semopy difference is 1.3e-7 for an estimate (Political
Democracy, whose parameters reach ~10) and 2.4e-8 for a standard error (7.3e-8 relative). Both
engines use the same expected information, N/2 tr(Sigma^-1 dSigma_k Sigma^-1 dSigma_l) (+ the mean
part), so the SE differences only reflect the 1e-7 differences in the estimates. Estimates are
therefore required to agree within 1e-4 and SEs within 1e-5 relative, a 100x margin.
Against lavaan the native engine's tolerances apply (1e-4, relative above 1; lavaan itself stops
with gradients ~1e-5 on Political Democracy).
"""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual import semopy_engine
from relqual.partable import build_partable

from conftest import HS_MODEL, HS_VISUAL, REFERENCE, ROOT, load_reference

semopy = pytest.importorskip("semopy")

# semopy is a second engine for complete-data, single-group ML; the edge_* cases probe lavaan
# defaults semopy cannot express (orphan covariances) or does not converge on (user intercepts)
SINGLE_GROUP_CASES = [c["name"] for c in json.loads((REFERENCE / "cases.json").read_text())["cases"]
                      if not {"group", "missing", "estimator"} & set(c["options"])
                      and not c["name"].startswith("edge_")]
EST_TOL = 1e-4
SE_RTOL = 1e-5
LAVAAN_TOL = 1e-4


def fit_both(model, data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(model, data, **kwargs), rq.fit(model, data, engine="semopy", **kwargs)


def case_kwargs(ref):
    opts = ref["options"]
    return dict(std_lv=bool(opts.get("std.lv", False)), fixed_x=bool(opts.get("fixed.x", True)),
                meanstructure=True if opts.get("meanstructure") else None)


@pytest.fixture(scope="module", params=SINGLE_GROUP_CASES)
def case(request):
    ref = load_reference(request.param)
    data = pd.read_csv(ROOT / ref["data"])
    native, sem = fit_both(ref["model"], data, **case_kwargs(ref))
    return ref, native, sem


def within(a, b, tol, relative_above_one=True):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.maximum(1.0, np.abs(b)) if relative_above_one else np.abs(b)
    return np.abs(a - b) <= tol * scale


# ---------------------------------------------------------------- every lavaan reference case

def test_semopy_matches_native_on_reference_cases(case):
    ref, native, sem = case
    assert sem.converged and sem.call["engine"] == "semopy"
    assert np.max(np.abs(sem.x - native.x)) < EST_TOL
    a, b = native.estimates(), sem.estimates()
    assert (a[["lhs", "op", "rhs"]] == b[["lhs", "op", "rhs"]]).all().all()
    assert within(b["est"], a["est"], EST_TOL).all()
    free = a["se"] > 0
    assert within(b.loc[free, "se"], a.loc[free, "se"], SE_RTOL, relative_above_one=False).all()
    assert (b.loc[~free, "se"] == 0).all()
    for column in ("std_all", "std_lv"):
        ok = within(b[column], a[column], EST_TOL) | (a[column].isna() & b[column].isna())
        assert ok.all(), column


def test_semopy_matches_lavaan_on_reference_cases(case):
    ref, _, sem = case
    theirs = pd.DataFrame(ref["estimates"])
    m = theirs.merge(sem.estimates(), on=["lhs", "op", "rhs"], suffixes=("_lavaan", ""))
    assert len(m) == len(theirs)
    assert within(m["est"], m["est_lavaan"], LAVAAN_TOL).all()
    assert within(m["se"], m["se_lavaan"], LAVAAN_TOL).all()
    fm = sem.fit_measures()
    for name in ("chisq", "df", "cfi", "tli", "rmsea", "srmr", "logl", "aic", "bic"):
        assert within(fm[name], ref["fit_measures"][name], 1e-5), name


# ---------------------------------------------------------------- the cases the brief names

def test_holzinger_swineford_free_parameters_and_ses(hs):
    native, sem = fit_both(HS_MODEL, hs)
    assert sem.partable.npar == 21
    assert np.max(np.abs(sem.x - native.x)) < EST_TOL
    se_native = np.sqrt(np.diag(native.vcov_matrix))
    se_semopy = np.sqrt(np.diag(sem.vcov_matrix))
    assert np.max(np.abs(se_semopy / se_native - 1)) < SE_RTOL
    # semopy's own SE column (inspect) is what we report, mapped to our parameter order
    inspected = sem.semopy_model.inspect()
    free = inspected[inspected["Std. Err"] != "-"]
    assert np.allclose(np.sort(free["Std. Err"].astype(float)), np.sort(se_semopy), rtol=1e-12)
    lavaan = pd.DataFrame(load_reference("hs_cfa")["estimates"])
    assert np.allclose(sem.estimates()["est"], lavaan["est"], atol=1e-5)
    assert np.allclose(sem.estimates()["se"], lavaan["se"], atol=1e-5)
    assert sem.fit_measures()["chisq"] == pytest.approx(85.305521, abs=1e-5)


def test_political_democracy_equality_labels(poldem):
    native, sem = fit_both(load_reference("poldem_sem")["model"], poldem)
    status = sem.semopy_status
    for label in ("a", "b", "c"):
        rows = sem.partable.table["label"].to_numpy() == label
        assert rows.sum() == 2
        assert status.loc[rows, "semopy_name"].nunique() == 1      # one shared semopy parameter
        est = sem.estimates()
        assert est.loc[est["label"] == label, "est"].nunique() == 1
    assert sem.partable.npar == native.partable.npar == 28
    assert np.max(np.abs(sem.x - native.x)) < EST_TOL


def test_equality_constraint_statement_equals_shared_label(hs):
    shared, _ = fit_both("visual =~ x1 + a*x2 + a*x3\ntextual =~ x4 + x5 + x6", hs)
    _, constrained = fit_both("visual =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\na == b", hs)
    assert constrained.partable.npar == shared.partable.npar
    assert np.allclose(constrained.x, shared.x, atol=1e-6)


FIXED_FREE_MODEL = """
visual  =~ NA*x1 + start(0.8)*x2 + 0.5*x3
textual =~ x4 + l5*x5 + l5*x6
speed   =~ x7 + x8 + 1.1*x9
visual ~~ 1*visual
textual ~~ 0*speed
x7 ~~ -0.05*x9
x4 ~~ 0.4*x4
"""


def test_fixed_values_and_na_translate_row_by_row(hs):
    native, sem = fit_both(FIXED_FREE_MODEL, hs)
    tab = sem.partable.table
    status = sem.semopy_status
    params = tab[tab["op"].isin(["=~", "~", "~~"])].reset_index(drop=True)
    assert len(status) == len(params)
    assert (status["semopy_free"].to_numpy() == (params["free"] > 0).to_numpy()).all()
    free = params["free"] > 0
    assert (status.loc[free, "semopy_name"] == "rq_p" + params.loc[free, "free"].astype(str)).all()
    assert np.array_equal(status.loc[~free, "semopy_value"], params.loc[~free, "ustart"])
    # semopy's own listing agrees: fixed rows have no SE, free rows have one
    inspected = sem.semopy_model.inspect()
    fixed_keys = {semopy_engine.semopy_key(r.lhs, r.op, r.rhs) for r in params[~free].itertuples()}
    for r in inspected.itertuples():
        key = semopy_engine.semopy_key(r.lval, "~~", r.rval) if r.op == "~~" else (r.lval, r.op,
                                                                                      r.rval)
        assert (key in fixed_keys) == (r._5 == "-"), key
    assert len(inspected) == len(params)
    # NA never reaches semopy (there it would name one shared parameter), and x1 is free
    assert "NA" not in sem.semopy_syntax
    assert "visual =~ rq_p1*x1" in sem.semopy_syntax
    assert "speed =~ 1.1*x9" in sem.semopy_syntax and "x7 ~~ -0.05*x9" in sem.semopy_syntax
    assert sem.converged and native.converged
    assert np.max(np.abs(sem.x - native.x)) < EST_TOL


def test_semopy_own_na_shorthand_is_a_shared_parameter(hs):
    """What docs/semopy.md reports: in semopy, NA*x names a parameter 'NA'."""
    model = semopy.Model("visual =~ NA*x1 + x2 + x3\ntextual =~ NA*x4 + x5 + x6")
    assert len(model.parameters["NA"].locations) == 2


def test_defined_parameters_evaluated_on_our_side(poldem):
    case = load_reference("poldem_indirect")
    native, sem = fit_both(case["model"], poldem)
    a, b = native.estimates(), sem.estimates()
    defined = a["op"] == ":="
    assert defined.sum() == 2
    assert within(b.loc[defined, "est"], a.loc[defined, "est"], EST_TOL).all()
    assert within(b.loc[defined, "se"], a.loc[defined, "se"], SE_RTOL, False).all()


def test_fit_measures_are_ours_at_semopy_estimates(hs):
    native, sem = fit_both(HS_MODEL, hs)
    assert sem.optim.fmin == pytest.approx(sem.semopy_model.last_result.fun, abs=1e-12)
    a, b = native.fit_measures(), sem.fit_measures()
    assert list(a.index) == list(b.index)
    assert np.allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-6, atol=1e-8, equal_nan=True)


# ---------------------------------------------------------------- refusals and warnings

def test_refuses_multiple_groups(hs):
    with pytest.raises(NotImplementedError, match="one group"):
        semopy_engine.refuse_untranslatable(build_partable(HS_MODEL, ngroups=2))
    with pytest.raises(NotImplementedError):
        rq.fit(HS_MODEL, hs, group="school", engine="semopy")


def test_refuses_thresholds_naming_the_line():
    partable = build_partable(HS_VISUAL + "\nx1 | t1")
    with pytest.raises(NotImplementedError, match="line 2"):
        semopy_engine.refuse_untranslatable(partable)


def test_refuses_variable_only_in_covariances(hs):
    with pytest.raises(NotImplementedError, match="line 2: 'x4' appears only"):
        rq.fit(HS_VISUAL + "\nx4 ~~ x4", hs, engine="semopy")


def test_non_convergence_is_a_warning(hs, quiet):
    res = rq.fit(HS_MODEL, hs, engine="semopy", control={"max_iter": 3})
    assert not res.converged
    assert any("did not converge" in w for w in res.warnings)


def test_unknown_control_setting(hs):
    with pytest.raises(ValueError, match="max_iter only"):
        rq.fit(HS_MODEL, hs, engine="semopy", control={"gtol": 1e-6})


def test_unidentified_model_has_no_standard_errors(hs, quiet):
    """semopy's Cholesky accepts this singular information (SEs ~5e6); we apply the native rule."""
    model = "f =~ x1 + x2 + x3 + x4\nx1 ~~ x2\nx3 ~~ x4"
    native, sem = fit_both(model, hs)
    assert any("singular" in w for w in native.warnings)
    assert any("singular" in w and "f =~ x3" in w for w in sem.warnings)
    assert sem.estimates()["se"].iloc[1:].isna().all()
