"""Run small dense linear algebra on one BLAS thread.

SEM matrices are small (tens of rows); OpenBLAS's threads then cost more than they save, and on a
busy machine their spin-waiting made one Hessian product 30x slower (measured: 1.95 ms vs 62 us
for a 49 x 400 by 400 x 49 product on 2 cores with another process running). The limit applies
only inside relqual's own calls and is restored afterwards.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

_controller: ThreadpoolController | None = None


@contextmanager
def single_blas_thread():
    """Context manager: BLAS libraries use one thread inside, their previous limits after.

    Yields
    ------
    None

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> with single_blas_thread():
    ...     print({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"})
    {1}
    """
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield


def single_threaded(func):
    """Decorator form of :func:`single_blas_thread`.

    Parameters
    ----------
    func : callable

    Returns
    -------
    callable
        ``func`` run inside :func:`single_blas_thread` (name and docstring kept).

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> @single_threaded
    ... def blas_threads():
    ...     return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}
    >>> blas_threads(), blas_threads.__name__
    ({1}, 'blas_threads')
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with single_blas_thread():
            return func(*args, **kwargs)
    return wrapper
