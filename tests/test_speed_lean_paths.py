"""The shortcuts that take non-arithmetic work out of a fit give what the long ways give.

Each shortcut (reading the data's column types once, the BLAS thread limit set directly, a
Cholesky proof before an eigendecomposition, scalar tests in the fit indices, the estimates'
frame built without copies) is checked against the computation it replaces.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

import relqual as rq
from relqual.data import DataError, _numeric_column, _numeric_values, prepare_data
from relqual.engine import fitindices
from relqual.engine.threads import single_blas_thread
from relqual.estimation import _clearly_positive_definite, improper_solution_messages

HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
ITEMS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def hs():
    return rq.datasets.load("holzinger_swineford")


@pytest.fixture(scope="module")
def hs_fit(hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(HS_MODEL, hs)


def _column_by_column(data, variables):
    return np.column_stack([_numeric_column(data, v) for v in variables])


@pytest.mark.parametrize("frame", ["exact", "numeric", "mixed", "wide", "nullable",
                                   "nullable_int", "category"])
def test_numeric_values_equal_the_column_by_column_conversion(hs, frame):
    data = {"exact": hs[ITEMS],                                 # the model's columns only
            "numeric": hs[ITEMS + ["ageyr"]],                   # whole-frame conversion
            "mixed": hs,                                        # a text column among them
            "wide": pd.concat([hs[ITEMS]] * 1, axis=1).assign(  # wider than 2 x variables
                **{f"extra{k}": 1.0 for k in range(20)}),
            "nullable": hs[ITEMS].astype({"x1": "Float64"}),
            "nullable_int": hs[ITEMS].round().astype("Int64"),
            "category": hs[ITEMS].astype({"x5": "category"})}[frame]
    if frame.startswith("nullable"):
        data = data.copy()
        data.loc[3, "x1"] = pd.NA
    values = _numeric_values(data, ITEMS[::-1])
    expected = _column_by_column(data, ITEMS[::-1])
    assert values.flags.c_contiguous and values.dtype == float
    np.testing.assert_array_equal(values, expected)


def test_integer_frame_is_converted_to_float(hs):
    data = hs[ITEMS].round().astype(int)
    values = _numeric_values(data, ["x3", "x1"])
    assert values.dtype == float
    np.testing.assert_array_equal(values, data[["x3", "x1"]].to_numpy(dtype=float))


@pytest.mark.parametrize("column, message", [
    (pd.Series([True, False] * 150 + [True]), "column 'x2' is boolean"),
    (pd.Series(["a"] * 301), "column 'x2' is not numeric"),
])
def test_other_column_types_still_get_their_errors(hs, column, message):
    data = hs[ITEMS].assign(x2=column.to_numpy())
    with pytest.raises(DataError, match=message):
        prepare_data(data, ITEMS)


def test_repeated_column_name_still_named(hs):
    data = pd.concat([hs[ITEMS], hs[["x4"]]], axis=1)
    with pytest.raises(DataError, match="more than one column named 'x4'"):
        prepare_data(data, ITEMS)


def _blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_blas_limit_nests_and_restores():
    before = _blas_threads()
    with single_blas_thread():
        with single_blas_thread():
            assert set(_blas_threads()) == {1}
        assert set(_blas_threads()) == {1}       # the inner block leaves the limit in place
    assert _blas_threads() == before


def test_blas_limit_restored_after_an_error():
    before = _blas_threads()
    with pytest.raises(RuntimeError):
        with single_blas_thread():
            raise RuntimeError("inside")
    assert _blas_threads() == before
    with single_blas_thread():                   # and usable again
        assert set(_blas_threads()) == {1}


def test_cholesky_proof_never_contradicts_the_eigenvalues():
    rng = np.random.default_rng(3)
    for trial in range(300):
        p = int(rng.integers(1, 6))
        base = rng.normal(size=(p, p))
        matrix = base @ base.T
        if trial % 3 == 1:                        # singular, or nearly
            vec = rng.normal(size=p)
            matrix = np.outer(vec, vec) + 10.0 ** rng.integers(-16, -6) * np.eye(p)
        elif trial % 3 == 2:                      # indefinite
            matrix = matrix - rng.uniform(0, 3) * np.trace(matrix) / p * np.eye(p)
        if _clearly_positive_definite(matrix):
            assert np.linalg.eigh(matrix)[0][0] > 0


def test_improper_messages_unchanged_with_given_values(hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("f =~ x4 + x5 + x6; x5 ~~ -0.1*x5", hs)
    given = improper_solution_messages(res.problem, res.x, res.problem.row_values(res.x))
    assert given == improper_solution_messages(res.problem, res.x)
    assert given == ["improper solution: negative residual variance of 'x5' (-0.1), a Heywood "
                     "case", "improper solution: implied correlation between 'x5' and 'f' is "
                     "1.030"]


def test_latent_covariance_not_positive_definite_still_reported(hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("a =~ x1 + x2 + x3; b =~ x4 + x5 + x6; a ~~ 2*b; a ~~ 1*a; b ~~ 1*b",
                     hs)
    messages = improper_solution_messages(res.problem, res.x)
    assert any("covariance matrix of the latent variables is not positive definite" in m
               for m in messages)


@pytest.mark.parametrize("value", [0.0, 1e-8, -1e-8, 1.0000001e-8, 5e-9, -3.0, 2.5, np.nan,
                                   np.inf, -np.inf])
def test_near_zero_is_numpy_isclose(value):
    assert fitindices._near_zero(value) == bool(np.isclose(value, 0))


def test_lower_triangle_is_numpy_tril_and_read_only():
    rows, cols = fitindices._lower_triangle(5)
    expected = np.tril_indices(5)
    np.testing.assert_array_equal(rows, expected[0])
    np.testing.assert_array_equal(cols, expected[1])
    assert not rows.flags.writeable


def test_estimates_frame_is_the_callers_own(hs_fit):
    first = hs_fit.estimates()
    expected = first.copy()
    first.loc[0, "lhs"] = "changed"
    first.loc[0, "est"] = 99.0
    second = hs_fit.estimates()
    pd.testing.assert_frame_equal(second, expected)
    assert isinstance(second.index, pd.RangeIndex) and second.index.equals(first.index)
    assert hs_fit.estimate.values[0] == 1.0


def test_estimate_values_are_the_row_values_read_only(hs_fit):
    values = hs_fit.estimate.values
    np.testing.assert_array_equal(values, hs_fit.problem.row_values(hs_fit.x))
    assert not values.flags.writeable
    assert hs_fit.estimate.values is values              # computed once
