# Median wall time of lavaan missing = "ml" fits (estimates, SEs, fit measures).
# Usage (from the repository root): Rscript bench/lavaan_fiml_timing.R REPS
# Prints one JSON line per case: {"model": ..., "median_ms": ...}
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 5L
rq_model <- "CF =~ cf1 + cf2 + cf3 + cf4
SAT =~ sat1 + sat2 + sat3 + sat4
TR =~ tr1 + tr2 + tr3 + tr4
AC =~ ac1 + ac2 + ac3 + ac4
CC =~ cc1 + cc2 + cc3 + cc4
SAT ~ CF
TR ~ SAT + CF
AC ~ SAT + TR + CF
CC ~ AC + SAT + CF"
cases <- list(
  relationship_quality = list(model = rq_model, data = read.csv("data/relationship_quality.csv"),
                              estimator = "ML"),
  relationship_quality_mlr = list(model = rq_model, data = read.csv("data/relationship_quality.csv"),
                                  estimator = "MLR"),
  hs_missing = list(model = "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9", data = read.csv("data/holzinger_swineford_missing.csv"), estimator = "ML"))
for (name in names(cases)) {
  m <- cases[[name]]
  times <- numeric(reps)
  for (i in seq_len(reps)) {
    t0 <- proc.time()[["elapsed"]]
    fit <- sem(m$model, data = m$data, missing = "ml", estimator = m$estimator)
    pe <- parameterEstimates(fit)
    fm <- fitMeasures(fit)
    times[i] <- proc.time()[["elapsed"]] - t0
  }
  cat(sprintf('{"model": "%s", "median_ms": %.3f}\n', name, 1000 * median(times)))
}
