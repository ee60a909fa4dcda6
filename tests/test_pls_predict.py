"""PLSpredict and CVPAT (relqual/plspredict.py, ``Result.predict``) against seminr 0.2.1 with
replayed folds (tests/reference/pls_predict_mga.json, made by pls_predict_mga_reference.py),
against hand-computed cases (a single-item model whose PLS prediction is OLS, the CVPAT t-test
as a paired t-test), and on bad input. All reference numbers within 1e-6."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import relqual as rq
from relqual.plspredict import cvpat_test, fold_assignments

from conftest import REFERENCE

REF = json.loads((REFERENCE / "pls_predict_mga.json").read_text())
TOL = 1e-6


def quiet_fit(model, data, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(model, data, **options)


def case_fit(case):
    source = case["data"]["file"]
    data = (rq.datasets.load("relationship_quality") if source == "relationship_quality"
            else pd.read_csv(REFERENCE / source))
    return quiet_fit(case["model"], data, estimator="PLS", scheme=case["scheme"])


@pytest.fixture(scope="module", params=list(REF["predict"]))
def replayed(request):
    case = REF["predict"][request.param]
    res = case_fit(case)
    return case, res, res.predict(folds=np.array(case["folds"]), technique=case["technique"])


def test_replayed_folds_indicators(replayed):
    case, res, pred = replayed
    assert pred.folds.shape == (case["repeats"], case["data"]["n"])
    ours = pred.indicators.set_index("indicator")
    for row in case["results"]["indicators"]:
        for key in ("q2_predict", "pls_rmse", "pls_mae", "lm_q2_predict", "lm_rmse", "lm_mae"):
            assert ours.loc[row["indicator"], key] == pytest.approx(row[key], abs=TOL), (row, key)
        assert ours.loc[row["indicator"], "construct"] == row["construct"]


def test_replayed_folds_constructs(replayed):
    case, res, pred = replayed
    ours = pred.constructs.set_index("construct")
    for row in case["results"]["constructs"]:
        for key in ("q2_predict", "rmse", "mae"):
            assert ours.loc[row["construct"], key] == pytest.approx(row[key], abs=TOL)


def test_replayed_folds_cvpat(replayed):
    case, res, pred = replayed
    ours = pred.cvpat.set_index(["construct", "benchmark"])
    assert len(ours) == len(case["results"]["cvpat"])
    for row in case["results"]["cvpat"]:
        got = ours.loc[(row["construct"], row["benchmark"])]
        for key in ("loss_pls", "loss_benchmark", "difference", "t", "p_value", "p_one_sided"):
            assert got[key] == pytest.approx(row[key], abs=TOL), (row, key)
        assert got["df"] == row["df"]


def test_each_repetition_matches_seminr_own_metrics(replayed):
    """One repetition replayed alone: seminr's own item RMSE/MAE and construct OOS MSE/MAE."""
    case, res, _ = replayed
    for folds, seminr in zip(case["folds"], case["per_repeat_seminr"]):
        pred = res.predict(folds=folds, technique=case["technique"])
        items = pred.indicators.set_index("indicator")
        for row in seminr["indicators"]:
            for key in ("pls_rmse", "pls_mae", "lm_rmse", "lm_mae"):
                assert items.loc[row["indicator"], key] == pytest.approx(row[key], abs=TOL)
        constructs = pred.constructs.set_index("construct")
        for row in seminr["constructs"]:
            assert constructs.loc[row["construct"], "rmse"] ** 2 == pytest.approx(row["oos_mse"],
                                                                                  abs=TOL)
            assert constructs.loc[row["construct"], "mae"] == pytest.approx(row["oos_mae"],
                                                                            abs=TOL)


def test_prediction_head(replayed):
    case, res, pred = replayed
    head = case["predictions_head"]
    np.testing.assert_allclose(pred.predictions["pls"][head["colnames"]].to_numpy()[:5],
                               head["pls"], atol=TOL)
    np.testing.assert_allclose(pred.predictions["lm"][head["colnames"]].to_numpy()[:5],
                               head["lm"], atol=TOL)


# ----------------------------------------------------------------------------- hand-computed

def single_item_data(n=12):
    rng = np.random.default_rng(3)
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "y": 0.6 * x + rng.normal(size=n)})


def test_single_item_model_is_ols_leave_one_out():
    """x -> y with single items: the PLS prediction is the OLS prediction (weights and loadings
    1, path = cor(x, y)), so PLS and LM agree and both equal leave-one-out OLS by hand."""
    data = single_item_data()
    res = quiet_fit("y ~ x", data, estimator="PLS")
    pred = res.predict(folds=len(data), repeats=1, seed=0)
    x, y = data["x"].to_numpy(), data["y"].to_numpy()
    loo, train_mean = np.empty_like(y), np.empty_like(y)
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        slope, intercept = np.polyfit(x[keep], y[keep], 1)
        loo[i], train_mean[i] = intercept + slope * x[i], y[keep].mean()
    row = pred.indicators.iloc[0]
    assert row["pls_rmse"] == pytest.approx(np.sqrt(np.mean((y - loo) ** 2)), abs=1e-10)
    assert row["pls_mae"] == pytest.approx(np.mean(np.abs(y - loo)), abs=1e-10)
    assert row["q2_predict"] == pytest.approx(1 - ((y - loo) ** 2).sum()
                                              / ((y - train_mean) ** 2).sum(), abs=1e-10)
    assert row["lm_rmse"] == pytest.approx(row["pls_rmse"], abs=1e-10)
    lm = pred.cvpat.set_index(["construct", "benchmark"]).loc[("y", "LM")]
    assert lm["difference"] == pytest.approx(0, abs=1e-12)
    ia = pred.cvpat.set_index(["construct", "benchmark"]).loc[("y", "IA")]
    loss_pls, loss_ia = (y - loo) ** 2, (y - train_mean) ** 2
    ttest = stats.ttest_rel(loss_ia, loss_pls)
    assert ia["t"] == pytest.approx(ttest.statistic, abs=1e-10)
    assert ia["p_value"] == pytest.approx(ttest.pvalue, abs=1e-10)


