"""``fit()``: the pipeline syntax -> parameter table -> data -> estimates -> Result.

Each step is one call into its own module (lavaan's ``lav_lavaan_step*`` in spirit):
``partable.build_partable`` -> ``data.prepare_data`` -> ``engine.samplestats`` ->
``engine.matrices`` -> ``engine.start`` -> ``engine.optimize`` -> ``engine.inference`` ->
``result.Result`` (which computes fit measures and tables on request).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from . import models as model_library
from .data import FIML_NAMES, DataError, check_group_column, check_groups_kept, prepare_data
from .engine.inference import unidentified_parameters, vcov_from_information
from .engine.loss import MLLoss, Piece
from .engine.matrices import RamModel
from .engine.missing import IncompleteData
from .engine.optimize import minimize
from .engine.robust import robust_ml
from .engine.samplestats import SampleStats
from .engine.start import starting_values
from .engine.threads import single_threaded
from .partable import ParTable, build_partable
from .result import Result, RelqualWarning
from .syntax import ModelSyntaxError

ESTIMATORS_PLANNED = ("ULS", "GLS", "DWLS")


@single_threaded
def fit(model, data, estimator: str = "ML", missing: str = "listwise", ordered=None,
        group: str | None = None, group_equal=(), se: str = "standard", bootstrap: int = 0,
        seed=None, engine: str = "native", *, std_lv: bool = False,
        meanstructure: bool | None = None, fixed_x: bool = True,
        control: dict | None = None, n_jobs: int = 1, group_partial=()) -> Result:
    """Fit a structural equation model to data by maximum likelihood, the way lavaan's ``sem()`` does.

    ``model`` is lavaan syntax, a :class:`~relqual.models.ModelSpec`, a library model name or a
    path to a model file; ``data`` a pandas DataFrame (never modified). ``control`` passes
    optimizer settings (``max_iter``, ``gtol``). ``se="bootstrap"`` with ``bootstrap=B`` refits the
    model to B resamples of the rows (``seed``, ``n_jobs`` workers) and takes standard errors and
    percentile intervals from them. ``group`` names a column: one model per group (in order of
    first appearance, as lavaan), with ``group_equal`` / ``group_partial`` as lavaan's
    ``group.equal`` / ``group.partial``; multigroup models have a mean structure by default.
    ``estimator="WLSMV"`` with ``ordered`` (a list of columns, or True for every observed
    variable) fits ordinal items as lavaan does (:mod:`relqual.ordinal`); ``ordered`` with the
    default estimator switches to WLSMV, lavaan's default for ordered data.
    Returns a :class:`~relqual.result.Result`.
    """
    spec = resolve_model(model)
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    estimator = str(estimator).upper()
    if _wants_ordered(ordered) and estimator == "ML":
        estimator = "WLSMV"                   # lavaan's default estimator for ordered data
    _check_options(estimator, ordered, group, group_equal, se, bootstrap, engine, missing)
    if isinstance(group_equal, str):
        group_equal = [group_equal]
    if isinstance(group_partial, str):
        group_partial = [group_partial]
    ngroups = count_groups(data, group)
    if estimator == "WLSMV":
        from .ordinal import fit_wlsmv
        call = dict(estimator="WLSMV", missing=missing, std_lv=std_lv, fixed_x=fixed_x,
                    group=group, group_equal=list(group_equal),
                    group_partial=list(group_partial), engine=engine,
                    control=dict(control or {}))
        result = fit_wlsmv(spec, data, ordered=ordered, group=group, ngroups=ngroups,
                           group_equal=group_equal, group_partial=group_partial, std_lv=std_lv,
                           fixed_x=fixed_x, control=dict(control or {}), call=call,
                           check_scales=check_scales)
        if se == "bootstrap":            # resamples recompute the polychorics (as lavaan)
            result.use_bootstrap_se(result.bootstrap(bootstrap, seed=seed, n_jobs=n_jobs))
            result.call.update(se="bootstrap", bootstrap=bootstrap, seed=seed)
        return result
    if (ngroups > 1 or missing in FIML_NAMES) and meanstructure is None:
        meanstructure = True
    if missing in FIML_NAMES and meanstructure is False:
        raise ValueError("FIML needs a mean structure; leave meanstructure unset")
    partable = build_partable(spec.syntax, std_lv=std_lv, meanstructure=meanstructure,
                              fixed_x=fixed_x, ngroups=ngroups, group_equal=tuple(group_equal),
                              group_partial=tuple(group_partial))
    prepared = prepare_data(data, partable.roles.ov, first_line=partable.roles.first_line,
                            missing=missing, group=group)
    check_groups_kept(data, group, prepared)
    incomplete = None
    if missing in FIML_NAMES:
        if partable.roles.ov_x and fixed_x:
            x_pos = [partable.roles.ov.index(v) for v in partable.roles.ov_x]
            if any(np.isnan(a[:, x_pos]).any() for a in prepared.arrays):
                raise NotImplementedError(
                    "FIML with fixed observed covariates that have missing values "
                    f"({', '.join(partable.roles.ov_x)}) is not available; fit with "
                    "fixed_x=False to model the covariates, or complete them")
        incomplete = [IncompleteData.from_array(a, partable.roles.ov) for a in prepared.arrays]
        samples = [inc.h1 for inc in incomplete]
    else:
        samples = [SampleStats.from_array(a, partable.roles.ov) for a in prepared.arrays]
    call = dict(estimator=estimator, missing=missing, std_lv=std_lv, fixed_x=fixed_x,
                group=group, group_equal=list(group_equal), group_partial=list(group_partial),
                meanstructure=partable.meanstructure, engine=engine, control=dict(control or {}))
    if engine == "semopy":
        from .semopy_engine import fit_with_semopy
        return fit_with_semopy(spec, partable, samples, prepared, call)
    result = estimate(spec, partable, samples, prepared, call, incomplete)
    if se == "bootstrap":
        result.use_bootstrap_se(result.bootstrap(bootstrap, seed=seed, n_jobs=n_jobs))
        call.update(se="bootstrap", bootstrap=bootstrap, seed=seed)
    return result


def resolve_model(model) -> model_library.ModelSpec:
    """Syntax string, ModelSpec, library name or model-file path -> ModelSpec."""
    if isinstance(model, model_library.ModelSpec):
        return model
    if not isinstance(model, (str, Path)):
        raise TypeError("model must be lavaan syntax, a ModelSpec, a library model name or a "
                        f"path to a model file (got {type(model).__name__})")
    text = str(model)
    path = Path(text).expanduser() if "\n" not in text and len(text) < 4096 else None
    if path is not None and path.is_file():
        if path.suffix == ".toml":
            return model_library.ModelSpec.from_toml(path)
        return model_library.ModelSpec(name=path.stem, syntax=path.read_text(encoding="utf-8"))
    if any(op in text for op in ("~", ":=")):
        return model_library.ModelSpec(name="user model", syntax=text)
    try:
        return model_library.load(text)
    except KeyError as exc:
        raise ValueError(f"'{text}' is neither model syntax (no '=~', '~' or '~~' found), nor a "
                         f"model file, nor a library model. {exc.args[0]}") from None


def _check_options(estimator, ordered, group, group_equal, se, bootstrap, engine,
                   missing="listwise"):
    if estimator.upper() not in ("ML", "MLR", "WLSMV"):
        if estimator.upper() in ESTIMATORS_PLANNED:
            raise NotImplementedError(f"estimator='{estimator}' is planned but not available yet; "
                                      "use estimator='ML', 'MLR' or 'WLSMV'")
        raise ValueError(f"unknown estimator '{estimator}'; choose from ML, MLR, WLSMV, "
                         + ", ".join(ESTIMATORS_PLANNED))
    if estimator.upper() == "WLSMV":
        if not _wants_ordered(ordered):
            raise NotImplementedError("estimator='WLSMV' for continuous data is not available yet; "
                                      "it is for ordinal items: name them with ordered=[...] or "
                                      "ordered=True (for continuous non-normal data use "
                                      "estimator='MLR')")
        if missing in FIML_NAMES:
            raise NotImplementedError("missing='fiml' is not available with estimator='WLSMV' "
                                      "(lavaan's WLSMV uses listwise deletion, or pairwise with "
                                      "missing='pairwise', which relqual does not offer yet); "
                                      "use missing='listwise'")
        if engine != "native":
            raise NotImplementedError("estimator='WLSMV' is available with engine='native' only; "
                                      "semopy has no WLSMV")
    elif _wants_ordered(ordered):
        raise ValueError(f"ordered (categorical) indicators need estimator='WLSMV' (lavaan's "
                         f"default for ordered data), not '{estimator}'")
    if group_equal and group is None:
        raise ValueError("group_equal needs group= (the column that defines the groups)")
    if se not in ("standard", "bootstrap"):
        raise NotImplementedError(f"se='{se}' is not available; use 'standard' or 'bootstrap'")
    if se == "bootstrap" and bootstrap < 2:
        raise ValueError("se='bootstrap' needs the number of resamples, e.g. bootstrap=1000")
    if bootstrap and se != "bootstrap":
        raise ValueError(f"bootstrap={bootstrap} was given but se='{se}'; use se='bootstrap'")
    if engine == "semopy" and se != "standard":
        raise NotImplementedError("engine='semopy' gives semopy's standard errors only; use "
                                  "engine='native' for se='bootstrap'")
    if engine not in ("native", "semopy"):
        raise ValueError(f"unknown engine '{engine}'; choose 'native' or 'semopy'")


def _wants_ordered(ordered) -> bool:
    """ordered=True, a column name or a non-empty list of them."""
    if ordered is None or ordered is False:
        return False
    return ordered is True or isinstance(ordered, str) or len(ordered) > 0


def count_groups(data, group: str | None) -> int:
    """Number of groups (distinct non-missing values of the ``group`` column)."""
    if group is None:
        return 1
    check_group_column(data, group)
    n = int(data[group].dropna().nunique())
    if n < 2:
        raise DataError(f"group column '{group}' has {n} distinct value(s); at least 2 are needed")
    return n


def count_moments(partable: ParTable, samples: list[SampleStats]) -> int:
    """Number of sample moments the model reproduces (fixed.x moments excluded, as lavaan)."""
    nx = len(partable.roles.ov_x) if partable.options["fixed_x"] else 0
    total = 0
    for s in samples:
        p = len(s.names)
        total += p * (p + 1) // 2 - nx * (nx + 1) // 2
        if partable.meanstructure:
            total += p - nx
    return total


def check_scales(partable: ParTable) -> None:
    """Every latent variable needs a scale: a fixed nonzero loading or a fixed variance."""
    col = partable.col
    for lv in partable.roles.lv:
        loads = (col["op"] == "=~") & (col["lhs"] == lv)
        var = (col["op"] == "~~") & (col["lhs"] == lv) & (col["rhs"] == lv)
        fixed_loading = np.any(loads & (col["free"] == 0) & (col["ustart"] != 0))
        fixed_var = np.any(var & (col["free"] == 0))
        if not (fixed_loading or fixed_var):
            line = int(col["line"][loads][0]) if loads.any() else None
            raise ModelSyntaxError(f"latent variable '{lv}' has no scale, so the model is not "
                                   "identified: fix one loading (e.g. 1*x) or its variance "
                                   f"('{lv} ~~ 1*{lv}'), or fit with std_lv=True", line, lv)


def estimate(spec, partable: ParTable, samples: list[SampleStats], prepared, call,
             incomplete: list | None = None) -> Result:
    """Maximum-likelihood estimation; standard errors from the expected information for
    complete data, from the observed information (the Hessian) under FIML, as lavaan's
    defaults. ``incomplete``: per group IncompleteData (FIML), whose patterns become the
    pieces of the discrepancy; ``samples`` then hold the EM (H1) moments."""
    check_scales(partable)
    npar = partable.npar
    moments = count_moments(partable, samples)
    if npar > moments:
        raise ModelSyntaxError(f"the model has {npar} free parameters but the data give only "
                               f"{moments} sample moments (df = {moments - npar} < 0): "
                               "the model is not identified")
    messages = list(prepared.notes)
    models = [RamModel(partable, g, s) for g, s in enumerate(samples, start=1)]
    pieces = None
    if incomplete is not None:
        pieces = [Piece.pattern(g, pat) for g, inc in enumerate(incomplete)
                  for pat in inc.patterns]
    loss = MLLoss(models, samples, pieces)
    x0 = starting_values(partable, samples)
    unknown = set(call["control"]) - {"max_iter", "gtol"}
    if unknown:
        raise ValueError(f"unknown control setting(s) {sorted(unknown)}; use max_iter, gtol")
    opt = minimize(loss, x0, **call["control"])
    if not opt.converged:
        messages.append(f"the optimizer did not converge ({opt.message}; largest gradient "
                        f"{np.nanmax(np.abs(opt.gradient)):.2g}): estimates are not trustworthy")
    information = opt.information
    if (incomplete is not None or call["estimator"] == "MLR") and np.all(np.isfinite(opt.x)):
        information = loss.observed_hessian(opt.x)[2]
    vcov, invertible = vcov_from_information(information, loss.n_total)
    if not invertible and np.all(np.isfinite(information)):
        bad = unidentified_parameters(information)
        names = parameter_names(partable, bad)
        messages.append("the information matrix is singular, so the model is probably not "
                        "identified; standard errors are not available. Parameters involved: "
                        + ", ".join(names))
    result = Result(spec=spec, partable=partable, models=models, samples=samples, x=opt.x,
                    vcov=vcov, optim=opt, prepared=prepared, call=call, messages=messages,
                    moments=moments, incomplete=incomplete, pieces=loss.pieces)
    if call["estimator"] == "MLR" and invertible:
        result.use_robust(robust_ml(result, prepared.arrays))
    for message in result.warnings:
        warnings.warn(message, RelqualWarning, stacklevel=3)
    return result


def parameter_names(partable: ParTable, indices: list[int]) -> list[str]:
    """'lhs op rhs' of free parameters by 0-based index."""
    col = partable.col
    names = []
    for k in indices:
        row = np.flatnonzero(col["free"] == k + 1)[0]
        names.append(f"{col['lhs'][row]} {col['op'][row]} {col['rhs'][row]}".strip())
    return names
