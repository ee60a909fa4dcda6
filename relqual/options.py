"""Step 1 of a fit: the user's options, checked once and kept as one immutable object.

Every check of ``rq.fit``'s arguments lives here (lavaan's ``lav_options_set`` in spirit), so
the estimation core (:mod:`relqual.estimation`) can trust what it receives.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from .data import FIML_NAMES

ML_ESTIMATORS = ("ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF")
LS_ESTIMATORS = ("ULS", "GLS", "WLS", "DWLS")
ORDINAL_ONLY = ("WLSMV", "WLSM", "WLSMVS", "ULSM", "ULSMV")   # relqual: for ordered items only
ORDINAL_ESTIMATORS = ORDINAL_ONLY + ("DWLS", "ULS", "WLS")      # lavaan's, for ordered items
ESTIMATORS = ML_ESTIMATORS + LS_ESTIMATORS + ORDINAL_ONLY + ("PLS", "PLSC")
PLS_ESTIMATORS = ("PLS", "PLSC")
SCHEMES = ("path", "factorial", "centroid")
CONTINUOUS_SE = ("standard", "robust.sem", "robust.huber.white", "first.order")
TESTS = ("standard", "satorra.bentler", "yuan.bentler", "yuan.bentler.mplus",
         "mean.var.adjusted", "scaled.shifted", "bollen.stine")
SATORRA_TESTS = ("satorra.bentler", "yuan.bentler", "mean.var.adjusted", "scaled.shifted")
DEFAULTS = {                      # estimator -> (se, test), as lavaan 0.6-14's lavOptions
    "ML": ("standard", "standard"), "MLR": ("robust.huber.white", "yuan.bentler.mplus"),
    "MLM": ("robust.sem", "satorra.bentler"), "MLMV": ("robust.sem", "scaled.shifted"),
    "MLMVS": ("robust.sem", "mean.var.adjusted"), "MLF": ("first.order", "standard"),
    "ULS": ("standard", "standard"), "GLS": ("standard", "standard"),
    "WLS": ("standard", "standard"), "DWLS": ("standard", "standard"),
    "WLSMV": ("robust.sem", "scaled.shifted"), "WLSM": ("robust.sem", "satorra.bentler"),
    "WLSMVS": ("robust.sem", "mean.var.adjusted"), "ULSM": ("robust.sem", "satorra.bentler"),
    "ULSMV": ("robust.sem", "scaled.shifted"), "PLS": ("standard", "standard"),
    "PLSC": ("standard", "standard")}
CONTROL_KEYS = ("max_iter", "gtol")
ENGINES = ("native", "semopy")


def ordinal_weight(estimator: str) -> str:
    """The weight matrix an estimator for ordered items uses: "ULS" (ULS, ULSM, ULSMV), "WLS"
    (the full inverse of Gamma) or "DWLS" (its diagonal: DWLS, WLSM, WLSMVS, WLSMV).

    Examples
    --------
    >>> ordinal_weight("WLSMV"), ordinal_weight("ULSMV"), ordinal_weight("WLS")
    ('DWLS', 'ULS', 'WLS')
    """
    return "ULS" if estimator.startswith("ULS") else "WLS" if estimator == "WLS" else "DWLS"


def wants_ordered(ordered) -> bool:
    """``ordered=True``, a column name or a non-empty list of them.

    Parameters
    ----------
    ordered : None, bool, str or sequence of str
        ``rq.fit``'s ``ordered`` argument.

    Returns
    -------
    bool
        Whether any item is declared ordered.

    Examples
    --------
    >>> wants_ordered(None), wants_ordered(True), wants_ordered(["x1"]), wants_ordered([])
    (False, True, True, False)
    """
    if ordered is None or ordered is False:
        return False
    return ordered is True or isinstance(ordered, str) or len(ordered) > 0


def _is_whole(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _names(value) -> bool:
    """A string, or an iterable of strings."""
    if isinstance(value, str):
        return True
    try:
        return all(isinstance(v, str) for v in value)
    except TypeError:
        return False


def check_types(**arguments) -> None:
    """Refuse an argument of the wrong type with a message that names it.

    Examples
    --------
    >>> check_types(bootstrap=2.5)
    Traceback (most recent call last):
    ...
    TypeError: bootstrap must be a whole number of resamples, e.g. bootstrap=1000 (got 2.5)
    >>> check_types(seed=-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be a non-negative integer (or a numpy SeedSequence/Generator), got -1
    """
    a = arguments
    for name in ("estimator", "missing", "se", "engine", "test"):
        if name in a and a[name] is not None and not isinstance(a[name], str):
            raise TypeError(f"{name} must be a string, e.g. {name}='{_EXAMPLES[name]}' "
                            f"(got {a[name]!r})")
    for name in ("std_lv", "fixed_x"):
        if name in a and not isinstance(a[name], (bool, np.bool_)) and not (
                name == "fixed_x" and a[name] is None):
            raise TypeError(f"{name} must be True or False (got {a[name]!r})")
    if a.get("meanstructure") is not None and not isinstance(a["meanstructure"], (bool, np.bool_)):
        raise TypeError(f"meanstructure must be True, False or None (got {a['meanstructure']!r})")
    if "bootstrap" in a:
        value = a["bootstrap"]
        if not _is_whole(value):
            raise TypeError("bootstrap must be a whole number of resamples, e.g. bootstrap=1000 "
                            f"(got {value!r})")
        if value < 0:
            raise ValueError(f"bootstrap must be 0 or more resamples (got {value})")
    if "n_jobs" in a and not _is_whole(a["n_jobs"]):
        raise TypeError("n_jobs must be a whole number of worker processes, e.g. n_jobs=2 "
                        f"(-1: every core) (got {a['n_jobs']!r})")
    if "seed" in a:
        check_seed(a["seed"])
    for name in ("group_equal", "group_partial"):
        if name in a and a[name] is not None and not _names(a[name]):
            raise TypeError(f"{name} must be a string or a list of strings (got {a[name]!r})")
    ordered = a.get("ordered")
    if ordered is not None and not isinstance(ordered, (bool, np.bool_)) and not _names(ordered):
        raise TypeError("ordered must be True, a column name or a list of column names "
                        f"(got {ordered!r})")
    group = a.get("group")
    if group is not None and not isinstance(group, (str, numbers.Integral)):
        raise TypeError(f"group must be the name of a column (got {group!r})")
    control = a.get("control")
    if control is not None:
        if not isinstance(control, dict):
            raise TypeError(f"control must be a dict such as {{'max_iter': 1000}} (got "
                            f"{control!r})")
        if "max_iter" in control and not (_is_whole(control["max_iter"])
                                           and control["max_iter"] >= 1):
            raise ValueError("control['max_iter'] must be a whole number of at least 1 (got "
                             f"{control['max_iter']!r})")
        if "gtol" in control and not (isinstance(control["gtol"], numbers.Real)
                                       and control["gtol"] > 0):
            raise ValueError(f"control['gtol'] must be a positive number (got {control['gtol']!r})")


def check_seed(seed) -> None:
    """A seed is None, a non-negative integer, or a numpy SeedSequence, Generator or
    BitGenerator (what ``numpy.random.default_rng`` accepts)."""
    if seed is None or isinstance(seed, (np.random.SeedSequence, np.random.Generator,
                                         np.random.BitGenerator)):
        return
    if not _is_whole(seed):
        raise TypeError(f"seed must be a non-negative integer such as seed=1 (got {seed!r})")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer (or a numpy SeedSequence/"
                         f"Generator), got {seed}")


_EXAMPLES = {"estimator": "MLR", "missing": "fiml", "se": "bootstrap", "engine": "native",
             "test": "satorra.bentler"}


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class FitOptions:
    """The options of one fit, validated (see :func:`relqual.fit` for their meaning).

    Build it with :meth:`from_arguments`, which checks every argument; the fields are those of
    :func:`relqual.fit` (``se`` and ``test`` None: the estimator's default, lavaan's; ``test``
    may also be "none": no scaled test, for MLR power replicates that need standard errors
    only).

    Examples
    --------
    >>> FitOptions.from_arguments(estimator="mlr").estimator
    'MLR'
    >>> options = FitOptions.from_arguments(estimator="MLM")
    >>> options.se_method, options.test_method
    ('robust.sem', 'satorra.bentler')
    >>> FitOptions.from_arguments(estimator="MLM", missing="fiml")
    Traceback (most recent call last):
    ...
    ValueError: missing='fiml' is not allowed with estimator='MLM' (as in lavaan: its robust
    standard errors and tests need complete data); use missing='listwise', or estimator='MLR' for
    robust ML with missing data
    """

    estimator: str = "ML"
    missing: str = "listwise"
    ordered: object = None
    group: str | None = None
    group_equal: tuple = ()
    group_partial: tuple = ()
    se: str | None = None           # None: the estimator's default (DEFAULTS)
    bootstrap: int = 0
    seed: object = None
    engine: str = "native"
    std_lv: bool = False
    meanstructure: bool | None = None
    fixed_x: bool = True
    control: dict = field(default_factory=dict)
    n_jobs: int = 1
    scheme: str = "path"            # PLS inner weighting scheme
    hoc: str = "two_stage"          # PLS higher-order constructs (relqual.plshoc)
    parameterization: str = "delta"  # ordered items (WLSMV): lavaan's delta or theta
    test: str | None = None         # None: the estimator's default; "none": no scaled test

    @property
    def se_method(self) -> str:
        """The standard errors: ``se``, or the estimator's default (lavaan's ``lavOptions``).

        Examples
        --------
        >>> FitOptions(estimator="MLM").se_method, FitOptions(estimator="ML").se_method
        ('robust.sem', 'standard')
        """
        return self.se if self.se is not None else DEFAULTS[self.estimator][0]

    @property
    def test_method(self) -> str:
        """The test statistic: ``test``, or the estimator's default (lavaan's ``lavOptions``).

        Examples
        --------
        >>> FitOptions(estimator="MLMV").test_method, FitOptions(estimator="MLR").test_method
        ('scaled.shifted', 'yuan.bentler.mplus')
        """
        return self.test if self.test is not None else DEFAULTS[self.estimator][1]

    @property
    def fiml(self) -> bool:
        """Full-information ML for missing data (lavaan's ``missing = "ml"``).

        Examples
        --------
        >>> FitOptions.from_arguments(missing="fiml").fiml, FitOptions().fiml
        (True, False)
        """
        return self.missing in FIML_NAMES

    @classmethod
    def from_arguments(cls, *, estimator=None, missing="listwise", ordered=None, group=None,
                       group_equal=(), group_partial=(), se=None, bootstrap=0, seed=None,
                       engine="native", std_lv=False, meanstructure=None, fixed_x=None,
                       control=None, n_jobs=1, scheme="path", test=None,
                       parameterization="delta", hoc="two_stage") -> FitOptions:
        """Check every argument of :func:`relqual.fit` and return the options.

        ``estimator=None`` (the default) means ML, or WLSMV when ``ordered`` names items
        (lavaan's default for ordered data); ``ordered`` with an explicit ``estimator="ML"`` or
        ``"MLR"`` is an error, as in lavaan. Every argument's type is checked first, with a
        message naming it.

        Parameters
        ----------
        estimator, missing, ordered, group, group_equal, group_partial, se, bootstrap, seed,
        engine, std_lv, meanstructure, fixed_x, control, n_jobs, test
            As :func:`relqual.fit`; the estimator is upper-cased, ``missing``, ``se`` and
            ``test`` lower-cased, a single string for ``group_equal`` or ``group_partial``
            becomes a one-element tuple; ``se`` and ``test`` None: the estimator's default;
            ``fixed_x`` None: False for ULS, GLS, WLS and DWLS, else True (lavaan's defaults).

        Returns
        -------
        FitOptions

        Raises
        ------
        ValueError, NotImplementedError
            See :meth:`validate`.

        Examples
        --------
        >>> options = FitOptions.from_arguments(ordered=["x1"], group_equal="loadings",
        ...                                     group="school")
        >>> options.estimator, options.group_equal
        ('WLSMV', ('loadings',))
        """
        check_types(estimator=estimator, missing=missing, ordered=ordered, group=group,
                    group_equal=group_equal, group_partial=group_partial, se=se, test=test,
                    bootstrap=bootstrap, seed=seed, engine=engine, std_lv=std_lv,
                    meanstructure=meanstructure, fixed_x=fixed_x, control=control,
                    n_jobs=n_jobs)
        if estimator is None:                   # lavaan's default: WLSMV for ordered data
            estimator = "WLSMV" if wants_ordered(ordered) else "ML"
        if fixed_x is None:                     # lavaan: fixed.x = FALSE for ULS, GLS, WLS, DWLS
            fixed_x = (str(estimator).upper() not in LS_ESTIMATORS    # (of continuous data;
                       or wants_ordered(ordered))                      # ordered: conditional.x)
        if estimator.upper() in PLS_ESTIMATORS and bootstrap and se in (None, "standard"):
            se = "bootstrap"                    # PLS has no other standard errors
        options = cls(estimator=estimator.upper(), missing=missing.lower(), ordered=ordered,
                      group=group, group_equal=tuple(_as_list(group_equal)),
                      group_partial=tuple(_as_list(group_partial)),
                      se=se.lower() if se is not None else None,
                      test=test.lower() if test is not None else None,
                      bootstrap=int(bootstrap), seed=seed, engine=engine,
                      std_lv=std_lv, meanstructure=meanstructure, fixed_x=fixed_x,
                      control=dict(control or {}), n_jobs=int(n_jobs), scheme=scheme, hoc=hoc,
                      parameterization=str(parameterization).lower())
        options.validate()
        return options

    def validate(self) -> None:
        """Raise a clear error for an option that is unknown, planned or contradictory.

        Returns
        -------
        None

        Raises
        ------
        ValueError
            For an unknown or contradictory option.
        NotImplementedError
            For an option that is planned but not available yet.

        Examples
        --------
        >>> FitOptions(group_equal=("loadings",)).validate()
        Traceback (most recent call last):
        ...
        ValueError: group_equal needs group= (the column that defines the groups)
        """
        estimator, ordered = self.estimator, self.ordered
        if estimator not in ESTIMATORS:
            raise ValueError(f"unknown estimator '{estimator}'; choose from "
                             + ", ".join(e if e != "PLSC" else "PLSc" for e in ESTIMATORS))
        if self.parameterization not in ("delta", "theta"):
            raise ValueError(f"unknown parameterization '{self.parameterization}'; use 'delta' "
                             "or 'theta' (lavaan's, for ordered items)")
        if self.parameterization != "delta" and not wants_ordered(ordered):
            raise ValueError(f"parameterization='{self.parameterization}' is for ordered items "
                             "(name them with ordered=[...])")
        if self.scheme not in SCHEMES:
            raise ValueError(f"unknown PLS weighting scheme '{self.scheme}'; choose from "
                             + ", ".join(SCHEMES))
        if self.hoc not in ("two_stage", "repeated"):
            raise ValueError(f"unknown hoc='{self.hoc}'; use 'two_stage' or 'repeated'")
        if self.hoc != "two_stage" and estimator not in PLS_ESTIMATORS:
            raise ValueError(f"hoc='{self.hoc}' is an option of estimator='PLS' or 'PLSc' "
                             f"(this fit uses '{estimator}')")
        if self.scheme != "path" and estimator not in PLS_ESTIMATORS:
            raise ValueError(f"scheme='{self.scheme}' is an option of estimator='PLS' or 'PLSc' "
                             f"(this fit uses '{estimator}')")
        if self.missing not in ("listwise", "mean", "pairwise") + FIML_NAMES:
            raise ValueError(f"unknown missing='{self.missing}'; use 'listwise' or 'fiml' "
                             "('mean' replacement with estimator='PLS')")
        if self.missing == "pairwise" and not wants_ordered(ordered):
            raise ValueError("missing='pairwise' (pairwise deletion, as lavaan) is offered for "
                             "ordered items (estimator='WLSMV') only; use missing='fiml' for "
                             "maximum likelihood with missing data")
        if self.missing == "mean" and estimator not in PLS_ESTIMATORS:
            raise ValueError("missing='mean' (mean replacement) is offered for PLS only; use "
                             "missing='fiml' for maximum likelihood with missing data")
        if estimator in ORDINAL_ONLY and not wants_ordered(ordered):
            raise NotImplementedError(
                f"estimator='{estimator}' for continuous data is not available yet; it is for "
                "ordinal items: name them with ordered=[...] or ordered=True (for continuous "
                "non-normal data use estimator='MLR', or 'DWLS'/'ULS' with se='robust.sem')")
        if wants_ordered(ordered):
            if estimator not in ORDINAL_ESTIMATORS:
                raise ValueError(
                    "ordered (categorical) indicators need estimator='WLSMV' (lavaan's default "
                    "for ordered data) or another of lavaan's least-squares estimators for them "
                    f"({', '.join(ORDINAL_ESTIMATORS[1:])}), not '{estimator}' (lavaan 0.6-14 "
                    "refuses it too); leave estimator unset, or drop ordered= to treat the "
                    "items as continuous")
            if self.fiml:
                raise NotImplementedError(
                    "missing='fiml' is not available with estimator='WLSMV' (lavaan's WLSMV uses "
                    "listwise deletion, or pairwise deletion with missing='pairwise'; full "
                    "information with ordered items needs marginal ML, which relqual does not "
                    "offer); use missing='listwise' or 'pairwise'")
            if self.engine != "native":
                raise NotImplementedError(f"ordered items (estimator='{estimator}') are fitted "
                                          "with engine='native' only; semopy has no WLSMV")
        if (self.group_equal or self.group_partial) and self.group is None:
            name = "group_equal" if self.group_equal else "group_partial"
            raise ValueError(f"{name} needs group= (the column that defines the groups)")
        self._validate_se_test()
        if self.se == "bootstrap" and self.bootstrap < 2:
            raise ValueError("se='bootstrap' needs the number of resamples, e.g. bootstrap=1000")
        if self.bootstrap and self.se != "bootstrap":
            raise ValueError(f"bootstrap={self.bootstrap} was given but se='{self.se}'; use "
                             "se='bootstrap'")
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine '{self.engine}'; choose 'native' or 'semopy'")
        if (self.engine == "semopy" and estimator in ML_ESTIMATORS + LS_ESTIMATORS
                and estimator not in ("ML", "MLR")):
            raise NotImplementedError(f"engine='semopy' fits estimator='ML' (and 'MLR') only; "
                                      f"use engine='native' for estimator='{estimator}'")
        if self.engine == "semopy" and self.se not in (None, "standard"):
            raise NotImplementedError("engine='semopy' gives semopy's standard errors only; use "
                                      "engine='native' for se='bootstrap'")
        if self.fiml and self.meanstructure is False:
            raise ValueError("FIML needs a mean structure; leave meanstructure unset")
        allowed = (("max_iter",) if self.engine == "semopy" else
                   ("max_iter", "tol") if estimator in PLS_ESTIMATORS else CONTROL_KEYS)
        unknown = set(self.control) - set(allowed)
        if unknown:
            if self.engine == "semopy":
                raise ValueError(f"engine='semopy' accepts the control setting max_iter only "
                                 f"(got {sorted(unknown)})")
            raise ValueError(f"unknown control setting(s) {sorted(unknown)}; use "
                             + ", ".join(allowed))

    def _validate_se_test(self) -> None:
        """The ``se=`` and ``test=`` combinations lavaan 0.6-14 accepts that relqual offers;
        a clear refusal naming why for the rest (called by :meth:`validate`)."""
        estimator, se, test = self.estimator, self.se_method, self.test_method
        if wants_ordered(self.ordered):
            self._validate_ordinal_se_test()
            return
        if estimator in PLS_ESTIMATORS:
            if self.se not in (None, "standard", "bootstrap") or self.test not in (None, "none"):
                raise NotImplementedError(
                    f"se= and test= choices are not available with estimator='{estimator}' "
                    f"(it uses se='{DEFAULTS[estimator][0]}' and test="
                    f"'{DEFAULTS[estimator][1]}'; se='bootstrap' for bootstrap standard errors)")
            return
        if se not in CONTINUOUS_SE + ("bootstrap",):
            raise ValueError(f"unknown se='{se}'; choose from " + ", ".join(CONTINUOUS_SE)
                             + ", bootstrap")
        if test not in TESTS + ("none",):
            raise ValueError(f"unknown test='{test}'; choose from " + ", ".join(TESTS))
        ls = estimator in LS_ESTIMATORS
        if se in ("robust.huber.white", "first.order") and ls:
            raise ValueError(f"se='{se}' is for the maximum-likelihood estimators (lavaan refuses "
                             f"it for estimator='{estimator}'); use se='robust.sem' or "
                             "'standard'")
        if estimator == "GLS" and (se not in ("standard", "bootstrap")
                                   or test not in ("standard", "none")):
            what = f"se='{se}'" if se not in ("standard", "bootstrap") else f"test='{test}'"
            raise ValueError(f"{what} is not available for estimator='GLS' (lavaan accepts "
                             "se='standard' and test='standard' only); use estimator='ULS' or "
                             "'DWLS' with se='robust.sem', or 'MLM', for robust inference")
        if estimator == "WLS" and test not in ("standard", "none"):
            raise ValueError(f"test='{test}' is not available for estimator='WLS' (its "
                             "chi-square is already distribution free; lavaan accepts "
                             "test='standard' only)")
        if self.fiml and (ls or estimator in ("MLM", "MLMV", "MLMVS")):
            raise ValueError(f"missing='fiml' is not allowed with estimator='{estimator}' (as in "
                             "lavaan: its robust standard errors and tests need complete data); "
                             "use missing='listwise', or estimator='MLR' for robust ML with "
                             "missing data")
        if self.fiml and (se == "robust.sem" or (test in SATORRA_TESTS
                                                 and test != "yuan.bentler")):
            what = f"se='{se}'" if se == "robust.sem" else f"test='{test}'"
            raise ValueError(f"{what} needs complete data (lavaan would switch to listwise "
                             "deletion); use missing='listwise', or estimator='MLR' for robust "
                             "ML with missing data")
        if test == "yuan.bentler.mplus" and estimator not in ("ML", "MLR"):
            raise NotImplementedError(
                "test='yuan.bentler.mplus' is available with estimator='ML' or 'MLR' only, not "
                f"with estimator='{estimator}'; use test='satorra.bentler' for a mean-scaled "
                "test with expected information")
        if test == "yuan.bentler.mplus" and (se == "first.order" or (
                se == "bootstrap" and estimator != "MLR")):
            raise NotImplementedError(
                f"test='yuan.bentler.mplus' with se='{se}' is not available; use se="
                "'robust.huber.white' (MLR's), 'robust.sem' or 'standard'")
        if test == "yuan.bentler" and (ls or estimator in ("MLMV", "MLMVS")
                                       or se == "first.order"):
            raise NotImplementedError(
                f"test='yuan.bentler' is not available with estimator='{estimator}', se='{se}' ("
                + ("lavaan 0.6-14 refuses it" if estimator not in ("MLMV", "MLMVS") else
                   f"lavaan 0.6-14 keeps '{DEFAULTS[estimator][1]}' as the test its fit measures "
                   "use and adds the Yuan-Bentler one beside it; relqual reports one test")
                + "); use estimator='MLM' or 'ML' with test='yuan.bentler'")
        if test == "bollen.stine":
            raise NotImplementedError(
                f"test='bollen.stine' is not a fit option in relqual (estimator='{estimator}'): "
                "fit the model by estimator='ML', then run res.bollen_stine(draws=1000, "
                "seed=...) for the Bollen-Stine bootstrap p-value (lavaan 0.6-14 refuses it "
                "for MLM, MLMV, MLMVS, MLF and MLR: 'use ML estimator for bootstrap'); or use "
                "test='satorra.bentler' or 'scaled.shifted' for non-normal data")
        if estimator == "MLR" and test not in ("yuan.bentler.mplus", "none"):
            raise NotImplementedError(
                f"test='{test}' with estimator='MLR' is not available: lavaan 0.6-14 adds it "
                "beside 'yuan.bentler.mplus' (whose numbers its fit measures report) and "
                "switches every test to the 'h1' form of the observed information, which "
                "changes MLR's Yuan-Bentler numbers and which relqual does not reproduce yet; "
                "leave test unset for MLR, or use estimator='ML' (test='standard') or 'MLM', "
                "'MLMV', 'MLMVS' (Satorra-Bentler type tests)")

    def _validate_ordinal_se_test(self) -> None:
        """``se=`` and ``test=`` with ordered items, as lavaan 0.6-14 accepts them: se
        standard or robust.sem, test standard or one of the Satorra-Bentler family (not for
        WLS). The robust estimators (WLSM, WLSMV, WLSMVS, ULSM, ULSMV) keep their own test:
        given another, lavaan adds it beside theirs and its fit measures still use theirs."""
        estimator, se, test = self.estimator, self.se_method, self.test_method
        if se not in CONTINUOUS_SE + ("bootstrap",) or test not in TESTS + ("none",):
            what, choices = ((f"se='{se}'", CONTINUOUS_SE + ("bootstrap",))
                             if se not in CONTINUOUS_SE + ("bootstrap",) else
                             (f"test='{test}'", TESTS))
            raise ValueError(f"unknown {what}; choose from " + ", ".join(choices))
        if se not in ("standard", "robust.sem", "bootstrap"):
            raise ValueError(
                f"se='{se}' is not available with ordered items (estimator='{estimator}'; "
                "lavaan 0.6-14 accepts se='standard' or 'robust.sem' for them); use one of "
                "these, or se='bootstrap'")
        ordinal_tests = ("standard", "satorra.bentler", "mean.var.adjusted", "scaled.shifted")
        if test not in ordinal_tests + ("none",):
            raise ValueError(
                f"test='{test}' is not available with ordered items (estimator='{estimator}'; "
                "lavaan 0.6-14 refuses it for categorical data); choose from "
                + ", ".join(ordinal_tests))
        if estimator == "WLS" and test not in ("standard", "none"):
            raise ValueError(f"test='{test}' is not available for estimator='WLS' (its "
                             "chi-square is already distribution free; lavaan accepts "
                             "test='standard' only)")
        if ordinal_weight(estimator) == "ULS" and se == "standard" and test not in (
                "standard", "none"):
            raise ValueError(
                f"se='standard' with test='{test}' is not available for estimator="
                f"'{estimator}' (with ULS weights lavaan 0.6-14 then gives an infinite scaled "
                "statistic or stops); use se='robust.sem' (the default of ULSM and ULSMV)")
        default = DEFAULTS[estimator][1]
        if estimator in ORDINAL_ONLY and test not in (default, "none"):
            base = "ULS" if estimator.startswith("ULS") else "DWLS"
            raise NotImplementedError(
                f"test='{test}' with estimator='{estimator}': lavaan 0.6-14 keeps "
                f"'{default}' as the test its fit measures use and adds the other beside it; "
                f"relqual reports one test: use estimator='{base}' with se='robust.sem', "
                f"test='{test}' (the same estimates and standard errors)")

    def call(self) -> dict:
        """The options as the ``call`` dictionary a Result reports (and a refit reuses).

        Returns
        -------
        dict
            ``estimator missing std_lv fixed_x group group_equal group_partial engine control``,
            and ``se`` and ``test`` for an estimator other than ML and MLR or when they were
            chosen (a refit passes them on).

        Examples
        --------
        >>> FitOptions.from_arguments(estimator="MLR", std_lv=True).call()
        {'estimator': 'MLR', 'missing': 'listwise', 'std_lv': True, 'fixed_x': True, 'group': None,
         'group_equal': [], 'group_partial': [], 'engine': 'native', 'control': {}}
        """
        out = dict(estimator=self.estimator, missing=self.missing, std_lv=self.std_lv,
                   fixed_x=self.fixed_x, group=self.group, group_equal=list(self.group_equal),
                   group_partial=list(self.group_partial), engine=self.engine,
                   control=dict(self.control))
        if self.estimator in ML_ESTIMATORS + LS_ESTIMATORS and (
                self.estimator not in ("ML", "MLR") or self.se is not None
                or self.test is not None):
            out.update(se=self.se_method, test=self.test_method)
        return out
