"""Run small dense linear algebra on one BLAS thread.

SEM matrices are small (tens of rows); OpenBLAS's threads then cost more than they save, and on a
busy machine their spin-waiting made one Hessian product 30x slower (measured: 1.95 ms vs 62 us
for a 49 x 400 by 400 x 49 product on 2 cores with another process running). The limit applies
only inside relqual's own calls and is restored afterwards.

The BLAS libraries' own controls (threadpoolctl's ``lib_controllers``, found once) are read and set
directly: about 6 us per fit, against 12.6 us for ``ThreadpoolController.limit``, which re-reads
every library's information each time (measured on 2 cores). The limit is process-wide, as BLAS's
thread pools are: a call made while another is open (a fit inside a bootstrap, or in another
Python thread) leaves setting and restoring it to the first one.
"""
from __future__ import annotations

import functools
import threading
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

_blas: list | None = None          # threadpoolctl's controllers of the loaded BLAS libraries
_depth = 0                         # how many single_blas_thread blocks are open
_lock = threading.Lock()


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
    global _blas, _depth
    with _lock:
        if _blas is None:
            _blas = [lib for lib in ThreadpoolController().lib_controllers
                     if lib.user_api == "blas"]
        outermost = _depth == 0
        _depth += 1
        previous = [lib.get_num_threads() for lib in _blas] if outermost else []
        for lib, n in zip(_blas, previous):
            if n != 1:
                lib.set_num_threads(1)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            for lib, n in zip(_blas, previous):
                if n != 1:
                    lib.set_num_threads(n)


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
