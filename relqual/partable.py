"""The parameter table: the single source of truth from syntax to results.

``build_partable`` turns parsed statements into a table in the shape of lavaan's ``parTable()``
(columns ``id lhs op rhs user block group free ustart exo label plabel line``) and adds the
parameters lavaan's ``sem()``/``cfa()`` add by default (``lavaanify`` with ``auto.fix.first``,
``auto.fix.single``, ``auto.var``, ``auto.cov.lv.x``, ``auto.cov.y``, ``int.ov.free``; see the lavaan
manual page ``lavOptions`` and ``R/lav_partable_flat.R``):

* the first loading of each factor is fixed to 1 (unless ``std_lv``, which fixes latent variances);
* every observed non-exogenous variable and every latent variable gets a (residual) variance;
* exogenous latent variables covary; "pure" outcomes (dependent, never a predictor or indicator)
  have correlated residuals; other disturbances are uncorrelated;
* observed exogenous covariates (``fixed_x``) have their variances and covariances fixed to the
  sample values (filled in at fit time, ``exo = 1``);
* a single-indicator factor's indicator gets a residual variance fixed to 0.

Variable roles follow ``lav_partable_vnames``: ``ov.ind`` (indicators), ``ov.y`` (observed outcomes),
``ov.x`` (observed exogenous covariates), ``lv.x`` (exogenous latents).
"""
from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .syntax import Modifier, ModelSyntaxError, Statement, parse

PARAM_OPS = ("=~", "~", "~~", "~1", "|")


@dataclass
class VariableRoles:
    """Names of the model's variables by role, in lavaan's order."""

    lv: list[str]
    ov: list[str]
    ov_ind: list[str]
    ov_x: list[str]          # exogenous observed covariates (fixed.x candidates)
    lv_x: list[str]
    first_line: dict[str, int]

    @property
    def ov_nox(self) -> list[str]:
        return [v for v in self.ov if v not in self.ov_x]


@dataclass
class ParTable:
    """A parameter table (``table``) and the variable roles it was built from."""

    table: pd.DataFrame
    roles: VariableRoles
    meanstructure: bool
    ngroups: int
    options: dict

    @property
    def npar(self) -> int:
        return int(self.table["free"].max()) if (self.table["free"] > 0).any() else 0

    def free_rows(self) -> pd.DataFrame:
        return self.table[self.table["free"] > 0]


