"""Indirect and total effects, their delta / Monte Carlo / bootstrap intervals, against lavaan.

The bootstrap reference (tests/reference/bootstrap_reference.R) fits lavaan with se="bootstrap"
and exports the exact resample rows it used; replaying them must give lavaan's bootstrap SEs
and intervals (to lavaan's own convergence tolerance, ~1e-5).
"""
import matplotlib
import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import HS_MODEL, HS_VISUAL, load_reference

matplotlib.use("Agg")
BOOT = load_reference("rq_bootstrap")


@pytest.fixture(scope="module")
def med():
    data = rq.datasets.load("relationship_quality")
    with pytest.warns(rq.RelqualWarning):
        return rq.fit(BOOT["model"], data)


@pytest.fixture(scope="module")
def replay(med):
    indices = [[np.array(i)] for i in BOOT["indices"]]
    return med.bootstrap(indices=indices)


def lavaan_rows(op=None):
    table = pd.DataFrame(BOOT["estimates"])
    return table if op is None else table[table["op"] == op]


def test_replayed_resamples_reproduce_lavaans_draws(med, replay):
    assert replay.n_failed == 0
    theirs = np.array(BOOT["boot"], dtype=float)
    col = med.partable.col
    free_rows = [np.flatnonzero(col["free"] == k)[0] for k in range(1, med.partable.npar + 1)]
    ours = replay.block("est")[:, free_rows]
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs)) < 1e-4


def test_bootstrap_se_and_percentile_ci_match_lavaan(med, replay):
    res = rq.fit(BOOT["model"], rq.datasets.load("relationship_quality"))
    res = res.with_bootstrap(replay)
    merged = lavaan_rows().merge(res.estimates(), on=["lhs", "op", "rhs"], suffixes=("_lavaan", ""))
    free = merged["se_lavaan"] > 0
    assert np.allclose(merged.loc[free, "se"], merged.loc[free, "se_lavaan"], atol=1e-3, rtol=0)
    assert np.allclose(merged.loc[free, "ci_lower"], merged.loc[free, "perc_lower"], atol=1e-3)
    assert np.allclose(merged.loc[free, "ci_upper"], merged.loc[free, "perc_upper"], atol=1e-3)


def test_indirect_effect_intervals_match_lavaan(med, replay):
    defined = lavaan_rows(":=").set_index("lhs")
    draws = replay.block("est")
    col = med.partable.col
    for name in ["ind_ac", "ind_tr_ac", "total"]:
        k = np.flatnonzero((col["op"] == ":=") & (col["lhs"] == name))[0]
        est = med.estimates().set_index("lhs").loc[name, "est"]
        perc = rq.intervals.bootstrap_interval(draws[:, k], est, method="perc")
        bc = rq.intervals.bootstrap_interval(draws[:, k], est, method="bc")
        assert perc == pytest.approx(
            (defined.loc[name, "perc_lower"], defined.loc[name, "perc_upper"]), abs=1e-3)
        assert bc == pytest.approx(
            (defined.loc[name, "bc_lower"], defined.loc[name, "bc_upper"]), abs=1e-3)
        assert draws[:, k].std(ddof=1) == pytest.approx(defined.loc[name, "se"], abs=1e-3)


def test_delta_method_se_of_indirect_effect_matches_lavaan(med):
    defined = lavaan_rows(":=").set_index("lhs")
    ours = med.estimates().set_index("lhs")
    for name in ["ind_ac", "ind_tr_ac", "total"]:
        assert ours.loc[name, "se"] == pytest.approx(defined.loc[name, "delta_se"], abs=1e-4)
    # the enumerated specific effect SAT -> AC -> CC is the same quantity as ind_ac := a*b
    effects = med.effects()
    row = effects[effects["path"] == "SAT -> AC -> CC"].iloc[0]
    assert row["est"] == pytest.approx(ours.loc["ind_ac", "est"], abs=1e-10)
    assert row["se"] == pytest.approx(defined.loc["ind_ac", "delta_se"], abs=1e-4)


def test_effect_decomposition_adds_up(med):
    effects = med.effects()
    for (_source, _target), part in effects[effects["effect"] != "defined"].groupby(["from", "to"]):
        kinds = part.set_index("path")
        specific = part[part["effect"] == "indirect"]["est"].sum()
        direct = part[part["effect"] == "direct"]["est"].sum()
        if (part["effect"] == "total").any():
            total = part[part["effect"] == "total"]["est"].iloc[0]
            total_ind = part[part["effect"] == "total_indirect"]["est"].iloc[0]
            assert total_ind == pytest.approx(specific)
            assert total == pytest.approx(direct + specific)
        assert len(kinds) == len(part)
    sat_cc = effects[(effects["from"] == "SAT") & (effects["to"] == "CC")]
    assert set(sat_cc["path"]) >= {"SAT -> CC", "SAT -> AC -> CC", "SAT -> TR -> AC -> CC"}


def test_standardized_direct_effects_equal_std_all_paths(med):
    effects = med.effects().query("effect == 'direct'").set_index(["from", "to"])
    for _, row in med.paths().iterrows():
        assert effects.loc[(row["rhs"], row["lhs"]), "std_all"] == pytest.approx(row["std_all"])


