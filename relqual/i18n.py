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
    "note_fit_robust": (" Robust CFI, TLI and RMSEA (lavaan's .robust).",
                        "CFI、TLI 与 RMSEA 为稳健版本（lavaan 的 .robust）。"),
    # fit table of a latent-interaction fit (LMS, QML): likelihood only, no chi-square
    "title_fit_interaction": ("Model fit and the test of the interaction",
                              "模型拟合与交互作用检验"),
    "row_logl": ("Log-likelihood", "对数似然值"),
    "row_npar": ("Free parameters", "自由参数个数"),
    "row_logl_without": ("Log-likelihood without the interaction",
                         "不含交互项的对数似然值"),
    "row_lr_test": ("LR test of {term} on {outcome}: χ²({df})",
                    "{term} 对 {outcome} 的似然比检验：χ²({df})"),
    "row_r2_with": ("R² of {outcome} with / without {term}", "{outcome} 的 R²（含 / 不含 {term}）"),
    "interaction_needed": ("Interaction needed (p < {alpha})", "交互作用显著（p < {alpha}）"),
    "interaction_not_needed": ("Not needed (p ≥ {alpha})", "交互作用不显著（p ≥ {alpha}）"),
    "note_fit_interaction": (
        "N = {n}. {method} ({source}), {nodes}: the model with a latent product is not a "
        "covariance structure, so it has no χ² test of fit and no CFI, TLI, RMSEA or SRMR. The "
        "interaction is tested by the likelihood ratio against the same model without it, fitted "
        "by ML to the same rows (Klein & Moosbrugger, 2000); R² without it is that model's. "
        "AIC and BIC compare models fitted to the same data.",
        "N = {n}。{method}（{source}），{nodes}：含潜变量乘积项的模型不是协方差结构模型，"
        "因此没有 χ² 拟合检验，也没有 CFI、TLI、RMSEA 与 SRMR。交互作用以似然比检验判断："
        "与同一数据上以 ML 估计的不含交互项的同一模型比较（Klein & Moosbrugger, 2000）；"
        "不含交互项的 R² 即该模型的 R²。AIC 与 BIC 用于比较以同一数据估计的模型。"),
    "title_slopes": ("Simple slopes of the interaction and the Johnson–Neyman region",
                     "交互作用的简单斜率与 Johnson–Neyman 区间"),
    "col_ci95": ("95% CI", "95% 置信区间"),
    "col_moderator_at": ("Moderator value", "调节变量取值"),
    "at_minus_sd": ("mean − 1 SD", "均值 − 1 个标准差"),
    "at_mean": ("mean", "均值"),
    "at_plus_sd": ("mean + 1 SD", "均值 + 1 个标准差"),
    "jn_inside": ("between {lower} and {upper}", "介于 {lower} 与 {upper} 之间时"),
    "jn_outside": ("below {lower} or above {upper}", "低于 {lower} 或高于 {upper} 时"),
    "jn_everywhere": ("at every value", "取任何值时"),
    "jn_nowhere": ("at no value", "取任何值时都不"),
    "jn_sentence": ("{focal} → {outcome}: significant (p < {alpha}) when {moderator} is {region}.",
                    "{focal} → {outcome}：当 {moderator} {region}显著（p < {alpha}）。"),
    "note_slopes": (
        "B = simple slope (unstandardized) of the focal predictor at the moderator's mean and "
        "± 1 SD (latent moderators: model-implied mean and SD), with its delta-method SE and 95% "
        "CI (Aiken & West, 1991). Johnson–Neyman regions (Johnson & Neyman, 1936; Bauer & "
        "Curran, 2005): {regions}",
        "B = 焦点预测变量在调节变量均值及 ± 1 个标准差处的简单斜率（非标准化；潜变量调节变量取模型"
        "隐含的均值与标准差），SE 与 95% 置信区间由 delta 法求得（Aiken & West, 1991）。"
        "Johnson–Neyman 区间（Johnson & Neyman, 1936；Bauer & Curran, 2005）：{regions}"),
    "figure_slopes": ("Simple slopes: {outcome} predicted by {focal} at {moderator} = mean − 1 SD, "
                      "mean and mean + 1 SD.",
                      "简单斜率：{moderator} 取均值 − 1 个标准差、均值与均值 + 1 个标准差时，"
                      "{focal} 对 {outcome} 的预测。"),
    "gh_nodes": ("integrated over {nodes} Gauss-Hermite nodes",
                 "以 {nodes} 个 Gauss-Hermite 积分点数值积分"),
    "qml_no_nodes": ("no numerical integration", "无需数值积分"),
    "report_stats_interaction": (
        "logL = {logl}, AIC = {aic}, BIC = {bic}; likelihood-ratio test of the interaction "
        "χ²({df}) = {chisq}, {p}",
        "logL = {logl}，AIC = {aic}，BIC = {bic}；交互作用的似然比检验 χ²({df}) = {chisq}，{p}"),
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
    "missing_pairwise": ("pairwise", "成对删除（pairwise）"),
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
    # reviewer checks (relqual.checktables)
    "title_common_method": ("Common method variance", "共同方法偏差检验"),
    "title_compare": ("Competing models", "竞争模型比较"),
    "title_compare_tests": ("Competing models: tests of each pair", "竞争模型比较：两两检验"),
    "title_nonresponse": ("Non-response bias", "未回应偏差检验"),
    "title_nonresponse_waves": ("Non-response bias: {early} against {late} respondents",
                                "未回应偏差检验：{early}与{late}受访者的比较"),
    "title_common_method_pls": ("Common method variance (PLS)", "共同方法偏差检验（PLS）"),
    "title_nonresponse_demo": ("Non-response bias: demographics of early and late respondents",
                               "未回应偏差：早期与晚期受访者的人口统计特征"),
    "col_check": ("Check", "检验"),
    "col_statistic": ("Statistic", "统计量"),
    "col_model": ("Model", "模型"),
    "col_models": ("Models", "模型"),
    "col_relation": ("Relation", "关系"),
    "col_test": ("Test", "检验方法"),
    "col_variable": ("Variable", "变量"),
    "col_m_sd": ("{wave} M (SD)", "{wave} M（SD）"),
    "section_constructs": ("Constructs (scale means)", "构念（量表均值）"),
    "section_items": ("Items", "题项"),
    "vs": ("{a} vs {b}", "{a} 与 {b}"),
    "note_common_method": (
        "Share of variance: first unrotated factor (Harman's test); \u0394\u03c7\u00b2: "
        "chi-square difference test (lavaan's lavTestLRT; scaled for MLR); ULMC: "
        "unmeasured latent method construct (orthogonal to the traits, variance 1); "
        "|delta beta|: change of a standardized structural path when the method factor is "
        "added; r_M: the marker's smallest correlation with a construct.",
        "方差比例：未旋转的第一个因子所解释的方差（Harman 单因子检验）；Δχ²：χ² 差异检验"
        "（lavaan 的 lavTestLRT；MLR 估计时为校正检验）；ULMC：未测量的潜在方法因子"
        "（与特质因子正交，方差为 1）；|Δβ|：加入方法因子后标准化结构路径系数的变化；"
        "r_M：标记变量与各构念的最小相关系数。"),
    "note_compare": ("All models fitted to the same rows (N = {n}); lower AIC and BIC are "
                     "better.", "所有模型均以相同的数据行估计（N = {n}）；AIC 与 BIC 越小越好。"),
    "note_compare_robust": (" Robust CFI, TLI and RMSEA for MLR.",
                            "MLR 估计：CFI、TLI 与 RMSEA 为稳健版本。"),
    "note_compare_tests": (
        "Nesting as Bentler & Satorra (2010): a model is nested in another when that one "
        "reproduces its implied moments. Nested pairs: chi-square difference test; non-nested "
        "pairs: Vuong's tests (distinguishability test, then the likelihood-ratio z with its "
        "one-sided p).",
        "嵌套关系依 Bentler & Satorra（2010）判定：若一个模型能再现另一个模型的隐含矩，"
        "则后者嵌套于前者。嵌套模型：χ² 差异检验；非嵌套模型：Vuong 检验"
        "（先做可区分性检验，再做似然比 z 检验，给出单侧 p 值）。"),
    "note_nonresponse": (
        "Welch t-tests ({sizes}); d = Cohen's d with the pooled SD (late minus early; |d| < .20 "
        "negligible).",
        "Welch t 检验（{sizes}）；d = 以合并标准差计算的 Cohen's d（晚期减早期；"
        "|d| < .20 可忽略）。"),
    "note_nonresponse_demo": ("Pearson chi-square tests of wave by category (no continuity "
                              "correction).",
                              "回应批次与类别的 Pearson χ² 检验（未做连续性校正）。"),
    "check_notes": ("Notes: {notes}.", "说明（英文原文）：{notes}。"),
    "check_sources": ("Sources: {sources}.", "文献：{sources}。"),
    "check_verdict": ("{verdict}", "结论（英文原文）：{verdict}"),
    "row_verdicts": ("", "各行结论（英文原文）：{verdicts}。"),
    "v_concern": ("Concern", "需要关注"),
    "v_no_concern": ("No concern", "未发现问题"),
    "v_not_tested": ("Not tested", "未检验"),
    "v_differ": ("Fit differs (p < {alpha})", "拟合差异显著（p < {alpha}）"),
    "v_same": ("No fit difference", "拟合差异不显著"),
    "v_better": ("{model} fits better", "{model} 更优"),
    "v_indistinct": ("Not distinguishable", "无法区分"),
    "msg_original": ("{text}", "程序的英文提示（未翻译，保留原文）：（{text}）"),
    "user_model": ("user model", "自定义模型"),
    "model_overview": ("The model has {n_lv} constructs ({constructs}) and {n_h} hypotheses.",
                       "模型包含 {n_lv} 个构念（{constructs}）与 {n_h} 条研究假设。"),
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
    if lang_of(lang) == "zh" and isinstance(values.get("why"), str):   # a reason: a message
        values = {**values, "why": _known(values["why"]) or values["why"]}
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


