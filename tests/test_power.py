"""Monte Carlo power (rq.power), smallest n, RMSEA power and sample size (vs semTools), backends."""
import json
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import relqual as rq
from relqual.models import ModelSpec
from relqual.power import PowerJob, replicate_data, smallest_n
from relqual.simulate import population_moments

from conftest import REFERENCE

# Two factors, three indicators each (standardized loadings .7), F2 ~ .25 F1; every variable has
# variance 1. The analysis model also frees x1 ~~ y1, whose population value is 0.
TWO_FACTOR_POP = """
F1 =~ 0.7*x1 + 0.7*x2 + 0.7*x3
F2 =~ 0.7*y1 + 0.7*y2 + 0.7*y3
F2 ~ 0.25*F1
F1 ~~ 1*F1
F2 ~~ 0.9375*F2
x1 ~~ 0.51*x1
x2 ~~ 0.51*x2
x3 ~~ 0.51*x3
y1 ~~ 0.51*y1
y2 ~~ 0.51*y2
y3 ~~ 0.51*y3
"""
TWO_FACTOR = "F1 =~ x1 + x2 + x3\nF2 =~ y1 + y2 + y3\nF2 ~ F1\nx1 ~~ y1"

# X -> M -> Y with a small direct path (one specific indirect effect)
MEDIATION_POP = """
X =~ 0.75*x1 + 0.75*x2 + 0.75*x3
M =~ 0.75*m1 + 0.75*m2 + 0.75*m3
Y =~ 0.75*y1 + 0.75*y2 + 0.75*y3
M ~ 0.4*X
Y ~ 0.35*M + 0.1*X
X ~~ 1*X
M ~~ 0.84*M
Y ~~ 0.8395*Y
x1 ~~ 0.4375*x1
x2 ~~ 0.4375*x2
x3 ~~ 0.4375*x3
m1 ~~ 0.4375*m1
m2 ~~ 0.4375*m2
m3 ~~ 0.4375*m3
y1 ~~ 0.4375*y1
y2 ~~ 0.4375*y2
y3 ~~ 0.4375*y3
"""
MEDIATION = "X =~ x1 + x2 + x3\nM =~ m1 + m2 + m3\nY =~ y1 + y2 + y3\nM ~ X\nY ~ M + X"


def two_factor() -> ModelSpec:
    return ModelSpec(name="two_factor", syntax=TWO_FACTOR, population=TWO_FACTOR_POP)


def mediation() -> ModelSpec:
    return ModelSpec(name="mediation", syntax=MEDIATION, population=MEDIATION_POP,
                     hypotheses=[{"id": "H1", "lhs": "M", "op": "~", "rhs": "X"},
                                 {"id": "H2", "lhs": "Y", "op": "~", "rhs": "M"}])


def exact_moment_data(population: str, n: int) -> pd.DataFrame:
    """n rows whose ML sample covariance is exactly the population covariance matrix."""
    sigma, _ = population_moments(population)
    z = np.random.default_rng(0).standard_normal((n, sigma.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / n)).T
    return pd.DataFrame(z @ np.linalg.cholesky(sigma.to_numpy()).T, columns=sigma.columns)


