"""Every text of the APA tables and the report, in English and Chinese: one message catalog.

:mod:`relqual.tables`, :mod:`relqual.plstables`, :mod:`relqual.report` and
:mod:`relqual.verdicts` look their headings, table titles, column headers, notes and verdicts up
here, so ``res.tables(lang="zh")``, ``res.report(path, lang="zh")`` and
``relqual report MODEL DATA --lang zh`` are Chinese throughout. Numbers and statistical symbols
(χ², df, CFI, RMSEA, β, p, AVE) stay as they are; construct names come from the construct catalog
(:func:`relqual.models.construct_label`), not from here. The Chinese terms follow the project's
glossary (``shared/GLOSSARY.md``) and the web app's catalog (:mod:`relqual.app.i18n`: 构念, 题项,
路径, 假设, 指标, 数值, 判断标准, 结论, 良好, 较差, 支持, 不支持); English authors of the cited
sources keep their names, as Chinese theses cite them. This module imports nothing from relqual.

Examples
--------
>>> t("title_fit", "en"), t("title_fit", "zh")
('Model fit', '模型拟合')
>>> table_label(2, "zh"), table_label(2, "en")
('表 4-2', 'Table 2')
"""
from __future__ import annotations

LANGS = ("en", "zh")
CHAPTER = 4           # Chinese theses number tables and figures by chapter: 表 4-1, 图 4-1

