"""LMS (Klein & Moosbrugger 2000) and the interaction test (issue 14).

References: modsem's published LMS outputs (tests/reference/lms_modsem.json, transcribed from
its documentation; modsem is not installed here) and lavaan 0.6-14 + semTools for the
likelihood-ratio test of product-indicator and observed interactions
(tests/reference/interaction_lrt_reference.R -> interaction_lrt.json).
"""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import relqual as rq
from relqual.engine.lms import LMSLoss
from relqual.syntax import ModelSyntaxError

HERE = Path(__file__).parent / "reference"
MODSEM = json.loads((HERE / "lms_modsem.json").read_text())["cases"]
LRT = json.loads((HERE / "interaction_lrt.json").read_text())["cases"]


def _data(name):
    return pd.read_csv(HERE / f"{name}.csv")


@pytest.fixture(scope="module")
def oneint():
    return _data("oneInt")


@pytest.fixture(scope="module")
def oneint_lms(oneint):
    return rq.fit(MODSEM["oneint_lms"]["model"], oneint)


def _rows(res):
    return res.estimates().set_index(["lhs", "op", "rhs"])


# ------------------------------------------------------------------------------ modsem
def test_lms_is_the_default_for_latent_products_and_matches_modsem_on_oneint(oneint_lms):
    ref = MODSEM["oneint_lms"]
    assert oneint_lms.call["interaction"] == "lms"
    assert oneint_lms.problem.family.name == "LMS" and oneint_lms.converged
    est = _rows(oneint_lms)
    for lhs, op, rhs, value, se in ref["estimates"]:
        assert est.loc[(lhs, op, rhs), "est"] == pytest.approx(value, abs=2e-3), (lhs, op, rhs)
        assert est.loc[(lhs, op, rhs), "se"] == pytest.approx(se, abs=2e-3), (lhs, op, rhs)
    for lhs, op, rhs, value in ref["std_all"]:
        assert est.loc[(lhs, op, rhs), "std_all"] == pytest.approx(value, abs=2e-3)
    fm = oneint_lms.fit_measures()
    assert fm["npar"] == ref["npar"]
    assert fm["logl"] == pytest.approx(ref["logl"], abs=0.05)
    assert fm["aic"] == pytest.approx(ref["aic"], abs=0.1)
    assert fm["bic"] == pytest.approx(ref["bic"], abs=0.1)
    assert fm["baseline_logl"] == pytest.approx(ref["logl_without"], abs=0.05)
    assert fm["interaction_chisq"] == pytest.approx(ref["chisq"], abs=0.1)
    assert oneint_lms.r2()["Y"] == pytest.approx(ref["r2"]["Y"], abs=2e-3)
    assert oneint_lms.warnings == []


def test_lms_with_an_endogenous_factor_in_the_product_matches_modsem_on_tpb():
    ref = MODSEM["tpb_lms"]
    res = rq.fit(ref["model"], _data("TPB"), interaction="lms")
    est = _rows(res)
    for lhs, op, rhs, value, se in ref["estimates"]:
        assert est.loc[(lhs, op, rhs), "est"] == pytest.approx(value, abs=2e-3), rhs
        assert est.loc[(lhs, op, rhs), "se"] == pytest.approx(se, abs=2e-3), rhs
    assert res.fit_measures()["logl"] == pytest.approx(ref["logl"], abs=0.05)


@pytest.mark.parametrize("name", ["oneint_qml", "tpb_qml",
                                  pytest.param("jordan_qml", marks=pytest.mark.slow)])
def test_qml_matches_modsem(name):
    """jordan (N = 6038, five terms, two of them quadratic) takes about a minute."""
    ref = MODSEM[name]
    res = rq.fit(ref["model"], _data(ref["data"]), interaction="qml")
    assert res.call["interaction"] == "qml" and res.converged and res.warnings == []
    assert res.fit_measures()["logl"] == pytest.approx(ref["logl"], abs=0.05)
    est = _rows(res)
    for lhs, op, rhs, value, se in ref["estimates"]:
        assert est.loc[(lhs, op, rhs), "est"] == pytest.approx(value, abs=2e-3), rhs
        if se is not None:
            assert est.loc[(lhs, op, rhs), "se"] == pytest.approx(se, abs=2e-3), rhs
    for lhs, op, rhs, value in ref.get("std_all", []):
        assert est.loc[(lhs, op, rhs), "std_all"] == pytest.approx(value, abs=2e-3)
    test = res.interaction_test().iloc[0]
    assert test["method"] == "qml" and test["logl"] == pytest.approx(ref["logl"], abs=0.05)
    assert test["df"] == len([r for r in ref["estimates"] if ":" in r[2]])
    assert test["chisq"] == pytest.approx(2 * (test["logl"] - test["logl_without"]))


