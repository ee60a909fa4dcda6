"""What a PLS-SEM fit reports: R², reliability, HTMT, f², VIF, cross-loadings, the satisfaction
index and the importance-performance map.

Definitions as SmartPLS and seminr report them (Hair, Hult, Ringle & Sarstedt 2022, chs. 4-6;
Hair, Risher, Sarstedt & Ringle 2019):

* adjusted R² = 1 - (1 - R²)(n - 1)/(n - k - 1), k predictors;
* alpha: standardized Cronbach's alpha, ``k r / (1 + (k - 1) r)`` with ``r`` the mean item
  correlation; rho_A (Dijkstra & Henseler 2015); rho_C = (Σλ)² / ((Σλ)² + Σ(1 - λ²)); AVE = mean
  λ² (single items: 1);
* HTMT (Henseler, Ringle & Sarstedt 2015): the mean absolute correlation of the items of two
  constructs over the geometric mean of their mean within-block absolute correlations;
* f² = (R²_included - R²_excluded) / (1 - R²_included), the excluded model re-estimated;
* VIF: the diagonal of the inverse correlation matrix of a construct's antecedents' scores, and
  of each block's items;
* the satisfaction index (Fornell et al. 1996, *Journal of Marketing* 60(4), 7-18): items
  rescaled to 0-100 by the theoretical scale, construct index = Σ w̃ x̃ with the unstandardized
  weights normalized to sum 1;
* IPMA (Ringle & Sarstedt 2016, *Industrial Management & Data Systems* 116(9), 1865-1886):
  importance = the unstandardized total effect on the target computed from the 0-100 construct
  scores, performance = their mean.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .pls import fit_pls
from .plsbatch import BatchedPLS
from .plshoc import TwoStage
from .plsinteraction import InteractionTwoStage


def _fit(result):
    return result.estimate.opt.details["pls_fit"]


def _model(result):
    """The model assessed: a two-stage model's second stage (Sarstedt et al. 2019: the
    higher-order construct is assessed there, its dimensions' scores as its indicators)."""
    model = result.problem.pls["model"]
    return model.stage2 if isinstance(model, TwoStage) else model


def _data(result) -> np.ndarray:
    """The standardized indicators of :func:`_model` (second stage: with the scores)."""
    pls = result.problem.pls
    if isinstance(pls["model"], TwoStage):
        return pls["model"].stage2_data(pls["X"], result.estimate.opt.details["pls_stages"][0])
    return pls["X"]


def r2_table(result, adjusted: bool = False) -> pd.Series:
    """R² (or adjusted R²) of every endogenous construct."""
    fit, model = _fit(result), _model(result)
    n = result.n_obs
    out = {}
    for j in model.endogenous:
        r2 = fit.r2[j]
        if adjusted:
            k = int(model.paths[:, j].sum())
            r2 = 1.0 - (1.0 - r2) * (n - 1) / (n - k - 1)
        out[model.constructs[j]] = float(r2)
    return pd.Series(out, name="r2_adjusted" if adjusted else "r2", dtype=float)


def _item_correlations(result) -> np.ndarray:
    X = _data(result)
    return X.T @ X / (len(X) - 1)


def reliability_table(result) -> pd.DataFrame:
    """Per construct: ``n_items alpha rho_a rho_c ave`` (a two-stage model: its dimensions'
    from stage 1, the other constructs' from stage 2, as Sarstedt et al. 2019 assess them)."""
    model = result.problem.pls["model"]
    table = _reliability(_data(result), _model(result), _fit(result))
    if not isinstance(model, TwoStage):
        return table
    first = _reliability(result.problem.pls["X"], model.stage1,
                         result.estimate.opt.details["pls_stages"][0])
    return pd.concat([first.loc[[c for c in first.index if c in model.dimensions]], table])


def _reliability(X: np.ndarray, model, fit) -> pd.DataFrame:
    R = X.T @ X / (len(X) - 1)
    rows = []
    for j, (construct, block) in enumerate(zip(model.constructs, model.blocks)):
        k = len(block)
        lam = fit.loadings[block, j]
        if k > 1:
            r = R[np.ix_(block, block)][np.triu_indices(k, 1)].mean()
            alpha = k * r / (1 + (k - 1) * r)
            rho_c = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum())
            ave = float(np.mean(lam ** 2))
        else:
            alpha = rho_c = ave = 1.0
        rows.append(dict(factor=construct, n_items=k, alpha=alpha, rho_a=fit.rho_a[j],
                         rho_c=rho_c, ave=ave))
    return pd.DataFrame(rows).set_index("factor")


