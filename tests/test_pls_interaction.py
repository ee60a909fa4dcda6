"""Interaction terms in PLS (relqual/plsinteraction.py): the two-stage approach, against seminr
0.2.1's ``interaction_term(method = two_stage)`` (tests/reference/pls_interaction.json, written
by tests/reference/pls_interaction_reference.py from data/relationship_quality.csv)."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import (
    ROOT,
    assert_reliability_and_htmt_match,
    batched_and_one_by_one,
    bootstrap_sd_diffs,
    row_of,
    seminr_rows,
)

REF = json.loads((ROOT / "tests" / "reference" / "pls_interaction.json").read_text("utf-8"))
CASE = REF["cases"]["two_stage"]
DATA = pd.read_csv(ROOT / REF["data"]["file"])
TOL = 1e-8


def fitted(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # the listwise-deletion note
        return rq.fit(REF["syntax"], DATA, estimator="PLS", **kwargs)


@pytest.mark.parametrize("interaction", [None, "two_stage"])
def test_estimates_match_seminr(interaction):
    res = fitted(interaction=interaction)
    est = res.estimates()
    rows = seminr_rows(CASE["results"])
    assert res.converged and res.n_obs == REF["data"]["n_used"]
    assert len(rows) == res.problem.partable.npar
    assert max(abs(row_of(est, lhs, op, rhs)["est"] - ref["est"])
               for lhs, op, rhs, ref in rows) < TOL
    assert abs(res.r2()["AC"] - CASE["results"]["r2"]["AC"]) < TOL


def test_interaction_term_is_the_rescaled_product_of_stage_one_scores():
    """The term's score is the centred product of the standardized stage-1 scores (its SD is
    its loading), so the paths reproduce AC's score from SAT, TR, CF and SAT x TR."""
    res = fitted()
    model = res.problem.pls["model"]
    first, second = res.estimate.opt.details["pls_stages"]
    c1, c2 = model.stage1.constructs, model.stage2.constructs
    product = first.scores[:, c1.index("SAT")] * first.scores[:, c1.index("TR")]
    term = second.scores[:, c2.index("SAT:TR")]
    assert np.allclose(term, product - product.mean(), atol=1e-12)
    assert row_of(res.estimates(), "SAT:TR", "=~", "SAT:TR")["est"] == pytest.approx(
        product.std(ddof=1), abs=1e-12)
    S = second.scores
    fitted_ac = S[:, [c2.index(c) for c in ("SAT", "TR", "CF", "SAT:TR")]] @ \
        second.paths[[c2.index(c) for c in ("SAT", "TR", "CF", "SAT:TR")], c2.index("AC")]
    r2 = 1 - np.var(S[:, c2.index("AC")] - fitted_ac) / np.var(S[:, c2.index("AC")])
    assert r2 == pytest.approx(CASE["results"]["r2"]["AC"], abs=1e-10)


def test_reliability_and_htmt_match_seminr():
    res = fitted()
    ref = CASE["results"]
    assert assert_reliability_and_htmt_match(res, ref, TOL) == 10


def test_stage_two_is_a_plain_model_with_the_product_as_an_item():
    """Stage 2 is the PLS model with the product of the stage-1 scores as an observed item:
    same weights, the same standardized path (ours divided by the product's SD, see the module
    docstring) and the same fit measures (SRMR, d_ULS, d_G of the standardized stage 2)."""
    res = fitted()
    model = res.problem.pls["model"]
    first = res.estimate.opt.details["pls_stages"][0]
    c1 = model.stage1.constructs
    product = first.scores[:, c1.index("SAT")] * first.scores[:, c1.index("TR")]
    items = list(model.stage1.indicators)
    rows = DATA[items].dropna().reset_index(drop=True).assign(sxt=product)
    plain = rq.fit(REF["syntax"].replace("SAT:TR", "sxt"), rows, estimator="PLS")
    ours, theirs = res.estimates(), plain.estimates()
    for item in items:
        construct = item[:-1].upper()
        assert row_of(ours, construct, "<~", item)["est"] == pytest.approx(
            row_of(theirs, construct, "<~", item)["est"], abs=1e-12)
    assert row_of(ours, "AC", "~", "SAT:TR")["est"] * product.std(ddof=1) == pytest.approx(
        row_of(theirs, "AC", "~", "sxt")["est"], abs=1e-12)
    fm, fm_plain = res.fit_measures(), plain.fit_measures()
    assert np.allclose(fm.to_numpy(), fm_plain.to_numpy(), atol=1e-12, rtol=0)


