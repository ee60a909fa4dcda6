"""The parameter table: the single source of truth from syntax to results.

``build_partable`` turns parsed statements into a table in the shape of lavaan's ``parTable()``
(columns ``id lhs op rhs user block group free ustart exo label plabel line``) and adds the
parameters lavaan's ``sem()``/``cfa()`` add by default (``lavaanify`` with ``auto.fix.first``,
``auto.fix.single``, ``auto.var``, ``auto.cov.lv.x``, ``auto.cov.y``, ``int.ov.free``; see the
lavaan manual page ``lavOptions`` and ``R/lav_partable_flat.R``):

* the first loading of each factor is fixed to 1 (unless ``std_lv``, which fixes latent variances);
* every observed non-exogenous variable and every latent variable gets a (residual) variance;
* exogenous latent variables covary; "pure" outcomes (dependent, never a predictor or indicator)
  have correlated residuals; other disturbances are uncorrelated;
* observed exogenous covariates (``fixed_x``) have their variances and covariances fixed to the
  sample values (filled in at fit time, ``exo = 1``);
* a single-indicator factor's indicator gets a residual variance fixed to 0.

Variable roles follow ``lav_partable_vnames``: ``ov.ind`` (indicators), ``ov.y`` (observed
outcomes), ``ov.x`` (observed exogenous covariates), ``lv.x`` (exogenous latents).
"""
from __future__ import annotations

import ast
import difflib
import warnings
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from .syntax import ModelSyntaxError, Modifier, Statement, parse

PARAM_OPS = ("=~", "~", "~~", "~1", "|")
TABLE_COLUMNS = ["id", "lhs", "op", "rhs", "user", "block", "group", "free", "ustart", "exo",
                 "label", "plabel", "start", "line"]


@dataclass
class VariableRoles:
    """Names of the model's variables by role, in lavaan's order (``lav_partable_vnames``).

    Parameters
    ----------
    lv : list of str
        Latent variables (left of ``=~``).
    ov : list of str
        Observed variables: indicators, observed outcomes, covariates, then any other.
    ov_ind : list of str
        Observed indicators of latent variables.
    ov_x : list of str
        Exogenous observed covariates (their moments are fixed at the sample values if fixed.x).
    lv_x : list of str
        Exogenous latent variables.
    first_line : dict
        The line of the model syntax where each name first appears.

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> roles = build_partable("ind60 =~ x1 + x2; dem60 =~ y1 + y2; dem60 ~ ind60 + z").roles
    >>> roles.lv, roles.ov, roles.ov_x, roles.lv_x
    (['ind60', 'dem60'], ['x1', 'x2', 'y1', 'y2', 'z'], ['z'], ['ind60'])
    """

    lv: list[str]
    ov: list[str]
    ov_ind: list[str]
    ov_x: list[str]          # exogenous observed covariates (fixed at sample values if fixed.x)
    lv_x: list[str]
    first_line: dict[str, int]

    @property
    def ov_nox(self) -> list[str]:
        """The observed variables that are not fixed.x covariates (``ov`` minus ``ov_x``)."""
        return [v for v in self.ov if v not in self.ov_x]


