"""Higher-order constructs in PLS (relqual/plshoc.py): the two-stage approach and repeated
indicators, against seminr 0.2.1 (tests/reference/pls_hoc.json, written by
tests/reference/pls_hoc_reference.py from tests/reference/pls_data/rq_second_order.csv)."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import (
    assert_reliability_and_htmt_match,
    batched_and_one_by_one,
    bootstrap_sd_diffs,
    row_of,
)

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "pls_hoc.json").read_text(encoding="utf-8"))
DATA = pd.read_csv(REF_DIR / "pls_data" / "rq_second_order.csv")
SPEC = rq.models.load("relationship_quality_second_order")
DIMENSIONS = ("SAT", "TR", "AC", "CF")
TOL = 1e-8
# the library model's "RQ ~~ 1*RQ" (for ML) is accepted with a warning, tested once below
pytestmark = pytest.mark.filterwarnings("ignore:.*fixes a construct's variance at 1:UserWarning")


def fitted(hoc):
    return rq.fit(SPEC, DATA, estimator="PLS", hoc=hoc)


def reference_rows(hoc, part):
    """(lhs, op, rhs, reference record) of every path, weight and loading of seminr's output
    (repeated indicators: the paths RQ -> dimension are the rows RQ =~ dimension)."""
    rows = []
    for p in part["paths"]:
        if hoc == "repeated" and p["to"] in DIMENSIONS:
            rows.append((p["from"], "=~", p["to"], p))
        else:
            rows.append((p["to"], "~", p["from"], p))
    rows += [(w["construct"], "<~", w["item"], w) for w in part["weights"]]
    rows += [(w["construct"], "=~", w["item"], w) for w in part["loadings"]]
    return rows


@pytest.mark.parametrize("case", ["two_stage", "repeated", "two_stage_plsc", "repeated_plsc"])
def test_estimates_match_seminr(case):
    hoc = case.removesuffix("_plsc")
    res = rq.fit(SPEC, DATA, estimator=REF["cases"][case]["estimator"], hoc=hoc)
    est = res.estimates()
    rows = reference_rows(hoc, REF["cases"][case]["results"])
    assert res.converged and len(rows) == res.problem.partable.npar
    composite = case == "two_stage_plsc"      # seminr: RQ a composite, its loadings too
    diff = [abs(row_of(est, lhs, op, rhs)["est"] - ref["est"]) for lhs, op, rhs, ref in rows
            if not (composite and lhs == "RQ" and op == "=~")]
    assert max(diff) < TOL
    r2 = res.r2()
    for name, value in REF["cases"][case]["results"]["r2"].items():
        if name in r2.index:
            assert abs(r2[name] - value) < TOL


@pytest.mark.parametrize("hoc", ["two_stage", "repeated"])
def test_reliability_and_htmt_match_seminr(hoc):
    res = fitted(hoc)
    ref = REF["cases"][hoc]["results"]
    assert_reliability_and_htmt_match(res, ref, TOL)


def test_two_stage_htmt_test_covers_both_stages():
    res = fitted("two_stage").with_bootstrap(
        fitted("two_stage").bootstrap(20, seed=1, progress=False))
    table = res.htmt()
    assert len(table) == 21 and table["se"].notna().all()


def test_two_stage_plsc_loadings_of_the_hoc_are_consistent_loadings():
    """``RQ =~ SAT`` under PLSc is reflective: its loading is the consistent loading
    w sqrt(rho_A) / w'w of stage 2 (Dijkstra & Henseler 2015), where seminr's
    ``higher_composite`` reports the composite loading, the correlation of the dimension's
    score with RQ's score; both are checked, the second against seminr."""
    res = rq.fit(SPEC, DATA, estimator="PLSc", hoc="two_stage")
    hoc = res.problem.pls["model"]
    first, second = res.estimate.opt.details["pls_stages"]
    X2 = hoc.stage2_data(res.problem.pls["X"], first)
    j = hoc.stage2.constructs.index("RQ")
    block = hoc.stage2.blocks[j]
    w = second.weights[block, j]
    correlation = X2[:, block].T @ second.scores[:, j] / (len(X2) - 1)
    seminr = {r["item"]: r["est"] for r in REF["cases"]["two_stage_plsc"]["results"]["loadings"]
              if r["construct"] == "RQ"}
    est = res.estimates()
    for k, d in enumerate(np.array(hoc.stage2.indicators)[block]):
        assert abs(correlation[k] - seminr[d]) < TOL
        consistent = w[k] * np.sqrt(second.rho_a[j]) / (w @ w)
        assert row_of(est, "RQ", "=~", d)["est"] == pytest.approx(consistent, abs=1e-14)


def test_two_stage_first_stage_paths_match_seminr():
    first, _ = fitted("two_stage").estimate.opt.details["pls_stages"]
    stage1 = fitted("two_stage").problem.pls["model"].stage1
    for p in REF["cases"]["two_stage"]["results"]["stage1_paths"]:
        i, j = stage1.constructs.index(p["from"]), stage1.constructs.index(p["to"])
        assert abs(first.paths[i, j] - p["est"]) < TOL


