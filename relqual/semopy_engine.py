"""``engine="semopy"``: the same parameter table fitted by semopy, an independent second engine.

The parameter table is written out as explicit semopy syntax, so semopy fits exactly our model and
none of its own defaults apply:

* every free parameter gets the name ``rq_p<k>`` (``k`` = our ``free`` index), so rows sharing a
  label (equality constraints) share a semopy name, which is how semopy expresses equality;
* every fixed parameter is written with its value (``1*x1``, ``0*x2``; fixed.x covariate moments
  with their sample values). We never write semopy's own shorthands: in semopy ``NA*x`` is not
  "free" but a parameter *named* ``NA``, so two ``NA*`` terms would silently be constrained equal;
* the model is built with ``cov_diag=True`` (no automatic covariances), observed exogenous pairs
  our table leaves uncorrelated are written as ``0*``, and semopy's lower bound of 0 on variances
  is removed (lavaan and the native engine do not bound variances);
* after building and again after fitting, semopy's parameter list is compared row by row with our
  table (same parameters, same fixed/free status, same fixed values, same sharing); any
  difference raises ``RuntimeError`` instead of silently fitting another model.

Estimation: without a mean structure, semopy's Wishart ML objective (``obj="MLW"``:
``tr(S Sigma^-1) + log|Sigma| - log|S| - p``, i.e. our ``F_ML``), given the complete-case data and
our covariance matrix (divisor N, which is also semopy's own); with a mean structure,
``semopy.ModelMeans`` with ``obj="ML"`` (its FIML objective, which on complete rows is the normal
likelihood with means). scipy's SLSQP runs with ``ftol=1e-16``: semopy's default ``ftol=1e-6``
leaves Holzinger-Swineford loadings about 1e-3 from lavaan's; with 1e-16 the estimates agree with
the native engine to 1e-7 on every lavaan reference case (L-BFGS-B and trust-constr, tried with
tight tolerances, stopped far from the optimum on the Political Democracy model). semopy starts
from relqual's starting values (see :func:`set_starting_values`). Standard errors come from
semopy's expected Fisher information (``calc_fim``: ``N/2 tr(Sigma^-1 dSigma_k Sigma^-1
dSigma_l)`` plus ``N dmu_k' Sigma^-1 dmu_l`` with means; lavaan's default). The chi-square, fit
measures, standardized solution and ``:=`` parameters are computed by relqual's own code at
semopy's estimates, so the Result has the same shape as a native fit; ``result.semopy_model``,
``result.semopy_syntax`` and ``result.semopy_status`` (the row-by-row check) are kept for
inspection.

Not available with this engine (``NotImplementedError``): multiple groups (semopy's multigroup
fits the groups separately, without cross-group constraints), thresholds (``|``), variables that
appear only in ``~~`` rows, names semopy's parser cannot read. ``==`` constraints are supported:
the parameter table has already turned them into shared parameters or fixed values.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine.inference import vcov_from_information
from .engine.loss import NotPositiveDefinite
from .engine.optimize import OptimResult
from .engine.start import starting_values
from .partable import ParTable

PARAM_PREFIX = "rq_p"
MODEL_OPS = ("=~", "~", "~~", "~1")
SOLVER = "SLSQP"
SOLVER_OPTIONS = {"ftol": 1e-16, "maxiter": 10000}
_SEMOPY_NAME = re.compile(r"^[A-Za-z_][\w.]*$")
# semopy log records that restate what we already check ourselves, or are expected here
_QUIET_LOG = ("No fixed loadings", "Solver didn", "Fisher Information Matrix is not PD",
              "Covariances between _outputs")


@dataclass
class Translation:
    """Our parameter table as semopy syntax, and the key of every row in semopy's own terms.

    Parameters
    ----------
    syntax : str
        Explicit semopy syntax, one line per row (free parameters named ``rq_p<k>``).
    row_keys : dict
        Row index -> (lval, op, rval) as semopy lists it (``x1 ~ 1``: mean).
    row_values : dict
        Row index -> fixed value (fixed rows only).
    extra_zero : list
        (lval, "~~", rval) covariances fixed to 0 to block semopy defaults.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> print(translate(problem.partable, problem.samples[0]).syntax)
    f =~ 1*x1
    f =~ rq_p1*x2
    f =~ rq_p2*x3
    x1 ~~ rq_p3*x1
    x2 ~~ rq_p4*x2
    x3 ~~ rq_p5*x3
    f ~~ rq_p6*f
    """

    syntax: str
    row_keys: dict          # row index -> (lval, op, rval) as semopy lists it ("x1 ~ 1": mean)
    row_values: dict        # row index -> fixed value (fixed rows only)
    extra_zero: list        # (lval, "~~", rval) covariances fixed to 0 to block semopy defaults


def optimize_with_semopy(problem, control: dict) -> OptimResult:
    """Step 4 of a fit with semopy as the optimizer (see the module docstring): the optimum,
    semopy's covariance of the estimates, its log messages, and for inspection
    ``details`` = ``semopy_model``, ``semopy_status`` (the row-by-row check), ``semopy_syntax``.

    Parameters
    ----------
    problem : Problem
        A single-group ML problem.
    control : dict
        ``max_iter`` only.

    Returns
    -------
    OptimResult
        With relqual's objective, gradient and expected information at semopy's estimates, and
        semopy's ``vcov``.

    Raises
    ------
    NotImplementedError
        For what semopy cannot fit like lavaan (:func:`refuse_untranslatable`).
    RuntimeError
        When semopy's model does not match the parameter table (:func:`check_translation`).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> opt = optimize_with_semopy(problem, {})
    >>> opt.converged, opt.message, sorted(opt.details)
    (True, 'semopy SLSQP: Optimization terminated successfully',
     ['semopy_model', 'semopy_status', 'semopy_syntax'])
    >>> bool(abs(opt.x - rq.fit("f =~ x1 + x2 + x3", hs).x).max() < 1e-5)
    True
    """
    semopy = _import_semopy()
    partable, samples = problem.partable, problem.samples
    refuse_untranslatable(partable)
    options = _solver_options(control)
    sample = samples[0]
    translation = translate(partable, sample)
    frame = pd.DataFrame(problem.data.arrays[0], columns=list(sample.names))

    with _SemopyLog() as log:
        model = build_model(semopy, translation, partable.meanstructure)
        check_translation(model, partable, translation)           # before fitting: structure
        set_starting_values(model, partable, samples)
        started = time.perf_counter()
        if partable.meanstructure:          # ModelMeans "ML" = its FIML objective on complete rows
            solution = model.fit(frame, obj="ML", solver=SOLVER, options=options)
        else:
            cov = pd.DataFrame(sample.cov, index=frame.columns, columns=frame.columns)
            solution = model.fit(frame, cov=cov, obj="MLW", solver=SOLVER, options=options)
        seconds = time.perf_counter() - started
        status = check_translation(model, partable, translation)  # after fitting: estimates too
        try:
            fim, fim_inv = model.calc_fim(inverse=True)
            # semopy inverts whatever Cholesky accepts; apply the native engine's singularity rule
            invertible = vcov_from_information(fim, n_total=2)[1]      # (2/2) * fim = fim
            fim_singular = bool(getattr(model, "_fim_warn", False)) or not invertible
        except np.linalg.LinAlgError:                # implied covariance not positive definite
            fim_inv, fim_singular = np.full((partable.npar, partable.npar), np.nan), True

    order = np.array([int(name[len(PARAM_PREFIX):]) - 1 for name in active_names(model)])
    x = np.empty(partable.npar)
    x[order] = model.param_vals
    vcov = np.full((partable.npar, partable.npar), np.nan)
    if not fim_singular:
        vcov[np.ix_(order, order)] = fim_inv
    try:              # our ML objective, gradient and information at semopy's estimates
        fmin, gradient, information = problem.loss.value_gradient_information(x)
    except NotPositiveDefinite:
        fmin, gradient = np.inf, np.full(partable.npar, np.nan)
        information = np.full((partable.npar, partable.npar), np.nan)
    iterations = int(solution.n_it) if np.isfinite(solution.n_it) else 0
    return OptimResult(
        x=x, fmin=float(fmin), gradient=gradient, information=information,
        iterations=iterations, converged=bool(solution.success),
        message=f"semopy {SOLVER}: {solution.message}", vcov=vcov,
        vcov_invertible=not fim_singular, notes=tuple(log.messages),
        call=dict(engine="semopy", semopy_version=semopy.__version__, semopy_solver=SOLVER,
                  semopy_seconds=seconds),
        details=dict(semopy_model=model, semopy_status=status,
                     semopy_syntax=translation.syntax))


def _solver_options(control: dict) -> dict:
    unknown = set(control) - {"max_iter"}
    if unknown:
        raise ValueError(f"engine='semopy' accepts the control setting max_iter only "
                         f"(got {sorted(unknown)})")
    options = dict(SOLVER_OPTIONS)
    if "max_iter" in control:
        options["maxiter"] = int(control["max_iter"])
    return options


def _import_semopy():
    try:
        import semopy
    except ImportError:                                       # pragma: no cover
        raise ImportError("engine='semopy' needs the semopy package: pip install semopy") from None
    return semopy


# ------------------------------------------------------------------------------ translation

def refuse_untranslatable(partable: ParTable) -> None:
    """NotImplementedError (naming the model line) for what semopy cannot fit like lavaan.

    Parameters
    ----------
    partable : ParTable

    Returns
    -------
    None

    Raises
    ------
    NotImplementedError
        For several groups, names semopy cannot read, operators other than ``=~ ~ ~~ ~1 :=
        ==``, and variables that appear only in ``~~`` rows.

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> refuse_untranslatable(build_partable("f =~ x1 + x2 + x3"))
    >>> refuse_untranslatable(build_partable("f =~ x1 + x2 + x3; x4 ~~ x5"))
    Traceback (most recent call last):
    ...
    NotImplementedError: line 1: 'x4' appears only in variances or covariances; semopy needs every
    variable in a '=~' or '~' formula
    """
    tab = partable.table
    if partable.ngroups > 1:
        raise NotImplementedError("engine='semopy' fits one group only: semopy's multigroup "
                                  "analysis fits the groups separately, without cross-group "
                                  "constraints; use engine='native'")
    for row in tab.itertuples():
        if row.op in MODEL_OPS:
            for name in (row.lhs, row.rhs) if row.op != "~1" else (row.lhs,):
                if not _SEMOPY_NAME.match(name):
                    raise NotImplementedError(_at(row.line) + f"semopy cannot read the variable "
                                              f"name '{name}' (letters, digits, '_' and '.' only, "
                                              "not starting with '.' or a digit)")
        elif row.op not in (":=", "=="):
            raise NotImplementedError(_at(row.line) + f"engine='semopy' cannot translate "
                                      f"'{row.lhs} {row.op} {row.rhs}'; use engine='native'")
    structural = set(tab.loc[tab["op"].isin(["=~", "~"]), ["lhs", "rhs"]].to_numpy().ravel())
    for row in tab[tab["op"] == "~~"].itertuples():
        for name in (row.lhs, row.rhs):
            if name not in structural:
                raise NotImplementedError(_at(row.line) + f"'{name}' appears only in variances or "
                                          "covariances; semopy needs every variable in a '=~' or "
                                          "'~' formula")


def _at(line) -> str:
    return f"line {int(line)}: " if line else ""


def fixed_value(row, sample) -> float:
    """A fixed row's value: ``ustart``, or for fixed.x rows (``exo``) the sample moment.

    Parameters
    ----------
    row : namedtuple
        A row of ``partable.table.itertuples()``.
    sample : SampleStats
        The sample moments.

    Returns
    -------
    float
        0 for a fixed row without a value.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> first = next(problem.partable.table.itertuples())
    >>> first.lhs, first.op, first.rhs, fixed_value(first, problem.samples[0])
    ('f', '=~', 'x1', 1.0)
    """
    if row.exo:
        names = list(sample.names)
        if row.op == "~1":
            return float(sample.mean[names.index(row.lhs)])
        return float(sample.cov[names.index(row.lhs), names.index(row.rhs)])
    return 0.0 if np.isnan(row.ustart) else float(row.ustart)


def _number(value: float) -> str:
    """A float semopy's parser reads back exactly (no exponent: '+' would split the term)."""
    return np.format_float_positional(value, unique=True, trim="-")