def build_partable(model: str | list[Statement], *, ngroups: int = 1, std_lv: bool = False,
                   meanstructure: bool | None = None, fixed_x: bool = True,
                   auto_fix_first: bool = True, orthogonal: bool = False,
                   int_ov_free: bool = True, int_lv_free: bool = False) -> ParTable:
    """Parse ``model`` (syntax or statements) and add lavaan's ``sem()`` defaults."""
    statements = parse(model) if isinstance(model, str) else list(model)
    param_statements = [s for s in statements if s.op in PARAM_OPS]
    other_statements = [s for s in statements if s.op not in PARAM_OPS]
    if not param_statements:
        raise ModelSyntaxError("the model has no parameters (only := or constraints)")
    for s in param_statements:
        if s.op == "=~" and s.lhs == s.rhs:
            raise ModelSyntaxError(f"'{s.lhs}' cannot be an indicator of itself", s.line, s.rhs,
                                   s.text)
        if len(s.modifiers) > 1 and len(s.modifiers) != ngroups:
            raise ModelSyntaxError(f"c(...) has {len(s.modifiers)} values but the model has "
                                   f"{ngroups} group(s)", s.line, s.rhs, s.text)
    user = _merge_duplicates(param_statements)
    roles = _variable_roles(user, fixed_x)
    if meanstructure is None:
        meanstructure = any(s.op == "~1" for s in user)

    default_rows = _default_rows(user, roles, meanstructure)
    rows = [dict(lhs=s.lhs, op=s.op, rhs=s.rhs, user=1, line=s.line) for s in user]
    rows += [dict(lhs=l, op=o, rhs=r, user=0, line=0) for l, o, r in default_rows]
    base = pd.DataFrame(rows)
    n_base = len(base)

    free = np.ones(n_base, dtype=int)
    ustart = np.full(n_base, np.nan)
    exo = np.zeros(n_base, dtype=int)
    lhs, op, rhs, is_user = (base[c].to_numpy() for c in ("lhs", "op", "rhs", "user"))
    is_default = is_user == 0
    lv = set(roles.lv)

    def fix(mask, value):
        free[mask] = 0
        ustart[mask] = value

    if std_lv:
        fix((op == "~~") & (lhs == rhs) & np.isin(lhs, roles.lv), 1.0)
    elif auto_fix_first:
        loadings = np.flatnonzero(op == "=~")
        _, first = np.unique(lhs[loadings], return_index=True)
        fix(np.isin(np.arange(n_base), loadings[first]), 1.0)
    # single-indicator factors: residual variance of the indicator fixed to 0
    load_rows = base[base["op"] == "=~"]
    counts = load_rows["lhs"].value_counts()
    single_ind = [r for l, r in zip(load_rows["lhs"], load_rows["rhs"])
                  if counts[l] == 1 and (load_rows["rhs"] == r).sum() == 1 and r not in lv]
    fix(is_default & (op == "~~") & (lhs == rhs) & np.isin(lhs, single_ind), 0.0)
    if orthogonal:
        fix(is_default & (op == "~~") & (lhs != rhs) & np.isin(lhs, roles.lv)
            & np.isin(rhs, roles.lv), 0.0)
    if meanstructure:
        if not int_ov_free:
            fix(is_default & (op == "~1") & np.isin(lhs, roles.ov), 0.0)
        if not int_lv_free:
            fix(is_default & (op == "~1") & np.isin(lhs, roles.lv), 0.0)
    if fixed_x and roles.ov_x:
        exo_mask = is_default & (((op == "~~") & np.isin(lhs, roles.ov_x) & np.isin(rhs, roles.ov_x))
                                 | ((op == "~1") & np.isin(lhs, roles.ov_x)))
        free[exo_mask] = 0
        exo[exo_mask] = 1

    table = _expand_groups(base, user, free, ustart, exo, ngroups)
    table = _number_free_parameters(table)
    table = _add_defined_and_constraints(table, other_statements)
    return ParTable(table=table, roles=roles, meanstructure=meanstructure, ngroups=ngroups,
                    options=dict(std_lv=std_lv, fixed_x=fixed_x, auto_fix_first=auto_fix_first,
                                 orthogonal=orthogonal))


def _merge_duplicates(statements: list[Statement]) -> list[Statement]:
    """Keep one statement per parameter; repeated ones merge their modifiers (with a warning)."""
    seen: dict[tuple, Statement] = {}
    out: list[Statement] = []
    for s in statements:
        key = _param_key(s.lhs, s.op, s.rhs)
        if key in seen:
            first = seen[key]
            warnings.warn(f"line {s.line}: '{s.lhs} {s.op} {s.rhs}' repeats line {first.line}; "
                          "the two are merged into one parameter", stacklevel=3)
            n = max(len(first.modifiers), len(s.modifiers))
            first.modifiers = [first.modifiers[min(i, len(first.modifiers) - 1)].merge(
                s.modifiers[min(i, len(s.modifiers) - 1)]) for i in range(n)]
            continue
        seen[key] = s
        out.append(s)
    return out


def _param_key(lhs: str, op: str, rhs: str) -> tuple:
    if op == "~~":
        return (min(lhs, rhs), op, max(lhs, rhs))
    return (lhs, op, rhs)


def _unique(seq) -> list:
    return list(dict.fromkeys(seq))


def _variable_roles(user: list[Statement], fixed_x: bool) -> VariableRoles:
    first_line: dict[str, int] = {}
    for s in user:
        for name in (s.lhs, s.rhs):
            if name and name not in first_line:
                first_line[name] = s.line
    lv = _unique(s.lhs for s in user if s.op == "=~")
    v_ind = _unique(s.rhs for s in user if s.op == "=~")
    eqs_y = _unique(s.lhs for s in user if s.op == "~")
    eqs_x = _unique(s.rhs for s in user if s.op == "~")
    ov_ind = [v for v in v_ind if v not in lv]
    ov_y = [v for v in eqs_y if v not in lv and v not in ov_ind]
    ov_x = [v for v in eqs_x if v not in lv and v not in ov_ind and v not in ov_y]
    extra = _unique([s.lhs for s in user if s.op in ("~~", "~1", "|") and s.lhs not in lv]
                    + [s.rhs for s in user if s.op == "~~" and s.rhs not in lv])
    ov = _unique(ov_ind + ov_y + ov_x + extra)
    # a covariate the user gives a variance, covariance or intercept is not fixed.x
    mentioned = {s.lhs for s in user if s.op in ("~~", "~1")} | {s.rhs for s in user if s.op == "~~"}
    ov_x = [v for v in ov_x if v not in mentioned] if fixed_x else []
    lv_x = [v for v in lv if v not in v_ind and v not in eqs_y]
    return VariableRoles(lv=lv, ov=ov, ov_ind=ov_ind, ov_x=ov_x, lv_x=lv_x, first_line=first_line)


