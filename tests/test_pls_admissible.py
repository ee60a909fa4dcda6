"""Improper PLSc solutions and feedback loops are said, not shown as ordinary numbers."""
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.tables import fit_status

IMPROPER_MODEL = "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nB ~ A"


@pytest.fixture(scope="module")
def weak_items():
    """Two nearly identical constructs measured by very unreliable items (n = 40): PLSc's
    correction by rho_A (about 0.3) pushes their correlation beyond 1."""
    rng = np.random.default_rng(0)
    n = 40
    f = rng.normal(size=n)
    g = 0.98 * f + 0.2 * rng.normal(size=n)
    columns = {f"a{k}": f + 1.5 * rng.normal(size=n) for k in (1, 2, 3)}
    columns.update({f"b{k}": g + 1.5 * rng.normal(size=n) for k in (1, 2, 3)})
    return pd.DataFrame(columns)


def test_plsc_beyond_one_is_an_improper_solution(weak_items):
    with pytest.warns(rq.RelqualWarning, match="corrected correlation between 'A' and 'B'"):
        res = rq.fit(IMPROPER_MODEL, weak_items, estimator="PLSc")
    path = float(res.paths()["est"].iloc[0])
    assert path > 1
    assert any(w.startswith("improper solution: R² of 'B'") for w in res.warnings)
    assert any("not positive definite" in w for w in res.warnings)
    short, sentence = fit_status(res)
    assert short == "IMPROPER SOLUTION" and "beyond 1" in sentence
    tables = res.tables()
    assert any("IMPROPER SOLUTION" in (t.title + t.note) for t in tables)


def test_plain_pls_of_the_same_data_is_admissible(weak_items):
    with warnings.catch_warnings():
        warnings.simplefilter("error", rq.RelqualWarning)
        res = rq.fit(IMPROPER_MODEL, weak_items, estimator="PLS")
    assert res.warnings == [] and fit_status(res) is None


def test_feedback_loop_is_noted_with_its_line():
    hs = rq.datasets.load("holzinger_swineford")
    with pytest.warns(rq.RelqualWarning, match="line 4: the paths form a feedback loop through "
                                               "'B', 'C'"):
        rq.fit("A =~ x1 + x2 + x3\nB =~ x4 + x5 + x6\nC =~ x7 + x8 + x9\nB ~ A + C\nC ~ B",
               hs, estimator="PLS")


def test_plsc_bootstrap_counts_improper_draws_as_a_one_by_one_fit_says_them(weak_items):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(IMPROPER_MODEL, weak_items, estimator="PLSc")
        boot = res.bootstrap(40, seed=3)
    flags = boot.values[:, boot.layout["improper"]][:, 0]
    compared = 0
    for draw in range(12):                     # each resample refitted on its own
        rows = weak_items.iloc[boot.indices[draw][0]].reset_index(drop=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                one = rq.fit(IMPROPER_MODEL, rows, estimator="PLSc")
            except Exception:                  # an item without variance: a failed draw
                assert not boot.converged[draw]
                continue
        if boot.converged[draw]:
            said = any(w.startswith("improper solution") for w in one.warnings)
            assert bool(flags[draw]) == said
            compared += 1
    assert compared >= 5
    improper = int(np.nansum(flags[boot.converged]))
    assert improper > 0
    assert f"{improper} of {int(boot.converged.sum())} bootstrap resamples gave an improper " \
           "PLSc solution" in boot.note()


def test_plain_pls_bootstrap_has_no_improper_block():
    res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality").dropna(),
                 estimator="PLS")
    boot = res.bootstrap(20, seed=1)
    assert "improper" not in boot.layout and boot.note() is None


@pytest.mark.parametrize("paths, recursive", [
    ("B ~ A\nC ~ B", True), ("B ~ A + C\nC ~ B", False), ("B ~ A\nC ~ B\nA ~ C", False)])
def test_recursive_models_and_their_inner_weights(paths, recursive):
    from relqual.pls import inner_weights
    from relqual.plsfit import pls_model
    model, _ = pls_model("A =~ a1 + a2\nB =~ b1 + b2\nC =~ c1 + c2\n" + paths)
    assert model.recursive is recursive
    R = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.4], [0.3, 0.4, 1.0]])
    expected = R * model.successors           # correlations, plus the regression coefficients
    expected.ravel()[model._path_system[2]] += model.path_coefficients(R)
    np.testing.assert_array_equal(inner_weights(R, model, "path"), expected)