def semopy_key(lhs: str, op: str, rhs: str) -> tuple:
    """How semopy lists our row: loadings as ``indicator ~ factor``, intercepts as ``x ~ 1``.

    Parameters
    ----------
    lhs, op, rhs : str
        A row of our parameter table.

    Returns
    -------
    tuple
        (lval, op, rval); covariances with the names in sorted order.

    Examples
    --------
    >>> semopy_key("f", "=~", "x1"), semopy_key("x1", "~1", ""), semopy_key("x2", "~~", "x1")
    (('x1', '~', 'f'), ('x1', '~', '1'), ('x1', '~~', 'x2'))
    """
    if op == "=~":
        return (rhs, "~", lhs)
    if op == "~1":
        return (lhs, "~", "1")
    if op == "~~":
        return (lhs, "~~", rhs) if lhs <= rhs else (rhs, "~~", lhs)
    return (lhs, op, rhs)


def translate(partable: ParTable, sample) -> Translation:
    """Our parameter table as explicit semopy syntax (one line per row).

    Parameters
    ----------
    partable : ParTable
    sample : SampleStats
        For the values of fixed.x rows.

    Returns
    -------
    Translation

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> translation = translate(problem.partable, problem.samples[0])
    >>> translation.row_keys[0], translation.row_values, translation.extra_zero
    (('x1', '~', 'f'), {0: 1.0}, [])
    """
    tab = partable.table
    lines, row_keys, row_values = [], {}, {}
    for k, row in zip(tab.index, tab.itertuples()):
        if row.op not in MODEL_OPS:
            continue
        if row.free > 0:
            modifier = f"{PARAM_PREFIX}{int(row.free)}"
        else:
            row_values[k] = fixed_value(row, sample)
            modifier = _number(row_values[k])
        lval, op, rval = key = semopy_key(row.lhs, row.op, row.rhs)
        if row.op == "=~":
            lval, op, rval = row.lhs, row.op, row.rhs
        lines.append(f"{lval} {op} {modifier}*{rval}")
        row_keys[k] = key
    extra_zero = [semopy_key(a, "~~", b)
                  for a, b in _unlisted_exogenous_pairs(tab, set(row_keys.values()))]
    lines += [f"{a} ~~ 0*{b}" for a, _, b in extra_zero]
    return Translation("\n".join(lines), row_keys, row_values, extra_zero)


