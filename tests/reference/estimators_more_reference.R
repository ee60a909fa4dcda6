#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# estimators_more_reference.R -- lavaan 0.6-14 references for the continuous se= / test=
# combinations beyond tests/reference/estimators_reference.R (issue 15, item 5, part 2), where
# lavaan changes the information matrix behind the test: test = "yuan.bentler.mplus" with
# estimator = "ML" (expected information with se standard or robust.sem; the "h1" form of the
# observed information with se = "robust.huber.white" or under missing = "ml"), MLR with
# se = "robust.sem" or "standard" (expected; under missing = "ml" MLR's own test), Satorra-type
# tests with se = "robust.huber.white" (ML, MLM, MLMV, MLMVS; "h1"), test = "yuan.bentler"
# under missing = "ml" ("h1"), one and two groups, equal intercepts; and MLR with another
# test=, which relqual refuses (lavaan adds it beside yuan.bentler.mplus and moves every test
# to the "h1" information, which changes MLR's numbers). Used by tests/test_se_test_more.py.
#
# Usage (from the repository root):
#   Rscript tests/reference/estimators_more_reference.R [OUT_JSON]
#       # default tests/reference/estimators_more.json
#
# Data: data/holzinger_swineford.csv (complete) and data/holzinger_swineford_missing.csv
# (MCAR cells). Output: lavaan_version; cases: [{name, data, model, options (estimator, se,
# test, missing, group, group.equal), lavaan_options (se, test, information,
# observed.information), estimates (lhs op rhs group est se), fit (fitMeasures() with '.'
# names)}]; lrt: [{name, data, model, se, test, group, group.equal, method, chisq_diff,
# df_diff, p}] (lavTestLRT() of equal loadings across schools).
# ---------------------------------------------------------------------------
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else "tests/reference/estimators_more.json"

HS <- "data/holzinger_swineford.csv"
HSM <- "data/holzinger_swineford_missing.csv"
data_sets <- list(read.csv(HS), read.csv(HSM))
names(data_sets) <- c(HS, HSM)
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"

case <- function(name, data, estimator, se = NULL, test = NULL, missing = NULL, group = NULL,
                 group.equal = NULL) {
  list(name = name, data = data, model = hs_model,
       options = Filter(Negate(is.null), list(estimator = estimator, se = se, test = test,
                                             missing = missing, group = group,
                                             group.equal = group.equal)))
}
cases <- list(
  # MLR as lavaan's defaults run it (relqual reproduces these: tests/reference/hs_mlr.json ...)
  case("hs_mlr", HS, "MLR"),
  case("hsm_mlr_fiml", HSM, "MLR", missing = "ml"),
  # the Yuan-Bentler (Mplus) test with ML: the observed information in its "h1" form
  case("hs_ml_rhw_ybm", HS, "ML", se = "robust.huber.white", test = "yuan.bentler.mplus"),
  case("hs_mg_ml_rhw_ybm", HS, "ML", se = "robust.huber.white", test = "yuan.bentler.mplus",
       group = "school"),
  case("hsm_ml_fiml_ybm", HSM, "ML", test = "yuan.bentler.mplus", missing = "ml"),
  case("hsm_ml_fiml_rhw_ybm", HSM, "ML", se = "robust.huber.white", test = "yuan.bentler.mplus",
       missing = "ml"),
  # lavaan adds the test beside MLR's yuan.bentler.mplus, whose numbers it reports
  case("hs_mlr_yb", HS, "MLR", test = "yuan.bentler"),
  case("hs_mlr_sb", HS, "MLR", test = "satorra.bentler"),
  case("hs_mlr_ss", HS, "MLR", test = "scaled.shifted"),
  case("hs_mlr_mva", HS, "MLR", test = "mean.var.adjusted"),
  case("hs_mlr_standard", HS, "MLR", test = "standard"),
  # expected information for the Yuan-Bentler (Mplus) test
  case("hs_ml_ybm", HS, "ML", test = "yuan.bentler.mplus"),
  case("hs_mlr_robust_sem", HS, "MLR", se = "robust.sem"),
  case("hs_mlr_se_standard", HS, "MLR", se = "standard"),
  # ... but under missing = "ml" MLR's own test, with observed-information SEs
  case("hsm_mlr_fiml_se_standard", HSM, "MLR", se = "standard", missing = "ml"),
  # observed information for Satorra-type tests
  case("hs_ml_rhw_sb", HS, "ML", se = "robust.huber.white", test = "satorra.bentler"),
  case("hs_ml_rhw_ss", HS, "ML", se = "robust.huber.white", test = "scaled.shifted"),
  case("hs_ml_rhw_yb", HS, "ML", se = "robust.huber.white", test = "yuan.bentler"),
  case("hs_ml_rhw_mva", HS, "ML", se = "robust.huber.white", test = "mean.var.adjusted"),
  case("hs_mg_ml_rhw_sb", HS, "ML", se = "robust.huber.white", test = "satorra.bentler",
       group = "school"),
  case("hs_ml_robust_sem_ybm", HS, "ML", se = "robust.sem", test = "yuan.bentler.mplus"),
  case("hs_mg_ml_ybm", HS, "ML", test = "yuan.bentler.mplus", group = "school"),
  # the Satorra-Bentler family with se = "robust.huber.white" ("h1" for the test too)
  case("hs_mlmv_rhw", HS, "MLMV", se = "robust.huber.white"),
  case("hs_mlmvs_rhw", HS, "MLMVS", se = "robust.huber.white"),
  case("hs_mg_mlm_rhw", HS, "MLM", se = "robust.huber.white", group = "school"),
  # equal intercepts: implied means differ from the sample means
  case("hs_scalar_ml_rhw_sb", HS, "ML", se = "robust.huber.white", test = "satorra.bentler",
       group = "school", group.equal = c("loadings", "intercepts")),
  case("hs_scalar_ml_rhw_ybm", HS, "ML", se = "robust.huber.white",
       test = "yuan.bentler.mplus", group = "school", group.equal = c("loadings", "intercepts")),
  case("hs_scalar_mlr_robust_sem", HS, "MLR", se = "robust.sem", group = "school",
       group.equal = c("loadings", "intercepts")),
  case("hsm_ml_fiml_yb", HSM, "ML", test = "yuan.bentler", missing = "ml"),
  case("hsm_ml_fiml_rhw_yb", HSM, "ML", se = "robust.huber.white", test = "yuan.bentler",
       missing = "ml"),
  case("hsm_mg_ml_fiml_yb", HSM, "ML", test = "yuan.bentler", missing = "ml", group = "school"),
  case("hsm_mg_ml_fiml_ybm", HSM, "ML", test = "yuan.bentler.mplus", missing = "ml",
       group = "school")
)

