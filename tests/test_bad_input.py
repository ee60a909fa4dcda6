"""Bad input gets a clear error (or a loud warning) naming what is wrong;
data are never modified."""

import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import HS_MODEL


def test_unknown_variable_names_it_the_line_and_a_suggestion(hs):
    with pytest.raises(rq.DataError) as info:
        rq.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x66", hs)
    message = str(info.value)
    assert "'x66'" in message and "line 2" in message and "'x6'" in message


def test_non_numeric_column_names_column_and_row(hs):
    data = hs.copy()
    data["x5"] = data["x5"].astype(object)
    data.loc[7, "x5"] = "n/a"
    with pytest.raises(rq.DataError, match=r"column 'x5' is not numeric: row 7 holds 'n/a'"):
        rq.fit(HS_MODEL, data)


def test_column_without_variance(hs):
    data = hs.copy()
    data["x3"] = 2.0
    with pytest.raises(rq.DataError, match="column 'x3' has no variance"):
        rq.fit(HS_MODEL, data)


def test_too_few_rows(hs):
    with pytest.raises(rq.DataError, match="5 complete rows for 9 observed variables"):
        rq.fit(HS_MODEL, hs.head(5))


def test_infinite_value_is_named(hs):
    data = hs.copy()
    data.loc[3, "x2"] = np.inf
    with pytest.raises(rq.DataError, match="column 'x2' has an infinite value in row 3"):
        rq.fit(HS_MODEL, data)


def test_listwise_deletion_says_how_many_rows_and_never_modifies_data(hs):
    data = hs.copy()
    data.loc[[0, 5, 9], "x1"] = np.nan
    data.loc[[5, 20], "x9"] = np.nan
    before = data.copy()
    with pytest.warns(rq.RelqualWarning, match="4 of 301 rows dropped"):
        res = rq.fit(HS_MODEL, data)
    assert res.n_obs == 297
    assert any("x1: 3" in w and "x9: 2" in w for w in res.warnings)
    pd.testing.assert_frame_equal(data, before)


def test_more_parameters_than_moments_is_refused(hs):
    with pytest.raises(rq.ModelSyntaxError, match="df = -1 < 0"):
        rq.fit("f =~ x1 + x2", hs)


def test_latent_without_scale_is_refused(hs):
    with pytest.raises(rq.ModelSyntaxError, match="'visual' has no scale"):
        rq.fit("visual =~ NA*x1 + x2 + x3\ntextual =~ x4 + x5 + x6", hs)


def test_unidentified_model_names_parameters(hs, quiet):
    # two 2-indicator factors forced uncorrelated: each factor is under-identified
    res = rq.fit("f1 =~ x1 + x2\nf2 =~ x4 + x5\nf1 ~~ 0*f2", hs)
    message = " ".join(res.warnings)
    assert "not identified" in message
    assert "f1 =~ x2" in message and "f2 =~ x5" in message
    assert res.estimates()["se"].isna().any()


def test_non_convergence_is_reported(hs):
    with pytest.warns(rq.RelqualWarning, match="did not converge"):
        res = rq.fit(HS_MODEL, hs, control=dict(max_iter=3, gtol=1e-300))   # unreachable
    assert not res.converged
    assert "did not converge" in res.summary()


def heywood_data(n=400, seed=3):
    corr = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]])
    values = np.random.default_rng(seed).multivariate_normal(np.zeros(3), corr, size=n)
    return pd.DataFrame(values, columns=["y1", "y2", "y3"])


def test_negative_variance_is_an_improper_solution():
    with pytest.warns(rq.RelqualWarning, match="negative residual variance of 'y1'"):
        res = rq.fit("f =~ y2 + y1 + y3", heywood_data())
    row = res.estimates().query("lhs == 'y1' and op == '~~' and rhs == 'y1'")
    assert row["est"].iloc[0] < 0
    assert any("Heywood" in w for w in res.warnings)


