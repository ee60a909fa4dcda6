"""WLSMV for ordinal (Likert) items: ``rq.fit(model, data, estimator="WLSMV", ordered=...)``.

The pipeline follows lavaan's defaults for ``sem(..., ordered = ..., estimator = "WLSMV")``:
listwise deletion, thresholds and polychoric correlations with their asymptotic covariance
(:mod:`relqual.engine.polychoric`), DWLS estimation under the delta parameterization, robust
("robust.sem") standard errors and the scaled-shifted test (:mod:`relqual.engine.wls`).

Parameter table (lavaan's ``parTable()`` for ordered indicators, built here from the ordinary
table of :func:`relqual.partable.build_partable` with a mean structure): after the user's rows
come the thresholds ``item | t1``, ``item | t2``, ... (free), then the default variances and
covariances, where an ordered item's residual variance is fixed (its value is computed, so that
the item's latent response has variance 1), then one scaling row ``item ~*~ item`` fixed at 1
per ordered item, then the intercepts, fixed at 0 for ordered items (latent means fixed at 0).
Free parameters are numbered in row order, as lavaan.

Observed variables not named in ``ordered`` are continuous (lavaan's mixed case): they keep
their free intercepts and residual variances, and their means, variances and Pearson or
polyserial correlations join the sample statistics (:mod:`relqual.engine.polyserial`).

Observed exogenous covariates (``F ~ age + male``, ``y1 ~ age``) are conditioned on, as lavaan's
``conditional.x = TRUE`` (its default for categorical data): the statistics are the items'
thresholds and probit slopes on the covariates and their residual polychoric correlations
(:mod:`relqual.engine.probit_regression`); the model implies the slopes as the covariates' total
effects on the latent responses, and the covariates' variances, covariances and means are fixed
at their sample values (n - 1 denominator), as lavaan reports them.
"""
from __future__ import annotations

import copy
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy.linalg import block_diag

from .data import DataError, check_groups_kept, prepare_data
from .engine import wls
from .engine.inference import evaluate_defined
from .engine.polychoric import ordinal_stats
from .engine.polyserial import mixed_stats
from .engine.probit_regression import conditional_stats
from .engine.samplestats import SampleStats
from .engine.start import starting_values
from .engine.threads import single_blas_thread
from .options import DEFAULTS, ordinal_weight
from .partable import ParTable, build_partable
from .problem import PLS_ONLY, Inference, Problem, check_identified, count_groups
from .syntax import ModelSyntaxError

MAX_CATEGORIES = 10
WU_ESTABROOK = "Wu.Estabrook.2016"


