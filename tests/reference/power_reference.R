#!/usr/bin/env Rscript
# RMSEA-based power and sample size (MacCallum, Browne & Sugawara 1996) with semTools:
# findRMSEApower() and findRMSEAsamplesize() on a grid of cases, written as JSON for
# tests/test_power.py (which compares rq.power_rmsea / rq.sample_size_rmsea without R).
#   Rscript tests/reference/power_reference.R tests/reference/power_rmsea.json
# Schema: {"versions": {...}, "power": [{rmsea0, rmsea_a, df, n, alpha, group, power}],
#          "sample_size": [{rmsea0, rmsea_a, df, power, alpha, group, n}]}  (n is a number, or
#          the text semTools returns when even n = 5 has enough power)
suppressPackageStartupMessages({library(semTools); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "tests/reference/power_rmsea.json"

pairs <- list(c(0.05, 0.08), c(0, 0.05), c(0.05, 0.10), c(0.05, 0.01), c(0.08, 0.05), c(0.02, 0.06))
power_rows <- list()
for (pr in pairs) for (df in c(1, 5, 20, 50, 100, 250)) for (n in c(30, 100, 200, 500, 1500))
  for (alpha in c(0.05, 0.01)) for (group in c(1, 2)) {
    p <- findRMSEApower(pr[1], pr[2], df, n, alpha, group = group)
    power_rows[[length(power_rows) + 1]] <- list(rmsea0 = pr[1], rmsea_a = pr[2], df = df, n = n,
                                                 alpha = alpha, group = group, power = p)
  }
size_rows <- list()
for (pr in pairs) for (df in c(2, 10, 40, 100, 300)) for (pw in c(0.8, 0.9))
  for (alpha in c(0.05, 0.01)) for (group in c(1, 3)) {
    n <- findRMSEAsamplesize(pr[1], pr[2], df, pw, alpha, group = group)
    size_rows[[length(size_rows) + 1]] <- list(rmsea0 = pr[1], rmsea_a = pr[2], df = df, power = pw,
                                               alpha = alpha, group = group, n = n)
  }
# one case where even n = 5 has enough power (semTools then returns a text)
size_rows[[length(size_rows) + 1]] <- list(rmsea0 = 0, rmsea_a = 0.2, df = 2000, power = 0.8,
                                           alpha = 0.05, group = 1,
                                           n = findRMSEAsamplesize(0, 0.2, 2000, 0.8, 0.05))
result <- list(versions = list(R = paste(R.version$major, R.version$minor, sep = "."),
                               semTools = as.character(packageVersion("semTools")),
                               lavaan = as.character(packageVersion("lavaan"))),
               power = power_rows, sample_size = size_rows)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = FALSE), out)
cat("wrote", length(power_rows), "power and", length(size_rows), "sample-size cases to", out, "\n")