# ----------------------------------------------------------------------------- sentences
# relqual's own sentences that reach a report or the web app (data notes, check_data problems,
# measurement verdicts, fit warnings), as written in English (a regular expression whose named
# groups are the values) and in Chinese (the values filled in, each through TERMS).
# translate_message() finds the sentence; one it does not know (an optimizer's or a reader's
# own message) gets a Chinese lead sentence with the English original in parentheses.
MESSAGES: list[tuple[str, str]] = [
    # data preparation (relqual.data)
    (r"(?P<n>\d+) of (?P<total>\d+) rows dropped because of missing values \(listwise "
     r"deletion\); missing per column: (?P<detail>.*)",
     "{total} 行数据中有 {n} 行因存在缺失值被删除（列删除法）；各列缺失数：{detail}"),
    (r"(?P<n>\d+) of (?P<total>\d+) rows dropped because of no observed value in any model "
     r"variable \(or no group\); missing per column: (?P<detail>.*)",
     "{total} 行数据中有 {n} 行因在所有模型变量上均无观测值（或缺少组别）被删除；"
     "各列缺失数：{detail}"),
    (r"full-information ML: (?P<n>\d+) rows used, (?P<k>\d+) of them incomplete, "
     r"(?P<patterns>\d+) missing-data patterns, (?P<share>[\d.]+%) of their cells missing",
     "全信息最大似然（FIML）：使用 {n} 行，其中 {k} 行不完整，共 {patterns} 种缺失模式，"
     "这些行中 {share} 的单元格缺失"),
    (r"pairwise deletion: (?P<n>\d+) rows used, (?P<k>\d+) of them incomplete, "
     r"(?P<patterns>\d+) missing-data patterns, (?P<share>[\d.]+%) of their cells missing",
     "成对删除：使用 {n} 行，其中 {k} 行不完整，共 {patterns} 种缺失模式，"
     "这些行中 {share} 的单元格缺失"),
    # fit (relqual.estimation, relqual.resample)
    (r"the optimizer did not converge \((?P<message>.*)\): estimates are not trustworthy",
     "优化算法未收敛（{message}）：估计值不可信"),
    (r"the optimizer reported convergence \((?P<message>.*)\), but the largest gradient element "
     r"at its estimates is (?P<g>\S+): estimates may be imprecise",
     "优化算法报告已收敛（{message}），但估计值处的最大梯度分量为 {g}：估计值可能不精确"),
    (r"the information matrix is singular, (?P<cause>.+?); standard errors and robust tests are "
     r"not available(?:\. Parameters involved: (?P<involved>.+))?",
     "信息矩阵奇异，{cause}；无法给出标准误与稳健检验{involved}"),
    (r"improper solution: negative (?P<kind>latent|residual) variance of '(?P<name>[^']+)' "
     r"\((?P<value>[^)]+)\), a Heywood case",
     "不当解：“{name}”的{kind}方差为负（{value}），即 Heywood 案例"),
    (r"improper solution: the covariance matrix of the latent variables is not positive "
     r"definite(?P<where>.*?) \(involving (?P<names>.+)\)",
     "不当解：潜变量的协方差矩阵非正定{where}（涉及 {names}）"),
    (r"improper solution: implied correlation between '(?P<a>[^']+)' and '(?P<b>[^']+)' is "
     r"(?P<r>\S+?)(?P<where>(?: in group .+)?)",
     "不当解：“{a}”与“{b}”的隐含相关系数为 {r}{where}"),
    (r"(?P<n>\d+) of (?P<total>\d+) bootstrap resamples failed or did not converge; they are "
     r"left out of the bootstrap standard errors and intervals",
     "{total} 次 Bootstrap 重抽样中有 {n} 次失败或未收敛，已从 Bootstrap 标准误与置信区间中剔除"),
    # the report's own (relqual.report), around another message
    (r"data check failed: (?P<error>.+)", "数据检查未能完成：{error}"),
    (r"measurement report not available: (?P<error>.+)", "无法给出测量质量评价：{error}"),
    (r"(?:NotImplementedError: )?(?P<feature>.+) (?:is|are) available for complete-data fits "
     r"\(missing='listwise'\) only; missing='fiml' is not supported yet",
     "{feature}目前只适用于完整数据的估计（missing='listwise'），尚不支持 missing='fiml'"),
    (r"(?:NotImplementedError: )?(?P<feature>.+) is not available for estimator='(?P<est>[^']+)' "
     r"fits yet", "{est} 估计尚不支持{feature}"),
    # measurement verdicts (relqual.measurement)
    (r"(?P<what>.+) is supported \(met by all (?P<n>\d+) (?P<noun>factor|pair|item)s\): "
     r"(?P<rule>.+)\.",
     "{what}达标（全部 {n} {noun}均满足）：{rule}。"),
    (r"(?P<what>.+) is supported \(met by the 1 (?P<noun>factor|pair|item)\): (?P<rule>.+)\.",
     "{what}达标（唯一的 1 {noun}满足）：{rule}。"),
    (r"(?P<what>.+) is NOT supported for (?P<failing>.+?): (?P<rule>.+)\.",
     "{what}未达标：{failing}；标准：{rule}。"),
    (r"(?P<what>.+) was not assessed \((?P<rule>.+)\): undefined here, see the notes\.",
     "{what}未评估（{rule}）：此处无法计算，见说明。"),
    (r"Item (?P<item>\S+) of (?P<factor>\S+) has an improper solution \((?P<note>.+)\): "
     r"reliability and validity of (?P=factor) are not judged until the model is fixed\.",
     "构念 {factor} 的题项 {item} 出现不当解（{note}）："
     "模型修正之前不评价 {factor} 的信度与效度。"),
    (r"(?P<factor>\S+) has an improper solution \(see notes\): its reliability and validity are "
     r"not judged\.",
     "{factor} 出现不当解（见说明）：不评价其信度与效度。"),
    # model syntax (relqual.syntax), each with the line it quotes
    (r"empty term around '(?P<joiner>[^']+)'(?P<quote>\n  .*)?", "“{joiner}”两侧缺少项{quote}"),
    (r"nothing on the (?P<side>left|right) of '(?P<op>[^']+)'(?P<quote>\n  .*)?",
     "“{op}”的{side}边没有内容{quote}"),
    (r"this line has no operator \(=~, ~, ~~, :=, \.\.\.\)(?P<quote>\n  .*)?",
     "这一行没有运算符（=~、~、~~、:= 等）{quote}"),
    (r"a new formula starts here, but the formula on line (?P<line>\d+) is unfinished \(it ends "
     r"with '\+' or '\*'\)(?P<quote>\n  .*)?",
     "这里开始了新的公式，但第 {line} 行的公式还没有写完（以“+”或“*”结尾）{quote}"),
    (r"unbalanced '(?P<paren>[()])'(?P<quote>\n  .*)?", "括号“{paren}”不配对{quote}"),
    (r"not a valid variable name(?P<quote>\n  .*)?", "不是有效的变量名{quote}"),
    (r"not a valid interaction term \(write names joined by ':', e\.g\. sat:comp\)"
     r"(?P<quote>\n  .*)?", "不是有效的交互项（用“:”连接变量名，如 sat:comp）{quote}"),
    (r"the model syntax contains no formulas", "模型语法中没有任何公式"),
    # reading a survey file (relqual.survey): notes
    (r"likert=\((?P<lo>[^,]+), (?P<hi>[^)]+)\) without items=: the range was applied to the "
     r"(?P<n>\d+) column\(s\) whose values are mostly whole numbers from (?P=lo) to (?P=hi) "
     r"\((?P<names>[^)]*)\)(?P<skipped>, not to .+?)?(?P<recoded>; \d+ answer\(s\) outside .+?)?"
     r"\. Pass items= to choose the columns yourself\.",
     "likert=({lo}, {hi}) 未指定 items=：量表范围用于取值大多为 {lo} 到 {hi} 之间整数的 {n} 列"
     "（{names}）{skipped}{recoded}。如需自行选择列，请传入 items=。"),
    (r"'(?P<file>[^']+)' is read with the (?P<sep>comma|semicolon|tab|vertical bar) as the "
     r"delimiter, which its lines use \(not the (?P<default>.+) its extension implies\)",
     "“{file}”按各行实际使用的{sep}作为分隔符读取（而不是其扩展名所意味的{default}）"),
    (r"'(?P<file>[^']+)': the header row is line (?P<line>\d+); the (?P<k>\d+) line\(s\) above "
     r"it \((?P<shown>.*)\) are not data and were skipped",
     "“{file}”：表头在第 {line} 行；其上方的 {k} 行（{shown}）不是数据，已跳过"),
    (r"'(?P<file>[^']+)' uses the decimal comma \(3,5 = 3\.5\), as European Excel writes it; "
     r"numbers were read that way",
     "“{file}”使用小数逗号（3,5 = 3.5，欧洲版 Excel 的写法）；数值已按此读取"),
    (r"'(?P<file>[^']+)' has (?P<n>\d+) sheets \((?P<names>.*)\); the first, '(?P<first>[^']*)', "
     r"was read \(pass sheet= for another\)",
     "“{file}”有 {n} 个工作表（{names}）；已读取第一个工作表“{first}”（读取其他工作表请传入 "
     "sheet=）"),
    (r"'(?P<file>[^']+)': the header is on row (?P<row>\d+) of sheet '(?P<sheet>[^']*)'; the "
     r"row\(s\) above it \((?P<above>.*)\) are not data and were skipped",
     "“{file}”：表头在工作表“{sheet}”的第 {row} 行；其上方的行（{above}）不是数据，已跳过"),
    (r"'(?P<file>[^']+)': column names repeat in the header: (?P<shown>.+); rename them so each "
     r"column has its own name",
     "“{file}”：表头中有重复的列名：{shown}；请改名，使每列都有自己的名称"),
    (r"'(?P<file>[^']+)': the first (?P<k>\d+) row\(s\) under the header are not answers but "
     r"question texts \(e\.g\. (?P<example>.+) in column '(?P<column>[^']+)'\), as Qualtrics "
     r"exports write them; they were dropped and the texts kept as variable_labels",
     "“{file}”：表头下的前 {k} 行不是答案而是题目文字（如列“{column}”中的 {example}），"
     "Qualtrics 导出的文件即如此；这些行已删除，题目文字保存在 variable_labels 中"),
    (r"missing_codes=(?P<codes>.+?) were not applied to identifier-like column\(s\) "
     r"(?P<parts>.+): an identifier is a respondent's number, not an answer\. To recode one "
     r"anyway, give the codes per column, e\.g\. missing_codes=(?P<example>.+)",
     "missing_codes={codes} 未用于类似标识的列 {parts}：标识是受访者的编号，不是答案。"
     "如仍要重新编码，请按列给出缺失值代码，例如 missing_codes={example}"),
    (r"'(?P<file>[^']+)' was read as (?P<enc>\S+), as asked, but its bytes look like Chinese "
     r"text in GB18030/GBK: with encoding='gb18030' the Chinese column names and answers read "
     r"right instead of as symbols",
     "“{file}”已按要求以 {enc} 读取，但其字节看起来是 GB18030/GBK 编码的中文：使用 "
     "encoding='gb18030' 时中文列名和答案才能正确显示，而不是乱码"),
    # reading a survey file (relqual.survey): errors
    (r"cannot read '(?P<file>[^']+)': unsupported data format '(?P<suffix>[^']*)'; supported "
     r"formats: (?P<formats>.+)",
     "无法读取“{file}”：不支持的数据格式“{suffix}”；支持的格式：{formats}"),
    (r"cannot read '(?P<file>[^']+)' as (?P<fmt>\S+) \((?P<error>.+)\); supported formats: "
     r"(?P<formats>.+)",
     "无法按 {fmt} 格式读取“{file}”（{error}）；支持的格式：{formats}"),
    (r"cannot read '(?P<file>[^']+)': its first row holds numbers \((?P<shown>.*)\), not column "
     r"names: the file seems to have no header row\. Add a row of names, or pass header=None to "
     r"number the columns 0, 1, 2, \.\.\.",
     "无法读取“{file}”：第一行是数字（{shown}）而不是列名，文件似乎没有表头行。请添加一行列名，"
     "或传入 header=None 将各列编号为 0, 1, 2, ..."),
    (r"cannot read '(?P<file>[^']+)': its data lines have (?P<k>\d+) field\(s\) more than its "
     r"header row has names \((?P<n>\d+)\), so the columns would be shifted; add the missing "
     r"names to the header row",
     "无法读取“{file}”：数据行比表头行的 {n} 个列名多 {k} 个字段，各列会错位；"
     "请在表头行补上缺少的列名"),
    (r"'(?P<file>[^']+)': (?P<n>\d+) answer\(s\) outside the Likert range in (?P<k>\d+) "
     r"column\(s\) \(rows are index labels, 0 = first data row\):\n(?P<cells>.*?)"
     r"(?:\n\((?P<inferred>.+)\))?\nDeclare these values with missing_codes=, pass "
     r"on_out_of_range='missing' to recode them to NaN, or limit the check with items=\.",
     "“{file}”：{k} 列中有 {n} 个答案超出李克特量表范围（行号为索引标签，0 = 第一行数据）：\n"
     "{cells}{inferred}\n请用 missing_codes= 声明这些值，或传入 on_out_of_range='missing' "
     "将其设为缺失值，或用 items= 限定检查的列。"),
    (r"reverse: column '(?P<name>[^']+)' is not numeric; declare its text answers with "
     r"missing_codes= or recode them first",
     "reverse：列“{name}”不是数值；请先用 missing_codes= 声明其文字答案，或重新编码"),
    (r"reverse: no Likert range for '(?P<name>[^']+)'; include it in likert= or items=",
     "reverse：列“{name}”没有李克特量表范围；请把它列入 likert= 或 items="),
    (r"(?P<arg>reverse|items|missing_codes): '(?P<name>[^']+)' is not a column of the data"
     r"(?:; did you mean (?P<guess>.+)\?)?",
     "{arg}：“{name}”不是数据中的列{guess}"),
    # preparing the data for a fit (relqual.data)
    (r"variable '(?P<name>[^']+)'(?: \(model line (?P<model_line>\d+)\))? is not a column of "
     r"the data(?:; did you mean (?P<guess>.+)\?)? \(columns: (?P<columns>.*)\)",
     "变量“{name}”{model_line}不是数据中的列{guess}（数据的列：{columns}）"),
    (r"group column '(?P<name>[^']+)' is not a column of the data(?:; did you mean "
     r"(?P<guess>.+)\?)? \(columns: (?P<columns>.*)\)",
     "分组列“{name}”不是数据中的列{guess}（数据的列：{columns}）"),
    (r"column '(?P<name>[^']+)' is not numeric: row (?P<row>.+?) holds (?P<example>.+) "
     r"\((?P<n>\d+) non-numeric value\(s\)\); recode it as numbers or declare missing codes when "
     r"reading the file",
     "列“{name}”不是数值：第 {row} 行为 {example}（共 {n} 个非数值）；请重新编码为数值，"
     "或在读取文件时声明缺失值代码"),
    # survey data check (relqual.datacheck)
    (r"Column '(?P<name>[^']+)' is needed(?: by the model)? but is not in the data; did you mean "
     r"(?P<close>.+)\?",
     "所需的列“{name}”不在数据中；是否指 {close}？"),
    (r"(?P<n>\d+) column\(s\) needed(?: by the model)? are not in the data \(and no column has a "
     r"similar name\): (?P<names>.+)\.",
     "所需的 {n} 列不在数据中（也没有名称相近的列）：{names}。"),
    (r"Column '(?P<name>[^']+)' appears (?P<k>\d+) times in the data; rename the copies\.",
     "列“{name}”在数据中出现了 {k} 次；请为重复的列改名。"),
    (r"Column '(?P<name>[^']+)' is boolean \(True/False\); recode it as 0/1 numbers\.",
     "列“{name}”是布尔值（True/False）；请重新编码为 0/1 数值。"),
    (r"Column '(?P<name>[^']+)' holds text, not numbers: all (?P<n>\d+) answer\(s\) are text "
     r"\(e\.g\. (?P<examples>.+)\); recode the answer labels as numbers \(e\.g\. 1-5\), and "
     r"declare any non-answers with read_survey\(\.\.\., missing_codes=\.\.\.\)\.",
     "列“{name}”是文字而不是数值：全部 {n} 个答案都是文字（如 {examples}）；请把答案标签"
     "编码为数值（如 1–5），并用 read_survey(..., missing_codes=...) 声明非有效答案。"),
    (r"Column '(?P<name>[^']+)' has (?P<n>\d+) answer\(s\) that are text, not numbers \(e\.g\. "
     r"(?P<examples>.+)\); recode them, or declare them with read_survey\(\.\.\., "
     r"missing_codes=\.\.\.\)\. Until then they count as missing\.",
     "列“{name}”有 {n} 个答案是文字而不是数值（如 {examples}）；请重新编码，或用 "
     "read_survey(..., missing_codes=...) 声明。在此之前它们按缺失值处理。"),
    (r"(?P<n>\d+) answer\(s\) in (?P<rows>\d+) row\(s\) are outside the Likert range \(columns "
     r"(?P<columns>.+); rows (?P<which>.+)\); see \.out_of_range\.",
     "{rows} 行中有 {n} 个答案超出李克特量表范围（列：{columns}；行：{which}）；"
     "详见 .out_of_range。"),
    (r"(?P<n>\d+) respondent\(s\) gave the same answer to every item they answered "
     r"\((?P<k>\d+) or more items; straight-lining\): rows (?P<rows>.+); see \.straight_liners\.",
     "{n} 位受访者对其作答的所有题项（{k} 个或以上）给出相同答案（直线作答）：行 {rows}；"
     "详见 .straight_liners。"),
    (r"(?P<n>\d+) row\(s\) have no answer on any item: rows (?P<rows>.+)\.",
     "{n} 行在所有题项上都没有答案：行 {rows}。"),
    (r"(?P<n>\d+) row\(s\) have no numeric answer on any item, only text \(see the text columns "
     r"above\): rows (?P<rows>.+)\.",
     "{n} 行在所有题项上都没有数值答案，只有文字（见上文的文字列）：行 {rows}。"),
    (r"Column '(?P<name>[^']+)' has no answers at all \(every value is missing\)\.",
     "列“{name}”完全没有答案（所有值均缺失）。"),
    (r"Column '(?P<name>[^']+)' has no variance: every numeric answer is (?P<value>\S+?)"
     r"(?: \(the other (?P<text>\d+) are text\))?; it cannot be used in the model\.",
     "列“{name}”没有变异：所有数值答案都是 {value}{text}；无法用于模型。"),
    (r"Column '(?P<name>[^']+)' is (?P<why>missing|missing \((?P<m>[\d.]+%)\) or text "
     r"\((?P<t>\d+) answers\)) for (?P<share>[\d.]+%) of the rows; listwise deletion would drop "
     r"them all \(consider missing='fiml'\)\.",
     "列“{name}”在 {share} 的行中{why}；列删除法会删除所有这些行（可考虑 missing='fiml'）。"),
    (r"Strongly non-normal item\(s\) \(\|skew\| > (?P<skew>\S+) or kurtosis > (?P<kurt>\S+); "
     r"(?P<source>[^)]+)\): (?P<names>.+); consider estimator='MLR', or ordered items with "
     r"estimator='WLSMV'\.",
     "严重偏离正态的题项（|偏度| > {skew} 或峰度 > {kurt}；{source}）：{names}；"
     "可考虑 estimator='MLR'，或把题项作为有序分类变量并使用 estimator='WLSMV'。"),
]