@dataclass
class ParTable:
    """A parameter table and the variable roles it was built from.

    ``col`` holds the columns as numpy arrays (what the engine reads); ``table`` is the same
    as a DataFrame in lavaan's ``parTable()`` layout (what people read).

    Parameters
    ----------
    col : dict
        Column name -> numpy array, the columns of ``TABLE_COLUMNS``.
    roles : VariableRoles
        The variables by role.
    meanstructure : bool
        Whether the table has intercepts and means.
    ngroups : int
        The number of groups (one copy of the model per group).
    options : dict
        The options it was built with (``std_lv``, ``fixed_x``; WLSMV adds ``ordered`` and
        ``parameterization``).

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> table = build_partable("f =~ x1 + x2 + x3")
    >>> table.npar, table.ngroups, table.meanstructure
    (6, 1, False)
    >>> table.col["free"].tolist()
    [0, 1, 2, 3, 4, 5, 6]
    """

    col: dict
    roles: VariableRoles
    meanstructure: bool
    ngroups: int
    options: dict

    @cached_property
    def table(self) -> pd.DataFrame:
        """The table as a DataFrame, in lavaan's ``parTable()`` layout (``TABLE_COLUMNS``).

        Examples
        --------
        >>> build_partable("f =~ x1 + x2").table[["lhs", "op", "rhs", "free", "ustart"]]
          lhs  op rhs  free  ustart
        0   f  =~  x1     0     1.0
        1   f  =~  x2     1     NaN
        2  x1  ~~  x1     2     NaN
        3  x2  ~~  x2     3     NaN
        4   f  ~~   f     4     NaN
        """
        return pd.DataFrame({name: self.col[name] for name in TABLE_COLUMNS})

    @cached_property
    def npar(self) -> int:
        """The number of free parameters (rows sharing a label count once)."""
        free = self.col["free"]
        return int(free.max()) if len(free) and free.max() > 0 else 0

    def copy(self) -> ParTable:
        """A copy that shares no mutable part with this table (what a cache hands out).

        Examples
        --------
        >>> table = build_partable("f =~ x1 + x2")
        >>> copy = table.copy()
        >>> copy.col["free"][1] = 0
        >>> int(table.col["free"][1])
        1
        """
        roles = self.roles
        copy = ParTable(col={name: values.copy() for name, values in self.col.items()},
                        roles=VariableRoles(list(roles.lv), list(roles.ov), list(roles.ov_ind),
                                            list(roles.ov_x), list(roles.lv_x),
                                            dict(roles.first_line)),
                        meanstructure=self.meanstructure, ngroups=self.ngroups,
                        options=dict(self.options))
        if "npar" in self.__dict__:           # the same rows: the same count, found already
            copy.__dict__["npar"] = self.npar
        return copy

    def with_shared(self, rows) -> ParTable:
        """A copy in which the free parameters of ``rows`` (table positions) are one parameter
        (equality constraints, lavaan's shared labels); parameters are renumbered in row order.

        Parameters
        ----------
        rows : sequence of int
            0-based positions of free rows of the table.

        Returns
        -------
        ParTable
            A new table (this one is not changed) with one parameter fewer per extra row.

        Examples
        --------
        >>> table = build_partable("f =~ x1 + x2 + x3")
        >>> table.with_shared([1, 2]).col["free"][:3].tolist(), table.with_shared([1, 2]).npar
        ([0, 1, 1], 5)
        """
        cols = dict(self.col)
        free = cols["free"].copy()
        rows = list(rows)
        for k in rows[1:]:
            free[free == free[k]] = free[rows[0]]
        order = {old: new for new, old in enumerate(dict.fromkeys(int(f) for f in free if f > 0),
                                                    start=1)}
        cols["free"] = np.array([order.get(int(f), 0) for f in free], dtype=int)
        return ParTable(col=cols, roles=self.roles, meanstructure=self.meanstructure,
                        ngroups=self.ngroups, options=dict(self.options))


