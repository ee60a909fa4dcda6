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
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield


def single_threaded(func):
    """Decorator form of :func:`single_blas_thread`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with single_blas_thread():
            return func(*args, **kwargs)
    return wrapper
