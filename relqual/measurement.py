"""Reliability and validity of the measurement model: alpha, omega / CR, AVE, Fornell-Larcker, HTMT.

Definitions (each matches the named reference; ``tests/reference/semtools.json`` holds the values
semTools 0.5-6 computes, and ``tests/test_measurement.py`` compares):

* **Cronbach's alpha** (Cronbach 1951), from the sample covariance matrix ``S`` of a factor's
  items: ``k/(k-1) (1 - tr S / 1'S1)``; semTools ``compRelSEM(tau.eq = TRUE)``. The
  *standardized* alpha is the same formula on the correlation matrix, ``k r / (1 + (k-1) r)``.
* **omega** (composite reliability; McDonald 1999, Raykov 1997), as semTools ``compRelSEM``
  computes it by default (``obs.var = TRUE``)::

      omega_f = (sum_i lambda_if)^2 phi_ff / 1' S_f 1

  with ``phi_ff`` the model-implied (total) variance of the factor and ``S_f`` the *observed*
  covariance matrix of its items, so residual covariances and cross-loadings enter through the
  denominator only. ``omega_model`` uses the model-implied covariance matrix instead
  (``compRelSEM(obs.var = FALSE)``), i.e. Raykov's formula with the residual covariances.
* **cr_fl**: composite reliability from the standardized solution as Fornell & Larcker (1981,
  eq. 10) write it, ``(sum lambda*)^2 / ((sum lambda*)^2 + sum theta*)`` with ``theta*`` the
  standardized residual variances; it ignores residual covariances.
* **AVE**, as semTools ``AVE()`` (defaults: ``obs.var = TRUE``)::

      AVE_f = phi_ff sum_i lambda_if^2 / sum_i S_ii

  semTools gives no AVE for a factor with an item that also loads on another factor (the
  item's variance cannot be attributed); we follow it and say so. ``ave_fl`` is the mean squared
  standardized loading (Fornell & Larcker 1981, eq. 11 for standardized items), which counts
  only this factor's loading of a cross-loading item.
* **Ordered items** (WLSMV fits): every quantity is on the items' latent-response scale, from
  the polychoric correlations rescaled by the scaling factors; ``omega`` and ``omega_model``
  are Green & Yang's (2009) categorical omega (:mod:`relqual.ordinal_reliability`, semTools
  ``compRelSEM``'s default for categorical items, ``obs.var = TRUE`` / ``FALSE``), ``alpha``
  is ordinal alpha (``compRelSEM(tau.eq = TRUE, ord.scale = FALSE)``); AVE is semTools
  ``AVE()`` of the fit (also with continuous items beside ordered ones: their variances enter
  the denominator); item diagnostics are the std.all loadings and R² of the latent responses,
  with item-total correlations and alpha if deleted from the latent-response covariances
  (:func:`response_cov`).
* **Fornell-Larcker criterion** (Fornell & Larcker 1981): ``sqrt(AVE)`` of each factor exceeds
  its absolute correlation with every other factor (model-implied latent correlations,
  lavaan ``lavInspect(fit, "cor.lv")``).
* **HTMT** (Henseler, Ringle & Sarstedt 2015) and **HTMT2** (Roemer, Schuberth & Henseler 2021),
  as semTools ``htmt()``: from the absolute item correlations of the data the model was fitted
  to, the mean heterotrait-heteromethod correlation divided by the geometric mean of the two
  mean monotrait-heteromethod correlations; HTMT2 uses geometric means throughout.

The cut-offs and their sources are :data:`relqual.conventions.CUTOFFS`; :data:`CRITERIA` words
them for the report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .conventions import CUTOFFS, MI_CRITICAL, SOURCES, num
from .ordinal_reliability import omega_categorical

LOW_LOADING = CUTOFFS["loading"].threshold


def _rule(what: str, key: str, extra: str = "") -> tuple[float, str]:
    """(threshold, "what <rule> (sources[; extra])") of ``CUTOFFS[key]``, as the report words it."""
    cut = CUTOFFS[key]
    cite = "; ".join(filter(None, [cut.cite(" "), extra]))
    return cut.threshold, f"{what} {cut.rule(ascii=True)} ({cite})"


CRITERIA = {
    "alpha": _rule("Cronbach's alpha", "alpha"),
    "omega": _rule("composite reliability (omega)", "omega"),
    "ave": _rule("AVE", "ave"),
    "fornell_larcker": (None, "sqrt(AVE) > |latent correlation| for every pair "
                              f"({SOURCES['fornell_larcker'].cite(' ')})"),
    "htmt_85": _rule("HTMT", "htmt_85", "conservative"),
    "htmt_90": _rule("HTMT", "htmt_90", "for conceptually similar constructs"),
    "loading": (LOW_LOADING, f"standardized loading {CUTOFFS['loading'].rule(ascii=True)}, ideally "
                             f"{CUTOFFS['loading_ideal'].rule(ascii=True)} "
                             f"({CUTOFFS['loading'].cite(' ')})"),
}
REFERENCES = [SOURCES[key].reference for key in (
    "cronbach", "fornell_larcker", "hair", "henseler", "mcdonald", "nunnally", "raykov", "roemer",
    "semtools")]


# ---------------------------------------------------------------------------- the model's pieces

@dataclass
class Measurement:
    """What the measurement formulas read from a fitted model (one group)."""

    factors: list[str]                      # first-order factors with observed items
    items: dict[str, list[str]]             # factor -> its items (nonzero loadings)
    loading: dict[tuple[str, str], float]   # (factor, item) -> raw loading
    std_loading: dict[tuple[str, str], float]
    resid_var: dict[str, float]             # variable -> (residual) variance parameter
    estimated_var: set[str]                 # variables whose variance parameter is free
    std_resid_var: dict[str, float]
    lv_cov: pd.DataFrame                    # model-implied covariance of the latent variables
    # observed (divisor N) covariance of the observed variables
    sample_cov: pd.DataFrame
    implied_cov: pd.DataFrame
    higher_order: list[str] = field(default_factory=list)   # factors measured by factors
    # ordered items (WLSMV fits): model thresholds tau and scaling factors Delta per item
    thresholds: dict[str, np.ndarray] | None = None
    scales: dict[str, float] | None = None

    @property
    def lv_cor(self) -> pd.DataFrame:
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.sqrt(np.diag(self.lv_cov.to_numpy()))
            return self.lv_cov / np.outer(sd, sd)

    def improper_variance(self, name: str) -> bool:
        """An estimated (residual) variance that is not positive: a Heywood case. A variance
        fixed by the model (e.g. a single indicator's residual fixed to 0) is not flagged."""
        return name in self.estimated_var and self.resid_var[name] <= 0

    def other_factors(self, factor: str, item: str) -> list[str]:
        """The other multi-item factors ``item`` loads on (semTools' rounding to 5 decimals)."""
        return [f for f in self.factors if f != factor and len(self.items[f]) > 1
                and item in self.items[f] and round(self.loading[(f, item)], 5) != 0]


def measurement_parts(res, group: int = 1) -> Measurement:
    """Collect loadings, variances and the latent and observed covariance matrices of ``res``."""
    col = res.partable.col
    model = res.models[group - 1]
    values = res.row_values(res.x)
    std = res.problem.standardize(res.x, "std.all")
    ov = set(model.ov_names)
    keep = (col["group"] == group) & (col["op"] == "=~")
    items: dict[str, list[str]] = {}
    loading, std_loading = {}, {}
    higher = []
    for k in np.flatnonzero(keep):
        f, v = col["lhs"][k], col["rhs"][k]
        if v not in ov:
            if f not in higher:
                higher.append(f)
            continue
        if values[k] == 0:                  # a loading fixed to zero is no loading (semTools)
            continue
        items.setdefault(f, []).append(v)
        loading[(f, v)] = float(values[k])
        std_loading[(f, v)] = float(std[k])
    resid_var, std_resid_var, estimated = {}, {}, set()
    var_rows = np.flatnonzero((col["group"] == group) & (col["op"] == "~~")
                              & (col["lhs"] == col["rhs"]))
    for k in var_rows:
        resid_var[col["lhs"][k]] = float(values[k])
        std_resid_var[col["lhs"][k]] = float(std[k])
        if col["free"][k] > 0:
            estimated.add(col["lhs"][k])
    imp = model.implied(res.x)
    lv = model.lv_names
    sample = res.samples[group - 1]
    thresholds = scales = None
    if res.problem.ordinal is not None:         # WLSMV: latent-response metric (module doc)
        thresholds, scales = {}, {}
        for k in np.flatnonzero((col["group"] == group) & (col["op"] == "|")):
            thresholds.setdefault(col["lhs"][k], []).append(float(values[k]))
        for k in np.flatnonzero((col["group"] == group) & (col["op"] == "~*~")):
            scales[col["lhs"][k]] = float(values[k])
        thresholds = {v: np.array(t) for v, t in thresholds.items()}
    return Measurement(
        factors=[f for f in model.lv_names if f in items], items=items, loading=loading,
        std_loading=std_loading, resid_var=resid_var, estimated_var=estimated,
        std_resid_var=std_resid_var,
        lv_cov=pd.DataFrame(imp.C[model.p:, model.p:], index=lv, columns=lv),
        sample_cov=pd.DataFrame(sample.cov, index=sample.names, columns=sample.names),
        implied_cov=pd.DataFrame(imp.sigma, index=model.ov_names, columns=model.ov_names),
        higher_order=[f for f in higher if f not in items], thresholds=thresholds,
        scales=scales)


# ---------------------------------------------------------------------------- formulas

def response_cov(m: Measurement) -> pd.DataFrame:
    """The observed covariances, with ordered items (WLSMV) on their latent-response scale:
    polychoric (and polyserial) correlations divided by the items' scaling factors Delta
    (1 under the delta parameterization), the matrix ``reliability_table`` computes alpha
    from; continuous items keep their covariances.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3", hso, ordered=True, parameterization="theta")
    >>> m = measurement_parts(res)
    >>> S = response_cov(m)
    >>> bool(np.allclose(np.diag(S), [1 / m.scales[v] ** 2 for v in S.index]))
    True
    """
    if not m.scales:
        return m.sample_cov
    d = np.array([m.scales.get(v, 1.0) for v in m.sample_cov.index])
    return m.sample_cov / np.outer(d, d)


def cronbach_alpha(cov: np.ndarray) -> float:
    """Cronbach's alpha of the items whose covariance (or correlation) matrix is ``cov``."""
    cov = np.asarray(cov, float)
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or total <= 0:
        return np.nan
    return k / (k - 1) * (1.0 - np.trace(cov) / total)


def _cor(cov: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.diag(cov))
        return cov / np.outer(sd, sd)


def reliability_table(m: Measurement) -> pd.DataFrame:
    """One row per first-order factor: ``factor n_items alpha alpha_std omega omega_model cr_fl
    ave ave_fl improper note`` (see the module docstring for each formula; ``improper``: a
    residual variance or the factor variance is not positive, a Heywood case)."""
    rows = []
    S, Sigma = m.sample_cov, m.implied_cov
    for f in m.factors:
        items = m.items[f]
        k = len(items)
        row = dict(factor=f, n_items=k, alpha=np.nan, alpha_std=np.nan, omega=np.nan,
                   omega_model=np.nan, cr_fl=np.nan, ave=np.nan, ave_fl=np.nan)
        notes = []
        if k < 2:
            notes.append(f"single indicator ({items[0]}): reliability and AVE are undefined "
                         "(the item's reliability must be assumed, e.g. by fixing its residual "
                         "variance); semTools drops such factors")
            rows.append({**row, "improper": False, "note": "; ".join(notes)})
            continue
        S_f = S.loc[items, items].to_numpy()
        lam = np.array([m.loading[(f, v)] for v in items])
        lam_std = np.array([m.std_loading[(f, v)] for v in items])
        theta_std = np.array([m.std_resid_var[v] for v in items])
        phi = float(m.lv_cov.loc[f, f])
        common = lam.sum() ** 2 * phi
        if m.thresholds is not None and all(v in m.thresholds for v in items):
            d = np.array([m.scales[v] for v in items])            # ordered items (WLSMV)
            S_f = S_f / np.outer(d, d)
            common_m = np.outer(lam, lam) * phi
            th = [m.thresholds[v] for v in items]
            row["omega"] = omega_categorical(common_m, S_f, th, d)
            row["omega_model"] = omega_categorical(
                common_m, Sigma.loc[items, items].to_numpy(), th, d)
        else:
            row["omega"] = common / S_f.sum()
            row["omega_model"] = common / Sigma.loc[items, items].to_numpy().sum()
        row["alpha"] = cronbach_alpha(S_f)
        row["alpha_std"] = cronbach_alpha(_cor(S_f))
        row["cr_fl"] = lam_std.sum() ** 2 / (lam_std.sum() ** 2 + theta_std.sum())
        row["ave_fl"] = float(np.mean(lam_std ** 2))
        cross = {v: m.other_factors(f, v) for v in items}
        cross = {v: fs for v, fs in cross.items() if fs}
        if cross:
            which = ", ".join(f"{v} (also on {', '.join(fs)})" for v, fs in cross.items())
            notes.append(f"cross-loading item(s) {which}: AVE is not defined, as in semTools, "
                         "because the item's variance cannot be attributed to one factor; omega "
                         "and ave_fl count only this factor's loading of the item")
        else:
            row["ave"] = phi * (lam ** 2).sum() / np.trace(S_f)
        bad_var = [v for v in items if S.loc[v, v] <= 0]
        if bad_var:
            notes.append(f"item(s) {', '.join(bad_var)} have no variance in the data: alpha "
                         "and the correlations are not meaningful")
        heywood = [v for v in items if m.improper_variance(v)]
        if heywood:
            notes.append(f"improper solution: estimated residual variance <= 0 for "
                         f"{', '.join(heywood)} (Heywood case); omega, CR and AVE are not "
                         "interpretable")
        bad_factor = m.improper_variance(f) or phi <= 0
        if bad_factor:
            notes.append(f"improper solution: the (residual) variance of {f} is "
                         f"{m.resid_var.get(f, phi):.3g} (<= 0); omega and AVE are not "
                         "interpretable")
        rows.append({**row, "improper": bool(heywood or bad_factor), "note": "; ".join(notes)})
    return pd.DataFrame(rows, columns=["factor", "n_items", "alpha", "alpha_std", "omega",
                                       "omega_model", "cr_fl", "ave", "ave_fl", "improper",
                                       "note"])


def item_table(m: Measurement, std_solution: pd.DataFrame,
               threshold: float = LOW_LOADING) -> pd.DataFrame:
    """One row per (factor, item): standardized loading with its 95% CI, item R^2, corrected
    item-total correlation, alpha if the item is deleted, and flags. For ordered items (WLSMV)
    all of them are of the items' latent responses (:func:`response_cov`)."""
    S = response_cov(m)
    std = std_solution[std_solution["op"] == "=~"].set_index(["lhs", "rhs"])
    rows = []
    for f in m.factors:
        items = m.items[f]
        for v in items:
            rest = [u for u in items if u != v]
            est = std.loc[(f, v)]
            row = dict(factor=f, item=v, loading=m.std_loading[(f, v)], se=est["se"],
                       ci_lower=est["ci_lower"], ci_upper=est["ci_upper"], pvalue=est["pvalue"],
                       r2=1.0 - m.std_resid_var.get(v, np.nan), item_total_r=np.nan,
                       alpha_if_deleted=np.nan)
            if rest:
                with np.errstate(invalid="ignore", divide="ignore"):
                    row["item_total_r"] = (S.loc[v, rest].sum()
                                           / np.sqrt(S.loc[v, v]
                                                     * S.loc[rest, rest].to_numpy().sum()))
            mixed = bool(m.scales) and not all(u in m.scales for u in items)
            if len(rest) >= 2 and not mixed:
                row["alpha_if_deleted"] = cronbach_alpha(S.loc[rest, rest].to_numpy())
            others = m.other_factors(f, v)
            notes = []
            row["low_loading"] = bool(abs(row["loading"]) < threshold)
            if row["low_loading"]:
                notes.append(f"standardized loading {row['loading']:.3f} is below {threshold:g}")
            row["cross_loading"] = bool(others)
            if others:
                notes.append(f"also loads on {', '.join(others)}")
            row["heywood"] = bool(m.improper_variance(v) or abs(row["loading"]) > 1)
            if row["heywood"]:
                notes.append(f"improper: residual variance {m.resid_var.get(v, np.nan):.3g}, "
                             f"standardized loading {row['loading']:.3f} (Heywood case)")
            if not rest:
                notes.append("single indicator: no item-total correlation")
            elif len(rest) < 2:
                notes.append("two-item factor: alpha if deleted is undefined")
            elif mixed:
                notes.append("ordered and continuous items: alpha if deleted is not computed "
                             "(as reliability(), not matched to semTools there)")
            row["note"] = "; ".join(notes)
            rows.append(row)
    return pd.DataFrame(rows, columns=["factor", "item", "loading", "se", "ci_lower", "ci_upper",
                                       "pvalue", "r2", "item_total_r", "alpha_if_deleted",
                                       "low_loading", "cross_loading", "heywood", "note"])


def fornell_larcker_tables(m: Measurement, ave: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Fornell-Larcker matrix (sqrt(AVE) on the diagonal, latent correlations off it) and
    one row per pair: ``factor_1 factor_2 r sqrt_ave_1 sqrt_ave_2 passes note``."""
    factors = m.factors
    cor = m.lv_cor.loc[factors, factors].copy()
    with np.errstate(invalid="ignore"):               # a negative AVE (improper solution)
        root = np.sqrt(ave.reindex(factors).to_numpy(float))
    matrix = cor.copy()
    for i, f in enumerate(factors):
        matrix.loc[f, f] = root[i]
    rows = []
    for i, a in enumerate(factors):
        for j in range(i + 1, len(factors)):
            b = factors[j]
            r = float(cor.loc[a, b])
            ok = pd.NA
            note = ""
            if np.isfinite(root[i]) and np.isfinite(root[j]):
                ok = bool(abs(r) < min(root[i], root[j]))
                if not ok:
                    weaker = a if root[i] <= root[j] else b
                    note = (f"|r| = {abs(r):.3f} is not below sqrt(AVE) of {weaker} "
                            f"({min(root[i], root[j]):.3f})")
            else:
                missing = [f for f, v in ((a, root[i]), (b, root[j])) if not np.isfinite(v)]
                note = f"AVE undefined for {', '.join(missing)} (see reliability notes)"
            rows.append(dict(factor_1=a, factor_2=b, r=r, sqrt_ave_1=root[i], sqrt_ave_2=root[j],
                             passes=ok, note=note))
    pairs = pd.DataFrame(rows, columns=["factor_1", "factor_2", "r", "sqrt_ave_1", "sqrt_ave_2",
                                        "passes", "note"])
    pairs["passes"] = pairs["passes"].astype("boolean")
    return matrix, pairs


def htmt_matrices(m: Measurement) -> tuple[pd.DataFrame, pd.DataFrame]:
    """HTMT and HTMT2 matrices of the first-order factors, as semTools ``htmt()`` (absolute item
    correlations; an item shared by two factors is not correlated with itself)."""
    factors = m.factors
    names = list(m.sample_cov.index)
    R = np.abs(_cor(m.sample_cov.to_numpy()))
    np.fill_diagonal(R, np.nan)
    pos = {v: i for i, v in enumerate(names)}

    def block(a, b):
        idx_a = [pos[v] for v in m.items[a]]
        idx_b = [pos[v] for v in m.items[b]]
        return R[np.ix_(idx_a, idx_b)]

    def arith(x):
        x = x[np.isfinite(x)]
        return x.mean() if x.size else np.nan

    def geom(x):
        x = x[np.isfinite(x)]
        with np.errstate(divide="ignore"):
            return np.exp(np.log(x).mean()) if x.size else np.nan

    out = []
    for mean in (arith, geom):
        within = {f: mean(block(f, f)) for f in factors}
        mat = pd.DataFrame(np.nan, index=factors, columns=factors)
        for a in factors:
            for b in factors:
                with np.errstate(invalid="ignore", divide="ignore"):
                    mat.loc[a, b] = mean(block(a, b)) / np.sqrt(within[a] * within[b])
        out.append(mat)
    return out[0], out[1]


def htmt_pairs(m: Measurement) -> pd.DataFrame:
    """One row per pair of factors: ``factor_1 factor_2 htmt htmt2 above_85 above_90 note``;
    the flags use HTMT (Henseler et al. 2015's criterion)."""
    h1, h2 = htmt_matrices(m)
    rows = []
    factors = m.factors
    for i, a in enumerate(factors):
        for b in factors[i + 1:]:
            v1, v2 = float(h1.loc[a, b]), float(h2.loc[a, b])
            row = dict(factor_1=a, factor_2=b, htmt=v1, htmt2=v2, above_85=pd.NA,
                       above_90=pd.NA, note="")
            if np.isfinite(v1):
                row["above_85"] = CUTOFFS["htmt_85"].fails(v1)
                row["above_90"] = CUTOFFS["htmt_90"].fails(v1)
            else:
                single = [f for f in (a, b) if len(m.items[f]) < 2]
                row["note"] = (f"HTMT needs at least two items per factor; {', '.join(single)} "
                               "has one" if single else "HTMT is undefined (zero correlations)")
            rows.append(row)
    out = pd.DataFrame(rows, columns=["factor_1", "factor_2", "htmt", "htmt2", "above_85",
                                      "above_90", "note"])
    out["above_85"] = out["above_85"].astype("boolean")
    out["above_90"] = out["above_90"].astype("boolean")
    return out


# ---------------------------------------------------------------------------- for Result methods

def _groups(res, group) -> list[int]:
    """Group numbers to report: ``group`` (a number from 1 or a group label), or all groups."""
    n = res.partable.ngroups
    if group is None:
        return list(range(1, n + 1))
    labels = list(getattr(res, "group_labels", []) or [])
    if group in labels:
        return [labels.index(group) + 1]
    if isinstance(group, (int, np.integer)) and 1 <= group <= n:
        return [int(group)]
    raise ValueError(f"unknown group {group!r}: use 1..{n}" +
                     (f" or one of {labels}" if labels else ""))


def _per_group(res, group, table) -> pd.DataFrame:
    """``table(g)`` for each requested group; a ``group`` column (the group label) first when
    the model has several groups."""
    frames = []
    for g in _groups(res, group):
        frame = table(g)
        if res.partable.ngroups > 1:
            labels = list(getattr(res, "group_labels", []) or [])
            frame.insert(0, "group", labels[g - 1] if labels else g)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _one_group(res, group, what) -> int:
    groups = _groups(res, group)
    if len(groups) > 1:
        raise ValueError(f"{what} is per group: pass group= (a number or a label)")
    return groups[0]


def _std_solution(res, g: int) -> pd.DataFrame:
    std = res.standardized_solution("std.all")
    return std[std["group"] == g]


def reliability(res, group=None) -> pd.DataFrame:
    """``res.reliability()``: see :func:`reliability_table` (per group for multigroup models)."""
    return _per_group(res, group, lambda g: reliability_table(measurement_parts(res, g)))


def item_diagnostics(res, threshold: float = LOW_LOADING, group=None) -> pd.DataFrame:
    """``res.item_diagnostics()``: see :func:`item_table` (``threshold``: low-loading flag);
    for ordered items ``attrs["note"]`` says the rows are of the latent responses."""
    table = _per_group(res, group, lambda g: item_table(measurement_parts(res, g),
                                                        _std_solution(res, g), threshold))
    if res.problem.ordinal is not None:
        table.attrs["note"] = LATENT_RESPONSE_ITEMS
    return table


LATENT_RESPONSE_ITEMS = (
    "ordered items (WLSMV): loadings (std.all), R², item-total correlations and alpha if "
    "deleted are of the items' latent responses (polychoric correlations)")


def _fornell_larcker_note(res, table: pd.DataFrame) -> pd.DataFrame:
    if res.problem.ordinal is not None:
        table.attrs["note"] = ("ordered items (WLSMV): AVE of the latent responses (semTools "
                               "AVE) and model-implied latent correlations (lavaan cor.lv)")
    return table


def _fornell_larcker(res, g: int):
    m = measurement_parts(res, g)
    return fornell_larcker_tables(m, reliability_table(m).set_index("factor")["ave"])


def fornell_larcker(res, matrix: bool = False, group=None) -> pd.DataFrame:
    """``res.fornell_larcker()``: one row per pair with its verdict, or with ``matrix=True`` the
    classic table (sqrt(AVE) on the diagonal, latent correlations off it) of one group."""
    if matrix:
        return _fornell_larcker_note(res, _fornell_larcker(
            res, _one_group(res, group, "the Fornell-Larcker matrix"))[0])
    return _fornell_larcker_note(res, _per_group(res, group,
                                                 lambda g: _fornell_larcker(res, g)[1]))


def htmt(res, matrix: bool = False, kind: str = "htmt", group=None) -> pd.DataFrame:
    """``res.htmt()``: one row per pair (HTMT, HTMT2, flags at .85 and .90), or with ``matrix=True``
    the ``kind`` ("htmt" or "htmt2") matrix of one group."""
    if kind not in ("htmt", "htmt2"):
        raise ValueError("kind must be 'htmt' or 'htmt2'")
    if matrix:
        m = measurement_parts(res, _one_group(res, group, "the HTMT matrix"))
        return htmt_matrices(m)[0 if kind == "htmt" else 1]
    return _per_group(res, group, lambda g: htmt_pairs(measurement_parts(res, g)))


# ---------------------------------------------------------------------------- the report

@dataclass
class MeasurementReport:
    """Reliability and validity of a fitted measurement model, with the cut-offs and verdicts.

    ``reliability``, ``items``, ``fornell_larcker`` (matrix), ``fornell_larcker_pairs``,
    ``htmt`` (pairs), ``htmt_matrix``, ``criteria`` (one row per criterion: threshold, source,
    what fails), ``modindices`` (the largest modification indices), ``statements`` (plain-language
    verdicts) and ``notes`` (what could not be computed, and why); ``latent_responses``: the
    items are ordered (a WLSMV fit) and the tables are of their latent responses.
    """

    model: str
    reliability: pd.DataFrame
    items: pd.DataFrame
    fornell_larcker: pd.DataFrame
    fornell_larcker_pairs: pd.DataFrame
    htmt: pd.DataFrame
    htmt_matrix: pd.DataFrame
    criteria: pd.DataFrame
    modindices: pd.DataFrame
    statements: list[str]
    notes: list[str]
    warnings: list[str]
    latent_responses: bool = False          # ordered items (WLSMV): latent-response metric

    def to_text(self) -> str:
        fmt = lambda v: f"{v:.3f}"                               # noqa: E731
        parts = [f"Measurement quality: {self.model}", ""]
        if self.warnings:
            parts += ["WARNINGS"] + [f"  ! {w}" for w in self.warnings] + [""]
        parts += ["Verdicts"] + [f"  - {s}" for s in self.statements] + [""]
        rel = self.reliability.drop(columns="note")
        parts += ["Reliability and convergent validity",
                  rel.to_string(index=False, float_format=fmt, na_rep="-"), ""]
        items = self.items[["factor", "item", "loading", "ci_lower", "ci_upper", "r2",
                            "item_total_r", "alpha_if_deleted"]]
        parts += [f"Items ({self._loadings_title()}, with 95% CI)",
                  items.to_string(index=False, float_format=fmt, na_rep="-"), ""]
        parts += ["Fornell-Larcker (sqrt(AVE) on the diagonal, latent correlations below)",
                  _lower(self.fornell_larcker).to_string(float_format=fmt, na_rep=""), ""]
        parts += ["HTMT (lower triangle) and HTMT2 (upper triangle)",
                  self.htmt_matrix.to_string(float_format=fmt, na_rep=""), ""]
        if len(self.modindices):
            parts += [f"Largest modification indices (MI > {MI_CRITICAL:g}: significant at .05)",
                      self.modindices.to_string(index=False, float_format=fmt), ""]
        parts += ["Criteria"]
        for _, c in self.criteria.iterrows():
            parts.append(f"  {c['criterion']:<16} {c['rule']}: {c['result']}")
        if self.notes:
            parts += ["", "Notes"] + [f"  * {n}" for n in self.notes]
        parts += ["", "Sources"] + [f"  {r}" for r in REFERENCES]
        return "\n".join(parts)

    def _loadings_title(self) -> str:
        return ("standardized loadings of the latent responses (polychoric)"
                if self.latent_responses else "standardized loadings")

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        fmt = lambda v: f"{v:.3f}"                               # noqa: E731
        html = [f"<div><b>Measurement quality: {self.model}</b>"]
        if self.warnings:
            html.append("<ul>" + "".join(f"<li style='color:#b00'>{w}</li>" for w in self.warnings)
                        + "</ul>")
        html.append("<ul>" + "".join(f"<li>{s}</li>" for s in self.statements) + "</ul>")
        for title, frame, index in (
                ("Reliability and convergent validity", self.reliability.drop(columns="note"),
                 False),
                (f"Items ({self._loadings_title()})", self.items.drop(columns="note"), False),
                ("Fornell-Larcker", _lower(self.fornell_larcker), True),
                ("HTMT (lower) / HTMT2 (upper)", self.htmt_matrix, True),
                ("Criteria", self.criteria, False)):
            html.append(f"<h4>{title}</h4>" + frame.to_html(index=index, float_format=fmt,
                                                            na_rep=""))
        if self.notes:
            html.append("<h4>Notes</h4><ul>" + "".join(f"<li>{n}</li>" for n in self.notes)
                        + "</ul>")
        return "".join(html) + "</div>"


def _lower(matrix: pd.DataFrame) -> pd.DataFrame:
    values = matrix.to_numpy(float, copy=True)
    values[np.triu_indices_from(values, 1)] = np.nan
    return pd.DataFrame(values, index=matrix.index, columns=matrix.columns)


def measurement_report(res, *, loading_threshold: float = LOW_LOADING, top_modindices: int = 10,
                       group=None) -> MeasurementReport:
    """Put reliability, items, Fornell-Larcker, HTMT and the largest MIs together with verdicts
    (for one group: ``group`` is required for multigroup models)."""
    from .modindices import modification_indices
    g = _one_group(res, group, "the measurement report")
    m = measurement_parts(res, g)
    rel = reliability_table(m)
    items = item_table(m, _std_solution(res, g), loading_threshold)
    fl_matrix, fl_pairs = fornell_larcker_tables(m, rel.set_index("factor")["ave"])
    htmt = htmt_pairs(m)
    h1, h2 = htmt_matrices(m)
    values = h1.to_numpy(float, copy=True)
    upper = np.triu_indices_from(values, 1)
    values[upper] = h2.to_numpy(float)[upper]
    np.fill_diagonal(values, np.nan)
    combined = pd.DataFrame(values, index=h1.index, columns=h1.columns)
    mi = modification_indices(res, minimum_value=MI_CRITICAL)
    if "group" in mi:
        mi = mi[mi["group"] == g].drop(columns="group")
    mi = mi.head(top_modindices).reset_index(drop=True)
    statements, criteria = _verdicts(rel, items, fl_pairs, htmt, loading_threshold)

    notes = [f"{r.factor}: {r.note}" for r in rel.itertuples() if r.note]
    notes += [f"{r.factor_1}-{r.factor_2}: {r.note}" for r in htmt.itertuples() if r.note]
    notes += [f"{f} is a higher-order factor (measured by factors): its reliability is not "
              "computed here (semTools compRelSEM(higher=) gives the hierarchical omega)"
              for f in m.higher_order]
    if m.scales:
        notes.append("ordered items (WLSMV): loadings, R², item-total correlations, alpha, AVE "
                     "and HTMT are of the items' latent responses (polychoric correlations of "
                     "the rows the model was fitted to; semTools AVE and htmt on the same); "
                     "omega is Green & Yang's (2009) categorical omega (semTools compRelSEM), "
                     "alpha is ordinal alpha.")
    else:
        notes.append("alpha, omega, AVE and HTMT use the observed covariances of the rows the "
                     "model was fitted to (semTools' defaults: compRelSEM/AVE obs.var = TRUE; "
                     "htmt absolute correlations); omega_model uses the model-implied "
                     "covariances.")
    if len(mi):
        notes.append(f"modification indices are score tests (1 df): values above "
                     f"{MI_CRITICAL:g} are significant at .05, but free a parameter only when "
                     "theory supports it.")
    name = res.spec.name
    if res.partable.ngroups > 1:
        labels = list(getattr(res, "group_labels", []) or [])
        name += f", group {labels[g - 1] if labels else g}"
    return MeasurementReport(
        model=name, reliability=rel, items=items, fornell_larcker=fl_matrix,
        fornell_larcker_pairs=fl_pairs, htmt=htmt, htmt_matrix=combined,
        criteria=pd.DataFrame(criteria, columns=["criterion", "threshold", "rule", "result"]),
        modindices=mi, statements=statements, notes=notes, warnings=list(res.warnings),
        latent_responses=bool(m.scales))


def _verdicts(rel: pd.DataFrame, items: pd.DataFrame, fl_pairs: pd.DataFrame,
              htmt: pd.DataFrame, loading_threshold: float) -> tuple[list[str], list[dict]]:
    """Plain-language verdicts and the criteria table. Factors with an improper solution are
    named first and left out of the reliability and validity verdicts."""
    statements, criteria = [], []
    improper = set(rel.loc[rel["improper"], "factor"])
    for r in items[items["heywood"]].itertuples():
        statements.append(f"Item {r.item} of {r.factor} has an improper solution ({r.note}): "
                          f"reliability and validity of {r.factor} are not judged until the "
                          "model is fixed.")
    for f in sorted(improper - set(items.loc[items["heywood"], "factor"])):
        statements.append(f"{f} has an improper solution (see notes): its reliability and "
                          "validity are not judged.")

    def judge(key, what, frame, noun, failing):
        threshold, rule = CRITERIA[key]
        if key == "loading" and loading_threshold != LOW_LOADING:
            threshold, rule = loading_threshold, rule.replace(".50", f"{loading_threshold:g}", 1)
        n = len(frame)
        count = f"{n} {noun}{'s' if n != 1 else ''}"
        if n == 0:
            result = "not assessed"
            statements.append(f"{what} was not assessed ({rule}): undefined here, see the notes.")
        elif failing:
            result = f"fails for {', '.join(failing)} ({len(failing)} of {count})"
            statements.append(f"{what} is NOT supported for {', '.join(failing)}: {rule}.")
        else:
            result = f"met by all {count}" if n > 1 else f"met by the {count}"
            statements.append(f"{what} is supported ({result}): {rule}.")
        criteria.append(dict(criterion=key, threshold=threshold, rule=rule, result=result))

    proper = rel[~rel["factor"].isin(improper)]
    judged = proper.dropna(subset=["alpha"])
    judge("alpha", "Internal consistency", judged, "factor",
          [f"{r.factor} ({r.alpha:.3f})" for r in judged.itertuples()
           if CUTOFFS["alpha"].fails(r.alpha)])
    judge("omega", "Composite reliability", judged, "factor",
          [f"{r.factor} ({r.omega:.3f})" for r in judged.itertuples()
           if CUTOFFS["omega"].fails(r.omega)])
    judged = proper.dropna(subset=["ave"])
    judge("ave", "Convergent validity", judged, "factor",
          [f"{r.factor} ({r.ave:.3f})" for r in judged.itertuples()
           if CUTOFFS["ave"].fails(r.ave)])
    pairs = fl_pairs.dropna(subset=["passes"])
    pairs = pairs[~pairs["factor_1"].isin(improper) & ~pairs["factor_2"].isin(improper)]
    judge("fornell_larcker", "Discriminant validity (Fornell-Larcker)", pairs, "pair",
          [f"{r.factor_1}-{r.factor_2} (|r| = {abs(r.r):.3f})" for r in pairs.itertuples()
           if not r.passes])
    pairs = htmt.dropna(subset=["htmt"])
    for key in ("htmt_85", "htmt_90"):
        cut = CUTOFFS[key]
        judge(key, f"Discriminant validity (HTMT {num(cut.threshold, 2, bounded=True)})", pairs,
              "pair", [f"{r.factor_1}-{r.factor_2} ({r.htmt:.3f})" for r in pairs.itertuples()
                       if cut.fails(r.htmt)])
    judge("loading", "Indicator reliability", items, "item",
          [f"{r.item} on {r.factor} ({r.loading:.3f})" for r in items.itertuples()
           if abs(r.loading) < loading_threshold])
    return statements, criteria