def _unlisted_exogenous_pairs(tab: pd.DataFrame, listed: set) -> list:
    """Pairs of observed exogenous variables (in semopy's sense) our table leaves uncorrelated.

    semopy fixes the covariance of such a pair at its sample value unless told otherwise.
    """
    lv = set(tab.loc[tab["op"] == "=~", "lhs"])
    reg = tab[tab["op"] == "~"]
    loads = tab[tab["op"] == "=~"]
    receiving = set(reg["lhs"]) | set(loads["rhs"])
    sending = set(reg["rhs"]) | set(loads["lhs"])
    exo = sorted(v for v in sending - receiving if v not in lv)
    return [(a, b) for i, a in enumerate(exo) for b in exo[i + 1:]
            if semopy_key(a, "~~", b) not in listed]


def build_model(semopy, translation: Translation, meanstructure: bool = False):
    """semopy ``Model`` (``ModelMeans`` with a mean structure), variance bounds removed.

    Parameters
    ----------
    semopy : module
        The semopy package.
    translation : Translation
    meanstructure : bool

    Returns
    -------
    semopy.Model or semopy.ModelMeans
        Built with ``cov_diag=True``.

    Raises
    ------
    NotImplementedError
        When semopy cannot build the translated model.

    Examples
    --------
    >>> import semopy
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> model = build_model(semopy, translate(problem.partable, problem.samples[0]))
    >>> type(model).__name__, active_names(model)
    ('Model', ['rq_p1', 'rq_p2', 'rq_p3', 'rq_p4', 'rq_p5', 'rq_p6'])
    """
    kind = semopy.ModelMeans if meanstructure else semopy.Model
    try:
        model = kind(translation.syntax, cov_diag=True)
    except Exception as exc:                                     # semopy raises many kinds
        raise NotImplementedError(f"semopy could not build the translated model ({exc}); "
                                  "use engine='native'") from exc
    for parameter in model.parameters.values():
        parameter.bound = (None, None)
    return model