@pytest.mark.parametrize("hoc", ["two_stage", "repeated"])
def test_bootstrap_standard_errors_match_seminr_on_replayed_indices(hoc):
    ref = REF["cases"][hoc]["bootstrap"]
    boot = fitted(hoc).bootstrap(ref["B"], indices=np.array(ref["indices"]), progress=False)
    diff = bootstrap_sd_diffs(boot, reference_rows(hoc, ref))
    assert len(diff) == fitted(hoc).problem.partable.npar and max(diff) < TOL


def test_two_stage_bootstrap_equals_the_one_by_one_refit():
    batched, refit = batched_and_one_by_one(fitted("two_stage"), 8)
    assert np.allclose(batched, refit, atol=1e-10, rtol=0)


def test_the_library_model_fits_by_pls_with_every_table():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("relationship_quality_second_order", DATA, estimator="PLS")
    assert res.call["hoc"] == "two_stage" and res.converged
    rel = res.reliability().set_index("factor")
    assert list(rel.index) == ["SAT", "TR", "AC", "CF", "LOY", "WOM", "RQ"]
    assert rel.loc["RQ", "n_items"] == 4           # RQ measured by the four dimension scores
    assert set(res.r2().index) == {"LOY", "WOM"}
    assert len(res.tables()) == 3 and "RQ" in str(res.summary())


def test_two_stage_refuses_what_needs_one_model():
    res = fitted("two_stage")
    with pytest.raises(NotImplementedError, match="PLSpredict is not available for two-stage"):
        res.predict(folds=5, repeats=1, seed=1)
    with pytest.raises(NotImplementedError, match="test of exact fit is not available"):
        res.fit_test(draws=19, seed=1)
    with pytest.raises(NotImplementedError, match="PLS-MGA is not available"):
        rq.pls_mga(SPEC, DATA.assign(g=np.arange(len(DATA)) % 2), group="g")


BASE = "A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1 + y2\n"


@pytest.mark.parametrize("syntax, hoc, message", [
    (BASE + "H =~ A + b3\nY ~ H", "two_stage", "line 4: 'H' is measured by constructs and by"),
    (BASE + "H =~ A + B\nG =~ H + Y\nY ~ G", "repeated", "line 5: 'H' is a higher-order"),
    (BASE + "H =~ A + B\nY ~ H + A", "two_stage", "line 5: 'A' is a dimension"),
    (BASE + "H =~ A + B\nY ~ A", "two_stage", "line 5: 'A' is a dimension"),
    (BASE + "H =~ A + B\nY ~~ H", "repeated", "line 5: '~~' has no meaning"),
])
def test_bad_higher_order_syntax_is_refused_by_line(syntax, hoc, message):
    data = pd.DataFrame(np.random.default_rng(1).normal(size=(50, 7)),
                        columns=["a1", "a2", "b1", "b2", "y1", "y2", "b3"])
    with pytest.raises(rq.ModelSyntaxError, match=message):
        rq.fit(syntax, data, estimator="PLS", hoc=hoc)


def test_a_lone_higher_order_construct_needs_repeated_indicators():
    with pytest.raises(rq.ModelSyntaxError, match="'RQ' takes part in no path"):
        rq.fit(SPEC.syntax.replace("LOY ~ RQ", "LOY ~ WOM").replace("WOM ~ RQ", ""), DATA,
               estimator="PLS")
    res = rq.fit(SPEC.syntax.replace("LOY ~ RQ", "LOY ~ WOM").replace("WOM ~ RQ", ""), DATA,
                 estimator="PLS", hoc="repeated")
    assert res.converged


@pytest.mark.parametrize("kwargs, message", [
    (dict(estimator="PLS", hoc="embedded"), "unknown hoc='embedded'"),
    (dict(hoc="repeated"), "hoc='repeated' is an option of estimator='PLS'"),
])
def test_bad_hoc_option_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rq.fit(SPEC, DATA, **kwargs)


def test_repeated_indicators_mode_b_reverses_the_paths():
    syntax = SPEC.syntax.replace("RQ  =~ NA*SAT + TR + AC + CF", "RQ <~ SAT + TR + AC + CF")
    res = rq.fit(syntax.replace("RQ  ~~ 1*RQ", ""), DATA, estimator="PLS", hoc="repeated")
    model = res.problem.pls["model"]
    rq_pos = model.constructs.index("RQ")
    assert model.modes[rq_pos] == "B" and model.paths[model.constructs.index("SAT"), rq_pos]
    fit = res.estimate.opt.details["pls_fit"]
    assert row_of(res.estimates(), "RQ", "<~", "SAT")["est"] == pytest.approx(
        fit.paths[model.constructs.index("SAT"), rq_pos], abs=1e-15)


def test_a_unit_variance_statement_is_accepted_with_a_warning():
    with pytest.warns(rq.RelqualWarning, match="line 9: 'RQ  ~~ 1\\*RQ' fixes a construct's"):
        rq.fit(SPEC, DATA, estimator="PLS")
    with pytest.raises(rq.ModelSyntaxError, match="line 9: '~~' has no meaning"):
        rq.fit(SPEC.syntax.replace("RQ  ~~ 1*RQ", "RQ  ~~ 2*RQ"), DATA, estimator="PLS")
