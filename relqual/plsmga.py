"""Group comparisons in PLS-SEM: multigroup analysis of the paths and MICOM.

``pls_mga(model, data, group=...)`` estimates the PLS path model in every group and compares
each pair of groups path by path:

* the **permutation test** (Chin & Dibbern 2010, in *Handbook of Partial Least Squares*,
  171-193): the rows of the two groups are pooled and randomly reassigned to groups of the
  original sizes (``permutations`` times); the model is estimated in both permuted groups;
  ``p_permutation`` is the share of permutations whose absolute path difference is at least the
  observed one, ``#(|d*| >= |d|) / P``;
* **Henseler's PLS-MGA** (Henseler, Ringle & Sinkovics 2009, *Advances in International
  Marketing* 20, 277-319; Sarstedt, Henseler & Ringle 2011, *Advances in International
  Marketing* 22, 195-218): ``bootstrap`` resamples within each group give the draws ``β1_j`` and
  ``β2_k``; ``p = 1 - #(2 mean(β1) - β1_j - 2 mean(β2) + β2_k > 0) / (J K)`` over all pairs of
  draws (as R seminr's ``estimate_pls_mga``) is the one-sided p-value of "group 1's path is the
  larger" (``p_henseler_one_sided``; near 1: group 2's is); ``p_henseler`` = ``2 min(p, 1 - p)``
  is the two-sided one.

``micom(model, data, group=...)`` is the measurement invariance of composites procedure of
Henseler, Ringle & Sarstedt (2016, *International Marketing Review* 33(3), 405-431), per
construct and pair of groups:

1. configural invariance: established by design here (the same indicators, the same data
   treatment and the same algorithm settings in every group; column ``configural``);
2. compositional invariance: ``c``, the correlation of the construct's scores computed on the
   pooled (standardized) data with group 1's and with group 2's weights; established when
   ``c`` is not below the ``alpha`` quantile (5%) of its permutation distribution
   (``c_quantile``; ``p_compositional`` = ``#(c* <= c) / P``);
3. equal composite means and variances: the pooled-data fit's scores (unit variance over the
   pooled rows); ``mean_diff`` = group 1's mean minus group 2's, ``log_var_ratio`` = ``log
   var1 - log var2``; equal when inside the ``alpha/2 .. 1 - alpha/2`` quantiles of the
   permutation distribution (``p_mean``, ``p_variance``: ``#(|d*| >= |d|) / P``).

``invariance`` is "full" (steps 2 and 3), "partial" (step 2 only: the paths may be compared
by MGA, the pooled data not analysed as one) or "none".

Randomness: both functions draw everything up front from ``numpy.random.default_rng(seed)``:
first per pair of groups (in order) ``permutations`` times ``permutation(n1 + n2)``, then per
group ``integers(0, n_g, size=(bootstrap, n_g))``. A permutation is a row order of the pair's
pooled rows (group 1's rows, then group 2's, as in the data): its first ``n1`` rows form
permuted group 1. Given arrays replay another program's draws (``permutations=``: a
permutations x (n1 + n2) array, two groups only; ``bootstrap=``: {group: draws x n_g array} of
0-based rows within the group). Results do not depend on ``n_jobs``. Draws whose estimation
fails (e.g. a constant indicator) or does not converge are left out and counted.
"""
from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import DataError, check_group_column, group_text, prepare_data
from .models import resolve_model
from .options import check_types
from .pls import SCHEMES, PLSModel, fit_pls, standardize
from .plsfit import pls_model
from .plshoc import refuse_two_stage
from .plspredict import run_keyed

ESTIMATORS = {"PLS": False, "PLSC": True}


@dataclass
class GroupData:
    """The model and the rows of every group, ready for estimation.

    Attributes
    ----------
    model : PLSModel
    labels : list
        The compared groups (data order, or as given by ``groups=``).
    arrays : list of ndarray
        Per group its rows (rows x indicators, unstandardized; data order).
    settings : dict
        Keyword arguments of :func:`relqual.pls.fit_pls`.
    paths : list of (int, int)
        The structural paths (predictor, outcome) in model order.
    notes : list of str
    """

    model: PLSModel
    labels: list
    arrays: list
    settings: dict
    paths: list
    notes: list

    def estimate(self, raw: np.ndarray):
        """The PLS fit of ``raw`` rows, or None when it fails or does not converge."""
        return _estimate(raw, self.model, self.settings)

    def path_names(self) -> list[tuple[str, str, str]]:
        c = self.model.constructs
        return [(c[j], "~", c[i]) for i, j in self.paths]


