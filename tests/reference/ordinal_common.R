# ---------------------------------------------------------------------------
# ordinal_common.R -- what the lavaan 0.6-14 reference scripts of ordered items share; each
# sources it from the repository root: source("tests/reference/ordinal_common.R").
#
# Gives: lavaan and jsonlite loaded; output_file(default), the JSON a script writes;
# mask(d, items, cut), the deterministic MCAR rule of the pairwise-deletion references; the two
# models fitted throughout with their ordered items and data files:
#   hs_model, hs_ord, hs_data: the Holzinger-Swineford three-factor CFA (lavaan's ?cfa example)
#     on data/holzinger_swineford_ordinal.csv (x1-x9 cut into 4 categories);
#   rq_model, rq_ord, rq_data: the relationship-quality survey's CF -> SAT -> TR model on
#     data/relationship_quality.csv (5-point items).
# ---------------------------------------------------------------------------
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

# the script's first command-line argument, else its default path
output_file <- function(default) {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) >= 1) args[1] else default
}

# answers removed from data frame d: the value in row r (1-based) of the c-th of items goes
# when (r * 7919 + c * 6983) %% 101 < cut (relqual's tests apply the same rule)
mask <- function(d, items, cut) {
  r <- seq_len(nrow(d))
  for (c in seq_along(items)) d[[items[c]]][((r * 7919 + c * 6983) %% 101) < cut] <- NA
  d
}

hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
rq_model <- paste("CF  =~ cf1 + cf2 + cf3 + cf4", "SAT =~ sat1 + sat2 + sat3 + sat4",
                  "TR  =~ tr1 + tr2 + tr3 + tr4", "SAT ~ CF", "TR ~ SAT + CF", sep = "\n")
hs_ord <- paste0("x", 1:9)
rq_ord <- c(paste0("cf", 1:4), paste0("sat", 1:4), paste0("tr", 1:4))
hs_data <- "data/holzinger_swineford_ordinal.csv"
rq_data <- "data/relationship_quality.csv"
