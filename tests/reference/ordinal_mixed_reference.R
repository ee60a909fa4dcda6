#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_mixed_reference.R -- lavaan 0.6-14 references for WLSMV with ordered and continuous
# observed variables mixed (issue 15): the sample statistics lavaan's muthen1984() computes
# (thresholds; means and variances of the continuous variables; Pearson, polyserial and
# polychoric correlations and the covariances they imply), their asymptotic covariance
# (lavInspect(fit, "gamma")), lavaan's WLS.obs order, and the fit (estimates, fit measures).
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_mixed_reference.R [OUT_JSON]
#   (default tests/reference/ordinal_mixed.json)
#
# Data: data/holzinger_swineford_ordinal.csv (b1-b3 binary, c4-c6 three categories) with the
# continuous scores x7, x8, x9 of data/holzinger_swineford.csv (same rows); and
# data/relationship_quality.csv with cf1 and sat1 treated as continuous.
# Output: lavaan_version;
#   cases: {name: {model, data, ordered, continuous, names (observed variables, lavaan's
#     order), th (named thresholds, lavaan's sampstat), mean, var, cov {rownames, data},
#     polyserial_tight, wls_obs, gamma {data}, converged, estimates (lhs op rhs est se),
#     modindices (column-wise lhs op rhs mi epc sepc.lv sepc.all sepc.nox), fit_measures}};
#     polyserial_tight: each continuous-ordered pair's polyserial correlation from lavaan's own
#     lav_bvmix_cor_twostep_fit run to rel.tol 1e-15 (the default nlminb tolerance can stop
#     about 1e-5 from the optimum, which sampstat then shows);
#   fits: {name: {model, data, ordered, group, group_equal, group_partial, parameterization,
#     group_labels, converged, estimates (lhs op rhs group est se), fit_measures}} (several
#     groups with equal thresholds and loadings, which equate the continuous variables'
#     intercepts too, one of them freed by group.partial; the theta parameterization).
# ---------------------------------------------------------------------------
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else "tests/reference/ordinal_mixed.json"

hs_ord <- read.csv("data/holzinger_swineford_ordinal.csv")
hs <- read.csv("data/holzinger_swineford.csv")
stopifnot(all(hs_ord$id == hs$id))
hs_mixed <- hs_ord
hs_mixed[, c("x7", "x8", "x9")] <- hs[, c("x7", "x8", "x9")]
rq_data <- read.csv("data/relationship_quality.csv")

cases <- list(
  hs_mixed = list(model = "visual =~ b1 + b2 + b3\ntextual =~ c4 + c5 + c6\nspeed =~ x7 + x8 + x9",
                  data = hs_mixed, data_name = "holzinger_swineford_ordinal + holzinger_swineford x7-x9",
                  ordered = c("b1", "b2", "b3", "c4", "c5", "c6")),
  rq_mixed = list(model = "commitment =~ cf1 + cf2 + cf3 + cf4\nsatisfaction =~ sat1 + sat2 + sat3 + sat4",
                  data = rq_data, data_name = "relationship_quality",
                  ordered = c("cf2", "cf3", "cf4", "sat2", "sat3", "sat4")))
# fits only (estimates and fit measures): several groups with equality constraints, and the
# theta parameterization
fit_cases <- list(
  rq_mixed_mg = list(model = cases$rq_mixed$model, data = rq_data, data_name = "relationship_quality",
                     ordered = cases$rq_mixed$ordered, group = "competition",
                     group_equal = c("thresholds", "loadings")),
  rq_mixed_mg_partial = list(model = cases$rq_mixed$model, data = rq_data,
                             data_name = "relationship_quality", ordered = cases$rq_mixed$ordered,
                             group = "competition", group_equal = c("thresholds", "loadings"),
                             group_partial = "cf1~1"),
  rq_mixed_theta = list(model = cases$rq_mixed$model, data = rq_data, data_name = "relationship_quality",
                        ordered = cases$rq_mixed$ordered, parameterization = "theta"))

out <- list(lavaan_version = as.character(packageVersion("lavaan")), cases = list())
for (name in names(cases)) {
  cs <- cases[[name]]
  fit <- cfa(cs$model, data = cs$data, ordered = cs$ordered, estimator = "WLSMV")
  ss <- lavInspect(fit, "sampstat")
  names_ov <- lavNames(fit, "ov")
  pe <- parameterEstimates(fit)
  d <- cs$data[complete.cases(cs$data[, names_ov]), names_ov]       # lavaan's listwise rows
  tight <- list()
  for (cv in setdiff(names_ov, cs$ordered)) for (ov in cs$ordered) {
    tight[[paste(cv, ov, sep = "~~")]] <- lavaan:::lav_bvmix_cor_twostep_fit(
      Y1 = d[[cv]], Y2 = as.integer(factor(d[[ov]])),
      control = list(rel.tol = 1e-15, x.tol = 1e-15, eval.max = 1000, iter.max = 1000))
  }
  fm <- fitMeasures(fit)
  out$cases[[name]] <- list(
    model = cs$model, data = cs$data_name, ordered = I(cs$ordered),
    continuous = I(setdiff(names_ov, cs$ordered)), names = I(names_ov),
    th = as.list(ss$th), mean = as.list(ss$mean), polyserial_tight = tight, var = as.list(diag(ss$cov)),
    cov = list(rownames = I(rownames(ss$cov)), data = unclass(ss$cov)),
    wls_obs = I(as.numeric(lavInspect(fit, "wls.obs"))),
    gamma = list(data = unclass(lavInspect(fit, "gamma"))),
    converged = lavInspect(fit, "converged"),
    estimates = list(lhs = I(pe$lhs), op = I(pe$op), rhs = I(pe$rhs), est = I(pe$est),
                     se = I(pe$se)),
    modindices = as.list(modindices(fit)[, c("lhs", "op", "rhs", "mi", "epc", "sepc.lv",
                                             "sepc.all", "sepc.nox")]),
    fit_measures = as.list(setNames(ifelse(is.na(fm), NA, unclass(fm)), names(fm))))
}
for (name in names(fit_cases)) {
  cs <- fit_cases[[name]]
  ge <- if (is.null(cs$group_equal)) "" else cs$group_equal
  par <- if (is.null(cs$parameterization)) "delta" else cs$parameterization
  gp <- if (is.null(cs$group_partial)) "" else cs$group_partial
  fit <- cfa(cs$model, data = cs$data, ordered = cs$ordered, estimator = "WLSMV",
             group = cs$group, group.equal = ge, group.partial = gp, parameterization = par)
  pe <- parameterEstimates(fit)
  fm <- fitMeasures(fit)
  out$fits[[name]] <- list(
    model = cs$model, data = cs$data_name, ordered = I(cs$ordered), group = cs$group,
    group_equal = if (is.null(cs$group_equal)) NULL else I(cs$group_equal),
    group_partial = if (is.null(cs$group_partial)) NULL else I(cs$group_partial),
    parameterization = par,
    group_labels = I(lavInspect(fit, "group.label")), converged = lavInspect(fit, "converged"),
    estimates = list(lhs = I(pe$lhs), op = I(pe$op), rhs = I(pe$rhs),
                     group = I(if (is.null(pe$group)) rep(1L, nrow(pe)) else pe$group),
                     est = I(pe$est), se = I(pe$se)),
    fit_measures = as.list(setNames(ifelse(is.na(fm), NA, unclass(fm)), names(fm))))
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", null = "null",
                  pretty = TRUE), out_file)
cat("wrote", out_file, "\n")
