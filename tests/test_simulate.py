"""rq.simulate and the population-model helpers in relqual/simulate.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.cli import main
from relqual.simulate import (
    LIKERT_SHARES,
    complete_population,
    likert_thresholds,
    population_moments,
    population_values,
)

ROOT = Path(__file__).resolve().parents[1]
SMALL = """
F =~ 0.8*x1 + 0.7*x2 + 0.6*x3
F ~~ 1*F
x1 ~~ 0.36*x1
x2 ~~ 0.51*x2
x3 ~~ 0.64*x3
"""


def test_reproducible_by_seed_and_different_across_seeds():
    a = rq.simulate("relationship_quality", 200, seed=7)
    b = rq.simulate("relationship_quality", 200, seed=7)
    c = rq.simulate("relationship_quality", 200, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.to_numpy(), c.to_numpy())
    assert list(a.columns) == [f"{p}{i}" for p in ("cf", "sat", "tr", "ac", "cc")
                               for i in range(1, 5)]
    assert a.shape == (200, 20) and a.dtypes.eq(float).all()
    # a Generator and a SeedSequence are accepted too; no seed gives fresh data
    assert rq.simulate(SMALL, 5, seed=np.random.default_rng(1)).shape == (5, 3)
    assert rq.simulate(SMALL, 5, seed=np.random.SeedSequence(1)).shape == (5, 3)
    assert not np.allclose(rq.simulate(SMALL, 50).to_numpy(), rq.simulate(SMALL, 50).to_numpy())


def test_continuous_data_reproduce_the_population_covariance():
    data = rq.simulate("trust_formation", 20000, seed=11)
    cov, mean = population_moments("trust_formation")
    assert list(data.columns) == list(cov.columns)
    assert np.allclose(np.diag(cov), 1.0)
    assert np.abs(data.cov().to_numpy() - cov.to_numpy()).max() < 0.05
    assert np.abs(data.mean().to_numpy()).max() < 0.05 and np.all(mean == 0)


def test_population_means_shift_the_data():
    data = rq.simulate(SMALL + "x1 ~ 2*1\nx2 ~ -1*1\nx3 ~ 0*1\n", 5000, seed=3)
    assert data.mean().round(1).tolist() == [2.0, -1.0, 0.0]


@pytest.mark.parametrize("points", [5, 7])
def test_likert_categories_and_shares(points):
    data = rq.simulate("loyalty_stages", 20000, seed=5, likert=points)
    values = data.to_numpy()
    assert data.dtypes.eq(np.int64).all()
    assert set(np.unique(values)) == set(range(1, points + 1))
    shares = np.array([(values == k).mean() for k in range(1, points + 1)])
    assert np.abs(shares - np.array(LIKERT_SHARES[points])).max() < 0.01
    assert values.mean() > (points + 1) / 2            # answers lean to agreement
    assert (values == points - 1).mean() > (values == 2).mean()


def test_likert_thresholds_are_the_documented_ones():
    assert np.allclose(likert_thresholds(5), [-1.751, -1.080, -0.305, 0.706], atol=5e-4)
    assert np.allclose(likert_thresholds(7), [-1.881, -1.405, -0.915, -0.305, 0.385, 1.126],
                       atol=5e-4)


def test_missing_rate_gives_about_that_share_and_keeps_the_values():
    full = rq.simulate("relationship_quality", 5000, seed=2, likert=5)
    holed = rq.simulate("relationship_quality", 5000, seed=2, likert=5, missing_rate=0.1)
    share = holed.isna().to_numpy().mean()
    assert abs(share - 0.1) < 0.005
    assert holed.isna().mean().between(0.08, 0.12).all()        # every column, independently
    assert holed.dtypes.eq(float).all()
    kept = holed.notna().to_numpy()
    assert np.array_equal(holed.to_numpy()[kept], full.to_numpy()[kept].astype(float))
    assert rq.simulate(SMALL, 100, seed=1, missing_rate=0.0).notna().all().all()


def test_model_forms_accepted():
    spec = rq.models.load("loyalty_stages")
    by_name = rq.simulate("loyalty_stages", 30, seed=4)
    pd.testing.assert_frame_equal(by_name, rq.simulate(spec, 30, seed=4))
    pd.testing.assert_frame_equal(by_name, rq.simulate(spec.population, 30, seed=4))
    path = ROOT / "models" / "loyalty_stages.toml"
    pd.testing.assert_frame_equal(by_name, rq.simulate(str(path), 30, seed=4))
    pd.testing.assert_frame_equal(by_name, rq.simulate(path, 30, seed=4))


@pytest.mark.parametrize("kwargs, match", [
    (dict(model="no_such_model", n=10), "no_such_model"),
    (dict(model="F =~ x1 + x2 + x3", n=10), r"leaves 6 parameter\(s\) free: F =~ x2, F =~ x3"),
    (dict(model=SMALL.replace("F ~~ 1*F\n", ""), n=10), r"free: F ~~ F"),
    (dict(model="relationship_quality", n=0), "n must be a positive"),
    (dict(model="relationship_quality", n=-5), "n must be a positive"),
    (dict(model="relationship_quality", n=2.5), "n must be a positive"),
    (dict(model="relationship_quality", n=10, likert=4), "likert must be None, 5 or 7"),
    (dict(model="relationship_quality", n=10, missing="mar"), "missing must be one of mcar"),
    (dict(model="relationship_quality", n=10, missing_rate=1.5), "missing_rate must be"),
    (dict(model=SMALL.replace("0.36*x1", "-2*x1"), n=10), "not positive semi-definite"),
])
def test_bad_input_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rq.simulate(**kwargs)


def test_bad_seed_and_model_types():
    with pytest.raises(TypeError, match="seed"):
        rq.simulate(SMALL, 5, seed="abc")
    with pytest.raises(TypeError, match="model must be"):
        rq.simulate(42, 5)


def test_complete_population_gives_unit_variances():
    full = complete_population("""
        F =~ 0.8*a + 0.7*b + 0.6*c
        G =~ 0.7*d + 0.7*e + 0.7*f
        H =~ 0.7*g + 0.7*h + 0.7*i
        G ~ 0.4*F
        H ~ 0.3*F + 0.2*G
    """)
    assert "G ~~ 0.84*G" in full and "a ~~ 0.36*a" in full and "F ~~ 1.00*F" in full
    values = population_values(full)
    assert np.allclose(values.loc[values.op != "~~", "est"],
                       values.loc[values.op != "~~", "std_all"])
    cov, _ = population_moments(full)
    assert np.allclose(np.diag(cov), 1.0)
    with pytest.raises(ValueError, match="more than all of the variance of G"):
        complete_population("F =~ 0.8*a + 0.7*b + 0.6*c\nG =~ 0.7*d + 0.7*e\nG ~ 1.2*F")


def test_population_values_standardize_a_raw_metric_population():
    values = population_values("y ~ 0.5*x\nx ~~ 4*x\ny ~~ 1*y").set_index(["lhs", "op", "rhs"])
    assert values.loc[("y", "~", "x"), "std_all"] == pytest.approx(1 / np.sqrt(2))
    assert values.loc[("y", "~~", "y"), "std_all"] == pytest.approx(0.5)


def test_cli_simulate(tmp_path, capsys):
    out = tmp_path / "stages.csv"
    argv = ["simulate", "loyalty_stages", "--n", "40", "--out", str(out), "--seed", "3",
            "--likert", "5", "--missing-rate", "0.05"]
    assert main(argv) == 0
    assert "40 rows x 12 5-point Likert variables" in capsys.readouterr().out
    data = pd.read_csv(out)
    expected = rq.simulate("loyalty_stages", 40, seed=3, likert=5, missing_rate=0.05)
    pd.testing.assert_frame_equal(data, expected, check_dtype=False)
    tsv = tmp_path / "x.tsv"
    assert main(["simulate", SMALL, "--n", "5", "--out", str(tsv), "--seed", "1"]) == 0
    assert pd.read_csv(tsv, sep="\t").shape == (5, 3)


@pytest.mark.parametrize("argv, mention", [
    (["simulate", "nope", "--n", "5", "--out", "x.csv"], "no library model named 'nope'"),
    (["simulate", "loyalty_stages", "--n", "0", "--out", "x.csv"], "n must be a positive"),
    (["simulate", "loyalty_stages", "--n", "5", "--out", "x.xlsx"], "use a .csv or .tsv"),
    (["simulate", "F =~ a + b", "--n", "5", "--out", "x.csv"], "free"),
])
def test_cli_simulate_bad_input(tmp_path, capsys, monkeypatch, argv, mention):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert mention in err and "Traceback" not in err + out
    assert not (tmp_path / "x.csv").exists()
