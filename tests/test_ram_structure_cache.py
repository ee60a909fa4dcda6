"""RamModel keeps the structure of recently built models by the content of the parameter table.

A model built from a table with the same rows reuses the kept structure; a table that differs in
any column the structure is built from (a freed or fixed parameter, a start value, another group)
builds its own; the sample-dependent values (fixed.x moments) never travel between models.
"""
from __future__ import annotations

import numpy as np
import pytest

from relqual.engine import matrices
from relqual.engine.matrices import RamModel
from relqual.engine.samplestats import SampleStats
from relqual.partable import build_partable

SYNTAX = "f =~ x1 + x2 + x3\ny ~ f + z"


def _fresh_model(table, group=1, sample=None):
    """A model built without the kept structures (what RamModel gave before the cache)."""
    saved = dict(matrices._STRUCTURES)
    matrices._STRUCTURES.clear()
    try:
        return RamModel(table, group, sample)
    finally:
        matrices._STRUCTURES.clear()
        matrices._STRUCTURES.update(saved)


def _equal(value, other, name: str) -> None:
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(value, other, err_msg=name)
    elif isinstance(value, dict):
        assert value.keys() == other.keys(), name
        for key in value:
            _equal(value[key], other[key], f"{name}[{key}]")
    elif isinstance(value, (tuple, list)):
        assert len(value) == len(other), name
        for k, (v, o) in enumerate(zip(value, other)):
            _equal(v, o, f"{name}[{k}]")
    else:
        assert value == other, name


def _same(a: RamModel, b: RamModel) -> None:
    assert a.__dict__.keys() == b.__dict__.keys()
    for name, value in a.__dict__.items():
        _equal(value, b.__dict__[name], name)


def test_a_kept_structure_gives_the_model_built_anew():
    table = build_partable(SYNTAX, meanstructure=True)
    RamModel(table.copy(), 1)                      # keeps the structure
    _same(RamModel(table.copy(), 1), _fresh_model(table.copy()))


def test_a_changed_column_builds_its_own_structure():
    table = build_partable(SYNTAX)
    before = RamModel(table.copy(), 1)
    fixed = table.copy()
    row = int(np.flatnonzero((fixed.col["op"] == "=~") & (fixed.col["rhs"] == "x2"))[0])
    fixed.col["ustart"][row] = 0.7                 # a start value: the fixed values change
    fixed.col["free"][row] = 0
    fixed.col["free"][fixed.col["free"] > 0] = np.arange(1, before.npar)
    fixed.__dict__.pop("npar", None)
    after = RamModel(fixed, 1)
    assert after.npar == before.npar - 1
    assert after.A0[after.names.index("x2"), after.names.index("f")] == 0.7
    _same(after, _fresh_model(fixed))


def test_a_changed_fixed_value_alone_builds_its_own_structure():
    table = build_partable(SYNTAX)
    RamModel(table.copy(), 1)
    other = table.copy()
    row = int(np.flatnonzero((other.col["op"] == "=~") & (other.col["rhs"] == "x1"))[0])
    assert other.col["free"][row] == 0             # the marker loading, fixed at 1
    other.col["ustart"][row] = 0.9
    model = RamModel(other, 1)
    assert model.A0[model.names.index("x1"), model.names.index("f")] == 0.9


def test_fixed_x_moments_stay_with_their_model():
    table = build_partable(SYNTAX, meanstructure=True)
    rng = np.random.default_rng(3)
    names = ["x1", "x2", "x3", "y", "z"]
    one = SampleStats.from_array(rng.normal(size=(50, 5)), names)
    two = SampleStats.from_array(3.0 * rng.normal(size=(50, 5)) + 1.0, names)
    first, second = RamModel(table.copy(), 1, one), RamModel(table.copy(), 1, two)
    z = first.names.index("z")
    assert first.S0[z, z] == pytest.approx(one.cov[4, 4])
    assert second.S0[z, z] == pytest.approx(two.cov[4, 4])
    assert RamModel(table.copy(), 1).S0[z, z] == 0.0      # the kept structure has no sample


def test_kept_index_arrays_are_read_only():
    model = RamModel(build_partable(SYNTAX), 1)
    with pytest.raises(ValueError):
        model.K[0, 0] = 2.0
    model.A0[0, 0] = 0.0                           # the model's own matrices stay writable
