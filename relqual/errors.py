"""The warning relqual raises for what a researcher must see; it sits below every module that
raises it, so none of them needs the Result to raise it."""
from __future__ import annotations


class RelqualWarning(UserWarning):
    """A problem with a fit that a researcher must see (non-convergence, improper solution...).

    Every such message is also kept in :attr:`Result.warnings`, so it can be read after the
    warning has been filtered.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> data = rq.datasets.load("holzinger_swineford_missing")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = rq.fit("visual =~ x1 + x2 + x3", data)
    >>> any(issubclass(w.category, rq.RelqualWarning) for w in caught)
    True
    >>> res.warnings  # doctest: +ELLIPSIS
    ['45 of 301 rows dropped because of missing values (listwise deletion); ...']
    """