def test_cvpat_is_the_paired_t_test():
    rng = np.random.default_rng(5)
    pls, bench = rng.gamma(2, size=40), rng.gamma(2.3, size=40)
    out = cvpat_test(pls, bench)
    two = stats.ttest_rel(bench, pls)
    one = stats.ttest_rel(bench, pls, alternative="greater")
    assert out["t"] == pytest.approx(two.statistic, abs=1e-12)
    assert out["p_value"] == pytest.approx(two.pvalue, abs=1e-12)
    assert out["p_one_sided"] == pytest.approx(one.pvalue, abs=1e-12)
    assert out["difference"] == pytest.approx(pls.mean() - bench.mean(), abs=1e-12)
    assert out["df"] == 39


def test_fold_assignments_balanced_and_seeded():
    a = fold_assignments(537, folds=10, repeats=3, seed=7)
    assert a.shape == (3, 537)
    for row in a:
        sizes = np.bincount(row)
        assert len(sizes) == 10 and sizes.max() - sizes.min() <= 1
    assert (a == fold_assignments(537, folds=10, repeats=3, seed=7)).all()
    assert not (a == fold_assignments(537, folds=10, repeats=3, seed=8)).all()
    assert not (a[0] == a[1]).all()
    assert fold_assignments(4, folds=np.array(["b", "a", "b", "a"])).tolist() == [[1, 0, 1, 0]]


@pytest.fixture(scope="module")
def rq_pls():
    return quiet_fit("relationship_quality", rq.datasets.load("relationship_quality"),
                     estimator="PLS")


def test_seed_reproducible_on_any_number_of_workers(rq_pls):
    one = rq_pls.predict(folds=4, repeats=2, seed=11)
    again = rq_pls.predict(folds=4, repeats=2, seed=11, n_jobs=2)
    pd.testing.assert_frame_equal(one.indicators, again.indicators)
    pd.testing.assert_frame_equal(one.cvpat, again.cvpat)
    assert (one.folds == again.folds).all()
    other = rq_pls.predict(folds=4, repeats=2, seed=12)
    assert not np.allclose(one.indicators["pls_rmse"], other.indicators["pls_rmse"])


def test_tables_and_verdicts(rq_pls):
    pred = rq_pls.predict(folds=5, repeats=1, seed=2)
    assert list(pred.constructs.columns) == ["construct", "q2_predict", "rmse", "mae",
                                             "n_indicators", "pls_better", "predictive_power"]
    assert list(pred.cvpat.columns) == ["construct", "benchmark", "loss_pls", "loss_benchmark",
                                        "difference", "t", "df", "p_value", "p_one_sided"]
    assert set(pred.constructs["predictive_power"]) <= {"high", "medium", "low", "none"}
    assert pred.predictions["pls"].shape == (rq_pls.n_obs, 16)
    direct = rq_pls.predict(folds=5, repeats=1, seed=2, technique="direct")
    assert direct.technique == "direct"
    # CC's direct antecedents predict it better than the exogenous CF alone
    q2 = direct.constructs.set_index("construct")["q2_predict"]
    assert q2["CC"] > pred.constructs.set_index("construct")["q2_predict"]["CC"]


# ----------------------------------------------------------------------------- bad input

def test_folds_larger_than_n(rq_pls):
    with pytest.raises(ValueError, match="folds=600 is more than the 537 rows"):
        rq_pls.predict(folds=600)
    with pytest.raises(ValueError, match="at least 2"):
        rq_pls.predict(folds=1)
    with pytest.raises(ValueError, match="one label per row"):
        rq_pls.predict(folds=[0, 1, 0])
    with pytest.raises(ValueError, match="only one fold"):
        rq_pls.predict(folds=np.zeros(537))
    with pytest.raises(ValueError, match="repeats"):
        rq_pls.predict(folds=5, repeats=0)
    with pytest.raises(ValueError, match="unknown technique"):
        rq_pls.predict(technique="EA")


def test_refused_for_plsc_and_covariance_fits():
    data = rq.datasets.load("relationship_quality")
    plsc = quiet_fit("relationship_quality", data, estimator="PLSc")
    with pytest.raises(NotImplementedError, match="PLSc"):
        plsc.predict(folds=3, repeats=1)
    ml = quiet_fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    with pytest.raises(NotImplementedError):
        ml.predict()


def test_training_rows_too_few_for_the_lm_benchmark():
    mobi = pd.read_csv(REFERENCE / "pls_data" / "mobi.csv").iloc[:30]
    model = REF["predict"]["predict_ecsi"]["model"]
    res = quiet_fit(model, mobi, estimator="PLS")
    with pytest.raises(ValueError, match="too small for the LM benchmark"):
        res.predict(folds=2, repeats=1, seed=1, technique="direct")


def test_constant_indicator_in_a_training_fold():
    data = single_item_data(10)
    data["z"] = [1.0] * 9 + [2.0]            # constant once its one 2 is held out
    res = quiet_fit("y ~ x + z", data, estimator="PLS")
    with pytest.raises(ValueError, match="'z' is constant in the training rows"):
        res.predict(folds=10, repeats=1, seed=0)
