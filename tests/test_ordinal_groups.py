"""Multigroup WLSMV with equality constraints, the theta parameterization and the ordinal
invariance sequence, against
lavaan 0.6-14 and semTools 0.5-6 (tests/reference/ordinal.json, made by
tests/reference/ordinal_reference.R).

Tolerances (issue 15): est and se within 1e-4, fit measures (standard and scaled) within 1e-5,
relative above 1; lavaan's NA (e.g. its robust indices when thresholds are equal across groups,
or RFI/NFI when the model has more degrees of freedom than the baseline) must be NaN here too.
"""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.data import DataError
from relqual.ordinal_difftest import satorra_2000

from conftest import (
    HS_MODEL,
    HS_ORDINAL,
    ROOT,
    assert_estimates_match,
    close,
    modindices_at_lavaan,
)

REF = json.loads((ROOT / "tests" / "reference" / "ordinal.json").read_text())
CASES = list(REF["cases"])


_FITS = {}


def fit_case(name):
    if name not in _FITS:
        c = REF["cases"][name]
        o = c["options"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITS[name] = rq.fit(c["model"], pd.read_csv(ROOT / c["data"]), ordered=o["ordered"],
                                 group=o["group"] or None, group_equal=o["group_equal"],
                                 group_partial=o["group_partial"],
                                 parameterization=o["parameterization"])
    return _FITS[name]


@pytest.mark.parametrize("name", CASES)
def test_estimates_and_se_match_lavaan(name):
    assert_estimates_match(fit_case(name), REF["cases"][name], 1e-4)


@pytest.mark.parametrize("name", CASES)
def test_fit_measures_match_lavaan(name):
    res, ref = fit_case(name), REF["cases"][name]
    ours = res.fit_measures()
    compared = 0
    for key, value in ref["fit_measures"].items():
        ours_key = key.replace(".", "_")
        if ours_key not in ours.index or key.startswith(("logl", "unrestricted", "aic", "bic",
                                                         "bic2", "ecvi", "gfi", "agfi", "pgfi",
                                                         "mfi", "cn_", "wrmr", "rmsea.notclose")):
            continue
        if value is None:
            assert np.isnan(ours[ours_key]), key
        else:
            assert close(ours[ours_key], value, 1e-5), (key, ours[ours_key], value)
        compared += 1
    assert compared >= 50


def test_equal_thresholds_free_scales_and_latent_means():
    """lavaan's group.equal = "thresholds": one parameter per threshold across groups, the
    scaling factors and latent means free in group 2 (fixed in group 1)."""
    table = fit_case("hs_mg_thresholds").partable.table
    th = table[table["op"] == "|"]
    assert (th.groupby(["lhs", "rhs"])["free"].nunique() == 1).all()
    assert (th["label"].str.fullmatch(r"\.p\d+\.")).all()
    scales = table[table["op"] == "~*~"]
    assert (scales.loc[scales["group"] == 1, "free"] == 0).all()
    assert (scales.loc[scales["group"] == 2, "free"] > 0).all()
    means = table[(table["op"] == "~1") & table["lhs"].isin(["visual", "textual", "speed"])]
    assert (means.loc[means["group"] == 2, "free"] > 0).all()


def test_partial_threshold_is_free_in_each_group():
    table = fit_case("hs_mg_partial").partable.table
    x3 = table[(table["lhs"] == "x3") & (table["op"] == "|")]
    assert x3.loc[x3["rhs"] == "t2", "free"].nunique() == 2
    assert x3.loc[x3["rhs"] == "t1", "free"].nunique() == 1


@pytest.mark.parametrize("name", list(REF["lrt"]))
def test_scaled_difference_test_matches_lavtestlrt(name):
    lrt = REF["lrt"][name]
    assert "satorra.2000" in lrt["method"]
    out = satorra_2000(fit_case(lrt["models"][0]), fit_case(lrt["models"][1]))
    assert out["delta_df"] == lrt["df_diff"]
    assert close(out["delta_chisq"], lrt["chisq_diff"], 1e-5)
    assert close(out["p_delta"], lrt["pvalue"], 1e-5)


def test_difference_test_of_equal_df_and_of_other_data(hso):
    a = fit_case("hs_mg_th_loadings")
    same = satorra_2000(a, fit_case("hs_mg_th_load_int"))     # same model, df difference 0
    assert same["delta_df"] == 0 and np.isnan(same["p_delta"])
    other = rq.fit(HS_MODEL, hso.iloc[:250], ordered=True, group="school")
    with pytest.raises(ValueError, match="same sample statistics"):
        satorra_2000(other, a)


@pytest.mark.parametrize("name", list(REF["invariance"]))
def test_ordinal_invariance_matches_semtools_wu_estabrook(name):
    inv = REF["invariance"][name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = rq.invariance(inv["model"], pd.read_csv(ROOT / inv["data"]), group=inv["group"],
                              ordered=inv["ordered"])
    assert table["level"].tolist() == ["configural", "thresholds", "metric", "scalar"]
    assert "scaled-shifted" in table.attrs["test"]
    for row, level in zip(table.itertuples(), inv["levels"]):
        fm = level["fit_measures"]
        assert row.level == level["level"] and row.converged
        assert row.npar == fm["npar"] and row.df == fm["df"]
        assert close(row.chisq, fm["chisq.scaled"], 1e-5)
        assert close(row.pvalue, fm["pvalue.scaled"], 1e-5)
        if "cfi.scaled" in fm:
            for ours, key in ((row.cfi, "cfi.scaled"), (row.tli, "tli.scaled"),
                              (row.rmsea, "rmsea.scaled"), (row.srmr, "srmr")):
                assert close(ours, fm[key], 1e-5), key
        assert np.isnan(row.aic) and np.isnan(row.rmsea_d)
        if "chisq_diff" in level:
            assert row.delta_df == level["df_diff"]
            assert close(row.delta_chisq, level["chisq_diff"], 1e-5)
            assert close(row.p_delta, level["pvalue_diff"], 1e-5)


def test_wu_estabrook_binary_items_keep_their_scale():
    """Binary items' scales stay fixed at 1 until the intercepts are equal (Wu & Estabrook
    2016; semTools), items with three or more categories get a free scale in group 2."""
    from dataclasses import replace

    from relqual.models import resolve_model
    from relqual.ordinal import WU_ESTABROOK
    spec = resolve_model("visual =~ b1 + b2 + b3\ntextual =~ c4 + c5 + c6\n"
                         "speed =~ x7 + x8 + x9")
    spec = replace(spec, extra={"ordinal_identification": WU_ESTABROOK})
    data = pd.read_csv(HS_ORDINAL)
    with warnings.catch_warnings():          # the binary items' solution is improper (lavaan too)
        warnings.simplefilter("ignore")
        res = rq.fit(spec, data, ordered=True, group="school", group_equal=["thresholds"])
    t = res.partable.table
    g2 = t[t["group"] == 2]
    scale_free = g2[g2["op"] == "~*~"].set_index("lhs")["free"] > 0
    assert scale_free.to_dict() == {"b1": False, "b2": False, "b3": False, "c4": True,
                                    "c5": True, "c6": True, "x7": True, "x8": True, "x9": True}
    assert (g2[(g2["op"] == "~1") & g2["lhs"].isin(["b1", "c4", "x7"])]["free"] > 0).all()
    assert (g2[(g2["op"] == "~1") & (g2["lhs"] == "visual")]["free"] == 0).all()


def test_ordinal_invariance_bad_arguments(hso):
    with pytest.raises(ValueError, match="strict invariance is not a level for ordered"):
        rq.invariance(HS_MODEL, hso, group="school", ordered=True,
                      levels=["configural", "strict"])
    with pytest.raises(ValueError, match="estimator='WLSMV'"):
        rq.invariance(HS_MODEL, hso, group="school", ordered=True, estimator="MLR")
    with pytest.raises(ValueError, match="group_partial term 'x1\\|t7' names no threshold"):
        rq.fit(HS_MODEL, hso, ordered=True, group="school", group_equal=["thresholds"],
               group_partial=["x1 | t7"])
    with pytest.warns(UserWarning, match="'x1\\|t1' has no effect"):
        rq.fit(HS_MODEL, hso, ordered=True, group="school", group_equal=["loadings"],
               group_partial=["x1 | t1"])


def test_empty_category_in_one_group_is_lavaans_error(hso):
    """lavaan: "some categories of variable `x1' are empty in group 1"; relqual names the item,
    the group, the category and the counts (thresholds equal across groups need the same
    categories in every group, and this check comes first)."""
    assert "categories of variable `x1' are empty" in REF["empty_category_error"]
    data = hso.copy()
    data.loc[(data["school"] == "Pasteur") & (data["x1"] == 4), "x1"] = 3
    for group_equal in ([], ["thresholds"]):
        with pytest.raises(DataError, match="ordered column 'x1': nobody in group 'Pasteur' "
                                            "chose category 4"):
            rq.fit(HS_MODEL, data, ordered=True, group="school", group_equal=group_equal)


def test_continuous_variable_declared_ordered_is_refused(hso):
    data = hso.copy()
    scores = pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")
    data["x1"] = np.round((scores["x1"] + scores["x2"]) * 4)          # a sum score
    assert data["x1"].nunique() >= 40
    with pytest.raises(DataError, match=r"ordered column 'x1' has \d+ categories \(more than "
                                        "10\\); treat it as continuous"):
        rq.fit(HS_MODEL, data, ordered=True)


def test_theta_parameterization_rows():
    """Theta (lavaan): residual variances of y* fixed at 1 (free in group 2 with equal
    thresholds), the scaling factors computed, 1 / sqrt(var(y*)), in rows that stay fixed."""
    res = fit_case("hs_mg_theta_th_loadings")
    assert res.call["parameterization"] == "theta"
    est = res.estimates()
    ov = [f"x{i}" for i in range(1, 10)]
    resid = est[(est["op"] == "~~") & est["lhs"].isin(ov) & (est["lhs"] == est["rhs"])]
    assert (resid.loc[resid["group"] == 1, "est"] == 1.0).all()
    assert (resid.loc[resid["group"] == 2, "se"] > 0).all()
    scales = est[est["op"] == "~*~"]
    assert (scales["se"] == 0).all()
    for g, model in enumerate(res.models, start=1):
        var = np.diag(model.implied(res.x).sigma)[:9]
        got = scales[scales["group"] == g].set_index("lhs")["est"].reindex(ov).to_numpy()
        assert np.allclose(got, 1 / np.sqrt(var))


def test_parameterization_argument_checks(hso):
    with pytest.raises(ValueError, match="unknown parameterization 'lisrel'"):
        rq.fit(HS_MODEL, hso, ordered=True, parameterization="lisrel")
    with pytest.raises(ValueError, match="parameterization='theta' is for ordered items"):
        rq.fit(HS_MODEL, pd.read_csv(ROOT / "data" / "holzinger_swineford.csv"),
               parameterization="theta")
    with pytest.raises(NotImplementedError, match="delta parameterization only"):
        rq.invariance(HS_MODEL, hso, group="school", ordered=True, parameterization="theta")
    res = rq.fit(HS_MODEL + "\nx1 ~~ 0.5*x1", hso, ordered=True, parameterization="theta")
    x1 = res.estimates().query("lhs == 'x1' and op == '~~' and rhs == 'x1'")
    assert float(x1["est"].iloc[0]) == 0.5


@pytest.mark.parametrize("name", list(REF["modindices"]))
def test_modification_indices_match_lavaan(name):
    """lavaan's modindices() for WLSMV: the score test with the DWLS information (also the
    ordered items' intercepts once thresholds are equal across groups)."""
    res = fit_case(name)
    m, x = modindices_at_lavaan(res, REF["modindices"][name], REF["cases"][name]["estimates"])
    assert np.abs(x - res.x).max() < 1e-4
    assert close(m["mi"], m["mi_lavaan"], 1e-4).all()
    assert close(m["epc"], m["epc_lavaan"], 1e-4).all()
    for ours_col, their_col in (("sepc_lv", "sepc.lv"), ("sepc_all", "sepc.all"),
                                ("sepc_nox", "sepc.nox")):
        assert close(m[ours_col], m[their_col], 1e-4).all(), ours_col
