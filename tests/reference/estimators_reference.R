# lavaan reference for the continuous estimators other than ML/MLR and their se= / test= options
# (issue 15, item 5): MLM, MLMV, MLMVS, MLF, ULS, GLS, WLS, DWLS, lavaan's defaults and
# explicit se/test combinations (test = "yuan.bentler" with ML and MLM too), on the Holzinger-Swineford CFA and the bundled
# relationship-quality survey model (listwise, as lavaan's default), single group and by group
# (HS by school, the survey by competition, with equal loadings); lavTestLRT() of the
# invariance sequence under MLM (Satorra-Bentler 2001) and MLMV / MLMVS (Satorra 2000), one
# path constrained equal across groups under MLM, MLMV and MLMVS (compare_paths), a nested
# pair of models under each ML-family estimator (rq.compare), and the combinations lavaan
# refuses.
#
# Usage (from the repository root): Rscript tests/reference/estimators_reference.R
# Writes tests/reference/estimators.json:
#   lavaan_version, cases: [{name, data, model, options: {estimator, se, test, group,
#     group.equal, meanstructure, fixed.x}, lavaan_options: {se, test, meanstructure, fixed.x},
#     estimates: {lhs, op, rhs, group, est, se}, fit: {fitMeasures() with '.' names}}],
#   lrt: [{name, data, model, estimator, group, levels, chisq_diff, df_diff, p}],
#   compare_path: {data, model, estimator, group, path, chisq_diff, df_diff, p} (MLM),
#   compare_paths: [the same under MLM, MLMV, MLMVS],
#   compare: [{data, general, restricted, estimator, test, method, chisq_diff, df_diff, p}],
#   refusals: [{estimator, options, message}]
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
if (!file.exists("models/relationship_quality.toml")) stop("run from the repository root")

hs <- read.csv("data/holzinger_swineford.csv")
rq <- read.csv("data/relationship_quality.csv")
data_sets <- list("data/holzinger_swineford.csv" = hs, "data/relationship_quality.csv" = rq)
hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
rq_model <- "CF  =~ cf1 + cf2 + cf3 + cf4
SAT =~ sat1 + sat2 + sat3 + sat4
TR  =~ tr1 + tr2 + tr3 + tr4
AC  =~ ac1 + ac2 + ac3 + ac4
CC  =~ cc1 + cc2 + cc3 + cc4
SAT ~ CF
TR  ~ SAT + CF
AC  ~ SAT + TR + CF
CC  ~ AC + SAT + CF"
HS <- "data/holzinger_swineford.csv"
RQ <- "data/relationship_quality.csv"

case <- function(name, data, model, estimator, se = NULL, test = NULL, group = NULL,
                 group.equal = NULL, meanstructure = NULL, fixed.x = NULL) {
  list(name = name, data = data, model = model,
       options = Filter(Negate(is.null), list(estimator = estimator, se = se, test = test,
                                             group = group, group.equal = group.equal,
                                             meanstructure = meanstructure,
                                             fixed.x = fixed.x)))
}
mimic <- "f =~ x1 + x2 + x3
f ~ x4 + x5"