def build_partable(model: str | list[Statement], *, ngroups: int = 1, std_lv: bool = False,
                   meanstructure: bool | None = None, fixed_x: bool = True,
                   group_equal=(), group_partial=()) -> ParTable:
    """Parse ``model`` (syntax or statements) and add lavaan's ``sem()`` defaults.

    With ``ngroups`` > 1 the table holds one copy of the model per group; ``group_equal``
    (lavaan's ``group.equal``: loadings, intercepts, means, residuals, residual.covariances,
    lv.variances, lv.covariances, regressions, thresholds) constrains those parameters to be
    equal across groups, except the ones named in ``group_partial`` (e.g. "f =~ x2", "x3 ~ 1").

    Parameters
    ----------
    model : str or list of Statement
        lavaan syntax, or statements from :func:`relqual.syntax.parse` (not modified).
    ngroups : int
        The number of groups.
    std_lv : bool
        Fix latent variances to 1 instead of the first loading of each factor.
    meanstructure : bool, optional
        Add intercepts and latent means; default: when the syntax has an intercept (``~ 1``).
    fixed_x : bool
        Fix the (co)variances of observed covariates at their sample values (``exo = 1``).
    group_equal, group_partial : sequence of str
        lavaan's ``group.equal`` and ``group.partial`` (see above).

    Returns
    -------
    ParTable
        With lavaan's columns; free parameters are numbered 1..npar in row order, rows sharing a
        label share a number, and ``:=`` and ``==`` rows come last (``free = 0``).

    Raises
    ------
    ModelSyntaxError
        For syntax errors, unknown labels, and models without parameters.

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> table = build_partable("y ~ a*x; z ~ b*y; ab := a*b")
    >>> table.table[["lhs", "op", "rhs", "free", "label", "exo"]]
      lhs  op  rhs  free label  exo
    0   y   ~    x     1     a    0
    1   z   ~    y     2     b    0
    2   y  ~~    y     3          0
    3   z  ~~    z     4          0
    4   x  ~~    x     0          1
    5  ab  :=  a*b     0    ab    0
    >>> two = build_partable("f =~ x1 + x2 + x3", ngroups=2, group_equal=["loadings"])
    >>> two.npar, two.col["free"][two.col["op"] == "=~"].tolist()
    (10, [0, 1, 2, 0, 1, 2])
    """
    if isinstance(model, str) and not group_partial:
        try:
            template, repeats = _cached_build(model, ngroups, std_lv, meanstructure, fixed_x,
                                              tuple(group_equal))
        except TypeError:                   # unhashable options: build without the cache
            pass
        else:
            for message in repeats:
                warnings.warn(message, stacklevel=2)
            return template.copy()
    table, repeats = _build(model, ngroups, std_lv, meanstructure, fixed_x, group_equal,
                            group_partial)
    for message in repeats:
        warnings.warn(message, stacklevel=2)
    return table


@lru_cache(maxsize=64)
def _cached_build(model: str, ngroups, std_lv, meanstructure, fixed_x, group_equal: tuple):
    """``_build`` once per syntax and options (the template is only ever copied, never
    handed out)."""
    return _build(model, ngroups, std_lv, meanstructure, fixed_x, group_equal, ())