def htmt_matrix(result) -> pd.DataFrame:
    """HTMT of every pair of constructs (symmetric; 1 on the diagonal;
    :meth:`relqual.plsbatch.BatchedPLS.htmt`). A two-stage model: of the constructs of both
    stages, its HOCs' items being their dimensions' scores (as seminr)."""
    pls = result.problem.pls
    model, X = pls["model"], pls["X"]
    if isinstance(model, TwoStage):
        X = model.combined_data(X, result.estimate.opt.details["pls_stages"][0])
        model = model.combined
    batch = BatchedPLS(model, pls["settings"])
    H = np.eye(len(model.constructs))
    H[batch.pairs] = batch.htmt((X.T @ X / (len(X) - 1))[None])[0]
    H.T[batch.pairs] = H[batch.pairs]
    return pd.DataFrame(H, index=model.constructs, columns=model.constructs)


def construct_scores(result, method: str = "regression", data=None) -> pd.DataFrame:
    """PLS construct scores: the standardized indicators times the outer weights (unit
    variance in the fitted rows); ``data``: new rows, standardized with the fitted rows' means
    and standard deviations (their index is kept).

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> scores = res.factor_scores()
    >>> scores.shape, [round(float(v), 6) for v in scores.std()[:2]]
    ((537, 5), [1.0, 1.0])
    """
    if method != "regression":
        raise ValueError(f"method='{method}' is a scoring method of factor models; PLS construct "
                         "scores are the weighted sums of the standardized indicators (leave "
                         "method out)")
    model, fit = _model(result), _fit(result)
    if data is None:
        return pd.DataFrame(_data(result) @ fit.weights, columns=model.constructs)
    if isinstance(result.problem.pls["model"], TwoStage):
        raise NotImplementedError("scores of new data are not available for two-stage "
                                  "higher-order models yet (leave data out for the fit's scores)")
    raw = result.problem.data.arrays[0]
    missing = [v for v in model.indicators if v not in getattr(data, "columns", ())]
    if missing:
        raise ValueError(f"the new data lack the indicator column(s) {', '.join(missing)}")
    values = data[list(model.indicators)].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    bad = ~np.isfinite(values)
    if bad.any():
        row, k = np.argwhere(bad)[0]
        raise ValueError(f"row {data.index[row]!r} of the new data has no usable value of "
                         f"'{model.indicators[k]}' (missing or not a number); PLS scores need "
                         "every indicator")
    X = (values - raw.mean(axis=0)) / raw.std(axis=0, ddof=1)
    return pd.DataFrame(X @ fit.weights, columns=model.constructs, index=data.index)


def htmt_table(result) -> pd.DataFrame:
    """HTMT per pair of constructs: ``factor_1 factor_2 htmt above_85 above_90``; for a fit
    with bootstrap draws (``se="bootstrap"``) also the bootstrap test of Henseler, Ringle &
    Sarstedt (2015), one-sided as Franke & Sarstedt (2019): ``se ci_lower ci_upper
    upper_one_sided below_85 below_90`` (:meth:`relqual.plsboot.PLSBootstrapDraws.htmt`).

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS", se="bootstrap", bootstrap=200, seed=1)
    >>> list(res.htmt().columns)            # doctest: +NORMALIZE_WHITESPACE
    ['factor_1', 'factor_2', 'htmt', 'above_85', 'above_90', 'se', 'ci_lower', 'ci_upper',
     'upper_one_sided', 'below_85', 'below_90']
    """
    H = htmt_matrix(result)
    names = list(H.index)
    table = pd.DataFrame([dict(factor_1=a, factor_2=b, htmt=H.loc[a, b],
                               above_85=H.loc[a, b] > .85, above_90=H.loc[a, b] > .90)
                          for k, a in enumerate(names) for b in names[k + 1:]])
    boot = result.boot
    if boot is not None and hasattr(boot, "htmt"):
        test = boot.htmt()
        for column in ("se", "ci_lower", "ci_upper", "upper_one_sided", "below_85", "below_90"):
            table[column] = test[column].to_numpy()
        table.attrs.update(test.attrs)
    return table


def f2_table(result) -> pd.DataFrame:
    """f² of every path: ``lhs op rhs f2`` (each excluded model re-estimated by PLS)."""
    fit, model = _fit(result), _model(result)
    problem = result.problem
    rows = []
    for j in model.endogenous:
        for i in np.flatnonzero(model.paths[:, j]):
            paths = model.paths.copy()
            paths[i, j] = False
            reduced = fit_pls(_data(result), type(model)(model.constructs, model.indicators,
                                                            model.blocks, model.modes, paths),
                              **problem.pls["settings"])
            r2_excluded = reduced.r2[j] if paths[:, j].any() else 0.0
            rows.append(dict(lhs=model.constructs[j], op="~", rhs=model.constructs[i],
                             f2=(fit.r2[j] - r2_excluded) / (1 - fit.r2[j])))
    return pd.DataFrame(rows, columns=["lhs", "op", "rhs", "f2"])


