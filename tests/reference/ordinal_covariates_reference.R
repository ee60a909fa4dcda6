#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_covariates_reference.R -- lavaan 0.6-14 references for WLSMV with observed exogenous
# covariates (issue 15, item 3): lavaan's conditional.x = TRUE, its default for categorical
# data. Stage 1: per item an ordered probit regression on the covariates (thresholds and
# slopes); stage 2: residual polychoric correlations given the covariates; Gamma (NACOV) from
# the stacked casewise scores (muthen1984). The WLS vector is (thresholds, slopes, residual
# correlations); the model implies them; the covariates' moments are fixed at the sample.
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_covariates_reference.R [OUT_JSON]
#   (default tests/reference/ordinal_covariates.json)
#
# Data: data/holzinger_swineford_ordinal.csv (x1-x6, four categories; covariates ageyr and
# sex); data/relationship_quality.csv with two derived covariates: high = 1 where competition
# is "high" (else 0) and ccm = the mean of the answered items among cc1-cc4 (continuous).
# Output: lavaan_version;
#   cases: {name: {model, data, ordered, estimator (WLSMV; also ULSMV, WLSM and DWLS, which
#     share the statistics), group, group_equal, parameterization, covariates,
#     wls_obs {names, values} (lavInspect "wls.obs"), gamma (NACOV, by rows), res_th,
#     res_slopes {rownames, colnames, data}, res_cov {rownames, data} (lavInspect
#     "sampstat"; per group with group; only for the cases in stats_cases), converged, estimates (lhs op rhs group est se std.lv
#     std.all), std_defined (standardizedSolution of := rows: lhs est.std se), r2 (per group,
#     lavInspect "r2"), fit_measures}};
#   lrt: {free, constrained (case names), chisq_diff, df_diff, pvalue}: lavTestLRT of the two.
# ---------------------------------------------------------------------------
source("tests/reference/ordinal_common.R")   # lavaan, jsonlite, output_file, hs_*, rq_*
out_file <- output_file("tests/reference/ordinal_covariates.json")

hs <- read.csv(hs_data)
rq <- read.csv(rq_data)
rq$high <- as.numeric(rq$competition == "high")
rq$ccm <- rowMeans(rq[, c("cc1", "cc2", "cc3", "cc4")], na.rm = TRUE)
stopifnot(!anyNA(rq$ccm))

rq_items <- c("cf1", "cf2", "cf3", "cf4", "sat1", "sat2", "sat3", "sat4")
hs_items <- c("x1", "x2", "x3", "x4", "x5", "x6")
# a case: its model and options (estimator, group, group_equal, parameterization) on the
# ordinal HS items or on the survey with its two derived covariates
hs_case <- function(model, ordered = hs_items, ...)
  list(model = model, data = hs, data_name = "holzinger_swineford_ordinal", ordered = ordered, ...)
rq_case <- function(model, ...)
  list(model = model, data = rq, data_name = "relationship_quality + high, ccm", ordered = rq_items,
       ...)
hs_cfa2 <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6"
hs_mimic <- paste0(hs_cfa2, "\nvisual ~ ageyr + sex\ntextual ~ sex")
rq_sem <- paste("commitment =~ cf1 + cf2 + cf3 + cf4", "satisfaction =~ sat1 + sat2 + sat3 + sat4",
                "satisfaction ~ high + ccm", "commitment ~ satisfaction + high", sep = "\n")
hs_groups <- paste0(hs_cfa2, "\nvisual ~ ageyr\ntextual ~ ageyr")
cases <- list(
  hs_mimic = hs_case(hs_mimic),
  hs_mimic_free = hs_case(paste0(hs_cfa2, "\nvisual ~ ageyr + sex\ntextual ~ sex + ageyr")),
  hs_mimic_ulsmv = hs_case(hs_mimic, estimator = "ULSMV"),
  hs_mimic_wlsm = hs_case(hs_mimic, estimator = "WLSM"),
  hs_mimic_dwls = hs_case(hs_mimic, estimator = "DWLS"),
  hs_direct = hs_case(paste0(hs_cfa2, "\nvisual ~ ageyr\nx4 ~ sex")),
  hs_items = hs_case("x1 ~ ageyr + sex\nx2 ~ sex", ordered = c("x1", "x2")),
  rq_sem = rq_case(rq_sem),
  rq_indirect = rq_case(paste("commitment =~ cf1 + cf2 + cf3 + cf4",
                              "satisfaction =~ sat1 + sat2 + sat3 + sat4",
                              "satisfaction ~ a*high + ccm", "commitment ~ b*satisfaction + high",
                              "indirect := a*b", sep = "\n")),
  rq_theta = rq_case(rq_sem, parameterization = "theta"),
  hs_groups = hs_case(hs_groups, group = "sex"),
  hs_groups_equal = hs_case(hs_groups, group = "sex", group_equal = c("thresholds", "loadings"))
)