class WLSMVFamily:
    """WLSMV for ordered items: the parts of the pipeline (see :class:`relqual.problem.Family`).

    The one instance is ``relqual.ordinal.WLSMV``.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> rq.fit("f =~ x1 + x2 + x3", hso, ordered=True).problem.family is WLSMV
    True
    """

    name = "WLSMV"
    def unsupported(self, problem: Problem) -> dict:
        """Result methods a fit of ordered items does not offer, with the message (and reason)
        that refuses them.

        Parameters
        ----------
        problem : Problem

        Returns
        -------
        dict
            Result method name -> message: the Bollen-Stine bootstrap always (lavaan refuses it
            too); with continuous variables or covariates also the methods not (yet) matched
            to lavaan / semTools there.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> sorted(WLSMV.unsupported(res.problem))
        ['bollen_stine', 'pls']
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=["x1", "x2", "x3"])
        >>> sorted(WLSMV.unsupported(res.problem))[:4]
        ['bollen_stine', 'htmt', 'measurement_report', 'pls']
        """
        estimator = problem.ordinal.get("estimator", "WLSMV")
        out = {"bollen_stine": BOLLEN_STINE.format(estimator=estimator)}
        continuous = [v for v in problem.partable.roles.ov
                      if v not in problem.ordinal["ordered"]]
        covariates = problem.ordinal.get("covariates")
        if continuous and not covariates:
            out.update(_refusals(MIXED, f"for a {estimator} fit whose observed variables are "
                                        f"not all ordered ({', '.join(continuous)} continuous)"))
        if covariates:
            out.update(_refusals(COVARIATES, f"for a {estimator} fit with covariates "
                                             f"({', '.join(covariates)}; lavaan's "
                                             "conditional.x)"))
        return dict(out, pls=PLS_ONLY)

    def problem(self, spec, data, options) -> Problem:
        """Listwise rows, thresholds and polychoric correlations with their asymptotic
        covariance per group, lavaan's parameter table for ordered items, the DWLS loss.
        Observed variables not in ``ordered`` are continuous: their means, variances and
        Pearson or polyserial correlations join the statistics
        (:mod:`relqual.engine.polyserial`). Observed exogenous covariates are conditioned on
        (probit slopes and residual correlations, :mod:`relqual.engine.probit_regression`).

        Parameters
        ----------
        spec : ModelSpec
            The model.
        data : DataFrame
            The data; ordered items coded as whole numbers (or ordered categoricals).
        options : FitOptions
            ``ordered``, ``group``, ``std_lv``, ``fixed_x``.

        Returns
        -------
        Problem
            With ``ordinal`` = ``levels``, ``ordered`` and ``stats``.

        Raises
        ------
        NotImplementedError
            For an ordered covariate, or covariates with continuous indicators, pairwise
            deletion or ``fixed_x=False``.
        DataError
            For non-integer codes, one category or more than ``MAX_CATEGORIES``, a category
            nobody chose in some group, or a covariate that is not numeric or has missing
            values.

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.models import resolve_model
        >>> from relqual.options import FitOptions
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> problem = WLSMV.problem(resolve_model("f =~ x1 + x2 + x3 + x4"), hso,
        ...                         FitOptions.from_arguments(ordered=True))
        >>> problem.moments, problem.partable.npar, problem.ordinal["ordered"]
        (18, 16, ['x1', 'x2', 'x3', 'x4'])
        >>> problem.ordinal["levels"]["x1"].tolist()
        [1.0, 2.0, 3.0, 4.0]
        """
        group = options.group
        ngroups = count_groups(data, group)
        group_equal = tuple(options.group_equal) if ngroups > 1 else ()
        th_partial, other_partial = _split_partial(options.group_partial)
        base = build_partable(spec.syntax, std_lv=options.std_lv, meanstructure=True,
                              fixed_x=options.fixed_x, ngroups=ngroups,
                              group_equal=group_equal if ngroups > 1 else (),
                              group_partial=other_partial if ngroups > 1 else ())
        roles = base.roles
        names = _ordered_names(options.ordered, roles)
        covariates = _check_covariates(data, roles, names, options)
        prepared, levels = _prepare(data, roles, names, group, options.missing)
        check_groups_kept(data, group, prepared)
        terms = ["".join(t.split()) for t in other_partial]
        free_means = [t[:-2] for t in terms if t.endswith("~1")]
        partable = ordinal_partable(base, {v: len(levels[v]) - 1 for v in names},
                                    group_equal=group_equal, threshold_partial=th_partial,
                                    intercept_partial=free_means,
                                    identification=spec.extra.get("ordinal_identification"),
                                    parameterization=getattr(options, "parameterization",
                                                             "delta"))
        ov = list(roles.ov)
        ordinal = dict(levels=levels, ordered=names, weight=ordinal_weight(options.estimator),
                       estimator=options.estimator, covariates=covariates)
        models = [wls.OrdinalRamModel(partable, g, names) for g in range(1, ngroups + 1)]
        loss, stats = ordinal_loss(models, partable, prepared.arrays, ordinal)
        if covariates:                           # for the joint (standardized) moments
            for model, st in zip(models, stats):
                model.set_covariates(st.x_names, st.x_cov)
        moments = sum(st.nuni + len(st.pairs[0]) for st in stats)
        check_identified(partable, moments)
        samples = [_start_moments(st, ov) for st in stats]
        x0 = starting_values(partable, samples)
        for mp, st in zip(loss.maps, stats):
            free = mp.tau_param >= 0
            x0[mp.tau_param[free]] = st.th[free]
        col = partable.col
        scales = (col["op"] == "~*~") & (col["free"] > 0)
        x0[col["free"][scales] - 1] = 1.0              # lavaan's start for free scaling factors
        notes = list(prepared.notes)
        for g, st in enumerate(stats):
            where = f" in group {prepared.group_labels[g]!r}" if ngroups > 1 else ""
            for i, j in zip(*st.pairs):
                if abs(st.cor[i, j]) > 0.99:
                    notes.append(f"the polychoric correlation of '{st.names[i]}' and "
                                 f"'{st.names[j]}'{where} is {st.cor[i, j]:.3f}, (nearly) 1")
        notes += _single_ordinal_indicators(partable, names)
        return Problem(family=self, partable=partable, data=prepared, samples=samples,
                       models=models, loss=loss, x0=x0, moments=moments,
                       ordinal=dict(ordinal, stats=stats), notes=tuple(notes))

    def row_values(self, problem: Problem, x: np.ndarray) -> np.ndarray:
        """The value of every parameter-table row at ``x``, as
        :meth:`relqual.problem.Problem.row_values`, with the computed rows of ordered items:
        residual variances (delta) or scaling factors Delta_i = 1 / sqrt(Sigma*_ii) (theta),
        as lavaan reports them.

        Parameters
        ----------
        problem : Problem
        x : ndarray
            The free parameters.

        Returns
        -------
        ndarray
            One value per row; ``:=`` rows evaluated, ``==`` rows NaN.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True, parameterization="theta")
        >>> values = WLSMV.row_values(res.problem, res.x)
        >>> scales = res.partable.col["op"] == "~*~"
        >>> values[scales].round(3).tolist()
        [0.612, 0.894, 0.85, 0.869]
        """
        col = problem.partable.col
        values = np.full(len(col["op"]), np.nan)
        for g, model in enumerate(problem.models, start=1):
            values[model.rows] = model.row_values(*model.matrices(x))
            rows = np.flatnonzero((col["group"] == g) & (col["op"] == "~*~"))
            d = model.scales(x)
            values[rows] = [d[model.ov_names.index(v)] for v in col["lhs"][rows]]
        fixed_th = (col["op"] == "|") & (col["free"] == 0)
        values[fixed_th] = col["ustart"][fixed_th]
        for g, st in enumerate(problem.ordinal["stats"], start=1):
            for k in np.flatnonzero((col["group"] == g) & (col["exo"] == 1)):
                if getattr(st, "x_names", ()):     # covariates: fixed at their sample moments
                    i = st.x_names.index(col["lhs"][k])
                    values[k] = (st.x_mean[i] if col["op"][k] == "~1" else
                                 st.x_cov[i, st.x_names.index(col["rhs"][k])])
        free = col["free"]
        values[free > 0] = x[free[free > 0] - 1]
        return evaluate_defined(col, values)

    def with_data(self, problem: Problem, arrays: list[np.ndarray]) -> Problem:
        """New thresholds, polychoric correlations and DWLS weights for other rows (as
        lavaan's bootstrap recomputes them; with covariates the probit slopes, residual
        correlations and the covariates' moments); a resample in which a category of some item
        is empty cannot be fitted (``ValueError``).

        Parameters
        ----------
        problem : Problem
        arrays : list of ndarray
            Per group the rows, in model variable order (category values as in the data).

        Returns
        -------
        Problem

        Raises
        ------
        ValueError
            When a category of some item is empty in these rows.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> problem = res.problem.detached()
        >>> WLSMV.with_data(problem, [problem.data.arrays[0][:200]]).n_obs
        200
        >>> WLSMV.with_data(problem, [problem.data.arrays[0][:5]])
        Traceback (most recent call last):
        ...
        ValueError: a category is empty in this resample
        """
        levels = problem.ordinal["levels"]
        ov = problem.partable.roles.ov
        for a in arrays:
            for k, v in enumerate(ov):
                answers = a[:, k][~np.isnan(a[:, k])]
                if v in problem.ordinal["ordered"] and len(np.unique(answers)) < len(levels[v]):
                    raise ValueError("a category is empty in this resample")
        models = problem.models
        if problem.ordinal.get("covariates"):        # the resample's covariate moments
            models = [copy.copy(m) for m in models]
        loss, stats = ordinal_loss(models, problem.partable, arrays, problem.ordinal)
        if problem.ordinal.get("covariates"):
            for model, st in zip(models, stats):
                model.set_covariates(st.x_names, st.x_cov)
        data = replace(problem.data, arrays=list(arrays), n_used=sum(len(a) for a in arrays))
        return replace(problem, data=data, models=models, loss=loss,
                       ordinal=dict(problem.ordinal, stats=stats))

    def with_partable(self, problem: Problem, partable: ParTable) -> Problem:
        """The same thresholds, polychoric correlations and weights under another parameter
        table with the same rows (a model with parameters constrained equal, for the
        difference test of :mod:`relqual.pathcompare`); starting values are the problem's own,
        taken by row.

        Parameters
        ----------
        problem : Problem
        partable : ParTable
            ``problem.partable`` with other parameter numbers (e.g.
            :meth:`relqual.partable.ParTable.with_shared`).

        Returns
        -------
        Problem

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True, group="school")
        >>> col = res.partable.col
        >>> loadings = np.flatnonzero((col["op"] == "=~") & (col["rhs"] == "x2")).tolist()
        >>> equal = WLSMV.with_partable(res.problem, res.partable.with_shared(loadings))
        >>> res.problem.partable.npar - equal.partable.npar, equal.df - res.problem.df
        (1, 1)
        """
        old, new = problem.partable.col["free"], partable.col["free"]
        x0 = np.zeros(partable.npar)
        for o, n in zip(old[::-1], new[::-1]):          # the first row of a parameter wins
            if n > 0 and o > 0:
                x0[n - 1] = problem.x0[o - 1]
        models = [wls.OrdinalRamModel(partable, g, problem.ordinal["ordered"])
                  for g in range(1, partable.ngroups + 1)]
        stats = problem.ordinal["stats"]
        if problem.ordinal.get("covariates"):
            for model, st in zip(models, stats):
                model.set_covariates(st.x_names, st.x_cov)
        loss = wls.DWLSLoss(models, stats, partable, problem.loss.weight)
        check_identified(partable, problem.moments)
        return replace(problem, partable=partable, models=models, loss=loss, x0=x0)

    def test_method(self, options) -> str:
        """The test a fit reports: ``options.test_method``, the estimator's default for
        ``test="none"`` (None: WLSMV's scaled.shifted).

        Examples
        --------
        >>> from relqual.options import FitOptions
        >>> WLSMV.test_method(FitOptions.from_arguments(ordered=True, estimator="ULSM"))
        'satorra.bentler'
        """
        if options is None:
            return DEFAULTS["WLSMV"][1]
        test = options.test_method
        return DEFAULTS[options.estimator][1] if test == "none" else test

    def inference(self, problem: Problem, opt, options) -> Inference:
        """Robust ("robust.sem") covariance and the scaled-shifted test (lavaan's WLSMV), or
        the estimator's ``se`` and ``test`` (:func:`relqual.engine.wls.inference`).

        Parameters
        ----------
        problem : Problem
        opt : OptimResult
            The optimum.
        options : FitOptions or None
            ``se`` and ``test`` (None: WLSMV's; ``se="bootstrap"``: the estimator's default
            for the fit itself).

        Returns
        -------
        Inference
            ``kind`` the standard errors ("robust.sem" or "standard"), ``wls`` the
            :class:`relqual.engine.wls.WLSInference`; when it is not invertible,
            ``information`` is the DWLS information sum_g Delta' W Delta.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> inf = WLSMV.inference(res.problem, res.estimate.opt, None)
        >>> inf.kind, inf.vcov.shape, round(float(inf.wls.chisq_scaled), 3)
        ('robust.sem', (16, 16), 8.643)
        """
        se = "robust.sem" if options is None else options.se_method
        if se == "bootstrap":
            se = DEFAULTS[options.estimator][0]
        inf = wls.inference(problem.loss, opt.x, problem.df, se=se,
                            test=self.test_method(options))
        information = None
        if not inf.invertible:
            loss = problem.loss
            information = sum(D.T @ wls.weigh(w, D) for D, w in
                              zip((loss.delta(opt.x, g) for g in range(len(loss.models))),
                                  loss.w))
        return Inference(inf.vcov, inf.invertible, se, information, wls=inf)

    def fit_measures(self, problem: Problem, estimate) -> dict:
        """The scaled-shifted test and lavaan's standard, scaled and robust indices.

        Parameters
        ----------
        problem : Problem
        estimate : Estimate
            The optimum and its inference.

        Returns
        -------
        dict
            See :func:`relqual.engine.wls.wlsmv_fit_measures`.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> measures = WLSMV.fit_measures(res.problem, res.estimate)
        >>> [round(float(measures[k]), 3) for k in ("chisq", "chisq_scaled", "cfi_scaled")]
        [5.616, 8.643, 0.961]
        """
        loss, x, inf = problem.loss, estimate.x, estimate.inference.wls
        with single_blas_thread():
            base = wls.baseline_test(loss, inf.test)
            robust = (wls.catml_robust(loss, x, inf, inf.df)
                      if inf.test in ("satorra.bentler", "scaled.shifted") else {})
            return wls.wlsmv_fit_measures(
                inf=inf, base=base, robust=robust, npar=problem.partable.npar,
                n=problem.n_obs, ngroups=len(problem.samples),
                srmr_parts=wls.srmr_ordinal(loss, x), weight=loss.weight)

    def sample_statistics(self, problem: Problem, group: int) -> dict:
        """Thresholds ``th``, polychoric correlations ``cor``, Gamma ``gamma`` and the DWLS
        weights ``wls_v`` of a group (lavaan ``lavInspect(fit, "sampstat")``, ``"gamma"``).

        Parameters
        ----------
        problem : Problem
        group : int
            1-based group number.

        Returns
        -------
        dict
            ``th`` (Series), ``cor`` (DataFrame), ``gamma`` (DataFrame) and ``wls_v`` (Series),
            labelled as lavaan labels them (``x1|t1``, ``x2~~x1``); with continuous variables
            also their ``mean`` and ``var`` (Series) and the covariances ``cov`` (DataFrame),
            and Gamma's rows ``x7~1`` (minus the mean, lavaan's order) and ``x7~~x7``; with
            covariates (``th`` and ``cor`` then given them, lavaan's ``res.th`` and ``res.cov``)
            the probit ``slopes`` (DataFrame, items x covariates; Gamma's rows ``x1~age``)
            and the covariates' ``x_mean`` and ``x_cov``.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> stats = WLSMV.sample_statistics(res.problem, 1)
        >>> stats["th"].round(3).head(3)
        x1|t1   -0.786
        x1|t2    0.113
        x1|t3    0.844
        Name: th, dtype: float64
        >>> stats["gamma"].shape, stats["wls_v"].index[-1]
        ((18, 18), 'x4~~x3')
        """
        st = problem.ordinal["stats"][group - 1]
        names = list(st.names)
        th_names = st.threshold_names()
        is_th = np.array(["|" in t for t in th_names], dtype=bool)
        I, J = st.pairs
        slope_names = st.slope_names() if hasattr(st, "slope_names") else []
        stat_names = ([t if "|" in t else f"{t}~1" for t in th_names] + slope_names
                      + [f"{v}~~{v}" for v in st.continuous]
                      + [f"{names[i]}~~{names[j]}" for i, j in zip(I, J)])
        out = dict(th=pd.Series(st.th[is_th], index=np.array(th_names)[is_th], name="th"),
                   cor=pd.DataFrame(st.cor, index=names, columns=names),
                   gamma=pd.DataFrame(st.gamma, index=stat_names, columns=stat_names),
                   wls_v=pd.Series(st.wls_vd, index=stat_names, name="wls_v"))
        if slope_names:                          # covariates: lavaan's res.slopes, cov.x
            out.update(slopes=pd.DataFrame(st.slopes, index=names, columns=list(st.x_names)),
                       x_mean=pd.Series(st.x_mean, index=list(st.x_names), name="mean"),
                       x_cov=pd.DataFrame(st.x_cov, index=list(st.x_names),
                                          columns=list(st.x_names)))
        if st.continuous:
            cont = list(st.continuous)
            out.update(mean=pd.Series(st.th[~is_th], index=cont, name="mean"),
                       var=pd.Series(st.var[~st.ordered], index=cont, name="var"),
                       cov=pd.DataFrame(st.cov, index=names, columns=names))
        return out


