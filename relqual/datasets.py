"""Bundled datasets (see ``data/DATASETS.md`` for provenance and codebooks)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

_PACKAGE = "relqual.data_files"


def _files() -> dict[str, Path]:
    folder = resources.files(_PACKAGE)
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".csv")}


def list() -> list[str]:  # noqa: A001 - mirrors rq.models.list
    """Names of the bundled datasets.

    Returns
    -------
    list of str
        Sorted; each one is a name for :func:`load`.

    Examples
    --------
    >>> import relqual as rq
    >>> "holzinger_swineford" in rq.datasets.list()
    True
    """
    return sorted(_files())


def load(name: str) -> pd.DataFrame:
    """A bundled dataset as a new DataFrame (yours to modify).

    Parameters
    ----------
    name : str
        One of :func:`list` (provenance and codebooks in ``data/DATASETS.md``).

    Returns
    -------
    DataFrame
        Read afresh from the bundled CSV file on every call.

    Raises
    ------
    KeyError
        For an unknown name (the message lists the available ones).

    Examples
    --------
    >>> import relqual as rq
    >>> rq.datasets.load("political_democracy").shape
    (75, 11)
    >>> rq.datasets.load("holzinger_swineford").columns[6:].tolist()
    ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9']
    """
    files = _files()
    if name not in files:
        raise KeyError(f"no bundled dataset named '{name}'; available: {', '.join(sorted(files))}")
    return pd.read_csv(files[name])
