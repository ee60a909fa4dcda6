"""LMS, latent moderated structural equations (Klein & Moosbrugger 2000): the estimator family
of ``rq.fit("... y ~ x + z + x:z", data, interaction="lms")``.

The family builds the problem of the *linear* model (the user's model without its interaction
terms, with a mean structure, as modsem's LMS) and appends one parameter-table row per term
(``y ~ x:z``, free, after the linear parameters). Its loss is
:class:`relqual.engine.lms.LMSLoss`, the mixture likelihood over Gauss-Hermite nodes
(:data:`NODES` per integrated dimension; nodes with weight below 1e-14 dropped). The optimum is
found by BFGS on the analytic mixture score, first on a coarse grid (:data:`COARSE` nodes),
then on the full one; standard errors come from the observed information (the Hessian of the
log-likelihood by forward differences of the analytic score; central differences agree to
5e-5 in the SEs), as modsem's default.

The terms must share one factor (``x:z``, ``x:w``, ``x:x``): one integrated dimension
(:data:`MAX_DIMENSIONS`; a fixed grid in two dimensions needs thousands of nodes). QML
(:mod:`relqual.qml`) uses the same model, parameter table and inference.

The number of nodes: on modsem's ``oneInt`` data (N = 2000), the log-likelihood at the
96-node optimum is -17494.22 with 24 nodes, -17495.97 with 32, -17493.585 with 64, -17493.5680
with 96 and -17493.5685 with 128, 160 and 256 (after pruning 48 of the 96 nodes remain);
on ``TPB``, -26326.624 with 32, -26326.0206 with 64 and -26326.0197 with 96 to 256 nodes. So
96 nodes are within 5e-4 of the limit (measured again by ``tests/test_lms.py``).

Examples
--------
>>> import relqual as rq
>>> hs = rq.datasets.load("holzinger_swineford")
>>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9; "
...              "speed ~ visual + textual + visual:textual", hs, interaction="lms")
>>> est = res.estimates()
>>> row = est[(est.lhs == "speed") & (est.rhs == "visual:textual")]
>>> row[["op", "est", "se"]].round(3).to_string(index=False)
'op   est    se\\n ~ 0.012 0.045'
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.optimize import minimize as scipy_minimize

from .data import prepare_data
from .engine.inference import evaluate_defined
from .engine.inference import standardize as ram_standardize
from .engine.lms import LMSLoss, LMSModel, covering_set
from .engine.optimize import OptimResult
from .engine.samplestats import SampleStats
from .partable import ParTable, build_partable
from .partable import _add_defined_and_constraints as add_defined_and_constraints
from .problem import PLS_ONLY, Inference, Problem
from .syntax import parse

NODES = 96          # Gauss-Hermite nodes per integrated dimension (see the module docstring)
MAX_DIMENSIONS = 1  # integrated factors (terms must share one factor, e.g. x:z + x:w + x:x)
EXAMPLE = ("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
           "x9 ~ visual + textual + visual:textual")
"""The model of the examples: an observed outcome of the product of two factors (Holzinger &
Swineford's data, ``rq.datasets.load("holzinger_swineford")``)."""
COARSE = 32         # the first, coarse optimization
GTOL = 1e-6         # convergence: the largest gradient element of the mean log-likelihood

NOT_DEFINED = ("chisq", "df", "pvalue", "baseline_chisq", "baseline_df", "cfi", "tli", "rmsea",
               "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_pvalue", "srmr", "unrestricted_logl")
"""Fit measures of a covariance structure: not defined for LMS (the observed variables are not
multivariate normal under the model), reported as NaN, as modsem reports none."""
_REFIT = ("is not available for {name} fits yet (each refit is a full {name} optimization); use "
          "interaction='dblcent' for it")


def linear_statements(syntax: str):
    """The model's statements without its interaction regressions, and those regressions.

    Parameters
    ----------
    syntax : str

    Returns
    -------
    linear : list of Statement
    terms : list of Statement

    Examples
    --------
    >>> lin, terms = linear_statements("y ~ x + z + x:z")
    >>> [s.rhs for s in lin], [s.rhs for s in terms]
    (['x', 'z'], ['x:z'])
    """
    statements = parse(syntax)
    terms = [s for s in statements if s.op == "~" and ":" in s.rhs]
    return [s for s in statements if s not in terms], terms


def check_terms(statements, terms, max_dimensions: int | None = MAX_DIMENSIONS) -> None:
    """Refuse what LMS cannot estimate, naming the term: three-way terms, a factor that is not
    a latent variable, a factor downstream of an interaction, a fixed coefficient, terms that
    share no factor (more than :data:`MAX_DIMENSIONS` integrated factors).

    Parameters
    ----------
    statements : list of Statement
        The linear statements.
    terms : list of Statement
        The interaction regressions.
    max_dimensions : int or None
        The most integrated factors (LMS: :data:`MAX_DIMENSIONS`; QML integrates nothing:
        None).

    Raises
    ------
    NotImplementedError, ModelSyntaxError

    Examples
    --------
    >>> lin, terms = linear_statements("X =~ x1 + x2; Z =~ z1 + z2; W =~ w1 + w2; "
    ...                                "y ~ X + Z + W + X:Z:W")
    >>> check_terms(lin, terms)
    Traceback (most recent call last):
    ...
    NotImplementedError: interaction term 'X:Z:W': LMS estimates two-way terms (x:z, x:x) only; ...
    """
    latent = {s.lhs for s in statements if s.op == "=~"}
    parents: dict[str, set] = {}
    for s in statements:
        if s.op == "~":
            parents.setdefault(s.lhs, set()).add(s.rhs)
    outcomes = {s.lhs for s in terms}
    for s in terms:
        factors = s.rhs.split(":")
        if len(factors) != 2:
            raise NotImplementedError(
                f"interaction term '{s.rhs}': LMS estimates two-way terms (x:z, x:x) only; use "
                "product indicators (interaction='dblcent') for higher-order terms")
        for f in factors:
            if f not in latent:
                raise NotImplementedError(
                    f"interaction term '{s.rhs}': '{f}' is not a latent variable; LMS here "
                    "multiplies latent variables only (write '{f}' as a single-indicator "
                    "factor, or use interaction='dblcent')")
            if downstream(f, outcomes, parents):
                raise NotImplementedError(
                    f"interaction term '{s.rhs}': '{f}' depends on an interaction's outcome, so "
                    "it is not normally distributed; LMS needs the factors of a product to be "
                    "predicted linearly only")
        if any(mod.fixed is not None for mod in s.modifiers):
            raise NotImplementedError(f"interaction term '{s.rhs}': a fixed coefficient is not "
                                      "available with LMS; leave it free")
    cover = covering_set([tuple(s.rhs.split(":")) for s in terms])
    if max_dimensions is not None and len(cover) > max_dimensions:
        raise NotImplementedError(
            f"interaction terms {', '.join(repr(s.rhs) for s in terms)}: LMS here integrates "
            f"over one factor shared by every term (these need {len(cover)}: "
            f"{', '.join(cover)}); a fixed grid in more dimensions is too slow or too coarse. "
            "Use product indicators (interaction='dblcent')")


def downstream(name, outcomes, parents) -> bool:
    """Whether ``name`` is an interaction outcome or is predicted (directly or not) by one.

    Parameters
    ----------
    name : str
    outcomes : set of str
        The outcomes of interaction terms.
    parents : dict
        Variable -> the variables that predict it.

    Returns
    -------
    bool

    Examples
    --------
    >>> downstream("W", {"Y"}, {"W": {"Y"}, "Y": {"X"}}), downstream("X", {"Y"}, {"Y": {"X"}})
    (True, False)
    """
    seen, todo = set(), [name]
    while todo:
        v = todo.pop()
        if v in outcomes:
            return True
        if v not in seen:
            seen.add(v)
            todo += list(parents.get(v, ()))
    return False


def lms_partable(spec, options, max_dimensions: int | None = MAX_DIMENSIONS
                 ) -> tuple[ParTable, ParTable, list]:
    """The linear model's parameter table (mean structure) and the same with the interaction
    rows appended (``y ~ x:z``, free, numbered after the linear parameters).

    Parameters
    ----------
    spec : ModelSpec
    options : FitOptions
    max_dimensions : int or None
        See :func:`check_terms`.

    Returns
    -------
    linear : ParTable
    full : ParTable
    terms : list of (str, str, str)
        ``(outcome, x, z)`` per term.

    Examples
    --------
    >>> from relqual.models import resolve_model
    >>> from relqual.options import FitOptions
    >>> lin, full, terms = lms_partable(resolve_model("X =~ x1 + x2; Z =~ z1 + z2; "
    ...                                               "Y =~ y1 + y2; Y ~ X + Z + X:Z"),
    ...                                 FitOptions())
    >>> full.npar - lin.npar, terms
    (1, [('Y', 'X', 'Z')])
    """
    statements, terms = linear_statements(spec.syntax)
    check_terms(statements, terms, max_dimensions)
    labels = {s.modifiers[0].label for s in terms} - {None}
    for s in statements:
        if s.op == "==" and {s.lhs, s.rhs} & labels:
            raise NotImplementedError(f"line {s.line}: an equality constraint on an interaction "
                                      f"coefficient ('{s.text.strip()}') is not available with "
                                      "LMS/QML; use interaction='dblcent'")
    defined = [s for s in statements if s.op == ":="]        # may use the terms' labels
    linear = build_partable([s for s in statements if s.op != ":="], std_lv=options.std_lv,
                            meanstructure=True, fixed_x=options.fixed_x)
    col = {k: list(v) for k, v in linear.col.items()}
    npar, next_id = linear.npar, int(max(col["id"])) + 1
    for t, s in enumerate(terms):
        values = dict(id=next_id + t, lhs=s.lhs, op="~", rhs=s.rhs, user=1, block=1, group=1,
                      free=npar + t + 1, ustart=np.nan, exo=0, label=s.modifiers[0].label or "",
                      plabel=f".p{next_id + t}.", start=np.nan, line=s.line)
        for k in col:
            col[k].append(values[k])
    full_col = {k: np.array(v, dtype=linear.col[k].dtype if k != "plabel" else object)
                for k, v in col.items()}
    add_defined_and_constraints(full_col, defined)
    full_col["id"] = np.arange(1, len(full_col["lhs"]) + 1)
    full_col["block"] = full_col["group"]
    full_col["plabel"] = np.array([f".p{i}." if g > 0 else "" for i, g in
                                   zip(full_col["id"], full_col["group"])], dtype=object)
    full = ParTable(col=full_col, roles=linear.roles, meanstructure=True, ngroups=1,
                    options=dict(linear.options, interaction="lms"))
    return linear, full, [(s.lhs, *s.rhs.split(":")) for s in terms]


class LMSFamily:
    """The LMS estimator family (see :class:`relqual.problem.Family`); one instance,
    ``relqual.lms.LMS``.

    Examples
    --------
    >>> LMS.name, LMS.nodes
    ('LMS', 96)
    """

    name = "LMS"
    nodes = NODES

    def unsupported(self, problem: Problem) -> dict:
        """Result methods an LMS fit does not offer (refits, ML's modification indices and
        factor scores, which assume a linear model).

        Examples
        --------
        >>> sorted(LMS.unsupported(None))[:3]
        ['bollen_stine', 'bootstrap', 'common_method']
        """
        out = {"pls": PLS_ONLY}
        for feature, what in (("bootstrap", "the bootstrap"), ("bollen_stine", "Bollen-Stine"),
                              ("compare_paths", "compare_paths (constrained refits)"),
                              ("common_method", "common-method checks (refits)")):
            out[feature] = f"{what} {_REFIT.format(name=self.name)}"
        for feature, what in (("modindices", "modification indices"),
                              ("factor_scores", "factor scores"),
                              ("measurement_report", "the measurement report")):
            out[feature] = (f"{what} assume a linear model and are not available for "
                            f"{self.name} fits; use interaction='dblcent'")
        return out

    def problem(self, spec, data, options) -> Problem:
        """The LMS problem of ``spec`` (with interaction terms) fitted to ``data`` (listwise).

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.models import resolve_model
        >>> from relqual.options import FitOptions
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> problem = LMS.problem(resolve_model(EXAMPLE), hs, FitOptions())
        >>> problem.partable.npar, problem.n_obs, type(problem.loss).__name__
        (24, 301, 'LMSLoss')
        """
        linear, full, terms = lms_partable(spec, options)
        prepared = prepare_data(data, linear.roles.ov, first_line=linear.roles.first_line)
        return self._problem(linear, full, terms, prepared)

    def _problem(self, linear, full, terms, prepared) -> Problem:
        from .ml import problem_from_rows
        base = problem_from_rows(linear, prepared)
        sample = base.samples[0]
        model = LMSModel(linear, 1, sample, terms, linear.npar)
        x0 = np.r_[base.x0, np.zeros(len(terms))]
        return Problem(family=self, partable=full, data=prepared, samples=[sample],
                       models=[model], loss=LMSLoss(model, prepared.arrays[0], self.nodes),
                       x0=x0, moments=base.moments, notes=tuple(prepared.notes))

    def linear_problem(self, problem: Problem) -> Problem:
        """The ML problem of the model without its interaction terms, on the same rows.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> LMS.linear_problem(res.problem).partable.npar
        23
        """
        from .ml import problem_from_rows
        col = problem.partable.col
        keep = ~(((col["op"] == "~") & np.array([":" in str(r) for r in col["rhs"]]))
                 | (col["op"] == ":="))                   # no terms, no definitions
        linear = ParTable(col={k: v[keep] for k, v in col.items()},
                          roles=problem.partable.roles, meanstructure=True, ngroups=1,
                          options={k: v for k, v in problem.partable.options.items()
                                   if k != "interaction"})
        return problem_from_rows(linear, problem.data)

    def with_data(self, problem: Problem, arrays: list) -> Problem:
        """The problem on other rows (one group).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> LMS.with_data(res.problem.detached(), [res.problem.data.arrays[0][:150]]).n_obs
        150
        """
        sample = SampleStats.from_array(arrays[0], problem.partable.roles.ov)
        model = problem.models[0]
        model.set_sample(sample)
        data = replace(problem.data, arrays=list(arrays), n_used=len(arrays[0]))
        return replace(problem, data=data, samples=[sample],
                       loss=LMSLoss(model, arrays[0], self.nodes))

    def optimize(self, problem: Problem, options, start=None) -> OptimResult:
        """Step 4: start at the linear model's ML estimates (interaction 0), BFGS on a coarse
        grid, then on the full grid.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> res.estimate.opt.converged
        True
        """
        loss, settings = problem.loss, dict(options.control)
        gtol = settings.get("gtol", GTOL)
        max_iter = settings.get("max_iter", 500)
        if start is None:
            start = self.start(problem, options)
        coarse = LMSLoss(problem.models[0], problem.data.arrays[0], COARSE)
        first = scipy_minimize(coarse.value_and_gradient, start, jac=True, method="BFGS",
                               options=dict(gtol=100 * gtol, maxiter=max_iter))
        x = first.x if np.isfinite(first.fun) else start
        settings = dict(gtol=gtol, maxiter=max_iter)
        curvature = 0.5 * (first.hess_inv + first.hess_inv.T)
        if np.isfinite(first.fun) and np.linalg.eigvalsh(curvature)[0] > 0:
            settings["hess_inv0"] = curvature          # keep the coarse run's curvature
        run = scipy_minimize(loss.value_and_gradient, x, jac=True, method="BFGS",
                             options=settings)
        return finished(loss, run, int(first.nit + run.nit), gtol,
                        f"BFGS ({COARSE} then {loss.nodes} Gauss-Hermite nodes)")

    def start(self, problem: Problem, options) -> np.ndarray:
        """The starting values: the linear model's ML estimates, the interaction terms at 0.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> from relqual.options import FitOptions
        >>> start = LMS.start(res.problem, FitOptions())
        >>> len(start) == res.problem.partable.npar, float(start[-1])
        (True, 0.0)
        """
        from .estimation import estimate
        linear = estimate(self.linear_problem(problem), options, inference=False)
        return np.r_[linear.x, np.zeros(len(problem.models[0].terms))]

    def inference(self, problem: Problem, opt, options) -> Inference:
        """Step 5: the inverse observed information (Hessian of minus the log-likelihood).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> res.estimate.inference.kind
        'observed'
        """
        from .engine.inference import vcov_from_information
        if options.estimator != "ML":
            raise NotImplementedError("LMS standard errors are observed-information ones "
                                      "(estimator='ML')")
        hessian = problem.loss.observed_hessian(opt.x)[2]
        vcov, invertible = vcov_from_information(2.0 * hessian, problem.loss.n_total)
        return Inference(vcov, invertible, "observed", 2.0 * hessian)

    def fit_measures(self, problem: Problem, estimate) -> dict:
        """The likelihood-based measures of an LMS fit (no chi-square: the model is not a
        covariance structure; :data:`NOT_DEFINED` are NaN): ``npar logl aic bic bic2
        ntotal``, with the linear model's
        log-likelihood (``baseline_logl``, the model without the interaction terms) and the
        likelihood-ratio test of the interaction (``interaction_chisq``, ``_df``,
        ``_pvalue``).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> res.fit_measures()[["npar", "logl"]].round(3).tolist()
        [24.0, -2916.93]
        """
        from scipy import stats

        from .estimation import estimate as run
        from .ml import ML
        n, npar = problem.n_obs, problem.partable.npar
        logl = float(problem.loss.loglik_rows(estimate.x).sum())
        linear = self.linear_problem(problem)
        base = run(linear, _plain_options(), inference=False)
        base_logl = float(ML.fit_measures(linear, base)["logl"])
        chisq = max(2.0 * (logl - base_logl), 0.0)
        df = npar - linear.partable.npar
        undefined = dict.fromkeys(NOT_DEFINED, np.nan)
        return dict(undefined, npar=npar, logl=logl, aic=-2 * logl + 2 * npar,
                    bic=-2 * logl + np.log(n) * npar,
                    bic2=-2 * logl + np.log((n + 2) / 24) * npar, ntotal=n,
                    baseline_logl=base_logl, interaction_chisq=chisq, interaction_df=df,
                    interaction_pvalue=float(stats.chi2.sf(chisq, df)))

    def standardize(self, problem: Problem, x: np.ndarray, kind: str) -> np.ndarray:
        """Standardized values; total variances include the interaction's share, and an
        interaction coefficient is scaled by SD(x) SD(z) / SD(y) (std.lv: latent SDs only).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> est = res.estimates()
        >>> round(float(est.loc[est.rhs == "visual:textual", "std_all"].iloc[0]), 3)
        0.047
        """
        values = problem.row_values(x)
        out = ram_standardize(problem.partable.col, problem.models, x, values, kind)
        model = problem.models[0]
        sd = np.sqrt(np.diag(model.implied(x).C))
        if kind == "std.lv":
            sd[: model.p] = 1.0
        index = {name: k for k, name in enumerate(model.names)}
        col = problem.partable.col
        terms = np.array([":" in str(r) for r in col["rhs"]])
        for k in np.flatnonzero((col["op"] == "~") & terms):
            y, (a, b) = col["lhs"][k], col["rhs"][k].split(":")
            out[k] = values[k] * sd[index[a]] * sd[index[b]] / sd[index[y]]
        defined = col["op"] == ":="
        if defined.any():                       # again, now with the terms' values
            with np.errstate(invalid="ignore"):
                out[defined] = evaluate_defined(col, np.where(defined, np.nan, out))[defined]
        return out


def model_test_lines(measures) -> list[str]:
    """The summary's "Model test" block for an LMS fit: the likelihood-based measures and the
    likelihood-ratio test of the interaction (no chi-square test of the model).

    Parameters
    ----------
    measures : Series or dict
        :meth:`LMSFamily.fit_measures`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> measures = dict(logl=-10.0, aic=30.0, bic=33.0, interaction_chisq=4.0,
    ...                 interaction_df=1, interaction_pvalue=0.0455, baseline_logl=-12.0)
    >>> print("\\n".join(model_test_lines(measures)))
    Model test (LMS: no chi-square test of the model, which is not a covariance structure)
      logL = -10.000  AIC = 30.000  BIC = 33.000
      interaction terms: LR chi-square = 4.000, df = 1, p = 0.0455 (logL without them -12.000)
    """
    return ["Model test (LMS: no chi-square test of the model, which is not a covariance "
            "structure)",
            f"  logL = {measures['logl']:.3f}  AIC = {measures['aic']:.3f}  "
            f"BIC = {measures['bic']:.3f}",
            f"  interaction terms: LR chi-square = {measures['interaction_chisq']:.3f}, "
            f"df = {int(measures['interaction_df'])}, p = {measures['interaction_pvalue']:.4f} "
            f"(logL without them {measures['baseline_logl']:.3f})"]


def finished(loss, run, iterations: int, gtol: float, method: str) -> OptimResult:
    """The optimization's result: value and gradient at scipy's optimum ``run``, converged when
    the largest gradient element is below ``10 gtol``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> loss = SimpleNamespace(value_and_gradient=lambda x: (float(x @ x), 2 * x))
    >>> run = SimpleNamespace(x=np.zeros(2), message="done")
    >>> out = finished(loss, run, 3, 1e-6, "BFGS")
    >>> out.converged, out.message
    (True, 'BFGS: done')
    """
    value, gradient = loss.value_and_gradient(run.x)
    converged = bool(np.all(np.isfinite(gradient)) and np.max(np.abs(gradient)) < 10 * gtol)
    return OptimResult(x=run.x, fmin=value, gradient=gradient, information=None,
                       iterations=iterations, converged=converged,
                       message=f"{method}: {run.message}")


def _plain_options():
    from .options import FitOptions
    return FitOptions()


LMS = LMSFamily()
