"""PLS-MGA (permutation test, Henseler's PLS-MGA) and MICOM (relqual/plsmga.py) against seminr
0.2.1 with replayed permutations and bootstrap resamples (tests/reference/pls_predict_mga.json,
made by pls_predict_mga_reference.py; seminr estimates every group, resample and permutation),
against the papers' formulas on small hand-made cases, and on bad input."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.data import DataError
from relqual.plsmga import henseler_p

from conftest import REFERENCE

REF = json.loads((REFERENCE / "pls_predict_mga.json").read_text())
TOL = 1e-6


@pytest.fixture(scope="module")
def survey():
    return rq.datasets.load("relationship_quality")


@pytest.fixture(scope="module")
def replayed_mga(survey):
    case = REF["mga"]["rq_competition"]
    table = rq.pls_mga(case["model"], survey, group=case["group"],
                       permutations=np.array(case["permutations"]),
                       bootstrap=case["bootstrap"])
    return case, table


def test_mga_replayed_against_seminr(replayed_mga):
    case, table = replayed_mga
    assert table.attrs["n"] == case["n"]
    assert list(table["group1"].unique()) == [case["groups"][0]]
    ours = table.set_index(["lhs", "rhs"])
    assert len(ours) == len(case["results"])
    for row in case["results"]:
        got = ours.loc[(row["lhs"], row["rhs"])]
        for key in ("est_pooled", "est_group1", "est_group2", "difference", "boot_mean_group1",
                    "boot_mean_group2", "p_henseler_one_sided", "p_henseler", "p_permutation"):
            assert got[key] == pytest.approx(row[key], abs=TOL), (row, key)


def test_micom_replayed_against_seminr_weights(survey):
    case = REF["micom"]["rq_competition"]
    table = rq.micom(case["model"], survey, group=case["group"],
                     permutations=np.array(case["permutations"]), alpha=case["alpha"])
    ours = table.set_index("construct")
    for row in case["results"]:
        got = ours.loc[row["construct"]]
        for key, value in row.items():
            if key == "construct":
                continue
            if isinstance(value, bool):
                assert bool(got[key]) is value, (row["construct"], key)
            else:
                assert got[key] == pytest.approx(value, abs=TOL), (row["construct"], key)
    assert table["configural"].all()
    for _, row in table.iterrows():
        expected = ("none" if not row["compositional"] else "full"
                    if row["equal_mean"] and row["equal_variance"] else "partial")
        assert row["invariance"] == expected


# ----------------------------------------------------------------------------- formulas

def test_henseler_p_is_the_papers_double_sum():
    rng = np.random.default_rng(4)
    b1, b2 = rng.normal(0.3, 0.1, 30), rng.normal(0.2, 0.1, 25)
    favourable = sum(2 * b1.mean() - x1 - 2 * b2.mean() + x2 > 0 for x1 in b1 for x2 in b2)
    assert henseler_p(b1, b2) == pytest.approx(1 - favourable / (30 * 25), abs=1e-15)
    # far apart: group 1 clearly larger -> 0; reversed -> 1
    assert henseler_p(b1 + 5, b2) == 0.0
    assert henseler_p(b1, b2 + 5) == 1.0


def small_groups(n=40, seed=9, shift=0.0):
    """Two groups of a three-construct model; group 2's A -> C path is stronger by ``shift``."""
    rng = np.random.default_rng(seed)
    frames = []
    for label, beta in (("g1", 0.3), ("g2", 0.3 + shift)):
        a = rng.normal(size=n)
        b = 0.4 * a + rng.normal(size=n)
        c = beta * a + 0.3 * b + rng.normal(size=n)
        items = {f"{name}{k}": f + rng.normal(scale=0.6, size=n)
                 for name, f in (("a", a), ("b", b), ("c", c)) for k in (1, 2)}
        frames.append(pd.DataFrame(dict(items, grp=label)))
    return pd.concat(frames, ignore_index=True)


SMALL = "A =~ a1 + a2\nB =~ b1 + b2\nC =~ c1 + c2\nB ~ A\nC ~ A + B"


