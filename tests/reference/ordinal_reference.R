#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_reference.R -- lavaan 0.6-14 references for relqual's ordinal (WLSMV) features
# beyond the single-group case (issue 15): multigroup WLSMV with group.equal / group.partial
# (thresholds, loadings, intercepts, residuals), and lavTestLRT's scaled difference tests
# between nested WLSMV models; the ordinal invariance sequence with Wu & Estabrook (2016)
# identification (semTools 0.5-6 measEq.syntax) and its difference tests; the theta
# parameterization; HTMT on polychoric correlations (semTools htmt); categorical omega and
# ordinal alpha (semTools compRelSEM); modification indices (lavaan modindices); EBM factor
# scores (lavPredict).
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_reference.R [OUT_JSON]     # default tests/reference/ordinal.json
#
# Data: data/holzinger_swineford_ordinal.csv (the HS scores cut into 4 categories, by school)
# and data/relationship_quality.csv (the bundled survey's 5-point items, by competition).
# Output (tests/reference/ordinal.json):
#   lavaan_version, semtools_version;
#   cases: {name: {model, data, options (ordered, group, group_equal, group_partial,
#           parameterization), converged, group_labels, estimates (lhs op rhs group est se,
#           column-wise), fit_measures (named, NA -> null)}};
#   lrt: {name: {models (free, constrained), method, df_diff, chisq_diff, pvalue}};
#   invariance: {set: {model, data, ordered, group, levels: [{level, fit_measures,
#                df_diff, chisq_diff, pvalue_diff}]}};
#   htmt: {set: {model, data, ordered, [group, group_label], htmt2, htmt: {names, data}}};
#   reliability: {set: {model, data, ordered, [group, group_equal], omega, omega_model, alpha,
#                 ave: {factor: value} or {group: {factor: value}}}};
#   modindices: {case: column-wise lhs op rhs group mi epc sepc.lv sepc.all sepc.nox};
#   ebm: {set: {model, data, ordered, [group, group_equal, alpha_group2], scores: {names,
#         data (rows; group 1 only for a multigroup fit)}}};
#   empty_category_error: lavaan's message.
# ---------------------------------------------------------------------------
source("tests/reference/ordinal_common.R")   # lavaan, jsonlite, output_file, hs_*, rq_*
out_file <- output_file("tests/reference/ordinal.json")

rq_cfa <- paste("CF  =~ cf1 + cf2 + cf3 + cf4", "SAT =~ sat1 + sat2 + sat3 + sat4",
                "TR  =~ tr1 + tr2 + tr3 + tr4", sep = "\n")   # measEq.syntax wants a CFA

cases <- list(
  hs_mg_configural = list(hs_model, hs_data, hs_ord, "school", character(0), character(0)),
  hs_mg_thresholds = list(hs_model, hs_data, hs_ord, "school", "thresholds", character(0)),
  hs_mg_th_loadings = list(hs_model, hs_data, hs_ord, "school", c("thresholds", "loadings"),
                           character(0)),
  hs_mg_th_load_int = list(hs_model, hs_data, hs_ord, "school",
                           c("thresholds", "loadings", "intercepts"), character(0)),
  hs_mg_th_load_res = list(hs_model, hs_data, hs_ord, "school",
                           c("thresholds", "loadings", "residuals"), character(0)),
  hs_mg_loadings = list(hs_model, hs_data, hs_ord, "school", "loadings", character(0)),
  hs_mg_partial = list(hs_model, hs_data, hs_ord, "school", c("thresholds", "loadings"),
                       c("x3 | t2", "visual =~ x2")),
  rq_mg_configural = list(rq_model, rq_data, rq_ord, "competition", character(0),
                          character(0)),
  rq_mg_th_loadings = list(rq_model, rq_data, rq_ord, "competition",
                           c("thresholds", "loadings"), character(0)),
  # the theta parameterization (residual variances of y* as parameters)
  hs_theta = list(hs_model, hs_data, hs_ord, NULL, character(0), character(0), "theta"),
  hs_mg_theta_th_loadings = list(hs_model, hs_data, hs_ord, "school",
                                 c("thresholds", "loadings"), character(0), "theta"),
  rq_theta = list(rq_model, rq_data, rq_ord, NULL, character(0), character(0), "theta")
)