def test_latent_correlation_beyond_one_is_reported():
    # items correlate more across the two factors (.4) than within them (.3): r(A, B) = 4/3
    corr = np.full((6, 6), 0.4)
    corr[:3, :3] = corr[3:, 3:] = 0.3
    np.fill_diagonal(corr, 1.0)
    values = np.random.default_rng(5).multivariate_normal(np.zeros(6), corr, size=2000)
    data = pd.DataFrame(values, columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    with pytest.warns(rq.RelqualWarning, match="not positive definite"):
        res = rq.fit("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3", data)
    r_ab = res.estimates().query("lhs == 'A' and op == '~~' and rhs == 'B'")["std_all"].iloc[0]
    assert r_ab > 1
    assert any("improper" in w for w in res.warnings)


def test_bad_model_argument_types(hs):
    with pytest.raises(TypeError, match="model must be"):
        rq.fit(42, hs)
    with pytest.raises(ValueError, match="neither model syntax"):
        rq.fit("no_such_model", hs)


def test_unavailable_options_say_so(hs):
    with pytest.raises(NotImplementedError, match="WLSMV"):
        rq.fit(HS_MODEL, hs, estimator="WLSMV")
    with pytest.raises(ValueError, match="unknown estimator"):
        rq.fit(HS_MODEL, hs, estimator="XYZ")
    with pytest.raises(ValueError, match="missing='pairwise'.*for ordered items"):
        rq.fit(HS_MODEL, hs, missing="pairwise")
    with pytest.raises(ValueError, match="unknown missing='available'"):
        rq.fit(HS_MODEL, hs, missing="available")


# ----------------------------------------------------------------------------- the promise table
# One row per awkward input: what is given, and the message fragment (regex) the user must see.
# ``kind`` is the exception type, or RelqualWarning / UserWarning for a loud warning with a
# usable result. A regression shows which promise broke by its id. Keep it growing.

HS = rq.datasets.load("holzinger_swineford")
RQ_DATA = rq.datasets.load("relationship_quality")
VISUAL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6"


def _with(frame, **columns):
    out = frame.copy()
    for name, value in columns.items():
        out[name] = value(out) if callable(value) else value
    return out


def _codes_99(frame):
    out = frame.copy()
    out.loc[[2, 11, 40], "sat1"] = 99
    return out


def _likert_99(frame):
    out = frame.copy()
    rng = np.random.default_rng(3)
    out["sat"] = rng.integers(1, 6, len(out)).astype(float)
    out.loc[[5, 9], "sat"] = 99
    return out


PROMISES = [
    # options that name parameters or groups are validated, never ignored
    ("group_partial typo", lambda: rq.fit(VISUAL, HS, group="school", group_equal="loadings",
                                          group_partial="visaul=~x2"),
     ValueError, r"'visaul=~x2' names no parameter.*did you mean 'visual=~x2'"),
    ("group_partial naming nothing", lambda: rq.fit(VISUAL, HS, group="school",
                                                    group_equal="loadings",
                                                    group_partial="x9 ~ 1"),
     ValueError, r"'x9 ~ 1' names no parameter"),
    ("group_partial without group_equal", lambda: rq.fit(VISUAL, HS, group="school",
                                                         group_partial="visual=~x2"),
     ValueError, r"group_equal is empty"),
    ("group_partial that frees nothing", lambda: rq.fit(VISUAL, HS, group="school",
                                                        group_equal="loadings",
                                                        group_partial="x1 ~~ x1"),
     UserWarning, r"'x1 ~~ x1' has no effect"),
    ("invariance group_partial typo", lambda: rq.invariance(VISUAL, HS, group="school",
                                                            group_partial="visaul=~x2"),
     ValueError, r"did you mean 'visual=~x2'"),
    ("group_partial without group", lambda: rq.fit(VISUAL, HS, group_partial="visual=~x2"),
     ValueError, r"group_partial needs group="),
    ("unknown group column", lambda: rq.fit(VISUAL, HS, group="shcool"),
     rq.DataError, r"'shcool' is not a column.*did you mean 'school'"),
    # estimator choices as lavaan makes them
    ("ordered with explicit ML", lambda: rq.fit(VISUAL, HS, estimator="ML", ordered=True),
     ValueError, r"need estimator='WLSMV'.*not 'ML'"),
    ("ordered with explicit MLR", lambda: rq.fit(VISUAL, HS, estimator="MLR", ordered=["x1"]),
     ValueError, r"need estimator='WLSMV'.*not 'MLR'"),
    # every public argument is type-checked with a message naming it
    ("bootstrap not whole", lambda: rq.fit(VISUAL, HS, se="bootstrap", bootstrap=2.5),
     TypeError, r"bootstrap must be a whole number"),
    ("seed text", lambda: rq.fit(VISUAL, HS, seed="abc"), TypeError, r"seed must be"),
    ("seed negative", lambda: rq.fit(VISUAL, HS, seed=-1), ValueError, r"seed must be a non-neg"),
    ("n_jobs text", lambda: rq.fit(VISUAL, HS, n_jobs="2"), TypeError, r"n_jobs must be"),
    ("std_lv text", lambda: rq.fit(VISUAL, HS, std_lv="yes"), TypeError, r"std_lv must be"),
    ("estimator not text", lambda: rq.fit(VISUAL, HS, estimator=1), TypeError,
     r"estimator must be a string"),
    ("control not a dict", lambda: rq.fit(VISUAL, HS, control=5), TypeError,
     r"control must be a dict"),
    ("control max_iter zero", lambda: rq.fit(VISUAL, HS, control={"max_iter": 0}), ValueError,
     r"max_iter'\] must be a whole number of at least 1"),
    ("bootstrap draws text", lambda: rq.fit(VISUAL, HS).bootstrap("10"), TypeError,
     r"bootstrap must be a whole number"),
    ("indirect n text", lambda: rq.fit(VISUAL, HS).effects(ci="montecarlo", n="5"), TypeError,
     r"n must be a whole number"),
    ("simulate seed text", lambda: rq.simulate("relationship_quality", 50, seed="x"),
     TypeError, r"seed must be"),
    # messages that name the real cause
    ("continuous grouping column", lambda: rq.fit(VISUAL, HS, group="x4"), rq.DataError,
     r"group column 'x4' looks continuous \(\d+ distinct values such as [\d.]+"),
    ("tiny group", lambda: rq.fit(VISUAL, _with(HS, g=["a"] * 299 + ["b"] * 2), group="g"),
     rq.DataError, r"only 2 complete rows in group 'b' for 6 observed variables.*merge"),
    ("numeric group label shown plainly",
     lambda: rq.fit(VISUAL, _with(HS, g=[1.0] * 299 + [2.0] * 2), group="g"),
     rq.DataError, r"in group 2\.0 for"),
    ("variances 10,000 times apart", lambda: rq.fit(VISUAL, _with(HS, x3=lambda d: d.x3 * 1e4)),
     rq.RelqualWarning, r"observed variances differ by a factor of [\d,]+ \(largest: 'x3'"),
    ("collinear items named", lambda: rq.fit(VISUAL, _with(HS, x3=lambda d: d.x1 + d.x2)),
     rq.DataError, r"singular.*involving .*x3"),
    ("undeclared missing code in a library item",
     lambda: rq.fit("relationship_quality", _codes_99(RQ_DATA)),
     rq.RelqualWarning, r"'sat1' has 3 answer\(s\) outside its 1-5 scale \(99\)"),
    ("undeclared missing code in a user item",
     lambda: rq.fit("visual =~ x1 + x2 + x3 + sat", _likert_99(HS)),
     rq.RelqualWarning, r"'sat' has 2 value\(s\) 99 far outside its other answers \(1 to 5\)"),
    # non-convergence is said where the numbers are
    ("iteration limit honoured", lambda: rq.fit(HS_MODEL, HS, control={"max_iter": 1}),
     rq.RelqualWarning, r"did not converge"),
    # a report describes the data that was fitted
    ("report with other data", lambda: rq.fit(VISUAL, HS).report("unused.html",
                                                                data=HS.head(50)),
     ValueError, r"data= is not the data this model was fitted to"),
]


@pytest.mark.parametrize("call, kind, message", [p[1:] for p in PROMISES],
                         ids=[p[0] for p in PROMISES])
def test_promise(call, kind, message, quiet_other_warnings):
    if issubclass(kind, Warning):
        with pytest.warns(kind, match=message):
            call()
    else:
        with pytest.raises(kind, match=message):
            call()


@pytest.fixture
def quiet_other_warnings():
    import warnings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*rows dropped.*")
        yield


def test_non_converged_fit_is_marked_in_tables_and_summary():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("relationship_quality", RQ_DATA, control={"max_iter": 1})
    assert not res.converged
    for table in res.tables():
        assert "NOT CONVERGED" in table.title and "did not converge" in table.note
    fit = res.tables()[0]
    assert "Good" not in fit.to_markdown() and "Poor" not in fit.to_markdown()
    assert "did NOT converge" in res.summary()
    import matplotlib
    matplotlib.use("Agg")
    figure = res.plot()
    texts = {t.get_gid(): t.get_text() for ax in figure.axes for t in ax.texts if t.get_gid()}
    assert texts["title"].startswith("NOT CONVERGED") and "did not converge" in texts["note"]


def test_a_result_cannot_be_changed_through_what_it_returns(hs):
    res = rq.fit(VISUAL, hs, estimator="MLR")
    before = res.estimates()
    res.warnings.append("x")
    with pytest.raises(TypeError):
        res.call["estimator"] = "ML"
    with pytest.raises(ValueError):
        res.x[0] = 99.0
    with pytest.raises(ValueError):
        res.vcov_matrix[0, 0] = 99.0
    with pytest.raises(AttributeError):
        res.x = None
    measures, estimates = res.fit_measures(), res.estimates()
    measures["chisq"] = -1
    estimates.loc[0, "est"] = -1
    boot = res.bootstrap(5, seed=1)
    with pytest.raises(ValueError):
        boot.values[0, 0] = 1.0
    assert "x" not in res.warnings
    pd.testing.assert_frame_equal(res.estimates(), before)
    assert res.fit_measures()["chisq"] > 0
