# Median wall time of complete lavaan fits (estimates, SEs, fit measures), from syntax and data.
# Usage: Rscript bench/lavaan_timing.R REPS   (run from the repository root)
# Prints one JSON line per model: {"model": ..., "median_ms": ...}
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 30L
hs <- read.csv("data/holzinger_swineford.csv")
pd <- read.csv("data/political_democracy.csv")
rqd <- read.csv("data/relationship_quality.csv")
models <- list(
  hs_cfa = list(data = hs, fun = cfa, model = "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"),
  poldem_sem = list(data = pd, fun = sem, model = "ind60 =~ x1 + x2 + x3
dem60 =~ y1 + a*y2 + b*y3 + c*y4
dem65 =~ y5 + a*y6 + b*y7 + c*y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"),
  relationship_quality = list(data = rqd, fun = sem, model = "CF =~ cf1 + cf2 + cf3 + cf4
SAT =~ sat1 + sat2 + sat3 + sat4
TR =~ tr1 + tr2 + tr3 + tr4
AC =~ ac1 + ac2 + ac3 + ac4
CC =~ cc1 + cc2 + cc3 + cc4
SAT ~ CF
TR ~ SAT + CF
AC ~ SAT + TR + CF
CC ~ AC + SAT + CF"))
for (name in names(models)) {
  m <- models[[name]]
  times <- numeric(reps)
  for (i in seq_len(reps)) {
    t0 <- proc.time()[["elapsed"]]
    fit <- m$fun(m$model, data = m$data)
    pe <- parameterEstimates(fit, standardized = TRUE)
    fm <- fitMeasures(fit)
    times[i] <- proc.time()[["elapsed"]] - t0
  }
  cat(sprintf('{"model": "%s", "median_ms": %.3f}\n', name, 1000 * median(times)))
}
