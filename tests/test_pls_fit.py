"""PLS model fit (issue 13, item 4) against ADANCO 2.2.1 (tests/reference/pls_adanco.json, made
by adanco_extract.py from the workbooks in ../shared/reference/pls/adanco/): a Mode B composite
model (PLS) and a common-factor model (PLSc), centroid scheme, on ``satisfaction`` (n = 250).

Estimates, model-implied indicator correlations and SRMR, d_ULS and d_G (base-10 logarithms) of
the saturated and the estimated model agree within 1e-6, with relqual's default stop rule and
with the tolerance at which relqual stops after ADANCO's iteration count. ADANCO's own
estimates lie ~1e-8 from the exact fixed point. HI95 and HI99 come from bootstrap resamples,
which cannot be replayed: they agree within bootstrap error.
"""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual import plsfitmeasures as pfm

from conftest import REFERENCE

ADANCO = json.loads((REFERENCE / "pls_adanco.json").read_text())
CASES = ADANCO["cases"]
DATA = pd.read_csv(REFERENCE / ADANCO["data"])
TOL = 1e-6
NAMES = {"srmr": "srmr", "d_uls": "d_uls", "d_g": "d_g"}


def fit_case(name, **control):
    case = CASES[name]
    res = rq.fit(case["model"], DATA, estimator=case["estimator"], scheme=case["scheme"],
                 control=control or None)
    return case, res


def matrix(ref) -> pd.DataFrame:
    return pd.DataFrame(ref["data"], index=ref["rownames"], columns=ref["colnames"], dtype=float)


@pytest.fixture(scope="module", params=list(CASES))
def fitted(request):
    return fit_case(request.param)


def test_estimates_match_adanco(fitted):
    """The same model, estimated the same way (centroid scheme; PLSc for the =~ model)."""
    case, res = fitted
    est = res.estimates()
    for kind, op in (("weights", "<~"), ("loadings", "=~")):
        ours = est[est["op"] == op].set_index(["lhs", "rhs"])["est"]
        for w in case["results"][kind]:
            assert ours[(w["construct"], w["item"])] == pytest.approx(w["est"], abs=TOL), w
    paths = est[est["op"] == "~"].set_index(["rhs", "lhs"])["est"]
    for p in case["results"]["paths"]:
        assert paths[(p["from"], p["to"])] == pytest.approx(p["est"], abs=TOL), p
    for construct, values in case["results"]["r2"].items():
        assert res.r2()[construct] == pytest.approx(values["r2"], abs=TOL)


@pytest.mark.parametrize("saturated", [True, False], ids=["saturated", "estimated"])
def test_model_implied_correlations_match_adanco(fitted, saturated):
    case, res = fitted
    pls = res.problem.pls
    X = pls["X"]
    S = X.T @ X / (len(X) - 1)
    Sigma = pfm.implied_correlation(res.estimate.opt.details["pls_fit"], pls["model"], S,
                                    saturated)
    ref = matrix(case["results"]["implied_saturated" if saturated else "implied_estimated"])
    ref = ref.loc[pls["model"].indicators, pls["model"].indicators].to_numpy()
    assert np.abs(Sigma - ref).max() < TOL


@pytest.mark.parametrize("adanco_stop", [False, True], ids=["default_stop", "adanco_iterations"])
def test_fit_measures_match_adanco(fitted, adanco_stop):
    """SRMR, d_ULS, d_G of both models within 1e-6 (observed: <= 9e-8). relqual stops at a
    summed absolute weight change below ``tol``; tol=1e-6 stops after ADANCO's iterations."""
    name = next(n for n, c in CASES.items() if c is fitted[0])
    case, res = fit_case(name, tol=1e-6) if adanco_stop else fitted
    if adanco_stop:
        assert res.iterations == case["iterations"]
    fm = res.fit_measures()
    for kind, suffix in (("estimated", ""), ("saturated", "_saturated")):
        for ours, theirs in NAMES.items():
            expected = case["results"]["fit"][kind][theirs]["value"]
            assert fm[ours + suffix] == pytest.approx(expected, abs=TOL), (kind, ours)
    assert fm["d_g_log_base"] == 10
    assert fm["npar"] > 0 and fm["ntotal"] == 250


def test_d_g_uses_base_10_logarithms():
    case, res = fit_case("composite_mode_b")
    pls = res.problem.pls
    X = pls["X"]
    S = X.T @ X / (len(X) - 1)
    Sigma = pfm.implied_correlation(res.estimate.opt.details["pls_fit"], pls["model"], S, False)
    natural = pfm.d_g(S, Sigma, base=np.e)
    assert natural / res.fit_measures()["d_g"] == pytest.approx(np.log(10) ** 2)
    assert res.fit_measures()["d_g"] == pytest.approx(case["results"]["fit"]["estimated"]["d_g"]
                                                      ["value"], abs=TOL)


def test_discrepancies_by_hand():
    """Two indicators correlating .5 against independence: SRMR = sqrt(.5²/3), d_ULS = 2 x
    .5² / 2, d_G = ((log10 2/3)² + (log10 2)²) / 2 (eigenvalues of S^-1 I: 1/1.5, 1/.5)."""
    S = np.array([[1.0, 0.5], [0.5, 1.0]])
    values = pfm.discrepancies(S, np.eye(2))
    assert values["srmr"] == pytest.approx(np.sqrt(0.25 / 3))
    assert values["d_uls"] == pytest.approx(0.25)
    assert values["d_g"] == pytest.approx((np.log10(2 / 3) ** 2 + np.log10(2) ** 2) / 2)
    assert pfm.discrepancies(S, S) == pytest.approx({"srmr": 0.0, "d_uls": 0.0, "d_g": 0.0})
    assert np.isnan(pfm.d_g(S, np.array([[1.0, 2.0], [2.0, 1.0]])))    # not positive definite


