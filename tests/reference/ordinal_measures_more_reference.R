#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_measures_more_reference.R -- lavaan 0.6-14 / semTools 0.5-6 references for Result
# methods of WLSMV fits (issue 15, item 6): compare_paths() of a two-group fit (lavTestWald
# with the robust vcov; lavTestLRT of the model refitted with the path equal across groups,
# lavaan's default "satorra.2000" scaled-shifted difference for WLSMV), the Fornell-Larcker
# ingredients (semTools AVE() for categorical indicators, lavInspect "cor.lv"), the
# standardized (std.all) loadings and R-squares of the latent responses (item diagnostics),
# ordinal alpha if an item is deleted, EBM factor scores of a fit with ordered and continuous
# items, and an ordered item's latent response as a predictor.
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_measures_more_reference.R [OUT_JSON]
#   # default tests/reference/ordinal_measures_more.json
#
# Data: data/relationship_quality.csv (the survey's 5-point items, groups "competition"),
# listwise deletion (lavaan's default for WLSMV; one path comparison after missing = "pairwise").
# Output: lavaan_version, semtools_version, model, ordered, group, group_labels;
#   paths: {name: {path, ordered (tr_sat_mixed: cf1, sat1 continuous), missing, est (per group), se (per group), wald_chisq, wald_df, wald_pvalue,
#           lrt_chisq, lrt_df, lrt_pvalue, chisq_free, chisq_equal}};
#   measures: {single, groups, mixed (cf1 and sat1 continuous): per group {ave (named; semTools
#              AVE(), obs.var = TRUE), factors, cor_lv (matrix rows, factor order), std_all
#              (lhs rhs est se of the =~ rows), r2 (named)}};
#   mixed_ordered; alpha_if_deleted: {item: ordinal alpha of its factor's other items};
#   mixed_scores: {names, data (rows)}: EBM factor scores (lavPredict) of the mixed fit;
#   predictor: {model, ordered, estimates (lhs op rhs est se), fit_measures}: an ordered item's
#   latent response as a predictor (single-indicator factor F1 =~ cf1 with F1 ~~ 1*F1).
# ---------------------------------------------------------------------------
suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else "tests/reference/ordinal_measures_more.json"

d <- read.csv("data/relationship_quality.csv")
ordered <- c(paste0("cf", 1:4), paste0("sat", 1:4), paste0("tr", 1:4))
meas <- paste("CF  =~ cf1 + cf2 + cf3 + cf4", "SAT =~ sat1 + sat2 + sat3 + sat4",
              "TR  =~ tr1 + tr2 + tr3 + tr4", sep = "\n")
model <- paste(meas, "SAT ~ CF", "TR ~ SAT + CF", sep = "\n")

# each compared path: the model with labels (free) and with one shared label (equal)
paths <- list(
  tr_sat = list(path = "TR ~ SAT", free = "TR ~ c(p1, p2)*SAT + CF",
                equal = "TR ~ c(p, p)*SAT + CF", replace = "TR ~ SAT + CF"),
  sat_cf = list(path = "SAT ~ CF", free = "SAT ~ c(p1, p2)*CF", equal = "SAT ~ c(p, p)*CF",
                replace = "SAT ~ CF"),
  sat2 = list(path = "SAT =~ sat2", free = "SAT =~ sat1 + c(p1, p2)*sat2 + sat3 + sat4",
              equal = "SAT =~ sat1 + c(p, p)*sat2 + sat3 + sat4",
              replace = "SAT =~ sat1 + sat2 + sat3 + sat4")
)
# cf1 and sat1 continuous (polyserial and Pearson correlations beside the polychoric ones)
mixed_ordered <- setdiff(ordered, c("cf1", "sat1"))
paths$tr_sat_mixed <- c(paths$tr_sat, list(ordered = list(mixed_ordered)))
paths$tr_sat_pairwise <- c(paths$tr_sat, list(missing = "pairwise"))
fit <- sem(model, d, ordered = ordered, group = "competition")
out_paths <- list()
for (name in names(paths)) {
  p <- paths[[name]]
  ord <- if (is.null(p$ordered)) ordered else p$ordered[[1]]
  missing <- if (is.null(p$missing)) "listwise" else p$missing
  m_free <- sub(p$replace, p$free, model, fixed = TRUE)
  m_equal <- sub(p$replace, p$equal, model, fixed = TRUE)
  f1 <- sem(m_free, d, ordered = ord, group = "competition", missing = missing)
  f0 <- sem(m_equal, d, ordered = ord, group = "competition", missing = missing)
  pe <- parameterEstimates(f1)
  pe <- pe[!is.na(pe$label) & pe$label %in% c("p1", "p2"), ]
  w <- lavTestWald(f1, "p1 == p2")
  lrt <- lavTestLRT(f1, f0)           # WLSMV: method = "satorra.2000", scaled.shifted
  out_paths[[name]] <- list(path = p$path, ordered = ord, missing = missing, est = pe$est, se = pe$se,
                            wald_chisq = w$stat, wald_df = w$df, wald_pvalue = w$p.value,
                            lrt_chisq = lrt[2, "Chisq diff"], lrt_df = lrt[2, "Df diff"],
                            lrt_pvalue = lrt[2, "Pr(>Chisq)"],
                            chisq_free = fitMeasures(f1, "chisq")[[1]],
                            chisq_equal = fitMeasures(f0, "chisq")[[1]])
}

