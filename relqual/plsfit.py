"""The PLS family of estimators: PLS-SEM (Mode A ``=~``, Mode B ``<~``) and consistent PLS.

The parts this family plugs into the estimation core (:mod:`relqual.estimation`):

* problem: the model as a PLS path model (:class:`relqual.pls.PLSModel`): every construct's
  block of indicators (``=~``: Mode A, ``<~``: Mode B; an observed variable used in a regression
  becomes its own single-item construct), the structural paths; listwise rows, standardized;
  a parameter table with one row per loading (``=~``), weight (``<~``) and path (``~``);
* optimize: the PLS algorithm (:func:`relqual.pls.fit_pls`; ``control``: ``tol`` 1e-7 on the
  summed absolute weight change, ``max_iter`` 300, SmartPLS's and seminr's stop rule);
* inference: none of its own (PLS has no analytic standard errors); ``bootstrap=B`` gives
  bootstrap standard errors and percentile intervals through the fit's own refit path;
* fit measures: the sample size, the number of parameters, and SRMR, d_ULS and d_G (base-10
  logarithms, as ADANCO and cSEM) of the estimated and the saturated model
  (:mod:`relqual.plsfitmeasures`).
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from .data import Moments, check_groups_kept, prepare_data_and_moments
from .engine.inference import evaluate_defined
from .engine.optimize import OptimResult
from .engine.samplestats import SampleStats
from .partable import ParTable, VariableRoles, unique_in_order
from .pls import PLSModel, fit_pls, in_feedback_loops, standardize
from .plsadmissible import improper_solution_messages as inadmissible
from .plsfitmeasures import fit_measures as pls_fit_measures
from .plshoc import HOC_APPROACHES, TwoStage, source
from .plsinteraction import PRODUCT_METHODS, InteractionProducts, InteractionTwoStage
from .problem import Inference, Problem
from .syntax import ModelSyntaxError, parse

PLS_OPS = ("=~", "<~", "~", ":=")
INTERACTION_METHODS = ("two_stage",) + PRODUCT_METHODS


class PLSFamily:
    """PLS and PLSc: the parts of the pipeline (see :class:`relqual.problem.Family`)."""

    name = "PLS"

    def unsupported(self, problem: Problem) -> dict:
        """Result methods PLS fits do not offer (yet), with the message that refuses them."""
        whats = {"modindices": "modification indices (a covariance-based concept)",
                 "bollen_stine": "the Bollen-Stine bootstrap (a covariance-based test)",
                 "measurement_report": "the measurement report",
                 "item_diagnostics": "item diagnostics", "compare_paths": "compare_paths()"}
        estimator = problem.pls["estimator"]
        return {feature: f"{what} is not available for estimator='{estimator}' fits yet"
                for feature, what in whats.items()}

    def problem(self, spec, data, options) -> Problem:
        """Parse the model as a PLS path model and standardize its listwise-complete rows."""
        if options.group is not None:
            raise NotImplementedError("multigroup PLS (group=) is a PLS-MGA, which is planned; "
                                      "fit the groups separately for now")
        if options.missing not in ("listwise", "mean"):
            raise NotImplementedError(f"missing='{options.missing}' is not available with "
                                      f"estimator='{options.estimator}'; use missing='listwise' "
                                      "or 'mean'")
        interaction = spec.extra.get("pls_interaction", "two_stage")  # relqual.interaction
        model, partable = pls_model(spec.syntax, options.hoc, interaction)
        items = model.stage1.indicators if isinstance(model, TwoStage) else model.indicators
        prepared, moments = prepare_data_and_moments(
            data, list(items), first_line=partable.roles.first_line,
            missing="fiml" if options.missing == "mean" else "listwise")
        check_groups_kept(data, None, prepared)
        if options.missing == "mean":
            prepared = mean_replacement(prepared, list(items))
        X, S = standardized(prepared.arrays[0], moments and moments[0])
        n = len(X)
        settings = dict(scheme=options.scheme, consistent=options.estimator == "PLSC",
                        tol=float(options.control.get("tol", 1e-7)),
                        max_iter=int(options.control.get("max_iter", 300)))
        return Problem(family=self, partable=partable, data=prepared,
                       samples=[SampleStats(tuple(items), n, X.sum(axis=0) / n,
                                            S * ((n - 1) / n))], models=[],
                       loss=None, x0=np.zeros(partable.npar), moments=0,
                       notes=tuple(prepared.notes) + partable.options["notes"],
                       pls=dict(model=model, X=X, S=S, settings=settings,
                                estimator="PLSc" if settings["consistent"] else "PLS"))

    def with_data(self, problem: Problem, arrays: list[np.ndarray]) -> Problem:
        """The same model on other rows (restandardized, as a bootstrap resample is)."""
        X = standardize(arrays[0])
        if not np.all(np.isfinite(X)):
            raise ValueError("an indicator has no variance in this resample")
        data = replace(problem.data, arrays=list(arrays), n_used=len(arrays[0]))
        return replace(problem, data=data, pls=dict(problem.pls, X=X, S=X.T @ X / (len(X) - 1)))

    def optimize(self, problem: Problem, options, start=None) -> OptimResult:
        """Run the PLS algorithm; the parameter vector holds loadings, weights and paths."""
        settings = problem.pls["settings"]
        model = problem.pls["model"]
        if isinstance(model, TwoStage):         # both stages; the first stage's settle last
            stages = model.fit(problem.pls["X"], **settings)
            x = parameter_vector(problem.partable, model, stages)
            fit = replace(stages[1], converged=stages[0].converged and stages[1].converged)
            details = dict(pls_fit=fit, pls_stages=stages)
        else:
            fit = fit_pls(problem.pls["X"], model, S=problem.pls["S"], **settings)
            x = parameter_vector(problem.partable, model, fit)
            details = dict(pls_fit=fit)
        message = (f"summed absolute weight change below {settings['tol']:g} after "
                   f"{fit.iterations} iterations" if fit.converged else
                   f"the weights did not settle in {settings['max_iter']} iterations (summed "
                   f"absolute change still above {settings['tol']:g})")
        return OptimResult(x=x, fmin=np.nan, gradient=np.zeros(0), information=None,
                           iterations=fit.iterations, converged=fit.converged,
                           message=message, details=details)

    def improper_solution_messages(self, est) -> list[str]:
        """Inadmissible estimates (:mod:`relqual.plsadmissible`: PLSc's rho_A above 1 and
        corrected correlations beyond 1, loadings beyond 1, R² outside 0 to 1), of both stages
        of a two-stage model; the covariance-based checks of :mod:`relqual.estimation` have no
        meaning here."""
        pls = est.problem.pls
        model, consistent = pls["model"], pls["settings"]["consistent"]
        if not isinstance(model, TwoStage):
            return inadmissible(est.opt.details["pls_fit"], model, consistent)
        first, second = est.opt.details["pls_stages"]
        return (inadmissible(first, model.stage1, consistent)
                + inadmissible(second, model.stage2, consistent))

    def inference(self, problem: Problem, opt, options) -> Inference:
        """No analytic standard errors (they come from the bootstrap)."""
        npar = problem.partable.npar
        return Inference(np.full((npar, npar), np.nan), True, "none")

    def row_values(self, problem: Problem, x: np.ndarray) -> np.ndarray:
        """Loadings, weights and paths are the free parameters themselves."""
        col = problem.partable.col
        values = np.full(len(col["op"]), np.nan)
        free = col["free"]
        values[free > 0] = x[free[free > 0] - 1]
        return evaluate_defined(col, values)

    def standardize(self, problem: Problem, x: np.ndarray, kind: str) -> np.ndarray:
        """PLS estimates are standardized already."""
        return self.row_values(problem, x)

    def fit_measures(self, problem: Problem, estimate) -> dict:
        """``npar ntotal``, then SRMR, d_ULS and d_G of the estimated model (``srmr d_uls
        d_g``) and of the saturated model (``srmr_saturated d_uls_saturated d_g_saturated``), as
        ADANCO and cSEM report them; ``d_g_log_base`` = 10: d_G uses base-10 logarithms (see
        :mod:`relqual.plsfitmeasures`).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; textual ~ visual",
        ...              rq.datasets.load("holzinger_swineford"), estimator="PLS")
        >>> fm = res.fit_measures()
        >>> list(fm.index)      # doctest: +NORMALIZE_WHITESPACE
        ['npar', 'ntotal', 'srmr', 'd_uls', 'd_g', 'srmr_saturated', 'd_uls_saturated',
         'd_g_saturated', 'd_g_log_base']
        """
        pls = problem.pls
        X, model, fit = pls["X"], pls["model"], estimate.opt.details["pls_fit"]
        if isinstance(model, TwoStage):         # the second stage's model, as SmartPLS
            first = estimate.opt.details["pls_stages"][0]
            if isinstance(model, InteractionTwoStage):     # its standardized product terms
                fit = model.rescaled(fit, 1 / model.scale_factors(X, first, fit))
            X, model = model.stage2_data(X, first), model.stage2
        return {"npar": float(problem.partable.npar), "ntotal": float(problem.n_obs),
                **pls_fit_measures(X, model, fit)}


PLS = PLSFamily()


def standardized(values: np.ndarray, moments: Moments | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The standardized ``values`` (:func:`relqual.pls.standardize`) and their correlation
    matrix ``X'X / (n - 1)``, from the :class:`relqual.data.Moments` that the data checks
    computed, when they did (complete rows).

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.data import prepare_data_and_moments
    >>> values = np.array([[1., 2], [2, 1], [3, 5], [4, 3]])
    >>> _, (moments,) = prepare_data_and_moments({"a": values[:, 0], "b": values[:, 1]},
    ...                                          ["a", "b"])
    >>> X, S = standardized(values, moments)
    >>> bool(np.allclose(S, X.T @ X / 3) and np.allclose(S, np.corrcoef(values.T)))
    True
    """
    if moments is None:
        X = standardize(values)
        return X, X.T @ X / (len(X) - 1)
    return (values - moments.mean) / moments.sd, moments.corr


