"""Bad input gets a clear error (or a loud warning) naming what is wrong; data are never modified."""

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from conftest import HS_MODEL


def test_unknown_variable_names_it_the_line_and_a_suggestion(hs):
    with pytest.raises(rq.DataError) as info:
        rq.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x66", hs)
    message = str(info.value)
    assert "'x66'" in message and "line 2" in message and "'x6'" in message


def test_non_numeric_column_names_column_and_row(hs):
    data = hs.copy()
    data["x5"] = data["x5"].astype(object)
    data.loc[7, "x5"] = "n/a"
    with pytest.raises(rq.DataError, match=r"column 'x5' is not numeric: row 7 holds 'n/a'"):
        rq.fit(HS_MODEL, data)


def test_column_without_variance(hs):
    data = hs.copy()
    data["x3"] = 2.0
    with pytest.raises(rq.DataError, match="column 'x3' has no variance"):
        rq.fit(HS_MODEL, data)


def test_too_few_rows(hs):
    with pytest.raises(rq.DataError, match="5 complete rows for 9 observed variables"):
        rq.fit(HS_MODEL, hs.head(5))


def test_infinite_value_is_named(hs):
    data = hs.copy()
    data.loc[3, "x2"] = np.inf
    with pytest.raises(rq.DataError, match="column 'x2' has an infinite value in row 3"):
        rq.fit(HS_MODEL, data)


def test_listwise_deletion_says_how_many_rows_and_never_modifies_data(hs):
    data = hs.copy()
    data.loc[[0, 5, 9], "x1"] = np.nan
    data.loc[[5, 20], "x9"] = np.nan
    before = data.copy()
    with pytest.warns(rq.RelqualWarning, match="4 of 301 rows dropped"):
        res = rq.fit(HS_MODEL, data)
    assert res.n_obs == 297
    assert any("x1: 3" in w and "x9: 2" in w for w in res.warnings)
    pd.testing.assert_frame_equal(data, before)


def test_more_parameters_than_moments_is_refused(hs):
    with pytest.raises(rq.ModelSyntaxError, match="df = -1 < 0"):
        rq.fit("f =~ x1 + x2", hs)


def test_latent_without_scale_is_refused(hs):
    with pytest.raises(rq.ModelSyntaxError, match="'visual' has no scale"):
        rq.fit("visual =~ NA*x1 + x2 + x3\ntextual =~ x4 + x5 + x6", hs)


def test_unidentified_model_names_parameters(hs, quiet):
    # two 2-indicator factors forced uncorrelated: each factor is under-identified
    res = rq.fit("f1 =~ x1 + x2\nf2 =~ x4 + x5\nf1 ~~ 0*f2", hs)
    message = " ".join(res.warnings)
    assert "not identified" in message
    assert "f1 =~ x2" in message and "f2 =~ x5" in message
    assert res.estimates()["se"].isna().any()


def test_non_convergence_is_reported(hs):
    with pytest.warns(rq.RelqualWarning, match="did not converge"):
        res = rq.fit(HS_MODEL, hs, control=dict(max_iter=3, gtol=1e-300))   # unreachable
    assert not res.converged
    assert "did not converge" in res.summary()


def heywood_data(n=400, seed=3):
    corr = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]])
    values = np.random.default_rng(seed).multivariate_normal(np.zeros(3), corr, size=n)
    return pd.DataFrame(values, columns=["y1", "y2", "y3"])


def test_negative_variance_is_an_improper_solution():
    with pytest.warns(rq.RelqualWarning, match="negative residual variance of 'y1'"):
        res = rq.fit("f =~ y2 + y1 + y3", heywood_data())
    row = res.estimates().query("lhs == 'y1' and op == '~~' and rhs == 'y1'")
    assert row["est"].iloc[0] < 0
    assert any("Heywood" in w for w in res.warnings)


def test_latent_correlation_beyond_one_is_reported():
    # items correlate more across the two factors (.4) than within them (.3): r(A, B) = 4/3
    corr = np.full((6, 6), 0.4)
    corr[:3, :3] = corr[3:, 3:] = 0.3
    np.fill_diagonal(corr, 1.0)
    values = np.random.default_rng(5).multivariate_normal(np.zeros(6), corr, size=2000)
    data = pd.DataFrame(values, columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    with pytest.warns(rq.RelqualWarning, match="not positive definite"):
        res = rq.fit("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3", data)
    r_ab = res.estimates().query("lhs == 'A' and op == '~~' and rhs == 'B'")["std_all"].iloc[0]
    assert r_ab > 1
    assert any("improper" in w for w in res.warnings)


def test_bad_model_argument_types(hs):
    with pytest.raises(TypeError, match="model must be"):
        rq.fit(42, hs)
    with pytest.raises(ValueError, match="neither model syntax"):
        rq.fit("no_such_model", hs)


def test_unavailable_options_say_so(hs):
    with pytest.raises(NotImplementedError, match="WLSMV"):
        rq.fit(HS_MODEL, hs, estimator="WLSMV")
    with pytest.raises(ValueError, match="unknown estimator"):
        rq.fit(HS_MODEL, hs, estimator="XYZ")
    with pytest.raises(ValueError, match="unknown missing='pairwise'"):
        rq.fit(HS_MODEL, hs, missing="pairwise")
