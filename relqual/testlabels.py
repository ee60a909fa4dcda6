"""The words a report uses for a fit's estimator, standard errors and test statistic (what a
reviewer asks for: "MLM, Satorra-Bentler scaled chi-square"), in English and Chinese.

The estimator, ``se`` and ``test`` come from a Result's ``call`` (unset: lavaan's defaults,
:data:`relqual.options.DEFAULTS`); a fit of ordered items (``call["ordered"]``, estimators
WLSMV, WLSM, WLSMVS, ULSM, ULSMV, DWLS, ULS, WLS) says so.
"""
from __future__ import annotations

from .options import DEFAULTS

TESTS = {
    "standard": ("chi-square", "χ²"),
    "satorra.bentler": ("Satorra-Bentler scaled chi-square (S-B χ²; Satorra & Bentler, 1994)",
                        "Satorra-Bentler 校正卡方（S-B χ²；Satorra & Bentler, 1994）"),
    "yuan.bentler": ("Yuan-Bentler scaled chi-square (Yuan & Bentler, 2000)",
                     "Yuan-Bentler 校正卡方（Yuan & Bentler, 2000）"),
    "yuan.bentler.mplus": ("Yuan-Bentler scaled chi-square (Mplus variant; Yuan & Bentler, 2000)",
                           "Yuan-Bentler 校正卡方（Mplus 版本；Yuan & Bentler, 2000）"),
    "mean.var.adjusted": ("mean- and variance-adjusted chi-square (Satterthwaite; Satorra & "
                          "Bentler, 1994)",
                          "均值与方差调整卡方（Satterthwaite；Satorra & Bentler, 1994）"),
    "scaled.shifted": ("scaled-shifted chi-square (Asparouhov & Muthén, 2010)",
                       "均值与方差校正（scaled-shifted）卡方（Asparouhov & Muthén, 2010）"),
}
SE = {
    "standard": ("standard errors from the expected information",
                 "标准误基于期望信息矩阵"),
    "robust.sem": ("robust (sandwich, robust.sem) standard errors",
                   "稳健标准误（三明治估计，robust.sem）"),
    "robust.huber.white": ("robust (Huber-White sandwich) standard errors",
                           "稳健标准误（Huber-White 三明治估计）"),
    "first.order": ("standard errors from the first-order (outer product) information",
                    "标准误基于一阶（外积）信息矩阵"),
    "bootstrap": ("bootstrap standard errors", "自助法标准误"),
}


def _methods(call: dict) -> tuple[str, str, str]:
    estimator = str(call.get("estimator", "ML")).upper()
    se_default, test_default = DEFAULTS.get(estimator, ("standard", "standard"))
    return estimator, call.get("se") or se_default, call.get("test") or test_default


def test_label(call: dict, lang: str = "en") -> str:
    """The name of the fit's test statistic.

    Parameters
    ----------
    call : dict
        A Result's ``call``.
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> test_label({"estimator": "MLM"})
    'Satorra-Bentler scaled chi-square (S-B χ²; Satorra & Bentler, 1994)'
    >>> test_label({"estimator": "ML", "test": "scaled.shifted"}, "zh")
    '均值与方差校正（scaled-shifted）卡方（Asparouhov & Muthén, 2010）'
    """
    _, _, test = _methods(call)
    return TESTS.get(test, (test, test))[lang == "zh"]


def correlation_text(n_ordered: int, n_continuous: int, lang: str = "en") -> str:
    """The correlations a fit of ordered items rests on: polychoric (two ordered items),
    polyserial (an ordered item and a continuous variable), Pearson (two continuous ones).

    Parameters
    ----------
    n_ordered, n_continuous : int
        The numbers of ordered items and of continuous observed variables (not covariates).
    lang : str
        "en" or "zh".

    Returns
    -------
    str

    Examples
    --------
    >>> correlation_text(4, 0), correlation_text(1, 1)
    ('polychoric correlations', 'polyserial correlations')
    >>> correlation_text(3, 2), correlation_text(3, 2, "zh")
    ('polychoric, polyserial and Pearson correlations', '多分格相关、多系列相关与皮尔逊相关')
    """
    kinds = [(n_ordered > 1, "polychoric", "多分格相关"),
             (n_ordered > 0 and n_continuous > 0, "polyserial", "多系列相关"),
             (n_continuous > 1, "Pearson", "皮尔逊相关")]
    if lang == "zh":
        words = [zh for used, _, zh in kinds if used]
        return words[0] if len(words) == 1 else "、".join(words[:-1]) + "与" + words[-1]
    words = [en for used, en, _ in kinds if used]
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return joined + " correlations"


def estimation_note(call: dict, lang: str = "en", continuous: int = 0) -> str:
    """One sentence naming the estimator, the standard errors and the test statistic
    (``continuous``: the number of continuous observed variables besides the ordered items,
    which decides the correlations named, :func:`correlation_text`).

    Examples
    --------
    >>> estimation_note({"estimator": "MLM"})
    ' Estimator MLM; robust (sandwich, robust.sem) standard errors; Satorra-Bentler scaled \
chi-square (S-B χ²; Satorra & Bentler, 1994).'
    >>> estimation_note({"estimator": "ML"})
    ''
    >>> estimation_note({"estimator": "ULSMV", "ordered": ["x1", "x2"], "se": "robust.sem",
    ...                  "test": "scaled.shifted"})
    ' Estimator ULSMV (ordered items: thresholds and polychoric correlations); robust \
(sandwich, robust.sem) standard errors; scaled-shifted chi-square (Asparouhov & Muthén, 2010).'
    """
    estimator, se, test = _methods(call)
    if (estimator, se, test) == ("ML", "standard", "standard") or estimator.startswith("PLS"):
        return ""
    se_text = SE.get(se, (se, se))[lang == "zh"]
    test_text = test_label(call, lang)
    ordinal = bool(call.get("ordered"))
    if ordinal:
        correlations = correlation_text(len(call["ordered"]), continuous, lang)
    if lang == "zh":
        data_text = f"（有序题项：阈值与{correlations}）" if ordinal else ""
        return f"估计方法 {estimator}{data_text}；{se_text}；{test_text}。"
    data_text = f" (ordered items: thresholds and {correlations})" if ordinal else ""
    return f" Estimator {estimator}{data_text}; {se_text}; {test_text}."