cases <- list(
  case("hs_mlm", HS, hs_model, "MLM"),
  case("hs_mlmv", HS, hs_model, "MLMV"),
  case("hs_mlmvs", HS, hs_model, "MLMVS"),
  case("hs_mlf", HS, hs_model, "MLF"),
  case("hs_mlm_meanstructure", HS, hs_model, "MLM", meanstructure = TRUE),
  case("hs_mlm_se_standard", HS, hs_model, "MLM", se = "standard"),
  case("hs_mlm_huber_white", HS, hs_model, "MLM", se = "robust.huber.white"),
  case("hs_ml_robust_sem", HS, hs_model, "ML", se = "robust.sem"),
  case("hs_ml_huber_white", HS, hs_model, "ML", se = "robust.huber.white"),
  case("hs_ml_first_order", HS, hs_model, "ML", se = "first.order"),
  case("hs_ml_sb", HS, hs_model, "ML", test = "satorra.bentler"),
  case("hs_ml_mva", HS, hs_model, "ML", test = "mean.var.adjusted"),
  case("hs_ml_ss", HS, hs_model, "ML", se = "robust.sem", test = "scaled.shifted"),
  case("hs_ml_yb", HS, hs_model, "ML", test = "yuan.bentler"),
  case("hs_mlm_yb", HS, hs_model, "MLM", test = "yuan.bentler"),
  case("hs_mlm_mg_yb", HS, hs_model, "MLM", test = "yuan.bentler", group = "school",
       group.equal = "loadings"),
  case("hs_mimic_mlm_yb", HS, mimic, "MLM", test = "yuan.bentler"),
  case("rq_ml_yb", RQ, rq_model, "ML", test = "yuan.bentler", meanstructure = TRUE),
  case("hs_mlm_mg_metric", HS, hs_model, "MLM", group = "school", group.equal = "loadings"),
  case("hs_mlmv_mg", HS, hs_model, "MLMV", group = "school"),
  case("hs_mlmvs_mg_metric", HS, hs_model, "MLMVS", group = "school",
       group.equal = "loadings"),
  case("hs_mlf_mg", HS, hs_model, "MLF", group = "school"),
  case("hs_mlm_df0", HS, "visual =~ x1 + x2 + x3", "MLM"),
  case("hs_mlmv_df0", HS, "visual =~ x1 + x2 + x3", "MLMV"),
  case("hs_mlmvs_df0", HS, "visual =~ x1 + x2 + x3", "MLMVS"),
  case("hs_mimic_mlm", HS, mimic, "MLM"),
  case("hs_mimic_mlmv", HS, mimic, "MLMV"),
  case("hs_mimic_mlmvs", HS, mimic, "MLMVS"),
  case("hs_mimic_mlm_mg", HS, mimic, "MLM", group = "school", group.equal = "loadings"),
  case("hs_mimic_ml_robust_sem", HS, mimic, "ML", se = "robust.sem"),
  case("hs_mimic_ml_huber_white", HS, mimic, "ML", se = "robust.huber.white"),
  case("hs_mimic_mlf", HS, mimic, "MLF"),
  case("hs_mimic_mlm_free_x", HS, mimic, "MLM", fixed.x = FALSE),
  case("hs_mimic_mlmv_free_x", HS, mimic, "MLMV", fixed.x = FALSE),
  case("hs_mimic_uls_sb", HS, mimic, "ULS", se = "robust.sem", test = "satorra.bentler"),
  case("hs_mimic_wls", HS, mimic, "WLS"),
  case("rq_mlm", RQ, rq_model, "MLM"),
  case("rq_mlmv", RQ, rq_model, "MLMV"),
  case("rq_mlmvs", RQ, rq_model, "MLMVS"),
  case("rq_mlf", RQ, rq_model, "MLF"),
  case("rq_mlm_mg_metric", RQ, rq_model, "MLM", group = "competition",
       group.equal = "loadings"),
  case("hs_uls", HS, hs_model, "ULS"),
  case("hs_gls", HS, hs_model, "GLS"),
  case("hs_wls", HS, hs_model, "WLS"),
  case("hs_dwls", HS, hs_model, "DWLS"),
  case("hs_uls_sb", HS, hs_model, "ULS", se = "robust.sem", test = "satorra.bentler"),
  case("hs_dwls_ss", HS, hs_model, "DWLS", se = "robust.sem", test = "scaled.shifted"),
  case("hs_uls_mva", HS, hs_model, "ULS", test = "mean.var.adjusted"),
  case("hs_wls_robust_sem", HS, hs_model, "WLS", se = "robust.sem"),
  case("hs_uls_mg_metric", HS, hs_model, "ULS", group = "school", group.equal = "loadings"),
  case("hs_gls_mg", HS, hs_model, "GLS", group = "school"),
  case("hs_dwls_mg_sb", HS, hs_model, "DWLS", group = "school", se = "robust.sem",
       test = "satorra.bentler"),
  case("rq_uls", RQ, rq_model, "ULS"),
  case("rq_gls", RQ, rq_model, "GLS"),
  case("rq_wls", RQ, rq_model, "WLS"),
  case("rq_dwls", RQ, rq_model, "DWLS")
)

fit_case <- function(cs) {
  o <- cs$options
  args <- list(model = cs$model, data = data_sets[[cs$data]], estimator = o$estimator)
  for (k in c("se", "test", "group", "group.equal", "meanstructure", "fixed.x"))
    if (!is.null(o[[k]])) args[[k]] <- o[[k]]
  fit <- do.call("sem", args)
  pe <- parameterEstimates(fit, ci = FALSE, remove.nonfree = FALSE, remove.eq = FALSE,
                           remove.ineq = FALSE, remove.def = FALSE)
  if (is.null(pe$group)) pe$group <- 1L
  fm <- fitMeasures(fit)
  opts <- lavInspect(fit, "options")
  c(cs, list(lavaan_options = list(se = opts$se, test = opts$test,
                                   meanstructure = opts$meanstructure, fixed.x = opts$fixed.x),
             estimates = list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group,
                              est = pe$est, se = pe$se),
             fit = as.list(unclass(fm))))
}
out_cases <- lapply(cases, fit_case)