def test_beran_srivastava_transformation_imposes_the_model():
    _, res = fit_case("common_factor_plsc")
    pls = res.problem.pls
    X = pls["X"]
    S = X.T @ X / (len(X) - 1)
    Sigma = pfm.implied_correlation(res.estimate.opt.details["pls_fit"], pls["model"], S, False)
    Z = pfm.beran_srivastava(X, S, Sigma)
    assert np.abs(Z.T @ Z / (len(Z) - 1) - Sigma).max() < 1e-10


# ----------------------------------------------------------------------------- test of exact fit

@pytest.fixture(scope="module")
def composite_test():
    _, res = fit_case("composite_mode_b")
    return res, res.fit_test(draws=499, seed=1)


def test_fit_test_table(composite_test):
    res, table = composite_test
    assert list(table.columns) == ["model", "discrepancy", "value", "HI95", "HI99", "verdict"]
    assert list(zip(table["model"], table["discrepancy"])) == [
        (m, d) for m in ("saturated", "estimated") for d in ("srmr", "d_uls", "d_g")]
    fm = res.fit_measures()
    for row in table.itertuples():
        suffix = "_saturated" if row.model == "saturated" else ""
        assert row.value == fm[row.discrepancy + suffix]
        assert 0 < row.HI95 < row.HI99
    assert table.attrs["log_base"] == 10 and table.attrs["draws"] == 499
    assert table.attrs["draws_used"] == {"saturated": 499, "estimated": 499}


def test_fit_test_quantiles_agree_with_adanco(composite_test):
    """ADANCO's resamples are its own: HI95 within 5% (observed: <= 3%), HI99 within 15%; the
    verdict is ADANCO's (every discrepancy above HI99: exact fit rejected at 1%)."""
    _, table = composite_test
    ref = CASES["composite_mode_b"]["results"]["fit"]
    for row in table.itertuples():
        theirs = ref[row.model][NAMES[row.discrepancy]]
        assert row.HI95 == pytest.approx(theirs["HI95"], rel=0.05), row
        assert row.HI99 == pytest.approx(theirs["HI99"], rel=0.15), row
        assert theirs["value"] > theirs["HI99"]
        assert row.verdict == "exact fit rejected at 1% (value > HI99)"


def test_fit_test_plsc_keeps_what_adanco_keeps():
    """PLSc with EXPE-QUAL correlating .98: most resamples have a disattenuated correlation
    above 1. ADANCO keeps them (inadmissible='keep', the default); cSEM's default drops them."""
    _, res = fit_case("common_factor_plsc")
    ref = CASES["common_factor_plsc"]["results"]["fit"]
    table = res.fit_test(draws=499, seed=3).set_index(["model", "discrepancy"])
    for model in ("saturated", "estimated"):
        for name in ("srmr", "d_uls", "d_g"):
            assert table.loc[(model, name), "HI95"] == pytest.approx(ref[model][name]["HI95"],
                                                                     rel=0.06), (model, name)
    with pytest.warns(rq.RelqualWarning, match="inadmissible or failed and were dropped"):
        dropped = res.fit_test(draws=100, seed=3, inadmissible="drop")
    assert dropped.attrs["n_failed"]["saturated"] > 50


def test_fit_test_is_reproducible_and_replays_indices():
    _, res = fit_case("composite_mode_b")
    first = res.fit_test(draws=20, seed=7)
    again = res.fit_test(draws=20, seed=7)
    pd.testing.assert_frame_equal(first, again)
    rng = np.random.default_rng(7)
    indices = np.array([rng.integers(0, 250, 250) for _ in range(20)])
    replayed = res.fit_test(indices=indices)
    pd.testing.assert_frame_equal(first, replayed)
    assert replayed.attrs["seed"] is None


def test_non_recursive_structural_model(hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("A =~ x1 + x2 + x3\nB =~ x4 + x5 + x6\nC =~ x7 + x8 + x9\nB ~ A + C\n"
                     "C ~ B", hs, estimator="PLS")
    fm = res.fit_measures()
    assert np.isnan(fm[["srmr", "d_uls", "d_g"]]).all()
    assert np.isfinite(fm[["srmr_saturated", "d_uls_saturated", "d_g_saturated"]]).all()
    table = res.fit_test(draws=10, seed=1)
    assert table["verdict"].iloc[3].startswith("no test (the structural model is not recursive")


@pytest.mark.parametrize("call, kind, message", [
    (lambda r: r.fit_test(draws=5, inadmissible="ignore"), ValueError, "'drop' or 'keep'"),
    (lambda r: r.fit_test(indices=np.zeros((3, 10), dtype=int)), ValueError, "draws x n"),
    (lambda r: r.fit_test(indices=np.full((3, 250), 250)), ValueError, "below n = 250"),
])
def test_fit_test_bad_input(call, kind, message):
    _, res = fit_case("composite_mode_b")
    with pytest.raises(kind, match=message):
        call(res)


def test_fit_test_refused_for_covariance_based_fits(hs):
    res = rq.fit("visual =~ x1 + x2 + x3", hs)
    with pytest.raises(NotImplementedError, match="test of exact fit"):
        res.fit_test()
