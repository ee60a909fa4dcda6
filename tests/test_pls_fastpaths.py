"""The speed paths of a PLS fit give exactly what the general paths give (round-3 and round-5
speed work)."""
import numpy as np
import pandas as pd
import pytest

from relqual.data import DataError, _numeric_column, _numeric_values
from relqual.engine.spd import smallest_eigenvalue_above
from relqual.pls import fit_pls, standardize
from relqual.plsfit import parameter_vector, pls_model


def _column_by_column(data, variables):
    return np.stack([_numeric_column(data, v) for v in variables]).T.copy()


def test_whole_frame_conversion_matches_column_by_column():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"b": rng.integers(1, 8, 30), "a": rng.normal(size=30),
                         "c": rng.normal(size=30).astype(np.float32)})
    data.loc[4, "a"] = np.nan
    for variables in (["a", "b", "c"], ["c", "a"], ["b"]):
        fast = _numeric_values(data, variables)
        assert fast.flags.c_contiguous and fast.flags.owndata
        np.testing.assert_array_equal(fast, _column_by_column(data, variables))
    fast = _numeric_values(data, ["a"])
    fast[0, 0] = 99.0                      # a copy: the user's data are never touched
    assert data.loc[0, "a"] != 99.0


def test_mixed_or_wide_frames_take_the_column_path():
    rng = np.random.default_rng(4)
    data = pd.DataFrame({"a": rng.normal(size=10), "b": pd.array(range(10), dtype="Int64"),
                         "g": list("xyxyxyxyxy")})
    np.testing.assert_array_equal(_numeric_values(data, ["a", "b"]),
                                  _column_by_column(data, ["a", "b"]))


def test_parameter_vector_follows_the_parameter_table():
    rng = np.random.default_rng(5)
    f = rng.normal(size=(120, 1))
    X = np.hstack([f + rng.normal(size=(120, 3)), 0.6 * f + rng.normal(size=(120, 2))])
    model, table = pls_model("F =~ a1 + a2 + a3; G <~ b1 + b2; G ~ F")
    fit = fit_pls(standardize(X), model)
    x = parameter_vector(table, model, fit)
    col = table.col
    for k in np.flatnonzero(col["free"] > 0):
        lhs, op, rhs = col["lhs"][k], col["op"][k], col["rhs"][k]
        c = model.constructs.index
        expected = (fit.paths[c(rhs), c(lhs)] if op == "~" else
                    (fit.loadings if op == "=~" else fit.weights)[model.indicators.index(rhs),
                                                                  c(lhs)])
        assert x[col["free"][k] - 1] == expected


def test_nullable_bool_category_and_sparse_frames_convert_as_column_by_column():
    frames = [pd.DataFrame({"a": pd.array([1.5, None, 3], dtype="Float64"),
                            "b": pd.array([1.0, 2, 3], dtype="Float64")}),
              pd.DataFrame({"a": pd.array([1, 2, 3], dtype="Int64"),
                            "b": pd.array([4, None, 6], dtype="Int64")}),
              pd.DataFrame({"a": pd.Categorical([1, 2, 1]), "b": [1.0, 2, 3]}),
              pd.DataFrame({"a": pd.arrays.SparseArray([0.0, 1, 0]), "b": [1.0, 2, 3]}),
              pd.DataFrame({"a": np.float32([0.1, 2, 3]), "b": np.uint8([1, 2, 3])})]
    for data in frames:
        np.testing.assert_array_equal(_numeric_values(data, ["a", "b"]),
                                      _column_by_column(data, ["a", "b"]))
    with pytest.raises(DataError, match="column 'b' is boolean"):
        _numeric_values(pd.DataFrame({"a": [1, 2, 3], "b": [True, False, True]}), ["a", "b"])


def test_the_cholesky_screen_never_passes_a_matrix_the_eigenvalues_refuse():
    """``smallest_eigenvalue_above`` is a sufficient condition: True only when the smallest
    eigenvalue exceeds the bound (near-singular matrices fall through to the eigenvalues)."""
    rng = np.random.default_rng(11)
    seen = set()
    for _ in range(300):
        X = rng.normal(size=(40, 6))
        X[:, 5] = X[:, :5] @ rng.normal(size=5) + 10.0 ** -rng.uniform(0, 9) * X[:, 5]
        corr = np.corrcoef(X, rowvar=False)
        smallest = np.linalg.eigvalsh(corr).min()
        for bound in (1e-10, 1e-6, 1e-3):
            passed = smallest_eigenvalue_above(corr, bound)
            assert not passed or smallest > bound
            seen.add(passed)
    assert seen == {True, False}


def test_the_path_solver_matches_numpy():
    model, _ = pls_model("A =~ a1 + a2; B =~ b1 + b2; C =~ c1 + c2; D =~ d1 + d2; "
                         "C ~ A + B; D ~ A + B + C")
    rng = np.random.default_rng(2)
    R = np.corrcoef(rng.normal(size=(50, 4)) + rng.normal(size=(50, 1)), rowvar=False)
    predictor, outcome, same = model.regressions
    system = np.where(same, R[np.ix_(predictor, predictor)], 0.0)
    expected = np.linalg.solve(system, R[predictor, outcome])
    np.testing.assert_allclose(model.path_coefficients(R), expected, rtol=0, atol=1e-14)
    B = model.regress(R)
    assert B[0, 3] == model.path_coefficients(R)[2] and B[3, 0] == 0.0
