"""What the checks a reviewer asks for share: their table, and refits on the rows of a fit.

The common-method checks (:mod:`relqual.commonmethod`), the competing-models comparison
(:mod:`relqual.modelcompare`) and the non-response check (:mod:`relqual.nonresponse`) each
return a :class:`CheckTable`: a DataFrame with one row per check (or per model, or per
variable), a verdict sentence, notes (improper solutions, caveats), the sources, and detail
tables. ``CheckTable.apa_tables()`` turns it into APA tables (:mod:`relqual.tables`), which
``res.tables(checks=[...])`` and ``res.report(..., checks=[...])`` show.

:func:`refit` fits another parameter table to the rows a fit used, through the estimation core
(:func:`relqual.ml.problem_from_rows` and :func:`relqual.estimation.estimate`), as
:mod:`relqual.pathcompare` does for its constrained refits: no second pipeline.
"""
from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from .data import PreparedData, prepare_data
from .difftest import difference_test
from .engine.missing import IncompleteData
from .estimation import estimate
from .ml import problem_from_rows
from .options import FitOptions
from .partable import build_partable

ML_FAMILY = ("ML", "MLR")
# scoring iterations of a check's refit (L-BFGS-B then gets 20 times as many): a method factor
# that the data do not identify would otherwise run to the default limit, under FIML slowly
REFIT_MAX_ITER = 100