def test_permutation_p_by_hand():
    """p = #(|d*| >= |d|)/P with each permuted group estimated by relqual's PLS directly."""
    from relqual.pls import fit_pls, standardize
    from relqual.plsfit import pls_model

    data = small_groups()
    perms = np.array([np.random.default_rng(k).permutation(80) for k in range(15)])
    table = rq.pls_mga(SMALL, data, group="grp", permutations=perms, bootstrap=0)
    model, _ = pls_model(SMALL)
    X = data[list(model.indicators)].to_numpy(float)

    def path(rows):
        return fit_pls(standardize(X[rows]), model).paths[0, 2]        # A -> C

    d = path(np.arange(40)) - path(np.arange(40, 80))
    d_perm = np.array([path(p[:40]) - path(p[40:]) for p in perms])
    row = table.set_index(["lhs", "rhs"]).loc[("C", "A")]
    assert row["difference"] == pytest.approx(d, abs=1e-12)
    assert row["p_permutation"] == pytest.approx(np.mean(np.abs(d_perm) >= abs(d)))
    assert np.isnan(row["p_henseler"])                              # bootstrap=0


def test_micom_step3_by_hand():
    """Mean difference and log variance ratio of the pooled fit's scores, permutation
    quantiles and p-values (numpy's linear quantile, R type 7)."""
    from relqual.pls import fit_pls, standardize
    from relqual.plsfit import pls_model

    data = small_groups()
    perms = np.array([np.random.default_rng(100 + k).permutation(80) for k in range(30)])
    table = rq.micom(SMALL, data, group="grp", permutations=perms).set_index("construct")
    model, _ = pls_model(SMALL)
    scores = fit_pls(standardize(data[list(model.indicators)].to_numpy(float)), model).scores

    def diff(order):
        one, two = scores[order[:40]], scores[order[40:]]
        return one.mean(0) - two.mean(0), np.log(one.var(0, ddof=1) / two.var(0, ddof=1))

    m, v = diff(np.arange(80))
    mp = np.array([diff(p)[0] for p in perms])
    vp = np.array([diff(p)[1] for p in perms])
    for j, construct in enumerate(model.constructs):
        row = table.loc[construct]
        assert row["mean_diff"] == pytest.approx(m[j], abs=1e-12)
        assert row["log_var_ratio"] == pytest.approx(v[j], abs=1e-12)
        assert row["mean_lower"] == pytest.approx(np.quantile(mp[:, j], 0.025), abs=1e-12)
        assert row["var_upper"] == pytest.approx(np.quantile(vp[:, j], 0.975), abs=1e-12)
        assert row["p_mean"] == pytest.approx(np.mean(np.abs(mp[:, j]) >= abs(m[j])))
        assert 0.9 < row["c"] <= 1.0 + 1e-12


def test_a_real_difference_is_found():
    data = small_groups(n=150, shift=0.6, seed=2)
    table = rq.pls_mga(SMALL, data, group="grp", permutations=200, bootstrap=200, seed=3)
    row = table.set_index(["lhs", "rhs"]).loc[("C", "A")]
    assert row["difference"] < -0.2
    assert row["p_permutation"] < 0.05 and row["p_henseler"] < 0.05
    assert row["p_henseler_one_sided"] > 0.95          # group 1's path is the smaller


# ----------------------------------------------------------------------------- behaviour

def test_seed_reproducible_on_any_number_of_workers(survey):
    args = dict(group="competition", permutations=8, bootstrap=8, seed=5)
    one = rq.pls_mga("relationship_quality", survey, **args)
    two = rq.pls_mga("relationship_quality", survey, n_jobs=2, **args)
    pd.testing.assert_frame_equal(one, two)
    other = rq.pls_mga("relationship_quality", survey, **dict(args, seed=6))
    assert not np.allclose(one["boot_mean_group1"], other["boot_mean_group1"])
    m1 = rq.micom("relationship_quality", survey, group="competition", permutations=8, seed=5)
    m2 = rq.micom("relationship_quality", survey, group="competition", permutations=8, seed=5,
                  n_jobs=2)
    pd.testing.assert_frame_equal(m1, m2)