# words in the values of MESSAGES' groups: per group name, a value's full English form and its
# Chinese; then PHRASES, replaced inside every value (names and numbers are kept as they are)
TERMS: dict[str, list[tuple[str, str]]] = {
    "kind": [("latent", "潜变量"), ("residual", "残差")],
    "noun": [("factor", "个构念"), ("pair", "对构念"), ("item", "个题项")],
    "what": [("Internal consistency", "内部一致性信度"), ("Composite reliability", "组合信度"),
             ("Convergent validity", "聚合效度"), ("Indicator reliability", "指标信度"),
             ("Discriminant validity (Fornell-Larcker)", "区分效度（Fornell–Larcker 准则）"),
             ("Discriminant validity (HTMT .85)", "区分效度（HTMT .85）"),
             ("Discriminant validity (HTMT .90)", "区分效度（HTMT .90）")],
    "cause": [("so the model is probably not identified", "模型很可能无法识别"),
              ("probably because the observed variances differ by more than a factor 1000 (see "
               "above; rescale the variables), or the model is not identified",
               "可能因为观测变量的方差相差超过 1000 倍（请对变量重新标度），或模型无法识别")],
    "why": [("missing", "缺失")],
    "side": [("left", "左"), ("right", "右")],
    "sep": [("comma", "逗号"), ("semicolon", "分号"), ("tab", "制表符"),
            ("vertical bar", "竖线")],
    "default": [("comma", "逗号"), ("semicolon", "分号"), ("tab", "制表符"),
                ("vertical bar", "竖线")],
    "check": [("Harman: principal components", "Harman 单因子检验：主成分分析"),
              ("Harman: one-factor factor analysis", "Harman 单因子检验：单因子因子分析"),
              ("One-factor CFA vs measurement model", "单因子 CFA 与测量模型比较"),
              ("ULMC, equal loadings vs CFA", "ULMC（等载荷）与 CFA 比较"),
              ("ULMC, free loadings vs CFA", "ULMC（自由载荷）与 CFA 比较"),
              ("ULMC: change in structural paths", "ULMC：结构路径系数的变化"),
              ("CFA marker: Method-C vs Baseline", "CFA 标记变量法：Method-C 与 Baseline 比较"),
              ("CFA marker: Method-U vs Method-C", "CFA 标记变量法：Method-U 与 Method-C 比较"),
              ("CFA marker: Method-R vs Method-U", "CFA 标记变量法：Method-R 与 Method-U 比较"),
              ("CFA marker: Method-R vs Method-C", "CFA 标记变量法：Method-R 与 Method-C 比较"),
              ("Correlational marker (Lindell & Whitney)", "相关标记变量法（Lindell & Whitney）"),
              ("Full-collinearity VIF (largest)", "完全共线性 VIF（最大值）")],
    "relation": [("nested", "嵌套"), ("non-nested", "非嵌套"), ("equivalent", "等价"),
                 ("undeterminable", "无法判定")],
    "test": [("chi-square difference", "χ² 差异检验"),
             ("scaled chi-square difference (Satorra-Bentler 2001)",
              "校正 χ² 差异检验（Satorra-Bentler 2001）"),
             ("Vuong (Merkle, You & Preacher 2016)", "Vuong 检验（Merkle, You & Preacher 2016）")],
    "feature": [("reliability", "信度"), ("item diagnostics", "题项诊断"),
                ("the Fornell-Larcker criterion", "Fornell–Larcker 准则"), ("HTMT", "HTMT"),
                ("the measurement report", "测量质量报告"),
                ("modification indices (a covariance-based concept)",
                 "修正指数（基于协方差的概念）"),
                ("the Bollen-Stine bootstrap (a covariance-based test)",
                 "Bollen–Stine Bootstrap（基于协方差的检验）")],
}
# a group's value in a Chinese frame (an empty value stays empty)
FRAMES = {"where": "（组 {value}）", "text": "（其余 {value} 个是文字）",
          "involved": "。涉及的参数：{value}", "guess": "；是否指 {value}？",
          "model_line": "（模型第 {value} 行）", "inferred": "\n（{value}）"}
