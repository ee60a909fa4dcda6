"""rq.process (issue 14): PROCESS models by OLS against pyprocessmacro 2.2.0
(tests/reference/process_reference.py -> process.json): coefficients, SEs, R² and conditional
direct effects within 1e-6, conditional indirect effects, the index of moderated mediation and
their bootstrap intervals within Monte Carlo error, Johnson-Neyman bounds against its floodlight
search; and bad input."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq

REF = json.loads((Path(__file__).parent / "reference" / "process.json").read_text())


@pytest.fixture(scope="module")
def frame():
    raw = rq.datasets.load("value_satisfaction_loyalty")
    out = pd.DataFrame({name: raw[[f"{p}{i}" for i in range(1, k + 1)]].mean(axis=1, skipna=False)
                        for name, (p, k) in REF["composites"].items()})
    return out.dropna().reset_index(drop=True)


def _fit(frame, case, boot=5000):
    options = case["options"]
    return rq.process(frame, model=case["model"], covariates=case["covariates"], boot=boot,
                      seed=1, modvals="meansd" if options["spotlight"] == "moments"
                      else "percentiles", hc="HC3" if options.get("cov_type") == "HC3" else None,
                      **case["roles"])


@pytest.fixture(scope="module")
def fits(frame):
    return {name: _fit(frame, case) for name, case in REF["cases"].items()}


def _rows(case, component):
    return [r for r in case["tidy"] if r["component"] == component]


@pytest.mark.parametrize("name", sorted(REF["cases"]))
def test_ols_coefficients_and_model_summary_match_pyprocessmacro(fits, name):
    case, res = REF["cases"][name], fits[name]
    assert res.n_obs == case["n"]
    coef = res.coefficients().set_index(["outcome", "term"])
    rows = _rows(case, "outcome")
    assert len(rows) == len(coef)
    for r in rows:
        term = "intercept" if r["term"] == "Cons" else r["term"].replace("*", ":")
        mine = coef.loc[(r["outcome"], term)]
        for ours, theirs in [("coeff", "estimate"), ("se", "std_error"), ("t", "statistic"),
                             ("pvalue", "p_value"), ("ci_lower", "conf_low"),
                             ("ci_upper", "conf_high")]:
            assert mine[ours] == pytest.approx(r[theirs], abs=1e-6), (term, ours)
    summary = res.model_summary().set_index("outcome")
    for g in case["glance"]:
        mine = summary.loc[g["outcome"]]
        assert mine["r2"] == pytest.approx(g["r_squared"], abs=1e-6)
        assert mine["adj_r2"] == pytest.approx(g["adj_r_squared"], abs=1e-6)
        assert mine["mse"] == pytest.approx(g["mse"], abs=1e-6)
        if g["cov_type"] == "standard":  # with HC errors PROCESS's F is a robust Wald test,
            assert mine["F"] == pytest.approx(g["f_statistic"], abs=1e-6)  # pyprocessmacro's not
        assert (mine["df1"], mine["df2"]) == (g["df_model"], g["df_resid"])


def _moderators(case):
    return [v for v in (case["roles"].get("w"), case["roles"].get("z")) if v]


@pytest.mark.parametrize("name", sorted(REF["cases"]))
def test_direct_and_indirect_effects_match_pyprocessmacro(fits, name):
    case, res = REF["cases"][name], fits[name]
    effects = res.conditional_effects()
    mods = _moderators(case)
    for component, kind in [("direct", "direct" if case["roles"].get("m") else "conditional"),
                            ("indirect", "indirect")]:
        theirs = _rows(case, component)
        ours = effects[effects["effect"] == kind]
        assert len(ours) == len(theirs), component
        for r in theirs:
            match = ours
            if component == "indirect":
                match = match[match["mediator"] == r["term"]]
            for v in mods:
                if r.get(v) is not None:
                    match = match[np.isclose(match[v], r[v], atol=1e-9)]
            assert len(match) == 1, (component, r)
            row = match.iloc[0]
            assert row["est"] == pytest.approx(r["estimate"], abs=1e-6)
            if component == "direct":
                assert row["se"] == pytest.approx(r["std_error"], abs=1e-6)
                assert row["pvalue"] == pytest.approx(r["p_value"], abs=1e-6)
                assert row["ci_lower"] == pytest.approx(r["conf_low"], abs=1e-6)
            else:                       # bootstrap: within Monte Carlo error (5,000 draws)
                se = r["std_error"]
                assert row["se"] == pytest.approx(se, rel=0.06)
                assert row["ci_lower"] == pytest.approx(r["conf_low"], abs=0.15 * se)
                assert row["ci_upper"] == pytest.approx(r["conf_high"], abs=0.15 * se)


@pytest.mark.parametrize("name", sorted(REF["cases"]))
def test_index_of_moderated_mediation_matches_pyprocessmacro(fits, name):
    case, res = REF["cases"][name], fits[name]
    theirs = _rows(case, "index_mm")
    ours = res.index_of_moderated_mediation()
    assert len(ours) == len(theirs)
    for r, (_, row) in zip(theirs, ours.iterrows()):
        assert (row["mediator"], row["moderator"]) == (r["term"], r["moderator"])
        assert row["index"] == pytest.approx(r["estimate"], abs=1e-6)
        assert row["boot_se"] == pytest.approx(r["std_error"], rel=0.06)
        assert row["ci_lower"] == pytest.approx(r["conf_low"], abs=0.15 * r["std_error"])
        assert row["ci_upper"] == pytest.approx(r["conf_high"], abs=0.15 * r["std_error"])


@pytest.mark.parametrize("name", sorted(n for n, c in REF["cases"].items() if "floodlight" in c))
def test_johnson_neyman_bounds_match_the_floodlight_search(fits, name):
    case, res = REF["cases"][name], fits[name]
    jn = res.johnson_neyman()
    assert jn["range"] == tuple(case["floodlight"]["range"])
    theirs = sorted(b for region in case["floodlight"]["regions"] for b in region
                    if case["floodlight"]["range"][0] < b < case["floodlight"]["range"][1])
    assert len(jn["in_range"]) == len(theirs)
    np.testing.assert_allclose(sorted(jn["in_range"]), theirs, atol=1e-5)


def test_moderator_values_are_process_percentiles_or_mean_sd(frame):
    res = rq.process(frame, model=1, x="value", w="fair", y="loy", boot=0)
    sorted_w = np.sort(frame["fair"].to_numpy())
    n = len(sorted_w)
    for p, value in zip((.16, .5, .84), res.modvalues["fair"]):
        pos = p * (n + 1)                          # PROCESS: interpolated at p(n + 1)
        lo = int(np.floor(pos))
        expected = sorted_w[lo - 1] + (pos - lo) * (sorted_w[lo] - sorted_w[lo - 1])
        assert value == pytest.approx(expected)
    meansd = rq.process(frame, model=1, x="value", w="fair", y="loy", modvals="meansd")
    m, s = frame["fair"].mean(), frame["fair"].std()
    assert meansd.modvalues["fair"] == pytest.approx([m - s, m, m + s])


def test_dichotomous_moderator_is_probed_at_its_two_values(frame):
    data = frame.assign(high=(frame["fair"] > 4).astype(int))
    res = rq.process(data, model=7, x="value", m="sat", w="high", y="loy", boot=200, seed=3)
    assert res.modvalues["high"] == [0, 1]
    indirect = res.conditional_effects().query("effect == 'indirect'")
    index = res.index_of_moderated_mediation()["index"].iloc[0]
    assert indirect["est"].diff().iloc[1] == pytest.approx(index)


def test_bootstrap_is_reproducible_and_bc_intervals_differ(frame):
    a = rq.process(frame, model=4, x="value", m="sat", y="loy", boot=500, seed=7)
    b = rq.process(frame, model=4, x="value", m="sat", y="loy", boot=500, seed=7)
    bc = rq.process(frame, model=4, x="value", m="sat", y="loy", boot=500, seed=7, boot_ci="bc")
    pd.testing.assert_frame_equal(a.conditional_effects(), b.conditional_effects())
    lower = [r.conditional_effects()["ci_lower"].iloc[1] for r in (a, bc)]
    assert lower[0] != lower[1]


def test_summary_reads_like_process(fits):
    text = fits["m7"].summary()
    assert text.startswith("relqual PROCESS model 7: X = value, Y = loy, M = sat, W = fair")
    assert "Index of moderated mediation" in text and "Outcome: sat" in text
    assert "Johnson-Neyman" in fits["m1"].summary()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(model=6), ValueError, "PROCESS model 6 is not available"),
    (dict(model=7, w=None), ValueError, "model 7 needs w="),
    (dict(model=4, w="fair"), ValueError, "model 4 has no w"),
    (dict(model=7, w="competition"), rq.DataError, "w 'competition' is not a column"),
    (dict(model=7, w="label"), rq.DataError, "w 'label': column 'label' is not numeric"),
    (dict(model=7, m="value"), ValueError, "a variable has two roles: value"),
    (dict(model=7, boot=2.5), ValueError, "boot must be a whole number"),
    (dict(model=7, modvals="deciles"), ValueError, "modvals must be"),
    (dict(model=7, hc="HC9"), ValueError, "hc must be one of"),
])
def test_bad_input_is_named(frame, kwargs, error, match):
    data = frame.assign(label=["low", "high"] * (len(frame) // 2) + ["low"] * (len(frame) % 2))
    args = dict(x="value", m="sat", w="fair", y="loy", boot=0)
    args.update(kwargs)
    if args["model"] in (1, 2, 3):
        args.pop("m")
    if args.get("w") is None:
        args.pop("w")
    with pytest.raises(error, match=match):
        rq.process(data, **args)


def test_johnson_neyman_needs_a_moderated_direct_effect(fits):
    with pytest.raises(ValueError, match="not moderated in PROCESS model 7"):
        fits["m7"].johnson_neyman()