def _estimate(raw, model, settings):
    sd = raw.std(axis=0, ddof=1)
    if len(raw) < 3 or not np.all(sd > 0):
        return None
    try:
        fit = fit_pls(standardize(raw), model, **settings)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        return None
    return fit if fit.converged else None


def group_data(model, data, group: str, groups=None, estimator: str = "PLS",
               scheme: str = "path", control: dict | None = None) -> GroupData:
    """Check the model, the data and the group column; split the listwise-complete rows.

    Parameters
    ----------
    model : str, ModelSpec or path
        As :func:`relqual.fit` takes it.
    data : DataFrame
    group : str
        The column that defines the groups (rows without a group are dropped).
    groups : list, optional
        The groups to compare, in this order (default: every group, in data order).
    estimator : {"PLS", "PLSc"}
    scheme : {"path", "factorial", "centroid"}
    control : dict, optional
        ``tol`` and ``max_iter`` of the PLS algorithm.

    Returns
    -------
    GroupData

    Raises
    ------
    DataError, ValueError
        For a missing group column, fewer than two groups, a group with too few rows, an
        unknown estimator or scheme.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.plsmga import group_data
    >>> gd = group_data("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                 group="competition")
    >>> gd.labels, [len(a) for a in gd.arrays]
    (['low', 'high'], [283, 254])
    """
    if not isinstance(estimator, str) or estimator.upper() not in ESTIMATORS:
        raise ValueError(f"estimator must be 'PLS' or 'PLSc' for a PLS group comparison "
                         f"(got {estimator!r})")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown PLS weighting scheme '{scheme}'; choose from "
                         + ", ".join(SCHEMES))
    control = dict(control or {})
    settings = dict(scheme=scheme, consistent=ESTIMATORS[estimator.upper()],
                    tol=float(control.get("tol", 1e-7)),
                    max_iter=int(control.get("max_iter", 300)))
    spec = resolve_model(model)
    pls, partable = pls_model(spec.syntax)
    refuse_two_stage(pls, "PLS-MGA")
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    check_group_column(data, group)
    present = list(pd.unique(data[group].dropna()))
    if len(present) < 2:
        level = f" ({group_text(present[0])})" if present else ""
        raise ValueError(f"group column '{group}' has {len(present)} level{level}: a group "
                         "comparison needs at least two groups")
    if groups is not None:
        groups = list(groups)
        unknown = [g for g in groups if g not in present]
        if unknown:
            raise ValueError(f"group {group_text(unknown[0])} is not a value of column "
                             f"'{group}' (values: {', '.join(group_text(g) for g in present)})")
        if len(set(groups)) < 2:
            raise ValueError("groups= must name at least two different groups")
        data = data[data[group].isin(groups)]
    prepared = prepare_data(data, list(pls.indicators), first_line=partable.roles.first_line,
                            group=group)
    lost = [g for g in (groups or present) if g not in prepared.group_labels]
    if lost:
        raise DataError(f"group {group_text(lost[0])} of column '{group}' has no complete rows "
                        "left (every row has a missing model item)")
    order = groups or prepared.group_labels
    arrays = [prepared.arrays[prepared.group_labels.index(g)] for g in order]
    needed = _minimum_rows(pls)
    for label, rows in zip(order, arrays):
        if len(rows) < needed:
            raise DataError(f"group {group_text(label)} has only {len(rows)} complete rows; the "
                            f"model needs at least {needed} per group (merge small groups, or "
                            "leave this one out with groups=)")
    paths = [(i, j) for j in range(len(pls.constructs)) for i in np.flatnonzero(pls.paths[:, j])]
    return GroupData(model=pls, labels=list(order), arrays=arrays, settings=settings,
                     paths=paths, notes=list(prepared.notes))


def _minimum_rows(model: PLSModel) -> int:
    widest_b = max([len(b) for b, m in zip(model.blocks, model.modes) if m == "B"] or [0])
    antecedents = int(model.paths.sum(axis=0).max()) if model.paths.any() else 0
    return max(5, widest_b + 2, antecedents + 2)


# ----------------------------------------------------------------------------- draws

