"""WLSMV for ordinal (Likert) items: ``rq.fit(model, data, estimator="WLSMV", ordered=...)``.

The pipeline follows lavaan's defaults for ``sem(..., ordered = ..., estimator = "WLSMV")``:
listwise deletion, thresholds and polychoric correlations with their asymptotic covariance
(:mod:`relqual.engine.polychoric`), DWLS estimation under the delta parameterization, robust
("robust.sem") standard errors and the scaled-shifted test (:mod:`relqual.engine.wls`).

Parameter table (lavaan's ``parTable()`` for ordered indicators, built here from the ordinary
table of :func:`relqual.partable.build_partable` with a mean structure): after the user's rows
come the thresholds ``item | t1``, ``item | t2``, ... (free), then the default variances and
covariances, where an ordered item's residual variance is fixed (its value is computed, so that
the item's latent response has variance 1), then one scaling row ``item ~*~ item`` fixed at 1
per ordered item, then the intercepts, fixed at 0 for ordered items (latent means fixed at 0).
Free parameters are numbered in row order, as lavaan.
"""
from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd

from .data import DataError, check_groups_kept, prepare_data
from .engine import wls
from .engine.inference import standardize, unidentified_parameters
from .engine.matrices import KIND_S
from .engine.optimize import minimize
from .engine.polychoric import ordinal_stats
from .engine.samplestats import SampleStats
from .engine.start import starting_values
from .engine.threads import single_blas_thread
from .partable import ParTable, build_partable
from .resample import Refitter
from .result import RelqualWarning, Result
from .syntax import ModelSyntaxError

MAX_CATEGORIES = 10


def fit_wlsmv(spec, data, *, ordered, group, ngroups, group_equal, group_partial, std_lv,
              fixed_x, control, call, check_scales) -> "OrdinalResult":
    """Fit ``spec`` by WLSMV (DWLS with robust SEs and the scaled-shifted test)."""
    if group_equal or group_partial:
        raise NotImplementedError("group_equal / group_partial with estimator='WLSMV' are not "
                                  "available yet (lavaan then frees scaling factors and latent "
                                  "means); fit the groups configurally or use estimator='ML'")
    base = build_partable(spec.syntax, std_lv=std_lv, meanstructure=True, fixed_x=fixed_x,
                          ngroups=ngroups)
    roles = base.roles
    names = _ordered_names(ordered, roles)
    prepared, levels = _prepare(data, roles, names, group)
    check_groups_kept(data, group, prepared)
    nth = {v: len(levels[v]) - 1 for v in names}
    partable = ordinal_partable(base, nth)
    check_scales(partable)
    ov = list(roles.ov)
    stats = []
    for values in prepared.arrays:
        codes = np.column_stack([np.searchsorted(levels[v], values[:, k])
                                 for k, v in enumerate(ov)])
        stats.append(ordinal_stats(codes, [len(levels[v]) for v in ov], ov))
    moments = sum(s.nth + len(s.pairs[0]) for s in stats)
    if partable.npar > moments:
        raise ModelSyntaxError(f"the model has {partable.npar} free parameters but the data give "
                               f"only {moments} thresholds and correlations (df = "
                               f"{moments - partable.npar} < 0): the model is not identified")
    samples = [SampleStats(tuple(ov), s.n, np.zeros(len(ov)), s.cor) for s in stats]
    models = [wls.OrdinalRamModel(partable, g, names) for g in range(1, ngroups + 1)]
    loss = wls.DWLSLoss(models, stats, partable)
    x0 = starting_values(partable, samples)
    for mp, st in zip(loss.maps, stats):
        free = mp.tau_param >= 0
        x0[mp.tau_param[free]] = st.th[free]
    unknown = set(control) - {"max_iter", "gtol"}
    if unknown:
        raise ValueError(f"unknown control setting(s) {sorted(unknown)}; use max_iter, gtol")
    opt = minimize(loss, x0, **control)
    messages = list(prepared.notes)
    if not opt.converged:
        messages.append(f"the optimizer did not converge ({opt.message}; largest gradient "
                        f"{np.nanmax(np.abs(opt.gradient)):.2g}): estimates are not trustworthy")
    for g, st in enumerate(stats):
        where = f" in group {prepared.group_labels[g]!r}" if ngroups > 1 else ""
        I, J = st.pairs
        for i, j in zip(I, J):
            if abs(st.cor[i, j]) > 0.99:
                messages.append(f"the polychoric correlation of '{ov[i]}' and '{ov[j]}'{where} "
                                f"is {st.cor[i, j]:.3f}, (nearly) 1")
    df = moments - partable.npar
    inf = wls.inference(loss, opt.x, df)
    if not inf.invertible:
        messages.append("the information matrix is singular, so the model is probably not "
                        "identified; standard errors and the scaled test are not available. "
                        "Parameters involved: " + ", ".join(_unidentified(partable, loss, opt.x)))
    messages += _single_ordinal_indicators(partable, names)
    call = dict(call, ordered=list(names), parameterization="delta", se="robust.sem",
                test="scaled.shifted", meanstructure=True)
    result = OrdinalResult(spec=spec, partable=partable, models=models, samples=samples,
                           x=opt.x, vcov=inf.vcov, optim=opt, prepared=prepared, call=call,
                           messages=messages, moments=moments)
    result.attach_wls(loss, stats, inf, levels)
    for message in result.warnings:
        warnings.warn(message, RelqualWarning, stacklevel=3)
    return result