def _build(model, ngroups, std_lv, meanstructure, fixed_x, group_equal, group_partial
           ) -> tuple[ParTable, list[str]]:
    """``build_partable``'s work: the table, and the warnings about repeated statements."""
    unknown = set(group_equal) - set(GROUP_EQUAL)
    if unknown:
        raise ValueError(f"unknown group_equal choice(s) {sorted(unknown)}; choose from "
                         + ", ".join(GROUP_EQUAL))
    statements = (parse(model) if isinstance(model, str)       # copies: never change the caller's
                  else [replace(s, modifiers=list(s.modifiers)) for s in model])
    for s in statements:
        if s.op == "<~":
            raise ModelSyntaxError("composites ('<~', Mode B) are estimated by PLS: fit with "
                                   "estimator='PLS'; covariance-based composites are not "
                                   "available", s.line, s.op, s.text)
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
    user, repeats = _merge_duplicates(param_statements)
    lv_names = {s.lhs for s in user if s.op == "=~"}
    for s in user:              # lavaan writes a latent-observed covariance latent first
        if s.op == "~~" and s.rhs in lv_names and s.lhs not in lv_names:
            s.lhs, s.rhs = s.rhs, s.lhs
    roles = _variable_roles(user)
    if meanstructure is None:
        meanstructure = any(s.op == "~1" for s in user)

    default_rows = _default_rows(user, roles, meanstructure)
    lhs = np.array([s.lhs for s in user] + [r[0] for r in default_rows], dtype=object)
    op = np.array([s.op for s in user] + [r[1] for r in default_rows], dtype=object)
    rhs = np.array([s.rhs for s in user] + [r[2] for r in default_rows], dtype=object)
    n_base = len(lhs)
    is_default = np.arange(n_base) >= len(user)
    free = np.ones(n_base, dtype=int)
    ustart = np.full(n_base, np.nan)
    exo = np.zeros(n_base, dtype=int)

    def fix(mask, value):
        free[mask] = 0
        ustart[mask] = value

    is_var = (op == "~~") & (lhs == rhs)
    if std_lv:
        fix(is_var & np.isin(lhs, roles.lv), 1.0)
    else:
        loadings = np.flatnonzero(op == "=~")
        _, first = np.unique(lhs[loadings], return_index=True)
        fix(loadings[first], 1.0)
    # single-indicator factors: residual variance of the indicator fixed to 0
    load_lhs, load_rhs = list(lhs[op == "=~"]), list(rhs[op == "=~"])
    single_ind = [r for l, r in zip(load_lhs, load_rhs)
                  if load_lhs.count(l) == 1 and load_rhs.count(r) == 1 and r not in roles.lv]
    fix(is_default & is_var & np.isin(lhs, single_ind), 0.0)
    if meanstructure:                # observed intercepts free, latent means fixed at 0
        fix(is_default & (op == "~1") & np.isin(lhs, roles.lv), 0.0)
    if fixed_x and roles.ov_x:
        exo_mask = is_default & (((op == "~~") & np.isin(lhs, roles.ov_x)
                                  & np.isin(rhs, roles.ov_x))
                                 | ((op == "~1") & np.isin(lhs, roles.ov_x)))
        free[exo_mask] = 0
        exo[exo_mask] = 1
    line = np.array([s.line for s in user] + [0] * len(default_rows))

    cols = _expand_groups(dict(lhs=lhs, op=op, rhs=rhs, user=(~is_default).astype(int),
                               free=free, ustart=ustart, exo=exo, line=line), user, ngroups)
    if ngroups > 1:
        _free_in_later_groups(cols, roles, meanstructure, std_lv, group_equal)
        _equal_across_groups(cols, roles, n_base, group_equal, group_partial)
    _number_free_parameters(cols)
    _add_defined_and_constraints(cols, other_statements)
    cols["id"] = np.arange(1, len(cols["lhs"]) + 1)
    cols["block"] = cols["group"]
    cols["plabel"] = np.where(cols["group"] > 0, [f".p{i}." for i in cols["id"]], "")
    return ParTable(col=cols, roles=roles, meanstructure=meanstructure, ngroups=ngroups,
                    options=dict(std_lv=std_lv, fixed_x=fixed_x)), repeats


def _merge_duplicates(statements: list[Statement]) -> tuple[list[Statement], list[str]]:
    """Keep one statement per parameter; repeated ones merge their modifiers (and are named in
    the warnings returned)."""
    seen: dict[tuple, Statement] = {}
    out: list[Statement] = []
    repeats: list[str] = []
    for s in statements:
        key = _param_key(s.lhs, s.op, s.rhs)
        if key in seen:
            first = seen[key]
            repeats.append(f"line {s.line}: '{s.lhs} {s.op} {s.rhs}' repeats line {first.line}; "
                           "the two are merged into one parameter")
            n = max(len(first.modifiers), len(s.modifiers))
            first.modifiers = [first.modifiers[min(i, len(first.modifiers) - 1)].merge(
                s.modifiers[min(i, len(s.modifiers) - 1)]) for i in range(n)]
            continue
        seen[key] = s
        out.append(s)
    return out, repeats


