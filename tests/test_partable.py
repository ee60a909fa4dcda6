"""The parameter table's defaults against lavaan's parTable() (tests/reference/partables.json)."""
import pandas as pd
import pytest

import relqual as rq

from conftest import load_reference

PARTABLES = load_reference("partables")["models"]


def key(lhs, op, rhs):
    return (min(lhs, rhs), op, max(lhs, rhs)) if op == "~~" else (lhs, op, rhs)


@pytest.mark.parametrize("name", sorted(PARTABLES))
def test_partable_matches_lavaan(name):
    ref = PARTABLES[name]
    theirs = pd.DataFrame(ref["partable"])
    theirs = theirs[theirs["op"] != "=="]          # lavaan's explicit equality rows for labels
    ours = rq.build_partable(ref["model"]).table
    assert len(ours) == len(theirs), (ours[["lhs", "op", "rhs"]], theirs[["lhs", "op", "rhs"]])
    by_key = {key(*r[:3]): r for r in ours[["lhs", "op", "rhs", "user", "free", "ustart", "exo",
                                         "label"]].itertuples(index=False)}
    for r in theirs.itertuples(index=False):
        mine = by_key[key(r.lhs, r.op, r.rhs)]
        assert mine.user == r.user, r
        assert (mine.free > 0) == (r.free > 0), r
        assert mine.exo == r.exo, r
        if r.free == 0 and not r.exo and r.op != ":=" and r.ustart is not None:
            assert mine.ustart == pytest.approx(r.ustart), r
        assert mine.label == (r.label or ""), r
    # the same order of rows as lavaan (user rows first, then lavaan's defaults)
    assert [key(*t) for t in zip(ours["lhs"], ours["op"], ours["rhs"])] == \
           [key(*t) for t in zip(theirs["lhs"], theirs["op"], theirs["rhs"])]


def test_shared_labels_share_one_free_parameter():
    table = rq.build_partable("f =~ x1 + a*x2 + a*x3").table
    free = table[table["op"] == "=~"].set_index("rhs").loc[["x2", "x3"], "free"]
    assert free.iloc[0] == free.iloc[1] > 0


def test_std_lv_frees_first_loading_and_fixes_variances():
    table = rq.build_partable("f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6\ng ~ f", std_lv=True).table
    loadings = table[table["op"] == "=~"]
    assert (loadings["free"] > 0).all()
    lv_var = table[(table["op"] == "~~") & table["lhs"].isin(["f", "g"])
                   & (table["lhs"] == table["rhs"])]
    assert (lv_var["free"] == 0).all() and (lv_var["ustart"] == 1).all()


def test_pure_outcomes_get_correlated_residuals_but_chains_do_not():
    # y1 and y2 are pure outcomes: lavaan's auto.cov.y correlates their residuals
    table = rq.build_partable("y1 ~ x\ny2 ~ x").table
    assert ((table["lhs"] == "y1") & (table["op"] == "~~") & (table["rhs"] == "y2")).any()
    # in a chain x -> m -> y, m is a predictor, so no m ~~ y
    table = rq.build_partable("m ~ x\ny ~ m").table
    assert not ((table["op"] == "~~") & (table["lhs"] != table["rhs"])
                & table["lhs"].isin(["m", "y"]) & table["rhs"].isin(["m", "y"])).any()


def test_label_equality_constraint_merges_parameters():
    table = rq.build_partable("f =~ x1 + a*x2 + b*x3\na == b").table
    rows = table[table["rhs"].isin(["x2", "x3"]) & (table["op"] == "=~")]
    assert rows["free"].nunique() == 1


def test_defined_parameter_needs_known_labels():
    with pytest.raises(rq.ModelSyntaxError, match="line 2.*unknown label"):
        rq.build_partable("y ~ a*x\nind := a*b")


def test_equality_with_a_fixed_parameter_fixes_the_other_at_its_value():
    table = rq.build_partable("f =~ a*x1 + b*x2 + x3\na == b").table
    x2 = table[(table["op"] == "=~") & (table["rhs"] == "x2")].iloc[0]
    assert x2["free"] == 0 and x2["ustart"] == 1.0


def test_defined_parameter_cannot_reuse_a_variable_name():
    with pytest.raises(rq.ModelSyntaxError, match="line 3.*is a variable"):
        rq.build_partable("f =~ x1 + x2 + x3\ny ~ a*f\nf := a*2")


def test_build_partable_leaves_the_callers_statements_alone():
    statements = rq.parse("f =~ x1 + x2 + x3\nx1 ~~ f")
    before = [(s.lhs, s.op, s.rhs) for s in statements]
    rq.build_partable(statements)
    assert [(s.lhs, s.op, s.rhs) for s in statements] == before
