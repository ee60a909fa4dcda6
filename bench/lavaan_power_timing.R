# Wall time of a simsem-style Monte Carlo loop in lavaan: REPS data sets of N rows drawn from the
# relationship-quality population (simulateData; the population syntax is read from the file
# POPULATION, which bench/bench_power.py writes from the library spec), each fitted with sem()
# and parameterEstimates(). Only the fits are timed. With MISSING_RATE > 0 every cell is set
# missing with that probability (MCAR) and the fits use full-information ML (missing = "ml").
# Usage (from the repository root):
#   Rscript bench/lavaan_power_timing.R REPS N POPULATION [MISSING_RATE]
# Prints one JSON line: {"fits": ..., "n": ..., "seconds": ..., "converged": ...}
suppressPackageStartupMessages(library(lavaan))
source("bench/models.R")
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: Rscript bench/lavaan_power_timing.R REPS N POPULATION")
reps <- as.integer(args[1])
n <- as.integer(args[2])
population <- paste(readLines(args[3]), collapse = "\n")
missing_rate <- if (length(args) >= 4) as.numeric(args[4]) else 0
set.seed(1)
datasets <- lapply(seq_len(reps), function(i) {
  d <- simulateData(population, sample.nobs = n)
  if (missing_rate > 0) d[matrix(runif(nrow(d) * ncol(d)) < missing_rate, nrow(d))] <- NA
  d
})
converged <- 0L
t0 <- proc.time()[["elapsed"]]
for (d in datasets) {
  fit <- if (missing_rate > 0) sem(RQ_MODEL, data = d, missing = "ml") else sem(RQ_MODEL, data = d)
  pe <- parameterEstimates(fit)
  converged <- converged + lavInspect(fit, "converged")
}
seconds <- proc.time()[["elapsed"]] - t0
cat(sprintf('{"fits": %d, "n": %d, "seconds": %.3f, "converged": %d}\n', reps, n, seconds, converged))
