"""Sample moments of one group: the maximum-likelihood covariance (divisor N) and mean vector.

lavaan uses the divisor N, not N - 1, under its default ``likelihood = "normal"`` (lavaan manual,
``lavOptions``); so do we.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class SampleStats:
    """Observed moments of one group, for the observed variables in ``names`` (model order).

    Parameters
    ----------
    names : tuple of str
        The observed variables.
    n : int
        The number of rows.
    mean : ndarray
        The sample means.
    cov : ndarray
        The sample covariance matrix (divisor N).

    Examples
    --------
    >>> import numpy as np
    >>> sample = SampleStats.from_array(np.array([[1., 2], [2, 1], [3, 5], [4, 3]]), ["y", "x"])
    >>> sample.names, sample.n, sample.mean.tolist()
    (('y', 'x'), 4, [2.5, 2.75])
    >>> sample.cov
    array([[1.25  , 0.875 ],
           [0.875 , 2.1875]])
    """

    names: tuple[str, ...]
    n: int
    mean: np.ndarray
    cov: np.ndarray

    @cached_property
    def logdet_cov(self) -> float:
        """log|cov|; ``-inf`` when ``cov`` is not positive definite (computed on first use:
        PLS and least-squares fits never need it)."""
        sign, logdet = np.linalg.slogdet(self.cov)
        return float(logdet) if sign > 0 else -np.inf

    @classmethod
    def from_array(cls, values: np.ndarray, names) -> SampleStats:
        """The moments of complete rows (mean, and covariance with divisor N).

        Parameters
        ----------
        values : ndarray
            Rows x variables, no missing values.
        names : sequence of str
            The variables, in column order.

        Returns
        -------
        SampleStats

        Examples
        --------
        >>> import numpy as np
        >>> values = np.array([[1., 2], [3, 4]])
        >>> SampleStats.from_array(values, ["a", "b"]).cov.tolist()   # divisor N, not N - 1
        [[1.0, 1.0], [1.0, 1.0]]
        """
        n = values.shape[0]
        mean = values.mean(axis=0)
        centred = values - mean
        cov = centred.T @ centred / n
        return cls(tuple(names), n, mean, cov)
