"""Interaction terms in PLS-SEM: the two-stage approach.

``Y ~ X + M + X:M`` with constructs ``X`` and ``M`` is estimated as seminr's
``interaction_term(X, M, method = two_stage)`` and SmartPLS's default (Henseler & Chin 2010,
*Structural Equation Modeling* 17(1), 82-109; Fassott, Henseler & Coelho 2016, *Industrial
Management & Data Systems* 116(9), 1887-1900): stage 1 estimates the model without the
interaction terms; the interaction term ``X:M`` is then a single-item construct whose item is
the product of the stage-1 scores of ``X`` and ``M`` (standardized, as every PLS indicator),
and stage 2 estimates the whole model with it. Every weight, loading and path is stage 2's,
as seminr reports them.

The interaction term's score is then rescaled, as seminr (its ``adjust_interaction``, after
Henseler & Chin 2010) does: it is the centred product of the standardized scores of ``X`` and
``M``, whose standard deviation ``s`` is not 1. Its path is therefore ``b / s`` (``b``: the
path of the standardized product) and its item's loading ``s``; R² is unchanged. With this
scaling ``Y = b_X X + b_M M + b_XM X M`` holds for the standardized scores, so the effect
of ``X`` at a value ``m`` of ``M`` (a simple slope) is ``b_X + b_XM m``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .pls import PLSFit, fit_pls, standardize
from .plshoc import TwoStage


@dataclass(frozen=True)
class InteractionTwoStage(TwoStage):
    """The two models of the two-stage interaction approach (:class:`relqual.plshoc.TwoStage`
    with no dimensions; ``combined`` is ``stage2``).

    Attributes
    ----------
    terms : dict
        Per interaction term of stage 2 (``"X:M"``, a single-item construct whose item has the
        same name), the two constructs whose stage-1 scores are multiplied.

    Examples
    --------
    >>> from relqual.plsfit import pls_model
    >>> rng = np.random.default_rng(3)
    >>> X = standardize(rng.normal(size=(200, 1)) + rng.normal(size=(200, 6)))
    >>> model, _ = pls_model("A =~ a1 + a2; B =~ b1 + b2; Y =~ y1 + y2; Y ~ A + B + A:B")
    >>> model.terms, model.stage2.constructs
    ({'A:B': ('A', 'B')}, ['A', 'B', 'Y', 'A:B'])
    >>> first, second = model.fit(X)
    >>> product = first.scores[:, 0] * first.scores[:, 1]
    >>> bool(np.isclose(second.loadings[model.stage2.indicator_position['A:B'], 3],
    ...                 product.std(ddof=1)))
    True
    """

    terms: dict

    def fit(self, X: np.ndarray, **settings) -> tuple[PLSFit, PLSFit]:
        """Both stages on the standardized items ``X`` (columns: ``stage1.indicators``), the
        interaction terms rescaled as seminr's (see the module docstring); ``settings``: the
        keyword arguments of :func:`relqual.pls.fit_pls`."""
        first = fit_pls(X, self.stage1, **settings)
        second = fit_pls(self.stage2_data(X, first), self.stage2, **settings)
        return first, self.rescaled(second, self.scales(first))

    def scales(self, first: PLSFit) -> np.ndarray:
        """Per stage-2 construct, the standard deviation of its product of stage-1 scores
        (1 for the constructs that are not interaction terms)."""
        c, scale = self.stage1.constructs, np.ones(len(self.stage2.constructs))
        for term, (x, m) in self.terms.items():
            product = first.scores[:, c.index(x)] * first.scores[:, c.index(m)]
            scale[self.stage2.constructs.index(term)] = product.std(ddof=1)
        return scale

    @staticmethod
    def rescaled(second: PLSFit, scale: np.ndarray) -> PLSFit:
        """``second`` with its construct ``k`` scaled by ``scale[k]`` (its score times, its
        paths divided by, its loadings times); ``1 / scale`` undoes it."""
        return replace(second, scores=second.scores * scale,
                       paths=second.paths / scale[:, None], loadings=second.loadings * scale)

    def stage2_data(self, X: np.ndarray, first) -> np.ndarray:
        """Stage 2's standardized indicators: the items of ``X`` and the products of the
        stage-1 scores of ``first``, in the order of ``stage2.indicators``."""
        c = self.stage1.constructs
        return standardize(np.column_stack(
            [first.scores[:, c.index(self.terms[v][0])] * first.scores[:, c.index(self.terms[v][1])]
             if v in self.terms else X[:, self.stage1.indicators.index(v)]
             for v in self.stage2.indicators]))

    def combined_data(self, X: np.ndarray, first) -> np.ndarray:
        """The columns of ``combined`` (stage 2's indicators)."""
        return self.stage2_data(X, first)

    def fit_of(self, lhs: str) -> int:
        """1: every row comes from stage 2."""
        return 1
