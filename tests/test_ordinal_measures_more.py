"""Result methods of WLSMV fits against lavaan 0.6-14 / semTools 0.5-6
(tests/reference/ordinal_measures_more_reference.R): compare_paths() of a two-group fit (Wald
test with the robust vcov, lavTestLRT's Satorra 2000 scaled-shifted difference), the
Fornell-Larcker ingredients (semTools AVE, lavaan cor.lv), item diagnostics of the latent
responses (std.all loadings, R², ordinal alpha if deleted), EBM factor scores with continuous
items beside ordered ones, an ordered item's latent response as a predictor, and the refusals
that remain."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.ordinal_scores import ebm_objective
from relqual.scores import ebm_parts

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "tests" / "reference" / "ordinal_measures_more.json").read_text())
FACTORS = ["CF", "SAT", "TR"]


def _fit(ordered, **kwargs):
    data = pd.read_csv(ROOT / "data" / "relationship_quality.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(REF["model"], data, ordered=ordered, **kwargs)


@pytest.fixture(scope="module")
def fits():
    return {"single": _fit(REF["ordered"]),
            "groups": _fit(REF["ordered"], group=REF["group"]),
            "mixed": _fit(REF["mixed_ordered"])}


@pytest.mark.parametrize("name", sorted(REF["paths"]))
def test_compare_paths_matches_lavaan(fits, name):
    ref = REF["paths"][name]
    res = (fits["groups"] if ref["ordered"] == REF["ordered"] and ref["missing"] == "listwise"
           else _fit(ref["ordered"], group=REF["group"], missing=ref["missing"]))
    assert res.problem.ordinal["ordered"] == ref["ordered"]
    assert list(res.group_labels) == REF["group_labels"]
    row = res.compare_paths(ref["path"]).iloc[0]
    for g, label in enumerate(REF["group_labels"]):
        assert row[f"est_{label}"] == pytest.approx(ref["est"][g], abs=1e-4)
        assert row[f"se_{label}"] == pytest.approx(ref["se"][g], abs=1e-4)
    assert row["wald_df"] == ref["wald_df"] and row["lrt_df"] == ref["lrt_df"]
    for key in ("wald_chisq", "wald_pvalue", "lrt_chisq", "lrt_pvalue", "chisq_free",
                "chisq_equal"):
        assert row[key] == pytest.approx(ref[key], rel=1e-4, abs=1e-5), key


def test_compare_paths_refuses_other_ordinal_estimators():
    res = _fit(REF["ordered"], group=REF["group"], estimator="ULSMV")
    with pytest.raises(NotImplementedError, match="this fit used estimator='ULSMV'"):
        res.compare_paths("TR ~ SAT")


def _per_group(table, res, g):
    return table[table["group"] == res.group_labels[g]] if "group" in table else table


@pytest.mark.parametrize("case", ["single", "groups", "mixed"])
def test_fornell_larcker_matches_semtools_ave_and_lavaan_cor_lv(fits, case):
    res = fits[case]
    table = res.fornell_larcker()
    assert "latent responses" in table.attrs["note"]
    for g, ref in enumerate(REF["measures"][case]):
        pairs = _per_group(table, res, g)
        cor = pd.DataFrame(ref["cor_lv"], index=ref["factors"], columns=ref["factors"])
        for row in pairs.itertuples():
            assert row.r == pytest.approx(cor.loc[row.factor_1, row.factor_2], abs=1e-6)
            assert row.sqrt_ave_1 == pytest.approx(np.sqrt(ref["ave"][row.factor_1]), abs=1e-6)
            assert row.sqrt_ave_2 == pytest.approx(np.sqrt(ref["ave"][row.factor_2]), abs=1e-6)
        assert len(pairs) == 3


def test_fornell_larcker_matrix(fits):
    res = fits["groups"]
    ref = REF["measures"]["groups"][1]
    matrix = res.fornell_larcker(matrix=True, group=REF["group_labels"][1])
    assert [matrix.loc[f, f] for f in FACTORS] == pytest.approx(
        [np.sqrt(ref["ave"][f]) for f in FACTORS], abs=1e-6)


@pytest.mark.parametrize("case", ["single", "groups", "mixed"])
def test_item_diagnostics_are_of_the_latent_responses(fits, case):
    res = fits[case]
    table = res.item_diagnostics()
    assert "latent responses" in table.attrs["note"]
    for g, ref in enumerate(REF["measures"][case]):
        items = _per_group(table, res, g)
        std = ref["std_all"]
        assert items["factor"].tolist() == std["lhs"] and items["item"].tolist() == std["rhs"]
        assert items["loading"].to_numpy() == pytest.approx(std["est"], abs=1e-6)
        assert items["se"].to_numpy() == pytest.approx(std["se"], abs=1e-6)
        assert items["r2"].to_numpy() == pytest.approx([ref["r2"][v] for v in items["item"]],
                                                       abs=1e-6)


def test_alpha_if_deleted_is_semtools_ordinal_alpha(fits):
    items = fits["single"].item_diagnostics().set_index("item")
    for item, alpha in REF["alpha_if_deleted"].items():
        assert items.loc[item, "alpha_if_deleted"] == pytest.approx(alpha, abs=1e-8)


def test_alpha_if_deleted_not_computed_for_mixed_factors(fits):
    items = fits["mixed"].item_diagnostics().set_index("item")
    assert items.loc[["cf2", "sat3"], "alpha_if_deleted"].isna().all()
    assert "ordered and continuous items" in items.loc["cf2", "note"]
    assert items.loc["tr1", "alpha_if_deleted"] == pytest.approx(
        REF["alpha_if_deleted"]["tr1"], abs=1e-8)


def test_measurement_report_says_latent_responses(fits):
    report = fits["groups"].measurement_report(group=REF["group_labels"][0])
    text = str(report)
    assert "standardized loadings of the latent responses (polychoric)" in text
    assert any("latent responses" in note for note in report.notes)
    ave = report.reliability.set_index("factor")["ave"]
    ref = REF["measures"]["groups"][0]["ave"]
    assert ave[FACTORS].to_numpy() == pytest.approx([ref[f] for f in FACTORS], abs=1e-6)
    assert "latent responses" in report._repr_html_()


def test_single_indicator_factor_as_an_ordered_predictor():
    """An ordered item's latent response as a predictor (F1 =~ cf1, F1 ~~ 1*F1) as lavaan."""
    ref = REF["predictor"]
    data = pd.read_csv(ROOT / "data" / "relationship_quality.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(ref["model"], data, ordered=ref["ordered"])
    est = res.estimates().set_index(["lhs", "op", "rhs"])
    for lhs, op, rhs, e, se in zip(*(ref["estimates"][k] for k in ("lhs", "op", "rhs", "est",
                                                                   "se"))):
        if op == "~1":
            continue
        assert est.loc[(lhs, op, rhs), "est"] == pytest.approx(e, abs=1e-4)
        assert est.loc[(lhs, op, rhs), "se"] == pytest.approx(se, abs=1e-4)
    fm = res.fit_measures()
    for key, value in ref["fit_measures"].items():
        assert fm[key.replace(".", "_")] == pytest.approx(value, abs=1e-5), key
    with pytest.raises(NotImplementedError, match="ordinal predictors are not available"):
        rq.fit("sat2 ~ cf1", data, ordered=["cf1", "sat2"])


def test_remaining_refusals_give_their_reason(fits):
    with pytest.raises(NotImplementedError, match="bollen.stine/yuan bootstrap not available"):
        fits["single"].bollen_stine(10)
    mixed = fits["mixed"]
    with pytest.raises(NotImplementedError, match="compRelSEM gives no omega"):
        mixed.reliability()
    with pytest.raises(NotImplementedError, match="htmt"):
        mixed.htmt()
    with pytest.raises(NotImplementedError, match="reliability\\(\\) and htmt\\(\\)"):
        mixed.measurement_report()


def test_ebm_scores_with_continuous_items_match_lavaan(fits):
    """EBM scores of a fit with ordered and continuous items (lavPredict): the continuous
    items add their normal densities. lavaan's BFGS stops about 1e-4 from the mode (as in
    tests/test_ordinal_measures.py): 90% of the rows within 1e-4, all within 1e-3, and where
    they differ more relqual's score has the higher posterior."""
    res = fits["mixed"]
    ref = REF["mixed_scores"]
    ours = res.factor_scores()[ref["names"]].to_numpy()
    theirs = np.array(ref["data"], float)
    assert ours.shape == theirs.shape
    diff = np.abs(ours - theirs).max(axis=1)
    assert np.mean(diff < 1e-4) >= 0.9 and diff.max() < 1e-3
    y = res.prepared.arrays[0]
    levels, ordered = res.problem.ordinal["levels"], res.problem.ordinal["ordered"]
    codes = np.column_stack([np.searchsorted(levels[v], y[:, k]) if v in ordered
                             else np.full(len(y), -1)
                             for k, v in enumerate(res.partable.roles.ov)])
    far, parts = diff >= 1e-4, ebm_parts(res, 0)
    assert (ebm_objective(codes[far], ours[far], **parts, values=y[far])
            >= ebm_objective(codes[far], theirs[far], **parts, values=y[far]) - 1e-12).all()
    new = res.factor_scores(data=pd.read_csv(ROOT / "data" / "relationship_quality.csv"))
    assert new.iloc[:3].to_numpy() == pytest.approx(ours[:3], abs=1e-12)   # rows 0-2 complete


def test_rq_compare_paths_fits_ordered_items_by_wlsmv():
    ref = REF["paths"]["tr_sat"]
    data = pd.read_csv(ROOT / "data" / "relationship_quality.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.compare_paths(REF["model"], data, group=REF["group"], paths=[ref["path"]],
                                 estimator="WLSMV", ordered=REF["ordered"])
    assert table["lrt_chisq"].iloc[0] == pytest.approx(ref["lrt_chisq"], rel=1e-4)
    assert "Satorra 2000" in table.attrs["note"]