def vif_table(result) -> pd.DataFrame:
    """VIFs: ``kind`` "antecedent" (``lhs`` the outcome, ``rhs`` the predictor; from the
    predictors' score correlations) and "indicator" (``lhs`` the construct, ``rhs`` the item)."""
    fit, model = _fit(result), _model(result)
    rows = []
    Y = fit.scores
    S = Y.T @ Y / (len(Y) - 1)
    for j in model.endogenous:
        pred = np.flatnonzero(model.paths[:, j])
        vif = np.diag(np.linalg.inv(S[np.ix_(pred, pred)]))
        rows += [dict(kind="antecedent", lhs=model.constructs[j], op="~",
                      rhs=model.constructs[i], vif=v) for i, v in zip(pred, vif)]
    R = _item_correlations(result)
    for j, block in enumerate(model.blocks):
        vif = np.diag(np.linalg.inv(R[np.ix_(block, block)])) if len(block) > 1 else [1.0]
        op = "<~" if model.modes[j] == "B" else "=~"
        rows += [dict(kind="indicator", lhs=model.constructs[j], op=op,
                      rhs=model.indicators[k], vif=v) for k, v in zip(block, vif)]
    return pd.DataFrame(rows, columns=["kind", "lhs", "op", "rhs", "vif"])


def cross_loadings_table(result) -> pd.DataFrame:
    """Correlations of every indicator with every construct's scores."""
    fit, model = _fit(result), _model(result)
    X = _data(result)
    C = X.T @ fit.scores / (len(X) - 1)
    return pd.DataFrame(C, index=model.indicators, columns=model.constructs)


# ----------------------------------------------------------------- index and IPMA

def _check_scale(scale) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise TypeError(f"scale must be (lowest, highest) answer, e.g. scale=(1, 5) "
                        f"(got {scale!r})") from None
    if not hi > lo:
        raise ValueError(f"scale must go from the lowest to the highest answer (got {scale!r})")
    return lo, hi


def _refuse_interaction(result) -> None:
    """The index and IPMA of a model with interaction terms are refused: a product of
    constructs has no answer scale, and its items are not the data's columns."""
    if isinstance(result.problem.pls["model"], InteractionTwoStage):
        raise NotImplementedError("the 0-100 index and IPMA are not available for models with "
                                  "interaction terms (a product of constructs has no answer "
                                  "scale); fit the model without the interaction term for them")


def index_weights(result) -> pd.DataFrame:
    """Unstandardized outer weights normalized to sum 1 per construct (``construct item
    weight``); a negative weight is refused (the index is then undefined)."""
    _refuse_interaction(result)
    fit, model = _fit(result), _model(result)
    raw = result.problem.data.arrays[0]
    sd = raw.std(axis=0, ddof=1)
    rows = []
    for j, (construct, block) in enumerate(zip(model.constructs, model.blocks)):
        w = fit.weights[block, j] / sd[block]
        if np.any(w < 0):
            bad = model.indicators[block[int(np.argmin(w))]]
            raise ValueError(f"construct '{construct}' has a negative outer weight ('{bad}'), so "
                             "its 0-100 index is undefined; recode or drop the item, or report "
                             "the construct without an index")
        rows += [dict(construct=construct, item=model.indicators[k], weight=v)
                 for k, v in zip(block, w / w.sum())]
    return pd.DataFrame(rows)


def index_scores_frame(result, scale) -> pd.DataFrame:
    """Every respondent's 0-100 index of every construct (rows as the fit's rows)."""
    lo, hi = _check_scale(scale)
    _refuse_interaction(result)
    model = _model(result)
    raw = result.problem.data.arrays[0]
    outside = (raw < lo) | (raw > hi)
    if outside.any():
        row, k = np.argwhere(outside)[0]
        raise ValueError(f"item '{model.indicators[k]}' has the answer {raw[row, k]:g}, outside "
                         f"scale=({lo:g}, {hi:g}); give the scale the items were asked on")
    rescaled = (raw - lo) / (hi - lo) * 100.0
    weights = index_weights(result)
    position = {v: k for k, v in enumerate(model.indicators)}
    out = {}
    for construct, part in weights.groupby("construct", sort=False):
        cols = [position[i] for i in part["item"]]
        out[construct] = rescaled[:, cols] @ part["weight"].to_numpy()
    return pd.DataFrame(out)


