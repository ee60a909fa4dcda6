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
    """Names of the bundled datasets."""
    return sorted(_files())


def load(name: str) -> pd.DataFrame:
    """A bundled dataset as a new DataFrame (yours to modify)."""
    files = _files()
    if name not in files:
        raise KeyError(f"no bundled dataset named '{name}'; available: {', '.join(sorted(files))}")
    return pd.read_csv(files[name])