def _param_key(lhs: str, op: str, rhs: str) -> tuple:
    if op == "~~":
        return (min(lhs, rhs), op, max(lhs, rhs))
    return (lhs, op, rhs)


def unique_in_order(seq) -> list:
    """The distinct items of ``seq`` in order of first appearance.

    Parameters
    ----------
    seq : iterable
        Hashable items.

    Returns
    -------
    list

    Examples
    --------
    >>> unique_in_order(["b", "a", "b"])
    ['b', 'a']
    """
    return list(dict.fromkeys(seq))


def _variable_roles(user: list[Statement]) -> VariableRoles:
    first_line: dict[str, int] = {}
    for s in user:
        for name in (s.lhs, s.rhs):
            if name and name not in first_line:
                first_line[name] = s.line
    lv = unique_in_order(s.lhs for s in user if s.op == "=~")
    v_ind = unique_in_order(s.rhs for s in user if s.op == "=~")
    eqs_y = unique_in_order(s.lhs for s in user if s.op == "~")
    eqs_x = unique_in_order(s.rhs for s in user if s.op == "~")
    ov_ind = [v for v in v_ind if v not in lv]
    ov_y = [v for v in eqs_y if v not in lv and v not in ov_ind]
    ov_x = [v for v in eqs_x if v not in lv and v not in ov_ind and v not in ov_y]
    extra = unique_in_order([s.lhs for s in user if s.op in ("~~", "~1", "|") and s.lhs not in lv]
                    + [s.rhs for s in user if s.op == "~~" and s.rhs not in lv])
    ov = unique_in_order(ov_ind + ov_y + ov_x + extra)
    # a covariate the user gives a variance, covariance or intercept is not fixed.x
    mentioned = ({s.lhs for s in user if s.op in ("~~", "~1")}
                 | {s.rhs for s in user if s.op == "~~"})
    ov_x = [v for v in ov_x if v not in mentioned]
    lv_x = [v for v in lv if v not in v_ind and v not in eqs_y]
    return VariableRoles(lv=lv, ov=ov, ov_ind=ov_ind, ov_x=ov_x, lv_x=lv_x, first_line=first_line)


def _default_rows(user: list[Statement], roles: VariableRoles, meanstructure: bool):
    """Rows lavaan adds by default (variances, covariances, intercepts), user rows removed."""
    eqs_y = unique_in_order(s.lhs for s in user if s.op == "~")
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


def _expand_groups(base: dict, user: list[Statement], ngroups: int) -> dict:
    """One copy of the rows per group, then the user's (per-group) modifiers applied."""
    n_base = len(base["lhs"])
    cols = {k: np.concatenate([v] * ngroups) for k, v in base.items()}
    cols["group"] = np.repeat(np.arange(1, ngroups + 1), n_base)
    cols["label"] = np.full(n_base * ngroups, "", dtype=object)
    cols["start"] = np.full(n_base * ngroups, np.nan)
    for g in range(ngroups):
        for i, s in enumerate(user):          # user rows come first, in order
            k = g * n_base + i
            mod: Modifier = s.modifiers[min(g, len(s.modifiers) - 1)]
            if mod.fixed is not None and mod.free:
                raise ModelSyntaxError("a parameter cannot be both fixed and NA (free)",
                                       s.line, s.rhs, s.text)
            if mod.fixed is not None:
                cols["free"][k], cols["ustart"][k] = 0, mod.fixed
            elif mod.free:
                cols["free"][k], cols["ustart"][k] = 1, np.nan
            if mod.label is not None:
                cols["label"][k] = mod.label
            if mod.start is not None:
                cols["start"][k] = mod.start
    return cols


GROUP_EQUAL = ("loadings", "intercepts", "means", "residuals", "residual.covariances",
               "lv.variances", "lv.covariances", "regressions", "thresholds")