def ipma_table(result, target: str, scale) -> pd.DataFrame:
    """Importance (unstandardized total effect on ``target`` from the 0-100 scores) and
    performance (mean 0-100 score) of every construct that affects ``target``."""
    model = _model(result)
    if target not in model.constructs:
        raise ValueError(f"target '{target}' is not a construct of the model (constructs: "
                         f"{', '.join(model.constructs)})")
    scores = index_scores_frame(result, scale)
    m = len(model.constructs)
    B = np.zeros((m, m))
    V = scores[model.constructs].to_numpy()
    for j in model.endogenous:
        pred = np.flatnonzero(model.paths[:, j])
        design = np.column_stack([np.ones(len(V)), V[:, pred]])
        B[pred, j] = np.linalg.lstsq(design, V[:, j], rcond=None)[0][1:]
    total = np.linalg.inv(np.eye(m) - B) - np.eye(m)
    t = model.constructs.index(target)
    rows = [dict(construct=c, importance=total[i, t], performance=float(V[:, i].mean()))
            for i, c in enumerate(model.constructs) if i != t and total[i, t] != 0]
    table = pd.DataFrame(rows, columns=["construct", "importance", "performance"])
    table.attrs.update(target=target, scale=tuple(scale))
    return table


# ----------------------------------------------------------------- Fornell-Larcker and effects

def fornell_larcker_matrix(result) -> pd.DataFrame:
    """Construct correlations with the square root of the AVE on the diagonal (Fornell &
    Larcker 1981): each diagonal entry should exceed the correlations in its row and column."""
    fit, model = _fit(result), _model(result)
    ave = reliability_table(result)["ave"].to_numpy()
    R = fit.construct_cor.copy()
    np.fill_diagonal(R, np.sqrt(ave))
    return pd.DataFrame(R, index=model.constructs, columns=model.constructs)


def _paths_matrix(result, x: np.ndarray) -> np.ndarray:
    """Constructs x constructs path coefficients (row predicts column) at parameter vector x."""
    model = _model(result)
    col = result.partable.col
    position = {c: k for k, c in enumerate(model.constructs)}
    B = np.zeros((len(model.constructs),) * 2)
    for k in np.flatnonzero(col["op"] == "~"):
        B[position[col["rhs"][k]], position[col["lhs"][k]]] = x[col["free"][k] - 1]
    return B


def _chains(model) -> list[list[int]]:
    """Every directed chain of two or more paths (the specific indirect effects)."""
    chains = []

    def extend(chain):
        for nxt in np.flatnonzero(model.paths[chain[-1]]):
            longer = chain + [int(nxt)]
            if len(longer) > 2:
                chains.append(longer)
            extend(longer)

    for start in range(len(model.constructs)):
        extend([start])
    return chains


def effects_frame(result, draws: int = 0, seed=None, level: float = 0.95) -> pd.DataFrame:
    """Direct, specific indirect, total indirect and total effects between constructs (the
    mediation analysis of Nitzl, Roldán & Cepeda 2016), with bootstrap standard errors and
    percentile intervals when ``draws`` > 0 (or when the fit has bootstrap draws)."""
    model = _model(result)
    names = model.constructs
    chains = _chains(model)

    def values(x):
        B = _paths_matrix(result, x)
        total = np.linalg.inv(np.eye(len(names)) - B) - np.eye(len(names))
        out = [B[i, j] for i, j in zip(*np.nonzero(model.paths))]
        out += [np.prod([B[a, b] for a, b in zip(c[:-1], c[1:])]) for c in chains]
        pairs = sorted({(i, j) for i in range(len(names)) for j in range(len(names))
                        if total[i, j] != 0 or model.paths[i, j]})
        out += [total[i, j] - B[i, j] for i, j in pairs] + [total[i, j] for i, j in pairs]
        return np.array(out), pairs

    est, pairs = values(result.x)
    rows = [("direct", names[i], names[j], f"{names[i]} -> {names[j]}")
            for i, j in zip(*np.nonzero(model.paths))]
    rows += [("indirect", names[c[0]], names[c[-1]], " -> ".join(names[k] for k in c))
             for c in chains]
    rows += [("total_indirect", names[i], names[j], "") for i, j in pairs]
    rows += [("total", names[i], names[j], "") for i, j in pairs]
    table = pd.DataFrame(rows, columns=["effect", "from", "to", "path"])
    table["est"] = est
    boot = result.boot if result.boot is not None else (
        result.bootstrap(draws, seed=seed, progress=False) if draws else None)
    if boot is not None:
        col = result.partable.col
        free_rows = [np.flatnonzero(col["free"] == k)[0]
                     for k in range(1, result.partable.npar + 1)]
        sample = np.array([values(row[free_rows])[0] for row in boot.block("est")])
        table["se"] = sample.std(axis=0, ddof=1)
        tail = (1 - level) / 2
        table["ci_lower"], table["ci_upper"] = np.quantile(sample, [tail, 1 - tail], axis=0)
        table.attrs.update(draws=len(sample), failed=boot.n_failed)
    else:
        table["se"] = table["ci_lower"] = table["ci_upper"] = np.nan
    keep = (table["effect"] != "total_indirect") | (table["est"] != 0)
    return table[keep].reset_index(drop=True)
