"""The speed paths of a PLS fit give exactly what the general paths give (round-3 speed work)."""
import numpy as np
import pandas as pd

from relqual.data import _numeric_column, _numeric_values
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
