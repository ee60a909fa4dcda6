"""Interaction terms in PLS-SEM: the two-stage approach, product indicators and orthogonalized
products.

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

``interaction="product_indicator"`` and ``"orthogonal"`` (:class:`InteractionProducts`) are
seminr's other two methods (``interaction_term(X, M, method = product_indicator |
orthogonal)``; Henseler & Chin 2010; Little, Bovaird & Widaman 2006): the interaction term is a
Mode A construct measured by every product ``x_i:m_j`` of the standardized items of ``X`` and
``M`` (``"orthogonal"``: each product replaced by its residual from the OLS regression on an
intercept and all items of ``X`` and ``M``), estimated in one model with the main effects. Its
score is rescaled as seminr's ``adjust_interaction`` does: by ``s = sum_i |l_i| sd_i /
sum_i |l_i|`` (``l_i``: the loadings of its standardized product items, ``sd_i``: the standard
deviations of the products before they are standardized); its path is then ``b / s`` and its
loadings ``l_i s``; weights and R² are unchanged. Its rho_A is 1, as seminr reports it
(products are not reflective measures of one construct). A program that keeps the term's
score standardized (SmartPLS reports standardized construct scores) reports ``b``, ``s``
times relqual's path, instead; relqual follows seminr (matched within 1e-13,
tests/reference/pls_interaction_products.json). PLSc and interaction_pairs="matched" are
refused (:func:`relqual.interaction.prepare`).
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

    def scale_factors(self, X: np.ndarray, first: PLSFit, second: PLSFit) -> np.ndarray:
        """The factors stage 2's constructs were rescaled by (:meth:`scales`; ``X`` and
        ``second`` are not needed here, :class:`InteractionProducts` uses them)."""
        return self.scales(first)

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


PRODUCT_METHODS = ("product_indicator", "orthogonal")


@dataclass(frozen=True)
class InteractionProducts(InteractionTwoStage):
    """Interaction terms measured by product indicators (see the module docstring): ``stage1``
    is the model without the terms (kept for the analyses that need the main-effects model),
    ``stage2`` the model that is estimated, where each term ``X:M`` is a Mode A construct
    measured by the items ``x:m`` for every item ``x`` of ``X`` and ``m`` of ``M``.

    Attributes
    ----------
    method : {"product_indicator", "orthogonal"}
        Products of the standardized items, or their residuals on the items.

    Examples
    --------
    >>> from relqual.plsfit import pls_model
    >>> rng = np.random.default_rng(3)
    >>> X = standardize(rng.normal(size=(200, 1)) + rng.normal(size=(200, 6)))
    >>> model, _ = pls_model("A =~ a1 + a2; B =~ b1 + b2; Y =~ y1 + y2; Y ~ A + B + A:B",
    ...                      interaction="orthogonal")
    >>> model.stage2.indicators[-4:]
    ['a1:b1', 'a1:b2', 'a2:b1', 'a2:b2']
    >>> residuals = model.products(X)["a1:b2"]       # uncorrelated with A's and B's items
    >>> bool(np.allclose(X[:, :4].T @ residuals, 0, atol=1e-10))
    True
    """

    method: str = "product_indicator"

    def fit(self, X: np.ndarray, **settings) -> tuple[PLSFit, PLSFit]:
        """The main-effects model and the model with the product constructs on the
        standardized items ``X``; the second rescaled as seminr's (the module docstring)."""
        first = fit_pls(X, self.stage1, **settings)
        second = fit_pls(self.stage2_data(X, first), self.stage2, **settings)
        second = self.rescaled(second, self.scale_factors(X, first, second))
        term = np.isin(self.stage2.constructs, list(self.terms))
        return first, replace(second, rho_a=np.where(term, 1.0, second.rho_a))

    def products(self, X: np.ndarray) -> dict[str, np.ndarray]:
        """Per product item of ``stage2`` (``"x:m"``) its column before standardization, from
        the standardized items ``X``."""
        items, c = self.stage1.indicators, self.stage1.constructs
        out = {}
        for x, m in self.terms.values():
            first = [int(k) for k in self.stage1.blocks[c.index(x)]]
            second = [int(k) for k in self.stage1.blocks[c.index(m)]]
            names = [f"{items[a]}:{items[b]}" for a in first for b in second]
            P = np.column_stack([X[:, a] * X[:, b] for a in first for b in second])
            if self.method == "orthogonal":
                Z = np.column_stack([np.ones(len(X)), X[:, first + second]])
                P = P - Z @ np.linalg.lstsq(Z, P, rcond=None)[0]
            out.update(zip(names, P.T))
        return out

    def stage2_data(self, X: np.ndarray, first=None) -> np.ndarray:
        """The standardized items and product items (``stage2.indicators``)."""
        products = self.products(X)
        return standardize(np.column_stack(
            [products[v] if v in products else X[:, self.stage1.indicators.index(v)]
             for v in self.stage2.indicators]))

    def scale_factors(self, X: np.ndarray, first: PLSFit, second: PLSFit) -> np.ndarray:
        """Per stage-2 construct seminr's ``s`` (1 for those that are not interaction terms)
        from the loadings of ``second`` (rescaled or not: ``s`` is a ratio of them)."""
        products = self.products(X)
        scale = np.ones(len(self.stage2.constructs))
        for term in self.terms:
            j = self.stage2.constructs.index(term)
            block = self.stage2.blocks[j]
            loadings = np.abs(second.loadings[block, j])
            sd = np.array([products[self.stage2.indicators[k]].std(ddof=1) for k in block])
            scale[j] = (loadings * sd).sum() / loadings.sum()
        return scale