# groups whose value is a message of its own: translated when known, else kept as it is
NESTED = ("error", "inferred")
# groups whose value is quoted code (a model line): kept exactly
VERBATIM = ("quote", "paren", "joiner", "op")
PHRASES: list[tuple[str, str]] = [
    (r"^missing \((?P<m>[\d.]+%)\) or text \((?P<t>\d+) answers\)$",
     r"缺失（\g<m>）或为文字（\g<t> 个答案）"),
    (r"^ in group (?P<g>.+)$", r"\g<g>"),
    (r"(?m) and (?P<k>\d+) more$", r" 等（另有 \g<k> 个）"),
    (r"^, not to ", "，未用于 "),
    (r"^; (?P<n>\d+) answer\(s\) outside (?P<r>\S+) set to NaN in ",
     r"；\g<r> 之外的 \g<n> 个答案设为缺失值："),
    (r"\bidentifier: ", "标识列："), (r"named like an identifier", "名称像标识"),
    (r"all (?P<n>\d+) values are different whole numbers", r"\g<n> 个值均为互不相同的整数"),
    (r"\bnot numbers\b", "不是数值"), (r"\bno values\b", "没有取值"),
    (r"values mostly outside (?P<r>\S+)", r"取值大多在 \g<r> 之外"),
    (r"(?P<n>\d+) cell\(s\) hold a code", r"\g<n> 个单元格为缺失值代码"),
    (r"copies read as ", "副本读作 "),
    (r"(?m)^  column '(?P<c>[^']+)' \(scale (?P<s>[^)]+)\): ", r"  列“\g<c>”（量表 \g<s>）："),
    (r"\brow (?P<r>\d+): ", r"第 \g<r> 行："),
    (r"(?P<a>\S+) on (?P<b>\S+) \(", r"\g<a>（\g<b>）("),
    (r" or ", " 或 "),
    (r" \(group\)", "（组别）"),
    (r"Cronbach's alpha", "Cronbach's α"), (r"composite reliability \(omega\)", "组合信度（ω）"),
    (r"standardized loading", "标准化载荷"), (r", ideally ", "，理想情况下 "),
    (r"sqrt\(AVE\) > \|latent correlation\| for every pair",
     "每对构念的 √AVE > |潜变量相关系数|"),
    (r"; conservative", "；较严格的标准"),
    (r"; for conceptually similar constructs", "；适用于概念相近的构念"),
    (r"^improper: ", "不当解："), (r"residual variance", "残差方差"),
    (r"Heywood case", "Heywood 案例"),
    (r">=", "≥"), (r"<=", "≤"), (r"; ", "；"),
    (r" ?\(([^()]*)\)", r"（\1）"),
]