WLSMV = WLSMVFamily()

BOLLEN_STINE = (
    "the Bollen-Stine bootstrap is not available for ordered items (this {estimator} fit), as "
    "in lavaan 0.6-14 "
    "('bollen.stine/yuan bootstrap not available for categorical/ordinal data'): it rotates "
    "the rows to the model-implied covariance matrix, which answers in ordered categories "
    "cannot follow; use se='bootstrap' (resampled rows) and the scaled-shifted test")
NOT_CHECKED = "is not available yet: not yet matched to lavaan / semTools there"
# Result methods refused for mixed (ordered + continuous) fits and fits with covariates, with
# the reason (completed by the kind of fit, :func:`_refusals`)
MIXED = {
    "reliability": ("reliability", "is not available: semTools compRelSEM gives no omega "
                    "(NA) for a factor with both ordered and continuous items (Green & Yang's "
                    "categorical omega needs every item ordered), and its alpha there is not "
                    "reproduced yet; res.fornell_larcker() gives the AVE (as semTools AVE)"),
    "htmt": ("HTMT", "is not available yet: semTools 0.5-6 htmt(ordered = a subset) gives "
             "values not reproduced yet (the survey with cf1 and sat1 continuous: "
             "HTMT(CF, SAT) = 0.332, its formula on lavaan's lavCor correlations 0.343)"),
    "measurement_report": ("the measurement report", "is not available yet: it needs "
                           "reliability() and htmt(), not available there"),
}
COVARIATES = {
    "factor_scores": ("factor scores (EBM)", NOT_CHECKED),
    "reliability": ("reliability", NOT_CHECKED),
    "htmt": ("HTMT", NOT_CHECKED),
    "modindices": ("modification indices", NOT_CHECKED),
    "item_diagnostics": ("item diagnostics", NOT_CHECKED),
    "fornell_larcker": ("the Fornell-Larcker criterion", NOT_CHECKED),
    "measurement_report": ("the measurement report", NOT_CHECKED),
    "compare_paths": ("compare_paths()", NOT_CHECKED),
}