cols <- function(df) lapply(as.list(df), function(v) I(unname(v)))
fits <- list()
out_cases <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  d <- read.csv(cs[[2]])
  param <- if (length(cs) >= 7) cs[[7]] else "delta"
  fit <- sem(cs[[1]], data = d, ordered = cs[[3]], group = cs[[4]], estimator = "WLSMV",
             parameterization = param,
             group.equal = if (length(cs[[5]])) cs[[5]] else "", group.partial = if (length(cs[[6]])) cs[[6]] else "")
  fits[[name]] <- fit
  pe <- parameterEstimates(fit)
  if (is.null(pe$group)) pe$group <- 1L
  pe <- pe[pe$op != "==", c("lhs", "op", "rhs", "group", "est", "se")]
  fm <- fitMeasures(fit)
  out_cases[[name]] <- list(
    model = cs[[1]], data = cs[[2]],
    options = list(ordered = I(cs[[3]]), group = cs[[4]], group_equal = I(cs[[5]]),
                   group_partial = I(cs[[6]]), parameterization = param),
    converged = lavInspect(fit, "converged"),
    group_labels = I(if (is.null(cs[[4]])) character(0) else lavInspect(fit, "group.label")),
    estimates = cols(pe),
    fit_measures = as.list(setNames(as.numeric(fm), names(fm))))
  message(sprintf("%-20s chisq=%.4f df=%d scaled=%.4f", name, fm[["chisq"]],
                  as.integer(fm[["df"]]), fm[["chisq.scaled"]]))
}

lrt_pairs <- list(
  hs_configural_thresholds = c("hs_mg_configural", "hs_mg_thresholds"),
  hs_thresholds_loadings = c("hs_mg_thresholds", "hs_mg_th_loadings"),
  rq_configural_th_loadings = c("rq_mg_configural", "rq_mg_th_loadings"))
out_lrt <- list()
for (name in names(lrt_pairs)) {
  pr <- lrt_pairs[[name]]
  tab <- lavTestLRT(fits[[pr[1]]], fits[[pr[2]]])
  out_lrt[[name]] <- list(models = I(pr), method = attr(tab, "heading"),
                          df_diff = tab[["Df diff"]][2], chisq_diff = tab[["Chisq diff"]][2],
                          pvalue = tab[["Pr(>Chisq)"]][2])
}

# the ordinal invariance sequence with Wu & Estabrook (2016) identification, as semTools
# measEq.syntax(ID.cat = "Wu.Estabrook.2016") builds it (delta parameterization, std.lv
# factors; relqual's marker-identified models are equivalent, so the fit is the same), and
# lavTestLRT (satorra.2000, scaled.shifted) between consecutive levels
suppressPackageStartupMessages(library(semTools))
we_levels <- list(configural = "", thresholds = "thresholds",
                  metric = c("thresholds", "loadings"),
                  scalar = c("thresholds", "loadings", "intercepts"))
we_sets <- list(
  hs = list(hs_model, hs_data, hs_ord, "school"),
  hs_mixed = list("visual =~ b1 + b2 + b3\ntextual =~ c4 + c5 + c6\nspeed =~ x7 + x8 + x9",
                  hs_data, c("b1", "b2", "b3", "c4", "c5", "c6", "x7", "x8", "x9"), "school"),
  rq = list(rq_cfa, rq_data, rq_ord, "competition"))
# lavaan 0.6-14's fitMeasures() stops (in its catML robust-index code) for some
# Wu-Estabrook models; only the test statistics are then recorded
fm_safe <- function(fit) {
  tryCatch(fitMeasures(fit), error = function(e) {
    fitMeasures(fit, c("npar", "chisq", "df", "pvalue", "chisq.scaled", "df.scaled",
                       "pvalue.scaled", "chisq.scaling.factor"))
  })
}
out_inv <- list()
for (set in names(we_sets)) {
  ws <- we_sets[[set]]
  d <- read.csv(ws[[2]])
  wfits <- lapply(we_levels, function(ge)
    measEq.syntax(configural.model = ws[[1]], data = d, ordered = ws[[3]], group = ws[[4]],
                  parameterization = "delta", ID.fac = "std.lv",
                  ID.cat = "Wu.Estabrook.2016", group.equal = ge, return.fit = TRUE))
  rows <- list()
  for (k in seq_along(wfits)) {
    fm <- fm_safe(wfits[[k]])
    row <- list(level = names(we_levels)[k], fit_measures = as.list(setNames(as.numeric(fm),
                                                                             names(fm))))
    if (k > 1) {
      tab <- lavTestLRT(wfits[[k - 1]], wfits[[k]])
      row$df_diff <- tab[["Df diff"]][2]
      row$chisq_diff <- tab[["Chisq diff"]][2]
      row$pvalue_diff <- tab[["Pr(>Chisq)"]][2]
    }
    rows[[k]] <- row
  }
  out_inv[[set]] <- list(model = ws[[1]], data = ws[[2]], ordered = I(ws[[3]]), group = ws[[4]],
                         levels = rows)
  message(sprintf("invariance %-9s chisq %s", set,
                  paste(sapply(rows, function(r) sprintf("%.3f", r$fit_measures$chisq)),
                        collapse = " ")))
}

# HTMT on polychoric correlations (semTools htmt(..., ordered =)): HTMT2 (geometric means,
# semTools' default) and HTMT (arithmetic), the HS items, the Grant-White school alone (= group
# 2 of a multigroup fit) and the survey's CFA
mat <- function(m) list(names = I(rownames(m)), data = unname(lapply(seq_len(nrow(m)),
                                                                     function(i) I(m[i, ]))))