def _default_rows(user: list[Statement], roles: VariableRoles, meanstructure: bool):
    """Rows lavaan adds by default (variances, covariances, intercepts), user rows removed."""
    eqs_y = _unique(s.lhs for s in user if s.op == "~")
    eqs_x = {s.rhs for s in user if s.op == "~"}
    v_ind = {s.rhs for s in user if s.op == "=~"}
    lv = roles.lv
    ov_y = [v for v in roles.ov if v in eqs_y and v not in v_ind and v not in eqs_x]
    lv_y = [v for v in lv if v in eqs_y and v not in v_ind and v not in eqs_x]
    rows = [(v, "~~", v) for v in roles.ov_nox + lv]
    rows += [(a, "~~", b) for i, a in enumerate(roles.lv_x) for b in roles.lv_x[i + 1:]]
    y_all = lv_y + ov_y
    rows += [(a, "~~", b) for i, a in enumerate(y_all) for b in y_all[i + 1:]]
    x = roles.ov_x
    rows += [(x[j], "~~", x[i]) for j in range(len(x)) for i in range(j, len(x))]
    if meanstructure:
        rows += [(v, "~1", "") for v in roles.ov + lv]
    taken = {_param_key(s.lhs, s.op, s.rhs) for s in user}
    return [r for r in rows if _param_key(*r) not in taken]


def _expand_groups(base: pd.DataFrame, user: list[Statement], free, ustart, exo, ngroups: int):
    """One copy of the rows per group, then the user's (per-group) modifiers applied."""
    n_base = len(base)
    blocks = []
    for g in range(ngroups):
        part = base.copy()
        part["group"] = g + 1
        part["free"] = free.copy()
        part["ustart"] = ustart.copy()
        part["exo"] = exo.copy()
        part["label"] = ""
        part["start"] = np.nan
        for i, s in enumerate(user):          # user rows come first, in order
            mod: Modifier = s.modifiers[min(g, len(s.modifiers) - 1)]
            if mod.fixed is not None and mod.free:
                raise ModelSyntaxError("a parameter cannot be both fixed and NA (free)",
                                       s.line, s.rhs, s.text)
            if mod.fixed is not None:
                part.iat[i, part.columns.get_loc("free")] = 0
                part.iat[i, part.columns.get_loc("ustart")] = mod.fixed
            elif mod.free:
                part.iat[i, part.columns.get_loc("free")] = 1
                part.iat[i, part.columns.get_loc("ustart")] = np.nan
            if mod.label is not None:
                part.iat[i, part.columns.get_loc("label")] = mod.label
            if mod.start is not None:
                part.iat[i, part.columns.get_loc("start")] = mod.start
        blocks.append(part)
    table = pd.concat(blocks, ignore_index=True)
    table.insert(0, "id", np.arange(1, len(table) + 1))
    table["block"] = table["group"]
    table["plabel"] = [f".p{i}." for i in table["id"]]
    assert len(table) == n_base * ngroups
    return table


def _number_free_parameters(table: pd.DataFrame) -> pd.DataFrame:
    """Number the free parameters 1..npar; rows sharing a label share one number."""
    free = table["free"].to_numpy().copy()
    labels = table["label"].to_numpy()
    label_index: dict[str, int] = {}
    fixed_labels = {l for l, f in zip(labels, free) if l and f == 0}
    count = 0
    for i in range(len(table)):
        if free[i] == 0:
            continue
        label = labels[i]
        if label and label in fixed_labels:
            row = table.iloc[i]
            raise ModelSyntaxError(f"label '{label}' is used for a free and a fixed parameter",
                                   int(row["line"]) or None, label)
        if label and label in label_index:
            free[i] = label_index[label]
            continue
        count += 1
        free[i] = count
        if label:
            label_index[label] = count
    table["free"] = free
    return table