def mean_replacement(prepared, names: list[str], warn_above: float = 0.05):
    """Missing cells replaced by their column's mean (SmartPLS's and seminr's option), with a
    note for every column that had more than ``warn_above`` of its cells missing."""
    values = prepared.arrays[0].copy()
    missing = np.isnan(values)
    means = np.nanmean(values, axis=0)
    values[missing] = np.take(means, np.nonzero(missing)[1])
    notes = [n for n in prepared.notes if not n.startswith("full-information ML")]
    share = missing.mean(axis=0)
    if missing.any():
        notes.append(f"mean replacement: {int(missing.sum())} missing cell(s) replaced by their "
                     "column's mean (" + ", ".join(f"{v}: {int(k)}" for v, k in
                                                   zip(names, missing.sum(axis=0)) if k) + ")")
    notes += [f"column '{v}' has {s:.0%} of its values missing; mean replacement shrinks its "
              "variance and correlations (consider listwise deletion)"
              for v, s in zip(names, share) if s > warn_above]
    return replace(prepared, arrays=[values], notes=notes)


def pls_model(syntax: str, hoc: str = "two_stage", interaction: str = "two_stage"
              ) -> tuple[PLSModel | TwoStage, ParTable]:
    """The PLS path model and the parameter table of lavaan-style ``syntax``.

    ``A =~ a1 + a2``: a Mode A construct; ``B <~ b1 + b2``: a Mode B composite;
    ``C ~ A + B``: paths; an observed variable in a regression is its own single-item
    construct; ``:=`` may use labels of paths; ``H =~ A + B`` over constructs: a higher-order
    construct, built by ``hoc`` (:mod:`relqual.plshoc`: "two_stage" gives a
    :class:`relqual.plshoc.TwoStage`, "repeated" one model with repeated indicators);
    ``Y ~ X + M + X:M`` with constructs ``X`` and ``M``: an interaction term, estimated by the
    two-stage approach (:class:`relqual.plsinteraction.InteractionTwoStage`) or, with
    ``interaction="product_indicator"`` or ``"orthogonal"``, by product indicators
    (:class:`relqual.plsinteraction.InteractionProducts`). A
    construct's variance fixed at 1 (``H ~~ 1*H``) is what PLS does anyway and is accepted;
    other fixed values, ``~~``, ``~1``, thresholds and constraints are refused by line.

    The parsed model is kept per syntax (the last 64), so refitting the same model (a
    bootstrap, a simulation, a benchmark) does not parse it again; every call gets its own copy
    of the parameter table.

    Examples
    --------
    >>> model, table = pls_model("A =~ a1 + a2; B <~ b1 + b2; B ~ A")
    >>> model.constructs, model.modes, table.npar
    (['A', 'B'], ['A', 'B'], 9)
    >>> model, table = pls_model("A =~ a1 + a2; B =~ b1 + b2; H =~ A + B; Y =~ y; Y ~ H",
    ...                          hoc="repeated")
    >>> model.constructs, [len(b) for b in model.blocks]
    (['A', 'B', 'H', 'Y'], [2, 2, 4, 1])
    """
    if not isinstance(syntax, str):
        raise TypeError(f"model syntax must be a string, not {type(syntax).__name__}")
    if hoc not in HOC_APPROACHES:
        raise ValueError(f"unknown hoc='{hoc}'; choose from " + ", ".join(HOC_APPROACHES))
    if interaction not in INTERACTION_METHODS:
        raise ValueError(f"unknown PLS interaction method '{interaction}'; choose from "
                         + ", ".join(INTERACTION_METHODS))
    model, partable = _parsed_pls_model(syntax, hoc, interaction)
    return model, partable.copy()


