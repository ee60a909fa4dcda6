# Median wall and CPU time of the ordinal invariance sequence in lavaan + semTools: the four
# Wu & Estabrook (2016) models of measEq.syntax (configural, thresholds, + loadings, +
# intercepts), fitted by WLSMV, their fit measures and lavTestLRT between consecutive levels.
# Usage (from the repository root): Rscript bench/lavaan_ordinal_invariance_timing.R REPS
# Prints one JSON line: {"model": ..., "median_ms": ..., "cpu_ms": ...}
suppressPackageStartupMessages({library(lavaan); library(semTools)})
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 3L
model <- paste("CF =~ cf1 + cf2 + cf3 + cf4", "SAT =~ sat1 + sat2 + sat3 + sat4",
               "TR =~ tr1 + tr2 + tr3 + tr4", "AC =~ ac1 + ac2 + ac3 + ac4",
               "CC =~ cc1 + cc2 + cc3 + cc4", sep = "\n")
d <- read.csv("data/relationship_quality.csv")
items <- c(paste0("cf", 1:4), paste0("sat", 1:4), paste0("tr", 1:4), paste0("ac", 1:4),
           paste0("cc", 1:4))
levels <- list("", "thresholds", c("thresholds", "loadings"),
               c("thresholds", "loadings", "intercepts"))
times <- cpu <- numeric(reps)
for (i in seq_len(reps)) {
  t0 <- proc.time()
  fits <- lapply(levels, function(ge)
    measEq.syntax(configural.model = model, data = d, ordered = items, group = "competition",
                  parameterization = "delta", ID.fac = "std.lv",
                  ID.cat = "Wu.Estabrook.2016", group.equal = ge, return.fit = TRUE))
  fm <- lapply(fits, function(f) fitMeasures(f, c("chisq.scaled", "df", "cfi.scaled",
                                                  "rmsea.scaled", "srmr")))
  lrt <- lapply(2:4, function(k) lavTestLRT(fits[[k - 1]], fits[[k]]))
  t1 <- proc.time()
  times[i] <- t1[["elapsed"]] - t0[["elapsed"]]
  cpu[i] <- (t1[["user.self"]] + t1[["sys.self"]]) - (t0[["user.self"]] + t0[["sys.self"]])
}
cat(sprintf('{"model": "relationship_quality", "median_ms": %.3f, "cpu_ms": %.3f}\n',
            1000 * median(times), 1000 * median(cpu)))