hs_d <- read.csv(hs_data)
rq_d <- read.csv(rq_data)
out_htmt <- list(
  hs = list(model = hs_model, data = hs_data, ordered = I(hs_ord),
            htmt2 = mat(htmt(hs_model, hs_d, ordered = hs_ord)),
            htmt = mat(htmt(hs_model, hs_d, ordered = hs_ord, htmt2 = FALSE))),
  hs_grant_white = list(model = hs_model, data = hs_data, ordered = I(hs_ord), group = "school",
                        group_label = "Grant-White",
                        htmt2 = mat(htmt(hs_model, hs_d[hs_d$school == "Grant-White", ],
                                         ordered = hs_ord))),
  rq = list(model = rq_cfa, data = rq_data, ordered = I(rq_ord),
            htmt2 = mat(htmt(rq_cfa, rq_d, ordered = rq_ord)),
            htmt = mat(htmt(rq_cfa, rq_d, ordered = rq_ord, htmt2 = FALSE))))

# reliability of ordered items (semTools compRelSEM): categorical omega (Green & Yang 2009;
# obs.var = TRUE, the default, and FALSE), ordinal alpha (tau.eq = TRUE, ord.scale = FALSE), and
# AVE; single group and per group of a thresholds + loadings model
rel_of <- function(fit) {
  one <- function(x) if (is.data.frame(x)) lapply(split(x[, -1, drop = FALSE], x$group),
                                                  function(r) as.list(r)) else as.list(x)
  list(omega = one(compRelSEM(fit)), omega_model = one(compRelSEM(fit, obs.var = FALSE)),
       alpha = one(compRelSEM(fit, tau.eq = TRUE, ord.scale = FALSE)),
       ave = if (lavInspect(fit, "ngroups") == 1) one(AVE(fit)) else NULL)
}
out_rel <- list(
  hs = c(list(model = hs_model, data = hs_data, ordered = I(hs_ord)),
         rel_of(cfa(hs_model, hs_d, ordered = hs_ord))),
  hs_mg_th_loadings = c(list(model = hs_model, data = hs_data, ordered = I(hs_ord),
                             group = "school", group_equal = I(c("thresholds", "loadings"))),
                        rel_of(fits[["hs_mg_th_loadings"]])),
  rq = c(list(model = rq_cfa, data = rq_data, ordered = I(rq_ord)),
         rel_of(cfa(rq_cfa, rq_d, ordered = rq_ord))))

# modification indices of WLSMV fits (lavaan modindices: score test with the DWLS
# information), for cases fitted above
out_mi <- list()
for (name in c("hs_mg_configural", "hs_mg_th_loadings", "rq_mg_configural", "hs_theta",
               "rq_theta")) {
  mi <- modindices(fits[[name]], sort. = FALSE)
  if (is.null(mi$group)) mi$group <- 1L
  out_mi[[name]] <- cols(mi[, c("lhs", "op", "rhs", "group", "mi", "epc", "sepc.lv",
                                "sepc.all", "sepc.nox")])
}

# EBM factor scores (lavPredict, lavaan's default for categorical data): the HS CFA, the
# survey's structural model (latent regressions) and group 1 of the thresholds + loadings
# model. lavaan 0.6-14 subtracts the implied y* means twice (computeTH already holds tau -
# nu - Lambda alpha, times Delta) in groups whose latent means are not 0, so only group 1 is
# a reference there; for group 2 its latent means are stored (the mean EBM score is close).
ebm_of <- function(fit) {
  p <- lavPredict(fit)
  if (is.list(p)) p <- p[[1]]
  list(names = I(colnames(p)), data = unname(lapply(seq_len(nrow(p)), function(i) I(p[i, ]))))
}
out_ebm <- list(
  hs = list(model = hs_model, data = hs_data, ordered = I(hs_ord),
            scores = ebm_of(cfa(hs_model, hs_d, ordered = hs_ord))),
  rq = list(model = rq_model, data = rq_data, ordered = I(rq_ord),
            scores = ebm_of(sem(rq_model, rq_d, ordered = rq_ord))),
  hs_mg_th_loadings = list(model = hs_model, data = hs_data, ordered = I(hs_ord),
                           group = "school", group_equal = I(c("thresholds", "loadings")),
                           scores = ebm_of(fits[["hs_mg_th_loadings"]]),
                           alpha_group2 = as.list(lavInspect(fits[["hs_mg_th_loadings"]],
                                                             "est")[[2]]$alpha[, 1])))

# bad input: a category nobody chose in one group (lavaan's error)
d <- read.csv(hs_data)
d$x1[d$school == "Pasteur" & d$x1 == 4] <- 3
err <- tryCatch({sem(hs_model, data = d, ordered = hs_ord, group = "school"); "no error"},
                error = function(e) conditionMessage(e))

out <- list(lavaan_version = as.character(packageVersion("lavaan")), cases = out_cases,
            semtools_version = as.character(packageVersion("semTools")),
            lrt = out_lrt, invariance = out_inv, htmt = out_htmt, reliability = out_rel, modindices = out_mi,
            ebm = out_ebm,
            empty_category_error = err)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
           out_file)