def test_bootstrap_standard_errors_match_seminr_on_replayed_indices():
    ref = CASE["bootstrap"]
    res = fitted()
    boot = res.bootstrap(ref["B"], indices=np.array(ref["indices"]), progress=False)
    diff = bootstrap_sd_diffs(boot, seminr_rows(ref))
    assert len(diff) == res.problem.partable.npar and max(diff) < TOL


def test_bootstrap_equals_the_one_by_one_refit():
    batched, refit = batched_and_one_by_one(fitted(), 6)
    assert np.allclose(batched, refit, atol=1e-10, rtol=0)


BASE = "A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1 + y2\n"
SMALL = pd.DataFrame(np.random.default_rng(1).normal(size=(60, 6)),
                     columns=["a1", "a2", "b1", "b2", "y1", "y2"])


@pytest.mark.parametrize("syntax, message", [
    (BASE + "Y ~ A + B + A:b1", "line 4: the interaction term 'A:b1' must be the product of two "
                                "constructs measured in the model"),
    (BASE + "Y ~ A + B + A:B:A", "line 4: the interaction term 'A:B:A'"),
    (BASE + "H =~ A + B\nY ~ H + H:A", "not available in PLS yet"),
])
def test_bad_interaction_syntax_is_refused_by_line(syntax, message):
    with pytest.raises(rq.ModelSyntaxError, match=message):
        rq.fit(syntax, SMALL, estimator="PLS")


def test_what_needs_one_model_or_path_covariances_is_refused():
    res = fitted()
    with pytest.raises(NotImplementedError, match="PLSpredict is not available for models with "
                                                  "interaction terms"):
        res.predict(folds=5, repeats=1, seed=1)
    with pytest.raises(ValueError, match="simple slopes of a PLS interaction take their "
                                         "standard errors and intervals from the bootstrap"):
        res.simple_slopes("SAT", moderator="TR")
    with pytest.raises(NotImplementedError, match="Johnson-Neyman regions and interaction plots "
                                                  "of a PLS interaction are not available yet"):
        res.johnson_neyman("SAT", moderator="TR")
    with pytest.raises(NotImplementedError, match="interaction plots of a PLS interaction"):
        res.plot_interaction("SAT", moderator="TR")


@pytest.mark.parametrize("estimator, interaction", [("PLS", "dblcent"), ("PLSc", None)])
def test_what_is_not_built_yet_is_refused(estimator, interaction):
    with pytest.raises(NotImplementedError, match="'A:B' in PLS is estimated with interaction="
                                                  "'two_stage' and estimator='PLS'"):
        rq.fit(BASE + "Y ~ A + B + A:B", SMALL, estimator=estimator, interaction=interaction)


def test_the_call_records_the_two_stage_approach():
    """res.call says how the interaction was estimated, as for covariance-based fits."""
    import warnings

    import relqual as rq
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                   # rows with missing answers
        res = rq.fit("SAT =~ sat1 + sat2 + sat3 + sat4\nTR =~ tr1 + tr2 + tr3 + tr4\n"
                     "AC =~ ac1 + ac2 + ac3 + ac4\nAC ~ SAT + TR + SAT:TR",
                     rq.datasets.load("relationship_quality"), estimator="PLS")
    assert res.call["interaction"] == "two_stage"