def _check_count(name: str, value) -> None:
    if not isinstance(value, (numbers.Integral, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number (or given draws to replay); got "
                        f"{value!r}")
    if value < 0:
        raise ValueError(f"{name} must be 0 or more (got {value})")


def draw_permutations(gd: GroupData, permutations, bootstrap, seed):
    """Permutations per pair of groups and bootstrap rows per group (see the module docstring).

    Returns
    -------
    (dict, dict)
        (pair of group positions) -> permutations x (n1 + n2) array of row orders;
        group position -> draws x n_g array of rows.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.plsmga import group_data, draw_permutations
    >>> gd = group_data("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                 group="competition")
    >>> perms, boots = draw_permutations(gd, 3, 2, seed=1)
    >>> perms[(0, 1)].shape, boots[1].shape
    ((3, 537), (2, 254))
    """
    sizes = [len(a) for a in gd.arrays]
    pairs = list(itertools.combinations(range(len(sizes)), 2))
    check_types(seed=seed)
    rng = np.random.default_rng(seed)
    perms = {}
    if isinstance(permutations, (np.ndarray, list, tuple)):
        given = np.asarray(permutations, dtype=int)
        if len(pairs) != 1:
            raise ValueError("given permutations can be replayed for two groups only; pass "
                             "groups= with the two to compare")
        n = sizes[0] + sizes[1]
        if given.ndim != 2 or given.shape[1] != n or not np.all(np.sort(given, axis=1)
                                                               == np.arange(n)):
            raise ValueError(f"given permutations must be a permutations x {n} array, every row "
                             f"a row order of 0..{n - 1}")
        perms[pairs[0]] = given
    else:
        _check_count("permutations", permutations)
        for a, b in pairs:
            n = sizes[a] + sizes[b]
            perms[(a, b)] = (np.array([rng.permutation(n) for _ in range(permutations)])
                             .reshape(permutations, n))
    boots = {}
    if isinstance(bootstrap, dict):
        for g, label in enumerate(gd.labels):
            if label not in bootstrap:
                raise ValueError(f"given bootstrap draws lack group {group_text(label)}")
            idx = np.asarray(bootstrap[label], dtype=int)
            if idx.ndim != 2 or idx.shape[1] != sizes[g] or idx.min() < 0 or idx.max() >= sizes[g]:
                raise ValueError(f"given bootstrap draws of group {group_text(label)} must be a "
                                 f"draws x {sizes[g]} array of rows 0..{sizes[g] - 1}")
            boots[g] = idx
    else:
        _check_count("bootstrap", bootstrap)
        for g, n in enumerate(sizes):
            boots[g] = rng.integers(0, n, size=(bootstrap, n))
    return perms, boots


@dataclass
class PairRefitter:
    """Estimates a permutation's two groups: path differences and MICOM's ``c``.

    Examples
    --------
    >>> import numpy as np, relqual as rq
    >>> from relqual.plsmga import group_data, PairRefitter
    >>> gd = group_data("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                 group="competition")
    >>> refit = PairRefitter(gd, 0, 1)
    >>> out = refit(np.arange(537))          # the identity: the observed groups
    >>> out.shape == (len(gd.paths) + len(gd.model.constructs),)
    True
    """

    gd: GroupData
    a: int
    b: int

    def __post_init__(self):
        self.pooled = np.vstack([self.gd.arrays[self.a], self.gd.arrays[self.b]])
        self.n1 = len(self.gd.arrays[self.a])
        self.X = standardize(self.pooled)

    def __call__(self, order: np.ndarray):
        """Path differences (group 1 - group 2) then ``c`` per construct, or None."""
        one = self.gd.estimate(self.pooled[order[:self.n1]])
        two = self.gd.estimate(self.pooled[order[self.n1:]])
        if one is None or two is None:
            return None
        rows, cols = np.array(self.gd.paths, dtype=int).reshape(-1, 2).T
        diff = one.paths[rows, cols] - two.paths[rows, cols]
        return np.concatenate([diff, _score_correlations(self.X, one.weights, two.weights)])


def _score_correlations(X, W1, W2) -> np.ndarray:
    s1, s2 = X @ W1, X @ W2
    s1, s2 = s1 - s1.mean(axis=0), s2 - s2.mean(axis=0)
    return (s1 * s2).sum(axis=0) / np.sqrt((s1 ** 2).sum(axis=0) * (s2 ** 2).sum(axis=0))


@dataclass
class GroupRefitter:
    """Estimates a bootstrap resample of one group: its path coefficients, or None."""

    gd: GroupData
    g: int

    def __call__(self, rows: np.ndarray):
        fit = self.gd.estimate(self.gd.arrays[self.g][rows])
        if fit is None:
            return None
        i, j = np.array(self.gd.paths, dtype=int).reshape(-1, 2).T
        return fit.paths[i, j]


def _stack(results: dict, count: int, width: int) -> np.ndarray:
    out = np.full((count, width), np.nan)
    for k, value in results.items():
        if value is not None:
            out[k] = value
    return out


def _permutation_draws(gd, perms, n_jobs) -> dict:
    out = {}
    width = len(gd.paths) + len(gd.model.constructs)
    for (a, b), orders in perms.items():
        results = run_keyed(PairRefitter(gd, a, b), [(k, (o,)) for k, o in enumerate(orders)],
                            n_jobs) if len(orders) else {}
        out[(a, b)] = _stack(results, len(orders), width)
    return out


def henseler_p(boot1: np.ndarray, boot2: np.ndarray) -> float:
    """Henseler's PLS-MGA p-value: ``1 - #(2 mean(b1) - b1_j - 2 mean(b2) + b2_k > 0) / (J K)``.

    The one-sided p-value of "group 1's coefficient is the larger" (R seminr's
    ``estimate_pls_mga`` with J = K).

    Parameters
    ----------
    boot1, boot2 : ndarray
        The bootstrap draws of one path in group 1 and group 2.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.plsmga import henseler_p
    >>> henseler_p(np.array([0.5, 0.6, 0.7]), np.array([0.1, 0.2, 0.3]))
    0.0
    >>> henseler_p(np.array([0.1, 0.3]), np.array([0.05, 0.4]))       # 2 of 4 pairs
    0.5
    """
    b1, b2 = np.asarray(boot1, float), np.asarray(boot2, float)
    left = 2 * b1.mean() - b1 - 2 * b2.mean()
    return float(1.0 - np.count_nonzero(left[:, None] + b2[None, :] > 0) / (len(b1) * len(b2)))


# ----------------------------------------------------------------------------- MGA

def pls_mga(model, data, group: str, permutations=1000, bootstrap=1000, seed=None, *,
            groups=None, estimator: str = "PLS", scheme: str = "path",
            control: dict | None = None, n_jobs: int = 1) -> pd.DataFrame:
    """Multigroup analysis of a PLS path model's paths: the permutation test and Henseler's
    PLS-MGA for every pair of groups (see the module docstring).

    Establish (at least partial) measurement invariance first (:func:`micom`).

    Parameters
    ----------
    model : str, ModelSpec or path
        lavaan syntax (``=~`` Mode A, ``<~`` Mode B), a library model name or a model file.
    data : DataFrame
    group : str
        The column that defines the groups.
    permutations : int or ndarray
        Permutations for the permutation test (0: none), or given row orders to replay.
    bootstrap : int or dict
        Bootstrap resamples per group for Henseler's PLS-MGA (0: none), or given resamples
        ({group: draws x n_g rows}).
    seed : int, optional
        Seed of the permutations and resamples.
    groups : list, optional
        The groups to compare, in this order (default: all, in data order).
    estimator : {"PLS", "PLSc"}
    scheme : {"path", "factorial", "centroid"}
    control : dict, optional
        ``tol`` (1e-7) and ``max_iter`` (300) of the PLS algorithm.
    n_jobs : int
        Worker processes (-1: every core); results do not depend on it.

    Returns
    -------
    DataFrame
        Per path and pair of groups: ``lhs op rhs group1 group2 est_pooled est_group1
        est_group2 difference p_permutation boot_mean_group1 boot_mean_group2 p_henseler
        p_henseler_one_sided`` (``est_pooled``: all compared groups' rows as one sample;
        ``difference``: group 1 minus group 2); ``attrs``: ``n`` (rows per group),
        ``permutations`` and ``bootstrap`` (draws used, per pair / group), ``failed``,
        ``seed``, ``notes``.

    Examples
    --------
    >>> import relqual as rq
    >>> mga = rq.pls_mga("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  group="competition", permutations=20, bootstrap=20, seed=1)
    >>> mga[["lhs", "rhs", "group1", "group2"]].head(2)
       lhs rhs group1 group2
    0  SAT  CF    low   high
    1   TR  CF    low   high
    >>> mga.attrs["n"]
    {'low': 283, 'high': 254}
    """
    gd = group_data(model, data, group, groups, estimator, scheme, control)
    perms, boots = draw_permutations(gd, permutations, bootstrap, seed)
    fits = [gd.estimate(a) for a in gd.arrays]
    for label, fit in zip(gd.labels, fits):
        if fit is None:
            raise ValueError(f"the model cannot be estimated (or does not converge) in group "
                             f"{group_text(label)}")
    pooled = gd.estimate(np.vstack(gd.arrays))
    i_idx, j_idx = np.array(gd.paths, dtype=int).reshape(-1, 2).T
    estimates = [f.paths[i_idx, j_idx] for f in fits]
    pooled_est = (pooled.paths[i_idx, j_idx] if pooled is not None
                  else np.full(len(gd.paths), np.nan))
    permuted = _permutation_draws(gd, perms, n_jobs)
    booted = {}
    for g, rows in boots.items():
        results = run_keyed(GroupRefitter(gd, g), [(k, (r,)) for k, r in enumerate(rows)],
                            n_jobs) if len(rows) else {}
        booted[g] = _stack(results, len(rows), len(gd.paths))
    names = gd.path_names()
    table, failed = [], {}
    for (a, b), draws in permuted.items():
        ok = ~np.isnan(draws).any(axis=1)
        failed[f"permutations {gd.labels[a]}-{gd.labels[b]}"] = int((~ok).sum())
        d_perm = draws[ok, :len(gd.paths)]
        ba, bb = booted[a], booted[b]
        ba, bb = ba[~np.isnan(ba).any(axis=1)], bb[~np.isnan(bb).any(axis=1)]
        for k, (lhs, op, rhs) in enumerate(names):
            d = estimates[a][k] - estimates[b][k]
            p_perm = (np.mean(np.abs(d_perm[:, k]) >= np.abs(d) - 1e-12) if len(d_perm)
                      else np.nan)
            one = henseler_p(ba[:, k], bb[:, k]) if len(ba) and len(bb) else np.nan
            table.append(dict(lhs=lhs, op=op, rhs=rhs, group1=gd.labels[a], group2=gd.labels[b],
                              est_pooled=pooled_est[k], est_group1=estimates[a][k],
                              est_group2=estimates[b][k], difference=d,
                              p_permutation=float(p_perm),
                              boot_mean_group1=ba[:, k].mean() if len(ba) else np.nan,
                              boot_mean_group2=bb[:, k].mean() if len(bb) else np.nan,
                              p_henseler=2 * min(one, 1 - one) if one == one else np.nan,
                              p_henseler_one_sided=one))
    for g, draws in booted.items():
        failed[f"bootstrap {gd.labels[g]}"] = int(np.isnan(draws).any(axis=1).sum())
    out = pd.DataFrame(table)
    notes = list(gd.notes) + [f"{v} {k.split(' ')[0]} of {k.split(' ', 1)[1]} failed or did not "
                              "converge and were left out" for k, v in failed.items() if v]
    out.attrs.update(n={label: len(a) for label, a in zip(gd.labels, gd.arrays)},
                     permutations={f"{gd.labels[a]}-{gd.labels[b]}": len(v)
                                   for (a, b), v in perms.items()},
                     bootstrap={gd.labels[g]: len(v) for g, v in boots.items()},
                     failed=failed, seed=seed, notes=notes)
    return out


# ----------------------------------------------------------------------------- MICOM

def micom(model, data, group: str, permutations=1000, seed=None, *, alpha: float = 0.05,
          groups=None, estimator: str = "PLS", scheme: str = "path",
          control: dict | None = None, n_jobs: int = 1) -> pd.DataFrame:
    """MICOM: measurement invariance of composites (Henseler, Ringle & Sarstedt 2016) for
    every construct and pair of groups (see the module docstring).

    Parameters
    ----------
    model : str, ModelSpec or path
    data : DataFrame
    group : str
        The column that defines the groups.
    permutations : int or ndarray
        Permutations (Henseler et al. recommend 5,000), or given row orders to replay.
    seed : int, optional
    alpha : float
        Significance level (0.05: the 5% quantile for ``c``, the 2.5% and 97.5% quantiles for
        the means and variances).
    groups : list, optional
        The groups to compare, in this order.
    estimator : {"PLS", "PLSc"}
    scheme : {"path", "factorial", "centroid"}
    control : dict, optional
    n_jobs : int
        Worker processes; results do not depend on it.

    Returns
    -------
    DataFrame
        Per construct and pair: ``construct group1 group2 configural c c_quantile
        p_compositional compositional mean_diff mean_lower mean_upper p_mean equal_mean
        log_var_ratio var_lower var_upper p_variance equal_variance invariance``; ``attrs``:
        ``n``, ``permutations``, ``failed``, ``alpha``, ``seed``, ``notes``.

    Examples
    --------
    >>> import relqual as rq
    >>> table = rq.micom("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  group="competition", permutations=20, seed=1)
    >>> table[["construct", "compositional", "invariance"]].shape
    (5, 3)
    """
    if not (isinstance(alpha, numbers.Real) and 0 < alpha < 1):
        raise ValueError(f"alpha must be between 0 and 1 (got {alpha!r})")
    gd = group_data(model, data, group, groups, estimator, scheme, control)
    perms, _ = draw_permutations(gd, permutations, 0, seed)
    permuted = _permutation_draws(gd, perms, n_jobs)
    m = len(gd.model.constructs)
    rows, failed = [], {}
    for (a, b), draws in permuted.items():
        refit = PairRefitter(gd, a, b)
        observed = refit(np.arange(len(refit.pooled)))
        pooled = gd.estimate(refit.pooled)
        if observed is None or pooled is None:
            raise ValueError(f"the model cannot be estimated (or does not converge) in group "
                             f"{group_text(gd.labels[a])}, {group_text(gd.labels[b])} or both "
                             "pooled")
        ok = ~np.isnan(draws).any(axis=1)
        failed[f"{gd.labels[a]}-{gd.labels[b]}"] = int((~ok).sum())
        c_obs, c_perm = observed[-m:], draws[ok, -m:]
        stat = _mean_log_var(pooled.scores, refit.n1, np.arange(len(refit.pooled))[None, :])
        stat_perm = _mean_log_var(pooled.scores, refit.n1, perms[(a, b)])
        for j, construct in enumerate(gd.model.constructs):
            row = dict(construct=construct, group1=gd.labels[a], group2=gd.labels[b],
                       configural=True, c=c_obs[j])
            if len(c_perm):
                row.update(c_quantile=float(np.quantile(c_perm[:, j], alpha)),
                           p_compositional=float(np.mean(c_perm[:, j] <= c_obs[j] + 1e-12)))
            else:
                row.update(c_quantile=np.nan, p_compositional=np.nan)
            row["compositional"] = bool(c_obs[j] >= row["c_quantile"] - 1e-12)
            for key, name in (("mean", "mean_diff"), ("var", "log_var_ratio")):
                d, d_perm = stat[key][0, j], stat_perm[key][:, j]
                short = "var" if key == "var" else "mean"
                if len(d_perm):
                    lo, hi = np.quantile(d_perm, [alpha / 2, 1 - alpha / 2])
                    p = float(np.mean(np.abs(d_perm) >= abs(d) - 1e-12))
                else:
                    lo = hi = p = np.nan
                row.update({name: d, f"{short}_lower": float(lo), f"{short}_upper": float(hi),
                            f"p_{'variance' if key == 'var' else 'mean'}": p,
                            f"equal_{'variance' if key == 'var' else 'mean'}":
                                bool(lo <= d <= hi)})
            row["invariance"] = ("none" if not row["compositional"] else
                                 "full" if row["equal_mean"] and row["equal_variance"]
                                 else "partial")
            rows.append(row)
    out = pd.DataFrame(rows)
    notes = list(gd.notes) + [
        "configural invariance holds by design: the same indicators, data treatment and "
        "algorithm settings in every group"]
    notes += [f"{v} permutations of {k} failed or did not converge and were left out"
              for k, v in failed.items() if v]
    out.attrs.update(n={label: len(a) for label, a in zip(gd.labels, gd.arrays)},
                     permutations={f"{gd.labels[a]}-{gd.labels[b]}": len(v)
                                   for (a, b), v in perms.items()},
                     failed=failed, alpha=alpha, seed=seed, notes=notes)
    return out


def _mean_log_var(scores: np.ndarray, n1: int, orders: np.ndarray) -> dict:
    """Per row order: group 1 (its first n1 rows) minus group 2, of the scores' means and log
    variances (orders x constructs)."""
    one, two = scores[orders[:, :n1]], scores[orders[:, n1:]]
    return dict(mean=one.mean(axis=1) - two.mean(axis=1),
                var=np.log(one.var(axis=1, ddof=1)) - np.log(two.var(axis=1, ddof=1)))
