"""Result methods of a WLSMV fit with missing="pairwise" against lavaan / semTools
(tests/reference/ordinal_pairwise_measures_reference.R)."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "tests" / "reference" / "ordinal_pairwise_measures.json").read_text())
ITEMS = [f"x{k}" for k in range(1, 10)]


@pytest.fixture(scope="module")
def fit():
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford_ordinal.csv")
    row = np.arange(1, len(data) + 1)
    for c, item in enumerate(ITEMS, start=1):
        data.loc[(row * 7919 + c * 6983) % 101 < REF["cut"], item] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(REF["model"], data, ordered=ITEMS, missing="pairwise")


def test_modification_indices_match_lavaan(fit):
    ref = pd.DataFrame(REF["modindices"])
    ours = fit.modindices().set_index(["lhs", "op", "rhs"])
    for row in ref.itertuples():
        got = ours.loc[(row.lhs, row.op, row.rhs)]
        assert got["mi"] == pytest.approx(row.mi, rel=1e-4, abs=1e-4)
        assert got["epc"] == pytest.approx(row.epc, rel=1e-4, abs=1e-4)
        assert got["sepc_all"] == pytest.approx(row._6, rel=1e-4, abs=1e-4)


def test_categorical_omega_matches_semtools(fit):
    omega = fit.reliability().set_index("factor")["omega"]
    for factor, value in REF["omega"].items():
        assert omega[factor] == pytest.approx(value, abs=1e-6)


def test_htmt_on_pairwise_polychorics_matches_semtools(fit):
    table = fit.htmt()
    factors = ["visual", "textual", "speed"]
    ref = np.array(REF["htmt"])
    for row in table.itertuples():
        i, j = factors.index(row.factor_1), factors.index(row.factor_2)
        assert row.htmt2 == pytest.approx(ref[i, j], abs=1e-6)