_ALLOWED_FUNCTIONS = {"exp", "log", "sqrt", "abs", "sin", "cos", "tan", "tanh", "pnorm"}


def expression_names(expr: str, line: int | None = None) -> set[str]:
    """Names used in a ``:=`` or constraint expression (validated to arithmetic only)."""
    try:
        tree = ast.parse(expr.replace("^", "**"), mode="eval")
    except SyntaxError:
        raise ModelSyntaxError("cannot read this expression", line, expr) from None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _ALLOWED_FUNCTIONS:
                raise ModelSyntaxError("only arithmetic and exp/log/sqrt/abs/pnorm are allowed",
                                       line, ast.unparse(node.func))
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant,
                                   ast.operator, ast.unaryop, ast.Load)):
            raise ModelSyntaxError("only arithmetic is allowed in expressions", line,
                                   type(node).__name__)
    return names - _ALLOWED_FUNCTIONS


def _add_defined_and_constraints(table: pd.DataFrame, statements: list[Statement]) -> pd.DataFrame:
    """Append ``:=`` rows; apply ``label == label`` and ``label == number`` constraints."""
    known = {l for l in table["label"] if l} | set(table["plabel"])
    extra_rows = []
    for s in statements:
        if s.op == ":=":
            unknown = expression_names(s.rhs, s.line) - known
            if unknown:
                raise ModelSyntaxError(f"unknown label(s) {sorted(unknown)} in defined parameter "
                                       f"'{s.lhs}' (label a parameter first, e.g. 'y ~ a*x')",
                                       s.line, sorted(unknown)[0], s.text)
            if s.lhs in known:
                raise ModelSyntaxError(f"'{s.lhs}' is already a label", s.line, s.lhs, s.text)
            known.add(s.lhs)
            extra_rows.append(dict(lhs=s.lhs, op=":=", rhs=s.rhs, user=1, line=s.line))
        elif s.op == "==":
            table = _apply_equality(table, s)
            extra_rows.append(dict(lhs=s.lhs, op="==", rhs=s.rhs, user=1, line=s.line))
        else:
            raise ModelSyntaxError(f"inequality constraints ('{s.op}') are not supported yet; "
                                   "remove the line or reparameterise", s.line, s.op, s.text)
    if extra_rows:
        extra = pd.DataFrame(extra_rows)
        extra["group"] = 0
        extra["block"] = 0
        extra["free"] = 0
        extra["ustart"] = np.nan
        extra["exo"] = 0
        extra["label"] = ""
        extra["start"] = np.nan
        extra["id"] = np.arange(len(table) + 1, len(table) + len(extra) + 1)
        extra["plabel"] = ""
        table = pd.concat([table, extra[table.columns]], ignore_index=True)
    return table


def _apply_equality(table: pd.DataFrame, s: Statement) -> pd.DataFrame:
    labels = table["label"].to_numpy()
    lhs_rows = np.flatnonzero(labels == s.lhs)
    if len(lhs_rows) == 0:
        raise ModelSyntaxError(f"unknown label '{s.lhs}' in constraint", s.line, s.lhs, s.text)
    try:
        value = float(s.rhs)
    except ValueError:
        value = None
    free = table["free"].to_numpy().copy()
    if value is not None:
        table.loc[lhs_rows, "ustart"] = value
        free[lhs_rows] = 0
    else:
        rhs_rows = np.flatnonzero(labels == s.rhs)
        if len(rhs_rows) == 0:
            raise ModelSyntaxError("only 'label == label' and 'label == number' constraints are "
                                   "supported", s.line, s.rhs, s.text)
        target = free[lhs_rows[0]]
        free[rhs_rows] = np.where(free[rhs_rows] > 0, target, 0)
    table["free"] = free
    return _renumber(table)


def _renumber(table: pd.DataFrame) -> pd.DataFrame:
    free = table["free"].to_numpy()
    mapping = {old: new for new, old in enumerate(_unique(f for f in free if f > 0), start=1)}
    table["free"] = [mapping.get(f, 0) for f in free]
    return table