# ---------------------------------------------------------------------------- power vs analytic
def test_power_matches_analytic_wald_power_within_monte_carlo_error():
    """Monte Carlo power of the Wald test of F2 ~ F1 at n = 200 (1000 replicates, seed 2024) vs
    the asymptotic power with the population-implied SE: z^2 ~ noncentral chi2(1, (b/se)^2),
    power = Phi(d - 1.96) + Phi(-d - 1.96) with d = b / se(n). The SE comes independently from
    rq.fit on data whose sample covariance is the population covariance (n = 200)."""
    n, reps = 200, 1000
    table = rq.power(two_factor(), n=[n], reps=reps, seed=2024, n_jobs=2, progress=False)
    path = table[(table["op"] == "~")].iloc[0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(TWO_FACTOR, exact_moment_data(TWO_FACTOR_POP, n))
    est = res.estimates().query("op == '~'").iloc[0]
    delta, crit = est["est"] / est["se"], stats.norm.ppf(0.975)
    analytic = stats.norm.cdf(delta - crit) + stats.norm.cdf(-delta - crit)
    assert est["est"] == pytest.approx(0.25, abs=1e-7)
    assert path["pop_value"] == pytest.approx(0.25, abs=1e-7)
    assert path["power_analytic"] == pytest.approx(analytic, abs=1e-6)
    assert 0.6 < analytic < 0.8                         # a power where the check has teeth

    mc_se = np.sqrt(analytic * (1 - analytic) / reps)
    assert path["converged"] == 1.0
    assert abs(path["power"] - analytic) < 3 * mc_se, (path["power"], analytic)
    # the 95% Wald interval covers 0.25 about 95% of the time (0.93 here: at n = 200 the ML
    # standard errors are about 6% below the SD of the estimates); estimates unbiased
    assert abs(path["coverage"] - 0.95) < 0.035
    assert abs(path["bias"]) < 3 * path["sd_est"] / np.sqrt(reps)
    assert path["mean_se"] == pytest.approx(path["sd_est"], rel=0.1)
    # a parameter whose population value is 0: its rejection rate is the type I error rate
    null = table[(table["lhs"] == "x1") & (table["rhs"] == "y1")].iloc[0]
    assert null["pop_value"] == pytest.approx(0.0, abs=1e-8)
    assert abs(null["power"] - 0.05) < 3 * np.sqrt(0.05 * 0.95 / reps)
    assert np.isnan(null["rel_bias"])
    assert table.attrs["fits_per_second"] > 0
    assert table.attrs["population_fmin"] == pytest.approx(0.0, abs=1e-10)


def test_table_columns_rows_and_min_n():
    table = rq.power(mediation(), n=[60, 300], reps=40, seed=5, n_jobs=1)
    assert list(table.columns[:8]) == ["n", "lhs", "op", "rhs", "power", "bias", "coverage",
                                       "converged"]
    assert {"pop_value", "mean_est", "mean_se", "rel_bias", "sd_est", "power_analytic",
            "improper", "path"} <= set(table.columns)
    npar = rq.build_partable(MEDIATION).npar
    per_n = table[table["n"] == 60]
    assert len(per_n) == npar + 1                       # + the specific indirect effect
    ind = per_n[per_n["op"] == "indirect"].iloc[0]
    assert (ind["lhs"], ind["rhs"], ind["path"]) == ("X", "Y", "X -> M -> Y")
    # the population values are those of the marker-scaled analysis model: 0.4 * sd ratios
    b_mx = per_n.query("lhs == 'M' and op == '~' and rhs == 'X'")["pop_value"].iat[0]
    b_ym = per_n.query("lhs == 'Y' and op == '~' and rhs == 'M'")["pop_value"].iat[0]
    assert b_mx == pytest.approx(0.4, abs=1e-7) and b_ym == pytest.approx(0.35, abs=1e-7)
    assert ind["pop_value"] == pytest.approx(0.14, abs=1e-7)
    # min_n: hypothesised paths from the spec; overall = n at which both reach 0.8
    assert table.attrs["hypothesised"] == ["M ~ X", "Y ~ M"]
    min_n = table.attrs["min_n"]
    assert min_n["M ~ X"] in (60, 300) and min_n["overall"] == max(min_n["M ~ X"], min_n["Y ~ M"])
    assert min_n["Y ~ X"] is None                       # power for .1 at n = 300 is about .2
    helper = rq.smallest_n(table, target=0.8)
    assert helper.attrs["overall"] == min_n["overall"]
    assert table.attrs["model_test"][300] <= 0.2        # the chi-square test rejects rarely


def test_replicate_uses_the_documented_seed_and_matches_rq_fit():
    """Replicate r at size n is rq.simulate(population, n, SeedSequence(seed, spawn_key=(n, r)));
    its refit (warm start, gradient 1e-7) agrees with rq.fit on that data."""
    spec = mediation()
    for likert, rate in ((None, 0.0), (5, 0.1)):
        job = PowerJob(spec, spec.population, 11, "ML", "listwise", likert, rate)
        data = replicate_data(spec, 150, 7, seed=11, likert=likert, missing_rate=rate)
        expected = rq.simulate(MEDIATION_POP, 150,
                               seed=np.random.SeedSequence(11, spawn_key=(150, 7)),
                               likert=likert, missing_rate=rate)
        pd.testing.assert_frame_equal(data, expected)
        assert np.array_equal(job.draw(150, 7), data[job.ov].to_numpy(float), equal_nan=True)
    table = rq.power(spec, n=[150], reps=8, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(MEDIATION, replicate_data(spec, 150, 7, seed=11))
    assert res.converged
    job = PowerJob(spec, spec.population, 11, "ML", "listwise", None, 0.0)
    row = job.replicate(150, 7)
    est = res.estimates()
    free = est[est["op"].isin(["=~", "~", "~~"]) & (est["se"] > 0)]
    np.testing.assert_allclose(row[: len(free)], free["est"].to_numpy(), atol=2e-6)
    np.testing.assert_allclose(row[job.width: job.width + len(free)], free["se"].to_numpy(),
                               rtol=1e-4)
    assert len(table) == job.width


def test_fiml_replicate_matches_rq_fit_with_fiml_on_its_data():
    """A replicate with missing cells fitted by FIML (one by one, from the population values)
    gives what rq.fit(missing="fiml") gives on the same rows (observed-information SEs)."""
    spec = mediation()
    data = replicate_data(spec, 150, 4, seed=5, missing_rate=0.08)
    assert data.isna().to_numpy().any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(MEDIATION, data, missing="fiml")
    job = PowerJob(spec, spec.population, 5, "ML", "fiml", None, 0.08)
    row = job.replicate(150, 4)
    est = res.estimates()
    free = est[(est["se"] > 0) & ~est["op"].isin(["==", ":="])]
    assert len(free) == res.problem.partable.npar
    np.testing.assert_allclose(row[: len(free)], free["est"].to_numpy(), atol=2e-6)
    np.testing.assert_allclose(row[job.width: job.width + len(free)], free["se"].to_numpy(),
                               rtol=1e-4)
    table = rq.power(spec, n=[150], reps=6, seed=5, missing_rate=0.08, missing="fiml")
    assert (table["converged"] == 1).all()


def test_sample_sizes_do_not_change_each_others_replicates():
    one = rq.power(mediation(), n=[200], reps=10, seed=3, n_jobs=1)
    two = rq.power(mediation(), n=[80, 200], reps=10, seed=3, n_jobs=1)
    pd.testing.assert_frame_equal(one.reset_index(drop=True),
                                  two[two["n"] == 200].reset_index(drop=True), check_exact=True)


# ---------------------------------------------------------------------------- backends
def test_same_seed_same_table_on_one_and_two_processes_and_dask():
    distributed = pytest.importorskip("distributed")
    options = dict(n=[100, 160], reps=30, seed=42, likert=5, missing_rate=0.03)
    one = rq.power(mediation(), n_jobs=1, **options)
    two = rq.power(mediation(), n_jobs=2, **options)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        dask = rq.power(mediation(), backend="dask", client=client, **options)
        by_address = rq.power(mediation(), backend="dask", client=cluster.scheduler_address,
                              **{**options, "n": [100]})
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    pd.testing.assert_frame_equal(one, dask, check_exact=True)
    pd.testing.assert_frame_equal(by_address, one[one["n"] == 100], check_exact=True)
    assert one.attrs["min_n"] == dask.attrs["min_n"]
    assert one.attrs["model_test"] == dask.attrs["model_test"]
    assert dask.attrs["backend"] == "dask"


def test_dask_backend_without_dask_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"relqual\[dask\]"):
        rq.power(mediation(), n=[100], reps=2, seed=1, backend="dask")


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, message", [
    (dict(n=[5, 100]), "exceed the number of observed variables"),
    (dict(n=[100], reps=0), "reps must be"),
    (dict(n=[100], reps=2.5), "reps must be"),
    (dict(n=[100], backend="spark"), "unknown backend"),
    (dict(n=[100], alpha=1.5), "alpha"),
    (dict(n=[100, 100]), "twice"),
    (dict(n=[]), "at least one"),
    (dict(n=[100], missing_rate=1.2), "missing_rate"),
    (dict(n=[100], seed=-1), "seed"),
])
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rq.power(mediation(), **{"reps": 2, "seed": 1, **kwargs})