def test_three_groups_compared_pairwise(survey):
    data = survey.assign(region=np.array(["north", "south", "west"])[np.arange(len(survey)) % 3])
    table = rq.pls_mga("relationship_quality", data, group="region", permutations=4,
                       bootstrap=4, seed=1)
    pairs = set(zip(table["group1"], table["group2"]))
    assert pairs == {("north", "south"), ("north", "west"), ("south", "west")}
    assert len(table) == 3 * 9
    chosen = rq.micom("relationship_quality", data, group="region", permutations=4, seed=1,
                      groups=["west", "north"])
    assert set(zip(chosen["group1"], chosen["group2"])) == {("west", "north")}


def test_plsc_and_schemes(survey):
    table = rq.pls_mga("relationship_quality", survey, group="competition", permutations=3,
                       bootstrap=3, seed=1, estimator="PLSc", scheme="factorial")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plsc = rq.fit("relationship_quality", survey[survey["competition"] == "low"],
                      estimator="PLSc", scheme="factorial")
    est = plsc.estimates().set_index(["lhs", "op", "rhs"])["est"]
    row = table.set_index(["lhs", "rhs"]).loc[("CC", "AC")]
    assert row["est_group1"] == pytest.approx(est[("CC", "~", "AC")], abs=1e-10)


# ----------------------------------------------------------------------------- bad input

def test_group_column_with_one_level(survey):
    data = survey.assign(one="same")
    with pytest.raises(ValueError, match="'one' has 1 level \\('same'\\)"):
        rq.pls_mga("relationship_quality", data, group="one")
    with pytest.raises(ValueError, match="at least two groups"):
        rq.micom("relationship_quality", data, group="one")


def test_group_with_too_few_rows(survey):
    data = survey.copy()
    data["tiny"] = "big"
    data.loc[data.index[:15], "tiny"] = "small"
    with pytest.raises(DataError, match="small"):
        rq.pls_mga("relationship_quality", data, group="tiny", permutations=2, bootstrap=2)
    few = small_groups(n=40)
    few.loc[few.index[:37], "grp"] = "g2"
    with pytest.raises(DataError, match="only 3 complete rows in group 'g1'"):
        rq.micom(SMALL, few, group="grp", permutations=2)
    path = small_groups(n=40).rename(columns={"a1": "y", "b1": "x1", "c1": "x2"})
    path.loc[path.index[:36], "grp"] = "g2"
    with pytest.raises(DataError, match="group 'g1' has only 4 complete rows; the model needs "
                                        "at least 5 per group"):
        rq.pls_mga("y ~ x1 + x2", path, group="grp", permutations=2, bootstrap=2)


def test_other_bad_input(survey):
    with pytest.raises(DataError, match="not a column"):
        rq.pls_mga("relationship_quality", survey, group="competiton")
    with pytest.raises(ValueError, match="'medium' is not a value"):
        rq.pls_mga("relationship_quality", survey, group="competition",
                   groups=["low", "medium"])
    with pytest.raises(ValueError, match="estimator"):
        rq.pls_mga("relationship_quality", survey, group="competition", estimator="ML")
    with pytest.raises(ValueError, match="unknown PLS weighting scheme"):
        rq.micom("relationship_quality", survey, group="competition", scheme="centriod")
    with pytest.raises(TypeError, match="permutations must be a whole number"):
        rq.pls_mga("relationship_quality", survey, group="competition", permutations=2.5)
    with pytest.raises(ValueError, match="row order"):
        rq.pls_mga("relationship_quality", survey, group="competition",
                   permutations=np.zeros((2, 537)), bootstrap=0)
    with pytest.raises(ValueError, match="lack group 'high'"):
        rq.pls_mga("relationship_quality", survey, group="competition", permutations=0,
                   bootstrap={"low": np.zeros((2, 283))})
    with pytest.raises(ValueError, match="alpha"):
        rq.micom("relationship_quality", survey, group="competition", alpha=5)
    three = survey.assign(region=np.array(["a", "b", "c"])[np.arange(len(survey)) % 3])
    with pytest.raises(ValueError, match="two groups only"):
        rq.pls_mga("relationship_quality", three, group="region",
                   permutations=np.tile(np.arange(358), (2, 1)), bootstrap=0)
