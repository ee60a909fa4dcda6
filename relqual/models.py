"""The model library: ready-made model specs shipped in ``models/`` (one TOML file per model).

A spec file holds ``name``, ``title`` (and ``title_zh``), ``description``, ``references``,
``syntax`` (lavaan model syntax), ``population`` (the same model with every parameter fixed to
its population value, for simulation), ``[constructs.ID]`` tables (labels and items) and
``[[hypotheses]]`` (``id lhs op rhs sign statement``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_PACKAGE = "relqual.models_data"


@dataclass
class ModelSpec:
    """A library model: lavaan syntax plus the theory around it."""

    name: str
    syntax: str
    title: str = ""
    title_zh: str = ""
    description: str = ""
    references: list[str] = field(default_factory=list)
    population: str | None = None
    constructs: dict = field(default_factory=dict)
    hypotheses: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_toml(cls, path: str | Path) -> "ModelSpec":
        path = Path(path)
        with path.open("rb") as fh:
            try:
                raw = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{path}: not a valid model file: {exc}") from None
        for key in ("name", "syntax"):
            if key not in raw:
                raise ValueError(f"{path}: model file has no '{key}' entry")
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        return cls(**{k: v for k, v in raw.items() if k in known},
                   extra={k: v for k, v in raw.items() if k not in known})

    def hypotheses_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.hypotheses)

    def __repr__(self) -> str:
        return f"ModelSpec({self.name!r}: {self.title})"


def _model_files() -> dict[str, Path]:
    folder = resources.files(_PACKAGE)
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".toml")}


def list() -> pd.DataFrame:  # noqa: A001 - the public name in the API contract
    """The library's models: name, title, number of hypotheses."""
    rows = []
    for name, path in sorted(_model_files().items()):
        spec = ModelSpec.from_toml(path)
        rows.append(dict(name=spec.name, title=spec.title, title_zh=spec.title_zh,
                         hypotheses=len(spec.hypotheses), constructs=len(spec.constructs)))
    return pd.DataFrame(rows)


def load(name: str) -> ModelSpec:
    """A library model by name, or a model file by path."""
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return ModelSpec.from_toml(path)
    files = _model_files()
    if name not in files:
        raise KeyError(f"no library model named '{name}'; available: {', '.join(sorted(files))}")
    return ModelSpec.from_toml(files[name])
