#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# ordinal_pairwise_measures_reference.R -- lavaan 0.6-14 / semTools references for the Result
# methods of a WLSMV fit with missing = "pairwise": modification indices (lavaan's
# modindices), categorical omega (semTools compRelSEM, Green & Yang 2009) and HTMT on
# pairwise polychoric correlations (semTools htmt(..., missing = "pairwise"), htmt2 = TRUE).
#
# Usage (from the repository root):
#   Rscript tests/reference/ordinal_pairwise_measures_reference.R [OUT_JSON]
#   # default tests/reference/ordinal_pairwise_measures.json
#
# Data: data/holzinger_swineford_ordinal.csv with answers removed by the rule of
# ordinal_pairwise_reference.R: the value in row r (1-based) of item x<c> is removed when
# (r * 7919 + c * 6983) %% 101 < 5.
# Output: lavaan_version, semtools_version, model, cut, omega (named by factor),
#   modindices (the 12 largest: lhs op rhs mi epc sepc.all), htmt (matrix rows, factor order).
# ---------------------------------------------------------------------------
suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else "tests/reference/ordinal_pairwise_measures.json"

items <- paste0("x", 1:9)
cut <- 5
d <- read.csv("data/holzinger_swineford_ordinal.csv")
r <- seq_len(nrow(d))
for (c in seq_along(items)) d[[items[c]]][((r * 7919 + c * 6983) %% 101) < cut] <- NA
model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"

fit <- cfa(model, d, ordered = items, missing = "pairwise")
mi <- modindices(fit, sort. = TRUE)[1:12, c("lhs", "op", "rhs", "mi", "epc", "sepc.all")]
rownames(mi) <- NULL
h <- htmt(model, d, ordered = items, missing = "pairwise")
out <- list(lavaan_version = as.character(packageVersion("lavaan")),
            semtools_version = as.character(packageVersion("semTools")),
            model = model, cut = cut,
            omega = as.list(compRelSEM(fit)),
            modindices = as.list(mi),
            htmt = unname(lapply(seq_len(nrow(h)), function(i) unname(h[i, ]))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), out_file)
