"""Reporting conventions in one place: significance stars, APA number formats, cut-offs with their
sources, references, and the normal quantile of 95% intervals.

The APA tables (:mod:`relqual.tables`), path diagrams (:mod:`relqual.plot`), reports
(:mod:`relqual.report`), the measurement report (:mod:`relqual.measurement`) and the invariance
verdicts (:mod:`relqual.groups`) read them from here, so a format or a cut-off changes in one place.
This module imports nothing from relqual.

* Stars: * p < .05, ** p < .01, *** p < .001 (:data:`STAR_LEVELS`); :data:`ALPHA` = .05 is the
  level at which a hypothesis is supported and a diagram's arrow is drawn solid.
* Numbers as APA writes them (:func:`num`): no leading zero for values that cannot exceed 1
  (correlations, standardized coefficients, p, reliabilities), a true minus sign, no negative
  zero; p below .001 as "< .001" (:func:`pval`).
* Cut-offs (:data:`CUTOFFS`): model fit (Hu & Bentler 1999; chi-square/df, Kline 2016),
  reliability and convergent validity (alpha >= .70, Nunnally 1978; omega/CR >= .70 and AVE >=
  .50, Fornell & Larcker 1981; loadings >= .50, ideally .70, Hair et al. 2019), discriminant
  validity (HTMT < .85 / .90, Henseler, Ringle & Sarstedt 2015), measurement invariance (delta CFI
  >= -.01, Cheung & Rensvold 2002; delta RMSEA <= .015, Chen 2007) and non-normality (|skew| <= 2,
  kurtosis <= 7, Curran, West & Finch 1996). Each has its :class:`Source`; :data:`SOURCES` holds
  the full references.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from scipy.special import ndtri

ALPHA = 0.05                                   # significance level of tests and verdicts
STAR_LEVELS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))
CI_LEVEL = 0.95                                # level of the intervals in tables and figures
MI_CRITICAL = 3.84                             # chi-square(1) critical value at .05 (rounded)
MINUS = "\u2212"                               # the minus sign of printed numbers
DAGGER = "\u2020"                              # marks a value that misses its cut-off
OPERATORS = {">=": "\u2265", "<=": "\u2264", "<": "<", ">": ">"}


def z_critical(level: float = CI_LEVEL) -> float:
    """The normal quantile of a two-sided interval of ``level``: ``Phi^-1((1 + level) / 2)``.

    Parameters
    ----------
    level : float
        Coverage of the interval, e.g. 0.95.

    Returns
    -------
    float
        The multiplier of the standard error (1.96 for 95%).

    Examples
    --------
    >>> round(z_critical(0.95), 4)
    1.96
    >>> round(z_critical(0.90), 4)
    1.6449
    """
    return float(ndtri((1 + level) / 2))


Z_975 = z_critical(CI_LEVEL)                   # 1.959963984540054, as scipy's norm.ppf(0.975)


# ----------------------------------------------------------------------------- number formats
def num(x, decimals: int = 3, bounded: bool = False, minus: str = MINUS) -> str:
    """A number as APA writes it.

    Parameters
    ----------
    x : float or str or None
        The value; a string is returned as it is, a missing value as ''.
    decimals : int
        Digits after the decimal point.
    bounded : bool
        The value cannot exceed 1 in absolute value (a correlation, standardized coefficient,
        p-value, reliability or fit index): drop the leading zero.
    minus : str
        The minus sign (a true minus by default; "-" for plain text).

    Returns
    -------
    str
        The formatted number; never a negative zero.

    Examples
    --------
    >>> num(0.3474, bounded=True)
    '.347'
    >>> num(-0.0556, bounded=True, minus="-")
    '-.056'
    >>> num(-0.0004, bounded=True)
    '.000'
    >>> num(12.3456, 2)
    '12.35'
    """
    if x is None or isinstance(x, str):
        return x or ""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(x):
        return ""
    text = f"{abs(x):.{decimals}f}"
    if bounded and text.startswith("0."):
        text = text[1:]
    negative = x < 0 and float(text) != 0
    return (minus if negative else "") + text


def coef_text(x, decimals: int = 2, minus: str = MINUS) -> str:
    """A standardized coefficient as a path diagram shows it: two decimals, no leading zero.

    Parameters
    ----------
    x : float
        The coefficient.
    decimals : int
        Digits after the decimal point.
    minus : str
        The minus sign.

    Returns
    -------
    str
        ``num(x, decimals, bounded=True)``; '' when missing.

    Examples
    --------
    >>> coef_text(0.354), coef_text(-0.12, minus="-"), coef_text(1.004)
    ('.35', '-.12', '1.00')
    """
    return num(x, decimals, bounded=True, minus=minus)


def pval(p, decimals: int = 3) -> str:
    """A p-value as APA reports it in a table cell.

    Parameters
    ----------
    p : float
        The p-value.
    decimals : int
        Digits after the decimal point.

    Returns
    -------
    str
        '< .001' below .001, else the value without its leading zero; '' when missing.

    Examples
    --------
    >>> pval(0.0003), pval(0.3076), pval(float("nan"))
    ('< .001', '.308', '')
    """
    if p is None or not math.isfinite(p):
        return ""
    if p < 10 ** -decimals:
        return "< ." + "0" * (decimals - 1) + "1"
    return num(p, decimals, bounded=True)


def p_text(p, decimals: int = 3) -> str:
    """A p-value as APA writes it in a sentence.

    Parameters
    ----------
    p : float
        The p-value.
    decimals : int
        Digits after the decimal point.

    Returns
    -------
    str
        'p < .001' or 'p = .042'.

    Examples
    --------
    >>> p_text(0.0421), p_text(1e-6)
    ('p = .042', 'p < .001')
    """
    text = pval(p, decimals)
    return "p " + (text if text.startswith("<") else "= " + text)


def stars(p) -> str:
    """Significance stars of a p-value (:data:`STAR_LEVELS`).

    Parameters
    ----------
    p : float or None
        The p-value.

    Returns
    -------
    str
        '***' (p < .001), '**' (p < .01), '*' (p < .05), or '' (otherwise or missing).

    Examples
    --------
    >>> stars(0.0004), stars(0.02), stars(0.2), stars(None)
    ('***', '*', '', '')
    """
    if p is None or not math.isfinite(p):
        return ""
    for level, mark in STAR_LEVELS:
        if p < level:
            return mark
    return ""


def parse_num(text: str) -> float:
    """The number in a formatted cell: the inverse of :func:`num`, ignoring stars and daggers.

    Parameters
    ----------
    text : str
        A cell as :func:`num` wrote it, possibly with stars or a dagger.

    Returns
    -------
    float
        The number.

    Examples
    --------
    >>> parse_num("\\u2212.056*"), parse_num(".474\\u2020")
    (-0.056, 0.474)
    """
    cleaned = text.replace(MINUS, "-").replace(DAGGER, "").replace("*", "").strip()
    cleaned = re.sub(r"^(-?)\.", r"\g<1>0.", cleaned)
    return float(cleaned)


def _threshold_text(value: float, minus: str = MINUS) -> str:
    """A cut-off as it is written: .95, .70, .015, -.01, 3."""
    shown = f"{abs(value):g}"
    if "." not in shown:
        return num(value, 0, minus=minus)
    return num(value, max(2, len(shown.split(".")[1])), bounded=abs(value) < 1, minus=minus)


STARS_NOTE = ", ".join(f"{mark} p < {_threshold_text(level)}"
                       for level, mark in reversed(STAR_LEVELS))


# ----------------------------------------------------------------------------- sources
@dataclass(frozen=True)
class Source:
    """A publication a convention comes from.

    Parameters
    ----------
    authors : str
        The authors as the text cites them ("Hu & Bentler").
    year : int
        The year of publication.
    reference : str
        The full APA reference.
    """

    authors: str
    year: int
    reference: str

    def cite(self, sep: str = ", ") -> str:
        """The in-text citation.

        Parameters
        ----------
        sep : str
            Between authors and year: ", " as APA writes it, " " for the plain-text reports.

        Returns
        -------
        str
            E.g. "Hu & Bentler, 1999".

        Examples
        --------
        >>> SOURCES["hu_bentler"].cite(), SOURCES["nunnally"].cite(" ")
        ('Hu & Bentler, 1999', 'Nunnally 1978')
        """
        return f"{self.authors}{sep}{self.year}"


SOURCES = {
    "chen": Source(
        "Chen", 2007,
        "Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement "
        "invariance. Structural Equation Modeling, 14(3), 464-504."),
    "cheung_rensvold": Source(
        "Cheung & Rensvold", 2002,
        "Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for testing "
        "measurement invariance. Structural Equation Modeling, 9(2), 233-255."),
    "cronbach": Source(
        "Cronbach", 1951,
        "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. "
        "Psychometrika, 16, 297-334."),
    "curran": Source(
        "Curran, West & Finch", 1996,
        "Curran, P. J., West, S. G., & Finch, J. F. (1996). The robustness of test statistics to "
        "nonnormality and specification error in confirmatory factor analysis. Psychological "
        "Methods, 1(1), 16-29."),
    "fornell_larcker": Source(
        "Fornell & Larcker", 1981,
        "Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with "
        "unobservable variables and measurement error. Journal of Marketing Research, 18(1), "
        "39-50."),
    "hair": Source(
        "Hair, Black, Babin & Anderson", 2019,
        "Hair, J. F., Black, W. C., Babin, B. J., & Anderson, R. E. (2019). Multivariate data "
        "analysis (8th ed.). Cengage."),
    "henseler": Source(
        "Henseler, Ringle & Sarstedt", 2015,
        "Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing "
        "discriminant validity in variance-based structural equation modeling. Journal of the "
        "Academy of Marketing Science, 43(1), 115-135."),
    "hu_bentler": Source(
        "Hu & Bentler", 1999,
        "Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure "
        "analysis: Conventional criteria versus new alternatives. Structural Equation Modeling, "
        "6(1), 1-55."),
    "kline": Source(
        "Kline", 2016,
        "Kline, R. B. (2016). Principles and practice of structural equation modeling (4th ed.). "
        "Guilford Press."),
    "mcdonald": Source(
        "McDonald", 1999,
        "McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum."),
    "nunnally": Source(
        "Nunnally", 1978,
        "Nunnally, J. C. (1978). Psychometric theory (2nd ed.). McGraw-Hill."),
    "raykov": Source(
        "Raykov", 1997,
        "Raykov, T. (1997). Estimation of composite reliability for congeneric measures. Applied "
        "Psychological Measurement, 21(2), 173-184."),
    "roemer": Source(
        "Roemer, Schuberth & Henseler", 2021,
        "Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2 - an improved criterion for "
        "assessing discriminant validity in structural equation modeling. Industrial Management "
        "& Data Systems, 121(12), 2637-2650."),
    "semtools": Source(
        "Jorgensen et al.", 2022,
        "semTools 0.5-6: compRelSEM(), AVE(), htmt() (Jorgensen et al., "
        "https://CRAN.R-project.org/package=semTools)."),
    # the checks a reviewer asks for (relqual.commonmethod, .modelcompare, .nonresponse)
    "harman": Source(
        "Harman", 1976,
        "Harman, H. H. (1976). Modern factor analysis (3rd ed.). University of Chicago Press."),
    "podsakoff": Source(
        "Podsakoff, MacKenzie, Lee & Podsakoff", 2003,
        "Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common "
        "method biases in behavioral research: A critical review of the literature and "
        "recommended remedies. Journal of Applied Psychology, 88(5), 879-903."),
    "fuller": Source(
        "Fuller, Simmering, Atinc, Atinc & Babin", 2016,
        "Fuller, C. M., Simmering, M. J., Atinc, G., Atinc, Y., & Babin, B. J. (2016). Common "
        "methods variance detection in business research. Journal of Business Research, 69(8), "
        "3192-3198."),
    "liang": Source(
        "Liang, Saraf, Hu & Xue", 2007,
        "Liang, H., Saraf, N., Hu, Q., & Xue, Y. (2007). Assimilation of enterprise systems: The "
        "effect of institutional pressures and the mediating role of top management. MIS "
        "Quarterly, 31(1), 59-87."),
    "williams_hartman": Source(
        "Williams, Hartman & Cavazotte", 2010,
        "Williams, L. J., Hartman, N., & Cavazotte, F. (2010). Method variance and marker "
        "variables: A review and comprehensive CFA marker technique. Organizational Research "
        "Methods, 13(3), 477-514."),
    "lindell_whitney": Source(
        "Lindell & Whitney", 2001,
        "Lindell, M. K., & Whitney, D. J. (2001). Accounting for common method variance in "
        "cross-sectional research designs. Journal of Applied Psychology, 86(1), 114-121."),
    "kock": Source(
        "Kock", 2015,
        "Kock, N. (2015). Common method bias in PLS-SEM: A full collinearity assessment "
        "approach. International Journal of e-Collaboration, 11(4), 1-10."),
    "satorra_bentler": Source(
        "Satorra & Bentler", 2001,
        "Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test statistic for "
        "moment structure analysis. Psychometrika, 66(4), 507-514."),
    "bentler_satorra": Source(
        "Bentler & Satorra", 2010,
        "Bentler, P. M., & Satorra, A. (2010). Testing model nesting and equivalence. "
        "Psychological Methods, 15(2), 111-123."),
    "vuong": Source(
        "Vuong", 1989,
        "Vuong, Q. H. (1989). Likelihood ratio tests for model selection and non-nested "
        "hypotheses. Econometrica, 57(2), 307-333."),
    "merkle": Source(
        "Merkle, You & Preacher", 2016,
        "Merkle, E. C., You, D., & Preacher, K. J. (2016). Testing nonnested structural "
        "equation models. Psychological Methods, 21(2), 151-163."),
    "maccallum": Source(
        "MacCallum, Wegener, Uchino & Fabrigar", 1993,
        "MacCallum, R. C., Wegener, D. T., Uchino, B. N., & Fabrigar, L. R. (1993). The problem "
        "of equivalent models in applications of covariance structure analysis. Psychological "
        "Bulletin, 114(1), 185-199."),
    "armstrong_overton": Source(
        "Armstrong & Overton", 1977,
        "Armstrong, J. S., & Overton, T. S. (1977). Estimating nonresponse bias in mail surveys. "
        "Journal of Marketing Research, 14(3), 396-402."),
    "welch": Source(
        "Welch", 1947,
        "Welch, B. L. (1947). The generalization of 'Student's' problem when several different "
        "population variances are involved. Biometrika, 34(1-2), 28-35."),
    "cohen": Source(
        "Cohen", 1988,
        "Cohen, J. (1988). Statistical power analysis for the behavioral sciences (2nd ed.). "
        "Erlbaum."),
}


# ----------------------------------------------------------------------------- cut-offs
@dataclass(frozen=True)
class Cutoff:
    """A rule of thumb: a value passes when ``value <op> threshold`` holds.

    Parameters
    ----------
    threshold : float
        The cut-off value.
    op : str
        How a value passes: ">=", "<=", ">" or "<".
    sources : tuple of Source
        Who proposed it (empty: a rule of thumb without one source).
    """

    threshold: float
    op: str
    sources: tuple = ()

    def passes(self, value: float) -> bool:
        """Whether ``value`` meets the cut-off.

        Parameters
        ----------
        value : float
            The value to judge.

        Returns
        -------
        bool
            False for a missing value.

        Examples
        --------
        >>> CUTOFFS["rmsea"].passes(0.05), CUTOFFS["cfi"].passes(0.94)
        (True, False)
        """
        if value is None or not math.isfinite(value):
            return False
        return {">=": value >= self.threshold, "<=": value <= self.threshold,
                ">": value > self.threshold, "<": value < self.threshold}[self.op]

    def fails(self, value: float) -> bool:
        """Whether ``value`` misses the cut-off (a missing value neither passes nor fails).

        Parameters
        ----------
        value : float
            The value to judge.

        Returns
        -------
        bool
            True for a value that is present and does not pass.

        Examples
        --------
        >>> CUTOFFS["ave"].fails(0.47), CUTOFFS["ave"].fails(float("nan"))
        (True, False)
        """
        return value is not None and math.isfinite(value) and not self.passes(value)

    def rule(self, ascii: bool = False) -> str:
        """The cut-off as a table cell writes it.

        Parameters
        ----------
        ascii : bool
            ">=" and "-" instead of the typographic signs (plain-text reports).

        Returns
        -------
        str
            E.g. "≥ .95".

        Examples
        --------
        >>> CUTOFFS["delta_cfi"].rule(ascii=True), CUTOFFS["chisq_df"].rule(ascii=True)
        ('>= -.01', '<= 3')
        """
        op = self.op if ascii else OPERATORS[self.op]
        return f"{op} {_threshold_text(self.threshold, '-' if ascii else MINUS)}"

    def cite(self, sep: str = ", ") -> str:
        """The in-text citation of the sources, '; '-separated ('' without a source).

        Parameters
        ----------
        sep : str
            Between authors and year (see :meth:`Source.cite`).

        Returns
        -------
        str
            E.g. "Fornell & Larcker, 1981; Hair, Black, Babin & Anderson, 2019".

        Examples
        --------
        >>> CUTOFFS["htmt_85"].cite()
        'Henseler, Ringle & Sarstedt, 2015'
        """
        return "; ".join(s.cite(sep) for s in self.sources)


CUTOFFS = {
    # model fit
    "chisq_pvalue": Cutoff(ALPHA, ">"),
    "chisq_df": Cutoff(3.0, "<=", (SOURCES["kline"],)),
    "cfi": Cutoff(0.95, ">=", (SOURCES["hu_bentler"],)),
    "tli": Cutoff(0.95, ">=", (SOURCES["hu_bentler"],)),
    "rmsea": Cutoff(0.06, "<=", (SOURCES["hu_bentler"],)),
    "srmr": Cutoff(0.08, "<=", (SOURCES["hu_bentler"],)),
    # reliability and validity of the measurement model
    "alpha": Cutoff(0.70, ">=", (SOURCES["nunnally"],)),
    "omega": Cutoff(0.70, ">=", (SOURCES["fornell_larcker"], SOURCES["hair"])),
    "ave": Cutoff(0.50, ">=", (SOURCES["fornell_larcker"],)),
    "htmt_85": Cutoff(0.85, "<", (SOURCES["henseler"],)),
    "htmt_90": Cutoff(0.90, "<", (SOURCES["henseler"],)),
    "loading": Cutoff(0.50, ">=", (SOURCES["hair"],)),
    "loading_ideal": Cutoff(0.70, ">=", (SOURCES["hair"],)),
    # measurement invariance: change from the less constrained level; the configural baseline
    "delta_cfi": Cutoff(-0.01, ">=", (SOURCES["cheung_rensvold"],)),
    "delta_rmsea": Cutoff(0.015, "<=", (SOURCES["chen"],)),
    "configural_cfi": Cutoff(0.90, ">="),
    "configural_rmsea": Cutoff(0.08, "<="),
    # non-normality of an item (excess kurtosis)
    "skew": Cutoff(2.0, "<=", (SOURCES["curran"],)),
    "kurtosis": Cutoff(7.0, "<=", (SOURCES["curran"],)),
    # reviewer checks: Harman's first factor below half the variance; Kock's full-collinearity
    # VIF; a negligible standardized mean difference between early and late respondents
    "harman_share": Cutoff(0.50, "<", (SOURCES["harman"], SOURCES["podsakoff"])),
    "fc_vif": Cutoff(3.3, "<=", (SOURCES["kock"],)),
    "cohen_d": Cutoff(0.20, "<", (SOURCES["cohen"],)),
}
