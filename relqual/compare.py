"""``rq.compare``: competing models in one call (fits what is not fitted yet).

The comparison itself (the models table, nesting, difference tests, Vuong's tests) is
:func:`relqual.modelcompare.compare_results`; this module only fits the models given as syntax,
library names or ModelSpecs (:func:`relqual.fit`) and adds a library model's alternatives.
"""
from __future__ import annotations

import pandas as pd

from .fit import fit
from .modelcompare import compare_results, refit_alternatives


def compare(*models, data=None, names=None, alternatives: bool = False, **fit_options):
    """The competing-models table a thesis prints, with the right test for every pair.

    Parameters
    ----------
    *models : Result, str or ModelSpec
        Fitted models, or models to fit to ``data``: lavaan syntax, a library model name (such
        as ``"trust_cumulative_satisfaction"``, or an alternative:
        ``"trust_cumulative_satisfaction:satisfaction_first"``) or a ModelSpec.
    data : DataFrame, optional
        The data for the models that are not fitted yet.
    names : sequence of str, optional
        The models' names in the table.
    alternatives : bool
        Add the alternative models of the library model given first (its model file's
        ``[alternatives.NAME]``), fitted to the same rows.
    **fit_options
        Passed to :func:`relqual.fit` for the models fitted here (e.g. ``estimator="MLR"``).

    Returns
    -------
    relqual.reviewer.CheckTable
        One row per model (``model npar chisq df pvalue cfi tli rmsea srmr aic bic ...``);
        ``details["pairs"]`` the test of every pair (chi-square difference for nested pairs,
        Vuong's tests for non-nested ones, equivalence), ``details["nesting"]``, ``verdict``,
        ``notes`` (equivalent models, improper solutions) and ``fits`` (the fitted models).
        See :mod:`relqual.modelcompare`.

    Raises
    ------
    ValueError
        Fewer than two models, a model to fit without ``data``, or models fitted to different
        data or N.

    Examples
    --------
    >>> import relqual as rq
    >>> table = rq.compare("loyalty_stages", rq.datasets.load("loyalty_stages"),
    ...                    alternatives=True)
    >>> table[["model", "npar", "df"]]
                           model  npar   df
    0             loyalty_stages    27   51
    1  loyalty_stages:with_skips    30   48
    >>> table.details["pairs"][["relation", "df"]]
                                                relation   df
    0  loyalty_stages within loyalty_stages:with_skips  3.0
    """
    if models and data is None and isinstance(models[-1], (pd.DataFrame, dict)):
        data, models = models[-1], models[:-1]       # rq.compare("name", data, ...)
    results = []
    for model in models:
        if hasattr(model, "fit_measures"):
            results.append(model)
            continue
        if data is None:
            raise ValueError(f"model {getattr(model, 'name', model)!r} is not fitted: give "
                             "data= to fit it, or pass fitted models (rq.fit(...))")
        results.append(fit(model, data, **fit_options))
    if alternatives:
        if not results:
            raise ValueError("alternatives=True needs a library model to start from")
        results += refit_alternatives(results[0])
    if len(results) < 2:
        raise ValueError("compare needs at least two models (or a library model with "
                         "alternatives=True)")
    return compare_results(results, names=names)