measures_of <- function(f) {
  ave <- AVE(f)
  cl <- lavInspect(f, "cor.lv")
  r2 <- lavInspect(f, "r2")
  std <- standardizedSolution(f)
  one <- function(g) {
    a <- if (is.data.frame(ave)) as.list(ave[g, names(ave) != "group"]) else as.list(ave)
    c_g <- if (is.list(cl)) cl[[g]] else cl
    r_g <- if (is.list(r2)) r2[[g]] else r2
    s <- std[std$op == "=~" & (if ("group" %in% names(std)) std$group == g else TRUE), ]
    list(ave = a, factors = rownames(c_g),
         cor_lv = unname(lapply(seq_len(nrow(c_g)), function(i) unname(c_g[i, ]))),
         std_all = list(lhs = s$lhs, rhs = s$rhs, est = s$est.std, se = s$se),
         r2 = as.list(r_g))
  }
  ng <- lavInspect(f, "ngroups")
  lapply(seq_len(ng), one)
}
single <- sem(model, d, ordered = ordered)
# ordinal alpha if an item is deleted: semTools compRelSEM(tau.eq = TRUE, ord.scale = FALSE)
# of the factor without the item, on the rows complete on all items (the fit's rows)
complete <- d[complete.cases(d[ordered]), ]
factor_items <- list(CF = paste0("cf", 1:4), SAT = paste0("sat", 1:4), TR = paste0("tr", 1:4))
alpha_if_deleted <- list()
for (f in names(factor_items)) {
  for (v in factor_items[[f]]) {
    rest <- setdiff(factor_items[[f]], v)
    fr <- cfa(paste(f, "=~", paste(rest, collapse = " + ")), complete, ordered = rest)
    alpha_if_deleted[[v]] <- compRelSEM(fr, tau.eq = TRUE, ord.scale = FALSE)[[f]]
  }
}
mixed <- sem(model, d, ordered = mixed_ordered)
scores <- lavPredict(mixed)          # EBM, lavaan's default with ordered items (fitted rows)
# an ordered item's latent response as a predictor: a single-indicator factor with variance 1
# (lavaan itself treats an ordered exogenous item in "SAT ~ cf1" as numeric, with a warning)
predictor_model <- paste("SAT =~ sat1 + sat2 + sat3 + sat4", "F1 =~ cf1", "F1 ~~ 1*F1",
                         "SAT ~ F1", sep = "\n")
predictor <- sem(predictor_model, d, ordered = c("cf1", paste0("sat", 1:4)))
pe <- parameterEstimates(predictor)
fm_names <- c("chisq", "df", "chisq.scaled", "cfi.scaled", "rmsea.scaled", "srmr")
out <- list(lavaan_version = as.character(packageVersion("lavaan")),
            semtools_version = as.character(packageVersion("semTools")),
            model = model, ordered = ordered, group = "competition",
            group_labels = lavInspect(fit, "group.label"),
            paths = out_paths,
            measures = list(single = measures_of(single), groups = measures_of(fit),
                            mixed = measures_of(mixed)),
            mixed_ordered = mixed_ordered, alpha_if_deleted = alpha_if_deleted,
            mixed_scores = list(names = colnames(scores),
                                data = unname(lapply(seq_len(nrow(scores)),
                                                     function(i) unname(scores[i, ])))),
            predictor = list(model = predictor_model, ordered = c("cf1", paste0("sat", 1:4)),
                             estimates = list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs,
                                              est = pe$est, se = pe$se),
                             fit_measures = as.list(fitMeasures(predictor, fm_names))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), out_file)
