"""The maximum-likelihood family of estimators: ML and MLR, on complete data or by FIML.

The parts this family plugs into the estimation core (:mod:`relqual.estimation`):

* problem: lavaan's ``sem()`` parameter table (multigroup and FIML fits get a mean structure),
  listwise or FIML rows, sample moments (FIML: the EM moments and the missing-data patterns),
  the ML discrepancy :class:`relqual.engine.loss.MLLoss`;
* inference: the inverse expected information for complete-data ML, the observed information
  under FIML (lavaan's defaults), the Huber-White sandwich with Yuan-Bentler scaling for MLR
  (:mod:`relqual.engine.robust`);
* fit measures: the likelihood-ratio test against the saturated model, lavaan's fit indices,
  the scaled ones for MLR and the FIML-corrected robust ones (:mod:`relqual.engine.fitindices`,
  :mod:`relqual.engine.fiml_corrected`).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .data import PreparedData, check_groups_kept, prepare_data
from .engine import fitindices
from .engine.fiml_corrected import fiml_corrected
from .engine.inference import vcov_from_information
from .engine.loss import MLLoss, NotPositiveDefinite, Piece
from .engine.matrices import RamModel
from .engine.missing import IncompleteData, missing_patterns
from .engine.mlm import baseline_satorra, first_order_vcov, satorra_ml, yuan_bentler_fiml
from .engine.robust import fit_baseline, robust_ml, sandwich
from .engine.robustsem import scaled_test
from .engine.samplestats import SampleStats
from .engine.start import starting_values
from .options import SATORRA_TESTS
from .partable import ParTable, build_partable
from .problem import PLS_ONLY, Inference, Problem, check_identified, count_groups, count_moments


class MLFamily:
    """ML, MLR and FIML: the parts of the pipeline (see :class:`relqual.problem.Family`).

    The one instance is ``relqual.ml.ML``.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.ml import ML
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> res.problem.family is ML
    True
    """

    name = "ML"

    def unsupported(self, problem: Problem) -> dict:
        """Result methods this fit does not offer (yet), with the message that refuses them:
        the measurement-quality tables under FIML; modification indices under FIML with
        fixed.x covariates.

        Parameters
        ----------
        problem : Problem

        Returns
        -------
        dict
            Result method name -> the message that refuses it (empty for complete-data fits).

        Examples
        --------
        >>> import relqual as rq
        >>> hsm = rq.datasets.load("holzinger_swineford_missing")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml")
        >>> sorted(ML.unsupported(res.problem))
        ['fornell_larcker', 'htmt', 'item_diagnostics', 'measurement_report', 'pls', 'reliability']
        """
        out = {"pls": PLS_ONLY}
        if problem.fiml:
            for feature, what in (("reliability", "reliability"),
                                  ("item_diagnostics", "item diagnostics"),
                                  ("fornell_larcker", "the Fornell-Larcker criterion"),
                                  ("htmt", "HTMT"),
                                  ("measurement_report", "the measurement report")):
                out[feature] = (f"{what} is available for complete-data fits (missing='listwise') "
                                "only; missing='fiml' is not supported yet")
            if problem.partable.roles.ov_x and problem.partable.options["fixed_x"]:
                out["modindices"] = ("modification indices under FIML with fixed.x covariates "
                                     "are not available yet; fit with fixed_x=False")
        return out

    def problem(self, spec, data: pd.DataFrame, options) -> Problem:
        """The problem of an ML, MLR or FIML fit of ``spec`` to ``data``.

        Parameters
        ----------
        spec : ModelSpec
            The model.
        data : DataFrame
            The data.
        options : FitOptions
            The checked options (``missing``, ``group``, ``std_lv``, ...).

        Returns
        -------
        Problem
            Under FIML with the missing-data patterns and EM moments (``incomplete``).

        Raises
        ------
        NotImplementedError
            FIML with fixed.x covariates that have missing values.

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.models import resolve_model
        >>> from relqual.options import FitOptions
        >>> hsm = rq.datasets.load("holzinger_swineford_missing")
        >>> problem = ML.problem(resolve_model("f =~ x1 + x2 + x3 + x4"), hsm,
        ...                      FitOptions.from_arguments(missing="fiml"))
        >>> problem.fiml, problem.n_obs, len(problem.loss.pieces), problem.partable.meanstructure
        (True, 301, 9, True)
        """
        partable = ml_partable(spec, options, count_groups(data, options.group))
        prepared = prepare_data(data, partable.roles.ov, first_line=partable.roles.first_line,
                                missing=options.missing, group=options.group,
                                scales=item_scales(spec))
        check_groups_kept(data, options.group, prepared)
        incomplete = None
        if options.fiml:
            if partable.roles.ov_x and options.fixed_x:
                x_pos = [partable.roles.ov.index(v) for v in partable.roles.ov_x]
                if any(np.isnan(a[:, x_pos]).any() for a in prepared.arrays):
                    raise NotImplementedError(
                        "FIML with fixed observed covariates that have missing values "
                        f"({', '.join(partable.roles.ov_x)}) is not available; fit with "
                        "fixed_x=False to model the covariates, or complete them")
            incomplete = [IncompleteData.from_array(a, partable.roles.ov)
                          for a in prepared.arrays]
        return problem_from_rows(partable, prepared, incomplete)

    def with_data(self, problem: Problem, arrays: list[np.ndarray]) -> Problem:
        """New sample moments (or, under FIML, missing-data patterns; no EM: refits start
        warm) for the same RAM models.

        Parameters
        ----------
        problem : Problem
            A :meth:`~relqual.problem.Problem.detached` problem (its RAM models' fixed.x values
            are set from the new rows).
        arrays : list of ndarray
            Per group the rows, in model variable order (NaN = missing under FIML).

        Returns
        -------
        Problem

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> problem = res.problem.detached()
        >>> ML.with_data(problem, [problem.data.arrays[0][::2]]).loss.n_total
        151
        """
        names = problem.partable.roles.ov
        samples = [SampleStats.from_array(a, names) for a in arrays]
        for model, sample in zip(problem.models, samples):
            model.set_sample(sample)          # fixed.x moments (complete under FIML too)
        data = replace(problem.data, arrays=list(arrays), n_used=sum(len(a) for a in arrays))
        if problem.fiml:
            pieces = [Piece.pattern(g, pat) for g, a in enumerate(arrays)
                      for pat in missing_patterns(a)]
            return replace(problem, data=data, loss=MLLoss(problem.models, pieces=pieces))
        return replace(problem, data=data, samples=samples,
                       loss=MLLoss(problem.models, samples))

    def inference(self, problem: Problem, opt, options) -> Inference:
        """Expected information (complete-data ML), observed information (FIML), or the
        MLR sandwich with the Yuan-Bentler scaling factors (lavaan's defaults for each).

        Parameters
        ----------
        problem : Problem
        opt : OptimResult
            The optimum; an optimizer that brings its own covariance (semopy) is taken as is.
        options : FitOptions
            ``estimator`` ("MLR": the sandwich) and ``test`` ("none": no scaling factors).

        Returns
        -------
        Inference
            ``kind`` "expected", "observed", "robust.huber.white" or "semopy".

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.options import FitOptions
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> mlr = ML.inference(res.problem, res.estimate.opt, FitOptions(estimator="MLR"))
        >>> mlr.kind, round(mlr.robust["scaling_factor"], 3)
        ('robust.huber.white', 0.836)
        """
        if getattr(opt, "vcov", None) is not None:        # an optimizer that brings its own
            return Inference(opt.vcov, opt.vcov_invertible, "semopy", opt.information)
        if options.test_method == "yuan.bentler.mplus" and (options.estimator != "MLR" or (
                options.se_method in ("standard", "robust.sem") and not problem.fiml)):
            return yuan_bentler_inference(problem, opt, options)
        if options.estimator != "MLR" and (options.se_method != "standard"
                                           or options.test_method != "standard"):
            return satorra_inference(problem, opt, options)
        observed = problem.fiml or options.estimator == "MLR"
        information = opt.information
        try:
            if observed and np.all(np.isfinite(opt.x)):
                information = problem.loss.observed_hessian(opt.x)[2]
            elif information is None:
                information = problem.loss.value_gradient_information(opt.x)[2]
        except NotPositiveDefinite:
            information = np.full((len(opt.x), len(opt.x)), np.nan)
        vcov, invertible = vcov_from_information(information, problem.loss.n_total)
        if options.estimator != "MLR" or not invertible:
            return Inference(vcov, invertible, "observed" if observed else "expected",
                             information)
        if options.test == "none":               # the sandwich alone (power replicates)
            try:
                vcov = sandwich(problem.loss, opt.x, problem.data.arrays,
                                0.5 * information)[0]
            except np.linalg.LinAlgError:
                return Inference(np.full_like(vcov, np.nan), False, "robust.huber.white",
                                 information)
            return Inference(vcov, True, "robust.huber.white", information)
        try:
            robust = robust_ml(problem.loss, opt.x, problem.samples, problem.data.arrays,
                               problem.df, with_baseline=not problem.partable.roles.ov_x)
        except np.linalg.LinAlgError:
            return Inference(np.full_like(vcov, np.nan), False, "robust.huber.white",
                             information)
        if options.se_method == "standard":        # MLR under FIML: observed-information SEs
            return Inference(vcov, True, "standard", information, robust=robust)
        return Inference(robust["vcov"], True, "robust.huber.white", information, robust=robust)

    def fit_measures(self, problem: Problem, estimate) -> dict:
        """lavaan's fit measures of an ML-family fit (see the module docstring).

        Parameters
        ----------
        problem : Problem
        estimate : Estimate
            The optimum and its inference (MLR: the scaling factors).

        Returns
        -------
        dict
            Named as lavaan's ``fitMeasures`` ('.' -> '_'): ``chisq df pvalue cfi tli rmsea
            srmr logl aic bic ...``, with ``*_scaled`` and ``*_robust`` versions for MLR and
            under FIML.

        Examples
        --------
        >>> import relqual as rq
        >>> hsm = rq.datasets.load("holzinger_swineford_missing")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml")
        >>> measures = ML.fit_measures(res.problem, res.estimate)
        >>> round(float(measures["chisq"]), 3), measures["df"], round(float(measures["cfi"]), 3)
        (11.192, 2, 0.932)
        """
        partable, x = problem.partable, estimate.x
        implied = []
        for model, sample in zip(problem.models, problem.samples):
            imp = model.implied(x)             # without a mean structure the means are saturated
            implied.append((imp.sigma, imp.mu if partable.meanstructure else sample.mean))
        x_names = partable.roles.ov_x
        fixed_x = partable.options["fixed_x"]
        if problem.incomplete is None:
            chisq = problem.n_obs * estimate.opt.fmin
            logl, logl_h1, base_chisq = fitindices.complete_data_likelihoods(
                problem.samples, implied, x_names, fixed_x)
        else:                                  # FIML: likelihood ratios against EM's H1
            x_pos = [partable.roles.ov.index(v) for v in x_names] if fixed_x else []
            logl_x = sum(inc.covariate_loglik(x_pos) for inc in problem.incomplete)
            logl = sum(inc.loglik(sigma, mu)
                       for inc, (sigma, mu) in zip(problem.incomplete, implied))
            logl_h1 = sum(inc.h1_loglik for inc in problem.incomplete)
            chisq = 2.0 * (logl_h1 - logl)
            base_chisq = 2.0 * (logl_h1 - sum(inc.independence_loglik(x_pos)
                                              for inc in problem.incomplete))
            logl, logl_h1 = logl - logl_x, logl_h1 - logl_x
        measures = fitindices.fit_measures(
            chisq=chisq, df=problem.df, npar=partable.npar, n=problem.n_obs,
            ngroups=len(problem.samples), logl=logl, logl_h1=logl_h1, base_chisq=base_chisq,
            base_df=fitindices.baseline_df(problem.samples, x_names),
            srmr_value=fitindices.srmr(problem.samples, implied, partable.meanstructure))
        robust = estimate.inference.robust if estimate.inference is not None else None
        if robust is not None and "model_test" in robust:         # Satorra-type tests
            if robust["model_test"] is not None:
                measures.update(fitindices.satorra_measures(measures, robust["model_test"],
                                                            robust["baseline_test"]))
        elif robust is not None:
            measures.update(fitindices.scaled_measures(
                measures, robust["scaling_factor"], robust["baseline_scaling_factor"],
                robust=problem.incomplete is None))
        if problem.incomplete is not None:
            measures.update(_fiml_robust_measures(problem, x, measures, robust is not None))
        return measures


def satorra_inference(problem: Problem, opt, options) -> Inference:
    """Inference of an ML fit with lavaan's ``se`` other than MLR's and its Satorra-type tests
    (MLM, MLMV, MLMVS, MLF, or ML with ``se=`` / ``test=``; :mod:`relqual.engine.mlm`).

    Parameters
    ----------
    problem : Problem
    opt : OptimResult
    options : FitOptions
        ``se_method``: "standard" (expected information; observed under FIML), "robust.sem",
        "robust.huber.white" (the sandwich around the observed information) or
        "first.order"; ``test_method``: "standard" or a Satorra-type test.

    Returns
    -------
    Inference
        ``kind`` the ``se`` method; ``robust``: ``vcov``, ``se``, ``test``, ``model_test`` and
        ``baseline_test`` (:func:`relqual.engine.robustsem.scaled_test`; None for
        test="standard"), ``scaling_factor`` and ``baseline_scaling_factor``.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.options import FitOptions
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> inf = satorra_inference(res.problem, res.estimate.opt, FitOptions(estimator="MLM"))
    >>> inf.kind, round(inf.robust["scaling_factor"], 4)
    ('robust.sem', 1.1796)
    """
    se, test = options.se_method, options.test_method
    x, arrays = opt.x, problem.data.arrays
    meanstructure = problem.partable.meanstructure
    npar = len(x)
    nan = np.full((npar, npar), np.nan)
    observed = problem.fiml or se == "robust.huber.white"     # lavaan's information then
    if observed and test in SATORRA_TESTS:
        _refuse_h1_covariates(problem, test)
    roles, fixed_x = problem.partable.roles, problem.partable.options["fixed_x"]
    x_pos = [roles.ov.index(v) for v in roles.ov_x] if fixed_x else None
    try:
        if observed:
            information = problem.loss.observed_hessian(x)[2]
        else:
            information = problem.loss.value_gradient_information(x)[2]
    except NotPositiveDefinite:
        return Inference(nan, False, se, nan)
    vcov, invertible = vcov_from_information(information, problem.loss.n_total)
    if not invertible:
        return Inference(vcov, False, se, information)
    sat = None
    try:
        # the tests' weights: lavaan's observed information in its "h1" form with
        # se="robust.huber.white" (observed.information = c("hessian", "h1"))
        kind = "h1" if observed else "expected"
        if problem.fiml and test in SATORRA_TESTS:     # yuan.bentler (options refuse others)
            sat = yuan_bentler_fiml(problem.loss, x, problem.samples, arrays)
        elif se == "robust.sem" or test in SATORRA_TESTS:
            sat = satorra_ml(problem.models, x, arrays, meanstructure, x_pos, information=kind)
        if se == "robust.sem":
            vcov = sat["vcov"]
        elif se == "robust.huber.white":
            vcov = sandwich(problem.loss, x, arrays, 0.5 * information)[0]
        elif se == "first.order":
            vcov = first_order_vcov(problem.loss, x, arrays)
    except np.linalg.LinAlgError:
        return Inference(nan, False, se, information)
    robust = dict(vcov=vcov, se=se, test=test, model_test=None, baseline_test=None,
                  scaling_factor=np.nan, baseline_scaling_factor=np.nan)
    if test in SATORRA_TESTS:
        x_names = list(problem.partable.roles.ov_x)
        base_df = fitindices.baseline_df(problem.samples, x_names)
        if problem.fiml:            # likelihood ratios against EM's H1 (no covariates here)
            chisq, base_chisq = _fiml_chisqs(problem, x)
            _, base_loss, x_base = fit_baseline(list(roles.ov), problem.samples, arrays,
                                                problem.loss.pieces, meanstructure)
            base = yuan_bentler_fiml(base_loss, x_base, problem.samples, arrays)
        else:
            chisq = problem.n_obs * opt.fmin
            base_chisq = fitindices.baseline_chisq(problem.samples, x_names)
            base = baseline_satorra(list(roles.ov), x_names, problem.samples, arrays,
                                    meanstructure, bool(fixed_x), information=kind)
        robust["model_test"] = scaled_test(chisq, problem.df, sat["trace_ug"],
                                           sat["trace_ug2"], test)
        robust["baseline_test"] = scaled_test(base_chisq, base_df, base["trace_ug"],
                                              base["trace_ug2"], test)
        robust["scaling_factor"] = robust["model_test"]["scaling_factor"]
        robust["baseline_scaling_factor"] = robust["baseline_test"]["scaling_factor"]
    return Inference(vcov, True, se, information, robust=robust)


def yuan_bentler_inference(problem: Problem, opt, options) -> Inference:
    """The Yuan-Bentler (Mplus) test with the information lavaan 0.6-14 switches to: ML with
    ``test="yuan.bentler.mplus"``, or MLR with ``se="robust.sem"`` or ``"standard"`` on
    complete data.

    lavaan computes the scaling factor c = [tr(A1^-1 B1) - tr(A^-1 B0)] / df of MLR
    (:mod:`relqual.engine.robust`) with the model information A expected (``se`` "standard"
    or "robust.sem", complete data) or, with ``se="robust.huber.white"`` or under FIML,
    observed in its "h1" form (:func:`relqual.engine.robust.model_information`), not MLR's
    Hessian; the standard errors are ``se``'s (the sandwich around the Hessian for
    robust.huber.white; the observed information under FIML for "standard").

    Parameters
    ----------
    problem : Problem
    opt : OptimResult
    options : FitOptions

    Returns
    -------
    Inference
        ``kind`` the ``se`` method; ``robust`` as :func:`relqual.engine.robust.robust_ml`'s.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.options import FitOptions
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> options = FitOptions.from_arguments(test="yuan.bentler.mplus")
    >>> inf = yuan_bentler_inference(res.problem, res.estimate.opt, options)
    >>> inf.kind, round(inf.robust["scaling_factor"], 4)
    ('standard', 1.1752)
    """
    se = options.se_method
    x, loss = opt.x, problem.loss
    _refuse_h1_covariates(problem, "yuan.bentler.mplus")
    npar = len(x)
    observed = problem.fiml or se == "robust.huber.white"     # lavaan's information then
    try:
        information = (loss.observed_hessian(x)[2] if problem.fiml else
                       loss.value_gradient_information(x)[2])
    except NotPositiveDefinite:
        return Inference(np.full((npar, npar), np.nan), False, se, None)
    vcov, invertible = vcov_from_information(information, loss.n_total)
    if not invertible:
        return Inference(vcov, False, se, information)
    kind = "h1" if observed else "expected"
    try:
        robust = robust_ml(loss, x, problem.samples, problem.data.arrays, problem.df,
                           with_baseline=not problem.partable.roles.ov_x, information=kind)
        if se == "robust.huber.white":
            vcov = robust["vcov"]
        elif se == "robust.sem":
            vcov = satorra_ml(problem.models, x, problem.data.arrays,
                              problem.partable.meanstructure)["vcov"]
    except np.linalg.LinAlgError:
        return Inference(np.full_like(vcov, np.nan), False, se, information)
    return Inference(vcov, True, se, information, robust=robust)


def _fiml_chisqs(problem: Problem, x: np.ndarray) -> tuple[float, float]:
    """The FIML chi-squares of the model and of the independence model against EM's H1
    (without observed covariates)."""
    logl = logl_base = logl_h1 = 0.0
    for inc, model in zip(problem.incomplete, problem.models):
        imp = model.implied(x)
        logl += inc.loglik(imp.sigma, imp.mu)
        logl_h1 += inc.h1_loglik
        logl_base += inc.independence_loglik([])
    return 2.0 * (logl_h1 - logl), 2.0 * (logl_h1 - logl_base)


def _refuse_h1_covariates(problem: Problem, test: str) -> None:
    """The tests with lavaan's expected or "h1" information are checked without observed
    covariates only."""
    if problem.partable.roles.ov_x:
        raise NotImplementedError(
            f"test='{test}' with this se= and observed covariates "
            f"({', '.join(problem.partable.roles.ov_x)}) is not available yet (lavaan's "
            "information for it is not reproduced with covariates); use estimator='MLR' or "
            "'MLM' with their default se")


def _fiml_robust_measures(problem: Problem, x: np.ndarray, measures: dict, mlr: bool) -> dict:
    """lavaan's robust indices under FIML (FIML-corrected; version V3 with MLR, else V6).
    Not computed with fixed.x covariates (lavaan's treatment of their block in the saturated
    information is not reproduced yet): those entries are NaN."""
    partable = problem.partable
    if partable.roles.ov_x and partable.options["fixed_x"]:
        return {name: np.nan for name in fitindices.ROBUST_NAMES}
    arrays = problem.data.arrays
    models, _, x_baseline = fit_baseline(list(partable.roles.ov), problem.samples, arrays,
                                         problem.loss.pieces, partable.meanstructure)
    try:
        fc = fiml_corrected(problem.models, x, problem.samples, arrays, problem.loss.pieces,
                            problem.df, (models, x_baseline), "V3" if mlr else "V6")
    except np.linalg.LinAlgError:
        return {}
    return fitindices.robust_measures(measures, fc["XX3"], fc["c3"], fc["XX3_null"],
                                      fc["c3_null"])


def item_scales(spec) -> dict:
    """Item -> number of answer points, from a library model's constructs (empty otherwise).

    Examples
    --------
    >>> import relqual as rq
    >>> item_scales(rq.models.load("relationship_quality"))["sat1"]
    5
    """
    constructs = getattr(spec, "constructs", None) or {}
    return {item["id"]: int(item["points"]) for c in constructs.values()
            for item in c.get("items", []) if item.get("points")}


def ml_partable(spec, options, ngroups: int) -> ParTable:
    """The parameter table of an ML-family fit (multigroup and FIML fits get a mean structure).

    Parameters
    ----------
    spec : ModelSpec
        The model.
    options : FitOptions
        ``meanstructure`` (None: the default above), ``std_lv``, ``fixed_x``, ``group_equal``,
        ``group_partial``, ``missing``.
    ngroups : int
        The number of groups.

    Returns
    -------
    ParTable

    Examples
    --------
    >>> from relqual.models import resolve_model
    >>> from relqual.options import FitOptions
    >>> spec = resolve_model("f =~ x1 + x2 + x3")
    >>> table = ml_partable(spec, FitOptions(), 2)
    >>> table.meanstructure, table.ngroups, table.npar
    (True, 2, 18)
    """
    meanstructure = options.meanstructure
    if (ngroups > 1 or options.fiml) and meanstructure is None:
        meanstructure = True
    return build_partable(spec.syntax, std_lv=options.std_lv, meanstructure=meanstructure,
                          fixed_x=options.fixed_x, ngroups=ngroups,
                          group_equal=options.group_equal, group_partial=options.group_partial)


def problem_from_rows(partable: ParTable, prepared, incomplete: list | None = None) -> Problem:
    """The ML problem of a parameter table and prepared rows (FIML when ``incomplete``).

    Also how a constrained model is refitted to the rows of an earlier fit
    (:func:`relqual.pathcompare.compare_fitted_paths`).

    Parameters
    ----------
    partable : ParTable
        The model.
    prepared : PreparedData
        The rows used.
    incomplete : list of IncompleteData, optional
        Under FIML, per group the missing-data patterns and EM moments.

    Returns
    -------
    Problem

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.data import prepare_data
    >>> from relqual.partable import build_partable
    >>> table = build_partable("f =~ x1 + x2 + x3 + x4")
    >>> prepared = prepare_data(rq.datasets.load("holzinger_swineford"), table.roles.ov)
    >>> problem = problem_from_rows(table, prepared)
    >>> problem.n_obs, problem.df, problem.fiml
    (301, 2, False)
    """
    if incomplete is not None:
        samples = [inc.h1 for inc in incomplete]
        pieces = [Piece.pattern(g, pat) for g, inc in enumerate(incomplete)
                  for pat in inc.patterns]
    else:
        samples = [SampleStats.from_array(a, partable.roles.ov) for a in prepared.arrays]
        pieces = None
    return problem_from_samples(partable, samples, prepared, pieces, incomplete)


def problem_from_samples(partable: ParTable, samples: list[SampleStats], prepared=None,
                         pieces=None, incomplete=None, fiml: bool | None = None) -> Problem:
    """The ML problem of sample moments (``prepared``: the rows behind them, if any; power
    analysis fits population moments without rows; ``fiml`` marks a problem whose refits
    are FIML even without EM estimates, default: when ``incomplete`` is given).

    Parameters
    ----------
    partable : ParTable
        The model.
    samples : list of SampleStats
        Per group the moments the loss is evaluated on.
    prepared : PreparedData, optional
        The rows behind them (without rows, ``n_obs`` of the problem is 0; its loss still
        counts ``samples[g].n``).
    pieces : list of Piece, optional
        The loss's data pieces (FIML: the missing-data patterns); default one per group.
    incomplete : list of IncompleteData, optional
        Under FIML, per group the patterns and EM moments.
    fiml : bool, optional
        See above.

    Returns
    -------
    Problem

    Raises
    ------
    ModelSyntaxError
        When the model is not identified (:func:`relqual.problem.check_identified`).

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.engine.samplestats import SampleStats
    >>> from relqual.estimation import estimate
    >>> from relqual.options import FitOptions
    >>> from relqual.partable import build_partable
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> names = ["x1", "x2", "x3", "x4"]
    >>> sample = SampleStats.from_array(hs[names].to_numpy(), names)
    >>> problem = problem_from_samples(build_partable("f =~ x1 + x2 + x3 + x4"), [sample])
    >>> est = estimate(problem, FitOptions())
    >>> round(float(problem.loss.n_total * est.opt.fmin), 3)
    11.798
    """
    moments = count_moments(partable, samples)
    check_identified(partable, moments)
    models = [RamModel(partable, g, s) for g, s in enumerate(samples, start=1)]
    if prepared is None:
        prepared = PreparedData(arrays=[], group_labels=[1], n_input=samples[0].n,
                                n_used=samples[0].n)
    return Problem(family=ML, partable=partable, data=prepared, samples=samples,
                   models=models, loss=MLLoss(models, samples, pieces),
                   x0=starting_values(partable, samples), moments=moments,
                   incomplete=incomplete, notes=tuple(prepared.notes),
                   fiml=incomplete is not None if fiml is None else fiml)


ML = MLFamily()
