# Median wall time of complete lavaan fits (estimates, SEs, fit measures), from syntax and data.
# Usage: Rscript bench/lavaan_timing.R REPS   (run from the repository root)
# Prints one JSON line per model: {"model": ..., "median_ms": ...}
suppressPackageStartupMessages(library(lavaan))
source("bench/models.R")
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 30L
models <- list(
  hs_cfa = list(data = read.csv("data/holzinger_swineford.csv"), fun = cfa, model = HS_MODEL),
  poldem_sem = list(data = read.csv("data/political_democracy.csv"), fun = sem, model = POLDEM_MODEL),
  relationship_quality = list(data = read.csv("data/relationship_quality.csv"), fun = sem,
                              model = RQ_MODEL))
for (name in names(models)) {
  m <- models[[name]]
  ms <- median_ms(function() {
    fit <- m$fun(m$model, data = m$data)
    parameterEstimates(fit, standardized = TRUE)
    fitMeasures(fit)
  }, reps)
  cat(sprintf('{"model": "%s", "median_ms": %.3f}\n', name, ms))
}