def _unidentified(partable: ParTable, loss, x) -> list[str]:
    E = sum(D.T @ (w[:, None] * D) for D, w in
            zip((loss.delta(x, g) for g in range(len(loss.models))), loss.w))
    col = partable.col
    names = []
    for k in unidentified_parameters(E) if np.all(np.isfinite(E)) else []:
        row = np.flatnonzero(col["free"] == k + 1)[0]
        names.append(f"{col['lhs'][row]} {col['op'][row]} {col['rhs'][row]}".strip())
    return names


def _single_ordinal_indicators(partable: ParTable, names: list[str]) -> list[str]:
    """Under the delta parameterization a factor measured by one ordered item alone has no
    identified variance (the item's residual variance absorbs it), in lavaan too."""
    col = partable.col
    loads = (col["op"] == "=~") & (col["group"] == 1)
    out = []
    for lv in dict.fromkeys(col["lhs"][loads]):
        items = list(col["rhs"][loads & (col["lhs"] == lv)])
        var = (col["op"] == "~~") & (col["lhs"] == lv) & (col["rhs"] == lv) & (col["group"] == 1)
        if len(items) == 1 and items[0] in names and np.any(col["free"][var] > 0):
            out.append(f"'{lv}' has a single ordered indicator ({items[0]}): with the delta "
                       f"parameterization its (residual) variance is not identified; fix it "
                       f"(e.g. '{lv} ~~ 1*{lv}' for an exogenous factor) or use {items[0]} "
                       "itself in the structural model")
    return out


# ------------------------------------------------------------------ inputs

def _ordered_names(ordered, roles) -> list[str]:
    """``ordered=True`` -> every observed variable of the model; a list is checked against it."""
    ov = list(roles.ov)
    if ordered is True:                           # every observed variable but covariates
        names = [v for v in ov if v not in roles.ov_x]
    else:
        if isinstance(ordered, str):
            ordered = [ordered]
        names = list(dict.fromkeys(ordered))
        unknown = [v for v in names if v not in ov]
        if unknown:
            raise ValueError(f"ordered= names {', '.join(repr(v) for v in unknown)}, which "
                             f"{'is' if len(unknown) == 1 else 'are'} not observed variables of "
                             f"the model (its observed variables: {', '.join(ov)})")
    if roles.ov_x:
        raise NotImplementedError(
            f"observed covariates ({', '.join(roles.ov_x)}) with estimator='WLSMV' are not "
            "available yet (lavaan conditions on them: conditional.x); model them as latent "
            "variables' indicators or use estimator='ML'/'MLR'")
    continuous = [v for v in ov if v not in names]
    if continuous:
        raise NotImplementedError(
            f"the model mixes ordered and continuous variables ({', '.join(continuous)} "
            "continuous); polyserial correlations are not available yet, so with WLSMV every "
            "observed variable must be ordered (ordered=True)")
    return [v for v in ov if v in names]


