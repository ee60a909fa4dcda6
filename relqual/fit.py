"""``fit()``: the one pipeline from a model and data to an immutable :class:`Result`.

Every fit runs the numbered steps of :mod:`relqual.estimation`: options -> model -> problem
(built by the estimator family: :mod:`relqual.ml` or :mod:`relqual.ordinal`) -> optimize ->
inference -> conclude -> Result; ``se="bootstrap"`` then refits resamples through the same path
(:mod:`relqual.resample`) and returns a new Result with the bootstrap covariance.
"""
from __future__ import annotations

import warnings

import pandas as pd

from .engine.threads import single_threaded
from .estimation import estimate
from .interaction import prepare as prepare_interaction
from .lsfamily import LS
from .ml import ML
from .models import resolve_model
from .options import FitOptions, wants_ordered
from .ordinal import WLSMV
from .plsfit import PLS
from .plsinteraction import InteractionTwoStage
from .result import RelqualWarning, Result
from .summary import (
    DATA_LABEL,
    SummaryDataError,
    SummaryFamily,
    check_summary_fit,
    summary_data,
    wants_summary,
)

FAMILIES = {"ML": ML, "MLR": ML, "MLM": ML, "MLMV": ML, "MLMVS": ML, "MLF": ML,
            "ULS": LS, "GLS": LS, "WLS": LS, "DWLS": LS,
            "WLSMV": WLSMV, "WLSM": WLSMV, "WLSMVS": WLSMV, "ULSM": WLSMV, "ULSMV": WLSMV,
            "PLS": PLS, "PLSC": PLS}