# key: (English, 中文)
STRINGS: dict[str, tuple[str, str]] = {
    # table furniture
    "table": ("Table", "表"),
    "table_n": ("Table {n}", "表 {chapter}-{n}"),
    "figure_n": ("Figure {n}.", "图 {chapter}-{n}"),
    "note": ("Note.", "注："),
    "ci": ("{level:g}% CI", "{level:g}% 置信区间"),
    "ci_of": ("{ci} ({of})", "{of} 的 {ci}"),
    "sep": ("; ", "；"),
    "list_sep": (", ", "，"),
    "paren": (" ({text})", "（{text}）"),
    "abbr": ("{name} = {label}", "{name} = {label}"),
    # columns
    "col_construct": ("Construct", "构念"),
    "col_item": ("Item", "题项"),
    "col_hypothesis": ("Hypothesis", "假设"),
    "col_path": ("Path", "路径"),
    "col_se": ("SE", "标准误"),
    "col_verdict": ("Verdict", "结论"),
    "col_effect": ("Effect", "效应"),
    "col_index": ("Index", "指标"),
    "col_value": ("Value", "数值"),
    "col_cutoff": ("Cut-off", "判断标准"),
    # verdicts (relqual.verdicts.judge and the fit table)
    "supported": ("supported", "支持"),
    "not_supported_p": ("not supported (p >= {alpha})", "不支持（p ≥ {alpha}）"),
    "not_supported_sign": ("not supported (opposite sign)", "不支持（方向相反）"),
    "no_test": ("no test (no SE)", "无法检验（无标准误）"),
    "v_supported": ("Supported", "支持"),
    "v_not_supported": ("Not supported", "不支持"),
    "v_no_test": ("No test", "无法检验"),
    "v_opposite": ("Not supported (opposite sign)", "不支持（方向相反）"),
    "v_not_in_model": ("Not in model", "模型中没有此参数"),
    "good": ("Good", "良好"),
    "poor": ("Poor", "较差"),
    "not_converged_verdict": ("n/a (not converged)", "不适用（未收敛）"),
    "lower_better": ("lower is better", "越小越好"),
    # fit status (fit_status)
    "status_not_converged": ("NOT CONVERGED", "未收敛"),
    "status_not_converged_note": (
        "WARNING: the model did not converge, so these numbers are not trustworthy and must not "
        "be reported.", "警告：模型未收敛，以下数值不可信，不能报告。"),
    "status_no_se": ("NO STANDARD ERRORS", "无标准误"),
    "status_no_se_note": (
        "WARNING: the information matrix is singular (the model is probably not identified): "
        "standard errors, tests and intervals are not available.",
        "警告：信息矩阵奇异（模型可能无法识别）：标准误、检验和置信区间均不可用。"),
    "status_improper": ("IMPROPER SOLUTION", "不当解"),
    "status_improper_note": ("WARNING: {what}.", "警告：{what}。"),
    # measurement table
    "title_measurement": ("Measurement model: standardized loadings, reliability and convergent "
                          "validity", "测量模型：标准化因子载荷、信度与聚合效度"),
    "note_measurement": (
        "λ = standardized loading (std.all); {sig}α = Cronbach's alpha; CR = composite reliability "
        "(ω, as semTools compRelSEM); AVE = average variance extracted. Cut-offs: λ {loading} "
        "({loading_src}), α {alpha} ({alpha_src}), CR {omega} and AVE {ave} ({ave_src}); "
        "{dagger} below the cut-off.",
        "λ = 标准化因子载荷；{sig}α = Cronbach's α 系数；CR = 组合信度（ω，与 semTools 的 "
        "compRelSEM 相同）；AVE = 平均方差抽取量。判断标准：λ {loading}（{loading_src}），"
        "α {alpha}（{alpha_src}），CR {omega}，AVE {ave}（{ave_src}）；{dagger} 表示未达标准。"),
    "all_loadings_sig": ("all loadings p < .001. ", "所有载荷 p < .001；"),
    "stars_sig": ("{stars}. ", "{stars}；"),
    "rel_missing": (" Reliability and AVE not available ({why}).",
                    "信度与 AVE 无法计算（{why}）。"),
    # discriminant table
    "title_discriminant": ("Discriminant validity: Fornell–Larcker criterion and HTMT",
                           "区分效度：Fornell–Larcker 准则与 HTMT"),
    "title_discriminant_short": ("Discriminant validity", "区分效度"),
    "not_available": ("Not available ({why}).", "无法计算（{why}）。"),
    "note_discriminant": (
        "Diagonal: square root of the AVE; below the diagonal: latent correlations; above the "
        "diagonal: HTMT. Discriminant validity holds when each √AVE exceeds the construct's "
        "correlations ({fl_src}) and HTMT {htmt85} ({htmt_src}; {htmt90} for conceptually similar "
        "constructs); {dagger} criterion not met.",
        "对角线：AVE 的平方根；对角线以下：潜变量相关系数；对角线以上：HTMT。"
        "各构念的 √AVE 大于其与其他构念的相关系数（{fl_src}）且 HTMT {htmt85}（{htmt_src}；"
        "概念相近的构念为 {htmt90}）时，区分效度成立；{dagger} 表示未达标准。"),
    "htmt_missing": (" HTMT not available ({why}).", "HTMT 无法计算（{why}）。"),
    # paths table
    "title_paths": ("Structural model: path coefficients and hypothesis tests",
                    "结构模型：路径系数与假设检验"),
    "section_other_hyps": ("Hypotheses on loadings and defined effects",
                           "关于载荷与自定义效应的假设"),
    "note_paths": (
        "β = standardized coefficient (std.all) with its delta-method {ci}; B = unstandardized "
        "coefficient; SE = its standard error. {stars}. Supported = p < {alpha} with the "
        "hypothesised sign (in parentheses).",
        "β = 标准化路径系数及其 delta 法 {ci}；B = 非标准化系数；标准误 = B 的标准误。{stars}。"
        "支持 = p < {alpha} 且方向与假设（括号内）一致。"),
    "r2_list": (" R²: {values}.", "R²：{values}。"),
    # indirect table
    "title_indirect": ("Direct, indirect and total effects", "直接效应、间接效应与总效应"),
    "eff_direct": ("Direct", "直接效应"),
    "eff_indirect": ("Indirect", "间接效应"),
    "eff_total_indirect": ("Total indirect", "总间接效应"),
    "eff_total": ("Total", "总效应"),
    "eff_defined": ("Defined", "自定义效应"),
    "section_defined": ("Defined parameters", "自定义参数"),
    "method_delta": ("delta-method", "delta 法"),
    "method_montecarlo": ("Monte Carlo", "蒙特卡洛"),
    "method_bootstrap": ("bootstrap", "Bootstrap"),
    "draws_seed": (" ({n} draws, seed {seed})", "（{n} 次抽样，种子 {seed}）"),
    "seed_only": (" (seed {seed})", "（种子 {seed}）"),
    "note_indirect": (
        "B = unstandardized effect with its {method} {level:g}% interval{draws}; β = standardized "
        "effect (std.all); p from the delta-method z test. An indirect effect is supported when "
        "its interval excludes zero.",
        "B = 非标准化效应及其 {method} {level:g}% 置信区间{draws}；β = 标准化效应；"
        "p 值来自 delta 法 z 检验。置信区间不包含 0 时，间接效应成立。"),
    # fit table
    "title_fit": ("Model fit", "模型拟合"),
    "scaled": (" (scaled)", "（校正）"),
    "robust": (" (robust)", "（稳健）"),
    "ci90": (" [90% CI]", " [90% 置信区间]"),
    "note_fit": (
        "N = {n}. Cut-offs: CFI and TLI {cfi}, RMSEA {rmsea} and SRMR {srmr} ({hb}); χ²/df "
        "{chisq_df} ({kline}). The χ² test rejects close-fitting models in large samples, so it "
        "is read with the indices. AIC and BIC compare models fitted to the same data.",
        "N = {n}。判断标准：CFI 与 TLI {cfi}，RMSEA {rmsea}，SRMR {srmr}（{hb}）；χ²/df "
        "{chisq_df}（{kline}）。样本量大时 χ² 检验会拒绝拟合良好的模型，"
        "因此应结合其他拟合指标解读。"
        "AIC 与 BIC 用于比较以同一数据估计的模型。"),
    "note_fit_robust": (" Robust CFI, TLI and RMSEA (lavaan's .robust) for the MLR fit.",
                        "MLR 估计：CFI、TLI 与 RMSEA 为稳健版本（lavaan 的 .robust）。"),
    # PLS tables
    "title_pls_measurement": ("Measurement model (PLS-SEM)", "测量模型（PLS-SEM）"),
    "title_pls_htmt": ("Discriminant validity (HTMT)", "区分效度（HTMT）"),
    "title_pls_paths": ("Structural model (PLS-SEM)", "结构模型（PLS-SEM）"),
    "scheme_path": ("path", "路径"),
    "scheme_factorial": ("factorial", "因子"),
    "scheme_centroid": ("centroid", "质心"),
    "note_pls_measurement": (
        "{estimator} ({scheme} weighting scheme). λ = outer loading; α = Cronbach's alpha; "
        "ρA = Dijkstra-Henseler's rho_A; ρC = composite reliability; AVE = average variance "
        "extracted. † loading below .708. Cut-offs: α, ρA and ρC ≥ .70, AVE ≥ .50 ({source}).",
        "{estimator}（{scheme}加权方案）。λ = 外部载荷；α = Cronbach's α 系数；"
        "ρA = Dijkstra–Henseler 的 ρA；ρC = 组合信度；AVE = 平均方差抽取量。† 表示载荷低于 .708。"
        "判断标准：α、ρA 与 ρC ≥ .70，AVE ≥ .50（{source}）。"),
    "note_pls_htmt": (
        "Heterotrait-monotrait ratios of correlations (HTMT; Henseler, Ringle & Sarstedt 2015). "
        "† HTMT ≥ .85 (.90 for conceptually similar constructs): discriminant validity in doubt.",
        "异质-单质相关比（HTMT；Henseler, Ringle & Sarstedt 2015）。"
        "† 表示 HTMT ≥ .85（概念相近的构念为 .90）：区分效度存疑。"),
    "note_pls_paths": (
        "β = path coefficient; f² = effect size (.02 small, .15 medium, .35 large; Cohen 1988); "
        "VIF of the antecedents (< {vif}; {source}). ",
        "β = 路径系数；f² = 效应量（.02 小，.15 中，.35 大；Cohen 1988）；"
        "前因变量的 VIF（< {vif}；{source}）。"),
    "note_pls_boot": ("t, p and 95% percentile intervals from {draws} bootstrap resamples. ",
                      "t、p 与 95% 百分位置信区间来自 {draws} 次 Bootstrap 重抽样。"),
    "note_pls_noboot": ("No bootstrap was run, so no t, p or intervals (fit with "
                        "bootstrap=5000). ",
                        "未进行 Bootstrap，因此没有 t、p 与置信区间（估计时设 bootstrap=5000）。"),
    "r2_adjusted": ("R² (adjusted): {values}.", "R²（调整后）：{values}。"),
    # report
    "report_title": ("relqual report: {name}", "relqual 分析报告：{name}"),
    "report_summary": (
        "Model '{model}' fitted by {estimator} to {fitted_to} ({status} after {iterations} "
        "iterations): {stats}. {n_warnings} warning(s): see Warnings.",
        "模型“{model}”以 {estimator} 估计，{fitted_to}（迭代 {iterations} 次后{status}）："
        "{stats}。共 {n_warnings} 条警告，见“警告”一节。"),
    "fitted_rows": ("{n} of {n_input} rows", "使用 {n_input} 行数据中的 {n} 行"),
    "fitted_summary": ("summary statistics (N = {n})", "使用汇总统计量（N = {n}）"),
    "converged": ("converged", "已收敛"),
    "not_converged": ("NOT converged", "未收敛"),
    "h_model": ("Model and hypotheses", "模型与研究假设"),
    "model_syntax": ("Model syntax (lavaan)", "模型语法（lavaan）"),
    "h_diagram": ("Path diagram", "路径图"),
    "figure_caption": ("Standardized solution. {stars}; dashed arrows: p ≥ {alpha}. R² in the "
                       "endogenous variables.",
                       "标准化解。{stars}；虚线箭头：p ≥ {alpha}。内生变量中标注 R²。"),
    "h_data": ("Data checks", "数据检查"),
    "rows_in_data": ("Rows in the data", "数据行数"),
    "rows_used": ("Rows used", "使用行数"),
    "rows_dropped": ("Rows dropped", "删除行数"),
    "missing_data": ("Missing data", "缺失数据处理"),
    "missing_listwise": ("listwise", "列删除（listwise）"),
    "missing_ml": ("ml", "全信息最大似然（FIML）"),
    "missing_fiml": ("fiml", "全信息最大似然（FIML）"),
    "observed_vars": ("Observed variables", "观测变量数"),
    "data": ("Data", "数据"),
    "observed_of": ("{k} of the {n} in the matrix", "矩阵中 {n} 个中的 {k} 个"),
    "groups": ("Groups", "组别"),
    "data_preparation": ("Data preparation", "数据准备"),
    "survey_check": ("Survey data check (rq.check_data)", "问卷数据检查（rq.check_data）"),
    "no_problem": ("No problem found.", "未发现问题。"),
    "title_items": ("Item descriptives", "题项描述统计"),
    "stat_n": ("n", "有效数"),
    "stat_missing": ("missing", "缺失"),
    "stat_min": ("min", "最小值"),
    "stat_max": ("max", "最大值"),
    "stat_mean": ("mean", "均值"),
    "stat_sd": ("sd", "标准差"),
    "stat_skew": ("skew", "偏度"),
    "stat_kurtosis": ("kurtosis", "峰度"),
    "note_items": (
        "Skew and kurtosis (excess) as SPSS reports them; |skew| > {skew} or kurtosis > "
        "{kurtosis} suggests strongly non-normal data ({source}): consider MLR.",
        "偏度与（超额）峰度的计算方式与 SPSS 相同；|偏度| > {skew} 或峰度 > {kurtosis} "
        "表示数据严重偏离正态（{source}），可考虑使用 MLR 估计。"),
    "h_results": ("Results", "分析结果"),
    "measurement_quality": ("Measurement quality", "测量质量"),
    "no_reliability": ("Reliability and validity (alpha, CR, AVE, HTMT, Fornell-Larcker) are not "
                       "available in this version of relqual.",
                       "此版本的 relqual 无法计算信度与效度"
                       "（α、CR、AVE、HTMT、Fornell–Larcker）。"),
    "h_warnings": ("Warnings", "警告"),
    "none": ("None.", "无。"),
    "h_reproducibility": ("Reproducibility", "可重复性"),
    "the_call": ("The call", "调用代码"),
    "data_sha": ("Data used (SHA-256)", "所用数据（SHA-256）"),
    "summary_sha": ("Summary statistics used (SHA-256)", "所用汇总统计量（SHA-256）"),
    "created": ("Created", "生成时间"),
    "diagram_alt": ("path diagram", "路径图"),
}