def _free_in_later_groups(cols, roles, meanstructure, std_lv, group_equal):
    """lavaan (lav_partable_flat): with equal intercepts but not equal means, latent means are
    free in groups 2..; with std_lv and equal loadings, latent variances are free there."""
    later = cols["group"] > 1
    default = cols["user"] == 0
    is_lv = np.isin(cols["lhs"], roles.lv)
    if (meanstructure and "intercepts" in group_equal
            and "means" not in group_equal):
        rows = later & default & is_lv & (cols["op"] == "~1")
        cols["free"][rows], cols["ustart"][rows] = 1, np.nan
    if std_lv and "loadings" in group_equal and "lv.variances" not in group_equal:
        rows = later & default & is_lv & (cols["op"] == "~~") & (cols["lhs"] == cols["rhs"])
        cols["free"][rows], cols["ustart"][rows] = 1, np.nan


def _group_equal_kind(op, lhs, rhs, lv: set) -> str | None:
    if op == "=~":
        return "loadings"
    if op == "~":
        return "regressions"
    if op == "|":
        return "thresholds"
    if op == "~1":
        return "means" if lhs in lv else "intercepts"
    if op == "~~":
        if lhs == rhs:
            return "lv.variances" if lhs in lv else "residuals"
        return "lv.covariances" if lhs in lv and rhs in lv else "residual.covariances"
    return None


def _normalize_partial(text: str) -> str:
    return "".join(text.split())


def _check_partial(cols, n_base, group_equal, group_partial, lv: set) -> set[str]:
    """The ``group_partial`` terms, normalized; each must name a parameter of the model that
    ``group_equal`` constrains, else a clear error (with the closest valid term) or warning."""
    if not group_partial:
        return set()
    if not group_equal:
        raise ValueError("group_partial frees parameters that group_equal constrains, but "
                         "group_equal is empty; name what to constrain, e.g. "
                         "group_equal=['loadings']")
    names = {}
    for k in range(n_base):
        op, lhs, rhs = cols["op"][k], cols["lhs"][k], cols["rhs"][k]
        name = f"{lhs}{op}{rhs}" if op != "~1" else f"{lhs}~1"
        names[name] = _group_equal_kind(op, lhs, rhs, lv)
        if op == "~~":
            names[f"{rhs}~~{lhs}"] = names[name]
    out = set()
    for term in group_partial:
        key = _normalize_partial(term)
        if key not in names:
            close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"group_partial term '{term}' names no parameter of the model{hint} "
                             "(write it as lavaan does, e.g. 'visual =~ x2', 'x3 ~ 1', "
                             "'x1 ~~ x1')")
        if names[key] not in group_equal:
            warnings.warn(f"group_partial term '{term}' has no effect: it is a "
                          f"{names[key]} parameter, which group_equal="
                          f"{list(group_equal)} does not constrain", stacklevel=5)
        out.add(key)
        if "~~" in key:
            a, b = key.split("~~")
            out.add(f"{b}~~{a}")
    return out


def _equal_across_groups(cols, roles, n_base, group_equal, group_partial) -> None:
    """Give the parameters of the ``group_equal`` kinds one shared label per group-1 row
    (lavaan names it after the group-1 parameter's plabel, ``.pK.``)."""
    if not group_equal and not group_partial:
        return
    lv = set(roles.lv)
    partial = _check_partial(cols, n_base, group_equal, group_partial, lv)
    ngroups = len(cols["lhs"]) // n_base
    for k in range(n_base):
        op, lhs, rhs = cols["op"][k], cols["lhs"][k], cols["rhs"][k]
        if _group_equal_kind(op, lhs, rhs, lv) not in group_equal or cols["exo"][k]:
            continue
        name = f"{lhs}{op}{rhs}" if op != "~1" else f"{lhs}~1"
        if name in partial:
            continue
        rows = [g * n_base + k for g in range(ngroups)]
        if any(cols["free"][r] == 0 or cols["label"][r] for r in rows):
            continue                            # fixed somewhere, or labelled by the user
        for r in rows:
            cols["label"][r] = f".p{k + 1}."


