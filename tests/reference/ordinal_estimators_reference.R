#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_estimators_reference.R -- lavaan 0.6-14 references for the estimators of ordered
# items besides WLSMV (issue 15, item 5): DWLS, WLSM, WLSMVS, ULS, ULSM, ULSMV and WLS with
# ordered = ..., and WLSMV with other se = / test = choices, single group and two groups.
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_estimators_reference.R [OUT_JSON]
#       # default tests/reference/ordinal_estimators.json
#
# Data: data/relationship_quality.csv (the bundled survey's 5-point items, by competition) and
# data/holzinger_swineford_ordinal.csv (the HS scores cut into 4 categories, by school).
# Output: lavaan_version; cases: {name: {model, data, options (ordered, group, estimator, se,
#   test, missing), converged, se, test (lavaan's options as it ran; with estimator = "WLSMV" and
#   another test= lavaan keeps "scaled.shifted" first and adds the other beside it),
#   estimates (lhs op rhs group est se, column-wise), fit_measures (named, NA -> null)}};
#   modindices: {case: column-wise lhs op rhs group mi epc sepc.lv sepc.all}.
# ---------------------------------------------------------------------------
source("tests/reference/ordinal_common.R")   # lavaan, jsonlite, output_file, hs_*, rq_*
out_file <- output_file("tests/reference/ordinal_estimators.json")


# name = list(model, data, ordered, group, estimator, se, test); se/test NULL: the default
cases <- list()
for (est in c("DWLS", "WLSM", "WLSMVS", "ULS", "ULSM", "ULSMV", "WLS")) {
  cases[[paste0("rq_", tolower(est))]] <- list(rq_model, rq_data, rq_ord, NULL, est, NULL, NULL)
  cases[[paste0("hs_", tolower(est))]] <- list(hs_model, hs_data, hs_ord, NULL, est, NULL, NULL)
}
for (est in c("DWLS", "WLSM", "ULSMV", "WLSMVS", "WLS")) {
  cases[[paste0("rq_mg_", tolower(est))]] <- list(rq_model, rq_data, rq_ord, "competition",
                                                 est, NULL, NULL)
  cases[[paste0("hs_mg_", tolower(est))]] <- list(hs_model, hs_data, hs_ord, "school",
                                                 est, NULL, NULL)
}
for (tst in c("standard", "satorra.bentler", "mean.var.adjusted", "scaled.shifted")) {
  key <- gsub(".", "_", tst, fixed = TRUE)
  cases[[paste0("rq_wlsmv_se_standard_", key)]] <- list(rq_model, rq_data, rq_ord, NULL,
                                                       "WLSMV", "standard", tst)
  cases[[paste0("hs_mg_wlsmv_", key)]] <- list(hs_model, hs_data, hs_ord, "school",
                                              "WLSMV", NULL, tst)
}
cases[["rq_uls_robust_sem_standard"]] <- list(rq_model, rq_data, rq_ord, NULL, "ULS",
                                             "robust.sem", "standard")
cases[["rq_dwls_robust_sem_sb"]] <- list(rq_model, rq_data, rq_ord, NULL, "DWLS",
                                        "robust.sem", "satorra.bentler")
cases[["hs_mg_dwls_robust_sem_mva"]] <- list(hs_model, hs_data, hs_ord, "school", "DWLS",
                                            "robust.sem", "mean.var.adjusted")
cases[["hs_uls_robust_sem_ss"]] <- list(hs_model, hs_data, hs_ord, NULL, "ULS", "robust.sem",
                                       "scaled.shifted")
cases[["rq_wls_robust_sem"]] <- list(rq_model, rq_data, rq_ord, NULL, "WLS", "robust.sem",
                                    NULL)
# pairwise deletion (the survey's own missing answers), name = list(..., missing)
cases[["rq_pairwise_ulsmv"]] <- list(rq_model, rq_data, rq_ord, NULL, "ULSMV", NULL, NULL,
                                    "pairwise")
cases[["rq_pairwise_wlsm"]] <- list(rq_model, rq_data, rq_ord, NULL, "WLSM", NULL, NULL,
                                   "pairwise")
# (ULS weights with se = "standard" and a scaled test: lavaan 0.6-14 gives an infinite scaled
# statistic (ULS, test = "satorra.bentler") or stops (ULSMV); relqual refuses them)
cases[["hs_mg_wlsm_se_standard"]] <- list(hs_model, hs_data, hs_ord, "school", "WLSM",
                                         "standard", NULL)
# continuous cf1 and sat1 beside ordered items (polyserial and Pearson correlations)
rq_mixed_ord <- setdiff(rq_ord, c("cf1", "sat1"))
for (est in c("DWLS", "WLSM", "ULSMV", "WLSMVS", "WLS")) {
  cases[[paste0("rq_mixed_", tolower(est))]] <- list(rq_model, rq_data, rq_mixed_ord, NULL,
                                                    est, NULL, NULL)
}

cols <- function(df) lapply(as.list(df), function(v) I(unname(v)))
out_cases <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  d <- read.csv(cs[[2]])
  extra <- list()
  if (!is.null(cs[[6]])) extra$se <- cs[[6]]
  if (!is.null(cs[[7]])) extra$test <- cs[[7]]
  if (length(cs) >= 8) extra$missing <- cs[[8]]
  fit <- do.call("sem", c(list(model = cs[[1]], data = d, ordered = cs[[3]], group = cs[[4]],
                             estimator = cs[[5]]), extra))
  pe <- parameterEstimates(fit)
  if (is.null(pe$group)) pe$group <- 1L
  pe <- pe[pe$op != "==", c("lhs", "op", "rhs", "group", "est", "se")]
  fm <- fitMeasures(fit)
  opts <- lavInspect(fit, "options")
  out_cases[[name]] <- list(
    model = cs[[1]], data = cs[[2]],
    options = list(ordered = I(cs[[3]]), group = cs[[4]], estimator = cs[[5]], se = cs[[6]],
                   test = cs[[7]], missing = if (length(cs) >= 8) cs[[8]] else "listwise"),
    converged = lavInspect(fit, "converged"),
    se = opts$se, test = I(opts$test),
    estimates = cols(pe),
    fit_measures = as.list(setNames(as.numeric(fm), names(fm))))
  message(sprintf("%-32s chisq=%.4f df=%d scaled=%s", name, fm[["chisq"]],
                  as.integer(fm[["df"]]),
                  if ("chisq.scaled" %in% names(fm)) sprintf("%.4f", fm[["chisq.scaled"]])
                  else "-"))
}

# modification indices of fits with other weights (lavaan's modindices: the score test with
# the estimator's weight matrix and expected information)
out_mi <- list()
for (name in c("hs_ulsmv", "hs_wls", "hs_dwls", "rq_mg_ulsmv")) {
  cs <- cases[[name]]
  fit <- sem(cs[[1]], data = read.csv(cs[[2]]), ordered = cs[[3]], group = cs[[4]],
             estimator = cs[[5]])
  mi <- modindices(fit)
  if (is.null(mi$group)) mi$group <- 1L
  out_mi[[name]] <- cols(mi[, c("lhs", "op", "rhs", "group", "mi", "epc", "sepc.lv",
                                "sepc.all")])
}

out <- list(lavaan_version = as.character(packageVersion("lavaan")), cases = out_cases,
            modindices = out_mi)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null",
                  pretty = FALSE), out_file)
message("wrote ", out_file)