def _prepare(data, roles, names: list[str], group):
    """Listwise deletion (lavaan's default for WLSMV) and the ordinal checks: integer codes,
    at least two and at most MAX_CATEGORIES categories, every category used in every group."""
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    ov = list(roles.ov)
    if isinstance(data, pd.DataFrame):            # ordered pandas categoricals: their codes
        cats = {v: data[v] for v in names if v in data.columns
                and isinstance(data[v].dtype, pd.CategoricalDtype) and data[v].dtype.ordered}
        if cats:
            data = data.assign(**{v: (c.cat.codes + 1).where(c.notna()).astype(float)
                                  for v, c in cats.items()})
    present = isinstance(data, pd.DataFrame) and all(
        v in data.columns for v in ov + ([group] if group else []))
    if present:
        frame = data[ov]
        if all(t.kind in "fiu" for t in frame.dtypes):
            values = frame.to_numpy(dtype=float, na_value=np.nan)
        else:
            values = np.column_stack([pd.to_numeric(frame[v], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan) for v in ov])
        complete = ~np.isnan(values).any(axis=1)
        if group is not None:
            complete &= data[group].notna().to_numpy()
        rows = data.index[complete]
        groups = data[group].to_numpy()[complete] if group is not None else None
        for v in names:
            _check_ordinal_column(v, values[complete, ov.index(v)], rows, groups)
    prepared = prepare_data(data, ov, first_line=roles.first_line, missing="listwise",
                            group=group)
    levels = {}
    for k, v in enumerate(ov):
        levels[v] = np.unique(np.concatenate([a[:, k] for a in prepared.arrays]))
    return prepared, levels


def _check_ordinal_column(name: str, values: np.ndarray, rows, groups) -> None:
    if len(values) == 0:
        return
    fraction = values % 1
    if np.any(fraction != 0):
        at = np.flatnonzero(fraction != 0)[0]
        raise DataError(f"ordered column '{name}' has non-integer values (e.g. {values[at]:g} in "
                        f"row {rows[at]!r}); ordinal items must be coded as whole numbers "
                        "(1, 2, 3, ...), or leave the column out of ordered= to treat it as "
                        "continuous")
    categories, codes = np.unique(values, return_inverse=True)
    if len(categories) < 2:
        raise DataError(f"ordered column '{name}' has only one category (every used answer is "
                        f"{categories[0]:g}), so it carries no information; remove it from the "
                        "model")
    if len(categories) > MAX_CATEGORIES:
        raise DataError(f"ordered column '{name}' has {len(categories)} categories (more than "
                        f"{MAX_CATEGORIES}); treat it as continuous: leave it out of ordered= and "
                        "fit with estimator='ML' or 'MLR'")
    if groups is None:
        return
    for label in pd.unique(groups):
        counts = np.bincount(codes[groups == label], minlength=len(categories))
        if np.any(counts == 0):
            missing = categories[counts == 0]
            table = ", ".join(f"{c:g}: {n}" for c, n in zip(categories, counts))
            raise DataError(f"ordered column '{name}': nobody in group {label!r} chose category "
                            f"{', '.join(f'{c:g}' for c in missing)} (answers per category in that "
                            f"group: {table}), so its thresholds cannot be estimated there; merge "
                            "sparse categories (e.g. recode them into a neighbour) or drop the "
                            "group")


