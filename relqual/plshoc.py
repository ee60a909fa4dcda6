"""Higher-order constructs in PLS-SEM: the two-stage approach and repeated indicators.

A higher-order construct (HOC) is measured by constructs, its dimensions (lower-order
constructs, LOCs): ``RQ =~ SAT + TR + AC`` (lavaan's second-order syntax). PLS has no latent
variables to stack, so the HOC is built from its dimensions in one of two ways (Sarstedt, Hair,
Cheah, Becker & Ringle 2019, *Australasian Marketing Journal* 27(3), 197-211; Becker, Klein &
Wetzels 2012, *Long Range Planning* 45(5-6), 359-394):

* ``hoc="two_stage"`` (seminr's ``higher_composite(method = two_stage)``, its default; the
  "embedded two-stage approach"): stage 1 estimates the model with the HOC replaced by its
  dimensions (every path into the HOC goes into each dimension, every path out of it leaves
  from each dimension); stage 2 estimates the model with the HOC measured by the stage-1 scores
  of its dimensions (``=~``: Mode A, ``<~``: Mode B). The dimensions' weights and loadings are
  those of stage 1, everything else (the HOC's weights and loadings over its dimensions, the
  other constructs, the paths) those of stage 2, as seminr combines them.
* ``hoc="repeated"`` (repeated indicators, SmartPLS's convention): the HOC is one composite of
  all its dimensions' items; ``=~`` (reflective-reflective) gives it Mode A and paths from the
  HOC to each dimension, ``<~`` (reflective-formative) Mode B and paths from each dimension to
  the HOC. The HOC's loading on a dimension (the row ``RQ =~ SAT``, or the weight ``RQ <~ SAT``)
  is that path.

Under PLSc a multi-item Mode A HOC is reflective like any ``=~`` construct: its correlations
are disattenuated and its loadings are consistent loadings. seminr's ``higher_composite``
gives the same paths and weights but reports the HOC's composite loadings (tests/test_pls_hoc.py
checks both). What needs one model of the data's items (PLSpredict, the bootstrap test of exact
fit, PLS-MGA) is refused for two-stage models; the reliability table takes the dimensions'
rows from stage 1 and the others' from stage 2, and HTMT covers the constructs of both stages
with the HOCs' items being their dimensions' scores, as seminr's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pls import PLSFit, PLSModel, fit_pls, standardize

HOC_APPROACHES = ("two_stage", "repeated")


def source(model: PLSModel, lhs: str, op: str, rhs: str) -> tuple[str, int, int]:
    """Where a parameter-table row's value stands in a :class:`relqual.pls.PLSFit`: the array
    (``loadings``, ``weights`` or ``paths``) and its row and column.

    ``=~`` and ``<~`` rows of an indicator are its loading and weight; a HOC's ``=~`` row of
    a dimension (repeated indicators) is the path HOC -> dimension, its ``<~`` row the path
    dimension -> HOC; a ``~`` row is the path rhs -> lhs.

    Examples
    --------
    >>> model = PLSModel(["F", "G"], ["a1", "a2", "b1"], [np.arange(2), np.arange(2, 3)],
    ...                  ["A", "A"], np.array([[False, True], [False, False]]))
    >>> source(model, "F", "=~", "a2"), source(model, "G", "~", "F")
    (('loadings', 1, 0), ('paths', 0, 1))
    """
    c = model.construct_position
    if op == "~":
        return "paths", c[rhs], c[lhs]
    if rhs in model.indicator_position:
        return ("loadings" if op == "=~" else "weights"), model.indicator_position[rhs], c[lhs]
    return ("paths", c[lhs], c[rhs]) if op == "=~" else ("paths", c[rhs], c[lhs])


def refuse_two_stage(model, what: str) -> None:
    """Raise NotImplementedError naming ``what`` when ``model`` is a :class:`TwoStage` model
    (the analyses that need one model of the data's items): higher-order constructs, or
    interaction terms (:class:`relqual.plsinteraction.InteractionTwoStage`).

    Examples
    --------
    >>> from relqual.plsfit import pls_model
    >>> model, _ = pls_model("A =~ a1 + a2; B =~ b1 + b2; H =~ A + B; Y =~ y; Y ~ H")
    >>> refuse_two_stage(model, "PLSpredict")
    Traceback (most recent call last):
    ...
    NotImplementedError: PLSpredict is not available for two-stage higher-order models yet; ...
    """
    if isinstance(model, TwoStage) and model.dimensions:
        raise NotImplementedError(f"{what} is not available for two-stage higher-order models "
                                  "yet; fit with hoc='repeated' (repeated indicators) for it")
    if isinstance(model, TwoStage):
        raise NotImplementedError(f"{what} is not available for models with interaction terms "
                                  "yet")


@dataclass(frozen=True)
class TwoStage:
    """The two models of the two-stage approach (see the module docstring).

    Attributes
    ----------
    stage1 : PLSModel
        The model without the HOCs (indicators: every item of the data, in its order).
    stage2 : PLSModel
        The model with the HOCs measured by their dimensions' stage-1 scores; its indicators
        are the items of its first-order constructs, then the dimensions' names.
    dimensions : list of str
        The dimensions whose scores are stage 2's indicators.
    combined : PLSModel
        Both stages' blocks (the dimensions' of stage 1, the others' of stage 2; no paths):
        indicators ``stage1.indicators`` then the dimensions' scores (:meth:`combined_data`),
        for what is computed from item correlations alone (HTMT, as seminr's).
    """

    stage1: PLSModel
    stage2: PLSModel
    dimensions: list
    combined: PLSModel

    def fit(self, X: np.ndarray, **settings) -> tuple[PLSFit, PLSFit]:
        """Both stages on the standardized items ``X`` (columns: ``stage1.indicators``);
        ``settings``: the keyword arguments of :func:`relqual.pls.fit_pls`.

        Examples
        --------
        >>> from relqual.plsfit import pls_model
        >>> rng = np.random.default_rng(3)
        >>> f = rng.normal(size=(300, 1))
        >>> X = standardize(f + rng.normal(size=(300, 6)))
        >>> hoc, _ = pls_model("A =~ a1 + a2; B =~ a3 + a4; H =~ A + B; Y =~ y1 + y2; Y ~ H")
        >>> first, second = hoc.fit(X)
        >>> hoc.stage2.constructs, hoc.stage2.indicators, bool(0 < second.paths[0, 1] < 1)
        (['H', 'Y'], ['A', 'B', 'y1', 'y2'], True)
        """
        first = fit_pls(X, self.stage1, **settings)
        return first, fit_pls(self.stage2_data(X, first), self.stage2, **settings)

    def stage2_data(self, X: np.ndarray, first: PLSFit) -> np.ndarray:
        """Stage 2's standardized indicators: the items of ``X`` and the dimensions' scores of
        the stage-1 fit ``first``, in the order of ``stage2.indicators``."""
        return standardize(np.column_stack(
            [first.scores[:, self.stage1.constructs.index(v)] if v in self.dimensions
             else X[:, self.stage1.indicators.index(v)] for v in self.stage2.indicators]))

    def combined_data(self, X: np.ndarray, first: PLSFit) -> np.ndarray:
        """The items ``X`` and the dimensions' stage-1 scores (the columns of ``combined``)."""
        dims = [self.stage1.constructs.index(d) for d in self.dimensions]
        return np.hstack([X, standardize(first.scores[:, dims])])

    def fit_of(self, lhs: str) -> int:
        """0 when the rows of construct ``lhs`` come from stage 1 (a dimension), else 1."""
        return 0 if lhs in self.dimensions else 1

    def value(self, fits: tuple[PLSFit, PLSFit], lhs: str, op: str, rhs: str) -> float:
        """The value of a parameter-table row from the fits of both stages."""
        stage = self.fit_of(lhs)
        name, i, j = source((self.stage1, self.stage2)[stage], lhs, op, rhs)
        return getattr(fits[stage], name)[i, j]