def _refusals(reasons: dict, fit: str) -> dict:
    """Result method -> "<what> <fit> <reason>" for a table of (what, reason) pairs.

    Examples
    --------
    >>> _refusals({"htmt": ("HTMT", "is not available")}, "for this fit")
    {'htmt': 'HTMT for this fit is not available'}
    """
    return {feature: f"{what} {fit} {reason}" for feature, (what, reason) in reasons.items()}


def ordinal_loss(models, partable: ParTable, arrays: list[np.ndarray], ordinal: dict):
    """The DWLS loss of rows (per group, model variable order) and their ordinal statistics.

    Parameters
    ----------
    models : list of OrdinalRamModel
        Per group the RAM model.
    partable : ParTable
        The ordinal parameter table (:func:`ordinal_partable`).
    arrays : list of ndarray
        Per group the rows (category values as in the data).
    ordinal : dict
        ``levels``: per item its sorted category values (coded 0..K-1 here); ``ordered``: the
        ordered items (the others are continuous); ``covariates`` (optional): the observed
        exogenous covariates the items are conditioned on
        (:mod:`relqual.engine.probit_regression`).

    Returns
    -------
    loss : DWLSLoss
    stats : list of OrdinalStats, MixedStats or ConditionalStats
        Per group thresholds, polychoric correlations and Gamma (MixedStats when some
        variables are continuous, ConditionalStats given covariates).

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> p = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True).problem
    >>> loss, stats = ordinal_loss(p.models, p.partable, p.data.arrays, p.ordinal)
    >>> type(loss).__name__, stats[0].nth, stats[0].cor.shape
    ('DWLSLoss', 12, (4, 4))
    """
    levels, ordered = ordinal["levels"], ordinal["ordered"]
    ov = list(partable.roles.ov)
    weight = ordinal.get("weight", "DWLS")
    covariates = list(ordinal.get("covariates", ()))
    if covariates:                     # conditional.x: items given the covariates
        y = [k for k, v in enumerate(ov) if v not in covariates]
        x = [ov.index(v) for v in covariates]
        stats = [conditional_stats(
            np.column_stack([np.searchsorted(levels[ov[k]], values[:, k]) for k in y]),
            values[:, x], [len(levels[ov[k]]) for k in y], [ov[k] for k in y], covariates)
            for values in arrays]
        return wls.DWLSLoss(models, stats, partable, weight), stats
    is_ord = [v in ordered for v in ov]
    stats = []
    for values in arrays:
        codes = np.column_stack([np.where(np.isnan(values[:, k]), -1,
                                          np.searchsorted(levels[v], values[:, k]))
                                 if o else values[:, k]
                                 for k, (v, o) in enumerate(zip(ov, is_ord))])
        if all(is_ord):
            stats.append(ordinal_stats(codes, [len(levels[v]) for v in ov], ov))
        else:
            stats.append(mixed_stats(codes, is_ord, ov, pairwise=True))   # NaN: pairwise
    return wls.DWLSLoss(models, stats, partable, ordinal.get("weight", "DWLS")), stats


