"""The report of a PLS-SEM fit: the reporting checklist of Hair, Risher, Sarstedt & Ringle (2019).

Hair, J. F., Risher, J. J., Sarstedt, M. & Ringle, C. M. (2019). When to use and how to report
the results of PLS-SEM. *European Business Review* 31(1), 2-24 (their Tables II and III):

* measurement model: indicator loadings >= .708; internal consistency reliability (Cronbach's
  alpha, rho_A, rho_C) between .70 and .95 (above .95: redundant items); convergent validity
  AVE >= .50; discriminant validity HTMT below .85 (.90 for conceptually similar constructs),
  by the bootstrap test (the upper bound of the one-sided 95% interval, Franke & Sarstedt 2019);
* structural model: collinearity of the antecedents (VIF below 3), the size and significance of
  the paths (bootstrap t, p and interval), R² (.75, .50 and .25 substantial, moderate, weak;
  Hair et al. 2011), f² (.02, .15, .35 small, medium, large; Cohen 1988) and the predictive
  power by PLSpredict (Q²predict > 0; Shmueli et al. 2019);
* model fit: SRMR, d_ULS and d_G of the saturated and the estimated model with the bootstrap
  test of exact fit (Dijkstra & Henseler 2015), which Hair et al. report with caution.

:func:`pls_report_parts` gives what :func:`relqual.report.build_report` puts into the report in
place of the covariance-based tables: the tables, the sentence of fit statistics and the
checklist's statements, in English or Chinese (this module's own catalog, :data:`TEXT`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .conventions import num
from .i18n import lang_of
from .i18n import t as _t
from .plshoc import TwoStage
from .plstables import HTMT_CUT, LOADING_CUT, VIF_CUT, pls_tables
from .tables import Table

RELIABILITY_RANGE = (0.70, 0.95)
AVE_CUT = 0.50
R2_LEVELS = ((0.75, "r2_substantial"), (0.50, "r2_moderate"), (0.25, "r2_weak"))

TEXT = {   # key: (English, Chinese)
    "checklist": ("PLS-SEM reporting checklist (Hair, Risher, Sarstedt & Ringle, 2019)",
                  "PLS-SEM 报告清单（Hair, Risher, Sarstedt & Ringle, 2019）"),
    "stats": ("{scheme} weighting scheme; R² {r2}; SRMR = {srmr} (estimated model)",
              "{scheme}加权方案；R²：{r2}；SRMR = {srmr}（估计模型）"),
    "loadings_ok": ("Indicator reliability: every loading is at least {cut} (range {low} to "
                    "{high}).",
                    "指标信度：所有载荷均不低于 {cut}（范围 {low} 至 {high}）。"),
    "loadings_low": ("Indicator reliability: {n} loading(s) below {cut}: {items}. Consider "
                     "removing an item only if this raises rho_C or AVE above its threshold.",
                     "指标信度：{n} 个载荷低于 {cut}：{items}。仅当删除题项能使 rho_C 或 AVE "
                     "达到标准时才考虑删除。"),
    "reliability_ok": ("Internal consistency: alpha, rho_A and rho_C lie between {low} and {high} "
                       "for every construct.",
                       "内部一致性：所有构念的 alpha、rho_A 和 rho_C 均在 {low} 与 {high} 之间。"),
    "reliability_low": ("Internal consistency: below {low} for {items}.",
                        "内部一致性：{items} 低于 {low}。"),
    "reliability_high": ("Internal consistency: above {high} for {items} (redundant items?).",
                         "内部一致性：{items} 高于 {high}（题项可能冗余）。"),
    "ave_ok": ("Convergent validity: AVE is at least {cut} for every construct.",
               "收敛效度：所有构念的 AVE 均不低于 {cut}。"),
    "ave_low": ("Convergent validity: AVE below {cut} for {items}.",
                "收敛效度：{items} 的 AVE 低于 {cut}。"),
    "htmt_ok": ("Discriminant validity: every HTMT is below {cut}{test}.",
                "区分效度：所有 HTMT 均低于 {cut}{test}。"),
    "htmt_test": (" and significantly so (upper bound of the one-sided 95% bootstrap interval)",
                  "，且显著低于该值（单侧 95% 自助法区间上限）"),
    "htmt_high": ("Discriminant validity: HTMT not (significantly) below {cut} for {pairs}.",
                  "区分效度：{pairs} 的 HTMT 未（显著）低于 {cut}。"),
    "vif_ok": ("Collinearity: every antecedent's VIF is below {cut} (largest {high}).",
               "共线性：所有前因变量的 VIF 均低于 {cut}（最大 {high}）。"),
    "vif_high": ("Collinearity: VIF of {cut} or more for {paths}.",
                 "共线性：{paths} 的 VIF 不低于 {cut}。"),
    "paths_boot": ("Structural paths: {k} of {n} significant at 5% (95% bootstrap interval "
                   "excluding 0, {draws} resamples).",
                   "结构路径：{n} 条中 {k} 条在 5% 水平显著（95% 自助法区间不含 0，"
                   "{draws} 次重抽样）。"),
    "paths_noboot": ("Structural paths: no bootstrap was run, so their significance is not "
                     "reported.", "结构路径：未运行自助法，未报告显著性。"),
    "r2": ("Explained variance: {values}.", "解释方差：{values}。"),
    "r2_substantial": ("substantial", "较大"), "r2_moderate": ("moderate", "中等"),
    "r2_weak": ("weak", "较弱"), "r2_very_weak": ("very weak", "很弱"),
    "q2_ok": ("Predictive power (PLSpredict): Q²predict above 0 for every endogenous "
              "construct ({values}).",
              "预测能力（PLSpredict）：所有内生构念的 Q²predict 均大于 0（{values}）。"),
    "q2_low": ("Predictive power (PLSpredict): Q²predict not above 0 for {items}.",
               "预测能力（PLSpredict）：{items} 的 Q²predict 不大于 0。"),
    "q2_none": ("Predictive power: PLSpredict predicts composite scores, so it is reported for "
                "estimator='PLS' fits (not PLSc); refit with estimator='PLS' for Q²predict.",
                "预测能力：PLSpredict 预测的是复合得分，仅报告于 estimator='PLS' 的拟合（不适用于 "
                "PLSc）；如需 Q²predict，请以 estimator='PLS' 重新拟合。"),
    "title_htmt_test": ("HTMT bootstrap test of discriminant validity",
                        "HTMT 区分效度的自助法检验"),
    "note_htmt_test": ("{ci} percentile interval and the upper bound of the one-sided 95% "
                       "interval from {draws} bootstrap resamples; discriminant validity is "
                       "established when the upper bound is below .85 (.90 for conceptually "
                       "similar constructs; Henseler, Ringle & Sarstedt, 2015; Franke & "
                       "Sarstedt, 2019).",
                       "{ci}为百分位区间，单侧 95% 区间上限基于 {draws} 次自助法重抽样；"
                       "上限低于 .85（概念相近的构念为 .90）即具有区分效度（Henseler, Ringle & "
                       "Sarstedt, 2015；Franke & Sarstedt, 2019）。"),
    "col_pair": ("Constructs", "构念对"), "col_upper": ("Upper 95%", "单侧上限"),
    "yes": ("yes", "是"), "no": ("no", "否"),
    "title_fit": ("Model fit (PLS-SEM)", "模型拟合（PLS-SEM）"),
    "col_measure": ("Measure", "指标"), "col_saturated": ("Saturated", "饱和模型"),
    "col_estimated": ("Estimated", "估计模型"),
    "note_fit": ("d_G with base-10 logarithms (as ADANCO and cSEM). {test}Hair et al. (2019) "
                 "advise caution with these criteria in PLS-SEM; SRMR below .08 is a common "
                 "guide.",
                 "d_G 使用以 10 为底的对数（与 ADANCO 和 cSEM 相同）。{test}Hair 等（2019）建议"
                 "谨慎使用这些 PLS-SEM 拟合指标；SRMR 低于 .08 为常用参考。"),
    "fit_test": ("In brackets: HI95 and HI99, the 95% and 99% quantiles of the bootstrap "
                 "distribution under exact fit ({draws} resamples; Dijkstra & Henseler, 2015). ",
                 "括号内为 HI95 与 HI99，即精确拟合下自助法分布的 95% 与 99% 分位数（{draws} 次"
                 "重抽样；Dijkstra & Henseler, 2015）。"),
    "title_predict": ("Predictive power (PLSpredict)", "预测能力（PLSpredict）"),
    "col_construct": ("Construct", "构念"), "col_power": ("Predictive power", "预测能力"),
    "note_predict": ("{folds}-fold cross-validation repeated {repeats} times (Shmueli et al., "
                     "2019); Q²predict > 0: the model predicts better than the indicators' "
                     "means; predictive power from how many indicators' PLS errors are below the "
                     "linear model's.",
                     "{folds} 折交叉验证，重复 {repeats} 次（Shmueli 等，2019）；Q²predict > 0 "
                     "表示模型预测优于指标均值；预测能力依据 PLS 误差低于线性模型误差的指标个数。"),
}


def text(key: str, lang: str = "en", **values) -> str:
    """A string of this module's catalog in ``lang`` ("en" or "zh"), formatted with ``values``.

    Examples
    --------
    >>> text("col_pair"), text("col_pair", "zh")
    ('Constructs', '构念对')
    """
    english, chinese = TEXT[key]
    return (chinese if lang_of(lang) == "zh" else english).format(**values)


@dataclass
class PLSReportParts:
    """What a PLS report shows in place of the covariance-based parts.

    ``result``: the fit, with bootstrap standard errors when draws were asked for;
    ``tables``: the checklist's tables; ``stats``: the sentence of fit statistics;
    ``checklist``: one statement per checklist item; ``caption``: the checklist's title.
    """

    result: object
    tables: list
    stats: str
    checklist: list
    caption: str


def pls_report_parts(result, *, lang: str = "en", draws: int | None = 1000, seed=1,
                     decimals: int = 3) -> PLSReportParts:
    """The tables, statistics and checklist statements of a PLS fit's report.

    Parameters
    ----------
    result : relqual.result.Result
        A fit with ``estimator="PLS"`` or ``"PLSc"``.
    lang : {"en", "zh"}
        The language.
    draws : int or None
        Bootstrap resamples for t, p, intervals, the HTMT test and the fit test (0 or None:
        none; a fit that has bootstrap draws already keeps them).
    seed : int
        Seed of the bootstrap and of PLSpredict's folds.
    decimals : int
        Decimals in the tables.

    Returns
    -------
    PLSReportParts

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> parts = pls_report_parts(res, draws=200)
    >>> [t.name for t in parts.tables]
    ['measurement', 'discriminant', 'htmt_test', 'paths', 'pls_fit', 'prediction']
    >>> parts.checklist[0]
    'Indicator reliability: every loading is at least .708 (range .717 to .858).'
    """
    boot = None
    if result.boot is not None:
        boot = result.boot
    elif draws:
        boot = result.bootstrap(draws, seed=seed, progress=False)
        result = result.with_bootstrap(boot)
    measurement, htmt, paths = pls_tables(result, decimals, lang)
    tables = [measurement, htmt]
    htmt_test = boot.htmt() if boot is not None and hasattr(boot, "htmt") else None
    if htmt_test is not None:
        tables.append(htmt_test_table(htmt_test, len(boot.converged), decimals, lang))
    tables.append(paths)
    two_stage = isinstance(result.problem.pls["model"], TwoStage)   # no fit test, no predict
    fit_test = (result.fit_test(draws=draws, seed=seed)
                if draws and result.converged and not two_stage else None)
    tables.append(fit_table(result, fit_test, draws, decimals, lang))
    prediction = None                  # PLSpredict predicts composites: PLS, not PLSc
    if not result.problem.pls["settings"]["consistent"] and not two_stage:
        prediction = result.predict(seed=seed)
        tables.append(prediction_table(prediction, decimals, lang))
    for k, table in enumerate(tables, 1):
        table.number = k
    statements = checklist(result, htmt_test, prediction, lang)
    fm = result.fit_measures()
    r2 = _t("list_sep", lang).join(f"{k} = {num(v, 2, True)}" for k, v in result.r2().items())
    scheme = str(result.call.get("scheme", "path"))
    if lang_of(lang) == "zh":
        scheme = _t("scheme_" + scheme, lang)
    stats = text("stats", lang, scheme=scheme, r2=r2, srmr=num(fm["srmr"], 3, True))
    return PLSReportParts(result, tables, stats, statements, text("checklist", lang))


def htmt_test_table(table: pd.DataFrame, draws: int, decimals: int = 3,
                    lang: str = "en") -> Table:
    """HTMT per pair with its percentile interval, the one-sided upper bound and the verdicts
    at .85 and .90 (:meth:`relqual.plsboot.PLSBootstrapDraws.htmt`)."""
    yes, no = text("yes", lang), text("no", lang)
    rows = [[f"{r['factor_1']} \u2013 {r['factor_2']}", num(r["htmt"], decimals, True),
             f"[{num(r['ci_lower'], decimals, True)}, {num(r['ci_upper'], decimals, True)}]",
             num(r["upper_one_sided"], decimals, True), yes if r["below_85"] else no,
             yes if r["below_90"] else no] for _, r in table.iterrows()]
    ci = "95% CI" if lang_of(lang) != "zh" else "95% 置信区间"
    return Table("htmt_test", text("title_htmt_test", lang),
                 [text("col_pair", lang), "HTMT", ci, text("col_upper", lang), "< .85", "< .90"],
                 rows, text("note_htmt_test", lang, ci=ci, draws=draws), "lrcrcc", table.copy(),
                 lang=lang)


def fit_table(result, fit_test: pd.DataFrame | None, draws, decimals: int = 3,
              lang: str = "en") -> Table:
    """SRMR, d_ULS and d_G of the saturated and the estimated model (with HI95 and HI99 when
    the bootstrap test was run)."""
    fm = result.fit_measures()
    rows, data = [], []
    for measure, label in (("srmr", "SRMR"), ("d_uls", "d_ULS"), ("d_g", "d_G")):
        cells = [label]
        for model, key in (("saturated", f"{measure}_saturated"), ("estimated", measure)):
            value = fm[key]
            bounded = measure == "srmr"          # d_ULS and d_G can exceed 1
            cell = num(value, decimals, bounded)
            record = dict(model=model, measure=measure, value=value)
            if fit_test is not None:
                row = fit_test[(fit_test["model"] == model) & (fit_test["discrepancy"] == measure)]
                hi95, hi99 = float(row["HI95"].iloc[0]), float(row["HI99"].iloc[0])
                cell += f" [{num(hi95, decimals, bounded)}, {num(hi99, decimals, bounded)}]"
                record.update(HI95=hi95, HI99=hi99)
            cells.append(cell)
            data.append(record)
        rows.append(cells)
    test = text("fit_test", lang, draws=draws) if fit_test is not None else ""
    return Table("pls_fit", text("title_fit", lang),
                 [text("col_measure", lang), text("col_saturated", lang),
                  text("col_estimated", lang)], rows, text("note_fit", lang, test=test), "lrr",
                 pd.DataFrame(data), lang=lang)


def prediction_table(prediction, decimals: int = 3, lang: str = "en") -> Table:
    """Q²predict, RMSE and MAE of every endogenous construct with its predictive power."""
    frame = prediction.constructs
    rows = [[r["construct"], num(r["q2_predict"], decimals), num(r["rmse"], decimals),
             num(r["mae"], decimals), str(r["predictive_power"])] for _, r in frame.iterrows()]
    folds = getattr(prediction, "folds", None)
    k = int(np.max(folds)) + 1 if folds is not None and np.size(folds) else 10
    repeats = int(np.shape(folds)[0]) if folds is not None and np.ndim(folds) == 2 else 1
    return Table("prediction", text("title_predict", lang),
                 [text("col_construct", lang), "Q\u00b2predict", "RMSE", "MAE",
                  text("col_power", lang)], rows,
                 text("note_predict", lang, folds=k, repeats=repeats), "lrrrl", frame.copy(),
                 lang=lang)


def checklist(result, htmt_test: pd.DataFrame | None, prediction,
              lang: str = "en") -> list[str]:
    """One statement per item of Hair et al.'s (2019) checklist, with the values at fault.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> checklist(res, None, res.predict(seed=1))[-3]
    'Structural paths: no bootstrap was run, so their significance is not reported.'
    """
    sep = _t("list_sep", lang)
    out = []
    loadings = result.loadings()
    reflective = loadings.groupby("lhs")["rhs"].transform("size") > 1
    loadings = loadings[reflective]
    low = loadings[loadings["est"].abs() < LOADING_CUT]
    if len(low):
        out.append(text("loadings_low", lang, n=len(low), cut=num(LOADING_CUT, 3, True),
                         items=sep.join(f"{r.lhs}/{r.rhs} ({num(r.est, 3, True)})"
                                        for r in low.itertuples())))
    elif len(loadings):
        out.append(text("loadings_ok", lang, cut=num(LOADING_CUT, 3, True),
                        low=num(loadings["est"].abs().min(), 3, True),
                        high=num(loadings["est"].abs().max(), 3, True)))
    reliability = result.reliability()
    reliability = reliability[reliability["n_items"] > 1]
    lo, hi = RELIABILITY_RANGE
    columns = ("alpha", "rho_a", "rho_c")
    below = [f"{r['factor']} {c} ({num(r[c], 3, True)})" for _, r in reliability.iterrows()
             for c in columns if r[c] < lo]
    above = [f"{r['factor']} {c} ({num(r[c], 3, True)})" for _, r in reliability.iterrows()
             for c in columns if r[c] > hi]
    if below:
        out.append(text("reliability_low", lang, low=num(lo, 2, True), items=sep.join(below)))
    if above:
        out.append(text("reliability_high", lang, high=num(hi, 2, True), items=sep.join(above)))
    if not below and not above and len(reliability):
        out.append(text("reliability_ok", lang, low=num(lo, 2, True), high=num(hi, 2, True)))
    ave_low = [f"{r['factor']} ({num(r['ave'], 3, True)})" for _, r in reliability.iterrows()
               if r["ave"] < AVE_CUT]
    out.append(text("ave_low", lang, cut=num(AVE_CUT, 2, True), items=sep.join(ave_low))
               if ave_low else text("ave_ok", lang, cut=num(AVE_CUT, 2, True)))
    if htmt_test is not None:
        bad = htmt_test[~htmt_test["below_85"]]
        pairs = [f"{r.factor_1}\u2013{r.factor_2} ({num(r.htmt, 3, True)}, "
                 f"{num(r.upper_one_sided, 3, True)})" for r in bad.itertuples()]
    else:
        H = result.htmt()
        pairs = [f"{r.factor_1}\u2013{r.factor_2} ({num(r.htmt, 3, True)})"
                 for r in H[H["htmt"] >= HTMT_CUT].itertuples()]
    out.append(text("htmt_high", lang, cut=num(HTMT_CUT, 2, True), pairs=sep.join(pairs))
               if pairs else text("htmt_ok", lang, cut=num(HTMT_CUT, 2, True),
                                  test=text("htmt_test", lang) if htmt_test is not None else ""))
    vif = result.vif().query("kind == 'antecedent'")
    if len(vif):
        high = vif[vif["vif"] >= VIF_CUT]
        out.append(text("vif_high", lang, cut=f"{VIF_CUT:g}", paths=sep.join(
            f"{r.rhs} \u2192 {r.lhs} ({num(r.vif, 2)})" for r in high.itertuples()))
            if len(high) else text("vif_ok", lang, cut=f"{VIF_CUT:g}",
                                   high=num(vif["vif"].max(), 2)))
    paths = result.paths()
    if np.isfinite(paths["se"]).any():
        significant = int(((paths["ci_lower"] > 0) | (paths["ci_upper"] < 0)).sum())
        out.append(text("paths_boot", lang, k=significant, n=len(paths),
                        draws=result.call.get("bootstrap")))
    else:
        out.append(text("paths_noboot", lang))
    out.append(text("r2", lang, values=sep.join(
        f"{k} {num(v, 2, True)}{_t('paren', lang, text=text(_r2_level(v), lang))}"
        for k, v in result.r2().items())))
    if prediction is None:
        out.append(text("q2_none", lang))
        return out
    q2 = prediction.constructs
    bad = q2[~(q2["q2_predict"] > 0)]
    out.append(text("q2_low", lang, items=sep.join(bad["construct"])) if len(bad) else
               text("q2_ok", lang, values=sep.join(f"{r.construct} {num(r.q2_predict, 3)}"
                                                   for r in q2.itertuples())))
    return out


def _r2_level(value: float) -> str:
    for cut, key in R2_LEVELS:
        if value >= cut:
            return key
    return "r2_very_weak"

