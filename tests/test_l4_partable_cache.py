"""The per-syntax cache of build_partable and the shared name columns of estimates(): every
caller gets its own copy, and warnings about the syntax are given on every call."""
import warnings

import pytest

import relqual as rq
from relqual.partable import build_partable

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def test_cached_table_is_a_fresh_copy():
    first = build_partable(HS, std_lv=True)
    free, lv = first.col["free"].copy(), list(first.roles.lv)
    first.col["free"][:] = 99
    first.col["lhs"][0] = "changed"
    first.roles.lv.append("extra")
    first.roles.first_line["x1"] = -1
    first.options["std_lv"] = "changed"
    second = build_partable(HS, std_lv=True)
    assert second.col["free"].tolist() == free.tolist()
    assert second.col["lhs"][0] == "visual" and second.roles.lv == lv
    assert second.roles.first_line["x1"] == 1 and second.options["std_lv"] is True


def test_options_are_part_of_the_key():
    assert build_partable(HS).npar == build_partable(HS, std_lv=True).npar == 21
    assert build_partable(HS).col["free"][0] == 0          # marker loading fixed
    assert build_partable(HS, std_lv=True).col["free"][0] == 1
    assert build_partable(HS, meanstructure=True).meanstructure
    assert not build_partable(HS).meanstructure
    assert build_partable(HS, ngroups=2, group_equal=["loadings"]).npar == 42 - 6


def test_repeated_statement_warns_on_every_call():
    for _ in range(3):
        with pytest.warns(UserWarning, match="repeats line 1") as record:
            build_partable("f =~ x1 + x2 + x3\nf =~ x2")
        assert record[0].filename == __file__             # points at the caller


def test_ineffective_group_partial_warns_on_every_call():
    for _ in range(2):
        with pytest.warns(UserWarning, match="has no effect") as record:
            build_partable(HS, ngroups=2, group_equal=["loadings"], group_partial=["x1 ~~ x1"])
        assert record[0].filename == __file__


def test_errors_are_not_cached():
    for _ in range(2):
        with pytest.raises(ValueError, match="unknown group_equal"):
            build_partable(HS, group_equal=["loading"])


def test_estimates_of_two_fits_are_independent():
    hs = rq.datasets.load("holzinger_swineford")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = rq.fit(HS, hs).estimates()
        first.iloc[0, 0] = "changed"
        first.loc[1, "label"] = "changed"
        second = rq.fit(HS, hs).estimates()
    assert second.iloc[0, 0] == "visual" and second.loc[1, "label"] == ""
    assert str(second["lhs"].dtype) == str(second["est"].astype(str).dtype) == "str"