def _start_moments(st, ov) -> SampleStats:
    """The moments starting values are taken from: correlations, and the continuous
    variables' means and covariances (with covariates: the residual correlations and the
    covariates' moments, in the model's order ``ov``)."""
    x_names = getattr(st, "x_names", ())
    if x_names:
        names = list(st.names) + list(x_names)
        cov = block_diag(st.cor, st.x_cov)
        mean = np.concatenate([np.zeros(len(st.names)), st.x_mean])
        order = [names.index(v) for v in ov]
        return SampleStats(tuple(ov), st.n, mean[order], cov[np.ix_(order, order)])
    if not st.continuous:
        return SampleStats(tuple(st.names), st.n, np.zeros(len(st.names)), st.cor)
    mean = np.zeros(len(st.names))
    mean[~st.ordered] = st.th[~st.ordered[st.th_item]]
    return SampleStats(tuple(st.names), st.n, mean, st.cov)


def _single_ordinal_indicators(partable: ParTable, names: list[str]) -> list[str]:
    """Under the delta parameterization a factor measured by one ordered item alone has no
    identified variance (the item's residual variance absorbs it), in lavaan too."""
    col = partable.col
    loads = (col["op"] == "=~") & (col["group"] == 1)
    out = []
    for lv in dict.fromkeys(col["lhs"][loads]):
        items = list(col["rhs"][loads & (col["lhs"] == lv)])
        var = (col["op"] == "~~") & (col["lhs"] == lv) & (col["rhs"] == lv) & (col["group"] == 1)
        if len(items) == 1 and items[0] in names and np.any(col["free"][var] > 0):
            out.append(f"'{lv}' has a single ordered indicator ({items[0]}): with the delta "
                       f"parameterization its (residual) variance is not identified; fix it "
                       f"(e.g. '{lv} ~~ 1*{lv}' for an exogenous factor) or use {items[0]} "
                       "itself in the structural model")
    return out


# ------------------------------------------------------------------ inputs

def _ordered_names(ordered, roles) -> list[str]:
    """``ordered=True`` -> every observed variable of the model; a list is checked against it."""
    ov = list(roles.ov)
    if ordered is True:                           # every observed variable but covariates
        names = [v for v in ov if v not in roles.ov_x]
    else:
        if isinstance(ordered, str):
            ordered = [ordered]
        names = list(dict.fromkeys(ordered))
        unknown = [v for v in names if v not in ov]
        if unknown:
            raise ValueError(f"ordered= names {', '.join(repr(v) for v in unknown)}, which "
                             f"{'is' if len(unknown) == 1 else 'are'} not observed variables of "
                             f"the model (its observed variables: {', '.join(ov)})")
    ordered_x = [v for v in names if v in roles.ov_x]
    if ordered_x:
        raise NotImplementedError(
            f"covariate(s) {', '.join(repr(v) for v in ordered_x)} named in ordered=: "
            "ordinal predictors are not available with WLSMV (the items are conditioned on "
            "covariates, lavaan's conditional.x); enter the covariate as a number (leave it "
            "out of ordered=) or as dummy variables")
    return [v for v in ov if v in names]


def _check_covariates(data, roles, names: list[str], options) -> list[str]:
    """The observed exogenous covariates (lavaan's ``ov.x``), checked: numeric, no missing
    values (they are conditioned on, so a row without them cannot be used and is not silently
    dropped), ``fixed_x`` not False, listwise deletion, and the other observed variables all
    ordered."""
    covariates = list(roles.ov_x)
    if not covariates:
        return []
    listed = ", ".join(covariates)
    if options.fixed_x is False:
        raise NotImplementedError(
            "fixed_x=False with covariates and an ordinal estimator: lavaan conditions on the "
            f"covariates ({listed}, conditional.x), which keeps their moments fixed at the "
            "sample values; leave fixed_x at its default")
    if getattr(options, "missing", "listwise") != "listwise":
        raise NotImplementedError(
            f"missing={options.missing!r} with covariates ({listed}) is not available for "
            "ordinal data yet: the covariate-adjusted statistics are built for complete rows "
            "(missing='listwise')")
    continuous = [v for v in roles.ov if v not in names and v not in covariates]
    if continuous:
        raise NotImplementedError(
            f"covariates ({listed}) together with continuous observed variables "
            f"({', '.join(continuous)}) are not available for ordinal data yet: the "
            "covariate-adjusted statistics are built for ordered items only; declare those "
            "variables ordered, or use estimator='ML'/'MLR'")
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    if not isinstance(data, pd.DataFrame):
        return covariates
    for v in covariates:
        if v not in data.columns:
            continue                              # prepare_data names the missing column
        column = data[v]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            kind = ("categorical" if isinstance(column.dtype, pd.CategoricalDtype) else
                    str(column.dtype))
            raise DataError(f"covariate '{v}' is not numeric ({kind} column): a covariate "
                            "enters the probit regressions as a number; code it as 0/1 "
                            "dummy variables (one per category but one)")
        missing = column.isna().to_numpy()
        if missing.any():
            rows = data.index[missing]
            raise DataError(f"covariate '{v}' has {int(missing.sum())} missing value(s) (first "
                            f"in row {rows[0]!r}): an ordinal fit conditions on the covariates, "
                            "so these rows cannot be used; remove or impute them explicitly")
    return covariates