def _unit_variance(s, measured) -> bool:
    """``H ~~ 1*H`` for a construct: the unit variance every PLS score has."""
    modifier = s.modifiers[0] if s.modifiers else None
    return (s.op == "~~" and s.lhs == s.rhs and s.lhs in measured and modifier is not None
            and modifier.fixed == 1.0)


@lru_cache(maxsize=64)
def _parsed_pls_model(syntax: str, hoc: str, interaction: str
                      ) -> tuple[PLSModel | TwoStage, ParTable]:
    statements = parse(syntax)
    measured = {s.lhs for s in statements if s.op in ("=~", "<~")}
    higher = {s.lhs for s in statements if s.op in ("=~", "<~") and s.rhs in measured}
    notes = tuple(f"line {s.line}: '{s.text.strip()}' fixes a construct's variance at 1, "
                  "which every PLS construct score has already" for s in statements
                  if _unit_variance(s, measured))
    statements = [s for s in statements if not _unit_variance(s, measured)]
    terms = [s for s in statements if s.op == "~" and ":" in s.rhs]
    if terms:
        return _interaction_model(statements, terms, measured, higher, notes, interaction)
    for s in statements:
        if s.op in ("=~", "<~") and s.lhs in higher and s.rhs not in measured:
            raise ModelSyntaxError(f"'{s.lhs}' is measured by constructs and by the item "
                                   f"'{s.rhs}'; a higher-order construct's indicators are its "
                                   "dimensions only", s.line, s.rhs, s.text)
        if s.op in ("=~", "<~") and s.lhs in higher and s.rhs in higher:
            raise ModelSyntaxError(f"'{s.rhs}' is a higher-order construct itself; PLS builds "
                                   "second-order constructs, not third-order ones", s.line,
                                   s.rhs, s.text)
    dimensions = unique_in_order(s.rhs for s in statements
                                 if s.op in ("=~", "<~") and s.lhs in higher)
    for s in statements:
        if s.op == "~" and (s.lhs in dimensions or s.rhs in dimensions):
            name = s.lhs if s.lhs in dimensions else s.rhs
            raise ModelSyntaxError(f"'{name}' is a dimension of a higher-order construct; its "
                                   "paths go through the higher-order construct, so it takes "
                                   "no paths of its own in PLS", s.line, name, s.text)
    if not higher or hoc == "repeated":
        model, partable = _build(statements, [], {h: "repeated" for h in higher})
        partable.options["notes"] = notes + partable.options["notes"]
        return model, partable
    hoc_paths = [s for s in statements if s.op == "~" and higher & {s.lhs, s.rhs}]
    lone = sorted(higher - {n for s in hoc_paths for n in (s.lhs, s.rhs)})
    if lone:
        line = next(s for s in statements if s.lhs == lone[0])
        raise ModelSyntaxError(f"'{lone[0]}' takes part in no path; the two-stage approach "
                               "estimates a higher-order construct through its paths (use "
                               "hoc='repeated')", line.line, lone[0], line.text)
    stage1, table1 = _build([s for s in statements if s.lhs not in higher and s.op != ":="
                             and s not in hoc_paths], _rewired(statements, hoc_paths, higher), {})
    stage2, table2 = _build(statements, [], {h: "scores" for h in higher})
    names = list(stage1.indicators) + dimensions     # the parameter table shows both stages
    shown = [c for c in stage1.constructs if c in dimensions] + list(stage2.constructs)
    blocks = [stage1.blocks[stage1.constructs.index(c)] if c in dimensions else
              np.array([names.index(stage2.indicators[k])
                        for k in stage2.blocks[stage2.constructs.index(c)]]) for c in shown]
    modes = [stage1.modes[stage1.constructs.index(c)] if c in dimensions else
             stage2.modes[stage2.constructs.index(c)] for c in shown]
    both = PLSModel(shown, names, blocks, modes, np.zeros((len(shown),) * 2, dtype=bool))
    first_line = {**table2.roles.first_line, **table1.roles.first_line}
    partable = _pls_partable(both, statements, [s for s in statements if s.op == "~"],
                             first_line, [])
    partable.roles.ov[:] = list(stage1.indicators)
    partable.options["notes"] = notes + table1.options["notes"] + table2.options["notes"]
    return TwoStage(stage1, stage2, dimensions, both), partable