# ------------------------------------------------------------------ parameter table

def ordinal_partable(base: ParTable, thresholds: dict[str, int]) -> ParTable:
    """lavaan's parameter table for ordered items (see the module docstring), from ``base``
    (built with a mean structure). ``thresholds``: number of thresholds per ordered item."""
    col = base.col
    ordered = list(thresholds)
    is_ord = np.isin(col["lhs"], ordered)
    user = col["user"] == 1
    for k in np.flatnonzero(user & is_ord & (col["op"] == "~~") & (col["lhs"] == col["rhs"])):
        raise NotImplementedError(f"line {col['line'][k]}: the residual variance of ordered item "
                                  f"'{col['lhs'][k]}' is fixed in the delta parameterization; "
                                  "the theta parameterization is not available yet")
    for k in np.flatnonzero(user & is_ord & (col["op"] == "~1")):
        raise ModelSyntaxError(f"ordered item '{col['lhs'][k]}' cannot have an intercept: its "
                               "thresholds take that role", int(col["line"][k]) or None,
                               col["lhs"][k])
    user_th = {}
    for k in np.flatnonzero(col["op"] == "|"):
        item = col["lhs"][k]
        if item not in thresholds:
            raise ModelSyntaxError(f"thresholds given for '{item}', which is not ordered "
                                   "(add it to ordered=)", int(col["line"][k]) or None, item)
        number = int(col["rhs"][k][1:])
        if number < 1 or number > thresholds[item]:
            raise ModelSyntaxError(f"'{item}' has {thresholds[item]} thresholds (t1 to "
                                   f"t{thresholds[item]}), so '{col['rhs'][k]}' does not exist",
                                   int(col["line"][k]) or None, col["rhs"][k])
        user_th.setdefault(int(col["group"][k]), set()).add((item, col["rhs"][k]))
    cols = {k: np.asarray(v).copy() for k, v in col.items()}
    default_var = (cols["user"] == 0) & is_ord & (cols["op"] == "~~") & (cols["lhs"] == cols["rhs"])
    cols["free"][default_var], cols["ustart"][default_var] = 0, 1.0
    default_int = (cols["user"] == 0) & is_ord & (cols["op"] == "~1")
    cols["free"][default_int], cols["ustart"][default_int] = 0, 0.0
    pieces = []
    keys = [k for k in cols if k not in ("id", "plabel", "block")]

    def rows(idx):
        return {k: cols[k][idx] for k in keys}

    def new_rows(lhs, op, rhs, g, free, ustart):
        n = len(lhs)
        return dict(lhs=np.array(lhs, dtype=object), op=np.array([op] * n, dtype=object),
                    rhs=np.array(rhs, dtype=object), user=np.zeros(n, dtype=int),
                    group=np.full(n, g), free=np.full(n, free, dtype=int),
                    ustart=np.full(n, ustart), exo=np.zeros(n, dtype=int),
                    label=np.array([""] * n, dtype=object), start=np.full(n, np.nan),
                    line=np.zeros(n, dtype=int))

    top = int(cols["free"].max()) if len(cols["free"]) else 0
    for g in range(1, base.ngroups + 1):
        in_g = cols["group"] == g
        is_user = in_g & (cols["user"] == 1)
        is_mean = in_g & (cols["user"] == 0) & (cols["op"] == "~1")
        is_rest = in_g & (cols["user"] == 0) & (cols["op"] != "~1")
        pieces.append(rows(np.flatnonzero(is_user)))
        th = [(v, f"t{t}") for v in ordered for t in range(1, thresholds[v] + 1)
              if (v, f"t{t}") not in user_th.get(g, set())]
        piece = new_rows([v for v, _ in th], "|", [t for _, t in th], g, 0, np.nan)
        piece["free"] = np.arange(top + 1, top + 1 + len(th))
        top += len(th)
        pieces.append(piece)
        pieces.append(rows(np.flatnonzero(is_rest)))
        pieces.append(new_rows(ordered, "~*~", ordered, g, 0, 1.0))
        pieces.append(rows(np.flatnonzero(is_mean)))
    pieces.append(rows(np.flatnonzero(cols["group"] == 0)))
    out = {k: np.concatenate([p[k] for p in pieces]) for k in keys}
    for k in ("lhs", "op", "rhs", "label"):
        out[k] = out[k].astype(object)
    free = out["free"]
    order = list(dict.fromkeys(int(f) for f in free if f > 0))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    out["free"] = np.array([mapping.get(int(f), 0) for f in free], dtype=int)
    out["id"] = np.arange(1, len(free) + 1)
    out["block"] = out["group"]
    out["plabel"] = np.where(out["group"] > 0, [f".p{i}." for i in out["id"]], "")
    options = dict(base.options, ordered=list(ordered), parameterization="delta")
    return ParTable(col=out, roles=base.roles, meanstructure=True, ngroups=base.ngroups,
                    options=options)


