"""The loyalty typologies (relqual.segments): counts on constructed data with known answers,
cut-point rules, inputs (scale means, factor scores of a fit), the Jones & Sasser curves, plots."""
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import relqual as rq  # noqa: E402
from relqual import segments  # noqa: E402

from conftest import HS_MODEL  # noqa: E402

# (x, y, group): with both cut-points at 3, "high" means > 3 (so 3 itself is low)
POINTS = [
    (4, 4, "A"), (5, 5, "A"), (4, 5, "A"),                  # high x, high y: 3
    (4, 2, "A"), (5, 1, "A"),                               # high x, low y: 2
    (2, 4, "A"),                                            # low x, high y: 1
    (1, 1, "A"), (2, 2, "A"), (3, 3, "A"), (3, 1, "A"),     # low x, low y: 4 (3, 3 is low)
    (5, 4, "B"),                                            # 1
    (4, 3, "B"),                                            # 1 (y = 3 is low)
    (1, 5, "B"), (3, 4, "B"),                               # 2
    (np.nan, 4, "B"),                                       # dropped: missing score
    (4, 4, None),                                           # dropped: missing group
]
EXPECTED = {"A": [3, 2, 1, 4], "B": [1, 1, 2, 0]}          # in cell order (hh, hl, lh, ll)


def constructed(x="x", y="y"):
    return pd.DataFrame(POINTS, columns=[x, y, "market"])


def counts(table, group, types):
    part = table[table["group"] == group].set_index("type")
    return [int(part.loc[t, "count"]) for t in types]


def test_jones_sasser_counts_and_names():
    table = segments.jones_sasser(constructed("sat", "loy"), "sat", "loy", group="market",
                                  satisfaction_cut=3, loyalty_cut=3)
    assert isinstance(table, pd.DataFrame) and isinstance(table, segments.TypologyTable)
    assert list(table.columns) == ["group", "type", "type_zh", "count", "share"]
    types = ["apostle", "mercenary", "hostage", "terrorist"]
    assert list(table["type"].iloc[:4]) == types
    assert list(table["type_zh"].iloc[:4]) == ["传道者", "图利者", "囚禁者", "破坏者"]
    assert counts(table, "A", types) == EXPECTED["A"]
    assert counts(table, "B", types) == EXPECTED["B"]
    assert np.allclose(table.groupby("group")["share"].sum(), 1.0)
    assert np.isclose(table.loc[(table["group"] == "A") & (table["type"] == "terrorist"),
                                "share"].iloc[0], 0.4)
    assert table.attrs["n_dropped"] == 2 and table.attrs["group"] == "market"
    assert len(table.respondents) == 14
    assert table.respondents.loc[8, "type"] == "terrorist"      # (3, 3): on both cut-points


def test_dick_basu_and_knox_counts():
    db = segments.dick_basu(constructed("att", "rep"), "att", "rep", group="market",
                            attitude_cut=3, patronage_cut=3)
    names = ["true loyalty", "latent loyalty", "spurious loyalty", "no loyalty"]
    assert counts(db, "A", names) == EXPECTED["A"] and counts(db, "B", names) == EXPECTED["B"]
    assert list(db["type_zh"].iloc[:4]) == [
        "忠诚的客户", "潜在的忠诚客户", "伪忠诚者", "不忠诚客户"]
    kx = segments.knox(constructed("inv", "brands"), "inv", "brands", group="market",
                       involvement_cut=3, brands_cut=3)
    # Knox: high involvement & many brands = multi-brand, high & few = loyal,
    # low & many = switcher, low & few = habitual
    cells = ["multi-brand", "loyal", "switcher", "habitual"]
    assert counts(kx, "A", cells) == EXPECTED["A"] and counts(kx, "B", cells) == EXPECTED["B"]
    assert list(kx["type"].iloc[:4]) == ["loyal", "habitual", "multi-brand", "switcher"]
    assert list(kx["type_zh"].iloc[:4]) == ["忠诚者", "习惯性购买者", "多品牌购买者", "品牌转换者"]


def test_cut_point_rules():
    data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 5], "y": [1.0, 1, 1, 5, 5, 5]})
    median = segments.dick_basu(data, "x", "y")                 # medians 3.5 and 3
    assert median.attrs["x_cut"] == 3.5 and median.attrs["y_cut"] == 3.0
    assert list(median["count"]) == [3, 0, 0, 3]
    assert median["group"].eq("all").all()
    mean = segments.dick_basu(data, "x", "y", attitude_cut="mean", patronage_cut="mean")
    assert np.isclose(mean.attrs["x_cut"], 20 / 6) and mean.attrs["y_cut"] == 3.0
    mid = segments.jones_sasser(constructed(), "x", "y", group="market", scale=(1, 5),
                                satisfaction_cut="midpoint", loyalty_cut="midpoint")
    assert counts(mid, "A", ["apostle", "mercenary", "hostage", "terrorist"]) == EXPECTED["A"]
    kx = segments.knox(pd.DataFrame({"inv": [1.0, 2, 4, 5], "b": [1, 3, 1, 2]}), "inv", "b",
                       involvement_cut="midpoint", scale=(1, 5), brands_cut=1)
    assert kx.attrs["x_cut"] == 3.0 and kx.attrs["y_cut"] == 1.0
    assert list(kx["count"]) == [1, 1, 1, 1]


