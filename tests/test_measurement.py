"""Reliability and validity against semTools 0.5-6 (tests/reference/semtools.json, made by
tests/reference/semtools_reference.R), and the messages for bad input (issue 4).

Measured maximum differences over all cases: omega 6e-7, omega_model 6e-7, alpha 1e-15,
AVE 4e-7, CR (Fornell-Larcker) 5e-7, HTMT and HTMT2 1e-15, latent correlations 1.2e-6,
standardized loadings and their CIs 1e-6, item-total r and alpha if deleted 2e-15. The tests
use 1e-4.
"""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import HS_MODEL, REFERENCE, ROOT

CASES = json.loads((REFERENCE / "semtools.json").read_text())["cases"]
TOL = 1e-4


def matrix(obj) -> pd.DataFrame:
    return pd.DataFrame(obj["data"], index=obj["rownames"], columns=obj["colnames"]).astype(float)


def fit(model, data, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(model, data, **options)


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    ref = CASES[request.param]
    return ref, fit(ref["model"], pd.read_csv(ROOT / ref["data"]), **(ref["options"] or {}))


def blocks(ref, res, method, **kwargs):
    """(reference block, our table for that group) for each group of the case."""
    for block in ref["blocks"]:
        group = block["group"] if len(ref["blocks"]) > 1 else None
        yield block, method(res, group=group, **kwargs)


def test_reliability_matches_semtools(case):
    ref, res = case
    for block, rel in blocks(ref, res, rq.Result.reliability):
        rel = rel.set_index("factor")
        for ours, theirs in (("omega", "omega"), ("omega_model", "omega_model"),
                             ("alpha", "alpha"), ("alpha", "reliability_alpha"), ("ave", "ave")):
            for factor, value in block[theirs].items():
                if value is None:                 # semTools: undefined (cross-loading item)
                    assert np.isnan(rel.loc[factor, ours]), (ours, factor)
                else:
                    assert rel.loc[factor, ours] == pytest.approx(value, abs=TOL), (ours, factor)
        for factor, values in block["by_hand"].items():
            assert rel.loc[factor, "n_items"] == values["n_items"]
            if factor not in block["omega"]:      # single indicator: undefined (tested below)
                continue
            for key in ("cr_fl", "ave_fl", "alpha_std"):
                assert rel.loc[factor, key] == pytest.approx(values[key], abs=TOL), (key, factor)
        # factors semTools drops (single indicators) are kept, with a reason instead of numbers
        for factor in set(rel.index) - set(block["omega"]):
            assert rel.loc[factor, "n_items"] == 1
            assert "single indicator" in rel.loc[factor, "note"]


def test_htmt_matches_semtools(case):
    ref, res = case
    for block, pairs in blocks(ref, res, rq.Result.htmt):
        if block["htmt"] is None:        # semTools cannot: indicators that are factors
            assert "visual" in block["htmt_input"]
            assert set(pairs["factor_1"]) | set(pairs["factor_2"]) == {"visual", "textual", "speed"}
            continue
        group = block["group"] if len(ref["blocks"]) > 1 else None
        for kind in ("htmt", "htmt2"):
            theirs = matrix(block[kind])
            ours = res.htmt(matrix=True, kind=kind, group=group).loc[theirs.index, theirs.columns]
            both = theirs.notna().to_numpy()
            assert np.allclose(ours.to_numpy()[both], theirs.to_numpy()[both], atol=TOL), kind
            assert ours.isna().to_numpy()[~both].all()
        theirs = matrix(block["htmt"])
        for row in pairs.itertuples():
            if np.isfinite(row.htmt):
                assert row.htmt == pytest.approx(theirs.loc[row.factor_1, row.factor_2], abs=TOL)
                assert row.above_85 == (row.htmt >= 0.85)


def test_fornell_larcker_matches_lavaan_and_semtools(case):
    ref, res = case
    for block, pairs in blocks(ref, res, rq.Result.fornell_larcker):
        group = block["group"] if len(ref["blocks"]) > 1 else None
        table = res.fornell_larcker(matrix=True, group=group)
        cor = matrix(block["cor_lv"])
        factors = list(table.index)
        for i, a in enumerate(factors):
            for b in factors[:i]:
                assert table.loc[a, b] == pytest.approx(cor.loc[a, b], abs=TOL)
            if block["ave"].get(a) is not None:
                assert table.loc[a, a] == pytest.approx(np.sqrt(block["ave"][a]), abs=TOL)
        for row in pairs.itertuples():
            if pd.notna(row.passes):
                assert row.passes == (abs(row.r) < min(row.sqrt_ave_1, row.sqrt_ave_2))
            else:
                assert "AVE undefined" in row.note


def test_item_diagnostics_match(case):
    ref, res = case
    loads = pd.DataFrame(ref["std_loadings"])
    for block, items in blocks(ref, res, rq.Result.item_diagnostics):
        items = items.set_index(["factor", "item"])
        theirs = loads[loads["group"] == block["group"]].set_index(["lhs", "rhs"])
        for key, col in (("est.std", "loading"), ("se", "se"), ("ci.lower", "ci_lower"),
                         ("ci.upper", "ci_upper")):
            assert np.allclose(items.loc[theirs.index, col], theirs[key], atol=TOL), col
        theirs = pd.DataFrame(block["items"]).set_index(["factor", "item"])
        for col in ("item_total_r", "alpha_if_deleted"):
            ours = items.loc[theirs.index, col].to_numpy(float)
            expected = theirs[col].to_numpy(float)
            ok = np.isfinite(expected)
            assert np.allclose(ours[ok], expected[ok], atol=TOL), col
            assert np.isnan(ours[~ok]).all()
        assert (items["low_loading"] == (items["loading"].abs() < 0.5)).all()
    if len(ref["blocks"]) == 1:
        items = res.item_diagnostics()
        assert (res.item_diagnostics(threshold=0.7)["low_loading"]
                == (items["loading"].abs() < 0.7)).all()


def test_multigroup_tables_have_a_group_column(hs):
    res = fit(HS_MODEL, hs, group="school")
    labels = list(res.group_labels)
    rel = res.reliability()
    assert list(rel.columns[:2]) == ["group", "factor"] and list(rel["group"].unique()) == labels
    assert res.reliability(group=labels[1]).equals(res.reliability(group=2))
    assert "group" not in res.reliability(group=1).columns or len(res.reliability(group=1)) == 3
    for method in (res.fornell_larcker, res.htmt):
        assert set(method()["group"]) == set(labels)
        with pytest.raises(ValueError, match="pass group="):
            method(matrix=True)
        assert method(matrix=True, group=labels[0]).shape == (3, 3)
    with pytest.raises(ValueError, match="unknown group"):
        res.reliability(group="Nowhere")
    with pytest.raises(ValueError, match="pass group="):
        res.measurement_report()
    report = res.measurement_report(group=labels[1])
    assert report.model.endswith(f"group {labels[1]}")
    assert "group" not in report.modindices.columns


# ----------------------------------------------------------------------------- bad input

def test_single_indicator_is_explained(hs):
    res = fit(CASES["hs_single_indicator"]["model"], hs)
    rel = res.reliability().set_index("factor")
    assert rel.loc["speed", ["alpha", "omega", "ave"]].isna().all()
    assert "single indicator (x7)" in rel.loc["speed", "note"]
    htmt = res.htmt().set_index(["factor_1", "factor_2"])
    assert "speed has one" in htmt.loc[("visual", "speed"), "note"]
    assert pd.isna(htmt.loc[("visual", "speed"), "above_85"])
    fl = res.fornell_larcker().set_index(["factor_1", "factor_2"])
    assert pd.isna(fl.loc[("visual", "speed"), "passes"])
    assert "AVE undefined for speed" in fl.loc[("visual", "speed"), "note"]
    items = res.item_diagnostics().set_index("item")
    assert not items.loc["x7", "heywood"]        # its residual variance is fixed to 0 by design
    text = res.measurement_report().to_text()
    assert "single indicator (x7)" in text and "HTMT needs at least two items" in text


def test_cross_loading_is_explained(hs):
    res = fit(CASES["hs_crossload"]["model"], hs)
    rel = res.reliability().set_index("factor")
    for factor, other in (("visual", "speed"), ("speed", "visual")):
        assert np.isnan(rel.loc[factor, "ave"])
        assert f"x9 (also on {other})" in rel.loc[factor, "note"]
        assert "AVE is not defined" in rel.loc[factor, "note"]
        assert np.isfinite(rel.loc[factor, ["omega", "ave_fl", "cr_fl"]].astype(float)).all()
    items = res.item_diagnostics()
    x9 = items[items["item"] == "x9"]
    assert len(x9) == 2 and x9["cross_loading"].all()
    assert not items.loc[items["item"] != "x9", "cross_loading"].any()
    report = res.measurement_report()
    assert any("cross-loading" in n for n in report.notes)


def heywood_data(n=200, seed=1) -> pd.DataFrame:
    """Three items whose correlations force a standardized loading above 1 for item a
    (lambda_a^2 = r_ab r_ac / r_bc = .8 * .8 / .3), next to a clean factor."""
    rng = np.random.default_rng(seed)
    target = np.array([[1, .8, .8], [.8, 1, .3], [.8, .3, 1]])
    z = rng.standard_normal((n, 3))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z.T, bias=True))).T
    data = pd.DataFrame(z @ np.linalg.cholesky(target).T, columns=["a", "b", "c"])
    data["e"] = rng.standard_normal(n)
    data["f"] = data["e"] + rng.standard_normal(n)
    data["g"] = data["e"] + rng.standard_normal(n)
    return data


