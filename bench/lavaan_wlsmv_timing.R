# Median wall time of lavaan WLSMV fits with ordered items (estimates with the standardized
# solution, fit measures), and of their sample statistics (thresholds, polychorics, Gamma).
# Usage (from the repository root): Rscript bench/lavaan_wlsmv_timing.R REPS
# Prints one JSON line per case: {"model": ..., "median_ms": ..., "cpu_ms": ..., "samplestats_ms": ...}
# (median_ms: wall time; cpu_ms: user + system CPU time of the R process, less sensitive to a busy
# machine)
suppressPackageStartupMessages(library(lavaan))
source("bench/models.R")
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 5L
cases <- list(
  relationship_quality = list(data = read.csv("data/relationship_quality.csv"), ordered = RQ_ITEMS,
                              model = RQ_MODEL),
  hs_ordinal = list(data = read.csv("data/holzinger_swineford_ordinal.csv"),
                    ordered = paste0("x", 1:9), model = HS_MODEL))
for (name in names(cases)) {
  m <- cases[[name]]
  times <- numeric(reps)
  cpu <- numeric(reps)
  ss <- numeric(reps)
  for (i in seq_len(reps)) {
    t0 <- proc.time()
    fit <- sem(m$model, data = m$data, ordered = m$ordered, estimator = "WLSMV")
    pe <- parameterEstimates(fit, standardized = TRUE)
    fm <- fitMeasures(fit)
    t1 <- proc.time()
    times[i] <- t1[["elapsed"]] - t0[["elapsed"]]
    cpu[i] <- (t1[["user.self"]] + t1[["sys.self"]]) - (t0[["user.self"]] + t0[["sys.self"]])
    ss[i] <- lavInspect(fit, "timing")$SampleStats
  }
  cat(sprintf('{"model": "%s", "median_ms": %.3f, "cpu_ms": %.3f, "samplestats_ms": %.3f}\n',
              name, 1000 * median(times), 1000 * median(cpu), 1000 * median(ss)))
}
