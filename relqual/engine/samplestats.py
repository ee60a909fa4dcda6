"""Sample moments of one group: the maximum-likelihood covariance (divisor N) and mean vector.

lavaan uses the divisor N, not N - 1, under its default ``likelihood = "normal"`` (lavaan manual,
``lavOptions``); so do we.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SampleStats:
    """Observed moments of one group, for the observed variables in ``names`` (model order)."""

    names: tuple[str, ...]
    n: int
    mean: np.ndarray
    cov: np.ndarray
    logdet_cov: float = field(init=False)

    def __post_init__(self):
        sign, logdet = np.linalg.slogdet(self.cov)
        object.__setattr__(self, "logdet_cov", logdet if sign > 0 else -np.inf)

    @classmethod
    def from_array(cls, values: np.ndarray, names) -> "SampleStats":
        n = values.shape[0]
        mean = values.mean(axis=0)
        centred = values - mean
        cov = centred.T @ centred / n
        return cls(tuple(names), n, mean, cov)