def term(kind: str, value: str, lang: str = "en") -> str:
    """A word relqual writes into a table cell (a check's name, a relation, a test) in
    ``lang``; one :data:`TERMS` does not list stays as it is.

    Examples
    --------
    >>> term("relation", "non-nested", "zh"), term("relation", "non-nested", "en")
    ('非嵌套', 'non-nested')
    >>> term("relation", "Model 1 within Model 2", "zh")
    'Model 1 嵌套于 Model 2'
    """
    import re
    if lang_of(lang) != "zh":
        return value
    if kind == "relation":
        value = re.sub(r"^(.+) within (.+)$", r"\1 嵌套于 \2", value)
    return dict(TERMS.get(kind, ())).get(value, value)


def _value_zh(name: str, value: str | None) -> str:
    """One value of a message in Chinese: its term, or its phrases replaced, in its frame (an
    ``error`` is a message of its own: translated when known, else kept as it is)."""
    import re
    if not value or name in VERBATIM:
        return value or ""
    if name in NESTED:
        value = _known(value) or value
        frame = FRAMES.get(name)
        return frame.format(value=value) if frame else value
    value = dict(TERMS.get(name, ())).get(value, value)
    for pattern, zh in PHRASES:
        value = re.sub(pattern, zh, value)
    frame = FRAMES.get(name)
    return frame.format(value=value) if frame else value


