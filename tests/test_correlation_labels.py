"""The fit table's note names the correlations a fit of ordered items rests on: polychoric
(ordered with ordered), polyserial (ordered with continuous), Pearson (continuous with
continuous), in English and Chinese."""
import warnings

import pandas as pd
import pytest

import relqual as rq
from relqual.testlabels import correlation_text

from conftest import ROOT

MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def hs_mixed(ordered) -> pd.DataFrame:
    """The ordinal HS items named in ``ordered``, the continuous HS scores for the others."""
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford_ordinal.csv")
    continuous = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    return data.assign(**{f"x{i}": continuous[f"x{i}"] for i in range(1, 10)
                          if f"x{i}" not in ordered})


def fit_note(ordered, lang="en") -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(MODEL, hs_mixed(ordered), ordered=ordered)
    (table,) = res.tables(include=["fit"], lang=lang)
    return table.note


@pytest.mark.parametrize("ordered, en, zh", [
    ([f"x{i}" for i in range(1, 10)], "thresholds and polychoric correlations)",
     "阈值与多分格相关）"),
    ([f"x{i}" for i in range(1, 7)],
     "thresholds and polychoric, polyserial and Pearson correlations)",
     "阈值与多分格相关、多系列相关与皮尔逊相关）"),
    (["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"],
     "thresholds and polychoric and polyserial correlations)", "阈值与多分格相关与多系列相关）"),
])
def test_fit_table_note_names_the_correlations_used(ordered, en, zh):
    assert en in fit_note(ordered)
    assert zh in fit_note(ordered, "zh")


def test_correlation_text_names_only_the_kinds_present():
    assert correlation_text(1, 3) == "polyserial and Pearson correlations"
    assert correlation_text(2, 0, "zh") == "多分格相关"
    assert correlation_text(1, 1, "zh") == "多系列相关"