def lang_of(lang) -> str:
    """``"zh"`` for Chinese (also "zh-CN", "zh_Hans", ...), ``"en"`` for anything else.

    Examples
    --------
    >>> lang_of("zh-CN"), lang_of(None)
    ('zh', 'en')
    """
    return "zh" if str(lang or "").lower().startswith("zh") else "en"


def t(key: str, lang: str = "en", **values) -> str:
    """The text ``key`` in ``lang`` ("en" or "zh"), with ``values`` filled in.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS`.
    lang : str
        "en" or "zh"; any other value gives English.
    **values
        Filled into the text's ``{placeholders}`` (``chapter`` defaults to :data:`CHAPTER`).

    Returns
    -------
    str

    Examples
    --------
    >>> t("not_supported_p", "zh", alpha=".05")
    '不支持（p ≥ .05）'
    """
    en, zh = STRINGS[key]
    text = zh if lang_of(lang) == "zh" else en
    if "{" not in text:
        return text
    return text.format(**{"chapter": CHAPTER, **values})


def table_label(number: int | None, lang: str = "en") -> str:
    """"Table 3" or, the Chinese-thesis way, "表 4-3" (just "Table" / "表" without a number)."""
    return t("table_n", lang, n=number) if number else t("table", lang)


def values(lang: str) -> set[str]:
    """Every text of the catalog in ``lang`` (placeholders unfilled), for tests.

    Examples
    --------
    >>> "模型拟合" in values("zh")
    True
    """
    return {pair[1] if lang_of(lang) == "zh" else pair[0] for pair in STRINGS.values()}
