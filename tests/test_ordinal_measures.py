"""Measurement checks of WLSMV fits against semTools 0.5-6 (tests/reference/ordinal.json, made by
tests/reference/ordinal_reference.R): HTMT and HTMT2 on the polychoric correlations, as
``semTools::htmt(..., ordered = ...)`` computes them (within 1e-6: lavaan's polychoric
optimizer stops about 1e-8 from the optimum)."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import ROOT, assert_ebm_scores_match

REF = json.loads((ROOT / "tests" / "reference" / "ordinal.json").read_text())


@pytest.mark.parametrize("name", list(REF["htmt"]))
def test_htmt_on_polychoric_correlations_matches_semtools(name):
    ref = REF["htmt"][name]
    group = ref.get("group")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(ref["model"], pd.read_csv(ROOT / ref["data"]), ordered=ref["ordered"],
                     group=group)
    g = None if group is None else ref["group_label"]
    for kind in ("htmt2", "htmt"):
        if kind not in ref:
            continue
        theirs = pd.DataFrame(ref[kind]["data"], index=ref[kind]["names"],
                              columns=ref[kind]["names"])
        ours = res.htmt(matrix=True, kind=kind, group=g)
        if group is not None:
            ours = ours.drop(columns="group", errors="ignore")
        ours = ours.loc[theirs.index, theirs.columns].astype(float)
        assert np.allclose(ours.to_numpy(), theirs.to_numpy(), atol=1e-6), kind
    pairs = res.htmt(group=g)
    assert {"htmt", "htmt2", "above_85", "above_90"} <= set(pairs.columns)


@pytest.mark.parametrize("name", list(REF["reliability"]))
def test_categorical_omega_and_ordinal_alpha_match_semtools(name):
    """omega / omega_model: Green & Yang's categorical omega (compRelSEM, obs.var TRUE/FALSE);
    alpha: ordinal alpha (tau.eq = TRUE, ord.scale = FALSE); ave: semTools AVE (one group)."""
    ref = REF["reliability"][name]
    group = ref.get("group")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(ref["model"], pd.read_csv(ROOT / ref["data"]), ordered=ref["ordered"],
                     group=group, group_equal=ref.get("group_equal", []))
    table = res.reliability()
    labels = [None] if group is None else list(res.group_labels)
    compared = 0
    for label in labels:
        rows = table if label is None else table[table["group"] == label]
        for key in ("omega", "omega_model", "alpha", "ave"):
            theirs = ref.get(key)
            if theirs is None:
                continue
            theirs = theirs if label is None else theirs[label]
            for row in rows.itertuples():
                assert getattr(row, key) == pytest.approx(theirs[row.factor], abs=1e-6), key
                compared += 1
    assert compared >= 9


@pytest.mark.parametrize("name", list(REF["ebm"]))
def test_ebm_factor_scores_match_lavaan(name):
    """EBM scores (lavPredict's default for categorical data) of every fitted row: 90% of the
    rows within 1e-4 and all within 1e-3 (lavaan's BFGS with a numerical gradient stops about
    1e-4 from the mode; relqual solves each pattern by Newton's method to 1e-10, and where the
    two differ more, relqual's score has the higher posterior). In a group
    whose latent means are not 0 lavaan 0.6-14 subtracts the implied means twice, so there the
    check is that the mean score is close to the model's latent means instead."""
    ref = REF["ebm"][name]
    group = ref.get("group")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(ref["model"], pd.read_csv(ROOT / ref["data"]), ordered=ref["ordered"],
                     group=group, group_equal=ref.get("group_equal", []),
                     parameterization=ref.get("parameterization", "delta"))
    scores = res.factor_scores()
    names = ref["scores"]["names"]
    theirs = np.array(ref["scores"]["data"], float)
    ours = scores[names].to_numpy()
    if group is not None:
        first = (scores["group"] == res.group_labels[0]).to_numpy()
        later = scores[~first].groupby("group")[names].mean().iloc[0]
        alpha = pd.Series(ref["alpha_group2"])[names]
        assert np.allclose(later, alpha, atol=0.01)
        ours = ours[first]
    # 90% within 1e-4, all within 1e-3; where they differ more, relqual's has the higher posterior
    assert_ebm_scores_match(res, ours, theirs)


def test_ebm_scores_of_new_rows_and_bad_method():
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford_ordinal.csv")
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6"
    res = rq.fit(model, data, ordered=True)
    all_rows = res.factor_scores()
    new = res.factor_scores(method="ebm", data=data.iloc[[3, 7]])
    assert list(new.index) == [3, 7]
    assert np.allclose(new.to_numpy(), all_rows.iloc[[3, 7]].to_numpy())
    odd = data.iloc[[0]].assign(x1=9)                 # a category the fit never saw
    assert res.factor_scores(data=odd).isna().all(axis=None)
    with pytest.raises(ValueError, match="EBM scores"):
        res.factor_scores(method="bartlett")
