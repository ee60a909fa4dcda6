"""The fitted model: lavaan-style tables (estimates, fit measures, R-squared) and displays."""
from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from .engine import fitindices
from .engine.inference import evaluate_defined, numerical_jacobian, standardize, wald_table
from .engine.matrices import RamModel
from .engine.fiml_corrected import fiml_corrected
from .engine.robust import fit_baseline
from .engine.threads import single_threaded
from .effects import effects_table
from .intervals import bootstrap_interval
from .resample import run_bootstrap
from .verdicts import judge

# the columns of estimates(), in order (the public API contract, DESIGN.md)
ESTIMATE_COLUMNS = ["lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue",
                    "ci_lower", "ci_upper", "std_lv", "std_all"]


class RelqualWarning(UserWarning):
    """A problem with a fit that a researcher must see (non-convergence, improper solution...)."""


class Result:
    """An immutable fitted model. Tables are computed on first request and cached."""

    def __init__(self, *, spec, partable, models: list[RamModel], samples, x, vcov, optim,
                 prepared, call, messages, moments, incomplete=None, pieces=None):
        self.spec, self.partable, self.models, self.samples = spec, partable, models, samples
        self.incomplete = incomplete      # per group IncompleteData under FIML, else None
        self.pieces = pieces              # what the discrepancy sums over (groups or patterns)
        self.robust = None                # MLR: sandwich covariance and scaling factors
        self.x, self.vcov_matrix, self.optim, self.prepared = x, vcov, optim, prepared
        self.call, self.moments = call, moments
        self.converged = bool(optim.converged)
        self.n_obs = int(sum(s.n for s in samples))
        self.iterations = int(optim.iterations)
        self.warnings = list(messages) + self._improper_solution_messages()
        self.group_labels = list(prepared.group_labels)
        self.boot = None                  # bootstrap draws behind se="bootstrap"
        self._resamples: dict = {}

    # ------------------------------------------------------------------ parameter values
    @cached_property
    def _fixed_values(self) -> np.ndarray:
        """Row values at the estimates, from the model matrices (fixed.x rows included)."""
        values = np.full(len(self.partable.col["op"]), np.nan)
        for model in self.models:
            values[model.rows] = model.row_values(*model.matrices(self.x))
        return values

    def row_values(self, x: np.ndarray) -> np.ndarray:
        """Value of every parameter-table row (and ``:=`` definition) at free-parameter vector ``x``."""
        values = self._fixed_values.copy()
        free = self.partable.col["free"]
        values[free > 0] = x[free[free > 0] - 1]
        return evaluate_defined(self.partable.col, values)

    @cached_property
    def _values(self) -> np.ndarray:
        return self.row_values(self.x)

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
        return {kind: self._standardize(self.x, kind) for kind in ("std.lv", "std.all")}

    def _standardize(self, x: np.ndarray, kind: str) -> np.ndarray:
        """Standardized value of every row at ``x`` (WLSMV fits add their threshold rows)."""
        return standardize(self.partable.col, self.models, x, self.row_values(x), kind)

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
        func = lambda x: self._standardize(x, kind)[keep]
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
        implied = []
        for model, sample in zip(self.models, self.samples):
            imp = model.implied(self.x)        # without a mean structure the means are saturated
            implied.append((imp.sigma, imp.mu if self.partable.meanstructure else sample.mean))
        x_names = self.partable.roles.ov_x
        if self.incomplete is None:
            chisq = self.n_obs * self.optim.fmin
            logl, logl_h1, base_chisq = fitindices.complete_data_likelihoods(
                self.samples, implied, x_names, self.partable.options["fixed_x"])
        else:                                  # FIML: likelihood ratios against EM's H1
            x_pos = ([self.partable.roles.ov.index(v) for v in x_names]
                     if self.partable.options["fixed_x"] else [])
            logl_x = sum(inc.covariate_loglik(x_pos) for inc in self.incomplete)
            logl = sum(inc.loglik(sigma, mu) for inc, (sigma, mu) in zip(self.incomplete, implied))
            logl_h1 = sum(inc.h1_loglik for inc in self.incomplete)
            chisq = 2.0 * (logl_h1 - logl)
            base_chisq = 2.0 * (logl_h1 - sum(inc.independence_loglik(x_pos)
                                              for inc in self.incomplete))
            logl, logl_h1 = logl - logl_x, logl_h1 - logl_x
        measures = fitindices.fit_measures(
            chisq=chisq, df=self.moments - self.partable.npar, npar=self.partable.npar,
            n=self.n_obs, ngroups=len(self.samples), logl=logl, logl_h1=logl_h1,
            base_chisq=base_chisq, base_df=fitindices.baseline_df(self.samples, x_names),
            srmr_value=fitindices.srmr(self.samples, implied, self.partable.meanstructure))
        if self.robust is not None:
            measures.update(fitindices.scaled_measures(
                measures, self.robust["scaling_factor"], self.robust["baseline_scaling_factor"],
                robust=self.incomplete is None))
        if self.incomplete is not None:
            measures.update(self._fiml_robust_measures(measures))
        return pd.Series(measures, name="fit_measures")

    def _fiml_robust_measures(self, measures: dict) -> dict:
        """lavaan's robust indices under FIML (FIML-corrected; version V3 with MLR, else V6).
        Not computed with fixed.x covariates (lavaan's treatment of their block in the
        saturated information is not reproduced yet): those entries are NaN."""
        if self.partable.roles.ov_x and self.partable.options["fixed_x"]:
            return {name: np.nan for name in fitindices.ROBUST_NAMES}
        models, _, x_baseline = fit_baseline(self)
        version = "V3" if self.robust is not None else "V6"
        try:
            fc = fiml_corrected(self, (models, x_baseline), version)
        except np.linalg.LinAlgError:
            return {}
        return fitindices.robust_measures(measures, fc["XX3"], fc["c3"], fc["XX3_null"],
                                          fc["c3_null"])

    def use_robust(self, robust: dict) -> None:
        """MLR: sandwich standard errors and Yuan-Bentler scaled test statistics."""
        self.robust = robust
        self.vcov_matrix = robust["vcov"]
        for name in ("_se", "_fit_measures"):
            self.__dict__.pop(name, None)

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

    def implied_cov(self, group: int = 1) -> pd.DataFrame:
        model = self.models[group - 1]
        return pd.DataFrame(model.implied(self.x).sigma, index=model.ov_names,
                            columns=model.ov_names)

    # ------------------------------------------------------------------ measurement quality
    # (relqual/measurement.py and relqual/modindices.py; ``group``: a number or label, for
    # multigroup models; the tables then have a ``group`` column)
    def reliability(self, group=None) -> pd.DataFrame:
        """Per factor: ``n_items alpha alpha_std omega omega_model cr_fl ave ave_fl improper note``
        (omega and AVE as semTools ``compRelSEM``/``AVE``; see :mod:`relqual.measurement`)."""
        from . import measurement
        return measurement.reliability(self, group)

    def item_diagnostics(self, threshold: float = 0.5, group=None) -> pd.DataFrame:
        """Per item: standardized loading with CI, R², corrected item-total r, alpha if deleted,
        flags (loading below ``threshold``, cross-loading, Heywood)."""
        from . import measurement
        return measurement.item_diagnostics(self, threshold, group)

    def fornell_larcker(self, matrix: bool = False, group=None) -> pd.DataFrame:
        """Fornell-Larcker criterion per pair of factors (``matrix=True``: the classic table)."""
        from . import measurement
        return measurement.fornell_larcker(self, matrix, group)

    def htmt(self, matrix: bool = False, kind: str = "htmt", group=None) -> pd.DataFrame:
        """HTMT and HTMT2 per pair of factors with flags at .85/.90 (``matrix=True``: one matrix)."""
        from . import measurement
        return measurement.htmt(self, matrix, kind, group)

    def modindices(self, sort: bool = True, minimum_value: float = 0.0) -> pd.DataFrame:
        """Modification indices as lavaan's ``modindices()``: ``lhs op rhs [group] mi epc sepc_lv
        sepc_all sepc_nox``, largest first."""
        from .modindices import modification_indices
        return modification_indices(self, sort=sort, minimum_value=minimum_value)

    def measurement_report(self, loading_threshold: float = 0.5, group=None):
        """Reliability, validity and item tables with cut-offs, sources and verdicts
        (:class:`relqual.measurement.MeasurementReport`; ``print()`` it or show it in a notebook)."""
        from . import measurement
        return measurement.measurement_report(self, loading_threshold=loading_threshold,
                                              group=group)

    # ------------------------------------------------------------------ scores and groups
    # (relqual/scores.py and relqual/groups.py)
    def factor_scores(self, method: str = "regression", data=None) -> pd.DataFrame:
        """Factor scores as lavaan's ``lavPredict()``: ``method`` "regression" or "bartlett"; one
        column per latent variable (+ ``group``); ``data=`` scores those rows, keeping their index."""
        from .scores import factor_scores
        return factor_scores(self, method=method, data=data)

    def compare_paths(self, paths) -> pd.DataFrame:
        """Wald and likelihood-ratio tests that each path (e.g. "LOY ~ SAT") is equal across groups."""
        from .groups import compare_paths
        return compare_paths(self, paths=paths)

    # ------------------------------------------------------------------ resampling and effects
    def use_bootstrap_se(self, boot) -> None:
        """Make the bootstrap draws the source of SEs and (percentile) intervals (fit(se="bootstrap"))."""
        self.boot = boot
        free_rows = [np.flatnonzero(self.partable.col["free"] == k)[0]
                     for k in range(1, self.partable.npar + 1)]
        self.vcov_matrix = np.cov(boot.block("est")[:, free_rows], rowvar=False).reshape(
            len(free_rows), len(free_rows))
        self.__dict__.pop("_se", None)
        note = boot.note()
        if note:
            self.warnings.append(note)

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

    # ------------------------------------------------------------------ checks
    def _improper_solution_messages(self) -> list[str]:
        messages = []
        col = self.partable.col
        values = self._values
        negative = np.flatnonzero((col["op"] == "~~") & (col["lhs"] == col["rhs"]) & (values < 0))
        for k in negative:
            name = col["lhs"][k]
            kind = "latent" if name in self.partable.roles.lv else "residual"
            messages.append(f"improper solution: negative {kind} variance of '{name}' "
                            f"({values[k]:.4g}), a Heywood case")
        labels = self.prepared.group_labels
        for g, model in enumerate(self.models, start=1):
            where = f" in group {labels[g - 1]!r}" if len(self.models) > 1 else ""
            imp = model.implied(self.x)
            lv_cov = imp.C[model.p:, model.p:]
            if lv_cov.size:
                eigvals, eigvecs = np.linalg.eigh(lv_cov)
                if eigvals[0] <= 0:
                    involved = [model.lv_names[i] for i in np.flatnonzero(np.abs(eigvecs[:, 0]) > 0.1)]
                    messages.append("improper solution: the covariance matrix of the latent "
                                    f"variables is not positive definite{where} (involving "
                                    f"{', '.join(involved)})")
            total = np.diag(imp.C)
            with np.errstate(invalid="ignore", divide="ignore"):
                corr = imp.C / np.sqrt(np.outer(total, total))
            off = np.abs(corr[np.triu_indices_from(corr, 1)])
            if np.any(off > 1 + 1e-8):
                i, j = np.argwhere(np.triu(np.abs(corr), 1) > 1 + 1e-8)[0]
                messages.append(f"improper solution: implied correlation between "
                                f"'{model.names[i]}' and '{model.names[j]}' is {corr[i, j]:.3f}"
                                f"{where}")
        return messages

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
        if np.isfinite(fm.get("chisq_scaled", np.nan)):
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