def _number_free_parameters(cols: dict) -> None:
    """Number the free parameters 1..npar; rows sharing a label share one number."""
    free, labels = cols["free"], cols["label"]
    fixed_labels = {l for l, f in zip(labels, free) if l and f == 0}
    label_index: dict[str, int] = {}
    count = 0
    for i in range(len(free)):
        if free[i] == 0:
            continue
        label = labels[i]
        if label and label in fixed_labels:
            raise ModelSyntaxError(f"label '{label}' is used for a free and a fixed parameter",
                                   int(cols["line"][i]) or None, label)
        if label and label in label_index:
            free[i] = label_index[label]
            continue
        count += 1
        free[i] = count
        if label:
            label_index[label] = count


_ALLOWED_FUNCTIONS = {"exp", "log", "sqrt", "abs", "sin", "cos", "tan", "tanh", "pnorm"}


def expression_names(expr: str, line: int | None = None) -> set[str]:
    """Names used in a ``:=`` or constraint expression (validated to arithmetic only).

    Parameters
    ----------
    expr : str
        The right-hand side of ``:=`` (``^`` is a power, as in R).
    line : int, optional
        The model line, for the error message.

    Returns
    -------
    set of str
        The labels used (the allowed functions exp, log, sqrt, abs, sin, cos, tan, tanh and
        pnorm excluded).

    Raises
    ------
    ModelSyntaxError
        When the expression is not arithmetic over names, numbers and those functions.

    Examples
    --------
    >>> sorted(expression_names("a*b + exp(c)^2"))
    ['a', 'b', 'c']
    >>> expression_names("__import__('os')")
    Traceback (most recent call last):
    ...
    relqual.syntax.ModelSyntaxError: only arithmetic and exp/log/sqrt/abs/pnorm are allowed
    """
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


def _add_defined_and_constraints(cols: dict, statements: list[Statement]) -> None:
    """Append ``:=`` and ``==`` rows; apply ``label == label`` and ``label == number``."""
    known = {l for l in cols["label"] if l}
    variables = set(cols["lhs"]) | set(cols["rhs"])
    extra = []
    for s in statements:
        if s.op == ":=":
            unknown = expression_names(s.rhs, s.line) - known
            if unknown:
                raise ModelSyntaxError(f"unknown label(s) {sorted(unknown)} in defined parameter "
                                       f"'{s.lhs}' (label a parameter first, e.g. 'y ~ a*x')",
                                       s.line, sorted(unknown)[0], s.text)
            if s.lhs in known:
                raise ModelSyntaxError(f"'{s.lhs}' is already a label", s.line, s.lhs, s.text)
            if s.lhs in variables:
                raise ModelSyntaxError(f"'{s.lhs}' is a variable of the model; give the defined "
                                       "parameter another name", s.line, s.lhs, s.text)
            known.add(s.lhs)
        elif s.op == "==":
            _apply_equality(cols, s)
        else:
            raise ModelSyntaxError(f"inequality constraints ('{s.op}') are not supported yet; "
                                   "remove the line or reparameterise", s.line, s.op, s.text)
        extra.append(s)
    if not extra:
        return
    n = len(extra)
    additions = dict(lhs=[s.lhs for s in extra], op=[s.op for s in extra],
                     rhs=[s.rhs for s in extra], user=[1] * n, free=[0] * n,
                     ustart=[np.nan] * n, exo=[0] * n, line=[s.line for s in extra],
                     group=[0] * n, label=[s.lhs if s.op == ":=" else "" for s in extra],
                     start=[np.nan] * n)
    for key, values in additions.items():
        cols[key] = np.concatenate([cols[key], np.array(values, dtype=cols[key].dtype)])