fit_case <- function(cs) {
  o <- cs$options
  args <- list(model = cs$model, data = data_sets[[cs$data]], estimator = o$estimator)
  for (k in c("se", "test", "missing", "group", "group.equal"))
    if (!is.null(o[[k]])) args[[k]] <- o[[k]]
  fit <- do.call("sem", args)
  pe <- parameterEstimates(fit, ci = FALSE)
  if (is.null(pe$group)) pe$group <- 1L
  fm <- fitMeasures(fit)
  opts <- lavInspect(fit, "options")
  message(sprintf("%-22s se=%s test=%s chisq=%.4f scaled=%s", cs$name, opts$se,
                  paste(opts$test, collapse = ","), fm[["chisq"]],
                  if ("chisq.scaled" %in% names(fm)) sprintf("%.4f", fm[["chisq.scaled"]])
                  else "-"))
  c(cs, list(lavaan_options = list(se = opts$se, test = I(opts$test),
                                   information = I(opts$information),
                                   observed.information = I(opts$observed.information)),
             estimates = list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group,
                              est = pe$est, se = pe$se),
             fit = as.list(unclass(fm))))
}
# lavTestLRT() of equal loadings across schools under these tests
lrt_case <- function(name, se, test) {
  args <- list(model = hs_model, data = data_sets[[HS]], group = "school", se = se,
               test = test)
  free <- do.call("sem", args)
  equal <- do.call("sem", c(args, list(group.equal = "loadings")))
  tab <- lavTestLRT(free, equal)
  list(name = name, data = HS, model = hs_model, se = se, test = test, group = "school",
       group.equal = "loadings", method = attr(tab, "heading"),
       chisq_diff = tab[["Chisq diff"]][2], df_diff = tab[["Df diff"]][2],
       p = tab[["Pr(>Chisq)"]][2])
}
lrt <- list(lrt_case("rhw_sb", "robust.huber.white", "satorra.bentler"),
            lrt_case("standard_ybm", "standard", "yuan.bentler.mplus"),
            lrt_case("rhw_ybm", "robust.huber.white", "yuan.bentler.mplus"),
            lrt_case("rhw_ss", "robust.huber.white", "scaled.shifted"))

out <- list(lavaan_version = as.character(packageVersion("lavaan")),
            cases = lapply(cases, fit_case), lrt = lrt)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null"), out_file)
message("wrote ", out_file)