def set_starting_values(model, partable: ParTable, samples) -> None:
    """Start semopy from relqual's starting values (a user's ``start()`` included).

    semopy's own starting values are not usable here: its ``start_lambda`` (2.3.11) loops
    forever when a factor has no fixed loading (std_lv models, ``NA*`` first loadings), and its
    latent variances of 0.05 sent the unbounded mean-structure fit of Holzinger-Swineford into
    a negative-variance region (no convergence after 255 SLSQP iterations). Starting values only
    choose the path; the optimum, objective, optimizer and standard errors remain semopy's.

    Parameters
    ----------
    model : semopy.Model
        Built by :func:`build_model` (changed in place).
    partable : ParTable
    samples : list of SampleStats

    Returns
    -------
    None

    Examples
    --------
    >>> import semopy
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> model = build_model(semopy, translate(problem.partable, problem.samples[0]))
    >>> set_starting_values(model, problem.partable, problem.samples)
    >>> model.parameters["rq_p1"].start == float(problem.x0[0])
    True
    """
    x0 = starting_values(partable, samples)
    for name, p in model.parameters.items():
        if p.active and name.startswith(PARAM_PREFIX):
            p.start = float(x0[int(name[len(PARAM_PREFIX):]) - 1])


def active_names(model) -> list[str]:
    """semopy's free parameters, in the order of ``param_vals`` and of its information matrix.

    Parameters
    ----------
    model : semopy.Model

    Returns
    -------
    list of str

    Examples
    --------
    >>> import semopy
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> active_names(build_model(semopy, translate(problem.partable, problem.samples[0])))[:2]
    ['rq_p1', 'rq_p2']
    """
    return [name for name, p in model.parameters.items() if p.active]