def _interaction_model(statements, terms, measured, higher, notes, method):
    """The interaction model (:mod:`relqual.plsinteraction`; ``method``: "two_stage",
    "product_indicator" or "orthogonal") of ``statements`` whose regressions ``terms`` have a
    product ``X:M`` of constructs on their right."""
    pairs = {}
    for s in terms:
        factors = s.rhs.split(":")
        if higher:
            raise ModelSyntaxError("interaction terms with higher-order constructs are not "
                                   "available in PLS yet", s.line, s.rhs, s.text)
        bad = [f for f in factors if f not in measured]
        if len(factors) != 2 or bad:
            raise ModelSyntaxError(f"the interaction term '{s.rhs}' must be the product of two "
                                   "constructs measured in the model (=~ or <~)"
                                   + (f"; '{bad[0]}' is not one" if bad else ""),
                                   s.line, s.rhs, s.text)
        pairs[s.rhs] = tuple(factors)
    main = [s for s in statements if s not in terms and s.op != ":="]
    stage1, _ = _build(main, [], {})
    if method == "two_stage":
        stage2, partable = _build(statements, [], {})
    else:                             # each term a construct measured by the items' products
        written = {s.rhs: s for s in terms}          # the line that asked for the term
        products = [replace(written[term], lhs=term, op="=~", rhs=f"{a}:{b}", modifiers=[])
                    for term, (x, m) in pairs.items()
                    for a in _items(main, x) for b in _items(main, m)]
        stage2, partable = _build(statements + products, [], {})
    partable.roles.ov[:] = list(stage1.indicators)
    partable.options["notes"] = notes + partable.options["notes"]
    if method == "two_stage":
        return InteractionTwoStage(stage1, stage2, [], stage2, pairs), partable
    return InteractionProducts(stage1, stage2, [], stage2, pairs, method), partable