def translate_message(text: str, lang: str = "en") -> str:
    """One of relqual's sentences (a data note, a check_data problem, a measurement verdict, a
    fit warning) in ``lang``.

    English is returned as it is. In Chinese, a sentence of :data:`MESSAGES` is translated with
    its values (names, numbers) kept; any other text (an optimizer's or a file reader's own
    message) gets the Chinese lead sentence ``msg_original`` and keeps its original in
    parentheses.

    Parameters
    ----------
    text : str
        The English sentence.
    lang : str
        "en" or "zh".

    Returns
    -------
    str

    Examples
    --------
    >>> translate_message("63 of 600 rows dropped because of missing values (listwise "
    ...                   "deletion); missing per column: sat1: 8, tr2: 9", "zh")
    '600 行数据中有 63 行因存在缺失值被删除（列删除法）；各列缺失数：sat1: 8, tr2: 9'
    >>> translate_message("Convergent validity is NOT supported for CF (0.474): AVE >= .50 "
    ...                   "(Fornell & Larcker 1981).", "zh")
    '聚合效度未达标：CF（0.474）；标准：AVE ≥ .50（Fornell & Larcker 1981）。'
    >>> translate_message("lbfgs: ABNORMAL_TERMINATION_IN_LNSRCH", "zh")
    '程序的英文提示（未翻译，保留原文）：（lbfgs: ABNORMAL_TERMINATION_IN_LNSRCH）'
    """
    if lang_of(lang) != "zh":
        return text
    return _known(text) or t("msg_original", "zh", text=text)


def _known(text: str) -> str | None:
    """A sentence of :data:`MESSAGES` in Chinese, or None."""
    import re
    for pattern, zh in MESSAGES:
        match = re.fullmatch(pattern, text, re.S)
        if match:
            return zh.format(**{k: _value_zh(k, v) for k, v in match.groupdict().items()})
    return None
