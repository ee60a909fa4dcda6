#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_pairwise_reference.R -- lavaan 0.6-14 references for relqual's WLSMV with
# missing = "pairwise" (issue 15, item 4): thresholds from each item's answers, polychoric
# correlations from each pair's complete rows, Gamma (NACOV) under pairwise deletion
# (muthen1984 with NA scores counted as 0), and the fit on top of them.
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_pairwise_reference.R [OUT_JSON]
#   # default tests/reference/ordinal_pairwise.json
#
# Data: data/relationship_quality.csv (the bundled survey's 5-point items; it has ~1.5%
# missing answers of its own) and data/holzinger_swineford_ordinal.csv (the HS scores cut
# into 4 categories; in the mixed case x7-x9 are the continuous scores of
# data/holzinger_swineford.csv), each with further answers removed deterministically (MCAR):
# the value in row r (1-based) of the c-th variable of the case's `masked` list is removed
# when (r * 7919 + c * 6983) %% 101 < cut (cut = 4 for the survey, 5 for HS; relqual's test
# applies the same rule). Mixed cases: the survey's cf1-cf4 and the HS x7-x9 continuous.
# Output: lavaan_version; mask (the rule's constants); cases: {name: {model, data, cut,
#   masked, continuous_from (a file whose columns of the continuous variables replace data's,
#   or null), options (ordered, group, group_equal), converged, nobs (per group), ntotal,
#   group_labels, estimates (lhs op rhs group est se, column-wise), fit_measures (named,
#   NA -> null), sampstat (group 1: th (named), cor (lavaan's "cov": correlations, covariances with
#   continuous variables; matrix rows), mean (named; 0 for ordered items), gamma_diag, and for
#   hs_single and hs_mixed_single
#   gamma (matrix rows)), ebm (single-group cases: lavPredict's EBM factor scores, one row per
#   used row, incomplete rows scored from their answers)}};
#   lrt: {name: {models (free, constrained), method, df_diff, chisq_diff, pvalue}}.
# ---------------------------------------------------------------------------
source("tests/reference/ordinal_common.R")   # lavaan, jsonlite, output_file, mask, hs_*, rq_*
out_file <- output_file("tests/reference/ordinal_pairwise.json")


# name = list(model, data, ordered, group, group_equal, cut, [masked, continuous_from])
hs_cont <- "data/holzinger_swineford.csv"
cases <- list(
  rq_single = list(rq_model, rq_data, rq_ord, NULL, character(0), 4),
  rq_groups = list(rq_model, rq_data, rq_ord, "competition", character(0), 4),
  rq_groups_th_loadings = list(rq_model, rq_data, rq_ord, "competition",
                               c("thresholds", "loadings"), 4),
  hs_single = list(hs_model, hs_data, hs_ord, NULL, character(0), 5),
  hs_groups_thresholds = list(hs_model, hs_data, hs_ord, "school", "thresholds", 5),
  # mixed ordinal and continuous variables: polyserial and Pearson correlations too
  hs_mixed_single = list(hs_model, hs_data, hs_ord[1:6], NULL, character(0), 5, hs_ord,
                         hs_cont),
  rq_mixed_groups = list(rq_model, rq_data, rq_ord[5:12], "competition", character(0), 4,
                         rq_ord, NULL)
)

cols <- function(df) lapply(as.list(df), function(v) I(unname(v)))
rows <- function(m) unname(lapply(seq_len(nrow(m)), function(i) I(unname(m[i, ]))))
out_cases <- list()
fits <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  masked <- if (length(cs) >= 7) cs[[7]] else cs[[3]]
  cont_from <- if (length(cs) >= 8) cs[[8]] else NULL
  d <- read.csv(cs[[2]])
  if (!is.null(cont_from)) {
    d2 <- read.csv(cont_from)
    for (v in setdiff(masked, cs[[3]])) d[[v]] <- d2[[v]]
  }
  d <- mask(d, masked, cs[[6]])
  fit <- sem(cs[[1]], data = d, ordered = cs[[3]], group = cs[[4]], estimator = "WLSMV",
             missing = "pairwise", group.equal = if (length(cs[[5]])) cs[[5]] else "")
  fits[[name]] <- fit
  pe <- parameterEstimates(fit)
  if (is.null(pe$group)) pe$group <- 1L
  pe <- pe[pe$op != "==", c("lhs", "op", "rhs", "group", "est", "se")]
  fm <- fitMeasures(fit)
  ss <- lavInspect(fit, "sampstat")
  gm <- lavInspect(fit, "gamma")
  if (!is.null(cs[[4]])) {
    ss <- ss[[1]]
    gm <- gm[[1]]
  }
  out_cases[[name]] <- list(
    model = cs[[1]], data = cs[[2]], cut = cs[[6]], masked = I(masked),
    continuous_from = cont_from,
    options = list(ordered = I(cs[[3]]), group = cs[[4]], group_equal = I(cs[[5]])),
    converged = lavInspect(fit, "converged"),
    nobs = I(lavInspect(fit, "nobs")), ntotal = lavInspect(fit, "ntotal"),
    group_labels = I(if (is.null(cs[[4]])) character(0) else lavInspect(fit, "group.label")),
    estimates = cols(pe),
    fit_measures = as.list(setNames(as.numeric(fm), names(fm))),
    sampstat = list(th = as.list(setNames(as.numeric(ss$th), names(ss$th))),
                    cor = rows(unclass(ss$cov)),
                    gamma_diag = I(unname(diag(gm))),
                    mean = as.list(setNames(as.numeric(ss$mean), names(ss$mean))),
                    gamma = if (name %in% c("hs_single", "hs_mixed_single"))
                      rows(unclass(gm)) else NULL),
    ebm = if (is.null(cs[[4]])) rows(lavPredict(fit)) else NULL)
  message(sprintf("%-22s nobs=%s chisq=%.4f df=%d scaled=%.4f", name,
                  paste(lavInspect(fit, "nobs"), collapse = "/"), fm[["chisq"]],
                  as.integer(fm[["df"]]), fm[["chisq.scaled"]]))
}

# lavTestLRT's scaled difference test (satorra.2000, scaled.shifted) between nested fits
tab <- lavTestLRT(fits[["rq_groups"]], fits[["rq_groups_th_loadings"]])
out_lrt <- list(rq_configural_th_loadings = list(
  models = I(c("rq_groups", "rq_groups_th_loadings")), method = attr(tab, "heading"),
  df_diff = tab[["Df diff"]][2], chisq_diff = tab[["Chisq diff"]][2],
  pvalue = tab[["Pr(>Chisq)"]][2]))

out <- list(lavaan_version = as.character(packageVersion("lavaan")),
            mask = list(a = 7919, b = 6983, modulus = 101), cases = out_cases, lrt = out_lrt)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = FALSE), out_file)
message("wrote ", out_file)