def _apply_equality(cols: dict, s: Statement) -> None:
    labels, free = cols["label"], cols["free"]
    lhs_rows = np.flatnonzero(labels == s.lhs)
    if len(lhs_rows) == 0:
        raise ModelSyntaxError(f"unknown label '{s.lhs}' in constraint", s.line, s.lhs, s.text)
    try:
        value = float(s.rhs)
    except ValueError:
        value = None
    if value is not None:
        cols["ustart"][lhs_rows] = value
        free[lhs_rows] = 0
    else:
        rhs_rows = np.flatnonzero(labels == s.rhs)
        if len(rhs_rows) == 0:
            raise ModelSyntaxError("only 'label == label' and 'label == number' constraints are "
                                   "supported", s.line, s.rhs, s.text)
        if free[lhs_rows[0]] == 0:              # equal to a fixed parameter: fixed at its value
            cols["ustart"][rhs_rows] = cols["ustart"][lhs_rows[0]]
        free[rhs_rows] = np.where(free[rhs_rows] > 0, free[lhs_rows[0]], 0)
    mapping = {old: new
               for new, old in enumerate(unique_in_order(f for f in free if f > 0), start=1)}
    cols["free"] = np.array([mapping.get(f, 0) for f in free], dtype=int)


def unrestricted_partable(names: list[str], *, saturated: bool = True,
                          meanstructure: bool = False, ngroups: int = 1) -> ParTable:
    """The parameter table of the saturated or the independence model of observed ``names``.

    ``saturated=True``: every variance and covariance free (lavaan's
    ``lav_partable_unrestricted``); ``saturated=False``: the variances only (the baseline of
    the incremental fit indices, lavaan's ``lav_partable_independence``). With
    ``meanstructure`` every mean is free too. Built directly, one copy per group, no
    parameter shared across groups.

    Parameters
    ----------
    names : list of str
        The observed variables.
    saturated : bool
        Every covariance free (True) or the variances only (False).
    meanstructure : bool
        Add a free mean per variable.
    ngroups : int
        The number of groups.

    Returns
    -------
    ParTable
        Without latent variables; every row free, numbered 1..npar.

    Examples
    --------
    >>> from relqual.partable import unrestricted_partable
    >>> unrestricted_partable(["x1", "x2"]).table[["lhs", "op", "rhs", "free"]]
      lhs  op rhs  free
    0  x1  ~~  x1     1
    1  x1  ~~  x2     2
    2  x2  ~~  x2     3
    """
    names = list(names)
    pairs = [(a, b) for i, a in enumerate(names) for b in (names[i:] if saturated else [a])]
    lhs = [a for a, _ in pairs] + (names if meanstructure else [])
    rhs = [b for _, b in pairs] + ([""] * len(names) if meanstructure else [])
    op = ["~~"] * len(pairs) + (["~1"] * len(names) if meanstructure else [])
    n_rows = len(lhs) * ngroups
    cols = dict(lhs=np.array(lhs * ngroups, dtype=object), op=np.array(op * ngroups, dtype=object),
                rhs=np.array(rhs * ngroups, dtype=object), user=np.zeros(n_rows, dtype=int),
                free=np.arange(1, n_rows + 1), ustart=np.full(n_rows, np.nan),
                exo=np.zeros(n_rows, dtype=int), line=np.zeros(n_rows, dtype=int),
                group=np.repeat(np.arange(1, ngroups + 1), len(lhs)),
                label=np.full(n_rows, "", dtype=object), start=np.full(n_rows, np.nan))
    cols["id"] = np.arange(1, n_rows + 1)
    cols["block"] = cols["group"]
    cols["plabel"] = np.array([f".p{i}." for i in cols["id"]], dtype=object)
    roles = VariableRoles(lv=[], ov=names, ov_ind=[], ov_x=[], lv_x=[], first_line={})
    return ParTable(col=cols, roles=roles, meanstructure=meanstructure, ngroups=ngroups,
                    options=dict(std_lv=False, fixed_x=False))
