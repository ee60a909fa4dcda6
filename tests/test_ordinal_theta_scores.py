"""EBM factor scores after ``parameterization="theta"`` (tests/reference/ordinal_theta_scores.json,
made by tests/reference/ordinal_theta_scores_reference.R with lavaan 0.6-14's lavPredict).

The theta and delta parameterizations are the same model on two scales of the latent
responses, so the posterior mode of eta moves with the scale of the factors only: the theta
fit's EBM scores are the delta fit's times sqrt(psi_theta / psi_delta), factor by factor. relqual
keeps that (within the two optimizers' precision). lavaan 0.6-14 does not: its
``lav_predict_eta_ebm_ml`` multiplies the thresholds and the linear predictor by the scaling
factors Delta (``computeTH``, ``computeEYetax``) but divides by the unscaled residual SD
sqrt(theta), so its theta scores are those of P(y <= c | eta) = Phi(Delta (tau - nu - lambda eta)
/ sqrt(theta)). The tests show both: relqual's EBM routine given lavaan's Delta-scaled inputs
reproduces lavaan's numbers (within lavaan's BFGS precision, as tests/test_ordinal_measures.py),
and lavaan's theta scores are not its own delta scores rescaled, while relqual's are.
"""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.ordinal_scores import ebm_scores
from relqual.scores import ebm_parts

from conftest import ROOT

REF = json.loads((ROOT / "tests" / "reference" / "ordinal_theta_scores.json").read_text())
SETS = REF["ebm"]


def fit(name: str, parameterization: str):
    s = SETS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                  # the listwise-deletion note
        return rq.fit(s["model"], pd.read_csv(ROOT / s["data"]), ordered=s["ordered"],
                      group=s["group"] or None, group_equal=s["group_equal"] or [],
                      parameterization=parameterization)


@pytest.fixture(scope="module", params=sorted(SETS))
def pair(request):
    name = request.param
    return name, fit(name, "theta"), fit(name, "delta")


def group_rows(scores, res, g):
    if res.partable.ngroups == 1:
        return scores
    return scores[scores["group"] == res.group_labels[g]]


def test_theta_scores_are_the_delta_scores_on_the_theta_scale(pair):
    name, theta, delta = pair
    assert theta.partable.options["parameterization"] == "theta"
    names = SETS[name]["scores"][0]["names"]
    ft, fd = theta.factor_scores(), delta.factor_scores()
    assert len(ft) == len(fd) == theta.n_obs and not ft[names].isna().any(axis=None)
    for g in range(theta.partable.ngroups):
        ratio = np.sqrt(np.diag(ebm_parts(theta, g)["Psi"]) / np.diag(ebm_parts(delta, g)["Psi"]))
        ours = group_rows(ft, theta, g)[names].to_numpy()
        rescaled = group_rows(fd, delta, g)[names].to_numpy() * ratio
        assert np.abs(ours - rescaled).max() < 1e-4
        assert np.abs(ratio - 1).max() > 0.05                  # the scales do differ


def lavaan_inputs(res, g: int) -> dict:
    """lavaan 0.6-14's EBM inputs after a theta fit: thresholds, intercepts and loadings times
    Delta, residual variances as they are."""
    parts = ebm_parts(res, g)
    d = res.models[g].scales(res.x)
    return dict(parts, tau=[t * d[i] for i, t in enumerate(parts["tau"])], nu=parts["nu"] * d,
                Lambda=parts["Lambda"] * d[:, None])


def test_lavaans_theta_scores_are_reproduced_from_its_delta_scaled_formula(pair):
    """Group 1 (latent means 0; in later groups lavaan also subtracts the latent means twice,
    see tests/test_ordinal_measures.py): 90% of the rows within 1e-4, all within 1e-3."""
    name, theta, _ = pair
    y = theta.prepared.arrays[0]
    levels = theta.problem.ordinal["levels"]
    codes = np.column_stack([np.searchsorted(levels[v], y[:, k])
                             for k, v in enumerate(theta.partable.roles.ov)])
    theirs = np.array(SETS[name]["scores"][0]["data"], float)
    replayed = ebm_scores(codes, **lavaan_inputs(theta, 0))
    diff = np.abs(replayed - theirs).max(axis=1)
    assert np.mean(diff < 1e-4) >= 0.9 and diff.max() < 1e-3
    ours = group_rows(theta.factor_scores(), theta, 0)[SETS[name]["scores"][0]["names"]]
    assert np.abs(ours.to_numpy() - theirs).max() > 0.1       # relqual's differ: see above


def test_lavaans_theta_scores_are_not_its_delta_scores_rescaled():
    """lavaan's own delta EBM scores (tests/reference/ordinal.json) rescaled to the theta
    scale differ from its theta scores by far more than its optimizer's precision (1e-3 on the
    delta scale, times the scale ratio, up to 1.8 here), while they agree with relqual's."""
    delta_ref = json.loads((ROOT / "tests" / "reference" / "ordinal.json").read_text())
    lavaan_delta = np.array(delta_ref["ebm"]["hs"]["scores"]["data"], float)
    lavaan_theta = np.array(SETS["hs_theta"]["scores"][0]["data"], float)
    theta, delta = fit("hs_theta", "theta"), fit("hs_theta", "delta")
    ratio = np.sqrt(np.diag(ebm_parts(theta, 0)["Psi"]) / np.diag(ebm_parts(delta, 0)["Psi"]))
    assert np.abs(lavaan_delta * ratio - theta.factor_scores().to_numpy()).max() < 2e-3
    assert np.abs(lavaan_delta * ratio - lavaan_theta).max() > 0.1


def test_theta_scores_of_new_rows():
    theta = fit("hs_theta", "theta")
    data = pd.read_csv(ROOT / SETS["hs_theta"]["data"])
    new = theta.factor_scores(data=data.iloc[[3, 7]])
    assert np.allclose(new.to_numpy(), theta.factor_scores().iloc[[3, 7]].to_numpy())
