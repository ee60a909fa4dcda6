"""Starting values, in the spirit of lavaan's ``start = "default"`` (``R/lav_start.R``).

* loadings: a ratio estimator (in the spirit of Hagglund's FABIN): with marker m, the loading
  of indicator i is sum_k cov(i, k) / sum_k cov(m, k) over the other indicators k, which is
  consistent under a one-factor model; 1 when the factor has fewer than three indicators;
* factor variances: the average of cov(i, j) / (lambda_i lambda_j) over indicator pairs; the
  indicator's variance for a single-indicator factor; 0.05 (lavaan's value) when that is not
  positive or the factor has no observed indicators;
* residual variances of observed variables: half the sample variance (lavaan's choice);
* regressions and covariances: 0; intercepts: sample means; latent means: 0;
* a user's ``start(value)`` or fixed value always wins.
"""
from __future__ import annotations

import numpy as np

from ..partable import ParTable
from .samplestats import SampleStats


def starting_values(partable: ParTable, samples: list[SampleStats]) -> np.ndarray:
    """One starting value per free parameter (the first row of each shared label decides).

    The rules are in the module docstring.

    Parameters
    ----------
    partable : ParTable
        The model.
    samples : list of SampleStats
        Per group the sample moments (FIML: the EM moments).

    Returns
    -------
    ndarray
        npar values (0 for any parameter no rule covers).

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.engine.samplestats import SampleStats
    >>> from relqual.partable import build_partable
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> sample = SampleStats.from_array(hs[["x1", "x2", "x3"]].to_numpy(), ["x1", "x2", "x3"])
    >>> starting_values(build_partable("f =~ x1 + x2 + x3"), [sample]).round(3).tolist()
    [0.778, 1.107, 0.679, 0.691, 0.637, 0.524]
    >>> float(starting_values(build_partable("f =~ x1 + start(0.5)*x2 + x3"), [sample])[0])
    0.5
    """
    col = partable.col
    x0 = np.full(partable.npar, np.nan)
    for g, sample in enumerate(samples, start=1):
        in_group = col["group"] == g
        loadings, lv_var = _factor_starts(col, in_group, sample, partable.options)
        cov, mean = sample.cov.tolist(), sample.mean.tolist()    # plain floats: same values
        index = {v: i for i, v in enumerate(sample.names)}
        rows = np.flatnonzero(in_group & (col["free"] > 0))
        for lhs, op, rhs, free, start in zip(*(col[c][rows].tolist() for c in (
                "lhs", "op", "rhs", "free", "start"))):
            k = free - 1
            if not np.isnan(x0[k]):
                continue
            if not np.isnan(start):
                x0[k] = start
            elif op == "=~":
                x0[k] = loadings.get((lhs, rhs), 1.0)
            elif op == "~~" and lhs == rhs:
                if lhs in index:
                    x0[k] = 0.5 * cov[index[lhs]][index[lhs]]
                else:
                    x0[k] = lv_var.get(lhs, 0.05)
            elif op == "~1":
                x0[k] = mean[index[lhs]] if lhs in index else 0.0
            else:                               # regressions, covariances
                x0[k] = 0.0
    return np.nan_to_num(x0, nan=0.0)


def _factor_starts(col: dict, in_group: np.ndarray, sample: SampleStats, options: dict):
    """Loadings (marker scale) and factor variances from the indicators' covariances."""
    index = {v: i for i, v in enumerate(sample.names)}
    cov = sample.cov.tolist()                  # plain floats: the same sums, without numpy calls
    loadings, lv_var = {}, {}
    is_load = in_group & (col["op"] == "=~")
    factors: dict[str, list[str]] = {}
    for lhs, rhs in zip(col["lhs"][is_load].tolist(), col["rhs"][is_load].tolist()):
        factors.setdefault(lhs, []).append(rhs)
    for factor, indicators in factors.items():
        inds = [r for r in indicators if r in index]
        if len(inds) != len(indicators):  # higher-order or mixed factor: leave defaults
            continue
        idx = [index[r] for r in inds]
        lam = np.ones(len(idx))
        if len(idx) >= 3:
            marker = 0
            for a in range(1, len(idx)):
                others = [k for k in range(len(idx)) if k not in (a, marker)]
                num = sum(cov[idx[a]][idx[k]] for k in others)
                den = sum(cov[idx[marker]][idx[k]] for k in others)
                if den != 0 and np.isfinite(num / den):
                    lam[a] = num / den
        pairs = [cov[idx[a]][idx[b]] / (lam[a] * lam[b])
                 for a in range(len(idx)) for b in range(a + 1, len(idx))
                 if lam[a] * lam[b] != 0]
        if pairs:
            psi = float(np.mean(pairs))
        else:                   # single indicator (residual fixed at 0 by default): its variance
            psi = float(cov[idx[0]][idx[0]])
        if not np.isfinite(psi) or psi <= 0:
            psi = 0.05
        if options.get("std_lv"):
            lam = lam * np.sqrt(psi)
            psi = 1.0
        for r, l in zip(inds, lam):
            loadings[(factor, r)] = float(l)
        lv_var[factor] = psi
    return loadings, lv_var
