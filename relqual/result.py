"""The fitted model: lavaan-style tables (estimates, fit measures, R-squared) and displays.

A :class:`Result` is built once, from the estimation problem and its estimate
(:mod:`relqual.estimation`), and never changes: a different covariance of the estimates (the
bootstrap) gives a new Result (:meth:`Result.with_bootstrap`), as statsmodels'
``get_robustcov_results``. Tables are computed on first request and cached. What a kind of fit
does not support is declared by its estimator family (``family.unsupported``) and refused by
:func:`requires` with one clear message.
"""
from __future__ import annotations

import functools
from dataclasses import replace
from functools import cached_property

import numpy as np
import pandas as pd

from .effects import effects_table
from .engine.inference import numerical_jacobian, wald_table
from .engine.threads import single_threaded
from .intervals import bootstrap_interval
from .resample import run_bootstrap
from .verdicts import judge

# the columns of estimates(), in order (the public API contract, DESIGN.md)
ESTIMATE_COLUMNS = ["lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue",
                    "ci_lower", "ci_upper", "std_lv", "std_all"]


class RelqualWarning(UserWarning):
    """A problem with a fit that a researcher must see (non-convergence, improper solution...)."""


def requires(feature: str):
    """Refuse a Result method that the fit's estimator family does not support."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            refusal = self.problem.family.unsupported(self.problem).get(feature)
            if refusal is not None:
                raise NotImplementedError(refusal)
            return method(self, *args, **kwargs)
        return wrapper
    return decorate


class Result:
    """An immutable fitted model (see the module docstring).

    Parameters
    ----------
    spec : ModelSpec
        The model that was fitted.
    estimate : relqual.estimation.Estimate
        The estimation problem with its optimum, inference and messages.
    call : dict
        The options of the fit, as reported (and reused by refits).
    boot : relqual.resample.BootstrapDraws, optional
        Bootstrap draws that replace the standard errors and intervals (``se="bootstrap"``).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> res.converged, res.n_obs
    (True, 301)
    >>> res.x = None
    Traceback (most recent call last):
    ...
    AttributeError: a Result cannot be changed; fit again, or use with_bootstrap()/evaluated_at()
    """

    def __init__(self, *, spec, estimate, call: dict, boot=None):
        problem = estimate.problem
        set_ = object.__setattr__
        set_(self, "spec", spec)
        set_(self, "estimate", estimate)
        set_(self, "problem", problem)
        set_(self, "call", dict(call))
        set_(self, "boot", boot)
        set_(self, "partable", problem.partable)
        set_(self, "x", estimate.x)
        set_(self, "_resamples", {})
        vcov = estimate.vcov
        if boot is not None:                       # covariance of the bootstrap draws
            free_rows = [np.flatnonzero(problem.partable.col["free"] == k)[0]
                         for k in range(1, problem.partable.npar + 1)]
            vcov = np.cov(boot.block("est")[:, free_rows], rowvar=False).reshape(
                len(free_rows), len(free_rows))
        set_(self, "vcov_matrix", vcov)

    def __getattr__(self, name):
        details = self.__dict__["estimate"].opt.details if "estimate" in self.__dict__ else {}
        if name in details:                  # what an external optimizer left to inspect
            return details[name]
        raise AttributeError(f"'Result' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        raise AttributeError("a Result cannot be changed; fit again, or use "
                             "with_bootstrap()/evaluated_at()")

    # ------------------------------------------------------------------ what was fitted
    @property
    def converged(self) -> bool:
        """Whether the optimizer converged."""
        return self.estimate.converged

    @property
    def iterations(self) -> int:
        """The optimizer's iterations."""
        return int(self.estimate.opt.iterations)

    @property
    def optim(self):
        """The optimizer's result (``x fmin gradient information iterations converged message``)."""
        return self.estimate.opt

    @property
    def n_obs(self) -> int:
        """The number of rows used (over all groups)."""
        return self.problem.n_obs

    @property
    def n_input(self) -> int:
        """The number of rows in the data given to the fit."""
        return int(self.problem.data.n_input)

    @property
    def data_notes(self) -> list[str]:
        """What happened to the rows (e.g. how many were dropped, and why)."""
        return list(self.problem.data.notes)

    @property
    def group_labels(self) -> list:
        """The group labels, in lavaan's order (first appearance)."""
        return list(self.problem.data.group_labels)

    @cached_property
    def warnings(self) -> list[str]:
        """Everything a researcher must read about this fit (non-convergence, improper
        solutions, rows dropped, failed bootstrap draws, ...)."""
        note = self.boot.note() if self.boot is not None else None
        return list(self.estimate.messages) + ([note] if note else [])

    @property
    def robust(self) -> dict | None:
        """MLR: the sandwich covariance and the Yuan-Bentler scaling factors, else None."""
        return None if self.estimate.inference is None else self.estimate.inference.robust

    # engine-facing parts of the fitted problem (read by measurement, scores, modindices)
    @property
    def models(self):
        return self.problem.models

    @property
    def samples(self):
        return self.problem.samples

    @property
    def incomplete(self):
        return self.problem.incomplete

    @property
    def pieces(self):
        return self.problem.loss.pieces

    @property
    def prepared(self):
        return self.problem.data

    def used_data(self) -> pd.DataFrame:
        """The rows the fit used: the model's observed variables (NaN = missing under FIML),
        plus a ``group`` column for a multigroup fit."""
        names = list(self.partable.roles.ov)
        frames = []
        for label, values in zip(self.group_labels, self.problem.data.arrays):
            frame = pd.DataFrame(values, columns=names)
            if self.partable.ngroups > 1:
                frame["group"] = label
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    # ------------------------------------------------------------------ new Results
    def with_bootstrap(self, boot) -> Result:
        """A new Result whose standard errors and (percentile) intervals come from ``boot``
        (what ``fit(..., se="bootstrap")`` returns)."""
        call = dict(self.call, se="bootstrap", bootstrap=len(boot.converged), seed=boot.seed)
        return Result(spec=self.spec, estimate=self.estimate, call=call, boot=boot)

    def evaluated_at(self, x: np.ndarray) -> Result:
        """A new Result with the same problem and inference but the free parameters at ``x``
        (e.g. another program's estimates, to compare derived tables)."""
        estimate = replace(self.estimate, opt=replace(self.estimate.opt, x=np.asarray(x, float)))
        return Result(spec=self.spec, estimate=estimate, call=self.call, boot=self.boot)

    # ------------------------------------------------------------------ parameter values
    def row_values(self, x: np.ndarray) -> np.ndarray:
        """Value of every parameter-table row (and ``:=`` definition) at free-parameter vector ``x``."""
        return self.problem.row_values(x)

    @cached_property
    def _values(self) -> np.ndarray:
        return self.problem.row_values(self.x)

    @cached_property
    def _se(self) -> np.ndarray:
        col = self.partable.col
        free = col["free"]
        if self.boot is not None:                  # sd of the draws (lavaan se="bootstrap")
            draws = self.boot.block("est")
            return np.where((free > 0) | (col["op"] == ":="), draws.std(axis=0, ddof=1), 0.0)
        se_free = np.sqrt(np.clip(np.diag(self.vcov_matrix), 0, None))
        se = np.where(free > 0, se_free[np.maximum(free - 1, 0)], 0.0)
        defined = col["op"] == ":="
        if defined.any():
            jac = numerical_jacobian(lambda x: self.row_values(x)[defined], self.x)
            se[defined] = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, self.vcov_matrix, jac),
                                          0, None))
        return se

    @cached_property
    def _std(self) -> dict:
        return {kind: self.problem.standardize(self.x, kind) for kind in ("std.lv", "std.all")}

    # ------------------------------------------------------------------ public tables
    def estimates(self) -> pd.DataFrame:
        """Every parameter: ``lhs op rhs group label est se z pvalue ci_lower ci_upper std_lv std_all``.

        Fixed parameters have ``se = 0`` and no z or p, as in lavaan's ``parameterEstimates()``.
        """
        col = self.partable.col
        est, se = self._values, self._se
        op = col["op"]
        keep = np.isin(op, ["=~", "~", "~~", "~1", "|", "~*~", ":="])
        free = (col["free"] > 0) | (op == ":=")
        z, p, lo, hi = wald_table(est, np.where(free, se, np.nan))
        if self.boot is not None:                  # percentile intervals, as lavaan
            draws = self.boot.block("est")
            for k in np.flatnonzero(free):
                lo[k], hi[k] = bootstrap_interval(draws[:, k], est[k])
        group = np.where(op == ":=", 1, col["group"]) if self.partable.ngroups == 1 else col["group"]
        columns = {"lhs": col["lhs"], "op": op, "rhs": col["rhs"], "group": group,
                   "label": col["label"], "est": est, "se": se, "z": z, "pvalue": p,
                   "ci_lower": np.where(free, lo, est), "ci_upper": np.where(free, hi, est),
                   "std_lv": self._std["std.lv"], "std_all": self._std["std.all"]}
        return pd.DataFrame({name: columns[name][keep] for name in ESTIMATE_COLUMNS})

    @single_threaded
    def standardized_solution(self, kind: str = "std.all") -> pd.DataFrame:
        """Standardized estimates with delta-method SEs (lavaan ``standardizedSolution``)."""
        if kind not in ("std.all", "std.lv"):
            raise ValueError("kind must be 'std.all' or 'std.lv'")
        tab = self.partable.table
        keep = tab["op"].isin(["=~", "~", "~~", "~1", "|", "~*~", ":="]).to_numpy()
        func = lambda x: self.problem.standardize(x, kind)[keep]
        est = func(self.x)
        jac = numerical_jacobian(func, self.x)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, self.vcov_matrix, jac), 0, None))
        se[np.abs(jac).sum(axis=1) == 0] = 0.0
        z, p, lo, hi = wald_table(est, np.where(se > 0, se, np.nan))
        sub = tab[keep]
        return pd.DataFrame({"lhs": sub["lhs"].to_numpy(), "op": sub["op"].to_numpy(),
                             "rhs": sub["rhs"].to_numpy(), "group": sub["group"].to_numpy(),
                             "label": sub["label"].to_numpy(), "est_std": est, "se": se, "z": z,
                             "pvalue": p, "ci_lower": np.where(se > 0, lo, est),
                             "ci_upper": np.where(se > 0, hi, est)})

    def paths(self) -> pd.DataFrame:
        """Structural paths (``~``) unstandardized and standardized, each with its 95% CI."""
        est = self.estimates()
        std = self.standardized_solution("std.all")
        keep = est["op"] == "~"
        out = est.loc[keep, ["lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue",
                             "ci_lower", "ci_upper", "std_all"]].reset_index(drop=True)
        std_rows = std[std["op"] == "~"].reset_index(drop=True)
        out["std_all_se"] = std_rows["se"]
        out["std_all_ci_lower"] = std_rows["ci_lower"]
        out["std_all_ci_upper"] = std_rows["ci_upper"]
        return out

    def hypotheses(self) -> pd.DataFrame:
        """The library model's hypotheses (``spec.hypotheses``) tested on this fit, one row each
        (per group): ``id lhs op rhs sign group est std_all std_all_ci_lower std_all_ci_upper
        pvalue verdict statement``. "supported" = p < .05 and the expected sign; a parameter that
        is missing or has no test is "not supported". ``~`` rows come from :meth:`paths`;
        loadings and ``:=`` parameters from the estimates and the standardized solution."""
        hyps = list(getattr(self.spec, "hypotheses", None) or [])
        table = self.paths()
        if any(h.get("op", "~") != "~" for h in hyps):
            est, std = self.estimates(), self.standardized_solution("std.all")
            est["std_all_ci_lower"], est["std_all_ci_upper"] = std["ci_lower"].to_numpy(), std["ci_upper"].to_numpy()
            table = pd.concat([table, est[est["op"] != "~"]], ignore_index=True)
        columns = ["est", "std_all", "std_all_ci_lower", "std_all_ci_upper", "pvalue"]
        rows = []
        for h in hyps:
            op = h.get("op", "~")
            hit = table[(table["op"] == op) & (table["lhs"] == h["lhs"])
                        & ((op == ":=") | (table["rhs"] == h.get("rhs", "")))]
            for _, r in hit.iterrows() if len(hit) else [(None, pd.Series({"group": np.nan}))]:
                values = {c: r.get(c, np.nan) for c in columns}
                supported = judge(values["est"], values["pvalue"], h.get("sign"))[0]
                rows.append({"id": h.get("id", ""), "lhs": h["lhs"], "op": op, "rhs": h.get("rhs", ""),
                             "sign": h.get("sign", ""), "group": r["group"], **values,
                             "verdict": "supported" if supported else "not supported",
                             "statement": h.get("statement", "")})
        return pd.DataFrame(rows, columns=["id", "lhs", "op", "rhs", "sign", "group", *columns,
                                           "verdict", "statement"])

    @cached_property
    def _fit_measures(self) -> pd.Series:
        return pd.Series(self.problem.family.fit_measures(self.problem, self.estimate),
                         name="fit_measures")

    def fit_measures(self) -> pd.Series:
        """Fit measures named like lavaan's ``fitMeasures()`` (with '.' replaced by '_')."""
        return self._fit_measures.copy()

    def r2(self) -> pd.Series:
        """R-squared of every endogenous variable: 1 - residual variance / total variance."""
        out = {}
        for g, model in enumerate(self.models, start=1):
            A, S, _ = model.matrices(self.x)
            imp = model.implied(self.x)
            total = np.diag(imp.C)
            has_incoming = np.abs(A).sum(axis=1) > 0
            x_names = set(self.partable.roles.ov_x)
            for i, name in enumerate(model.names):
                if has_incoming[i] and name not in x_names:
                    key = name if self.partable.ngroups == 1 else (self.group_labels[g - 1], name)
                    out[key] = 1.0 - S[i, i] / total[i]
        return pd.Series(out, name="r2", dtype=float)

    def vcov(self) -> pd.DataFrame:
        """Covariance matrix of the free parameters, labelled ``lhs op rhs`` (or the label)."""
        col = self.partable.col
        first = [np.flatnonzero(col["free"] == k)[0] for k in range(1, self.partable.npar + 1)]
        suffix = ((lambda r: f".g{col['group'][r]}" if col["group"][r] > 1 else "")
                  if self.partable.ngroups > 1 else (lambda r: ""))     # lavaan's ".g2" names
        names = [col["label"][r] or f"{col['lhs'][r]}{col['op'][r]}{col['rhs'][r]}{suffix(r)}"
                 for r in first]
        return pd.DataFrame(self.vcov_matrix, index=names, columns=names)

    def sample_statistics(self, group: int = 1) -> dict:
        """The sample statistics the fit was computed from, for one group (numbered from 1).

        ML fits: ``cov`` (DataFrame, divisor N; EM estimates under FIML) and ``mean``
        (Series). WLSMV fits: thresholds ``th``, polychoric correlations ``cor``, their
        asymptotic covariance ``gamma`` and the DWLS weights ``wls_v`` (lavaan's
        ``lavInspect(fit, "sampstat")`` and ``"gamma"``).
        """
        family = self.problem.family
        if hasattr(family, "sample_statistics"):
            return family.sample_statistics(self.problem, group)
        sample = self.problem.samples[group - 1]
        names = list(sample.names)
        return dict(cov=pd.DataFrame(sample.cov, index=names, columns=names),
                    mean=pd.Series(sample.mean, index=names, name="mean"))

    def implied_cov(self, group: int = 1) -> pd.DataFrame:
        model = self.models[group - 1]
        return pd.DataFrame(model.implied(self.x).sigma, index=model.ov_names,
                            columns=model.ov_names)

    # ------------------------------------------------------------------ measurement quality
    # (relqual/measurement.py and relqual/modindices.py; ``group``: a number or label, for
    # multigroup models; the tables then have a ``group`` column)
    @requires("reliability")
    def reliability(self, group=None) -> pd.DataFrame:
        """Per factor: ``n_items alpha alpha_std omega omega_model cr_fl ave ave_fl improper note``
        (omega and AVE as semTools ``compRelSEM``/``AVE``; see :mod:`relqual.measurement`)."""
        from . import measurement
        return measurement.reliability(self, group)

    @requires("item_diagnostics")
    def item_diagnostics(self, threshold: float = 0.5, group=None) -> pd.DataFrame:
        """Per item: standardized loading with CI, R², corrected item-total r, alpha if deleted,
        flags (loading below ``threshold``, cross-loading, Heywood)."""
        from . import measurement
        return measurement.item_diagnostics(self, threshold, group)

    @requires("fornell_larcker")
    def fornell_larcker(self, matrix: bool = False, group=None) -> pd.DataFrame:
        """Fornell-Larcker criterion per pair of factors (``matrix=True``: the classic table)."""
        from . import measurement
        return measurement.fornell_larcker(self, matrix, group)

    @requires("htmt")
    def htmt(self, matrix: bool = False, kind: str = "htmt", group=None) -> pd.DataFrame:
        """HTMT and HTMT2 per pair of factors with flags at .85/.90 (``matrix=True``: one matrix)."""
        from . import measurement
        return measurement.htmt(self, matrix, kind, group)

    @requires("modindices")
    def modindices(self, sort: bool = True, minimum_value: float = 0.0) -> pd.DataFrame:
        """Modification indices as lavaan's ``modindices()``: ``lhs op rhs [group] mi epc sepc_lv
        sepc_all sepc_nox``, largest first."""
        from .modindices import modification_indices
        return modification_indices(self, sort=sort, minimum_value=minimum_value)

    @requires("measurement_report")
    def measurement_report(self, loading_threshold: float = 0.5, group=None):
        """Reliability, validity and item tables with cut-offs, sources and verdicts
        (:class:`relqual.measurement.MeasurementReport`; ``print()`` it or show it in a notebook)."""
        from . import measurement
        return measurement.measurement_report(self, loading_threshold=loading_threshold,
                                              group=group)

    # ------------------------------------------------------------------ scores and groups
    # (relqual/scores.py and relqual/groups.py)
    @requires("factor_scores")
    def factor_scores(self, method: str = "regression", data=None) -> pd.DataFrame:
        """Factor scores as lavaan's ``lavPredict()``: ``method`` "regression" or "bartlett"; one
        column per latent variable (+ ``group``); ``data=`` scores those rows, keeping their index."""
        from .scores import factor_scores
        return factor_scores(self, method=method, data=data)

    @requires("compare_paths")
    def compare_paths(self, paths) -> pd.DataFrame:
        """Wald and likelihood-ratio tests that each path (e.g. "LOY ~ SAT") is equal across groups."""
        from .pathcompare import compare_fitted_paths
        return compare_fitted_paths(self, paths)

    # ------------------------------------------------------------------ resampling and effects
    def bootstrap(self, draws: int = 1000, seed=None, n_jobs: int = 1, kind: str = "ordinary",
                  indices=None, progress: bool | None = None):
        """Refit the model to ``draws`` resamples of the rows (cached per draws, seed and kind).

        ``indices`` replays given resamples (one list of row-index arrays per draw), e.g. those
        of another program. Returns :class:`relqual.resample.BootstrapDraws`.
        """
        key = (kind, draws, seed)
        if indices is None and key in self._resamples:
            return self._resamples[key]
        boot = run_bootstrap(self, draws, seed=seed, n_jobs=n_jobs, kind=kind, indices=indices,
                             progress=progress)
        if indices is None:
            self._resamples[key] = boot
        return boot

    def jackknife(self, n_jobs: int = 1):
        """Leave-one-out refits (for BCa intervals): each row of each group left out once."""
        if "jackknife" not in self._resamples:
            all_rows = [np.arange(len(a)) for a in self.prepared.arrays]
            indices = [[np.delete(rows, i) if h == g else rows for h, rows in enumerate(all_rows)]
                       for g, rows_g in enumerate(all_rows) for i in range(len(rows_g))]
            self._resamples["jackknife"] = run_bootstrap(self, 0, n_jobs=n_jobs, indices=indices,
                                                         progress=False)
        return self._resamples["jackknife"]

    def effects(self, ci: str = "delta", n: int | None = None, seed=None, level: float = 0.95,
                boot_ci: str = "perc", n_jobs: int = 1) -> pd.DataFrame:
        """Every direct, specific indirect, total indirect and total effect (and ``:=`` values).

        ``ci``: "delta", "montecarlo" (``n`` draws, default 20000) or "bootstrap" (``n``
        resamples, default 1000; ``boot_ci`` "perc", "bc" or "bca"). Columns: effect from to path
        est se z pvalue ci_lower ci_upper std_all std_all_se std_all_ci_lower std_all_ci_upper.
        """
        return effects_table(self, ci=ci, n=n, seed=seed, level=level, boot_ci=boot_ci,
                             n_jobs=n_jobs)

    def indirect(self, ci: str = "delta", n: int | None = None, seed=None, level: float = 0.95,
                 boot_ci: str = "perc", n_jobs: int = 1) -> pd.DataFrame:
        """The mediated part of :meth:`effects`: for every pair linked by an indirect path, its
        direct, specific indirect, total indirect and total effects, plus ``:=`` parameters."""
        table = self.effects(ci=ci, n=n, seed=seed, level=level, boot_ci=boot_ci, n_jobs=n_jobs)
        mediated = {(a, b) for a, b, kind in zip(table["from"], table["to"], table["effect"])
                    if kind == "indirect"}
        keep = [(a, b) in mediated or kind == "defined"
                for a, b, kind in zip(table["from"], table["to"], table["effect"])]
        out = table[keep].reset_index(drop=True)
        out.attrs.update(table.attrs)
        return out

    @requires("bollen_stine")
    def bollen_stine(self, draws: int = 1000, seed=None, n_jobs: int = 1) -> pd.Series:
        """Bollen-Stine bootstrap p-value of the chi-square test."""
        boot = self.bootstrap(draws, seed=seed, n_jobs=n_jobs, kind="bollen-stine")
        chisq = self._fit_measures["chisq"]
        t = boot.block("chisq")[:, 0]
        return pd.Series({"chisq": chisq, "df": self._fit_measures["df"],
                          "pvalue_bollen_stine": float(np.mean(t >= chisq)),
                          "draws_used": len(t), "draws_failed": boot.n_failed},
                         name="bollen_stine")

    def plot_indirect(self, path: str | None = None, draws: int = 1000, seed=None,
                      standardized: bool = False, boot_ci: str = "perc", ax=None):
        """Histogram of the bootstrap distribution of an indirect effect with its interval."""
        from .plot import plot_bootstrap_effect
        return plot_bootstrap_effect(self, path=path, draws=draws, seed=seed,
                                     standardized=standardized, boot_ci=boot_ci, ax=ax)

    # ------------------------------------------------------------------ diagram and report
    # (relqual/plot.py, relqual/tables.py, relqual/report.py)
    def plot(self, path=None, **options):
        """Path diagram: latent variables in causal order, standardized coefficients with stars,
        non-significant paths dashed, R² in the endogenous variables; ``lang="zh"`` for Chinese
        labels; ``path`` saves PNG/SVG/PDF. Returns a matplotlib Figure
        (options: :func:`relqual.plot.path_diagram`)."""
        from .plot import path_diagram
        return path_diagram(self, path, **options)

    def tables(self, **options):
        """APA-style tables (measurement, discriminant validity, paths and hypotheses, indirect
        effects, fit) as :class:`relqual.tables.Table` objects (options: :func:`relqual.tables.apa_tables`)."""
        from .tables import apa_tables
        return apa_tables(self, **options)

    def report(self, path, **options):
        """Write one self-contained report (.html, .docx, .md or .tex): tables, the diagram, data
        checks, warnings, the call and package versions (options: :func:`relqual.report.write_report`)."""
        from .report import write_report
        return write_report(self, path, **options)

    # ------------------------------------------------------------------ display
    def summary(self) -> str:
        """A plain-text report in the spirit of lavaan's ``summary(fit, fit.measures=TRUE)``."""
        fm = self._fit_measures
        lines = [f"relqual {self.call.get('estimator', 'ML')} fit of {self.spec.name}",
                 f"  converged: {self.converged} after {self.iterations} iterations",
                 f"  observations used: {self.n_obs} of {self.prepared.n_input}",
                 f"  free parameters: {self.partable.npar}", "",
                 "Model test",
                 f"  chi-square = {fm['chisq']:.3f}, df = {int(fm['df'])}, p = {fm['pvalue']:.4f}",
                 f"  CFI = {fm['cfi']:.3f}  TLI = {fm['tli']:.3f}  SRMR = {fm['srmr']:.3f}",
                 f"  RMSEA = {fm['rmsea']:.3f} [90% CI {fm['rmsea_ci_lower']:.3f}, "
                 f"{fm['rmsea_ci_upper']:.3f}], p(close) = {fm['rmsea_pvalue']:.3f}",
                 f"  logL = {fm['logl']:.3f}  AIC = {fm['aic']:.3f}  BIC = {fm['bic']:.3f}"]
        if np.isfinite(fm.get("chisq_shift_parameter", np.nan)):
            lines.append(f"  scaled-shifted (WLSMV): chi-square = {fm['chisq_scaled']:.3f}, df = "
                         f"{int(fm['df'])}, p = {fm['pvalue_scaled']:.4f} (scaling factor "
                         f"{fm['chisq_scaling_factor']:.3f}, shift "
                         f"{fm['chisq_shift_parameter']:.3f})")
        elif np.isfinite(fm.get("chisq_scaled", np.nan)):
            lines.append(f"  scaled chi-square = {fm['chisq_scaled']:.3f}, p = "
                         f"{fm['pvalue_scaled']:.4f} (scaling factor "
                         f"{fm['chisq_scaling_factor']:.3f})")
        if np.isfinite(fm.get("cfi_robust", np.nan)):
            lines.append(f"  robust CFI = {fm['cfi_robust']:.3f}  TLI = {fm['tli_robust']:.3f}  "
                         f"RMSEA = {fm['rmsea_robust']:.3f} [90% CI "
                         f"{fm['rmsea_ci_lower_robust']:.3f}, {fm['rmsea_ci_upper_robust']:.3f}]")
        lines.append("")
        est = self.estimates()
        headings = {"=~": "Latent variables", "~": "Regressions", "~~": "Covariances and variances",
                    "~1": "Intercepts", ":=": "Defined parameters"}
        blocks = [(g, f"Group {g}: {label}") for g, label in enumerate(self.group_labels, 1)
                  ] if self.partable.ngroups > 1 else [(1, None)]
        sections = [(group_title, heading, est[(est["op"] == op) & ((est["group"] == g) if op != ":="
                                                                   else (g == blocks[-1][0]))])
                    for g, group_title in blocks for op, heading in headings.items()]
        current_group = None
        for group_title, heading, part in sections:
            if part.empty:
                continue
            if group_title and group_title != current_group:
                lines += [group_title, ""]
                current_group = group_title
            op = part["op"].iloc[0]
            lines.append(heading)
            for _, r in part.iterrows():
                name = f"{r['lhs']} {op} {r['rhs']}" if op != ":=" else f"{r['lhs']} := {r['rhs']}"
                label = f" ({r['label']})" if r["label"] else ""
                p = "" if np.isnan(r["pvalue"]) else f"{r['pvalue']:.3f}"
                lines.append(f"  {name + label:<32}{r['est']:>9.3f}{r['se']:>9.3f}{p:>8}"
                             f"{r['std_all']:>9.3f}")
            lines.append("")
        if self.warnings:
            lines.append("WARNINGS")
            lines += [f"  ! {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        fm = self._fit_measures
        status = "converged" if self.converged else "NOT CONVERGED"
        warn = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        return (f"<relqual Result: {self.spec.name}, n={self.n_obs}, {status}, "
                f"chisq({int(fm['df'])})={fm['chisq']:.2f}, CFI={fm['cfi']:.3f}, "
                f"RMSEA={fm['rmsea']:.3f}{warn}>")

    def _repr_html_(self) -> str:
        fm = self._fit_measures
        warn = "".join(f"<li style='color:#b00'>{w}</li>" for w in self.warnings)
        paths = self.estimates()
        paths = paths[paths["op"].isin(["=~", "~", ":="])]
        table = paths.to_html(index=False, float_format=lambda v: f"{v:.3f}", na_rep="")
        return (f"<div><b>relqual fit: {self.spec.name}</b> &mdash; n = {self.n_obs}, "
                f"{'converged' if self.converged else '<b>not converged</b>'}<br>"
                f"&chi;&sup2;({int(fm['df'])}) = {fm['chisq']:.2f}, p = {fm['pvalue']:.3f}; "
                f"CFI = {fm['cfi']:.3f}, TLI = {fm['tli']:.3f}, RMSEA = {fm['rmsea']:.3f}, "
                f"SRMR = {fm['srmr']:.3f}" + (f"<ul>{warn}</ul>" if warn else "") + table + "</div>")