# ------------------------------------------------------------------ result

class OrdinalRefitter(Refitter):
    """Bootstrap refits of a WLSMV model: every resample gets its own thresholds, polychoric
    correlations and DWLS weights (as lavaan's bootstrap recomputes the sample statistics); a
    resample in which a category of some item is empty fails and is counted."""

    def __init__(self, result, kind: str = "ordinary"):
        if kind != "ordinary":
            raise NotImplementedError("the Bollen-Stine bootstrap is not available for WLSMV "
                                      "(ordinal) fits")
        super().__init__(result, kind)
        ov = list(self.partable.roles.ov)
        self.codes = [np.column_stack([np.searchsorted(result.levels[v], a[:, k])
                                       for k, v in enumerate(ov)]) for a in self.arrays]
        self.nlevels = [len(result.levels[v]) for v in ov]
        self.ov = ov
        self.standardizer = result

    def _loss(self, indices):
        stats = []
        for codes, idx in zip(self.codes, indices):
            sample = codes[idx]
            if any(len(np.unique(sample[:, k])) < self.nlevels[k] for k in range(len(self.ov))):
                raise ValueError("a category is empty in this resample")
            stats.append(ordinal_stats(sample, self.nlevels, self.ov))
        return wls.DWLSLoss(self.models, stats, self.partable)

    def _statistics(self, x: np.ndarray) -> np.ndarray:
        values = self.standardizer.row_values(x)
        std = self.standardizer._standardize(x, "std.all")
        parts = [values, std]
        if self.effects is not None:
            parts.extend(self.effects.values(x))
        return np.concatenate(parts)


