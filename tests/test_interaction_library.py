"""The library's latent-interaction models (Jones & Sasser's L = f(C, S) with SAT x COMPETITION,
Dick & Basu's relative attitude x repeat patronage) and the population moments of a model with
interaction terms: they simulate, fit by LMS and recover their population values."""
import warnings

import numpy as np
import pytest

import relqual as rq
from relqual.simulate import population_moments, population_values

MODELS = {"jones_sasser_interaction": ("LOY", "SAT", "COMPETITION"),
          "dick_basu_relative_attitude": ("WOM", "AFF", "ACT")}


@pytest.mark.parametrize("name", MODELS)
def test_library_interaction_model_simulates_fits_and_recovers(name):
    outcome, focal, moderator = MODELS[name]
    spec = rq.models.load(name)
    term = f"{focal}:{moderator}"
    assert any(h["rhs"] == term and h["sign"] == "+" for h in spec.hypotheses)
    cov, _ = population_moments(spec)
    assert np.allclose(np.diag(cov), 1.0, atol=1e-12)       # standardized, interaction included
    data = rq.simulate(spec, 4000, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = rq.fit(spec, data)
    assert res.call["interaction"] == "lms" and res.converged and not res.warnings
    pop = population_values(spec).set_index(["lhs", "op", "rhs"])
    paths = res.paths().set_index(["lhs", "op", "rhs"])
    for rhs in (focal, moderator, term):
        assert paths.loc[(outcome, "~", rhs), "std_all"] == pytest.approx(
            pop.loc[(outcome, "~", rhs), "std_all"], abs=0.05)
    hyp = res.hypotheses().set_index("rhs")
    assert hyp.loc[term, "verdict"] == "supported"
    slopes = res.simple_slopes(focal, moderator=moderator)
    assert slopes["est"].is_monotonic_increasing              # a positive interaction
    assert res.interaction_test().iloc[0]["pvalue"] < 0.001


def test_population_moments_of_an_interaction_are_those_drawn():
    pop = ("X =~ 1*x1 + 0.8*x2; Z =~ 1*z1 + 0.8*z2; X ~~ 1*X; Z ~~ 1*Z; X ~~ 0.4*Z; "
           "X ~ 0.5*1; y ~ 0.3*X + 0.3*Z + 0.4*X:Z; y ~~ 0.5*y; x1 ~~ 0.3*x1; x2 ~~ 0.3*x2; "
           "z1 ~~ 0.3*z1; z2 ~~ 0.3*z2; x1 ~ 0*1; x2 ~ 0*1; z1 ~ 0*1; z2 ~ 0*1; y ~ 0*1")
    cov, mean = population_moments(pop)
    data = rq.simulate(pop, 300_000, seed=4)
    assert np.abs(data.cov(ddof=0).to_numpy() - cov.to_numpy()).max() < 0.02
    assert np.abs(data.mean().to_numpy() - mean.to_numpy()).max() < 0.01
    assert mean["y"] == pytest.approx(0.3 * 0.5 + 0.4 * 0.4)    # b E[X] + w (E[X] E[Z] + C)
    values = population_values(pop).set_index(["lhs", "op", "rhs"])
    sd = np.sqrt(np.diag(cov))
    names = list(cov.index)
    assert values.loc[("y", "~", "X:Z"), "est"] == 0.4
    sd_y = sd[names.index("y")]
    assert values.loc[("y", "~", "X:Z"), "std_all"] == pytest.approx(0.4 * 1 * 1 / sd_y)


def test_population_moments_refuse_a_three_way_term():
    pop = ("y ~ 0.3*x + 0.2*x:z:w; x ~~ 1*x; z ~~ 1*z; w ~~ 1*w; x ~~ 0*z; x ~~ 0*w; "
           "z ~~ 0*w; y ~~ 1*y")
    with pytest.raises(NotImplementedError, match="interaction term 'x:z:w'"):
        population_moments(pop)
