"""The least-squares family of estimators for continuous data: lavaan's ULS, GLS, WLS (ADF) and
DWLS (:mod:`relqual.engine.leastsquares`), with lavaan 0.6-14's options and output.

* problem: lavaan's ``sem()`` parameter table (multigroup fits get a mean structure), complete
  rows (listwise), per group the sample statistics and the estimator's weight matrix;
* inference: ``se = "standard"``, the inverse of (N - G) sum_g f_g Delta_g' W_g Delta_g
  (f_g = n_g / N), or ``"robust.sem"`` (ULS, WLS, DWLS; :mod:`relqual.engine.robustsem`, also
  divided by N - G), as lavaan;
* test: the standard statistic T = N F (lavaan's 2 N fmin), for ULS and DWLS optionally
  Satorra-Bentler scaled, mean-and-variance adjusted or scaled-shifted;
* fit measures: lavaan's, with the baseline (independence) model fitted by the same estimator;
  the RMSEA family uses N - G, as lavaan for its (D)WLS-type estimators
  (``lav_utils_get_ntotal``); there is no likelihood (logl, AIC, BIC are NaN).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .data import check_groups_kept, prepare_data
from .engine import fitindices
from .engine.inference import vcov_from_information
from .engine.leastsquares import LeastSquaresLoss, weight_matrix
from .engine.matrices import RamModel
from .engine.mlm import independence_partable
from .engine.optimize import minimize
from .engine.robustsem import gamma_adf, robust_sem, sample_vector, scaled_test
from .engine.robustsem import information as information_matrix
from .engine.samplestats import SampleStats
from .engine.start import starting_values
from .ml import item_scales, ml_partable
from .options import SATORRA_TESTS
from .problem import PLS_ONLY, Inference, Problem, check_identified, count_groups, count_moments

LIKELIHOOD_MEASURES = ("logl", "unrestricted_logl", "aic", "bic", "bic2")


class LeastSquaresFamily:
    """ULS, GLS, WLS and DWLS: the parts of the pipeline (see :class:`relqual.problem.Family`).

    The one instance is ``relqual.lsfamily.LS``; the estimator is the loss's (its weights
    were built for it).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"),
    ...              estimator="ULS")
    >>> res.problem.family is LS
    True
    """

    name = "LS"

    def unsupported(self, problem: Problem) -> dict:
        """Result methods least-squares fits do not offer (they need a likelihood).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"),
        ...              estimator="GLS")
        >>> sorted(LS.unsupported(res.problem))
        ['bollen_stine', 'compare_paths', 'modindices', 'pls']
        """
        whats = {"modindices": "modification indices (score tests of the likelihood)",
                 "bollen_stine": "the Bollen-Stine bootstrap",
                 "compare_paths": "compare_paths() (likelihood-ratio tests)"}
        out = {feature: f"{what} is available for the maximum-likelihood estimators only; this "
                        "fit used a least-squares estimator"
               for feature, what in whats.items()}
        out["bollen_stine"] += (" (lavaan offers it for ULS and DWLS too, bootstrapping their "
                                "own statistic; relqual does not yet): refit by estimator='ML' "
                                "and run res.bollen_stine(), or use se='robust.sem' with "
                                "test='satorra.bentler' for a test robust to non-normality")
        return dict(out, pls=PLS_ONLY)

    def problem(self, spec, data: pd.DataFrame, options) -> Problem:
        """The problem of a ULS, GLS, WLS or DWLS fit of ``spec`` to ``data``.

        Parameters
        ----------
        spec : ModelSpec
        data : DataFrame
        options : FitOptions
            ``estimator`` (one of ULS, GLS, WLS, DWLS), ``group``, ``std_lv``, ...

        Returns
        -------
        Problem

        Raises
        ------
        NotImplementedError
            For fixed observed covariates (lavaan conditions on them; not reproduced yet).

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.models import resolve_model
        >>> from relqual.options import FitOptions
        >>> problem = LS.problem(resolve_model("f =~ x1 + x2 + x3 + x4"),
        ...                      rq.datasets.load("holzinger_swineford"),
        ...                      FitOptions.from_arguments(estimator="WLS"))
        >>> problem.n_obs, problem.df, type(problem.loss).__name__
        (301, 2, 'LeastSquaresLoss')
        """
        partable = ml_partable(spec, options, count_groups(data, options.group))
        if partable.roles.ov_x and options.fixed_x:
            raise NotImplementedError(
                f"estimator='{options.estimator}' with fixed observed covariates "
                f"({', '.join(partable.roles.ov_x)}) is not available yet; fit with "
                "fixed_x=False")
        prepared = prepare_data(data, partable.roles.ov, first_line=partable.roles.first_line,
                                missing=options.missing, group=options.group,
                                scales=item_scales(spec))
        check_groups_kept(data, options.group, prepared)
        samples = [SampleStats.from_array(a, partable.roles.ov) for a in prepared.arrays]
        moments = count_moments(partable, samples)
        check_identified(partable, moments)
        models = [RamModel(partable, g, s) for g, s in enumerate(samples, start=1)]
        loss = ls_loss(options.estimator, models, samples, prepared.arrays)
        return Problem(family=LS, partable=partable, data=prepared, samples=samples,
                       models=models, loss=loss, x0=starting_values(partable, samples),
                       moments=moments, notes=tuple(prepared.notes))

    def with_data(self, problem: Problem, arrays: list[np.ndarray]) -> Problem:
        """New sample statistics and weights for the same RAM models.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"),
        ...              estimator="DWLS")
        >>> problem = res.problem.detached()
        >>> LS.with_data(problem, [problem.data.arrays[0][::2]]).n_obs
        151
        """
        names = problem.partable.roles.ov
        samples = [SampleStats.from_array(a, names) for a in arrays]
        for model, sample in zip(problem.models, samples):
            model.set_sample(sample)
        data = replace(problem.data, arrays=list(arrays), n_used=sum(len(a) for a in arrays))
        loss = ls_loss(estimator_of(problem), problem.models, samples, list(arrays))
        return replace(problem, data=data, samples=samples, loss=loss)

    def inference(self, problem: Problem, opt, options) -> Inference:
        """``se = "standard"`` or ``"robust.sem"``, and the Satorra-type test if asked for.

        Parameters
        ----------
        problem : Problem
        opt : OptimResult
        options : FitOptions
            ``se_method`` and ``test_method``.

        Returns
        -------
        Inference
            ``robust`` as :func:`relqual.ml.satorra_inference`'s.

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.options import FitOptions
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
        ...              estimator="ULS")
        >>> options = FitOptions(estimator="ULS", se="robust.sem", test="satorra.bentler")
        >>> inf = LS.inference(res.problem, res.estimate.opt, options)
        >>> inf.kind, round(float(inf.robust["scaling_factor"]), 4)
        ('robust.sem', 1.1264)
        """
        se, test = options.se_method, options.test_method
        loss, x = problem.loss, opt.x
        n, G = loss.n_total, len(problem.samples)
        imps = [m.implied(x) for m in loss.models]
        deltas = [loss.delta(g, imp) for g, imp in enumerate(imps)]
        fractions = [s.n / n for s in problem.samples]
        information = 2.0 * information_matrix(deltas, loss.weights, fractions)
        vcov, invertible = vcov_from_information(information, n - G)
        if not invertible:
            return Inference(vcov, False, se, information)
        robust = dict(vcov=vcov, se=se, test=test, model_test=None, baseline_test=None,
                      scaling_factor=np.nan, baseline_scaling_factor=np.nan)
        if se == "robust.sem" or test in SATORRA_TESTS:
            sat = _satorra(loss, x, problem.data.arrays)
            if se == "robust.sem":
                vcov = robust["vcov"] = sat["vcov"]
            if test in SATORRA_TESTS:
                robust["model_test"] = scaled_test(loss.n_total * opt.fmin, problem.df,
                                                   sat["trace_ug"], sat["trace_ug2"], test)
                base = baseline(problem)
                base_sat = _satorra(base["loss"], base["x"], problem.data.arrays)
                robust["baseline_test"] = scaled_test(base["chisq"], base["df"],
                                                      base_sat["trace_ug"],
                                                      base_sat["trace_ug2"], test)
                robust["scaling_factor"] = robust["model_test"]["scaling_factor"]
                robust["baseline_scaling_factor"] = robust["baseline_test"]["scaling_factor"]
        return Inference(vcov, True, se, information, robust=robust)

    def fit_measures(self, problem: Problem, estimate) -> dict:
        """lavaan's fit measures of a least-squares fit (module docstring).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
        ...              estimator="GLS")
        >>> m = LS.fit_measures(res.problem, res.estimate)
        >>> round(float(m["chisq"]), 3), m["df"], bool(np.isnan(m["aic"]))
        (10.707, 2, True)
        """
        partable, x, loss = problem.partable, estimate.x, problem.loss
        n, G = loss.n_total, len(problem.samples)
        chisq = n * estimate.opt.fmin
        base = baseline(problem)
        implied = []
        for model, sample in zip(problem.models, problem.samples):
            imp = model.implied(x)
            implied.append((imp.sigma, imp.mu if partable.meanstructure else sample.mean))
        unbiased = [SampleStats(s.names, s.n, s.mean, s.cov * s.n / (s.n - 1))
                    for s in problem.samples]              # the S these estimators fit
        measures = fitindices.fit_measures(
            chisq=chisq, df=problem.df, npar=partable.npar, n=n - G, ngroups=G, logl=np.nan,
            logl_h1=np.nan, base_chisq=base["chisq"], base_df=base["df"],
            srmr_value=fitindices.srmr(unbiased, implied, partable.meanstructure))
        robust = estimate.inference.robust if estimate.inference is not None else None
        if robust is not None and robust["model_test"] is not None:
            measures.update(fitindices.satorra_measures(measures, robust["model_test"],
                                                        robust["baseline_test"]))
        measures.update(dict.fromkeys(LIKELIHOOD_MEASURES, np.nan), fmin=chisq / (2 * n),
                        ntotal=n)
        if estimator_of(problem) == "ULS":    # N F_ULS is not chi-square distributed: lavaan
            measures.update(pvalue=np.nan, baseline_pvalue=np.nan)     # gives no p-value
        return measures


def estimator_of(problem: Problem) -> str:
    """The least-squares estimator a problem was built for (its loss's)."""
    return problem.loss.estimator


def ls_loss(estimator: str, models: list, samples: list, arrays: list) -> LeastSquaresLoss:
    """The loss of ``estimator`` for the sample moments and rows of every group.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"),
    ...              estimator="ULS")
    >>> p = res.problem
    >>> ls_loss("WLS", p.models, p.samples, p.data.arrays).weights[0].shape
    (6, 6)
    """
    meanstructure = models[0].meanstructure
    unbiased = [s.cov * s.n / (s.n - 1) for s in samples]
    stats = [sample_vector(s.mean, cov, meanstructure) for s, cov in zip(samples, unbiased)]
    weights = [weight_matrix(estimator, a, s.mean, cov, meanstructure)
               for a, s, cov in zip(arrays, samples, unbiased)]
    return LeastSquaresLoss(models, stats, weights, [s.n for s in samples], estimator)


def _satorra(loss: LeastSquaresLoss, x: np.ndarray, arrays: list) -> dict:
    imps = [m.implied(x) for m in loss.models]
    deltas = [loss.delta(g, imp) for g, imp in enumerate(imps)]
    gammas = [gamma_adf(a, loss.meanstructure) for a in arrays]
    return robust_sem(deltas, loss.weights, gammas, [len(a) for a in arrays],
                      n_vcov=loss.n_total - len(arrays))


def baseline(problem: Problem) -> dict:
    """The independence model (free variances, the covariances of observed exogenous
    covariates and, with a mean structure, means; lavaan's ``lav_partable_independence``)
    fitted by the same estimator and weights: its loss, estimates, statistic N F and degrees of
    freedom.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="ULS")
    >>> base = baseline(res.problem)
    >>> round(float(base["chisq"]), 3), base["df"]
    (316.359, 6)
    """
    loss, samples = problem.loss, problem.samples
    roles = problem.partable.roles
    x_names = list(roles.ov_x)
    table = independence_partable(list(roles.ov), x_names, loss.meanstructure, len(samples))
    models = [RamModel(table, g + 1, s) for g, s in enumerate(samples)]
    base_loss = LeastSquaresLoss(models, loss.stats, loss.weights, [s.n for s in samples],
                                 loss.estimator)
    opt = minimize(base_loss, starting_values(table, samples), information=False, gtol=1e-12)
    df = fitindices.baseline_df(samples, x_names)
    return dict(loss=base_loss, x=opt.x, chisq=loss.n_total * opt.fmin, df=df)


LS = LeastSquaresFamily()