def semopy_parameters(model) -> pd.DataFrame:
    """semopy's parameter list: ``lval op rval name active value``, one row per matrix entry.

    Parameters
    ----------
    model : semopy.Model

    Returns
    -------
    DataFrame
        ``value``: the estimate of an active parameter after fitting (NaN before), the fixed
        value of an inactive one.

    Examples
    --------
    >>> import semopy
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> semopy_parameters(build_model(semopy, translate(problem.partable, problem.samples[0])))
      lval  op rval   name  active  value
    0   x1   ~    f    _b1   False    1.0
    1   x2   ~    f  rq_p1    True    NaN
    2   x3   ~    f  rq_p2    True    NaN
    3    f  ~~    f  rq_p6    True    NaN
    4   x1  ~~   x1  rq_p3    True    NaN
    5   x2  ~~   x2  rq_p4    True    NaN
    6   x3  ~~   x3  rq_p5    True    NaN
    """
    rows = []
    values = dict(zip(active_names(model), getattr(model, "param_vals", [])))
    for mx_name, mx, (row_names, col_names) in zip(model.matrices_names, model.matrices,
                                                    model.names):
        op = "~~" if mx_name in ("psi", "theta") else "~"      # beta lambda gamma1 gamma2
        for name, p in model.parameters.items():
            for loc in p.locations:
                if loc.matrix is mx:
                    a, b = row_names[loc.indices[0]], col_names[loc.indices[1]]
                    key = semopy_key(a, op, b) if op == "~~" else (a, op, b)
                    if p.active:
                        value = values.get(name, np.nan)
                    else:
                        value = np.nan if p.start is None else float(p.start)
                    rows.append(key + (name, bool(p.active), value))
    return pd.DataFrame(rows, columns=["lval", "op", "rval", "name", "active", "value"])