def _items(statements, construct: str) -> list[str]:
    """The items of ``construct`` in ``statements``, in order."""
    return [s.rhs for s in statements if s.op in ("=~", "<~") and s.lhs == construct]


def _rewired(statements, hoc_paths, higher) -> list[tuple[str, str]]:
    """Stage 1's paths for the HOCs' paths: each HOC replaced by each of its dimensions."""
    dims = {h: [s.rhs for s in statements if s.op in ("=~", "<~") and s.lhs == h]
            for h in higher}
    return [(lhs, rhs) for s in hoc_paths for lhs in dims.get(s.lhs, [s.lhs])
            for rhs in dims.get(s.rhs, [s.rhs])]


def _build(statements, extra_paths, hocs: dict) -> tuple[PLSModel, ParTable]:
    """The model of ``statements`` (plus ``extra_paths``: (outcome, predictor) pairs).

    ``hocs``: per higher-order construct "repeated" (its dimensions' items are its block, the
    paths join it to its dimensions) or "scores" (its dimensions are its indicators, as stage
    2 of the two-stage approach).
    """
    blocks: dict[str, list[str]] = {}
    modes: dict[str, str] = {}
    paths = []
    first_line: dict[str, int] = {}
    for s in statements:
        if s.op not in PLS_OPS:
            raise ModelSyntaxError(f"'{s.op}' has no meaning in a PLS path model (only =~, <~, ~ "
                                   "and :=)", s.line, s.op, s.text)
        modifier = s.modifiers[0] if s.modifiers else None
        if modifier is not None and (modifier.fixed is not None or modifier.start is not None):
            raise ModelSyntaxError("fixed values and starting values have no meaning in PLS",
                                   s.line, s.rhs, s.text)
        if s.op in ("=~", "<~"):
            mode = "A" if s.op == "=~" else "B"
            if modes.setdefault(s.lhs, mode) != mode:
                raise ModelSyntaxError(f"construct '{s.lhs}' is given both as =~ (Mode A) and <~ "
                                       "(Mode B)", s.line, s.lhs, s.text)
            blocks.setdefault(s.lhs, []).append(s.rhs)
            first_line.setdefault(s.rhs, s.line)
        elif s.op == "~":
            paths.append(s)
    dimensions = {h: list(blocks[h]) for h in hocs}
    links = [(d, h) if modes[h] == "A" else (h, d) for h, kind in hocs.items()
             if kind == "repeated" for d in dimensions[h]]
    for h, kind in hocs.items():
        if kind == "repeated":
            blocks[h] = [i for d in dimensions[h] for i in blocks[d]]
        else:
            for d in dimensions[h]:
                del blocks[d]
    constructs = list(blocks)
    pairs = [(s.lhs, s.rhs) for s in paths] + list(extra_paths)
    for outcome, predictor in pairs:
        for name in (outcome, predictor):
            if name not in blocks:                    # an observed variable: its own construct
                blocks[name], modes[name] = [name], "A"
                constructs.append(name)
                first_line.setdefault(name, next((s.line for s in paths if name in
                                                  (s.lhs, s.rhs)), 0))
    if not pairs and len(constructs) < 2:
        raise ModelSyntaxError("a PLS path model needs constructs and paths between them")
    indicators = unique_in_order(i for c in constructs for i in blocks[c])
    repeated = {h for h, kind in hocs.items() if kind == "repeated"}
    shared = [i for i in indicators
              if sum(i in blocks[c] for c in constructs if c not in repeated) > 1]
    if shared:
        raise ModelSyntaxError(f"indicator '{shared[0]}' belongs to more than one construct; in "
                               "PLS every indicator measures one construct (only a "
                               "higher-order construct repeats its dimensions' items)",
                               first_line[shared[0]], shared[0])
    position = {v: k for k, v in enumerate(indicators)}
    P = np.zeros((len(constructs), len(constructs)), dtype=bool)
    for outcome, predictor in pairs + links:
        P[constructs.index(predictor), constructs.index(outcome)] = True
    model = PLSModel(constructs=constructs, indicators=indicators,
                     blocks=[np.array([position[i] for i in blocks[c]]) for c in constructs],
                     modes=[modes[c] for c in constructs], paths=P)
    hoc_rows = [s for s in statements if s.op in ("=~", "<~") and s.lhs in repeated]
    partable = _pls_partable(model, statements, paths, first_line, hoc_rows)
    partable.options.update(notes=_feedback_notes(P, constructs, paths),
                            positions=_positions(model, partable))
    return model, partable