class CheckTable(pd.DataFrame):
    """One reviewer check as a DataFrame, with its verdict, notes, sources and details.

    Made by :func:`relqual.commonmethod.common_method`, :func:`relqual.compare` and
    :func:`relqual.nonresponse`, not directly. Derived frames (slices, arithmetic) are plain
    DataFrames.

    Attributes
    ----------
    kind : str
        "common_method", "compare" or "nonresponse".
    title : str
        What the table shows.
    verdict : str
        One plain-language sentence (or a few) a thesis can quote.
    notes : list of str
        Improper solutions, non-converged refits, caveats: what a reader must see.
    sources : list of str
        The in-text citations of the methods.
    details : dict of DataFrame
        Supporting tables (per item, per model, per pair, ...), by name.
    syntax : dict of str
        The lavaan syntax of every model fitted for the check (paste it into lavaan to repeat).
    fits : dict of Result
        The models fitted for the check (or compared), by name.

    Examples
    --------
    >>> table = CheckTable(pd.DataFrame({"check": ["a"], "statistic": [1.0]}))
    >>> table.kind, table.verdict, table.details
    ('', '', {})
    """

    _metadata = ["kind", "title", "verdict", "notes", "sources", "details", "syntax", "fits"]

    def __init__(self, *args, kind: str = "", title: str = "", verdict: str = "",
                 notes=None, sources=None, details=None, syntax=None, fits=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.title, self.verdict = kind, title, verdict
        self.notes = list(notes or [])
        self.sources = list(sources or [])
        self.details = dict(details or {})
        self.syntax = dict(syntax or {})
        self.fits = dict(fits or {})

    @property
    def _constructor(self):
        return pd.DataFrame

    def _repr_html_(self) -> str:
        import html
        body = pd.DataFrame(self).to_html(index=False, float_format=lambda v: f"{v:.3f}",
                                          na_rep="")
        notes = "".join(f"<li style='color:#a00'>{html.escape(n)}</li>" for n in self.notes)
        return (f"<div><b>{html.escape(self.title)}</b>{body}<p>{html.escape(self.verdict)}</p>"
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")

    def summary(self) -> str:
        """The check as plain text: title, table, verdict, notes and sources.

        Returns
        -------
        str

        Examples
        --------
        >>> table = CheckTable(pd.DataFrame({"check": ["a"]}), title="T", verdict="Fine.")
        >>> print(table.summary())
        T
        check
            a
        <BLANKLINE>
        Fine.
        """
        frame = pd.DataFrame(self)
        wordy = [c for c in ("verdict", "source", "measure") if c in frame.columns]
        shown = frame.drop(columns=wordy).to_string(index=False,
                                                    float_format=lambda v: f"{v:.3f}")
        lines = [self.title, shown, ""]
        if "verdict" in frame.columns:
            label = "check" if "check" in frame.columns else frame.columns[0]
            lines += [f"- {r[label]}: {r['verdict']}" for _, r in frame.iterrows()] + [""]
        lines.append(self.verdict)
        lines += [f"! {note}" for note in self.notes]
        if self.sources:
            lines.append("Sources: " + "; ".join(self.sources) + ".")
        return "\n".join(line for line in lines if line is not None)

    def apa_tables(self, decimals: int = 3, lang: str = "en") -> list:
        """The check as APA tables (:class:`relqual.tables.Table`, not yet numbered).

        Parameters
        ----------
        decimals : int
            Decimals of the numbers.
        lang : str
            "en" or "zh" (titles, headers, notes and verdicts in Chinese).

        Returns
        -------
        list of relqual.tables.Table

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        >>> [t.name for t in res.common_method().apa_tables()]
        ['common_method']
        >>> res.common_method().apa_tables(lang="zh")[0].title
        '共同方法偏差检验'
        """
        from .checktables import check_tables
        return check_tables(self, decimals, lang)


# ----------------------------------------------------------------------------- refits
def check_ml_fit(result, what: str) -> None:
    """Refuse a fit the likelihood-based checks cannot refit: not ML/MLR, or several groups.

    Parameters
    ----------
    result : Result
        The fit.
    what : str
        The check, for the message.

    Returns
    -------
    None

    Raises
    ------
    NotImplementedError
        For WLSMV, PLS and multigroup fits.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> check_ml_fit(rq.fit("f =~ x1 + x2 + x3", hs), "the check")
    >>> check_ml_fit(rq.fit("f =~ x1 + x2 + x3", hs, group="school"), "the check")
    Traceback (most recent call last):
    ...
    NotImplementedError: the check is available for single-group fits; fit without group= ...
    """
    estimator = str(result.call.get("estimator", "ML")).upper()
    if estimator not in ML_FAMILY:
        raise NotImplementedError(f"{what} is available for estimator='ML' or 'MLR' fits; this "
                                  f"fit used estimator='{result.call.get('estimator')}'")
    if result.partable.ngroups > 1:
        raise NotImplementedError(f"{what} is available for single-group fits; fit without "
                                  "group= (or one group at a time)")


def rows_for(result, names: list[str]) -> tuple[PreparedData, list | None]:
    """The rows ``result`` used, with the columns ``names`` (observed variables of the fit, in
    this order), ready for :func:`refit`.

    Parameters
    ----------
    result : Result
        A single-group ML-family fit.
    names : list of str
        Observed variables of the fit.

    Returns
    -------
    prepared : PreparedData
        One array per group, columns ``names``.
    incomplete : list of IncompleteData or None
        Under FIML, the missing-data patterns and EM moments of those columns.

    Raises
    ------
    ValueError
        When a name is not an observed variable of the fit.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> prepared, incomplete = rows_for(res, ["x3", "x1"])
    >>> prepared.arrays[0].shape, incomplete is None
    ((301, 2), True)
    """
    ov = list(result.partable.roles.ov)
    absent = [v for v in names if v not in ov]
    if absent:
        raise ValueError(f"{', '.join(absent)} not in the fitted model's observed variables "
                         f"({', '.join(ov)}): fit the model again with the data")
    idx = [ov.index(v) for v in names]
    arrays = [a[:, idx] for a in result.problem.data.arrays]
    prepared = replace(result.problem.data, arrays=arrays)
    incomplete = None
    if result.problem.fiml:
        incomplete = [IncompleteData.from_array(a, list(names)) for a in arrays]
    return prepared, incomplete


def same_rows(result, data) -> None:
    """Refuse ``data`` that is not the data ``result`` was fitted to (same usable rows, same
    values of the model's observed variables, in the same order).

    Parameters
    ----------
    result : Result
    data : DataFrame

    Returns
    -------
    None

    Raises
    ------
    ValueError
        Saying how the rows differ.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("f =~ x1 + x2 + x3", hs)
    >>> same_rows(res, hs)
    >>> same_rows(res, hs.head(100))
    Traceback (most recent call last):
    ...
    ValueError: data= is not the data this model was fitted to: it gives 100 usable rows, ...
    """
    names = list(result.partable.roles.ov)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepared = prepare_data(data, names, missing=result.call.get("missing", "listwise"),
                                group=result.call.get("group"))
    n_fit = result.n_obs
    same = prepared.n_used == n_fit and all(
        a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
        for a, b in zip(prepared.arrays, result.problem.data.arrays))
    if not same:
        raise ValueError(f"data= is not the data this model was fitted to: it gives "
                         f"{prepared.n_used} usable rows, the fit used {n_fit} (or other "
                         "values); pass the DataFrame given to rq.fit")


def refit(result, syntax: str, name: str, *, std_lv: bool = True, prepared=None,
          incomplete=None, table=None, start: dict | None = None):
    """Fit lavaan ``syntax`` to the rows of ``result`` with its estimator: a new Result.

    The parameter table gets ``result``'s mean structure and fixed.x; ``std_lv`` scales the
    latent variables by their variances (fit-invariant for the measurement models of the
    checks). The rows are ``result``'s (or ``prepared``, e.g. with a marker column added).

    Parameters
    ----------
    result : Result
        The fit whose rows, estimator and options are reused.
    syntax : str
        lavaan syntax of the model to fit.
    name : str
        The new model's name.
    std_lv : bool
        lavaan's ``std.lv``.
    prepared : PreparedData, optional
        Other rows (default: those of ``result``, columns as the new model needs them).
    incomplete : list of IncompleteData, optional
        Under FIML, for ``prepared``.
    table : ParTable, optional
        A parameter table to fit instead of the one built from ``syntax`` (e.g. with
        equality constraints added); ``syntax`` then documents it.
    start : dict, optional
        Starting values by ``(lhs, op, rhs)`` (e.g. the estimates of a nested model); the
        other free parameters start at the default starting values.

    Returns
    -------
    Result
        Its ``warnings`` say whether it converged and whether the solution is proper.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6",
    ...              rq.datasets.load("holzinger_swineford"))
    >>> one = refit(res, "g =~ x1 + x2 + x3 + x4 + x5 + x6", "one factor")
    >>> one.spec.name, int(one.fit_measures()["df"]), one.n_obs
    ('one factor', 9, 301)
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*the two are merged into one parameter")
        if table is None:
            table = build_partable(syntax, std_lv=std_lv,
                                   meanstructure=result.partable.meanstructure,
                                   fixed_x=result.partable.options.get("fixed_x", True))
    if prepared is None:
        prepared, incomplete = rows_for(result, list(table.roles.ov))
    problem = problem_from_rows(table, prepared, incomplete)
    call = dict(result.call, std_lv=std_lv)
    control = dict(call.get("control") or {})
    control.setdefault("max_iter", REFIT_MAX_ITER)
    options = FitOptions(estimator=str(call.get("estimator", "ML")).upper(), control=control)
    x0 = None
    if start:
        col = table.col
        x0 = problem.x0.copy()
        for k in np.flatnonzero(col["free"] > 0):
            value = start.get((col["lhs"][k], col["op"][k], col["rhs"][k]))
            if value is not None and np.isfinite(value):
                x0[col["free"][k] - 1] = value
    est = estimate(problem, options, start=x0)
    spec = replace(result.spec, name=name, syntax=syntax, title=name, title_zh="",
                   description="", hypotheses=[], alternatives={},
                   extra={"check_of": result.spec.name})
    return type(result)(spec=spec, estimate=est, call=call)


def improper(result) -> list[str]:
    """The messages of a refit that make its numbers unusable or suspect: non-convergence,
    no standard errors, improper solutions.

    Parameters
    ----------
    result : Result

    Returns
    -------
    list of str

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x4 + x5 + x6; x5 ~~ -0.1*x5", rq.datasets.load("holzinger_swineford"))
    >>> improper(res)[0]
    "improper solution: negative residual variance of 'x5' (-0.1), a Heywood case"
    """
    keys = ("did not converge", "improper solution", "information matrix is singular",
            "reported convergence")
    return [w for w in result.warnings if any(k in w for k in keys)]


def fit_row(result, name: str | None = None) -> dict:
    """One row of a models table: ``model npar chisq df pvalue cfi tli rmsea srmr aic bic``
    (the scaled chi-square and robust indices for MLR), ``converged`` and ``improper``.

    Parameters
    ----------
    result : Result
    name : str, optional
        The model's name in the table (default ``result.spec.name``).

    Returns
    -------
    dict

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> row = fit_row(res, "one factor")
    >>> row["model"], row["npar"], round(row["chisq"], 3), row["df"]
    ('one factor', 8, 11.798, 2)
    """
    fm = result.fit_measures()
    row = {"model": name or result.spec.name, "npar": int(fm["npar"]),
           "chisq": float(fm["chisq"]), "df": int(fm["df"]), "pvalue": float(fm["pvalue"])}
    for key in ("chisq_scaled", "pvalue_scaled", "chisq_scaling_factor"):
        if key in fm.index and np.isfinite(fm[key]):
            row[key] = float(fm[key])
    for key in ("cfi", "tli", "rmsea", "srmr", "aic", "bic", "logl"):
        row[key] = float(fm.get(key, np.nan))
    for key in ("cfi_robust", "tli_robust", "rmsea_robust"):
        if key in fm.index and np.isfinite(fm[key]):
            row[key] = float(fm[key])
    row["converged"] = bool(result.converged)
    row["improper"] = bool(improper(result))
    return row


def difference(free, constrained, n: int, ngroups: int, estimator: str) -> dict:
    """The chi-square difference test of two nested fits (lavaan's ``lavTestLRT``,
    :func:`relqual.difftest.difference_test`), with a difference that is numerical noise
    (below 1e-8 of the chi-square, e.g. a method factor that ends at its boundary) set to 0.

    Parameters
    ----------
    free, constrained : Result
        The less and the more restricted fit.
    n, ngroups : int
        The number of rows and groups.
    estimator : {"ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF"}
        The estimator (MLR, MLM: the Satorra-Bentler 2001 scaled difference; MLMV, MLMVS:
        Satorra 2000).

    Returns
    -------
    dict
        ``delta_chisq delta_df p_delta rmsea_d``.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> one = rq.fit("g =~ x1 + x2 + x3 + x4 + x5 + x6", hs)
    >>> two = rq.fit("a =~ x1 + x2 + x3; b =~ x4 + x5 + x6", hs)
    >>> round(difference(two, one, 301, 1, "ML")["delta_chisq"], 3)
    78.868
    """
    fm_free, fm_con = free.fit_measures(), constrained.fit_measures()
    test = difference_test(free, constrained, n, ngroups, estimator)
    if (test["delta_df"] > 0 and abs(fm_con["chisq"] - fm_free["chisq"])
            <= 1e-8 * max(1.0, fm_con["chisq"])):
        test.update(delta_chisq=0.0, p_delta=1.0, rmsea_d=0.0)
    return test


def start_values(result, extra: dict | None = None) -> dict:
    """Starting values for a refit: the estimates of ``result`` by ``(lhs, op, rhs)``, updated
    with ``extra``.

    Parameters
    ----------
    result : Result
        A converged fit of a model nested in (or close to) the one to fit.
    extra : dict, optional
        More values by ``(lhs, op, rhs)``.

    Returns
    -------
    dict

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> round(start_values(res)[("f", "=~", "x2")], 3)
    0.778
    """
    out = {}
    if result is not None and result.converged:
        est = result.estimates()
        out = {(r.lhs, r.op, r.rhs): float(r.est) for r in est.itertuples()}
    out.update(extra or {})
    return out

