# Wall time of lavaan's se = "bootstrap" on the relationship-quality survey (listwise rows).
# Usage (from the repository root): Rscript bench/lavaan_bootstrap_timing.R DRAWS
# Prints one JSON line: {"draws": ..., "seconds": ...}
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
draws <- if (length(args) > 0) as.integer(args[1]) else 1000L
model <- "CF =~ cf1 + cf2 + cf3 + cf4
SAT =~ sat1 + sat2 + sat3 + sat4
TR =~ tr1 + tr2 + tr3 + tr4
AC =~ ac1 + ac2 + ac3 + ac4
CC =~ cc1 + cc2 + cc3 + cc4
SAT ~ CF
TR ~ SAT + CF
AC ~ SAT + TR + CF
CC ~ AC + SAT + CF"
dat <- read.csv("data/relationship_quality.csv")
t0 <- proc.time()[["elapsed"]]
fit <- sem(model, data = dat, se = "bootstrap", bootstrap = draws, iseed = 1)
pe <- parameterEstimates(fit)
cat(sprintf('{"draws": %d, "seconds": %.3f}\n', draws, proc.time()[["elapsed"]] - t0))