def _feedback_notes(P: np.ndarray, constructs: list[str], paths) -> tuple[str, ...]:
    """A note when the paths form a feedback loop (``A ~ B`` and ``B ~ A``, or a longer
    cycle). PLS estimates every path by least squares, which is inconsistent in a non-recursive
    model (cSEM offers two-stage least squares for it; SmartPLS refuses such models), and the
    estimated model's fit measures are undefined there. The constructs on the loops
    (:func:`relqual.pls.in_feedback_loops`) and the first path line between two of them are
    named.

    Examples
    --------
    >>> _, table = pls_model("A =~ a1 + a2; B =~ b1 + b2; A ~ B; B ~ A")
    >>> table.options["notes"][0][:60]
    "line 1: the paths form a feedback loop through 'A', 'B' (a n"
    """
    looped = in_feedback_loops(P)
    if not looped.any():
        return ()
    names = [c for c, left in zip(constructs, looped) if left]
    line = next(s for s in paths if s.lhs in names and s.rhs in names)
    return (f"line {line.line}: the paths form a feedback loop through "
            f"{', '.join(map(repr, names))} (a non-recursive model): PLS estimates each path by "
            "least squares, which is biased for paths in a feedback loop, and the estimated "
            "model's SRMR, d_ULS and d_G are not defined; consider a recursive model",)


