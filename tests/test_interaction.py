"""Interaction terms (issue 14): product indicators against lavaan 0.6-14 + semTools 0.5-6
(tests/reference/interaction_reference.R -> interaction.json) and modsem's published numbers
(../shared/reference/moderation/README.md), probing (simple slopes, Johnson-Neyman), plots and
bad input."""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import relqual as rq
from relqual.interaction import interaction_terms
from relqual.syntax import ModelSyntaxError, parse

HERE = Path(__file__).parent / "reference"
REF = json.loads((HERE / "interaction.json").read_text())
ONEINT_MODEL = "X =~ x1 + x2 + x3\nZ =~ z1 + z2 + z3\nY =~ y1 + y2 + y3\nY ~ X + Z + X:Z"


@pytest.fixture(scope="module")
def oneint():
    return pd.read_csv(HERE / "oneInt.csv")


@pytest.fixture(scope="module")
def oneint_fit(oneint):
    return rq.fit(ONEINT_MODEL, oneint, interaction="dblcent")


def _data(name):
    if name == "oneInt":
        return pd.read_csv(HERE / "oneInt.csv")
    return rq.datasets.load(name)


def _fit(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(case["model"], _data(case["data"]), interaction=case["method"],
                      interaction_pairs=case["pairs"])


# ------------------------------------------------------------------------------ syntax
def test_interaction_terms_are_parsed_in_regressions():
    statements = parse("y ~ x + z + b*x:z + x:x")
    assert [(s.lhs, s.op, s.rhs) for s in statements][2:] == [("y", "~", "x:z"), ("y", "~", "x:x")]
    assert statements[2].modifiers[0].label == "b"
    assert interaction_terms("y ~ x + z + x:z; w ~ y + x:z") == ["x:z"]
    with pytest.raises(ModelSyntaxError, match="not a valid interaction term"):
        parse("y ~ x + x::z")


# ------------------------------------------------------------------------------ lavaan
@pytest.mark.parametrize("name", sorted(REF["cases"]))
def test_product_indicators_match_lavaan_and_semtools(name):
    case = REF["cases"][name]
    res = _fit(case)
    names = case["names"] or {}
    est = res.estimates()
    mine = {(r.lhs, r.op, r.rhs): (r.est, r.se) for r in est.itertuples()}
    ref = pd.DataFrame(case["estimates"])
    assert len(ref) == len(est)
    for r in ref.itertuples():
        lhs, rhs = names.get(r.lhs, r.lhs), names.get(r.rhs, r.rhs)
        key = (lhs, r.op, rhs) if (lhs, r.op, rhs) in mine else (rhs, r.op, lhs)
        assert mine[key][0] == pytest.approx(r.est, abs=1e-4), key
        if r.se is not None and np.isfinite(r.se) and r.se > 0:
            assert mine[key][1] == pytest.approx(r.se, abs=1e-4), key
    fm = res.fit_measures()
    assert fm["npar"] == case["fit"]["npar"]
    assert fm["logl"] == pytest.approx(case["fit"]["logl"], abs=1e-4)
    assert fm["chisq"] == pytest.approx(case["fit"]["chisq"], abs=1e-4)
    used = res.used_data()
    for product, values in (case.get("products") or {}).items():   # semTools' indProd
        assert used[product].mean() == pytest.approx(values["mean"], abs=1e-10)
        assert used[product].var() == pytest.approx(values["var"], rel=1e-10)
        np.testing.assert_allclose(used[product].to_numpy()[:3], values["first"], atol=1e-10)
    if case.get("slopes"):                                           # probe2WayMC / RC
        s = case["slopes"]
        slopes = res.simple_slopes(s["focal"], moderator=s["moderator"], at=s["values"])
        np.testing.assert_allclose(slopes["est"], s["est"], atol=1e-4)
        np.testing.assert_allclose(slopes["se"], s["se"], atol=1e-4)


def test_interaction_row_is_named_as_written_and_the_call_says_how(oneint_fit):
    est = oneint_fit.estimates()
    row = est[(est.lhs == "Y") & (est.op == "~") & (est.rhs == "X:Z")]
    assert len(row) == 1
    assert oneint_fit.call["interaction"] == "dblcent"
    assert oneint_fit.call["interaction_pairs"] == "all"
    assert oneint_fit.spec.syntax == ONEINT_MODEL          # the user's model is kept
    info = oneint_fit.spec.extra["interaction"]
    assert info["terms"][0]["products"][:2] == ["x1:z1", "x1:z2"]
    assert "X:Z =~ x1:z1" in info["syntax"]


# ------------------------------------------------------------------------------ modsem
def test_oneint_double_mean_centering_matches_modsem(oneint_fit):
    fm = oneint_fit.fit_measures()
    assert fm["npar"] == 60 and fm["df"] == 111
    assert fm["logl"] == pytest.approx(-26807.61, abs=0.05)
    assert fm["chisq"] == pytest.approx(122.924, abs=2e-3)
    assert fm["rmsea"] == pytest.approx(.007, abs=1e-3)
    assert fm["srmr"] == pytest.approx(.008, abs=1e-3)
    est = oneint_fit.estimates().set_index(["lhs", "op", "rhs"])
    for key, value, se in [(("Y", "~", "X"), .675, .027), (("Y", "~", "Z"), .561, .026),
                           (("Y", "~", "X:Z"), .702, .027)]:
        assert est.loc[key, "est"] == pytest.approx(value, abs=2e-3)
        assert est.loc[key, "se"] == pytest.approx(se, abs=2e-3)
    for name, value in [("X", .981), ("Z", 1.016), ("X:Z", 1.045), ("Y", .990)]:
        assert est.loc[(name, "~~", name), "est"] == pytest.approx(value, abs=2e-3)
    assert oneint_fit.r2()["Y"] == pytest.approx(.602, abs=2e-3)
    slopes = oneint_fit.simple_slopes("X", moderator="Z")
    assert list(slopes.columns) == ["moderator_value", "est", "se", "z", "pvalue", "ci_lower",
                                    "ci_upper"]
    assert slopes["moderator_value"].tolist() == pytest.approx(
        [-np.sqrt(1.016), 0, np.sqrt(1.016)], abs=2e-3)
    np.testing.assert_allclose(slopes["est"], [-0.033, 0.675, 1.382], atol=2e-3)
    np.testing.assert_allclose(slopes["se"], [.038, .027, .038], atol=2e-3)


def test_oneint_matched_pairs_match_modsem(oneint):
    res = rq.fit("X =~ x1 + x2\nZ =~ z1 + z2\nY =~ y1 + y2\nY ~ X + Z + X:Z", oneint,
                 interaction_pairs="matched")
    fm = res.fit_measures()
    assert fm["npar"] == 22 and fm["df"] == 14
    assert fm["logl"] == pytest.approx(-18300.82, abs=0.05)
    assert fm["chisq"] == pytest.approx(11.355, abs=2e-3)
    est = res.estimates().set_index(["lhs", "op", "rhs"])
    for rhs, value, se in [("X", .688, .029), ("Z", .576, .029), ("X:Z", .706, .032)]:
        assert est.loc[("Y", "~", rhs), "est"] == pytest.approx(value, abs=2e-3)
        assert est.loc[("Y", "~", rhs), "se"] == pytest.approx(se, abs=2e-3)


def test_observed_product_is_a_raw_product_as_lm(oneint):
    est = rq.fit("y1 ~ x1 + z1 + x1:z1", oneint).estimates().query("op == '~'").set_index("rhs")
    for rhs, value, se in [("x1", .055, .034), ("z1", -.066, .035), ("x1:z1", .544, .023)]:
        assert est.loc[rhs, "est"] == pytest.approx(value, abs=2e-3)
        assert est.loc[rhs, "se"] == pytest.approx(se, abs=2e-3)


def test_tpb_with_an_endogenous_focal_factor_matches_modsem():
    model = """ATT =~ att1 + att2 + att3 + att4 + att5
    SN =~ sn1 + sn2
    PBC =~ pbc1 + pbc2 + pbc3
    INT =~ int1 + int2 + int3
    BEH =~ b1 + b2
    INT ~ ATT + SN + PBC
    BEH ~ INT + PBC + INT:PBC"""
    res = rq.fit(model, pd.read_csv(HERE / "TPB.csv"), interaction="dblcent")
    fm = res.fit_measures()
    assert fm["npar"] == 78 and fm["df"] == 222
    assert fm["logl"] == pytest.approx(-34958.88, abs=0.05)
    assert fm["chisq"] == pytest.approx(207.615, abs=2e-3)
    est = res.estimates().set_index(["lhs", "op", "rhs"])
    for rhs, value, se in [("INT", .191, .024), ("PBC", .230, .022), ("INT:PBC", .204, .018)]:
        assert est.loc[("BEH", "~", rhs), "est"] == pytest.approx(value, abs=2e-3)
        assert est.loc[("BEH", "~", rhs), "se"] == pytest.approx(se, abs=2e-3)
    assert res.r2()[["INT", "BEH"]].tolist() == pytest.approx([.367, .278], abs=2e-3)


# ------------------------------------------------------------------------------ probing
@pytest.mark.parametrize("crit", ["normal", "t"])
def test_johnson_neyman_bounds_are_where_the_slope_turns_significant(oneint_fit, crit):
    jn = oneint_fit.johnson_neyman("X", "Z", crit=crit)
    c = (stats.norm.ppf(.975) if crit == "normal"
         else stats.t.ppf(.975, oneint_fit.n_obs - oneint_fit.partable.npar))
    assert jn["critical_value"] == pytest.approx(c)
    at = oneint_fit.simple_slopes("X", moderator="Z", at=[jn["lower"], jn["upper"]])
    np.testing.assert_allclose(np.abs(at["est"] / at["se"]), c, rtol=1e-8)
    inside = oneint_fit.simple_slopes("X", moderator="Z", at=[(jn["lower"] + jn["upper"]) / 2])
    assert jn["significant"] == ("inside" if abs(inside["z"].iloc[0]) > c else "outside")
    assert jn["significant"] == "outside" and jn["lower"] < jn["upper"] < 0


def test_t_critical_value_widens_the_region_of_non_significance(oneint_fit):
    normal = oneint_fit.johnson_neyman("X", "Z")
    t = oneint_fit.johnson_neyman("X", "Z", crit="t")
    assert t["lower"] < normal["lower"] and t["upper"] > normal["upper"]


def test_observed_moderator_slopes_use_its_sample_mean_and_sd():
    hs = rq.datasets.load("holzinger_swineford")
    res = rq.fit("x9 ~ x7 + x8 + x7:x8", hs)
    slopes = res.simple_slopes("x7", moderator="x8")
    mean, sd = hs["x8"].mean(), hs["x8"].std(ddof=0)
    assert slopes["moderator_value"].tolist() == pytest.approx([mean - sd, mean, mean + sd])
    est = res.estimates().query("op == '~'").set_index("rhs")
    assert slopes["est"].iloc[1] == pytest.approx(est.loc["x7", "est"]
                                                   + est.loc["x7:x8", "est"] * mean)
    lm = np.linalg.lstsq(np.column_stack([np.ones(len(hs)), hs.x7, hs.x8, hs.x7 * hs.x8]),
                         hs.x9, rcond=None)[0]
    assert est.loc["x7:x8", "est"] == pytest.approx(lm[3], abs=1e-6)   # OLS
    jn = res.johnson_neyman("x7", "x8")
    assert jn["significant"] == "inside" and jn["lower"] < mean < jn["upper"]


def test_quadratic_term_slope_is_the_derivative(oneint):
    res = rq.fit("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X + X:X", oneint)
    est = res.estimates().set_index(["lhs", "op", "rhs"])
    b, b2 = est.loc[("Y", "~", "X"), "est"], est.loc[("Y", "~", "X:X"), "est"]
    slopes = res.simple_slopes("X", moderator="X", at=[-1.0, 0.0, 1.0])
    assert slopes["est"].tolist() == pytest.approx([b - 2 * b2, b, b + 2 * b2])


def test_mixed_latent_by_observed_centres_the_observed_moderator(oneint):
    res = rq.fit("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X + z1 + X:z1", oneint)
    est = res.estimates().set_index(["lhs", "op", "rhs"])
    assert ("X", "~~", "z1") in est.index and ("X:z1", "~~", "z1") in est.index
    mean = oneint["z1"].mean()
    slope = res.simple_slopes("X", moderator="z1", at=[mean])
    assert slope["est"].iloc[0] == pytest.approx(est.loc[("Y", "~", "X"), "est"])


def test_plots_draw_and_save(oneint_fit, tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    ax = oneint_fit.plot_interaction(path=tmp_path / "slopes.png")
    assert len(ax.get_lines()) == 3 and (tmp_path / "slopes.png").stat().st_size > 0
    ax = oneint_fit.plot_johnson_neyman(path=tmp_path / "jn.png")
    assert ax.get_xlabel() == "Z" and "significant outside" in ax.get_title()
    import matplotlib.pyplot as plt
    plt.close("all")


def test_bootstrap_refits_the_product_indicator_model(oneint):
    res = rq.fit(ONEINT_MODEL, oneint, se="bootstrap", bootstrap=20, seed=1,
                 interaction="dblcent")
    slopes = res.simple_slopes("X", moderator="Z")
    assert slopes["se"].between(0.01, 0.1).all()


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("change, error, match", [
    (dict(ordered=True), NotImplementedError, "'X:Z' cannot be estimated with estimator='WLSMV'"),
    (dict(estimator="PLSc"), NotImplementedError,
     "'X:Z' in PLS is estimated with interaction='two_stage' and estimator='PLS'"),
    (dict(model=ONEINT_MODEL.replace("X:Z", "X:W")), ModelSyntaxError,
     "'X:W': 'W' is neither a latent variable"),
    (dict(model="X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X + w + X:w", w=True), rq.DataError,
     "interaction term 'X:w': column 'w' is not numeric: row 0 holds 'low'"),
    (dict(model=ONEINT_MODEL + " + X:Z:y1"), NotImplementedError, "three-way"),
    (dict(model=ONEINT_MODEL + " + X:Z:Y", interaction="lms"), NotImplementedError,
     "interaction term 'X:Z:Y': LMS estimates two-way terms"),
    (dict(estimator="MLR", interaction="lms"), NotImplementedError,
     "'X:Z' with interaction='lms' is estimated by ML on complete rows"),
    (dict(interaction="ca"), NotImplementedError,
     "not available yet for 'X:Z': it fixes .* nonlinear functions"),
    (dict(interaction="foo"), ValueError, "unknown interaction method 'foo' for 'X:Z'"),
    (dict(interaction_pairs="some"), ValueError, "interaction_pairs must be 'all' or 'matched'"),
    (dict(model="Y =~ y1 + y2 + y3\nY ~ x1", interaction="dblcent"), ValueError,
     "no interaction term"),
    (dict(model=ONEINT_MODEL + "\nX:Z ~~ X"), ModelSyntaxError, "'X:Z' can only be a predictor"),
    (dict(std_lv=True, interaction="dblcent"), NotImplementedError, "'X:Z' with std_lv=True"),
    (dict(group="g"), NotImplementedError, "'X:Z' in a multigroup fit"),
    (dict(summary=True), NotImplementedError, "'X:Z' needs the data rows"),
])
def test_bad_input_names_the_term(oneint, change, error, match):
    change = dict(change)
    data = oneint.assign(g=[1, 2] * 1000)
    if change.pop("w", False):
        data = data.assign(w=["low", "high"] * 1000)
    if change.pop("summary", False):
        change.update(cov=oneint.cov(), n_obs=2000)
        data = None
    model = change.pop("model", ONEINT_MODEL)
    with pytest.raises(error, match=match):
        rq.fit(model, data, **change)


def test_probing_a_fit_without_the_term_is_refused(oneint_fit):
    with pytest.raises(ValueError, match="no interaction term 'X:Y'"):
        oneint_fit.simple_slopes("X", moderator="Y")
    with pytest.raises(ValueError, match="crit must be 'normal' or 't'"):
        oneint_fit.johnson_neyman("X", "Z", crit="z")