def test_heywood_case_is_flagged():
    res = fit("F =~ a + b + c\nG =~ e + f + g", heywood_data())
    rel = res.reliability().set_index("factor")
    assert rel.loc["F", "improper"] and not rel.loc["G", "improper"]
    assert "Heywood" in rel.loc["F", "note"]
    items = res.item_diagnostics().set_index("item")
    assert items.loc["a", "heywood"] and items.loc["a", "loading"] > 1
    assert not items.loc[["b", "c", "e", "f", "g"], "heywood"].any()
    report = res.measurement_report()
    assert report.statements[0].startswith("Item a of F has an improper solution")
    # F is left out of the verdicts; G is judged
    assert "met by the 1 factor" in report.criteria.set_index("criterion").loc["ave", "result"]
    assert any("Heywood" in w for w in report.warnings)


@pytest.mark.parametrize("value", ["-0.2", "0"])
def test_negative_or_zero_factor_variance_is_flagged(hs, value):
    res = fit(f"visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual ~~ {value}*visual", hs)
    rel = res.reliability().set_index("factor")
    assert rel.loc["visual", "improper"] and not rel.loc["textual", "improper"]
    assert f"variance of visual is {float(value):.3g} (<= 0)" in rel.loc["visual", "note"]
    report = res.measurement_report()
    assert report.statements[0].startswith("visual has an improper solution")
    assert "met by the 1 factor" in report.criteria.set_index("criterion").loc["omega", "result"]