def _pls_partable(model: PLSModel, statements, paths, first_line, hoc_rows) -> ParTable:
    rows = []                                     # (lhs, op, rhs, label, line)
    for c, block in zip(model.constructs, model.blocks):
        rows += [(c, "=~", model.indicators[k], "", 0) for k in block]
    for c, block in zip(model.constructs, model.blocks):
        rows += [(c, "<~", model.indicators[k], "", 0) for k in block]
    rows += [(s.lhs, s.op, s.rhs, "", s.line) for s in hoc_rows]
    for s in paths:
        label = s.modifiers[0].label if s.modifiers and s.modifiers[0].label else ""
        rows.append((s.lhs, "~", s.rhs, label, s.line))
    npar = len(rows)
    rows += [(s.lhs, ":=", s.rhs, s.lhs, s.line) for s in statements if s.op == ":="]
    n = len(rows)
    col = dict(lhs=np.array([r[0] for r in rows], dtype=object),
               op=np.array([r[1] for r in rows], dtype=object),
               rhs=np.array([r[2] for r in rows], dtype=object),
               label=np.array([r[3] for r in rows], dtype=object),
               line=np.array([r[4] for r in rows]), user=np.ones(n, dtype=int),
               group=np.where(np.arange(n) < npar, 1, 0),
               free=np.where(np.arange(n) < npar, np.arange(1, n + 1), 0),
               ustart=np.full(n, np.nan), exo=np.zeros(n, dtype=int), start=np.full(n, np.nan))
    col["id"] = np.arange(1, n + 1)
    col["block"] = col["group"]
    col["plabel"] = np.array([f".p{i}." for i in col["id"]], dtype=object)
    roles = VariableRoles(lv=list(model.constructs), ov=list(model.indicators), ov_ind=[],
                          ov_x=[], lv_x=[], first_line=dict(first_line))
    return ParTable(col=col, roles=roles, meanstructure=False, ngroups=1,
                    options=dict(std_lv=True, fixed_x=False))


def parameter_vector(partable: ParTable, model: PLSModel | TwoStage, fit) -> np.ndarray:
    """Loadings, weights and paths of ``fit`` in the parameter table's order (a two-stage
    model: ``fit`` holds the fits of both stages; :func:`relqual.plshoc.source`)."""
    if isinstance(model, TwoStage):
        col = partable.col
        x = np.empty(partable.npar)
        for free, lhs, op, rhs in zip(col["free"].tolist(), col["lhs"].tolist(),
                                      col["op"].tolist(), col["rhs"].tolist()):
            if free > 0:
                x[free - 1] = model.value(fit, lhs, op, rhs)
        return x
    return np.concatenate([getattr(fit, name).ravel() for name in _SOURCES])[
        partable.options["positions"]]


_SOURCES = ("loadings", "weights", "paths")


def _positions(model: PLSModel, partable: ParTable) -> np.ndarray:
    """Per free parameter its position in the loadings, weights and paths of a fit of
    ``model`` laid end to end (:func:`relqual.plshoc.source`; all three have a column per
    construct), computed once per parsed model (read only)."""
    col = partable.col
    p, k = len(model.indicators), len(model.constructs)
    offset = dict(zip(_SOURCES, (0, p * k, 2 * p * k)))
    out = np.empty(partable.npar, dtype=int)
    for free, lhs, op, rhs in zip(col["free"].tolist(), col["lhs"].tolist(), col["op"].tolist(),
                                  col["rhs"].tolist()):
        if free > 0:
            name, i, j = source(model, lhs, op, rhs)
            out[free - 1] = offset[name] + i * k + j
    out.flags.writeable = False
    return out
