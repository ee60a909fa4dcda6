"""The ``checks=`` of ``res.tables()``, ``res.report()`` and ``relqual report --checks``.

A check is named ("cmb" or "common_method": :meth:`relqual.Result.common_method`; "compare":
the fitted library model against its alternative models, refitted to the same rows) or given
as a table a check function returned (``res.common_method(marker=..., data=...)``,
``rq.compare(...)``, ``rq.nonresponse(...)``). :func:`resolve_checks` turns the names into
tables.
"""
from __future__ import annotations

NAMES = {"cmb": "common_method", "common_method": "common_method", "cmv": "common_method",
         "compare": "compare", "nonresponse": "nonresponse"}


def resolve_checks(result, checks) -> list:
    """The check tables for ``checks`` (names or tables) of a fit.

    Parameters
    ----------
    result : Result
        The fit.
    checks : sequence of str or CheckTable, or None
        "cmb" (also "common_method", "cmv"), "compare", or tables made by the check functions.
        "nonresponse" needs the waves: pass ``rq.nonresponse(data, wave=..., items=...)``.

    Returns
    -------
    list of CheckTable

    Raises
    ------
    ValueError
        An unknown name, or "nonresponse" by name.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6",
    ...              rq.datasets.load("holzinger_swineford"))
    >>> [c.kind for c in resolve_checks(res, ["cmb"])]
    ['common_method']
    >>> resolve_checks(res, ["nonresponse"])
    Traceback (most recent call last):
    ...
    ValueError: the non-response check needs the waves: pass rq.nonresponse(data, wave=..., ...
    """
    from .reviewer import CheckTable
    if checks is None:
        return []
    if isinstance(checks, (str, CheckTable)):
        checks = [checks]
    out = []
    for check in checks:
        if isinstance(check, CheckTable):
            out.append(check)
            continue
        if not isinstance(check, str):
            raise TypeError(f"checks= takes names ('cmb', 'compare') or check tables, not "
                            f"{type(check).__name__}")
        kind = NAMES.get(check.strip().lower())
        if kind is None:
            raise ValueError(f"unknown check '{check}': use 'cmb', 'compare' or 'nonresponse'")
        if kind == "common_method":
            out.append(result.common_method())
        elif kind == "compare":
            from .modelcompare import compare_results, refit_alternatives
            out.append(compare_results([result] + refit_alternatives(result)))
        else:
            raise ValueError("the non-response check needs the waves: pass "
                             "rq.nonresponse(data, wave=..., items=...) in checks= (or, on "
                             "the command line, --wave COLUMN or --date COLUMN)")
    return out
