# Median wall time of lavaan missing = "ml" fits (estimates, SEs, fit measures).
# Usage (from the repository root): Rscript bench/lavaan_fiml_timing.R REPS
# Prints one JSON line per case: {"model": ..., "median_ms": ...}
suppressPackageStartupMessages(library(lavaan))
source("bench/models.R")
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 5L
survey <- read.csv("data/relationship_quality.csv")
cases <- list(
  relationship_quality = list(model = RQ_MODEL, data = survey, estimator = "ML"),
  relationship_quality_mlr = list(model = RQ_MODEL, data = survey, estimator = "MLR"),
  hs_missing = list(model = HS_MODEL, data = read.csv("data/holzinger_swineford_missing.csv"),
                    estimator = "ML"))
for (name in names(cases)) {
  m <- cases[[name]]
  ms <- median_ms(function() {
    fit <- sem(m$model, data = m$data, missing = "ml", estimator = m$estimator)
    parameterEstimates(fit)
    fitMeasures(fit)
  }, reps)
  cat(sprintf('{"model": "%s", "median_ms": %.3f}\n', name, ms))
}