def test_montecarlo_agrees_with_delta_for_large_draws(med):
    delta = med.indirect(ci="delta").set_index("path")
    mc = med.indirect(ci="montecarlo", n=20000, seed=7).set_index("path")
    row = "SAT -> AC -> CC"
    assert mc.loc[row, "se"] == pytest.approx(delta.loc[row, "se"], rel=0.05)
    assert mc.loc[row, "std_all_se"] == pytest.approx(delta.loc[row, "std_all_se"], rel=0.05)
    again = med.indirect(ci="montecarlo", n=20000, seed=7).set_index("path")
    assert again.loc[row, "ci_lower"] == mc.loc[row, "ci_lower"]


def test_own_bootstrap_is_reproducible_and_independent_of_workers(med):
    a = med.bootstrap(60, seed=11, n_jobs=1)
    b = med.bootstrap(60, seed=11, n_jobs=2, indices=a.indices)
    c = rq.fit(BOOT["model"], rq.datasets.load("relationship_quality")).bootstrap(
        60, seed=11, n_jobs=2)
    assert np.array_equal(a.values, b.values, equal_nan=True)
    assert np.array_equal(a.values, c.values, equal_nan=True)
    d = med.bootstrap(60, seed=12)
    assert not np.array_equal(a.values, d.values, equal_nan=True)


def test_bootstrap_table_with_bc_and_bca(med):
    table = med.indirect(ci="bootstrap", n=60, seed=11, boot_ci="bca")
    row = table[table["path"] == "SAT -> AC -> CC"].iloc[0]
    assert row["ci_lower"] < row["est"] < row["ci_upper"]
    assert row["std_all_ci_lower"] < row["std_all"] < row["std_all_ci_upper"]
    assert table.attrs["ci"] == "bootstrap (bca)"


def test_se_bootstrap_in_fit(hs):
    res = rq.fit(HS_MODEL, hs, se="bootstrap", bootstrap=50, seed=3)
    est = res.estimates()
    free = est["se"] > 0
    assert free.sum() == 21
    standard = rq.fit(HS_MODEL, hs).estimates()
    ratio = est.loc[free, "se"] / standard.loc[free, "se"]
    assert ratio.between(0.4, 3.0).all()          # HS is non-normal; 50 draws are noisy
    with pytest.raises(ValueError, match="bootstrap=1000"):
        rq.fit(HS_MODEL, hs, se="bootstrap")


def test_failed_resamples_are_counted_and_reported(hs):
    fitted = rq.fit(HS_MODEL, hs)
    res = rq.Result(spec=fitted.spec, estimate=fitted.estimate,     # unreachable: every refit fails
                    call=dict(fitted.call, control={"max_iter": 1, "gtol": 1e-300}))
    boot = res.bootstrap(10, seed=1)
    assert boot.n_failed == 10
    assert "10 of 10 bootstrap resamples failed" in boot.note()


def test_bollen_stine(med):
    bs = med.bollen_stine(draws=40, seed=5)
    assert 0 <= bs["pvalue_bollen_stine"] <= 1
    assert bs["draws_used"] + bs["draws_failed"] == 40
    assert bs["pvalue_bollen_stine"] > 0.2        # the model holds in this simulated population


def test_plot_indirect(med, tmp_path):
    ax = med.plot_indirect(path="SAT -> AC -> CC", draws=60, seed=11)
    out = tmp_path / "indirect.png"
    ax.figure.savefig(out)
    assert out.stat().st_size > 5000
    with pytest.raises(ValueError, match="no effect with path"):
        med.plot_indirect(path="X -> Y", draws=60, seed=11)


def test_bootstrap_under_fiml_refits_each_resample_with_its_patterns():
    data = rq.datasets.load("holzinger_swineford_missing")
    with pytest.warns(rq.RelqualWarning):
        res = rq.fit(HS_MODEL, data, missing="fiml")
    boot = res.bootstrap(8, seed=2)
    assert boot.n_failed == 0
    free = res.estimates()["se"].to_numpy() > 0
    spread = boot.block("est").std(axis=0, ddof=1)[free]
    assert np.all(spread > 0)
    with pytest.raises(NotImplementedError, match="Bollen-Stine"):
        res.bollen_stine(draws=5)


def test_resampling_checks_kind_and_groups(hs):
    res = rq.fit(HS_MODEL, hs)
    with pytest.raises(ValueError, match="unknown bootstrap kind"):
        res.bootstrap(5, seed=1, kind="bollen_stine")
    with pytest.raises(ValueError, match="1 group"):
        rq.fit(HS_MODEL, hs, group="school").bootstrap(indices=[[np.arange(10)]])


def test_multigroup_jackknife_leaves_out_rows_of_every_group(hs):
    res = rq.fit(HS_VISUAL, hs, group="school")
    jack = res.jackknife()
    assert len(jack.converged) == res.n_obs
    est = jack.block("est")
    group2 = res.partable.col["group"] == 2
    assert est[:, group2 & (res.partable.col["free"] > 0)].std(axis=0).min() > 0


def test_fiml_bootstrap_resamples_the_covariates(quiet):
    data = rq.datasets.load("holzinger_swineford_missing")
    res = rq.fit(HS_VISUAL + "\nvisual ~ ageyr", data, missing="fiml")
    boot = res.bootstrap(10, seed=4)
    col = res.partable.col
    exo = np.flatnonzero((col["lhs"] == "ageyr") & (col["op"] == "~~") & (col["rhs"] == "ageyr"))
    assert boot.block("est")[:, exo].std() > 0


def test_non_recursive_model_names_its_loop(hs):
    res = rq.fit("x1 ~ x2 + x4\nx2 ~ x1 + x3", hs)
    with pytest.raises(ValueError, match="feedback loop x2 -> x1 -> x2"):
        res.effects()
