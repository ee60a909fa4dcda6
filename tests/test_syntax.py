"""lavaan model syntax: operators, modifiers, continuation lines, comments and located errors."""
import pytest

import relqual as rq
from relqual.syntax import ModelSyntaxError, parse


def triples(statements):
    return [(s.lhs, s.op, s.rhs) for s in statements]


def test_operators_and_intercepts():
    model = """
    f =~ x1 + x2 + x3   # measurement
    y ~ f + z
    x1 ~~ x2 ; y ~ 1
    ind := a*b
    """
    assert triples(parse(model)) == [
        ("f", "=~", "x1"), ("f", "=~", "x2"), ("f", "=~", "x3"), ("y", "~", "f"),
        ("y", "~", "z"), ("x1", "~~", "x2"), ("y", "~1", ""), ("ind", ":=", "a*b")]


def test_modifiers():
    s = parse("f =~ NA*x1 + 1*x2 + a*x3 + start(.5)*x4 + 0.3*x5 + label('q')*x6 + -1.5e-1*x7")
    mods = [st.modifiers[0] for st in s]
    assert mods[0].free and mods[0].fixed is None
    assert mods[1].fixed == 1.0
    assert mods[2].label == "a"
    assert mods[3].start == 0.5
    assert mods[4].fixed == 0.3
    assert mods[5].label == "q"
    assert mods[6].fixed == -0.15


def test_chained_modifiers_and_group_vectors():
    s = parse("f =~ x1 + start(0.7)*a*x2 + c(1, NA)*x3")
    assert s[1].modifiers[0].start == 0.7 and s[1].modifiers[0].label == "a"
    assert [m.fixed for m in s[2].modifiers] == [1.0, None]
    assert s[2].modifiers[1].free


def test_multiline_formulas_and_multiple_lhs():
    model = "f =~ x1 + x2 +\n      x3\n  + x4\ny1 + y2 ~ f"
    assert triples(parse(model)) == [
        ("f", "=~", "x1"), ("f", "=~", "x2"), ("f", "=~", "x3"), ("f", "=~", "x4"),
        ("y1", "~", "f"), ("y2", "~", "f")]


def test_comments_with_hash_and_bang():
    assert triples(parse("! header\nf =~ x1 + x2 # tail\n# only a comment")) == [
        ("f", "=~", "x1"), ("f", "=~", "x2")]


@pytest.mark.parametrize("model, line, token", [
    ("f =~ x1 + x2\ny ~ f +\n\nz ~~ ", 4, "~~"),
    ("f =~ x1 + + x2", 1, "+"),
    ("f =~ x1\ng =~ 2x", 2, "2x"),
    ("f =~ x1 + foo(1)*x2", 1, "foo(1)"),
    ("f =~ x1 + start(a)*x2", 1, "start(a)"),
    ("f =~ x1\n\ny ~ (x", 3, "("),
    ("just some words", 1, "just"),
    ("满意 =~ 满意1 + 满意2\n忠诚 =~ 2忠诚", 2, "2忠诚"),
    ("满意 =~ 满意1 + 满意-2", 1, "满意-2"),
])
def test_errors_name_line_and_token(model, line, token):
    with pytest.raises(ModelSyntaxError) as info:
        parse(model)
    assert info.value.line == line
    assert info.value.token == token
    assert f"line {line}" in str(info.value)


def test_empty_model_is_an_error():
    with pytest.raises(ModelSyntaxError, match="no formulas"):
        parse("# nothing here\n")


def test_fixed_and_free_together_is_an_error():
    with pytest.raises(ModelSyntaxError, match="line 1"):
        rq.build_partable("f =~ NA*1*x1 + x2 + x3")


def test_duplicate_statement_warns_and_merges():
    with pytest.warns(UserWarning, match="line 2.*repeats line 1"):
        table = rq.build_partable("f =~ x1 + x2 + x3\nf =~ a*x2").table
    row = table[(table["op"] == "=~") & (table["rhs"] == "x2")]
    assert len(row) == 1 and row["label"].iloc[0] == "a"


def test_inequality_constraints_are_refused_clearly():
    with pytest.raises(ModelSyntaxError, match="line 2.*inequality"):
        rq.build_partable("y ~ a*x\na > 0")


@pytest.mark.parametrize("model, token", [("f =~ x1 + x2\nf ~*~ f", "~*~")])
def test_unsupported_operators_are_named(model, token):
    with pytest.raises(ModelSyntaxError, match="not supported") as info:
        parse(model)
    assert info.value.token == token


def test_composites_parse_and_point_covariance_based_fits_to_pls():
    assert triples(parse("f <~ x1 + x2")) == [("f", "<~", "x1"), ("f", "<~", "x2")]
    with pytest.raises(ModelSyntaxError, match="estimated by PLS") as info:
        rq.build_partable("f <~ x1 + x2\ny ~ f")
    assert info.value.token == "<~"


def test_unicode_identifiers_as_lavaan_reads_them():
    """R's syntactic names (lavaan's rule): letters of any script, digits, '_' and '.'."""
    model = "满意 =~ 满意1 + 满意.2 + 满意_3\n忠诚 ~ b1*满意\n效应 := b1*2"
    assert triples(parse(model)) == [("满意", "=~", "满意1"), ("满意", "=~", "满意.2"),
                                     ("满意", "=~", "满意_3"), ("忠诚", "~", "满意"),
                                     ("效应", ":=", "b1*2")]
