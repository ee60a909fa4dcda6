"""The interface every discrepancy function (loss) implements, so that parts can be swapped.

After StructuralEquationModels.jl's ``SemLoss``: the optimizer (:mod:`relqual.engine.optimize`),
the inference step (:mod:`relqual.estimation`) and the resampling machinery see a loss only
through these methods. :class:`relqual.engine.loss.MLLoss` (ML and FIML) and
:class:`relqual.engine.wls.DWLSLoss` (DWLS for ordinal data) implement it; the finite-difference
tests in ``tests/test_engine_derivatives.py`` check every implementation's derivatives.

The objective is a per-observation quantity ``F(x)`` of the free-parameter vector ``x``; the
"information" is the expected (ML) or Gauss-Newton (DWLS) Hessian of ``F``, so that
``(n_total / 2 * information)^-1`` is the usual covariance of the estimates for ML.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Loss(Protocol):
    """A discrepancy function with analytic derivatives.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.engine.protocol import Loss
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> isinstance(res.problem.loss, Loss)
    True
    """

    n_total: int
    """The number of observations the objective is averaged over."""

    def value(self, x: np.ndarray) -> float:
        """``F(x)``; ``+inf`` where the model is inadmissible (e.g. Sigma not positive definite).

        Parameters
        ----------
        x : ndarray
            The free parameters.

        Returns
        -------
        float

        Examples
        --------
        >>> import relqual as rq
        >>> loss = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford")).problem.loss
        >>> loss.value(np.array([0.8, 1.1, -5.0, 1.0, 0.6, 0.5]))
        inf
        """

    def value_and_gradient(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """``F(x)`` and its gradient.

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        value : float
        gradient : ndarray

        Examples
        --------
        >>> import relqual as rq
        >>> loss = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford")).problem.loss
        >>> value, gradient = loss.value_and_gradient(np.array([0.8, 1.1, 0.6, 0.7, 0.6, 0.5]))
        >>> gradient.shape
        (6,)
        """

    def value_gradient_information(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """``F(x)``, its gradient and the expected (or Gauss-Newton) Hessian.

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        value : float
        gradient : ndarray
        information : ndarray
            npar x npar.

        Examples
        --------
        >>> import relqual as rq
        >>> loss = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford")).problem.loss
        >>> loss.value_gradient_information(np.array([0.8, 1.1, 0.6, 0.7, 0.6, 0.5]))[2].shape
        (6, 6)
        """

    def observed_hessian(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """``F(x)``, its gradient and the exact (observed) Hessian.

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        value : float
        gradient : ndarray
        hessian : ndarray
            npar x npar.

        Examples
        --------
        >>> import relqual as rq
        >>> loss = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford")).problem.loss
        >>> loss.observed_hessian(np.array([0.8, 1.1, 0.6, 0.7, 0.6, 0.5]))[2].shape
        (6, 6)
        """