def test_96_nodes_give_the_log_likelihood_to_1e3(oneint_lms):
    """The closing note's numbers: more nodes change the log-likelihood by less than 1e-3;
    64 nodes are not enough."""
    model, rows = oneint_lms.problem.models[0], oneint_lms.problem.data.arrays[0]
    x = oneint_lms.x
    logl = {k: float(LMSLoss(model, rows, k).loglik_rows(x).sum()) for k in (64, 96, 160, 256)}
    assert abs(logl[96] - logl[256]) < 1e-3 and abs(logl[160] - logl[256]) < 1e-3
    assert abs(logl[64] - logl[256]) > 1e-3
    assert oneint_lms.problem.loss.nodes == 96


def test_gradient_is_the_derivative_of_the_loss(oneint_lms):
    loss = oneint_lms.problem.loss
    x = oneint_lms.x + 0.01 * np.sin(np.arange(len(oneint_lms.x)))
    _, grad = loss.value_and_gradient(x)
    h = 1e-6
    for j in (0, 6, 17, 20, 30):
        e = np.zeros(len(x))
        e[j] = h
        numeric = (loss.value(x + e) - loss.value(x - e)) / (2 * h)
        assert grad[j] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_standard_errors_are_the_inverse_observed_information(oneint_lms):
    loss = oneint_lms.problem.loss
    hessian = loss.observed_hessian(oneint_lms.x, step=1e-4, central=True)[2]
    se = np.sqrt(np.diag(np.linalg.inv(hessian * loss.n_total)))
    np.testing.assert_allclose(np.sqrt(np.diag(oneint_lms.vcov_matrix)), se, rtol=1e-3)
    assert oneint_lms.estimate.inference.kind == "observed"


# ------------------------------------------------------------------------------ probing
def test_simple_slopes_and_johnson_neyman_work_on_lms(oneint_lms):
    est = _rows(oneint_lms)
    b, bxz = est.loc[("Y", "~", "X"), "est"], est.loc[("Y", "~", "X:Z"), "est"]
    sd_z = np.sqrt(est.loc[("Z", "~~", "Z"), "est"])
    slopes = oneint_lms.simple_slopes("X", moderator="Z")
    assert slopes["moderator_value"].tolist() == pytest.approx([-sd_z, 0, sd_z], abs=1e-8)
    assert slopes["est"].tolist() == pytest.approx([b - bxz * sd_z, b, b + bxz * sd_z])
    free = oneint_lms.partable.col["free"]
    k = [free[oneint_lms.partable.col["rhs"] == r][0] - 1 for r in ("X", "X:Z")]
    v = oneint_lms.vcov_matrix[np.ix_(k, k)]
    w = slopes["moderator_value"].to_numpy()
    np.testing.assert_allclose(slopes["se"], np.sqrt(v[0, 0] + 2 * w * v[0, 1]
                                                     + w ** 2 * v[1, 1]))
    jn = oneint_lms.johnson_neyman("X", "Z")
    at = oneint_lms.simple_slopes("X", moderator="Z", at=[jn["lower"], jn["upper"]])
    np.testing.assert_allclose(np.abs(at["z"]), stats.norm.ppf(.975), rtol=1e-8)
    assert jn["significant"] == "outside"


# ------------------------------------------------------------------------------ interaction test
@pytest.mark.parametrize("name", sorted(LRT))
def test_interaction_test_matches_lavaan(oneint, name):
    ref = LRT[name]
    kwargs = {} if ref["method"] == "product" else dict(interaction=ref["method"])
    out = rq.fit(ref["model"], oneint, **kwargs).interaction_test().iloc[0]
    assert out["method"] == ref["method"] and out["df"] == ref["df"]
    for key in ("logl", "logl_without", "chisq"):
        assert out[key] == pytest.approx(ref[key], abs=1e-4), key
    for key in ("r2", "r2_without", "est", "std_est"):
        assert out[key] == pytest.approx(ref[key], abs=1e-6), key
    assert out["pvalue"] == pytest.approx(ref["pvalue"], rel=1e-4)


