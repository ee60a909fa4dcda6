"""Every text the web app shows, in English and Chinese: one message catalog.

Terms the reports use too (table headers, verdicts, "Model fit") are not repeated here:
:data:`SHARED` names them in :mod:`relqual.i18n`'s catalog, so app and report say the same.
The Chinese terms follow the project's glossary (``shared/GLOSSARY.md``: 顾客关系质量, 顾客满意感,
信任感, 情感性归属, 持续性归属, 商业友谊, ...) and the usual wording of Chinese SEM textbooks
(构念, 题项, 拟合指标, 路径系数, 组合信度, 平均方差抽取量). Construct names come from the
construct catalog (:func:`relqual.models.construct_label`), not from here.

Examples
--------
>>> from relqual.app.i18n import t
>>> t("tab_data", "en"), t("tab_data", "zh")
('1 Data', '1 数据')
>>> t("n_rows", "zh", n=600, k=22)
'600 行，22 列'
"""
from __future__ import annotations

from relqual.i18n import t as shared_t

LANGS = ("en", "zh")

# key: (English, 中文). Keys used as data-i18n labels in the layout are switched in the browser
# when the language changes; the others are read by the server when it renders.
STRINGS: dict[str, tuple[str, str]] = {
    # page and navigation
    "app_title": ("relqual: relationship-quality SEM", "relqual：顾客关系质量结构方程模型"),
    "tab_data": ("1 Data", "1 数据"),
    "tab_model": ("2 Model", "2 模型"),
    "tab_estimate": ("3 Estimate and results", "3 估计与结果"),
    "tab_simulate": ("Simulate (instructors)", "模拟教学（教师）"),
    "language": ("Language", "语言"),
    # data page
    "data_source": ("Data source", "数据来源"),
    "src_bundled": ("Bundled dataset", "内置数据集"),
    "src_upload": ("Upload a file", "上传文件"),
    "dataset": ("Dataset", "数据集"),
    "upload": ("Survey file (CSV, Excel, SPSS, Stata, Parquet)",
               "问卷数据文件（CSV、Excel、SPSS、Stata、Parquet）"),
    "upload_limit": ("At most {mb:g} MB. The file goes only to the computer running relqual "
                     "app, for this browser session.",
                     "最大 {mb:g} MB。文件只发送到运行 relqual app 的计算机，"
                     "仅用于本次浏览器会话。"),
    "missing_codes": ("Missing-value codes (comma-separated, e.g. -9, 99)",
                      "缺失值编码（用逗号分隔，如 -9, 99）"),
    "use_likert": ("Check the Likert range", "检查李克特量表范围"),
    "likert_lo": ("Lowest answer", "最低分"),
    "likert_hi": ("Highest answer", "最高分"),
    "reverse": ("Reverse-keyed items (comma-separated)", "反向计分题项（用逗号分隔）"),
    "data_check": ("Data check", "数据检查"),
    "data_preview": ("First rows", "前几行数据"),
    "stat_text": ("text", "非数字"),
    "stat_missing_share": ("missing share", "缺失比例"),
    "stat_n_categories": ("categories", "类别数"),
    "no_data": ("No data yet: pick a bundled dataset or upload a survey file.",
                "尚无数据：请选择内置数据集或上传问卷数据文件。"),
    "n_rows": ("{n} rows, {k} columns", "{n} 行，{k} 列"),
    "data_ok": ("No problems found in the model's items.", "模型题项未发现问题。"),
    "data_problems": ("Problems found", "发现的问题"),
    "notes": ("Notes", "说明"),
    "read_error": ("The file could not be read", "无法读取该文件"),
    "upload_refused": ("The file was not uploaded", "文件未上传"),
    "err_too_large": ("The file is {mb:.1f} MB; the limit is {limit:g} MB. Save only the survey "
                      "answers (one row per respondent) and upload that file.",
                      "文件大小为 {mb:.1f} MB，超过 {limit:g} MB 的上限。"
                      "请只保存问卷答案（每位受访者一行）后再上传。"),
    "err_empty": ("The file is empty.", "文件是空的。"),
    "err_format": ("'{name}' is not a survey file this app reads. Use .csv, .tsv, .xlsx, .sav "
                   "(SPSS), .dta (Stata) or .parquet.",
                   "“{name}” 不是本程序能读取的问卷数据文件。"
                   "请使用 .csv、.tsv、.xlsx、.sav（SPSS）、.dta（Stata）或 .parquet 文件。"),
    "err_one_column": ("The file has only one column ('{col}'): it does not look like survey "
                       "data with one column per item. Check the delimiter or the sheet.",
                       "文件只有一列（“{col}”），不像每个题项一列的问卷数据。请检查分隔符或工作表。"),
    "err_no_rows": ("The file has a header but no rows of answers.",
                    "文件只有标题行，没有答案数据。"),
    "err_codes": ("Missing-value codes: '{text}' is not a list of values separated by commas.",
                  "缺失值编码：“{text}” 不是用逗号分隔的数值列表。"),
    "err_likert": ("The Likert range needs the lowest answer below the highest.",
                   "李克特量表范围：最低分必须小于最高分。"),
    "err_dataset": ("There is no bundled dataset '{name}'.", "没有名为“{name}”的内置数据集。"),
    # model page
    "src_library": ("From the model library", "模型库中的模型"),
    "src_syntax": ("Write lavaan syntax", "编写 lavaan 模型语法"),
    "library_model": ("Library model", "模型库"),
    "syntax": ("lavaan model syntax", "lavaan 模型语法"),
    "syntax_ok": ("Syntax OK: {lv} latent variables, {ov} observed items, {paths} paths.",
                  "语法正确：{lv} 个潜变量，{ov} 个观测题项，{paths} 条路径。"),
    "syntax_error": ("Syntax error in line {line}", "第 {line} 行有语法错误"),
    "syntax_error_noline": ("Syntax error", "语法错误"),
    "constructs": ("Constructs and items", "构念与题项"),
    "item_text": ("Wording", "题项内容"),
    "hypotheses": ("Hypotheses", "研究假设"),
    "sign": ("Sign", "方向"),
    "statement": ("Statement", "假设内容"),
    "hyp_diagram": ("Hypothesised model", "假设模型"),
    "mapping": ("Items and data columns", "题项与数据列的对应"),
    "mapping_ok": ("Every item of the model is a column of the data.",
                   "模型的每个题项都能在数据中找到对应的列。"),
    "mapping_help": ("These items are not columns of the data: pick the column that holds each "
                     "(the closest names are suggested).",
                     "以下题项在数据中没有同名的列：请为每个题项选择对应的列（已推荐名称最接近的列）。"),
    "mapping_none": ("(not in the data)", "（数据中没有）"),
    "mapping_twice": ("Column '{col}' is picked for more than one item.",
                      "列“{col}”被指定给了多个题项。"),
    "mapping_missing": ("Pick a column for: {items}.", "请为以下题项选择数据列：{items}。"),
    # estimate page
    "estimator": ("Estimator", "估计方法"),
    "est_ML": ("ML (maximum likelihood)", "ML（最大似然）"),
    "est_MLR": ("MLR (robust ML)", "MLR（稳健最大似然）"),
    "est_MLM": ("MLM (ML, Satorra-Bentler χ²)", "MLM（最大似然，Satorra-Bentler 校正卡方）"),
    "est_MLMV": ("MLMV (ML, scaled-shifted χ²)", "MLMV（最大似然，均值与方差校正卡方）"),
    "est_ULS": ("ULS (unweighted least squares)", "ULS（未加权最小二乘）"),
    "est_DWLS": ("DWLS (diagonally weighted least squares)", "DWLS（对角加权最小二乘）"),
    "est_WLSMV": ("WLSMV (ordinal items)", "WLSMV（有序分类题项）"),
    "est_ULSMV": ("ULSMV (ordinal items, unweighted)", "ULSMV（有序分类题项，未加权）"),
    "est_PLS": ("PLS-SEM", "PLS-SEM（偏最小二乘）"),
    "interaction": ("Interaction method", "交互项估计方法"),
    "int_auto": ("LMS (default; product indicators where LMS does not apply)",
                 "LMS（默认；LMS 不适用时用乘积指标）"),
    "int_lms": ("LMS (latent moderated structural equations)", "LMS（潜调节结构方程）"),
    "int_qml": ("QML (quasi-maximum likelihood)", "QML（准最大似然）"),
    "int_dblcent": ("Product indicators, double-mean-centred", "乘积指标（双重均值中心化）"),
    "int_rca": ("Product indicators, residual-centred", "乘积指标（残差中心化）"),
    "int_uca": ("Product indicators, unconstrained", "乘积指标（无约束法）"),
    "interaction_help": ("The model has an interaction term (x:z).",
                         "模型含有交互项（x:z）。"),
    "err_interaction": ("Interaction method '{method}' is not one of {methods}.",
                        "交互项估计方法“{method}”不在 {methods} 之中。"),
    "err_estimator": ("Estimator '{est}' is not one this app offers.",
                      "本程序不提供估计方法“{est}”。"),
    "err_draws": ("Bootstrap draws: give 0 to {max}.", "Bootstrap 抽样次数：请输入 0 到 {max}。"),
    "err_sim_n": ("Sample size: give 20 to 100000 respondents.",
                  "样本量：请输入 20 到 100000 位受访者。"),
    "miss_listwise": ("Listwise deletion", "列删除（listwise）"),
    "miss_fiml": ("FIML (full-information ML)", "全信息最大似然（FIML）"),
    "miss_pairwise": ("Pairwise (ordinal items: WLSMV, ULSMV)",
                      "成对删除（有序分类题项：WLSMV、ULSMV）"),
    "bootstrap": ("Bootstrap draws (0 = none)", "Bootstrap 抽样次数（0 = 不抽样）"),
    "seed": ("Random seed", "随机种子"),
    "estimate": ("Estimate", "估计模型"),
    "cancel": ("Cancel", "取消"),
    "estimating": ("Estimating...", "正在估计……"),
    "boot_progress": ("Bootstrap: {done} of {total} draws",
                      "Bootstrap：已完成 {done} / {total} 次抽样"),
    "cancelled": ("Estimation cancelled.", "已取消估计。"),
    "not_ready": ("Before estimating", "估计之前"),
    "need_data": ("Load data on page 1.", "请先在第 1 页加载数据。"),
    "need_model": ("Pick or write a model on page 2.", "请先在第 2 页选择或编写模型。"),
    "press_estimate": ("Press Estimate to fit the model.", "点击“估计模型”开始估计。"),
    "fit_error": ("The model could not be estimated", "模型无法估计"),
    "fit_info": ("{model}: {est}, n = {n} of {n_input} rows, {status}, {secs:.1f} s",
                 "{model}：{est}，使用 {n_input} 行中的 {n} 行，{status}，用时 {secs:.1f} 秒"),
    # results
    "res_paths": ("Structural paths and hypotheses", "结构路径与假设检验"),
    "res_interaction": ("Interaction terms: likelihood-ratio test", "交互项：似然比检验"),
    "interaction_note": ("Δχ² = −2 (logL without the terms − logL with them), df = number of terms "
                         "fixed at 0; R² of the outcome with and without them; β = B · SD(x) · "
                         "SD(z) / SD(y).",
                         "Δχ² = −2（去掉交互项的 logL − 含交互项的 logL），"
                         "df = 固定为 0 的交互项个数；"
                         "R² 为含与不含交互项时结果变量的 R²；β = B · SD(x) · SD(z) / SD(y)。"),
    "col_outcome": ("Outcome", "结果变量"),
    "col_term": ("Term", "交互项"),
    "col_method": ("Method", "估计方法"),
    "col_chisq_diff": ("Δχ²", "Δχ²"),
    "col_df": ("df", "df"),
    "col_r2": ("R²", "R²"),
    "col_r2_without": ("R² without", "不含交互项的 R²"),
    "res_reliability": ("Reliability and convergent validity", "信度与聚合效度"),
    "res_tables": ("APA tables", "APA 格式表格"),
    "downloads": ("Downloads", "下载"),
    "dl_html": ("Report (.html)", "报告（.html）"),
    "dl_docx": ("Report (Word .docx)", "报告（Word .docx）"),
    "dl_png": ("Diagram (.png)", "路径图（.png）"),
    "dl_code": ("Python code", "Python 代码"),
    "col_beta": ("β", "β（标准化系数）"),
    "col_b": ("B", "B（非标准化系数）"),
    "col_p": ("p", "p 值"),
    "col_ci": ("95% CI (β)", "β 的 95% 置信区间"),
    "col_alpha": ("Cronbach's α", "Cronbach's α 系数"),
    "col_omega": ("ω (CR)", "ω（组合信度）"),
    "col_rho_a": ("ρA", "ρA"),
    "col_rho_c": ("ρC (CR)", "ρC（组合信度）"),
    "col_ave": ("AVE", "平均方差抽取量（AVE）"),
    "col_n_items": ("Items", "题项数"),
    "acceptable": ("Acceptable", "可接受"),
    "not_supported": ("not supported (p ≥ .05)", "不支持（p ≥ .05）"),
    "no_test": ("no test (no SE; use bootstrap)", "无法检验（无标准误，请使用 Bootstrap）"),
    "no_hypothesis": ("(no hypothesis)", "（无假设）"),
    "not_in_model": ("not in the model", "模型中没有此路径"),
    "rel_note": ("Cut-offs: α and CR ≥ .70, AVE ≥ .50 (Fornell & Larcker, 1981; Hair et al.).",
                 "判断标准：α 与组合信度 ≥ .70，AVE ≥ .50（Fornell & Larcker, 1981；Hair 等）。"),
    "paths_note": ("β: standardized coefficient. Supported = p < .05 with the hypothesised sign.",
                   "β：标准化路径系数。假设成立的条件：p < .05 且方向与假设一致。"),
    # simulate page
    "sim_intro": ("Draw a survey from a library model's population values, fit the model, and "
                  "compare the estimates with the population. Move the sliders to change the "
                  "population paths and the sample size.",
                  "按模型库中模型的总体参数模拟一份问卷数据，再估计模型，比较估计值与总体值。"
                  "拖动滑块可改变总体路径系数和样本量。"),
    "sim_n": ("Sample size n", "样本量 n"),
    "sim_likert": ("Answers", "答案类型"),
    "sim_continuous": ("Continuous", "连续"),
    "sim_likert5": ("5-point Likert", "5 点李克特量表"),
    "sim_likert7": ("7-point Likert", "7 点李克特量表"),
    "sim_paths": ("Population paths (standardized)", "总体路径系数（标准化）"),
    "sim_path": ("{rhs} ({rhs_id}) → {lhs} ({lhs_id})", "{rhs}（{rhs_id}）→ {lhs}（{lhs_id}）"),
    "sim_run": ("Simulate and fit", "模拟并估计"),
    "sim_press": ("Press 'Simulate and fit'.", "请点击“模拟并估计”。"),
    "sim_result": ("Estimates against the population", "估计值与总体值的比较"),
    "sim_info": ("n = {n}, seed {seed}: χ²({df}) = {chisq:.2f}, CFI = {cfi:.3f}, "
                 "RMSEA = {rmsea:.3f}",
                 "n = {n}，种子 {seed}：χ²({df}) = {chisq:.2f}，CFI = {cfi:.3f}，"
                 "RMSEA = {rmsea:.3f}"),
    "col_population": ("Population β", "总体 β"),
    "col_estimate": ("Estimated β", "估计 β"),
    "col_significant": ("p < .05", "p < .05"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "sim_error": ("The simulation could not be run", "无法进行模拟"),
    "host_warning": ("relqual app: WARNING: listening on {host}: everyone who can reach this "
                     "computer on the network can open the app and see the data uploaded to it.",
                     "relqual app：警告：正在监听 {host}，"
                     "网络上能访问本机的任何人都可以打开本程序并看到上传的数据。"),
}


# app texts that are the report's too: app key -> key of relqual.i18n's catalog (one translation
# of each term for the app and the reports)
SHARED: dict[str, str] = {
    "user_model": "user_model",
    "item_stats": "title_items",
    "stat_n": "stat_n",
    "stat_missing": "stat_missing",
    "stat_min": "stat_min",
    "stat_max": "stat_max",
    "stat_mean": "stat_mean",
    "stat_sd": "stat_sd",
    "stat_skew": "stat_skew",
    "stat_kurtosis": "stat_kurtosis",
    "model_source": "col_model",
    "sim_model": "col_model",
    "construct": "col_construct",
    "items": "section_items",
    "item": "col_item",
    "hypothesis": "col_hypothesis",
    "path": "col_path",
    "missing": "missing_data",
    "converged": "converged",
    "not_converged": "not_converged",
    "res_fit": "title_fit",
    "res_diagram": "h_diagram",
    "res_warnings": "h_warnings",
    "col_index": "col_index",
    "col_value": "col_value",
    "col_cutoff": "col_cutoff",
    "col_verdict": "col_verdict",
    "col_se": "col_se",
    "good": "good",
    "poor": "poor",
    "lower_better": "lower_better",
    "supported": "supported",
    "opposite": "not_supported_sign",
}


def known(key: str) -> bool:
    """Whether ``key`` is a text of the app (its own or a shared one).

    Examples
    --------
    >>> known("tab_data"), known("res_fit"), known("nothing")
    (True, True, False)
    """
    return key in STRINGS or key in SHARED


def t(key: str, lang: str = "en", **values) -> str:
    """The text ``key`` in ``lang`` ("en" or "zh"), with ``values`` filled in.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS` or :data:`SHARED`.
    lang : str
        "en" or "zh"; any other value gives English.
    **values
        Filled into the text's ``{placeholders}``.

    Returns
    -------
    str

    Examples
    --------
    >>> t("syntax_error", "zh", line=3)
    '第 3 行有语法错误'
    """
    if key not in STRINGS:
        return shared_t(SHARED[key], "zh" if lang == "zh" else "en", **values)
    en, zh = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def catalog(lang: str) -> dict[str, str]:
    """Every text in ``lang``, for switching the page's labels in the browser.

    Examples
    --------
    >>> catalog("zh")["tab_model"]
    '2 模型'
    """
    return {key: t(key, lang) for key in (*STRINGS, *SHARED)}