def _split_partial(group_partial) -> tuple[list[str], list[str]]:
    """``group_partial`` terms for thresholds (``"x3 | t2"`` -> ``"x3|t2"``) and the others."""
    terms = [group_partial] if isinstance(group_partial, str) else list(group_partial)
    th = ["".join(t.split()) for t in terms if "|" in t]
    return th, [t for t in terms if "|" not in t]


def _threshold_partial(terms, thresholds: dict[str, int], group_equal) -> set[str]:
    """Check the threshold terms of ``group_partial`` against the ordered items."""
    valid = {f"{v}|t{k}" for v, n in thresholds.items() for k in range(1, n + 1)}
    for term in terms:
        if term not in valid:
            item = term.split("|")[0]
            why = (f"'{item}' has {thresholds[item]} thresholds" if item in thresholds else
                   f"'{item}' is not an ordered item of the model")
            raise ValueError(f"group_partial term '{term}' names no threshold: {why}")
        if "thresholds" not in group_equal:
            warnings.warn(f"group_partial term '{term}' has no effect: group_equal="
                          f"{list(group_equal)} does not constrain the thresholds", stacklevel=4)
    return set(terms)


def _prepare(data, roles, names: list[str], group, missing: str = "listwise"):
    """Listwise deletion (lavaan's default for WLSMV), or with ``missing="pairwise"`` every row
    with an answer (each statistic then uses the rows that answered its items), and the
    ordinal checks on the answers: integer codes, at least two and at most MAX_CATEGORIES
    categories, every category used in every group."""
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    ov = list(roles.ov)
    if isinstance(data, pd.DataFrame):            # ordered pandas categoricals: their codes
        cats = {v: data[v] for v in names if v in data.columns
                and isinstance(data[v].dtype, pd.CategoricalDtype) and data[v].dtype.ordered}
        if cats:
            data = data.assign(**{v: (c.cat.codes + 1).where(c.notna()).astype(float)
                                  for v, c in cats.items()})
    present = isinstance(data, pd.DataFrame) and all(
        v in data.columns for v in ov + ([group] if group else []))
    if present:
        frame = data[ov]
        if all(t.kind in "fiu" for t in frame.dtypes):
            values = frame.to_numpy(dtype=float, na_value=np.nan)
        else:
            values = np.column_stack([pd.to_numeric(frame[v], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan) for v in ov])
        complete = ~np.isnan(values).any(axis=1)
        if group is not None:
            complete &= data[group].notna().to_numpy()
        groups = data[group].to_numpy() if group is not None else None
        for v in names:
            k = ov.index(v)
            used = complete if missing == "listwise" else (
                ~np.isnan(values[:, k]) & (data[group].notna().to_numpy() if group else True))
            _check_ordinal_column(v, values[used, k], data.index[used],
                                  groups[used] if group is not None else None)
    prepared = prepare_data(data, ov, first_line=roles.first_line, missing=missing,
                            group=group)
    levels = {}
    for k, v in enumerate(ov):
        column = np.concatenate([a[:, k] for a in prepared.arrays])
        levels[v] = np.unique(column[~np.isnan(column)])
    return prepared, levels


def _check_ordinal_column(name: str, values: np.ndarray, rows, groups) -> None:
    if len(values) == 0:
        return
    fraction = values % 1
    if np.any(fraction != 0):
        at = np.flatnonzero(fraction != 0)[0]
        raise DataError(f"ordered column '{name}' has non-integer values (e.g. {values[at]:g} in "
                        f"row {rows[at]!r}); ordinal items must be coded as whole numbers "
                        "(1, 2, 3, ...), or leave the column out of ordered= to treat it as "
                        "continuous")
    categories, codes = np.unique(values, return_inverse=True)
    if len(categories) < 2:
        raise DataError(f"ordered column '{name}' has only one category (every used answer is "
                        f"{categories[0]:g}), so it carries no information; remove it from the "
                        "model")
    if len(categories) > MAX_CATEGORIES:
        raise DataError(f"ordered column '{name}' has {len(categories)} categories (more than "
                        f"{MAX_CATEGORIES}); treat it as continuous: leave it out of ordered= and "
                        "fit with estimator='ML' or 'MLR'")
    if groups is None:
        return
    for label in pd.unique(groups):
        counts = np.bincount(codes[groups == label], minlength=len(categories))
        if np.any(counts == 0):
            missing = categories[counts == 0]
            table = ", ".join(f"{c:g}: {n}" for c, n in zip(categories, counts))
            raise DataError(f"ordered column '{name}': nobody in group {label!r} chose category "
                            f"{', '.join(f'{c:g}' for c in missing)} (answers per category in that "
                            f"group: {table}), so its thresholds cannot be estimated there; merge "
                            "sparse categories (e.g. recode them into a neighbour) or drop the "
                            "group")


# ------------------------------------------------------------------ parameter table

