"""PLSpredict and CVPAT: out-of-sample prediction of a PLS path model by repeated k-fold
cross-validation (``Result.predict``).

PLSpredict (Shmueli, Sarstedt, Hair, Cheah, Ting, Vaithilingam & Ringle 2019, *European
Journal of Marketing* 53(11), 2322-2347; Shmueli, Ray, Velasquez Estrada & Chatla 2016):

1. The rows the fit used are split at random into ``k`` folds (``repeats`` times, each time
   anew). Every fold is held out once; the model is estimated by PLS on the other ``k - 1``
   folds (the training rows, standardized with their own means and standard deviations).
2. The held-out rows are standardized with the *training* means and standard deviations and
   scored with the training weights, ``Y = Z W``. The scores of the endogenous constructs are
   predicted from the structural model: ``technique="earliest"`` (the default, Shmueli et al.)
   from the exogenous constructs' scores through the total effects, ``(I - B)^-1``;
   ``"direct"`` from the scores of the direct antecedents, ``Y B``.
3. Every indicator of an endogenous construct is predicted as ``Ŷ_j λ_kj sd_k + mean_k``
   (training loadings, standard deviations and means: the indicator's own metric).
4. Benchmarks on the same folds: the *LM* benchmark regresses each such indicator (OLS with an
   intercept, training rows) on the indicators of the exogenous constructs (``"direct"``: of
   the direct antecedents); the *indicator average* (IA) predicts the training mean.
5. With several repetitions every row gets one prediction per repetition; a row's prediction is
   their mean (as R seminr's ``predict_pls(reps=)``), and the measures are computed from those:
   ``RMSE = sqrt(mean(e²))``, ``MAE = mean(|e|)``, and ``Q²predict = 1 - Σ e² / Σ (y - ȳ_train)²``
   (the error against that of the training-mean prediction).

The construct level compares the predicted scores of the endogenous constructs with their
scores in the full-sample fit (standardized): RMSE, MAE and Q²predict against the training
mean of those scores.

Shmueli et al.'s reading (per construct, indicators with ``Q²predict > 0``): PLS has *high*
predictive power when every indicator's PLS RMSE is below the LM's, *medium* when most are,
*low* when a minority is, and *none* when no indicator's is (column ``predictive_power``).

CVPAT (Liengaard, Sharma, Hult, Jensen, Sarstedt, Hair & Ringle 2021, *Decision Sciences* 52(2),
362-392; Sharma et al. 2023): a row's loss is its squared prediction error averaged over the
indicators of a construct (``overall``: of every endogenous construct); ``D_i = L_i(benchmark)
- L_i(PLS)``; ``t = mean(D) / (sd(D) / sqrt(n))`` with ``n - 1`` degrees of freedom. ``t > 0``
means PLS predicts better; ``p_value`` is two-sided, ``p_one_sided`` tests "PLS has the smaller
loss". The benchmarks are the IA and LM predictions of the same folds.

The folds are drawn up front from ``numpy.random.default_rng(seed)``: per repetition one
``permutation(n)``; the row at position ``i`` of it goes to fold ``i * k // n`` (fold sizes differ
by at most one). ``folds=`` also takes given fold labels (``n`` or ``repeats x n``), e.g. another
program's, to replay them; results do not depend on ``n_jobs``.

PLSc fits are refused: their paths and loadings describe common factors, not the composite
scores this prediction uses.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .engine.threads import single_blas_thread
from .options import check_types
from .pls import PLSModel, fit_pls
from .plshoc import refuse_two_stage

TECHNIQUES = ("earliest", "direct")
CHUNK = 10


@dataclass(frozen=True)
class PLSPredictResult:
    """What :func:`pls_predict` returns: tidy tables and the predictions behind them.

    Attributes
    ----------
    indicators : DataFrame
        Per indicator of an endogenous construct: ``construct indicator q2_predict pls_rmse
        pls_mae lm_q2_predict lm_rmse lm_mae``.
    constructs : DataFrame
        Per endogenous construct: ``construct q2_predict rmse mae n_indicators pls_better
        predictive_power`` (construct-score level; ``pls_better``: indicators whose PLS RMSE is
        below the LM's).
    cvpat : DataFrame
        ``construct benchmark loss_pls loss_benchmark difference t df p_value p_one_sided``;
        ``difference`` = ``loss_pls - loss_benchmark`` (negative: PLS predicts better); the
        construct ``"overall"`` pools every endogenous indicator.
    predictions : dict of DataFrame
        ``"pls"``, ``"lm"``, ``"ia"``: the out-of-sample predictions of the endogenous
        indicators (rows as the fit's rows, averaged over the repetitions); ``"scores"``: the
        predicted construct scores of the endogenous constructs.
    folds : ndarray
        Repetitions x rows: every row's fold (0-based).
    technique : str
        "earliest" or "direct".
    notes : list of str
        Folds whose weights did not converge, and other remarks.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> pred = res.predict(folds=5, repeats=2, seed=1)
    >>> pred.folds.shape, list(pred.constructs["construct"])
    ((2, 537), ['SAT', 'TR', 'AC', 'CC'])
    """

    indicators: pd.DataFrame
    constructs: pd.DataFrame
    cvpat: pd.DataFrame
    predictions: dict = field(repr=False)
    folds: np.ndarray = field(repr=False)
    technique: str = "earliest"
    notes: list = field(default_factory=list)


# ----------------------------------------------------------------------------- folds

def fold_assignments(n: int, folds=10, repeats: int = 10, seed=None) -> np.ndarray:
    """Every row's fold in every repetition (repetitions x rows, 0-based fold numbers).

    Parameters
    ----------
    n : int
        The number of rows.
    folds : int or array-like
        The number of folds ``k`` (2 to ``n``; ``n`` is leave-one-out), or given fold labels:
        ``n`` of them (one repetition) or ``repeats x n`` (any labels; renumbered 0..k-1 in
        sorted order per repetition).
    repeats : int
        Repetitions (with an integer ``folds``).
    seed : int, optional
        Seed of ``numpy.random.default_rng``: per repetition one ``permutation(n)``, whose
        ``i``-th row goes to fold ``i * k // n``.

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> from relqual.plspredict import fold_assignments
    >>> a = fold_assignments(7, folds=3, repeats=2, seed=1)
    >>> a.shape, sorted(int(v) for v in np.bincount(a[0]))
    ((2, 7), [2, 2, 3])
    >>> fold_assignments(4, folds=[[5, 5, 9, 9]]).tolist()
    [[0, 0, 1, 1]]
    >>> fold_assignments(5, folds=6)
    Traceback (most recent call last):
    ...
    ValueError: folds=6 is more than the 5 rows the fit used; use 2 to 5 folds (5: leave-one-out)
    """
    if isinstance(folds, (numbers.Integral, np.integer)) and not isinstance(folds, bool):
        k = int(folds)
        if k > n:
            raise ValueError(f"folds={k} is more than the {n} rows the fit used; use 2 to {n} "
                             f"folds ({n}: leave-one-out)")
        if k < 2:
            raise ValueError(f"folds must be at least 2 (got {k})")
        if not (isinstance(repeats, (numbers.Integral, np.integer)) and repeats >= 1):
            raise ValueError(f"repeats must be a whole number of at least 1 (got {repeats!r})")
        check_types(seed=seed)
        rng = np.random.default_rng(seed)
        out = np.empty((int(repeats), n), dtype=int)
        position_fold = np.arange(n) * k // n
        for r in range(int(repeats)):
            out[r, rng.permutation(n)] = position_fold
        return out
    labels = np.asarray(folds)
    if labels.ndim == 1:
        labels = labels[None, :]
    if labels.ndim != 2 or labels.shape[1] != n:
        raise ValueError(f"given folds must hold one label per row ({n} rows, or repetitions x "
                         f"{n}); got shape {np.shape(folds)}")
    out = np.empty(labels.shape, dtype=int)
    for r, row in enumerate(labels):
        levels, out[r] = np.unique(row, return_inverse=True)
        if len(levels) < 2:
            raise ValueError(f"given folds of repetition {r + 1} have only one fold; every "
                             "repetition needs at least 2")
    return out


# ----------------------------------------------------------------------------- one fold

def _predicted_scores(Y: np.ndarray, B: np.ndarray, model: PLSModel, technique: str):
    """Predicted construct scores (rows x constructs) of the constructs with antecedents."""
    m = len(model.constructs)
    if technique == "direct":
        return Y @ B
    exogenous = ~model.paths.any(axis=0)
    total = np.linalg.inv(np.eye(m) - B)
    return Y[:, exogenous] @ total[exogenous]


@dataclass
class FoldPredictor:
    """Estimates the model on a fold's training rows and predicts its held-out rows.

    Parameters
    ----------
    raw : ndarray
        The fit's rows (rows x indicators, in the model's indicator order, unstandardized).
    model : PLSModel
    settings : dict
        ``scheme``, ``tol``, ``max_iter`` of :func:`relqual.pls.fit_pls`.
    technique : {"earliest", "direct"}
    scores : ndarray
        The full-sample construct scores (the construct level's actual values).

    Examples
    --------
    >>> import warnings, numpy as np, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> predictor = FoldPredictor.from_result(res, "earliest")
    >>> test = np.arange(res.n_obs) < 50
    >>> out = predictor.predict(~test, test)
    >>> out["pls"].shape == (50, len(predictor.targets))
    True
    """

    raw: np.ndarray
    model: PLSModel
    settings: dict
    technique: str
    scores: np.ndarray

    def __post_init__(self):
        model = self.model
        self.endogenous = np.array(model.endogenous, dtype=int)
        self.targets = np.concatenate([model.blocks[j] for j in self.endogenous])
        self.target_construct = np.concatenate([[j] * len(model.blocks[j])
                                                for j in self.endogenous])
        exogenous = [j for j in range(len(model.constructs)) if not model.paths[:, j].any()]
        self.lm_predictors = {}
        for j in self.endogenous:
            sources = (np.flatnonzero(model.paths[:, j]) if self.technique == "direct"
                       else exogenous)
            self.lm_predictors[j] = np.concatenate([model.blocks[i] for i in sources])

    @classmethod
    def from_result(cls, result, technique: str) -> FoldPredictor:
        """The predictor of a PLS fit (its rows, model and settings)."""
        pls = result.problem.pls
        settings = {k: v for k, v in pls["settings"].items() if k != "consistent"}
        scores = result.estimate.opt.details["pls_fit"].scores
        return cls(np.asarray(result.problem.data.arrays[0], dtype=float), pls["model"],
                   settings, technique, scores)

    def predict(self, train: np.ndarray, test: np.ndarray) -> dict:
        """Predictions of the held-out rows ``test`` from a fit to the rows ``train`` (masks).

        Returns a dict: ``pls``, ``lm`` (held-out rows x target indicators), ``ia`` (the
        training means of the targets), ``scores`` (held-out rows x endogenous constructs),
        ``score_mean`` (training mean of the full-sample scores), ``converged``.
        """
        model = self.model
        train_rows, test_rows = self.raw[train], self.raw[test]
        mean = train_rows.mean(axis=0)
        sd = train_rows.std(axis=0, ddof=1)
        if not np.all(sd > 0):
            bad = model.indicators[int(np.argmin(sd))]
            raise ValueError(f"indicator '{bad}' is constant in the training rows of a fold, so "
                             "the model cannot be estimated there; use fewer folds")
        fit = fit_pls((train_rows - mean) / sd, model, consistent=False, **self.settings)
        Y = ((test_rows - mean) / sd) @ fit.weights
        predicted = _predicted_scores(Y, fit.paths, model, self.technique)
        t, c = self.targets, self.target_construct
        pls = predicted[:, c] * fit.loadings[t, c] * sd[t] + mean[t]
        lm = np.empty_like(pls)
        design_train = np.ones((len(train_rows), 1))
        design_test = np.ones((len(test_rows), 1))
        col = 0
        for j in self.endogenous:
            x = self.lm_predictors[j]
            block = model.blocks[j]
            A = np.column_stack([design_train, train_rows[:, x]])
            beta = np.linalg.lstsq(A, train_rows[:, block], rcond=None)[0]
            lm[:, col:col + len(block)] = np.column_stack([design_test, test_rows[:, x]]) @ beta
            col += len(block)
        return dict(pls=pls, lm=lm, ia=mean[t], scores=predicted[:, self.endogenous],
                    score_mean=self.scores[train][:, self.endogenous].mean(axis=0),
                    converged=fit.converged)


# ----------------------------------------------------------------------------- workers

_WORKER = None


def _set_worker(state) -> None:
    global _WORKER
    _WORKER = state


def _run_chunk(tasks):
    with single_blas_thread():
        return [(key, _WORKER(*args)) for key, args in tasks]


def run_keyed(worker, tasks: list, n_jobs: int = 1) -> dict:
    """Run ``worker(*args)`` for every ``(key, args)`` task, on ``n_jobs`` processes (this one
    included; :func:`relqual.resample.run_tasks`), in chunks of ``CHUNK`` tasks.

    The work is the same whatever ``n_jobs`` is (the tasks are made in the caller), so results
    do not depend on it.

    Parameters
    ----------
    worker : callable
        Picklable (with fork, inherited): the function every task runs.
    tasks : list of (key, tuple)
    n_jobs : int
        Processes (-1: every core).

    Returns
    -------
    dict
        key -> the worker's return value.

    Examples
    --------
    >>> from relqual.plspredict import run_keyed
    >>> run_keyed(pow, [("a", (2, 3)), ("b", (3, 2))])
    {'a': 8, 'b': 9}
    """
    from .resample import run_tasks, worker_count
    check_types(n_jobs=n_jobs)
    chunks = [tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    out = {}
    for result in run_tasks(_run_chunk, chunks, worker_count(n_jobs), _set_worker, (worker,)):
        out.update(result)
    return out


# ----------------------------------------------------------------------------- PLSpredict

def _q2(y, prediction, benchmark):
    return 1.0 - ((y - prediction) ** 2).sum(axis=0) / ((y - benchmark) ** 2).sum(axis=0)


def _rmse(e):
    return np.sqrt((e ** 2).mean(axis=0))


def _power(better: int, total: int, q2_positive: bool) -> str:
    if not q2_positive or better == 0:
        return "none"
    if better == total:
        return "high"
    return "medium" if better > total / 2 else "low"


def cvpat_test(loss_pls: np.ndarray, loss_benchmark: np.ndarray) -> dict:
    """The CVPAT paired t-test of two per-row losses (Liengaard et al. 2021).

    Parameters
    ----------
    loss_pls, loss_benchmark : ndarray
        Per row the average squared prediction error of PLS and of the benchmark.

    Returns
    -------
    dict
        ``loss_pls loss_benchmark difference t df p_value p_one_sided`` (``difference`` =
        PLS minus benchmark; ``t > 0``: PLS has the smaller loss; ``p_one_sided`` tests that).

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.plspredict import cvpat_test
    >>> out = cvpat_test(np.array([1.0, 2.0, 1.0, 3.0]), np.array([2.0, 2.5, 2.0, 3.5]))
    >>> round(out["difference"], 3), round(out["t"], 4), out["df"]
    (-0.75, 5.1962, 3)
    """
    D = loss_benchmark - loss_pls
    n = len(D)
    sd = D.std(ddof=1)
    t = D.mean() / (sd / np.sqrt(n)) if sd > 0 else np.nan
    return dict(loss_pls=float(loss_pls.mean()), loss_benchmark=float(loss_benchmark.mean()),
                difference=float(-D.mean()), t=float(t), df=n - 1,
                p_value=float(2 * stats.t.sf(abs(t), n - 1)),
                p_one_sided=float(stats.t.sf(t, n - 1)))


def pls_predict(result, folds=10, repeats: int = 10, seed=None, technique: str = "earliest",
                n_jobs: int = 1) -> PLSPredictResult:
    """PLSpredict and CVPAT of a PLS fit (see the module docstring); ``Result.predict``.

    Parameters
    ----------
    result : Result
        A fit with ``estimator="PLS"``.
    folds : int or array-like
        ``k`` (default 10), or given fold labels (``n`` or ``repetitions x n``) to replay.
    repeats : int
        Repetitions of the k-fold split (default 10; ignored with given folds).
    seed : int, optional
        Seed of the fold assignment (:func:`fold_assignments`).
    technique : {"earliest", "direct"}
        Predict from the exogenous constructs (Shmueli et al.'s default) or from the direct
        antecedents; the LM benchmark uses the same predictors' indicators.
    n_jobs : int
        Worker processes (-1: every core); results do not depend on it.

    Returns
    -------
    PLSPredictResult

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> pred = res.predict(folds=5, repeats=2, seed=1)
    >>> list(pred.indicators.columns)
    ['construct', 'indicator', 'q2_predict', 'pls_rmse', 'pls_mae', 'lm_q2_predict', 'lm_rmse',
     'lm_mae']
    >>> pred.cvpat[["construct", "benchmark"]].tail(2).values.tolist()
    [['overall', 'IA'], ['overall', 'LM']]
    """
    pls = result.problem.pls
    if pls is None:
        raise NotImplementedError("PLSpredict needs a PLS fit (estimator='PLS')")
    if pls["settings"]["consistent"]:
        raise NotImplementedError("PLSpredict is not available for estimator='PLSc' fits: their "
                                  "paths and loadings describe common factors, not the composite "
                                  "scores the prediction uses; refit with estimator='PLS'")
    if technique not in TECHNIQUES:
        raise ValueError(f"unknown technique '{technique}'; use 'earliest' (from the exogenous "
                         "constructs) or 'direct' (from the direct antecedents)")
    model = pls["model"]
    refuse_two_stage(model, "PLSpredict")
    if not model.endogenous:
        raise ValueError("PLSpredict needs a structural model (a construct with antecedents)")
    predictor = FoldPredictor.from_result(result, technique)
    n = len(predictor.raw)
    assignment = fold_assignments(n, folds, repeats, seed)
    n_train = min(int((row != f).sum()) for row in assignment for f in np.unique(row))
    widest = max(len(x) for x in predictor.lm_predictors.values())
    if n_train < widest + 2:
        raise ValueError(f"a training set of {n_train} rows is too small for the LM benchmark's "
                         f"{widest} predictors (it needs at least {widest + 2}); use more folds "
                         "or more rows")
    tasks = [((r, f), (row != f, row == f)) for r, row in enumerate(assignment)
             for f in np.unique(row)]
    outputs = run_keyed(predictor.predict, tasks, n_jobs)
    R = len(assignment)
    shape = (R, n, len(predictor.targets))
    parts = {name: np.empty(shape) for name in ("pls", "lm", "ia")}
    scores = np.empty((R, n, len(predictor.endogenous)))
    score_mean = np.empty_like(scores)
    not_converged = 0
    for (r, f), out in outputs.items():
        test = assignment[r] == f
        for name in parts:
            parts[name][r, test] = out[name]
        scores[r, test] = out["scores"]
        score_mean[r, test] = out["score_mean"]
        not_converged += not out["converged"]
    mean = {name: value.mean(axis=0) for name, value in parts.items()}
    y = predictor.raw[:, predictor.targets]
    names = [model.indicators[k] for k in predictor.targets]
    owners = [model.constructs[j] for j in predictor.target_construct]
    indicators = pd.DataFrame(dict(
        construct=owners, indicator=names,
        q2_predict=_q2(y, mean["pls"], mean["ia"]), pls_rmse=_rmse(y - mean["pls"]),
        pls_mae=np.abs(y - mean["pls"]).mean(axis=0),
        lm_q2_predict=_q2(y, mean["lm"], mean["ia"]), lm_rmse=_rmse(y - mean["lm"]),
        lm_mae=np.abs(y - mean["lm"]).mean(axis=0)))
    actual = predictor.scores[:, predictor.endogenous]
    score_pred, score_bench = scores.mean(axis=0), score_mean.mean(axis=0)
    rows = []
    for k, j in enumerate(predictor.endogenous):
        part = indicators[indicators["construct"] == model.constructs[j]]
        better = int((part["pls_rmse"] < part["lm_rmse"]).sum())
        rows.append(dict(construct=model.constructs[j],
                         q2_predict=float(_q2(actual[:, k], score_pred[:, k], score_bench[:, k])),
                         rmse=float(_rmse(actual[:, k] - score_pred[:, k])),
                         mae=float(np.abs(actual[:, k] - score_pred[:, k]).mean()),
                         n_indicators=len(part), pls_better=better,
                         predictive_power=_power(better, len(part),
                                                 bool((part["q2_predict"] > 0).all()))))
    constructs = pd.DataFrame(rows)
    loss = {name: (y - value) ** 2 for name, value in mean.items()}
    tests = []
    groups = [(model.constructs[j], predictor.target_construct == j) for j in predictor.endogenous]
    groups.append(("overall", np.ones(len(names), dtype=bool)))
    for construct, cols in groups:
        for benchmark, key in (("IA", "ia"), ("LM", "lm")):
            tests.append(dict(construct=construct, benchmark=benchmark,
                              **cvpat_test(loss["pls"][:, cols].mean(axis=1),
                                           loss[key][:, cols].mean(axis=1))))
    notes = []
    if result.call.get("missing") == "mean":
        notes.append("the fit replaced missing values by full-sample column means before the "
                     "folds were split, so held-out rows are not fully unseen; listwise "
                     "deletion avoids this")
    if not_converged:
        notes.append(f"the PLS weights did not converge in {not_converged} of {len(tasks)} "
                     "training folds; their predictions are kept")
    predictions = {name: pd.DataFrame(value, columns=names) for name, value in mean.items()}
    predictions["scores"] = pd.DataFrame(score_pred, columns=[model.constructs[j] for j in
                                                              predictor.endogenous])
    return PLSPredictResult(indicators=indicators, constructs=constructs,
                            cvpat=pd.DataFrame(tests), predictions=predictions,
                            folds=assignment, technique=technique, notes=notes)