def test_interaction_test_of_lms_is_against_the_linear_model(oneint, oneint_lms):
    out = oneint_lms.interaction_test().iloc[0]
    ref = MODSEM["oneint_lms"]
    assert (out["outcome"], out["term"], out["method"], out["df"]) == ("Y", "X:Z", "lms", 1)
    assert out["logl_without"] == pytest.approx(ref["logl_without"], abs=0.05)
    assert out["chisq"] == pytest.approx(ref["chisq"], abs=0.1)
    linear = rq.fit("X =~ x1 + x2 + x3; Z =~ z1 + z2 + z3; Y =~ y1 + y2 + y3; Y ~ X + Z",
                    oneint, meanstructure=True)
    assert out["logl_without"] == pytest.approx(linear.fit_measures()["logl"], abs=1e-6)
    assert out["r2_without"] == pytest.approx(linear.r2()["Y"], abs=1e-8)
    assert out["r2"] == pytest.approx(ref["r2"]["Y"], abs=2e-3)
    assert out["std_est"] == pytest.approx(0.459, abs=2e-3)


# ------------------------------------------------------------------------------ recovery

def _population(factors: str, structure: str) -> str:
    """A population model: three indicators per factor (loadings 1, .8, .7, residual variances
    .4; factor ``X`` measured by ``x1 x2 x3``), then ``structure``."""
    indicators = [(f, f.lower() + str(k), w) for f in factors for k, w in ((1, 1), (2, 0.8),
                                                                          (3, 0.7))]
    loadings = [f"{f} =~ " + " + ".join(f"{w}*{i}" for g, i, w in indicators if g == f)
                for f in factors]
    residuals = [f"{i} ~~ 0.4*{i}" for _, i, _ in indicators]
    return "\n".join(loadings + [structure] + residuals)


POPULATION = _population("XZY", """X ~~ 1*X
Z ~~ 1*Z
X ~~ 0.3*Z
Y ~ 0.4*X + 0.3*Z + 0.25*X:Z
Y ~~ 0.6*Y""")


def test_lms_recovers_a_simulated_latent_interaction():
    data = rq.simulate(POPULATION, 5000, seed=1)
    res = rq.fit("X =~ x1 + x2 + x3; Z =~ z1 + z2 + z3; Y =~ y1 + y2 + y3; Y ~ X + Z + X:Z",
                 data)
    est = _rows(res)
    assert est.loc[("Y", "~", "X:Z"), "est"] == pytest.approx(0.25, abs=0.03)
    assert est.loc[("Y", "~", "X"), "est"] == pytest.approx(0.4, abs=0.03)
    assert est.loc[("X", "~~", "Z"), "est"] == pytest.approx(0.3, abs=0.05)   # SE .016; the
    # sample covariance of x1 and z1 in this draw is .271


def test_simulated_interaction_moves_the_outcome_as_written():
    """E[y1] = 0.25 Cov(X, Z) and Cov(y1, x1 z1) = 0.25 (Var X Var Z + Cov^2) in the
    population; a large draw shows both."""
    data = rq.simulate(POPULATION, 200_000, seed=2)
    assert data["y1"].mean() == pytest.approx(0.25 * 0.3, abs=0.01)
    xz = data["x1"] * data["z1"]
    assert np.cov(data["y1"], xz)[0, 1] == pytest.approx(0.25 * (1 + 0.09), abs=0.02)


def test_population_interaction_must_be_fixed():
    with pytest.raises(ValueError, match="leaves the interaction 'Y ~ X:Z' free"):
        rq.simulate(POPULATION.replace("0.25*X:Z", "X:Z"), 10, seed=1)


# ------------------------------------------------------------------ choices and bad input
MODEL = "X =~ x1 + x2 + x3\nZ =~ z1 + z2 + z3\nY =~ y1 + y2 + y3\nY ~ X + Z + X:Z"