# the sample statistics are stored once per distinct data and covariates (the other cases share
# them: the estimator, parameterization and model do not change them)
stats_cases <- c("hs_mimic", "hs_direct", "hs_items", "rq_sem", "hs_groups")
matrix_json <- function(m) list(rownames = I(rownames(m)), colnames = I(colnames(m)),
                                data = unname(m))
out <- list(lavaan_version = as.character(packageVersion("lavaan")), cases = list())
for (name in names(cases)) {
  cs <- cases[[name]]
  par <- if (is.null(cs$parameterization)) "delta" else cs$parameterization
  geq <- if (is.null(cs$group_equal)) "" else cs$group_equal
  estimator <- if (is.null(cs$estimator)) "WLSMV" else cs$estimator
  fit <- sem(cs$model, data = cs$data, ordered = cs$ordered, estimator = estimator,
             group = cs$group, group.equal = geq, parameterization = par)
  stopifnot(lavInspect(fit, "options")$conditional.x)
  ss <- lavInspect(fit, "sampstat")
  wo <- lavInspect(fit, "wls.obs")
  ga <- lavInspect(fit, "gamma")
  if (is.null(cs$group)) { ss <- list(ss); wo <- list(wo); ga <- list(ga) }
  groups <- lapply(seq_along(ss), function(g) list(
    wls_obs = list(names = I(names(wo[[g]])), values = unname(wo[[g]])),
    gamma = unname(ga[[g]]),
    res_th = as.list(ss[[g]]$res.th),
    res_slopes = matrix_json(ss[[g]]$res.slopes),
    res_cov = matrix_json(ss[[g]]$res.cov)))
  pe <- parameterEstimates(fit, standardized = TRUE)
  if (is.null(pe$group)) pe$group <- 1L
  fm <- fitMeasures(fit)
  out$cases[[name]] <- list(
    model = cs$model, data = cs$data_name, ordered = I(cs$ordered), estimator = estimator,
    group = if (is.null(cs$group)) NULL else cs$group,
    group_equal = if (is.null(cs$group_equal)) NULL else I(cs$group_equal),
    group_labels = I(lavInspect(fit, "group.label")),
    parameterization = par, covariates = I(lavNames(fit, "ov.x")),
    nobs = I(lavInspect(fit, "nobs")),
    groups = if (name %in% stats_cases) groups else NULL, converged = lavInspect(fit, "converged"),
    estimates = pe[, c("lhs", "op", "rhs", "group", "est", "se", "std.lv", "std.all")],
    std_defined = subset(standardizedSolution(fit), op == ":=")[, c("lhs", "est.std", "se")],
    r2 = unname(lapply(if (is.null(cs$group)) list(lavInspect(fit, "r2")) else lavInspect(fit, "r2"),
                       as.list)),
    fit_measures = as.list(fm))
}
# the scaled difference test of two nested fits (lavTestLRT: Satorra 2000, scaled.shifted)
fits <- lapply(c("hs_mimic_free", "hs_mimic"), function(name) {
  cs <- cases[[name]]
  sem(cs$model, data = cs$data, ordered = cs$ordered, estimator = "WLSMV")
})
lrt <- as.data.frame(lavTestLRT(fits[[1]], fits[[2]]))
out$lrt <- list(free = "hs_mimic_free", constrained = "hs_mimic", chisq_diff = lrt[2, "Chisq diff"],
                df_diff = lrt[2, "Df diff"], pvalue = lrt[2, "Pr(>Chisq)"])
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = FALSE), out_file)
cat("wrote", out_file, "\n")
