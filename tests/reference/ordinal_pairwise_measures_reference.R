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
source("tests/reference/ordinal_common.R")   # lavaan, jsonlite, output_file, mask, hs_*
suppressPackageStartupMessages(library(semTools))
out_file <- output_file("tests/reference/ordinal_pairwise_measures.json")

items <- hs_ord
cut <- 5
d <- mask(read.csv(hs_data), items, cut)
model <- hs_model

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