def test_model_without_population_values():
    with pytest.raises(ValueError, match="no population values"):
        rq.power(MEDIATION, n=[100], reps=2, seed=1)
    with pytest.raises(ValueError, match="no population values"):
        rq.power(ModelSpec(name="plain", syntax=MEDIATION), n=[100], reps=2, seed=1)
    # population= gives them; a population that lacks an analysis variable is refused
    table = rq.power(MEDIATION, n=[100], reps=2, seed=1, population=MEDIATION_POP)
    assert len(table) > 0
    with pytest.raises(ValueError, match="does not generate"):
        rq.power(MEDIATION + "\nY =~ z9", n=[100], reps=2, seed=1, population=MEDIATION_POP)
    with pytest.raises(NotImplementedError, match="estimator"):
        rq.power(mediation(), n=[100], reps=2, seed=1, estimator="WLSMV")


def test_smallest_n_rules():
    table = pd.DataFrame({
        "n": [100, 200, 300] * 2, "lhs": ["Y"] * 6, "op": ["~"] * 6,
        "rhs": ["A"] * 3 + ["B"] * 3, "pop_value": [0.3] * 6,
        "power": [0.85, 0.79, 0.9, 0.5, 0.81, 0.95]})
    out = smallest_n(table, target=0.8)
    # A dips below the target at 200, so its smallest n is 300 (power must stay >= target)
    assert out.set_index("rhs")["min_n"].to_dict() == {"A": 300, "B": 200}
    assert out.attrs["overall"] == 300
    assert smallest_n(table, target=0.99).attrs["overall"] is None
    with pytest.raises(ValueError, match="target"):
        smallest_n(table, target=80)


