"""The model library (models/*.toml), the construct catalog, res.hypotheses() and the bundled
loyalty surveys: every spec parses, simulates, fits and recovers its population paths."""
from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.cli import main
from relqual.simulate import population_moments, population_values

from conftest import HS_VISUAL

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted(rq.models.list()["name"])
RECOVERY_N, RECOVERY_SEED, RECOVERY_TOL = 20000, 2024, 0.03
LOYALTY_DATASETS = ["loyalty_stages", "value_satisfaction_loyalty", "online_loyalty"]


def fit_quietly(model, data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # any warning fails the test
        return rq.fit(model, data)


def key_rows(table: pd.DataFrame, ops=("=~", "~")) -> set:
    return {(r.lhs, r.op, r.rhs) for r in table.itertuples() if r.op in ops}


# ------------------------------------------------------------------------- library listing
def test_list_has_the_library():
    table = rq.models.list()
    assert list(table.columns) == ["name", "title", "title_zh", "hypotheses", "constructs"]
    assert len(table) >= 8
    assert {"relationship_quality", "trust_formation", "commitment_mediation", "friendship_effects",
            "loyalty_stages", "value_satisfaction_loyalty", "acsi", "ecsi",
            "relationship_quality_second_order", "jones_sasser_competition", "online_loyalty",
            "trust_cumulative_satisfaction"} <= set(table["name"])
    assert "constructs" not in set(table["name"])          # the catalog is not a model
    for row in table.itertuples():
        spec = rq.models.load(row.name)
        assert row.hypotheses == len(spec.hypotheses) > 0
        assert row.constructs == len(spec.constructs) > 0
        assert row.title and row.title_zh


def test_load_errors_and_alternatives():
    with pytest.raises(KeyError, match="no library model named 'nope'"):
        rq.models.load("nope")
    with pytest.raises(KeyError, match="has no alternative 'nope'"):
        rq.models.load("loyalty_stages:nope")
    alt = rq.models.load("trust_cumulative_satisfaction:satisfaction_first")
    assert alt.name == "trust_cumulative_satisfaction:satisfaction_first"
    assert alt.population == rq.models.load("trust_cumulative_satisfaction").population
    assert [h["id"] for h in alt.hypotheses] == ["A1", "A2", "A3", "A4"]


def test_cli_models_lists_every_model(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for name in LIBRARY:
        assert name in out


# ------------------------------------------------------------------------- construct catalog
def test_construct_catalog():
    table = rq.models.constructs()
    assert {"id", "label", "label_zh", "definition", "dimensions", "source", "n_items",
            "models"} <= set(table.columns)
    assert table["id"].is_unique
    assert (table["label"] != "").all() and (table["label_zh"] != "").all()
    assert (table["definition"] != "").all() and (table["source"] != "").all()
    items = rq.models.items()
    assert list(items.columns) == ["construct", "id", "text", "text_zh", "dimension", "scale",
                                   "points", "reverse"]
    assert items["id"].is_unique
    assert (items["text"] != "").all() and (items["text_zh"] != "").all()
    assert set(items["points"]) <= {5, 7}
    assert items["reverse"].dtype == bool and items["reverse"].any()
    scales = rq.models.scales()
    assert all(len(s["labels"]) == len(s["labels_zh"]) == s["points"] for s in scales.values())
    used = set(table.loc[table["models"] != "", "id"])
    for name in LIBRARY:
        assert set(rq.models.load(name).constructs) <= used
    with pytest.raises(KeyError):
        rq.models.items("NOPE")


@pytest.mark.parametrize("name", LIBRARY)
def test_spec_constructs_match_the_syntax(name):
    """Every latent is a catalog construct, every observed variable is one of its items (an
    observed variable used directly, like jones_sasser's `competition`, is a one-item construct)."""
    spec = rq.models.load(name)
    roles = rq.build_partable(spec.syntax).roles
    assert set(roles.lv) <= set(spec.constructs)
    for cid in set(spec.constructs) - set(roles.lv):
        assert [i["id"] for i in spec.constructs[cid]["items"]] == [cid.lower()]
    items = {i["id"]: cid for cid, c in spec.constructs.items() for i in c["items"]}
    assert {v for v in roles.ov if ":" not in v} == set(items)      # x:z is a product term
    assert not any(i["reverse"] for c in spec.constructs.values() for i in c["items"])
    for _cid, c in spec.constructs.items():
        assert c["label"] and c["label_zh"] and c["source"]


def test_relationship_quality_constructs_unchanged():
    """The first model's constructs now come from the catalog, with the same names and items."""
    spec = rq.models.load("relationship_quality")
    assert list(spec.constructs) == ["CF", "SAT", "TR", "AC", "CC"]
    assert spec.constructs["TR"]["label_zh"] == "对企业的信任感"
    assert spec.constructs["CF"]["items"][0]["text"] == (
        "I consider the staff member who usually serves me at this company a friend.")
    for cid, c in spec.constructs.items():
        assert [i["id"] for i in c["items"]] == [f"{cid.lower()}{k}" for k in range(1, 5)]


# ------------------------------------------------------------------------- specs
@pytest.mark.parametrize("name", LIBRARY)
def test_spec_hypotheses_and_population(name):
    spec = rq.models.load(name)
    table = rq.build_partable(spec.syntax).table
    labels = set(table.loc[table["op"] == ":=", "lhs"])
    rows = {(r.lhs, r.op, r.rhs) for r in table.itertuples()}
    ids = [h["id"] for h in spec.hypotheses]
    assert len(ids) == len(set(ids))
    for h in spec.hypotheses:
        assert h["sign"] in ("+", "-") and h["statement"] and h["statement_zh"]
        if h["op"] == ":=":
            assert h["lhs"] in labels
        else:
            assert (h["lhs"], h["op"], h["rhs"]) in rows, h
    # the population is complete, standardized and has the syntax's loadings and paths
    values = population_values(spec)
    cov, _ = population_moments(spec)
    assert np.allclose(np.diag(cov), 1.0, atol=1e-9)
    assert key_rows(values) == key_rows(table)
    std = values[values["op"].isin(["=~", "~"])]
    assert np.allclose(std["est"], std["std_all"], atol=1e-9)


def test_both_directions_of_satisfaction_and_trust():
    """satisfaction -> trust (relationship_quality, the alternative) and trust -> cumulative
    satisfaction (trust_cumulative_satisfaction): both expressible, comparable on one dataset."""
    assert ("TR", "~", "SAT") in key_rows(rq.build_partable(
        rq.models.load("relationship_quality").syntax).table)
    main_spec = rq.models.load("trust_cumulative_satisfaction")
    alt_spec = main_spec.alternative("satisfaction_first")
    assert ("SAT", "~", "TR") in key_rows(rq.build_partable(main_spec.syntax).table)
    assert ("TR", "~", "SAT") in key_rows(rq.build_partable(alt_spec.syntax).table)
    data = rq.simulate(main_spec, 2000, seed=5)
    fm_main = fit_quietly(main_spec, data).fit_measures()
    fm_alt = fit_quietly(alt_spec, data).fit_measures()
    assert fm_main["df"] == fm_alt["df"]
    assert fm_main["aic"] < fm_alt["aic"] and fm_main["chisq"] < fm_alt["chisq"]


def test_loyalty_stages_nested_alternative():
    data = rq.simulate("loyalty_stages", 3000, seed=9)
    strict = fit_quietly("loyalty_stages", data).fit_measures()
    skips = fit_quietly("loyalty_stages:with_skips", data).fit_measures()
    assert strict["df"] - skips["df"] == 3
    assert strict["chisq"] - skips["chisq"] < 16.27          # chi2(3) 99.9th percentile


# ------------------------------------------------------------------------- fit and recovery
@pytest.fixture(scope="module")
def recovery():
    """Every library model fitted to n = 20000 continuous responses from its population."""
    out = {}
    for name in LIBRARY:
        spec = rq.models.load(name)
        res = fit_quietly(spec, rq.simulate(spec, RECOVERY_N, seed=RECOVERY_SEED))
        pop = population_values(spec)
        merged = res.paths().merge(pop[pop["op"] == "~"], on=["lhs", "op", "rhs"],
                                   suffixes=("", "_pop"), how="outer", indicator=True)
        out[name] = (res, merged)
    return out


@pytest.mark.parametrize("name", LIBRARY)
def test_parameter_recovery(recovery, name):
    res, merged = recovery[name]
    assert res.converged and not res.warnings
    fm = res.fit_measures()
    assert fm["rmsea"] < 0.01 or "interaction_chisq" in fm.index   # LMS: no chi-square
    assert (merged["_merge"] == "both").all(), merged
    error = (merged["std_all"] - merged["std_all_pop"]).abs()
    assert error.max() < RECOVERY_TOL, merged.assign(error=error)
    hyp = res.hypotheses()
    assert len(hyp) == len(res.spec.hypotheses) and hyp["est"].notna().all()


@pytest.mark.parametrize("name", LIBRARY)
def test_every_spec_fits_likert_survey(name):
    """A realistic survey (500 respondents, 5-point items, a little missingness) fits cleanly."""
    data = rq.simulate(name, 500, seed=42, likert=5, missing_rate=0.005)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(name, data)
    assert res.converged
    assert all("listwise deletion" in w for w in res.warnings), res.warnings


# ------------------------------------------------------------------------- hypotheses()
def test_hypotheses_table_on_the_bundled_survey():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    hyp = res.hypotheses()
    assert list(hyp.columns) == ["id", "lhs", "op", "rhs", "sign", "group", "est", "std_all",
                                 "std_all_ci_lower", "std_all_ci_upper", "pvalue", "verdict",
                                 "statement"]
    assert list(hyp["id"]) == [h["id"] for h in res.spec.hypotheses]
    paths = res.paths().set_index(["lhs", "rhs"])
    for row in hyp.itertuples():
        path = paths.loc[(row.lhs, row.rhs)]
        assert row.est == path["est"] and row.pvalue == path["pvalue"]
        assert row.std_all_ci_lower < row.std_all < row.std_all_ci_upper
        expected = "supported" if (row.pvalue < .05 and row.est > 0) else "not supported"
        assert row.verdict == expected
    assert set(hyp["verdict"]) == {"supported", "not supported"}


def test_hypotheses_sign_missing_and_defined(quiet):
    data = rq.simulate("online_loyalty", 800, seed=1)
    spec = rq.models.load("online_loyalty")
    spec.hypotheses = spec.hypotheses + [
        dict(id="X1", lhs="ELOY", op="~", rhs="ETR", sign="-", statement="wrong sign"),
        dict(id="X2", lhs="ELOY", op="~", rhs="SEC", sign="+", statement="not in the model"),
        dict(id="X3", lhs="ETR", op="=~", rhs="etr2", sign="+", statement="a loading")]
    hyp = rq.fit(spec, data).hypotheses().set_index("id")
    assert hyp.loc["H3", "verdict"] == "supported"
    assert hyp.loc["X1", "verdict"] == "not supported" and hyp.loc["X1", "est"] > 0
    assert hyp.loc["X2", "verdict"] == "not supported" and np.isnan(hyp.loc["X2", "est"])
    assert hyp.loc["X3", "verdict"] == "supported" and 0.6 < hyp.loc["X3", "std_all"] < 1
    assert hyp.loc["H7", "op"] == ":=" and hyp.loc["H7", "verdict"] == "supported"
    assert hyp.loc["H7", "est"] == pytest.approx(
        hyp.loc["H1", "est"] * hyp.loc["H3", "est"], rel=1e-6)
    plain = rq.fit(HS_VISUAL, pd.read_csv(ROOT / "data" / "holzinger_swineford.csv"))
    assert plain.hypotheses().empty


# ------------------------------------------------------------------------- bundled datasets
def _make_datasets_module():
    spec = importlib.util.spec_from_file_location("make_datasets",
                                                  ROOT / "data" / "make_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_loyalty_datasets_are_reproducible():
    make = _make_datasets_module()
    assert sorted(make.DATASETS) == sorted(LOYALTY_DATASETS)
    for name in LOYALTY_DATASETS:
        assert name in rq.datasets.list()
        assert (ROOT / "data" / f"{name}.csv").read_text() == make.to_csv_text(make.make(name))


@pytest.mark.parametrize("name", LOYALTY_DATASETS)
def test_bundled_loyalty_datasets(name):
    data = rq.datasets.load(name)
    spec = rq.models.load(name)
    assert spec.extra.get("dataset") == name
    assert len(data) == 500 and data.columns[0] == "respondent"
    items = data.drop(columns="respondent")
    assert set(np.unique(items.stack().dropna())) == {1, 2, 3, 4, 5}
    assert 0.002 < items.isna().to_numpy().mean() < 0.01
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(name, data)
    assert res.converged and len(res.warnings) == 1 and "listwise" in res.warnings[0]
    assert (res.hypotheses()["verdict"] == "supported").sum() >= len(spec.hypotheses) / 2
    assert name in (ROOT / "data" / "DATASETS.md").read_text()