def ordinal_partable(base: ParTable, thresholds: dict[str, int], *, group_equal=(),
                     threshold_partial=(), intercept_partial=(),
                     identification: str | None = None,
                     parameterization: str = "delta") -> ParTable:
    """lavaan's parameter table for ordered items (see the module docstring), from ``base``
    (built with a mean structure). ``thresholds``: number of thresholds per ordered item.

    With several groups and "thresholds" in ``group_equal`` (lavaan ``lav_partable_flat``,
    delta parameterization): each threshold shares one parameter across groups (but those in
    ``threshold_partial``), the scaling factors ``item ~*~ item`` are free in groups 2.. and so
    are the latent means (unless "means" is in ``group_equal`` too); equal intercepts free the
    latent means as well (in ``base``). Equality labels on rows fixed here (the ordered items'
    intercepts and residual variances) are dropped.

    Continuous observed variables keep their free intercepts and residual variances; with
    "thresholds" in ``group_equal`` (and not "intercepts") lavaan equates their intercepts
    across groups too (a continuous variable's "threshold" is its mean).

    ``parameterization="theta"`` (lavaan's): the ordered items' residual variances are
    parameters, fixed at 1 unless the model says otherwise (and, with equal thresholds, free in
    groups 2.. instead of the scaling factors); the scaling factors are then computed
    (:class:`relqual.engine.wls.OrdinalRamModel`), their rows fixed.

    ``identification="Wu.Estabrook.2016"`` (semTools ``measEq.syntax(ID.cat =
    "Wu.Estabrook.2016")``, delta parameterization; Wu & Estabrook 2016, *Psychometrika* 81,
    1014-1045): while thresholds are equal but intercepts are not, the ordered items'
    intercepts are free in groups 2.., the latent means stay fixed at 0, and the scaling
    factors of binary items stay fixed at 1 (only items with three or more categories get a
    free scale); with equal intercepts too, the table is lavaan's.

    Parameters
    ----------
    base : ParTable
        The ordinary table of the model, with a mean structure (and ``group_equal`` applied).
    thresholds : dict
        Ordered item -> number of thresholds (categories - 1).
    group_equal : sequence of str
        lavaan's ``group.equal`` choices.
    threshold_partial : sequence of str
        Thresholds left free across groups, as ``"item|tK"``.
    intercept_partial : sequence of str
        Continuous variables whose intercepts stay free across groups although thresholds are
        equal (``group_partial="x7~1"``).
    identification : {None, "Wu.Estabrook.2016"}
        None: lavaan's ``group.equal`` defaults; else Wu & Estabrook's (above).
    parameterization : {"delta", "theta"}
        lavaan's ``parameterization``.

    Returns
    -------
    ParTable
        With ``options["ordered"]`` and ``options["parameterization"] = "delta"``.

    Raises
    ------
    NotImplementedError
        For a user-given residual variance of an ordered item under the delta
        parameterization, or Wu & Estabrook's identification under the theta one or with
        continuous variables.
    ModelSyntaxError
        For an intercept of an ordered item, or thresholds that do not exist.
    ValueError
        For a ``threshold_partial`` term that names no threshold of the model.

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> table = ordinal_partable(build_partable("f =~ x1 + x2", meanstructure=True),
    ...                          {"x1": 2, "x2": 2})
    >>> table.table[["lhs", "op", "rhs", "free", "ustart"]]
       lhs   op rhs  free  ustart
    0    f   =~  x1     0     1.0
    1    f   =~  x2     1     NaN
    2   x1    |  t1     2     NaN
    3   x1    |  t2     3     NaN
    4   x2    |  t1     4     NaN
    5   x2    |  t2     5     NaN
    6   x1   ~~  x1     0     1.0
    7   x2   ~~  x2     0     1.0
    8    f   ~~   f     6     NaN
    9   x1  ~*~  x1     0     1.0
    10  x2  ~*~  x2     0     1.0
    11  x1   ~1         0     0.0
    12  x2   ~1         0     0.0
    13   f   ~1         0     0.0
    >>> two = ordinal_partable(build_partable("f =~ x1 + x2", meanstructure=True, ngroups=2),
    ...                        {"x1": 2, "x2": 2}, group_equal=["thresholds"])
    >>> g2 = two.table.query("group == 2 and op in ['|', '~*~', '~1']")
    >>> g2[["lhs", "op", "rhs", "free"]]                  # thresholds shared with group 1
       lhs   op rhs  free
    16  x1    |  t1     2
    17  x1    |  t2     3
    18  x2    |  t1     4
    19  x2    |  t2     5
    23  x1  ~*~  x1     9
    24  x2  ~*~  x2    10
    25  x1   ~1         0
    26  x2   ~1         0
    27   f   ~1        11
    >>> g2["label"].tolist()[:2]
    ['.p3.', '.p4.']
    """
    col = base.col
    ordered = list(thresholds)
    equal_th = "thresholds" in group_equal and base.ngroups > 1
    if identification not in (None, WU_ESTABROOK):
        raise ValueError(f"unknown identification {identification!r}; use None (lavaan's "
                         f"defaults) or {WU_ESTABROOK!r}")
    we = identification == WU_ESTABROOK and equal_th and "intercepts" not in group_equal
    if parameterization not in ("delta", "theta"):
        raise ValueError(f"parameterization must be 'delta' or 'theta' (got "
                         f"{parameterization!r})")
    theta = parameterization == "theta"
    if identification == WU_ESTABROOK and len(ordered) < len(
            [v for v in base.roles.ov if v not in base.roles.ov_x]):
        raise NotImplementedError("the ordinal invariance sequence (Wu & Estabrook 2016) is "
                                  "built for models whose observed variables are all ordered; "
                                  "this one has continuous variables too")
    if identification == WU_ESTABROOK and base.roles.ov_x:
        raise NotImplementedError("the ordinal invariance sequence (Wu & Estabrook 2016) with "
                                  f"covariates ({', '.join(base.roles.ov_x)}) is not available "
                                  "yet; test invariance of the measurement model without them")
    if theta and identification == WU_ESTABROOK:
        raise NotImplementedError("the ordinal invariance sequence (Wu & Estabrook 2016) is "
                                  "built for the delta parameterization only; fit it with "
                                  "parameterization='delta'")
    partial = _threshold_partial(threshold_partial, thresholds, group_equal)
    is_ord = np.isin(col["lhs"], ordered)
    user = col["user"] == 1
    for k in np.flatnonzero(user & is_ord & (col["op"] == "~~") & (col["lhs"] == col["rhs"])
                            & (not theta)):
        raise NotImplementedError(f"line {col['line'][k]}: the residual variance of ordered item "
                                  f"'{col['lhs'][k]}' is fixed in the delta parameterization; "
                                  "use parameterization='theta' to make it a parameter")
    for k in np.flatnonzero(user & is_ord & (col["op"] == "~1")):
        raise ModelSyntaxError(f"ordered item '{col['lhs'][k]}' cannot have an intercept: its "
                               "thresholds take that role", int(col["line"][k]) or None,
                               col["lhs"][k])
    user_th = {}
    for k in np.flatnonzero(col["op"] == "|"):
        item = col["lhs"][k]
        if item not in thresholds:
            raise ModelSyntaxError(f"thresholds given for '{item}', which is not ordered "
                                   "(add it to ordered=)", int(col["line"][k]) or None, item)
        number = int(col["rhs"][k][1:])
        if number < 1 or number > thresholds[item]:
            raise ModelSyntaxError(f"'{item}' has {thresholds[item]} thresholds (t1 to "
                                   f"t{thresholds[item]}), so '{col['rhs'][k]}' does not exist",
                                   int(col["line"][k]) or None, col["rhs"][k])
        user_th.setdefault(int(col["group"][k]), set()).add((item, col["rhs"][k]))
    cols = {k: np.asarray(v).copy() for k, v in col.items()}
    default_var = (cols["user"] == 0) & is_ord & (cols["op"] == "~~") & (cols["lhs"] == cols["rhs"])
    cols["free"][default_var], cols["ustart"][default_var] = 0, 1.0
    default_int = (cols["user"] == 0) & is_ord & (cols["op"] == "~1")
    cols["free"][default_int], cols["ustart"][default_int] = 0, 0.0
    cols["label"][default_var | default_int] = ""          # fixed here: no equality label
    if theta and equal_th:                  # lavaan: free residual variances in groups 2..
        later_var = default_var & (cols["group"] > 1)
        top = int(cols["free"].max()) if len(cols["free"]) else 0
        cols["free"][later_var] = np.arange(top + 1, top + 1 + int(later_var.sum()))
        cols["ustart"][later_var] = np.nan
    if we:                                                  # Wu & Estabrook: free intercepts
        later_int = default_int & (cols["group"] > 1)
        top = int(cols["free"].max()) if len(cols["free"]) else 0
        cols["free"][later_int] = np.arange(top + 1, top + 1 + int(later_int.sum()))
        cols["ustart"][later_int] = np.nan
    elif equal_th and "means" not in group_equal:           # lavaan: free latent means in 2..
        lv_means = ((cols["user"] == 0) & (cols["group"] > 1) & (cols["op"] == "~1")
                    & np.isin(cols["lhs"], base.roles.lv) & (cols["free"] == 0))
        top = int(cols["free"].max()) if len(cols["free"]) else 0
        cols["free"][lv_means] = np.arange(top + 1, top + 1 + int(lv_means.sum()))
        cols["ustart"][lv_means] = np.nan
    if equal_th and "intercepts" not in group_equal:        # lavaan: a continuous variable's
        continuous = [v for v in base.roles.ov if v not in ordered and v not in base.roles.ov_x]
        for v in continuous:                                # intercept counts as its threshold
            ints = np.flatnonzero((cols["op"] == "~1") & (cols["lhs"] == v) & (cols["free"] > 0)
                                  & (cols["user"] == 0))
            if len(ints) > 1 and v not in intercept_partial:
                cols["free"][ints[1:]] = cols["free"][ints[0]]
    pieces = []
    keys = [k for k in cols if k not in ("id", "plabel", "block")]

    def rows(idx):
        return {k: cols[k][idx] for k in keys}

    def new_rows(lhs, op, rhs, g, free, ustart):
        n = len(lhs)
        return dict(lhs=np.array(lhs, dtype=object), op=np.array([op] * n, dtype=object),
                    rhs=np.array(rhs, dtype=object), user=np.zeros(n, dtype=int),
                    group=np.full(n, g), free=np.full(n, free, dtype=int),
                    ustart=np.full(n, ustart), exo=np.zeros(n, dtype=int),
                    label=np.array([""] * n, dtype=object), start=np.full(n, np.nan),
                    line=np.zeros(n, dtype=int))

    top = int(cols["free"].max()) if len(cols["free"]) else 0
    first_th = {}                                           # (item, tK) -> group-1 number
    for g in range(1, base.ngroups + 1):
        in_g = cols["group"] == g
        is_user = in_g & (cols["user"] == 1)
        is_mean = in_g & (cols["user"] == 0) & (cols["op"] == "~1")
        is_rest = in_g & (cols["user"] == 0) & (cols["op"] != "~1")
        pieces.append(rows(np.flatnonzero(is_user)))
        th = [(v, f"t{t}") for v in ordered for t in range(1, thresholds[v] + 1)
              if (v, f"t{t}") not in user_th.get(g, set())]
        piece = new_rows([v for v, _ in th], "|", [t for _, t in th], g, 0, np.nan)
        numbers = []
        for key in th:
            if g > 1 and equal_th and f"{key[0]}|{key[1]}" not in partial and key in first_th:
                numbers.append(first_th[key])
            else:
                top += 1
                numbers.append(top)
                if g == 1:
                    first_th[key] = top
        piece["free"] = np.array(numbers, dtype=int)
        pieces.append(piece)
        pieces.append(rows(np.flatnonzero(is_rest)))
        scales = new_rows(ordered, "~*~", ordered, g, 0, 1.0)
        if g > 1 and equal_th and not theta:                # free scaling factors in 2..
            free_scale = np.array([not we or thresholds[v] > 1 for v in ordered], dtype=bool)
            scales["free"][free_scale] = np.arange(top + 1, top + 1 + int(free_scale.sum()))
            scales["ustart"][free_scale] = np.nan
            top += int(free_scale.sum())
        pieces.append(scales)
        pieces.append(rows(np.flatnonzero(is_mean)))
    pieces.append(rows(np.flatnonzero(cols["group"] == 0)))
    out = {k: np.concatenate([p[k] for p in pieces]) for k in keys}
    for k in ("lhs", "op", "rhs", "label"):
        out[k] = out[k].astype(object)
    free = out["free"]
    order = list(dict.fromkeys(int(f) for f in free if f > 0))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    out["free"] = np.array([mapping.get(int(f), 0) for f in free], dtype=int)
    out["id"] = np.arange(1, len(free) + 1)
    out["block"] = out["group"]
    out["plabel"] = np.where(out["group"] > 0, [f".p{i}." for i in out["id"]], "")
    is_th = (out["op"] == "|") | (out["op"] == "~1")
    uses = np.bincount(out["free"], minlength=out["free"].max() + 1)[out["free"]]
    shared = is_th & (out["free"] > 0) & (uses > 1)          # fixed rows (free 0) share nothing
    first_id = {}
    for k in np.flatnonzero(shared):                        # lavaan's label: the group-1 plabel
        first_id.setdefault(out["free"][k], out["id"][k])
        if not out["label"][k]:
            out["label"][k] = f".p{first_id[out['free'][k]]}."
    options = dict(base.options, ordered=list(ordered), parameterization=parameterization)
    return ParTable(col=out, roles=base.roles, meanstructure=True, ngroups=base.ngroups,
                    options=options)
