#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_theta_scores_reference.R -- lavaan 0.6-14 EBM factor scores (lavPredict, lavaan's
# default for categorical data) after WLSMV fits with parameterization = "theta" (issue 15).
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_theta_scores_reference.R [OUT_JSON]
#   # default tests/reference/ordinal_theta_scores.json
#
# Data: data/holzinger_swineford_ordinal.csv (HS scores cut into 4 categories, by school) and
# data/relationship_quality.csv (the survey's 5-point items; listwise deletion).
# Output: lavaan_version; ebm: {set: {model, data, ordered, group, group_equal,
#   scores: [per group {names, data (rows, in the order of the fitted rows)}]}}.
# ---------------------------------------------------------------------------
source("tests/reference/ordinal_common.R")   # lavaan, jsonlite, output_file, hs_*, rq_*
out_file <- output_file("tests/reference/ordinal_theta_scores.json")


# name = list(model, data, ordered, group, group_equal)
sets <- list(
  hs_theta = list(hs_model, hs_data, hs_ord, NULL, character(0)),
  rq_theta = list(rq_model, rq_data, rq_ord, NULL, character(0)),
  hs_mg_theta_th_loadings = list(hs_model, hs_data, hs_ord, "school",
                                 c("thresholds", "loadings")),
  rq_mg_theta = list(rq_model, rq_data, rq_ord, "competition", character(0))
)
score_rows <- function(p) list(names = I(colnames(p)),
                               data = unname(lapply(seq_len(nrow(p)), function(i) I(p[i, ]))))
out <- list()
for (name in names(sets)) {
  s <- sets[[name]]
  fit <- sem(s[[1]], data = read.csv(s[[2]]), ordered = s[[3]], group = s[[4]],
             estimator = "WLSMV", parameterization = "theta",
             group.equal = if (length(s[[5]])) s[[5]] else "")
  p <- lavPredict(fit)
  if (!is.list(p)) p <- list(p)
  out[[name]] <- list(model = s[[1]], data = s[[2]], ordered = I(s[[3]]), group = s[[4]],
                      group_equal = I(s[[5]]), scores = unname(lapply(p, score_rows)))
  message(sprintf("%-26s groups=%d rows=%s", name, length(p),
                  paste(sapply(p, nrow), collapse = "/")))
}
writeLines(toJSON(list(lavaan_version = as.character(packageVersion("lavaan")), ebm = out),
                  auto_unbox = TRUE, digits = NA, na = "null", pretty = FALSE), out_file)
message("wrote ", out_file)