@single_threaded
def fit(model, data=None, estimator: str | None = None, missing: str = "listwise", ordered=None,
        group: str | None = None, group_equal=(), se: str | None = None, bootstrap: int = 0,
        seed=None, engine: str = "native", *, std_lv: bool = False,
        meanstructure: bool | None = None, fixed_x: bool | None = None,
        control: dict | None = None, n_jobs: int = 1, group_partial=(),
        scheme: str = "path", cov=None, cor=None, sd=None, means=None, n_obs=None,
        names=None, interaction: str | None = None, interaction_pairs: str = "all",
        test: str | None = None, parameterization: str = "delta",
        hoc: str = "two_stage") -> Result:
    """Fit a structural equation model to data, the way lavaan's ``sem()`` does.

    Parameters
    ----------
    model : str, ModelSpec or path
        lavaan syntax, a :class:`~relqual.models.ModelSpec`, a library model name or a model file.
    data : pandas.DataFrame, optional
        The survey (never modified); leave it out when fitting summary statistics.
    estimator : {"ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF", "WLSMV", "PLS", "PLSc"}, optional
        Maximum likelihood, robust ML (sandwich SEs, Yuan-Bentler scaled test; MLM:
        robust.sem SEs and the Satorra-Bentler scaled test; MLMV and MLMVS: lavaan's
        scaled-shifted and mean-and-variance-adjusted tests; MLF: first-order SEs), WLSMV for
        ordered items (also WLSM, WLSMVS, ULSM, ULSMV, and DWLS, ULS, WLS with ``ordered``:
        lavaan's estimators for them, :mod:`relqual.engine.wls`), or PLS-SEM (``=~`` Mode A,
        ``<~`` Mode B; :mod:`relqual.plsfit`) and consistent PLS. Unset: ML, or WLSMV when
        ``ordered`` names items (lavaan's default); ``ordered`` with an explicit
        ``"ML"``/``"MLR"`` is an error, as in lavaan.
    missing : {"listwise", "fiml", "pairwise"}
        Listwise deletion, full-information ML (lavaan's ``missing = "ml"``), or for ordered
        items pairwise deletion (lavaan's ``missing = "pairwise"``).
    ordered : list of str or True, optional
        The ordered (Likert) items; True for every observed variable but covariates.
    group : str, optional
        A column: one model per group (in order of first appearance, as lavaan); multigroup
        models have a mean structure by default.
    group_equal, group_partial : sequence of str
        lavaan's ``group.equal`` (e.g. "loadings", "intercepts") and ``group.partial``.
    se : {"standard", "robust.sem", "robust.huber.white", "first.order", "bootstrap"}, optional
        lavaan's ``se``; unset: the estimator's default (MLM, MLMV, MLMVS: "robust.sem"; MLR:
        "robust.huber.white"; MLF: "first.order"). ``"bootstrap"`` with ``bootstrap=B`` refits
        B resamples of the rows (``seed``, ``n_jobs`` workers) for standard errors and
        percentile intervals.
    test : {"standard", "satorra.bentler", "mean.var.adjusted", "scaled.shifted", \
"yuan.bentler", "yuan.bentler.mplus"}, optional
        lavaan's ``test``; unset: the estimator's default (MLM: "satorra.bentler", MLMV:
        "scaled.shifted", MLMVS: "mean.var.adjusted", MLR: "yuan.bentler.mplus").
    bootstrap : int
        The number of bootstrap resamples (with ``se="bootstrap"``).
    seed : int, optional
        Makes the bootstrap reproducible.
    engine : {"native", "semopy"}
        relqual's optimizer, or semopy as an independent second engine (single-group ML).
    std_lv, meanstructure, fixed_x : bool
        lavaan's options of the same names (``fixed_x`` unset: True, False for ULS, GLS, WLS
        and DWLS, as lavaan).
    control : dict, optional
        Optimizer settings ``max_iter`` and ``gtol`` (PLS: ``max_iter``, default 300, and
        ``tol``, default 1e-7, on the summed absolute change of the weights).
    scheme : {"path", "factorial", "centroid"}
        PLS's inner weighting scheme.
    hoc : {"two_stage", "repeated"}
        How PLS builds a higher-order construct (``H =~ A + B`` over constructs): seminr's
        two-stage approach or repeated indicators (:mod:`relqual.plshoc`).
    parameterization : {"delta", "theta"}
        For ordered items (WLSMV), lavaan's: scaling factors (delta) or residual variances
        (theta) of the latent responses as parameters.
    n_jobs : int
        Worker processes for the bootstrap.
    cov, cor, sd, means, n_obs, names
        Summary statistics instead of ``data`` (lavaan's ``sample.cov``, ``sample.mean``,
        ``sample.nobs``; see :mod:`relqual.summary`): a covariance matrix ``cov`` (or
        correlations ``cor`` with standard deviations ``sd``), optional ``means`` (a mean
        structure) and N ``n_obs``; a DataFrame, or an array with ``names``; dicts keyed by
        group label for several groups. ML only; the covariance matrix is rescaled by
        (N - 1) / N as lavaan's ``sample.cov.rescale``.
    interaction : {"lms", "qml", "dblcent", "rca", "uca", "two_stage"}, optional
        How a latent interaction term (``y ~ x + z + x:z``) is estimated: LMS (the default for
        latent x latent terms under ML with complete rows; :mod:`relqual.lms`), QML
        (:mod:`relqual.qml`), or product
        indicators, double-mean-centred (the default otherwise), residual-centred or
        unconstrained (:mod:`relqual.interaction`); a product of observed variables is a plain
        product column. With ``estimator="PLS"``: the two-stage approach (the only one, so the
        default; :mod:`relqual.plsinteraction`).
    interaction_pairs : {"all", "matched"}
        Every product of the two factors' indicators, or indicators paired in order.

    Returns
    -------
    Result
        The fitted model (:class:`relqual.result.Result`).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9", hs)
    >>> round(float(res.fit_measures()["chisq"]), 3), int(res.fit_measures()["df"])
    (85.306, 24)
    >>> mlr = rq.fit("f =~ x1 + x2 + x3 + x4", hs, estimator="MLR")
    >>> mlr.call["estimator"], mlr.n_obs
    ('MLR', 301)
    >>> cov = hs[["x1", "x2", "x3", "x4"]].cov()            # a covariance matrix and N
    >>> round(float(rq.fit("f =~ x1 + x2 + x3 + x4", cov=cov, n_obs=301).fit_measures()["chisq"]),
    ...       3)
    11.798
    """
    summary = None
    if wants_summary(cov=cov, cor=cor, sd=sd, means=means, n_obs=n_obs):
        summary = summary_data(cov=cov, cor=cor, sd=sd, means=means, n_obs=n_obs, names=names)
        group = check_summary_fit(data, summary, estimator=estimator, missing=missing,
                                  ordered=ordered, se=se, bootstrap=bootstrap, engine=engine,
                                  group=group)
    elif data is None:
        raise TypeError("fit() needs data (a DataFrame of survey rows) or summary statistics "
                        "(cov=, or cor= with sd=, and n_obs=)")
    options = FitOptions.from_arguments(
        estimator=estimator, missing=missing, ordered=ordered, group=group,
        group_equal=group_equal, group_partial=group_partial, se=se, bootstrap=bootstrap,
        seed=seed, engine=engine, std_lv=std_lv, meanstructure=meanstructure, fixed_x=fixed_x,
        control=control, n_jobs=n_jobs, scheme=scheme, test=test,
        parameterization=parameterization, hoc=hoc)
    if summary is not None and (options.se_method, options.test_method) != ("standard",
                                                                            "standard"):
        raise SummaryDataError(f"estimator='{options.estimator}' (se='{options.se_method}', "
                               f"test='{options.test_method}') needs the raw data rows (robust "
                               "standard errors and scaled tests use their fourth-order "
                               "moments); from summary statistics use estimator='ML'")
    spec = resolve_model(model)
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    result_spec = spec
    products = prepare_interaction(spec, data, options, interaction, interaction_pairs,
                                   summary=summary is not None)
    if products is not None:       # product indicators: an augmented model and data set
        spec, data, options, result_spec = (products.spec, products.data, products.options,
                                            products.result_spec)
    family = (SummaryFamily(summary) if summary is not None
              else WLSMV if wants_ordered(options.ordered) else FAMILIES[options.estimator])
    if products is not None and products.family is not None:       # LMS
        family = products.family
    problem = family.problem(spec, data, options)
    est = estimate(problem, options)
    call = _call(options, problem, est)
    if products is not None:
        info = result_spec.extra["interaction"]
        call.update(interaction=info["method"], interaction_pairs=info["pairs"])
    elif problem.pls is not None and isinstance(problem.pls["model"], InteractionTwoStage):
        call.update(interaction="two_stage")           # PLS: relqual.plsinteraction
    result = Result(spec=result_spec, estimate=est, call=call)
    if options.se == "bootstrap":
        result = result.with_bootstrap(result.bootstrap(options.bootstrap, seed=options.seed,
                                                         n_jobs=options.n_jobs))
    for message in result.warnings:
        warnings.warn(message, RelqualWarning, stacklevel=3)
    return result


def _call(options: FitOptions, problem, est) -> dict:
    """The ``call`` a Result reports: the options, and what the estimator chose by default."""
    call = dict(options.call(), meanstructure=problem.partable.meanstructure)
    if problem.family is PLS:
        call.update(estimator="PLSc" if options.estimator == "PLSC" else "PLS",
                    scheme=options.scheme, hoc=options.hoc)
    if problem.family is WLSMV:
        call.update(ordered=list(problem.ordinal["ordered"]),
                    parameterization=problem.partable.options["parameterization"],
                    se=options.se_method, test=problem.family.test_method(options))
    call.update(getattr(est.opt, "call", {}))          # what the optimizer adds (semopy)
    if isinstance(problem.family, SummaryFamily):
        call.update(data=DATA_LABEL, source=problem.family.summary.describe())
    return call