# ---------------------------------------------------------------------------- RMSEA vs semTools
@pytest.fixture(scope="module")
def rmsea_reference():
    return json.loads((REFERENCE / "power_rmsea.json").read_text())


def test_power_rmsea_matches_semtools(rmsea_reference):
    cases = rmsea_reference["power"]
    assert len(cases) >= 700
    for case in cases:
        got = rq.power_rmsea(case["rmsea0"], case["rmsea_a"], df=case["df"], n=case["n"],
                             alpha=case["alpha"], group=case["group"])
        assert got == pytest.approx(case["power"], abs=1e-6), case
    # vectorised over n
    ns = np.array([100, 200, 400])
    many = rq.power_rmsea(0.05, 0.08, df=20, n=ns)
    assert many.shape == (3,) and np.all(np.diff(many) > 0)


def test_sample_size_rmsea_matches_semtools(rmsea_reference):
    cases = rmsea_reference["sample_size"]
    for case in cases:
        got = rq.sample_size_rmsea(case["rmsea0"], case["rmsea_a"], df=case["df"],
                                   power=case["power"], alpha=case["alpha"], group=case["group"])
        if isinstance(case["n"], str):                  # semTools: "Sample Size <= 5"
            assert got == 5 / case["group"]
        else:                                           # n per group: exact total n
            assert round(got * case["group"]) == round(case["n"] * case["group"]), case


def test_rmsea_bad_input():
    with pytest.raises(ValueError, match="df"):
        rq.power_rmsea(0.05, 0.08, df=0, n=100)
    with pytest.raises(ValueError, match="equal"):
        rq.sample_size_rmsea(0.05, 0.05, df=10)
    with pytest.raises(ValueError, match="power"):
        rq.sample_size_rmsea(0.05, 0.08, df=10, power=80)


# ---------------------------------------------------------------------------- command line
def test_cli_power(tmp_path, capsys):
    from relqual.cli import main
    model = tmp_path / "mediation.toml"
    model.write_text(f'name = "mediation"\nsyntax = """\n{MEDIATION}\n"""\n'
                     f'population = """\n{MEDIATION_POP}"""\n', encoding="utf-8")
    out = tmp_path / "power.csv"
    code = main(["power", str(model), "--n", "100", "200", "--reps", "20", "--seed", "1",
                 "--out", str(out), "--no-progress"])
    assert code == 0
    text = capsys.readouterr().out
    assert "fits per second" in text and "X -> M -> Y" in text
    table = pd.read_csv(out)
    direct = rq.power(str(model), n=[100, 200], reps=20, seed=1)
    np.testing.assert_allclose(table["power"], direct["power"])
    assert main(["power", str(model), "--n", "100", "--reps", "0"]) == 2


def test_smallest_n_without_any_nonzero_population_value_is_an_empty_table():
    table = pd.DataFrame({"n": [100, 200], "lhs": "Y", "op": "~", "rhs": "X",
                          "pop_value": [0.0, 0.0], "power": [0.05, 0.06]})
    found = rq.smallest_n(table, target=0.8)
    assert found.empty and found.attrs["overall"] is None
    assert list(found.columns) == ["lhs", "op", "rhs", "path", "pop_value", "power_max_n",
                                   "min_n"]
