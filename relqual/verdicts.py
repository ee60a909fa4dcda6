"""The rule that decides whether a hypothesis is supported, in one place.

A hypothesis about a parameter is supported when its test is significant (p < alpha, by default
.05) and the estimate has the hypothesised sign ("+" or "-"; no sign: either).
"""
from __future__ import annotations

import math

from .conventions import ALPHA, num
from .i18n import t


def judge(est, pvalue, sign: str | None, alpha: float = ALPHA,
          lang: str = "en") -> tuple[bool, str]:
    """(supported, reason); reason is "supported", "not supported (p >= .05)",
    "not supported (opposite sign)" or "no test (no SE)" (``lang="zh"``: in Chinese, from
    :mod:`relqual.i18n`)."""
    if pvalue is None or not math.isfinite(pvalue):
        return False, t("no_test", lang)
    if pvalue >= alpha:
        return False, t("not_supported_p", lang, alpha=num(alpha, 2, bounded=True))
    if (sign == "+" and est < 0) or (sign == "-" and est > 0):
        return False, t("not_supported_sign", lang)
    return True, t("supported", lang)
