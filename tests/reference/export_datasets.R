#!/usr/bin/env Rscript
# Export the classic datasets bundled with lavaan to data/*.csv (repo root).
# Deterministic: re-running reproduces the committed files byte for byte
# (given the same lavaan version).  Usage: Rscript tests/reference/export_datasets.R
suppressPackageStartupMessages(library(lavaan))
a <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
root <- if (length(a)) normalizePath(file.path(dirname(sub("^--file=", "", a[1])), "..", "..")) else "."
dir.create(file.path(root, "data"), showWarnings = FALSE)

hs <- lavaan::HolzingerSwineford1939
hs$school <- as.character(hs$school)          # factor -> text
write.csv(hs, file.path(root, "data", "holzinger_swineford.csv"), row.names = FALSE)

pd <- lavaan::PoliticalDemocracy
write.csv(pd, file.path(root, "data", "political_democracy.csv"), row.names = FALSE)

# sanity: CSV round trip must reproduce lavaan's data exactly
chk <- read.csv(file.path(root, "data", "holzinger_swineford.csv"))
stopifnot(isTRUE(all.equal(chk, hs, tolerance = 0)))
chk <- read.csv(file.path(root, "data", "political_democracy.csv"))
stopifnot(identical(chk, pd))
message("datasets exported from lavaan ", packageVersion("lavaan"))