def test_bad_input():
    data = constructed()
    with pytest.raises(ValueError, match="needs scale="):
        segments.jones_sasser(data, "x", "y", satisfaction_cut="midpoint")
    with pytest.raises(ValueError, match="unknown cut 'top'"):
        segments.dick_basu(data, "x", "y", attitude_cut="top")
    with pytest.raises(rq.DataError, match=r"\['z'\] are not in the data"):
        segments.knox(data, "x", "z")
    with pytest.raises(rq.DataError, match=r"\['segment'\]"):
        segments.knox(data, "x", "y", group="segment")
    with pytest.raises(rq.DataError, match="'x' is not numeric"):
        segments.dick_basu(data.assign(x="high"), "x", "y")
    with pytest.raises(rq.DataError, match="no row has all"):
        segments.dick_basu(data.assign(x=np.nan), "x", "y")
    with pytest.raises(rq.DataError, match="DataFrame"):
        segments.dick_basu([1, 2, 3], "x", "y")


def test_scale_means():
    data = pd.DataFrame({"s1": [1, 2, np.nan, np.nan], "s2": [3, 4, 5, np.nan],
                         "l1": [5, 5, 5, 5]})
    means = segments.scale_means(data, {"SAT": ["s1", "s2"], "LOY": ["l1"]})
    assert list(means["SAT"].iloc[:3]) == [2.0, 3.0, 5.0] and np.isnan(means["SAT"].iloc[3])
    strict = segments.scale_means(data, {"SAT": ["s1", "s2"]}, min_items=2)
    assert strict["SAT"].isna().sum() == 2
    from_syntax = segments.scale_means(data, "SAT =~ s1 + s2\nLOY =~ l1 + s1")
    assert list(from_syntax.columns) == ["SAT", "LOY"]
    with pytest.raises(rq.DataError, match="'s3'"):
        segments.scale_means(data, {"SAT": ["s1", "s3"]})


def test_typologies_from_a_fitted_model(hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(HS_MODEL, hs, group="school")
    table = segments.jones_sasser(res, "visual", "textual", scores="bartlett")
    assert table.attrs["group"] == "school"
    assert list(pd.unique(table["group"])) == ["Pasteur", "Grant-White"]
    assert table.groupby("group", sort=False)["count"].sum().tolist() == [156, 145]
    fs = res.factor_scores("bartlett")
    high = (fs["visual"] > fs["visual"].median()) & (fs["textual"] > fs["textual"].median())
    apostles = table[table["type"] == "apostle"]["count"].sum()
    assert apostles == int(high.sum())
    means = segments.scale_means(hs, res)                       # the model's scales
    assert list(means.columns) == ["visual", "textual", "speed"]
    assert np.allclose(means["visual"], hs[["x1", "x2", "x3"]].mean(axis=1))
    single = segments.dick_basu(rq.fit(HS_MODEL, hs), "visual", "speed")
    assert single["group"].eq("all").all() and single["count"].sum() == 301


def simulated_markets(seed=5, n=500):
    """Two markets: under high competition loyalty rises steeply only at high satisfaction
    (convex); under low competition it is high and nearly flat (Jones & Sasser 1995, Exhibit)."""
    rng = np.random.default_rng(seed)
    frames = []
    for market in ("high", "low"):
        sat = np.clip(rng.normal(3.6, 0.8, n), 1, 5)
        if market == "high":
            loy = 1.2 + 0.12 * (sat - 1) ** 2.4
        else:
            loy = 3.6 + 0.15 * (sat - 3)
        loy = np.clip(loy + rng.normal(0, 0.35, n), 1, 5)
        frames.append(pd.DataFrame({"SAT": sat, "LOY": loy, "competition": market}))
    return pd.concat(frames, ignore_index=True)


def test_jones_sasser_curves_show_the_competition_effect(tmp_path):
    data = simulated_markets()
    table = segments.jones_sasser(data, "SAT", "LOY", group="competition", scale=(1, 5),
                                  satisfaction_cut="midpoint", loyalty_cut="midpoint")
    curves = table.curves.set_index("group")
    assert list(curves.columns[:5]) == ["n", "b0", "b1", "b2", "se_b0"]
    assert curves.loc["high", "b2"] > 0.2 and curves.loc["high", "p_b2"] < 1e-6
    assert abs(curves.loc["low", "b2"]) < 0.05
    # hostages (loyal although not satisfied) are a low-competition phenomenon
    hostages = table[table["type"] == "hostage"].set_index("group")["share"]
    assert hostages["low"] > 0.05 and hostages["high"] < 0.01
    # the fitted curve reproduces an exact quadratic
    s = np.linspace(1, 5, 50)
    exact = segments.jones_sasser(pd.DataFrame({"s": s, "l": 1 + 0.5 * s - 0.3 * s ** 2}), "s", "l")
    assert np.allclose(exact.curves[["b0", "b1", "b2"]].iloc[0], [1, 0.5, -0.3])
    axes = table.plot()
    assert len(axes) == 3                                        # two markets + the curves
    assert axes[2].get_title() == "loyalty = f(satisfaction) per group"
    assert axes[0].get_title() == "competition = high"
    axes[0].figure.savefig(tmp_path / "jones_sasser.png")
    plt.close("all")


def test_plots_of_every_typology():
    data = constructed()
    for table in (segments.dick_basu(data, "x", "y", group="market"),
                  segments.knox(data, "x", "y", group="market"),
                  segments.jones_sasser(data, "x", "y")):
        axes = table.plot(lang="en")
        axes = np.atleast_1d(axes)
        assert len(axes) == len(pd.unique(table["group"]))
        labels = {t.get_text().split("\n")[0] for t in axes[0].texts}
        assert labels == set(table["type"])
        plt.close("all")
    _, ax = plt.subplots()
    table = segments.knox(data, "x", "y")
    assert table.plot(ax=ax) is ax
    with pytest.raises(ValueError, match="needs 2 axes"):
        segments.dick_basu(data, "x", "y", group="market").plot(ax=ax)
    plt.close("all")
    # derived frames are plain DataFrames (pandas' own .plot accessor there)
    assert type(table[table["count"] > 0]) is pd.DataFrame
