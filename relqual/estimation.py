"""The estimation core: one pipeline for every fit, bootstrap refit and power replicate.

The steps (lavaan's numbered ``lav_lavaan_step*``; StructuralEquationModels.jl's swappable
observed / implied / loss / optimizer parts):

1. options    :class:`relqual.options.FitOptions` (checked once)
2. model      :func:`relqual.models.resolve_model` -> ModelSpec
3. problem    ``family.problem(spec, data, options)`` -> :class:`relqual.problem.Problem`: the
              parameter table, the rows used, sample statistics, RAM models, the loss and
              starting values; :func:`relqual.problem.check_identified` refuses what cannot be
              identified
4. optimize   :func:`optimize`: relqual's Fisher scoring / Newton (:mod:`relqual.engine.optimize`)
              or semopy (:mod:`relqual.semopy_engine`), on any
              :class:`~relqual.engine.protocol.Loss`
5. inference  ``family.inference(problem, optimum, options)`` -> :class:`relqual.problem.Inference`
6. conclude   :func:`conclude`: the one place where a fit's checks are applied and its messages
              written (non-convergence, singular information, improper solutions)
7. Result     built once by :func:`relqual.fit` from the :class:`Estimate`

A refit (:func:`estimate` on ``problem.with_data(rows)``) runs steps 4-6 on a detached copy of
the problem: the bootstrap (:mod:`relqual.resample`) and power (:mod:`relqual.power`) use
exactly this path, and ask the :class:`Estimate` whether it is usable.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .engine.inference import unidentified_parameters
from .engine.optimize import OptimResult, minimize
from .engine.spd import smallest_eigenvalue_above
from .problem import Inference, Problem

GRADIENT_WARNING = 1e-4     # a reported optimum with a larger gradient element gets a warning


@dataclass(frozen=True)
class Estimate:
    """The outcome of steps 4-6 for one problem: the optimum, its inference, its messages.

    ``usable`` says whether the estimate can be used at all (converged, and with an invertible
    information matrix when inference was asked for); ``messages`` are the words a
    researcher must read about it, written by :func:`conclude` on first request.

    Parameters
    ----------
    problem : Problem
        What was estimated.
    opt : OptimResult
        The optimum (step 4).
    inference : Inference or None
        The covariance of the estimates (step 5); None when not asked for (bootstrap refits).

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.options import FitOptions
    >>> problem = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford")).problem
    >>> est = estimate(problem, FitOptions())
    >>> est.converged, est.usable, est.x.shape, est.vcov.shape, est.messages
    (True, True, (8,), (8, 8), [])
    """

    problem: Problem
    opt: OptimResult
    inference: Inference | None

    @property
    def x(self) -> np.ndarray:
        """The estimates of the free parameters."""
        return self.opt.x

    @property
    def converged(self) -> bool:
        """Whether the optimizer converged."""
        return bool(self.opt.converged)

    @property
    def vcov(self) -> np.ndarray | None:
        """The covariance of the estimates (None without inference)."""
        return None if self.inference is None else self.inference.vcov

    @property
    def usable(self) -> bool:
        """Converged to finite estimates, with finite standard errors when inference was asked
        for (what a bootstrap or power replicate counts as a successful refit)."""
        if not self.converged or not np.all(np.isfinite(self.opt.x)):
            return False
        return self.inference is None or bool(self.inference.invertible
                                              and np.all(np.isfinite(np.diag(self.vcov))))

    @cached_property
    def values(self) -> np.ndarray:
        """The value of every row of the parameter table at the estimates
        (:meth:`relqual.problem.Problem.row_values`), computed once (read only)."""
        values = self.problem.row_values(self.opt.x)
        values.flags.writeable = False
        return values

    @cached_property
    def messages(self) -> list[str]:
        """The messages about this estimate (:func:`conclude`), computed once."""
        return conclude(self)


def optimize(problem: Problem, options, start: np.ndarray | None = None,
             gtol: float | None = None, information: bool = True) -> OptimResult:
    """Step 4: minimise the problem's loss from ``start`` (default: its starting values).

    ``options.engine`` picks the optimizer; ``options.control`` passes ``max_iter`` and ``gtol``
    (``gtol`` here is the default that ``control`` overrides, e.g. the looser tolerance of
    refits). ``information=False`` skips the expected information at the optimum.

    Parameters
    ----------
    problem : Problem
        Its loss and starting values.
    options : FitOptions
        ``engine`` and ``control``.
    start : ndarray, optional
        Starting values (default ``problem.x0``).
    gtol : float, optional
        The gradient tolerance unless ``control`` sets one (default: the optimizer's, 1e-9).
    information : bool
        Compute the expected information at the optimum.

    Returns
    -------
    OptimResult

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.options import FitOptions
    >>> problem = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford")).problem
    >>> opt = optimize(problem, FitOptions())
    >>> opt.converged, opt.message, opt.information.shape
    (True, 'gradient below tolerance', (8, 8))
    """
    if hasattr(problem.family, "optimize"):         # a family with its own algorithm (PLS)
        return problem.family.optimize(problem, options, start)
    if options.engine == "semopy":
        from .semopy_engine import optimize_with_semopy
        return optimize_with_semopy(problem, options.control)
    settings = dict(options.control)
    if gtol is not None:
        settings.setdefault("gtol", gtol)
    x0 = problem.x0 if start is None else start
    return minimize(problem.loss, x0, information=information, **settings)


def estimate(problem: Problem, options, *, start: np.ndarray | None = None,
             gtol: float | None = None, inference: bool = True) -> Estimate:
    """Steps 4-6 for one problem (a fit, a bootstrap resample or a power replicate).

    ``inference=False`` (bootstrap refits) skips the covariance of the estimates. Arithmetic
    failures of the optimizer propagate; a refit's caller counts them as failed draws.

    Parameters
    ----------
    problem : Problem
        The problem (for a refit: ``problem.detached().with_data(rows)``).
    options : FitOptions
        The fit's options (engine, control, estimator).
    start : ndarray, optional
        Starting values (default ``problem.x0``; refits start at the fit's estimates).
    gtol : float, optional
        See :func:`optimize`.
    inference : bool
        Compute the covariance of the estimates (step 5).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.options import FitOptions
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> problem = res.problem.detached()
    >>> refit = estimate(problem.with_data([problem.data.arrays[0][::2]]), FitOptions(),
    ...                  start=res.x, inference=False)
    >>> refit.usable, refit.vcov is None
    (True, True)
    """
    opt = optimize(problem, options, start=start, gtol=gtol, information=False)
    inf = problem.family.inference(problem, opt, options) if inference else None
    return Estimate(problem, opt, inf)


def conclude(est: Estimate) -> list[str]:
    """Step 6: every message about a fit, in one place.

    What the data and the model said before estimation (``problem.notes``: rows dropped,
    polychoric correlations near 1, ...), what the optimizer said, non-convergence, a reported
    optimum with a large gradient, a singular information matrix (naming the parameters in its
    null space) and improper solutions (negative variances, a non-positive-definite latent
    covariance matrix, implied correlations beyond 1; a family may bring its own checks as
    ``family.improper_solution_messages(est)``, as PLS does).

    Parameters
    ----------
    est : Estimate

    Returns
    -------
    list of str
        In that order; empty for a clean fit.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.options import FitOptions
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x4 + x5 + x6; x5 ~~ -0.1*x5", hs).problem
    >>> for message in conclude(estimate(problem, FitOptions())):
    ...     print(message)
    improper solution: negative residual variance of 'x5' (-0.1), a Heywood case
    improper solution: implied correlation between 'x5' and 'f' is 1.030
    """
    problem, opt, inf = est.problem, est.opt, est.inference
    messages = list(problem.notes) + list(getattr(opt, "notes", ()))
    largest = np.nanmax(np.abs(opt.gradient)) if np.size(opt.gradient) else 0.0
    if not opt.converged:
        gradient = f"; largest gradient {largest:.2g}" if np.size(opt.gradient) else ""
        messages.append(f"the optimizer did not converge ({opt.message}{gradient}): "
                        "estimates are not trustworthy")
    elif not largest <= GRADIENT_WARNING:
        messages.append(f"the optimizer reported convergence ({opt.message}), but the largest "
                        f"gradient element at its estimates is {largest:.2g}: estimates may be "
                        "imprecise")
    if inf is not None and not inf.invertible:
        involved = []
        if inf.information is not None and np.all(np.isfinite(inf.information)):
            involved = parameter_names(problem.partable,
                                       unidentified_parameters(inf.information))
        cause = ("so the model is probably not identified" if not _badly_scaled(problem) else
                 "probably because the observed variances differ by more than a factor 1000 "
                 "(see above; rescale the variables), or the model is not identified")
        messages.append(f"the information matrix is singular, {cause}; standard errors and "
                        "robust tests are not available"
                        + (". Parameters involved: " + ", ".join(involved) if involved else ""))
    if np.isfinite(opt.x).all():                   # a family with its own checks (PLS)
        improper = getattr(problem.family, "improper_solution_messages", None)
        messages += (improper(est) if improper is not None else
                     improper_solution_messages(problem, opt.x, est.values))
    return messages


def _badly_scaled(problem: Problem, factor: float = 1000.0) -> bool:
    """Whether the observed variances differ by more than ``factor`` (lavaan's warning)."""
    variances = np.concatenate([np.diag(s.cov) for s in problem.samples])
    return bool(np.all(variances > 0) and variances.max() > factor * variances.min())


def improper_solution_messages(problem: Problem, x: np.ndarray,
                               values: np.ndarray | None = None) -> list[str]:
    """Negative variances (Heywood cases), a latent covariance matrix that is not positive
    definite, and implied correlations beyond 1 (Kolenikov & Bollen 2012), named by group.

    Parameters
    ----------
    problem : Problem
    x : ndarray
        The estimates (finite).
    values : ndarray, optional
        ``problem.row_values(x)``, when the caller has them already.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x4 + x5 + x6; x5 ~~ -0.1*x5", rq.datasets.load("holzinger_swineford"))
    >>> improper_solution_messages(res.problem, res.x)[0]
    "improper solution: negative residual variance of 'x5' (-0.1), a Heywood case"
    """
    messages = []
    col = problem.partable.col
    if values is None:
        values = problem.row_values(x)
    negative = np.flatnonzero((col["op"] == "~~") & (col["lhs"] == col["rhs"]) & (values < 0))
    for k in negative:
        name = col["lhs"][k]
        kind = "latent" if name in problem.partable.roles.lv else "residual"
        messages.append(f"improper solution: negative {kind} variance of '{name}' "
                        f"({values[k]:.4g}), a Heywood case")
    labels = problem.data.group_labels
    for g, model in enumerate(problem.models, start=1):
        where = f" in group {labels[g - 1]!r}" if len(problem.models) > 1 else ""
        imp = model.implied(x)
        lv_cov = imp.C[model.p:, model.p:]
        if lv_cov.size and not _clearly_positive_definite(lv_cov):
            eigvals, eigvecs = np.linalg.eigh(lv_cov)
            if eigvals[0] <= 0:
                involved = [model.lv_names[i]
                            for i in np.flatnonzero(np.abs(eigvecs[:, 0]) > 0.1)]
                messages.append("improper solution: the covariance matrix of the latent "
                                f"variables is not positive definite{where} (involving "
                                f"{', '.join(involved)})")
        total = np.diag(imp.C)
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = imp.C / np.sqrt(np.outer(total, total))
        np.fill_diagonal(corr, 0.0)            # correlations between two variables only
        if np.any(np.abs(corr) > 1 + 1e-8):
            i, j = np.argwhere(np.triu(np.abs(corr), 1) > 1 + 1e-8)[0]
            messages.append(f"improper solution: implied correlation between "
                            f"'{model.names[i]}' and '{model.names[j]}' is {corr[i, j]:.3f}"
                            f"{where}")
    return messages


def _clearly_positive_definite(matrix: np.ndarray) -> bool:
    """Whether the symmetric ``matrix``'s smallest eigenvalue provably exceeds 1e-10 times its
    largest diagonal element (:func:`relqual.engine.spd.smallest_eigenvalue_above`). Far above
    the rounding error of an eigendecomposition, so ``numpy.linalg.eigh`` would find every
    eigenvalue positive too; False leaves the decision to it.

    Examples
    --------
    >>> import numpy as np
    >>> _clearly_positive_definite(np.array([[1, .5], [.5, 1]]))
    True
    >>> _clearly_positive_definite(np.array([[1, 1], [1, 1.]]))
    False
    """
    return smallest_eigenvalue_above(matrix, 1e-10 * matrix.diagonal().max())


def parameter_names(partable, indices: list[int]) -> list[str]:
    """'lhs op rhs' of free parameters by 0-based index.

    Parameters
    ----------
    partable : ParTable
    indices : list of int
        0-based free-parameter indices (``free - 1``).

    Returns
    -------
    list of str
        The first row of each parameter (rows sharing a label share the parameter).

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> parameter_names(build_partable("f =~ x1 + x2 + x3"), [0, 1])
    ['f =~ x2', 'f =~ x3']
    """
    col = partable.col
    names = []
    for k in indices:
        row = np.flatnonzero(col["free"] == k + 1)[0]
        names.append(f"{col['lhs'][row]} {col['op'][row]} {col['rhs'][row]}".strip())
    return names