class OrdinalResult(Result):
    """A WLSMV fit: the Result tables plus thresholds (``|`` rows, lavaan's rhs t1, t2, ...),
    scaling factors (``~*~``), the scaled-shifted test and the robust fit indices."""

    refitter_class = OrdinalRefitter

    def attach_wls(self, loss, stats, inf, levels) -> None:
        self.wls_loss, self.ordinal, self.wls, self.levels = loss, stats, inf, levels

    @cached_property
    def _fixed_values(self) -> np.ndarray:
        values = Result._fixed_values.func(self)
        col = self.partable.col
        other = np.isin(col["op"], ["|", "~*~"]) & (col["free"] == 0)
        values[other] = col["ustart"][other]
        return values

    def row_values(self, x: np.ndarray) -> np.ndarray:
        """Row values at ``x``; the ordered items' residual variances (fixed rows whose value
        the delta parameterization computes) follow ``x``, as lavaan's delta-method SEs need."""
        values = Result.row_values(self, x)
        if x is self.x:
            return values
        for model in self.models:
            rows = np.flatnonzero((model.row_kind == KIND_S) & (model.row_i == model.row_j)
                                  & np.isin(model.row_i, model.ord))
            if len(rows):
                S = model.matrices(x)[1]
                values[model.rows[rows]] = S[model.row_i[rows], model.row_i[rows]]
        return values

    def _standardize(self, x: np.ndarray, kind: str) -> np.ndarray:
        """lavaan's standardization plus thresholds (divided by the latent response's implied
        standard deviation for std.all; unchanged for std.lv) and scaling rows (unchanged)."""
        values = self.row_values(x)
        out = standardize(self.partable.col, self.models, x, values, kind)
        col = self.partable.col
        for g, model in enumerate(self.models, start=1):
            sd = np.sqrt(np.diag(model.implied(x).sigma))
            for k in np.flatnonzero((col["group"] == g) & np.isin(col["op"], ["|", "~*~"])):
                scale = sd[model.ov_names.index(col["lhs"][k])]
                out[k] = values[k] / scale if (kind == "std.all" and col["op"][k] == "|") \
                    else values[k]
        return out

    @property
    def _fit_measures(self) -> pd.Series:
        cached = self.__dict__.get("_wls_fit_measures")
        if cached is None:
            loss, x = self.wls_loss, self.x
            with single_blas_thread():
                base = wls.baseline_test(loss)
                robust = wls.catml_robust(loss, x, self.wls, self.wls.df)
                measures = wls.wlsmv_fit_measures(
                    inf=self.wls, base=base, robust=robust, npar=self.partable.npar,
                    n=self.n_obs, ngroups=len(self.samples),
                    srmr_parts=wls.srmr_ordinal(loss, x))
            cached = pd.Series(measures, name="fit_measures")
            self.__dict__["_wls_fit_measures"] = cached
        return cached

    def sample_statistics(self, group: int = 1) -> dict:
        """Thresholds, polychoric correlations and Gamma of a group (lavaan ``lavInspect(fit,
        "sampstat")`` and ``"gamma"``): ``th`` (Series), ``cor`` (DataFrame), ``gamma``
        (DataFrame), ``wls_v`` (the DWLS weights, Series)."""
        st = self.ordinal[group - 1]
        names = list(st.names)
        th_names = st.threshold_names()
        I, J = st.pairs
        stat_names = th_names + [f"{names[i]}~~{names[j]}" for i, j in zip(I, J)]
        return dict(th=pd.Series(st.th, index=th_names, name="th"),
                    cor=pd.DataFrame(st.cor, index=names, columns=names),
                    gamma=pd.DataFrame(st.gamma, index=stat_names, columns=stat_names),
                    wls_v=pd.Series(st.wls_vd, index=stat_names, name="wls_v"))

    def summary(self) -> str:
        text = super().summary()
        fm = self._fit_measures
        test = (f"  scaled-shifted (WLSMV): chi-square = {fm['chisq_scaled']:.3f}, df = "
                f"{int(fm['df'])}, p = {fm['pvalue_scaled']:.4f} (scaling factor "
                f"{fm['chisq_scaling_factor']:.3f}, shift {fm['chisq_shift_parameter']:.3f})\n"
                f"  robust CFI = {fm['cfi_robust']:.3f}  TLI = {fm['tli_robust']:.3f}  "
                f"RMSEA = {fm['rmsea_robust']:.3f}")
        return text.replace("\nModel test\n", "\nModel test\n" + test + "\n", 1)


def _refuse(what: str):
    def method(self, *args, **kwargs):
        raise NotImplementedError(f"{what} is not available for WLSMV (ordinal) fits yet")
    return method


for _name, _what in {"modindices": "modindices()", "factor_scores": "factor_scores()",
                     "bollen_stine": "the Bollen-Stine bootstrap",
                     "reliability": "reliability() (ordinal omega and alpha)",
                     "item_diagnostics": "item_diagnostics()",
                     "fornell_larcker": "fornell_larcker()", "htmt": "htmt()",
                     "measurement_report": "measurement_report()",
                     "compare_paths": "compare_paths()"}.items():
    setattr(OrdinalResult, _name, _refuse(_what))
