"""Standard errors, defined parameters and the standardized solution.

* Covariance of the estimates: the inverse of the expected information of the log-likelihood,
  ``N/2 * E[d2F]`` (lavaan's default ``information = "expected"`` for complete-data ML).
* Defined parameters (``:=``) and their SEs by the delta method, with a central-difference
  Jacobian (lavaan ``lav_model_vcov_se``; Sobel 1982 for indirect effects).
* Standardized solution (lavaan ``standardizedSolution``; Bollen 1989, p. 349): ``std.lv``
  rescales by the latent variables' model-implied standard deviations; ``std.all`` by those of
  all variables; covariances become correlations of the (residual) terms they connect, i.e.
  they are divided by the square roots of the two variance parameters, as lavaan does. Their SEs use the delta method with a numerical Jacobian.
"""
from __future__ import annotations

import ast
import math
from functools import lru_cache

import numpy as np
from scipy import stats

from .matrices import KIND_A, KIND_S, RamModel

Z_975 = stats.norm.ppf(0.975)


def vcov_from_information(hessian: np.ndarray, n_total: int) -> tuple[np.ndarray, bool]:
    """``(N/2 H)^-1`` and whether the information matrix was invertible."""
    info = 0.5 * n_total * hessian
    try:
        eigvals = np.linalg.eigvalsh(info)
        if eigvals.min() <= eigvals.max() * 1e-12:
            return np.full_like(info, np.nan), False
        return np.linalg.inv(info), True
    except np.linalg.LinAlgError:
        return np.full_like(info, np.nan), False


def unidentified_parameters(hessian: np.ndarray, rel_tol: float = 1e-9) -> list[int]:
    """Indices of parameters involved in the (near-)null space of the information matrix."""
    eigvals, eigvecs = np.linalg.eigh(hessian)
    null = eigvecs[:, eigvals <= max(eigvals.max(), 1e-300) * rel_tol]
    if null.shape[1] == 0:
        return []
    weight = np.sqrt((null ** 2).sum(axis=1))
    return [int(k) for k in np.flatnonzero(weight > 1e-3)]


# --------------------------------------------------------------------------- defined parameters

_FUNCTIONS = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "abs": abs, "sin": math.sin,
              "cos": math.cos, "tan": math.tan, "tanh": math.tanh,
              "pnorm": lambda v: float(stats.norm.cdf(v))}


@lru_cache(maxsize=1024)
def compile_expression(text: str) -> "Expression":
    return Expression(text)


class Expression:
    """A compiled arithmetic expression over parameter labels (``:=`` right-hand side)."""

    def __init__(self, text: str):
        self.text = text
        self.code = compile(ast.parse(text.replace("^", "**"), mode="eval"), "<:=>", "eval")

    def __call__(self, env: dict) -> float:
        return float(eval(self.code, {"__builtins__": {}}, {**_FUNCTIONS, **env}))


def label_values(col: dict, values: np.ndarray) -> dict:
    """Value of every label, given one value per parameter-table row (``col``: its columns)."""
    env = {}
    for label, v in zip(col["label"], values):
        if label and label not in env:
            env[label] = v
    return env


def evaluate_defined(col: dict, row_values: np.ndarray) -> np.ndarray:
    """Fill the ``:=`` rows of ``row_values`` (in order, so definitions may build on others)."""
    out = row_values.copy()
    defined = np.flatnonzero(col["op"] == ":=")
    if len(defined) == 0:
        return out
    env = label_values(col, out)
    for k in defined:
        try:
            value = compile_expression(col["rhs"][k])(env)
        except (ZeroDivisionError, ValueError, OverflowError):
            value = np.nan
        out[k] = value
        env[col["lhs"][k]] = value
    return out


def numerical_jacobian(func, x: np.ndarray, rel_step: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian of a vector function."""
    f0 = np.asarray(func(x))
    jac = np.empty((f0.size, x.size))
    for k in range(x.size):
        h = rel_step * max(1.0, abs(x[k]))
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        jac[:, k] = (np.asarray(func(up)) - np.asarray(func(down))) / (2 * h)
    return jac


# ------------------------------------------------------------------------ standardized solution

def standardize(col: dict, models: list[RamModel], x: np.ndarray, row_values: np.ndarray,
                kind: str) -> np.ndarray:
    """Standardized values of every row (``kind`` is "std.lv" or "std.all"; ``col``: table columns)."""
    out = np.full(len(col["op"]), np.nan)
    for model in models:
        imp = model.implied(x)
        _, S, _ = model.matrices(x)
        with np.errstate(invalid="ignore"):
            sd = np.sqrt(np.diag(imp.C))              # total standard deviations
            resid_sd = np.sqrt(np.diag(S))            # for (residual) covariances
        if kind == "std.lv":
            sd[: model.p] = 1.0
            resid_sd[: model.p] = 1.0
        rows, i, j, k = model.rows, model.row_i, model.row_j, model.row_kind
        v = row_values[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            std = np.select(
                [k == KIND_A, (k == KIND_S) & (i == j), k == KIND_S],
                [v * sd[j] / sd[i],                   # loadings and regressions
                 v / sd[i] ** 2,
                 v / (resid_sd[i] * resid_sd[j])],
                v / sd[i])
        out[rows] = std
    defined = col["op"] == ":="
    if defined.any():
        with np.errstate(invalid="ignore"):
            filled = evaluate_defined(col, np.where(defined, np.nan, out))
        out[defined] = filled[defined]
    return out


def wald_table(est: np.ndarray, se: np.ndarray):
    """z, two-sided p and 95% Wald interval."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    p = 2 * stats.norm.sf(np.abs(z))
    return z, p, est - Z_975 * se, est + Z_975 * se