def test_higher_order_factor_is_noted(hs):
    res = fit(CASES["hs_second_order"]["model"], hs)
    assert list(res.reliability()["factor"]) == ["visual", "textual", "speed"]
    report = res.measurement_report()
    assert any(n.startswith("g is a higher-order factor") for n in report.notes)


def test_other_estimators_are_refused():
    # WLSMV fits: tests/test_ordinal_measures.py, tests/test_ordinal_measures_more.py
    res = fit(HS_MODEL, rq.datasets.load("holzinger_swineford_missing"), missing="fiml")
    for method in (res.reliability, res.item_diagnostics, res.fornell_larcker, res.htmt,
                   res.measurement_report):
        with pytest.raises(NotImplementedError, match="missing='fiml' is not supported yet"):
            method()


# ----------------------------------------------------------------------------- the report

def test_report_on_the_survey():
    spec = rq.models.load("relationship_quality")
    res = fit(spec, rq.datasets.load("relationship_quality"))
    report = res.measurement_report()
    criteria = report.criteria.set_index("criterion")
    assert criteria.loc["ave", "result"].startswith("fails for CF (0.474), CC (0.470)")
    assert criteria.loc["alpha", "result"] == "met by all 5 factors"
    assert any(s.startswith("Convergent validity is NOT supported for CF") for s in
               report.statements)
    text = report.to_text()
    for source in ("Nunnally 1978", "Fornell & Larcker 1981", "Henseler, Ringle & Sarstedt 2015",
                   "Hair, Black, Babin & Anderson 2019"):
        assert source in text
    assert str(report) == text
    html = report._repr_html_()
    assert html.count("<table") == 5 and "Fornell-Larcker" in html
    assert (report.modindices["mi"] > 3.84).all() and len(report.modindices) <= 10
    assert report.htmt_matrix.shape == (5, 5)
    assert report.warnings == res.warnings


def test_fornell_larcker_failure_is_reported(hs):
    """Two factors measured by strongly related items: the criterion fails and says why."""
    res = fit("visual =~ x1 + x2 + x3 + x9\nspeed =~ x7 + x8 + x9\ntextual =~ x4 + x5 + x6", hs)
    fl = res.fornell_larcker()
    assert set(fl.columns) == {"factor_1", "factor_2", "r", "sqrt_ave_1", "sqrt_ave_2", "passes",
                               "note"}
    checked = fl.dropna(subset=["passes"])
    assert all((abs(r.r) < min(r.sqrt_ave_1, r.sqrt_ave_2)) == r.passes
               for r in checked.itertuples())
