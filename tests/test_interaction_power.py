"""rq.power with an interaction term: the interaction's power by LMS and by product indicators,
replicates drawn as rq.power draws them."""
import pytest

import relqual as rq
from relqual.power import POWER_COLUMNS, replicate_data

POPULATION = """X =~ 1*x1 + 0.8*x2 + 0.7*x3
Z =~ 1*z1 + 0.8*z2 + 0.7*z3
X ~~ 1*X
Z ~~ 1*Z
X ~~ 0.3*Z
y ~ 0.3*X + 0.2*Z + 0.3*X:Z
y ~~ 0.5*y
x1 ~~ 0.4*x1
x2 ~~ 0.4*x2
x3 ~~ 0.4*x3
z1 ~~ 0.4*z1
z2 ~~ 0.4*z2
z3 ~~ 0.4*z3"""
MODEL = "X =~ x1 + x2 + x3; Z =~ z1 + z2 + z3; y ~ X + Z + X:Z"


@pytest.mark.parametrize("method", ["lms", "dblcent"])
def test_power_of_the_interaction(method):
    table = rq.power(MODEL, population=POPULATION, n=(40, 300), reps=6, seed=3,
                     interaction=method)
    assert list(table.columns) == POWER_COLUMNS
    assert table.attrs["interaction"] == method and table.attrs["hypothesised"] == ["y ~ X:Z"]
    term = table[table["rhs"] == "X:Z"].set_index("n")
    assert term["pop_value"].tolist() == [0.3, 0.3]
    assert term.loc[300, "converged"] == 1.0 and term.loc[300, "power"] == 1.0
    assert abs(term.loc[300, "bias"]) < 0.06
    assert term.loc[40, "power"] < 1.0                        # a small sample misses it
    assert table.attrs["min_n"]["y ~ X:Z"] == 300 and table.attrs["min_n"]["overall"] == 300
    assert table.attrs["seed"] == 3 and table.attrs["reps"] == 6


def test_a_replicate_is_the_fit_of_replicate_data():
    table = rq.power(MODEL, population=POPULATION, n=150, reps=1, seed=7, interaction="lms")
    data = replicate_data(MODEL, 150, 0, seed=7, population=POPULATION)
    est = rq.fit(MODEL, data, interaction="lms").estimates()
    expected = est[(est["op"] == "~")].set_index("rhs")
    got = table.set_index("rhs")
    for rhs in ("X", "Z", "X:Z"):
        assert got.loc[rhs, "mean_est"] == pytest.approx(expected.loc[rhs, "est"], abs=1e-10)
        assert got.loc[rhs, "mean_se"] == pytest.approx(expected.loc[rhs, "se"], abs=1e-10)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(estimator="MLR"), NotImplementedError, "estimator='MLR' is not available"),
    (dict(n_jobs=2), NotImplementedError, "n_jobs=2 is not available"),
    (dict(missing="fiml"), NotImplementedError, "missing='fiml' is not available"),
    (dict(interaction="bogus"), ValueError, "interaction must be one of"),
])
def test_settings_an_interaction_study_does_not_offer_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        rq.power(MODEL, population=POPULATION, n=100, reps=2, seed=1, **kwargs)


def test_interaction_without_a_term_is_refused():
    with pytest.raises(ValueError, match="the model has no interaction term"):
        rq.power("X =~ x1 + x2 + x3; Z =~ z1 + z2 + z3; y ~ X + Z", population=POPULATION,
                 n=100, reps=2, seed=1, interaction="lms")