lrt_case <- function(name, data, model, estimator, group) {
  d <- data_sets[[data]]
  fits <- list(
    configural = sem(model, d, estimator = estimator, group = group),
    metric = sem(model, d, estimator = estimator, group = group, group.equal = "loadings"),
    scalar = sem(model, d, estimator = estimator, group = group,
                 group.equal = c("loadings", "intercepts")))
  lrt <- as.data.frame(lavTestLRT(fits$configural, fits$metric, fits$scalar))
  list(name = name, data = data, model = model, estimator = estimator, group = group,
       levels = names(fits), method = attr(lavTestLRT(fits$configural, fits$metric), "heading"),
       chisq = lrt[["Chisq"]], chisq_diff = lrt[["Chisq diff"]], df_diff = lrt[["Df diff"]],
       p = lrt[["Pr(>Chisq)"]])
}
lrts <- list(
  lrt_case("hs_mlm_lrt", HS, hs_model, "MLM", "school"),
  lrt_case("hs_mlmv_lrt", HS, hs_model, "MLMV", "school"),
  lrt_case("hs_mlmvs_lrt", HS, hs_model, "MLMVS", "school"),
  lrt_case("rq_mlm_lrt", RQ, rq_model, "MLM", "competition"))

# compare_paths: the HS CFA by school against the same model with the loading of x2 equal
# across schools (lavTestLRT: Satorra-Bentler 2001 under MLM, Satorra 2000 under MLMV/MLMVS)
path_case <- function(estimator) {
  free <- sem(hs_model, hs, estimator = estimator, group = "school")
  equal <- sem("visual =~ x1 + c(a, a)*x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9", hs, estimator = estimator, group = "school")
  lrt <- as.data.frame(lavTestLRT(free, equal))
  list(data = HS, model = hs_model, estimator = estimator, group = "school",
       path = "visual =~ x2", chisq_diff = lrt[["Chisq diff"]][2],
       df_diff = lrt[["Df diff"]][2], p = lrt[["Pr(>Chisq)"]][2])
}
compare_path <- path_case("MLM")
compare_paths <- lapply(c("MLM", "MLMV", "MLMVS"), path_case)

# rq.compare: the HS CFA against its orthogonal version (nested), lavTestLRT for each
# estimator and test
hs_orthogonal <- paste(hs_model, "visual ~~ 0*textual
visual ~~ 0*speed
textual ~~ 0*speed", sep = "\n")
compare_case <- function(estimator, test = NULL) {
  args <- list(data = hs, estimator = estimator)
  if (!is.null(test)) args$test <- test
  general <- do.call("sem", c(list(model = hs_model), args))
  restricted <- do.call("sem", c(list(model = hs_orthogonal), args))
  lrt <- lavTestLRT(general, restricted)
  tab <- as.data.frame(lrt)
  list(data = HS, general = hs_model, restricted = hs_orthogonal, estimator = estimator,
       test = test, method = attr(lrt, "heading"), chisq_diff = tab[["Chisq diff"]][2],
       df_diff = tab[["Df diff"]][2], p = tab[["Pr(>Chisq)"]][2])
}
compares <- list(compare_case("MLM"), compare_case("MLMV"), compare_case("MLMVS"),
                 compare_case("MLF"), compare_case("ML", "satorra.bentler"),
                 compare_case("ML", "yuan.bentler"), compare_case("ML", "scaled.shifted"),
                 compare_case("MLM", "yuan.bentler"))

hsm <- read.csv("data/holzinger_swineford_missing.csv")
refusal <- function(estimator, ...) {
  msg <- tryCatch({ sem(hs_model, hsm, estimator = estimator, ...); "" },
                  error = function(e) conditionMessage(e))
  list(estimator = estimator, options = list(...), message = msg)
}
refusals <- list(
  refusal("MLM", missing = "ml"), refusal("MLMV", missing = "ml"),
  refusal("MLMVS", missing = "ml"), refusal("ULS", missing = "ml"),
  refusal("GLS", missing = "ml"), refusal("WLS", missing = "ml"),
  refusal("DWLS", missing = "ml"), refusal("ULS", se = "robust.huber.white"),
  refusal("GLS", se = "first.order"), refusal("GLS", se = "robust.sem"),
  refusal("GLS", test = "satorra.bentler"), refusal("WLS", test = "satorra.bentler"),
  refusal("ULS", test = "yuan.bentler"), refusal("DWLS", test = "yuan.bentler"),
  refusal("MLF", test = "yuan.bentler"), refusal("GLS", test = "yuan.bentler"),
  refusal("MLM", se = "bootstrap", test = "bollen.stine", bootstrap = 10L),
  refusal("MLMV", se = "bootstrap", test = "bollen.stine", bootstrap = 10L),
  refusal("MLR", se = "bootstrap", test = "bollen.stine", bootstrap = 10L))

out <- list(lavaan_version = as.character(packageVersion("lavaan")), R_version = R.version.string,
            cases = out_cases, lrt = lrts, compare_path = compare_path,
            compare_paths = compare_paths, compare = compares, refusals = refusals)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", null = "null"),
           "tests/reference/estimators.json")
cat("wrote tests/reference/estimators.json\n")
