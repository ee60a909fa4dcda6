# Wall time of lavaan's se = "bootstrap" on the relationship-quality survey (listwise rows).
# Usage (from the repository root): Rscript bench/lavaan_bootstrap_timing.R DRAWS
# Prints one JSON line: {"draws": ..., "seconds": ..., "cpu_seconds": ...} (wall and CPU time)
suppressPackageStartupMessages(library(lavaan))
source("bench/models.R")
model <- RQ_MODEL
args <- commandArgs(trailingOnly = TRUE)
draws <- if (length(args) > 0) as.integer(args[1]) else 1000L
dat <- read.csv("data/relationship_quality.csv")
t0 <- proc.time()
fit <- sem(model, data = dat, se = "bootstrap", bootstrap = draws, iseed = 1)
pe <- parameterEstimates(fit)
used <- proc.time() - t0
cat(sprintf('{"draws": %d, "seconds": %.3f, "cpu_seconds": %.3f}\n', draws, used[["elapsed"]],
            used[["user.self"]] + used[["sys.self"]]))
