"""Shared fixtures: bundled data and the lavaan reference JSON (tests/reference/)."""
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"

# Holzinger-Swineford 3-factor CFA (lavaan ?cfa example, HolzingerSwineford1939 data)
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
# its visual factor alone: one-factor CFA of x1-x3 (same HolzingerSwineford1939 data)
HS_VISUAL = "visual =~ x1 + x2 + x3"


def load_reference(name: str) -> dict:
    return json.loads((REFERENCE / f"{name}.json").read_text())


def reference_cases() -> list[str]:
    return [c["name"] for c in json.loads((REFERENCE / "cases.json").read_text())["cases"]]


@pytest.fixture(scope="session")
def hs() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")


@pytest.fixture(scope="session")
def poldem() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "political_democracy.csv")


@pytest.fixture
def quiet():
    """Silence RelqualWarning for tests that inspect res.warnings directly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