def check_translation(model, partable: ParTable, translation: Translation) -> pd.DataFrame:
    """Row-by-row comparison of semopy's parameters with our table; RuntimeError on a mismatch.

    Parameters
    ----------
    model : semopy.Model
    partable : ParTable
    translation : Translation

    Returns
    -------
    DataFrame
        One row per parameter-table row: ``lhs op rhs free semopy_name semopy_free
        fixed_value semopy_value``.

    Raises
    ------
    RuntimeError
        Listing every mismatch.

    Examples
    --------
    >>> import semopy
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> problem = rq.fit("f =~ x1 + x2 + x3", hs).problem
    >>> translation = translate(problem.partable, problem.samples[0])
    >>> status = check_translation(build_model(semopy, translation), problem.partable, translation)
    >>> status[["lhs", "op", "rhs", "free", "semopy_name"]].head(3)
      lhs  op rhs  free semopy_name
    0   f  =~  x1     0         _b1
    1   f  =~  x2     1       rq_p1
    2   f  =~  x3     2       rq_p2
    """
    params = semopy_parameters(model)
    by_key = {}
    for r in params.itertuples(index=False):
        key = (r.lval, r.op, r.rval)
        if key in by_key:
            raise RuntimeError(f"semopy has two parameters for {' '.join(key)}")
        by_key[key] = r
    tab = partable.table
    out, problems = [], []
    for k, key in translation.row_keys.items():
        row = tab.loc[k]
        found = by_key.pop(key, None)
        desc = f"'{row['lhs']} {row['op']} {row['rhs']}'"
        if found is None:
            problems.append(f"{desc} is missing in semopy")
            continue
        want = f"{PARAM_PREFIX}{int(row['free'])}" if row["free"] > 0 else None
        if row["free"] > 0 and (not found.active or found.name != want):
            problems.append(f"{desc} is free (parameter {row['free']}) here but "
                            f"{'fixed' if not found.active else found.name} in semopy")
        if row["free"] == 0 and (found.active or found.value != translation.row_values[k]):
            problems.append(f"{desc} is fixed at {translation.row_values[k]} here but "
                            f"{'free' if found.active else found.value} in semopy")
        out.append(dict(lhs=row["lhs"], op=row["op"], rhs=row["rhs"], free=int(row["free"]),
                        semopy_name=found.name, semopy_free=bool(found.active),
                        fixed_value=translation.row_values.get(k, np.nan),
                        semopy_value=found.value))
    for key in translation.extra_zero:
        found = by_key.pop(key, None)
        if found is None or found.active or found.value != 0:
            problems.append(f"the zero covariance {' '.join(key)} did not reach semopy")
    for key, found in by_key.items():
        problems.append(f"semopy added a parameter our model does not have: {' '.join(key)} "
                        f"({'free' if found.active else f'fixed at {found.value}'})")
    if problems:
        raise RuntimeError("the semopy translation does not match the parameter table: "
                           + "; ".join(problems))
    return pd.DataFrame(out)


class _SemopyLog(logging.Filter):
    """Collects semopy's root-logger warnings while active (and keeps them off the console)."""

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if "semopy" not in record.pathname:
            return True
        text = " ".join(record.getMessage().split())
        if record.levelno >= logging.WARNING and not text.startswith(_QUIET_LOG):
            self.messages.append(f"semopy: {text}")
        return False

    def __enter__(self):
        logging.getLogger().addFilter(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeFilter(self)
        return False