@pytest.mark.parametrize("kwargs, method", [
    (dict(estimator="MLR"), "dblcent"),
    (dict(model=MODEL + "\nW =~ y1\nW ~ Y + Y:X"), "dblcent"),     # Y is not normal
    (dict(interaction_pairs="matched"), "dblcent"),
    (dict(interaction="uca"), "uca"),
])
def test_product_indicators_remain_the_fallback(oneint, kwargs, method):
    kwargs = dict(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(kwargs.pop("model", MODEL), oneint, **kwargs)
    assert res.call["interaction"] == method


@pytest.mark.parametrize("model, kwargs, error, match", [
    (MODEL + "\nW =~ y1\nW ~ Y + Y:X", dict(interaction="lms"), NotImplementedError,
     "interaction term 'Y:X': 'Y' depends on an interaction's outcome"),
    (MODEL.replace("\nY ~", "\nW =~ y1\nV =~ y2\nY ~ W + V + W:V +"), dict(interaction="lms"),
     NotImplementedError, "'W:V', 'X:Z': LMS here integrates over one factor shared by every"),
    (MODEL.replace("X:Z", "X:x1"), dict(interaction="lms"), NotImplementedError,
     "interaction term 'X:x1': 'x1' is not a latent variable"),
    (MODEL.replace("X:Z", "0.5*X:Z"), dict(interaction="lms"), NotImplementedError,
     "interaction term 'X:Z': a fixed coefficient"),
    (MODEL, dict(interaction="lms", interaction_pairs="matched"), ValueError,
     "interaction_pairs='matched' chooses product indicators"),
    (MODEL, dict(interaction="lms", missing="fiml"), NotImplementedError,
     "missing='fiml' is not available with LMS"),
    (MODEL.replace("X:Z", "X:Q"), {}, ModelSyntaxError,
     "'X:Q': 'Q' is neither a latent variable"),
])
def test_bad_lms_input_names_the_term(oneint, model, kwargs, error, match):
    with pytest.raises(error, match=match):
        rq.fit(model, oneint, **kwargs)


def test_non_numeric_indicator_of_a_moderator_names_the_term(oneint):
    data = oneint.assign(z2=["low", "high"] * 1000)
    with pytest.raises(rq.DataError, match="interaction term 'X:Z': column 'z2' is not numeric"):
        rq.fit(MODEL, data)


def test_refits_and_linear_only_tables_are_refused_clearly(oneint_lms):
    with pytest.raises(NotImplementedError, match="not available for LMS fits"):
        oneint_lms.bootstrap(10, seed=1)
    with pytest.raises(NotImplementedError, match="modification indices assume a linear model"):
        oneint_lms.modindices()


def test_an_lms_fit_displays_without_a_chi_square(oneint_lms):
    assert "logL=-17493.57" in repr(oneint_lms)
    assert "logL = -17493.57" in oneint_lms._repr_html_()
    text = oneint_lms.summary()
    assert "LMS: no chi-square test" in text and "Y ~ X:Z" not in text
    assert "X:Z" in text and "LR chi-square = 676.6" in text
    assert np.isnan(oneint_lms.fit_measures()["chisq"])
    effects = oneint_lms.effects()
    assert effects["from"].tolist() == ["X", "Z"]          # the linear paths, at Z = X = 0


def test_plots_read_an_lms_fit(oneint_lms):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ax = oneint_lms.plot_interaction()
    assert len(ax.get_lines()) == 3
    ax = oneint_lms.plot_johnson_neyman()
    assert ax.get_xlabel() == "Z"
    plt.close("all")


QUADRATIC = _population("XY", """X ~~ 1*X
Y ~ 0.4*X + 0.2*X:X
Y ~~ 0.6*Y""")


def test_lms_recovers_a_simulated_quadratic_term():
    data = rq.simulate(QUADRATIC, 5000, seed=1)
    res = rq.fit("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X + X:X", data)
    assert res.call["interaction"] == "lms" and res.converged
    est = _rows(res)
    assert est.loc[("Y", "~", "X:X"), "est"] == pytest.approx(0.2, abs=0.03)
    assert est.loc[("Y", "~", "X"), "est"] == pytest.approx(0.4, abs=0.03)
    slopes = res.simple_slopes("X", moderator="X", at=[-1.0, 1.0])
    b, b2 = est.loc[("Y", "~", "X"), "est"], est.loc[("Y", "~", "X:X"), "est"]
    assert slopes["est"].tolist() == pytest.approx([b - 2 * b2, b + 2 * b2])


MEDIATION = _population("XWMY", """X ~~ 1*X
W ~~ 1*W
X ~~ 0.2*W
M ~ 0.4*X + 0.2*W + 0.2*X:W
M ~~ 0.6*M
Y ~ 0.5*M + 0.1*X
Y ~~ 0.6*Y""")


def test_first_stage_moderated_mediation_with_a_defined_conditional_indirect_effect():
    data = rq.simulate(MEDIATION, 2000, seed=3)
    res = rq.fit("X =~ x1 + x2 + x3\nW =~ w1 + w2 + w3\nM =~ m1 + m2 + m3\nY =~ y1 + y2 + y3\n"
                 "M ~ a*X + W + aw*X:W\nY ~ b*M + X\nind_high := (a + aw) * b", data)
    assert res.call["interaction"] == "lms" and res.warnings == []
    est = res.estimates()
    values = dict(zip(est["label"], est["est"]))
    assert values["aw"] == pytest.approx(0.2, abs=0.06)
    assert values["ind_high"] == pytest.approx((values["a"] + values["aw"]) * values["b"])
    row = est[est["lhs"] == "ind_high"].iloc[0]
    assert row["se"] > 0 and np.isfinite(row["std_all"])
    with pytest.raises(NotImplementedError, match="equality constraint on an interaction"):
        rq.fit("X =~ x1 + x2 + x3\nW =~ w1 + w2 + w3\nM =~ m1 + m2 + m3\n"
               "M ~ a*X + W + aw*X:W\naw == a", data)
