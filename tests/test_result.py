"""The Result object: tables, displays and the ways a model can be given."""
import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import HS_MODEL, ROOT, load_reference


@pytest.fixture(scope="module")
def rq_fit():
    data = rq.datasets.load("relationship_quality")
    with pytest.warns(rq.RelqualWarning, match="rows dropped"):
        return rq.fit("relationship_quality", data)


def test_library_model_by_name_spec_and_file_give_the_same_fit(rq_fit):
    data = rq.datasets.load("relationship_quality")
    spec = rq.models.load("relationship_quality")
    by_spec = rq.fit(spec, data)
    by_file = rq.fit(ROOT / "models" / "relationship_quality.toml", data)
    for other in (by_spec, by_file):
        assert np.allclose(other.x, rq_fit.x)
    assert rq_fit.spec.name == "relationship_quality"


def test_estimates_columns_follow_the_contract(rq_fit):
    est = rq_fit.estimates()
    assert list(est.columns) == ["lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue",
                                 "ci_lower", "ci_upper", "std_lv", "std_all"]
    fixed = est[(est["op"] == "=~") & (est["rhs"] == "cf1")]
    assert fixed["se"].iloc[0] == 0 and np.isnan(fixed["z"].iloc[0])


def test_paths_have_standardized_intervals(rq_fit):
    paths = rq_fit.paths()
    assert len(paths) == 9
    assert (paths["std_all_ci_lower"] < paths["std_all"]).all()
    assert (paths["std_all"] < paths["std_all_ci_upper"]).all()
    # the standardized interval is the Wald interval around std_all with the delta-method SE
    half = (paths["std_all_ci_upper"] - paths["std_all_ci_lower"]) / 2
    assert np.allclose(half, 1.959964 * paths["std_all_se"], rtol=1e-5)


def test_paths_match_lavaan_standardized_solution():
    ref = load_reference("rq_mediation")
    data = rq.datasets.load("relationship_quality")
    with pytest.warns(rq.RelqualWarning):
        res = rq.fit(ref["model"], data)
    theirs = pd.DataFrame(ref["std_solution"]["std_all"])
    theirs = theirs[theirs["op"] == "~"]
    m = theirs.merge(res.paths(), on=["lhs", "op", "rhs"], suffixes=("_lavaan", ""))
    assert len(m) == 9
    assert np.allclose(m["std_all"], m["est.std"], atol=1e-4)
    assert np.allclose(m["std_all_se"], m["se_lavaan"], atol=1e-4)
    assert np.allclose(m["std_all_ci_lower"], m["ci.lower"], atol=1e-4)


def test_r2_and_fit_measures_are_pandas(rq_fit):
    r2 = rq_fit.r2()
    assert set(["SAT", "TR", "AC", "CC", "cf1"]) <= set(r2.index)
    assert ((r2 > 0) & (r2 < 1)).all()
    fm = rq_fit.fit_measures()
    for name in ["npar", "chisq", "df", "pvalue", "baseline_chisq", "baseline_df", "cfi", "tli",
                 "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_pvalue", "srmr", "aic",
                 "bic", "logl", "unrestricted_logl"]:
        assert name in fm.index
    assert fm["df"] == 161 and fm["npar"] == 49


def test_summary_and_html_show_fit_paths_and_warnings(rq_fit):
    text = rq_fit.summary()
    assert "chi-square" in text and "WARNINGS" in text
    regressions = text.split("Regressions:")[1].split("\n\n")[0]     # lavaan's layout
    assert "Estimate  Std.Err  z-value  P(>|z|)" in regressions
    assert "\n  CC ~\n" in regressions and "\n    AC  " in regressions
    assert "rows dropped" in text
    html = rq_fit._repr_html_()
    assert "<table" in html and "RMSEA" in html and "rows dropped" in html
    assert "converged" in repr(rq_fit)


def test_n_obs_counts_complete_rows(rq_fit):
    data = rq.datasets.load("relationship_quality")
    items = [c for c in data.columns if c not in ("respondent", "competition")]
    assert rq_fit.n_obs == int(data[items].notna().all(axis=1).sum())


def test_defined_parameters_can_build_on_each_other(hs):
    res = rq.fit(HS_MODEL + "\nspeed ~~ c*textual\nvisual ~~ d*textual\ns := c + d\nt := 2*s", hs)
    est = res.estimates().set_index("lhs")
    assert est.loc["t", "est"] == pytest.approx(2 * est.loc["s", "est"])
    assert est.loc["t", "se"] == pytest.approx(2 * est.loc["s", "se"], rel=1e-6)


def test_vcov_is_labelled(hs):
    res = rq.fit(HS_MODEL, hs)
    vcov = res.vcov()
    assert vcov.shape == (21, 21) and "visual=~x2" in vcov.index
    assert np.allclose(vcov.to_numpy(), vcov.to_numpy().T)


def test_multigroup_vcov_names_are_unique_and_dict_data_with_groups(hs):
    res = rq.fit(HS_MODEL, {c: hs[c] for c in hs.columns}, group="school")
    names = res.vcov().index
    assert names.is_unique and "visual=~x2.g2" in names


def test_with_bootstrap_keeps_seeded_draws_as_its_own_bootstrap():
    """Indirect-effect intervals and reports with the same draws and seed reuse the draws of
    se="bootstrap" instead of refitting every resample; replayed draws are not taken for
    seeded ones."""
    hs = rq.datasets.load("holzinger_swineford")
    res = rq.fit("visual =~ x1 + x2 + x3", hs)
    boot = res.bootstrap(draws=15, seed=3)
    assert res.with_bootstrap(boot).bootstrap(draws=15, seed=3) is boot
    assert rq.fit("visual =~ x1 + x2 + x3", hs, se="bootstrap", bootstrap=15,
                  seed=3).bootstrap(draws=15, seed=3).values.shape == (15, boot.values.shape[1])
    replayed = res.bootstrap(0, indices=boot.indices[::-1])
    assert res.with_bootstrap(replayed).bootstrap(draws=15, seed=3) is not replayed
