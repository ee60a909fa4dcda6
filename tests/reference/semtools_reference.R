#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# semtools_reference.R -- reliability and validity reference values for relqual
# (issue 4: tests/test_measurement.py and tests/test_modindices.py).
#
# Usage (from the repository root):
#   Rscript tests/reference/semtools_reference.R [OUT_JSON]
#   default OUT_JSON: tests/reference/semtools.json
#
# For every case below it fits the model with lavaan and records, per group (`blocks`, one entry
# per group; single-group models have one)
#   omega          semTools::compRelSEM(fit)                   (defaults: obs.var = TRUE)
#   omega_model    semTools::compRelSEM(fit, obs.var = FALSE)  (model-implied total variance)
#   alpha          semTools::compRelSEM(fit, tau.eq = TRUE)    (Cronbach's alpha, sample cov)
#   reliability_alpha  semTools::reliability(fit)["alpha", ]   (deprecated function, same alpha)
#   ave            semTools::AVE(fit)                          (defaults: obs.var = TRUE)
#   htmt, htmt2    semTools::htmt(model, data, htmt2 = FALSE / TRUE) on the rows lavaan used
#                  (defaults otherwise: absolute = TRUE, missing = "listwise"); htmt_input says
#                  whether the data or the sample covariance matrix was passed
#   cor_lv         lavInspect(fit, "cor.lv")
# and, computed here by hand from their textbook formulas (no package needed):
#   alpha_std      standardized alpha  k r / (1 + (k - 1) r), r the mean inter-item correlation
#   cr_fl          Fornell & Larcker (1981) composite reliability from the standardized
#                  solution: (sum lambda)^2 / ((sum lambda)^2 + sum theta)
#   ave_fl         mean squared standardized loading
#   items          per item: corrected item-total correlation and alpha if item deleted
# and per case
#   std_loadings   standardizedSolution(fit): lhs =~ rhs rows (group est.std se ci.lower ci.upper)
#   modindices     modindices(fit), for models that tests/reference/cases.json does not cover
#   partable       parTable(fit) (lhs op rhs group free est), so that the tests can evaluate the
#                  modification indices at lavaan's estimates.
#
# semTools drops single-indicator factors (dropSingle = TRUE) and returns NA AVE for a factor
# with a cross-loading item; both show up as absent / null entries in the JSON.
# ---------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})

# Paths are relative to the repository root: run from there (make_references.sh does).
repo_root <- normalizePath(".")
if (!file.exists(file.path(repo_root, "models", "relationship_quality.toml"))) {
  stop("run this script from the repository root")
}
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else
  file.path(repo_root, "tests", "reference", "semtools.json")

read_data <- function(rel) read.csv(file.path(repo_root, rel), stringsAsFactors = FALSE)

# The library model's syntax: the `syntax = """ ... """` block of the TOML file.
toml_syntax <- function(rel) {
  lines <- readLines(file.path(repo_root, rel), encoding = "UTF-8")
  start <- grep('^syntax\\s*=\\s*"""', lines)
  stopifnot(length(start) == 1)
  end <- start + which(grepl('^"""', lines[(start + 1):length(lines)]))[1]
  paste(lines[(start + 1):(end - 1)], collapse = "\n")
}

HS <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"

cases <- list(
  list(name = "hs_cfa", fun = "cfa", data = "data/holzinger_swineford.csv", model = HS,
       description = "Holzinger-Swineford three-factor CFA"),
  list(name = "rq_sem", fun = "sem", data = "data/relationship_quality.csv",
       model = toml_syntax("models/relationship_quality.toml"),
       description = "Library model relationship_quality on the bundled survey (listwise)"),
  list(name = "hs_crossload", fun = "cfa", data = "data/holzinger_swineford.csv",
       model = paste(HS, "visual =~ x9", sep = "\n"),
       description = "HS CFA with a cross-loading item (x9 on visual and speed)"),
  list(name = "hs_rescov", fun = "cfa", data = "data/holzinger_swineford.csv",
       model = paste(HS, "x8 ~~ x7", sep = "\n"),
       description = "HS CFA with a residual covariance written in reverse order"),
  list(name = "hs_orthogonal", fun = "cfa", data = "data/holzinger_swineford.csv",
       model = paste(HS, "visual ~~ 0*textual + 0*speed", "textual ~~ 0*speed", sep = "\n"),
       description = "HS CFA with orthogonal factors fixed by 0* (fixed rows get MIs)"),
  list(name = "hs_single_indicator", fun = "sem", data = "data/holzinger_swineford.csv",
       model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7\nspeed ~ visual + textual",
       description = "A single-indicator factor (semTools drops it)"),
  list(name = "hs_second_order", fun = "sem", data = "data/holzinger_swineford.csv",
       model = paste(HS, "g =~ visual + textual + speed", sep = "\n"),
       description = "Second-order factor (first-order reliabilities use the total factor variance)"),
  list(name = "hs_mg_school", fun = "cfa", data = "data/holzinger_swineford.csv", model = HS,
       options = list(group = "school"),
       description = "HS CFA in two groups (school), configural: everything per group")
)

named <- function(v) {
  if (is.null(v)) return(NULL)
  v <- unclass(v)
  out <- as.list(as.numeric(v))
  names(out) <- names(v)
  out
}
mat <- function(m) {
  m <- unclass(as.matrix(m))
  list(rownames = I(rownames(m)), colnames = I(colnames(m)),
       data = lapply(seq_len(nrow(m)), function(i) I(as.numeric(m[i, ]))))
}
cols <- function(df) lapply(as.data.frame(df, stringsAsFactors = FALSE), function(x) I(x))
quiet <- function(expr) suppressMessages(suppressWarnings(expr))

alpha_of <- function(S) { k <- ncol(S); k / (k - 1) * (1 - sum(diag(S)) / sum(S)) }

# Values of one group (block): the textbook formulas and HTMT, from that group's sample
# covariance matrix S, standardized solution std and data used.
block_values <- function(model, S, std, used, ov) {
  loads <- std[std$op == "=~" & std$rhs %in% ov, ]
  by_hand <- list(); items <- list()
  for (f in unique(loads$lhs)) {
    rows <- loads[loads$lhs == f, ]
    ind <- rows$rhs
    theta <- sapply(ind, function(v) std$est.std[std$lhs == v & std$op == "~~" & std$rhs == v])
    entry <- list(n_items = length(ind),
                  cr_fl = sum(rows$est.std)^2 / (sum(rows$est.std)^2 + sum(theta)),
                  ave_fl = mean(rows$est.std^2))
    if (length(ind) > 1) {
      R <- cov2cor(S[ind, ind])
      rbar <- mean(R[lower.tri(R)])
      k <- length(ind)
      entry$alpha_std <- k * rbar / (1 + (k - 1) * rbar)
      for (v in ind) {
        rest <- setdiff(ind, v)
        r_it <- sum(S[v, rest]) / sqrt(S[v, v] * sum(S[rest, rest]))
        a_del <- if (length(rest) > 1) alpha_of(S[rest, rest, drop = FALSE]) else NA
        items[[length(items) + 1]] <- data.frame(factor = f, item = v, item_total_r = r_it,
                                                 alpha_if_deleted = a_del)
      }
    }
    by_hand[[f]] <- entry
  }
  # htmt() from the data lavaan used; a cross-loading item makes a duplicated data column that
  # lavCor() rejects, and then the (same) sample covariance matrix is passed instead.
  ht <- tryCatch(list(
    htmt = mat(htmt(model, data = used, htmt2 = FALSE)),
    htmt2 = mat(htmt(model, data = used, htmt2 = TRUE)), htmt_input = "data"),
    error = function(e) tryCatch(list(
      htmt = mat(htmt(model, sample.cov = S, htmt2 = FALSE)),
      htmt2 = mat(htmt(model, sample.cov = S, htmt2 = TRUE)), htmt_input = "sample.cov"),
      error = function(e) list(htmt = NULL, htmt2 = NULL, htmt_input = conditionMessage(e))))
  c(ht, list(by_hand = by_hand,
             items = if (length(items)) cols(do.call(rbind, items)) else NULL))
}

# semTools' per-factor results, split by group: a named vector (one group) or a data frame with
# a `group` column (several groups) -> one named list per group.
split_groups <- function(x, labels) {
  if (!is.data.frame(x)) return(list(named(x)))
  lapply(labels, function(g) {
    row <- x[x$group == g, setdiff(names(x), "group"), drop = FALSE]
    setNames(as.list(as.numeric(row)), names(row))
  })
}

run_case <- function(case) {
  data <- read_data(case$data)
  options <- if (is.null(case$options)) list() else case$options
  fit <- quiet(do.call(case$fun, c(list(model = case$model, data = data), options)))
  labels <- lavInspect(fit, "group.label")
  ngroups <- max(1L, length(labels))
  S <- lapply(lavInspect(fit, "sampstat", drop.list.single.group = FALSE), `[[`, "cov")
  used <- lapply(lavInspect(fit, "data", drop.list.single.group = FALSE), as.data.frame)
  cor_lv <- lavInspect(fit, "cor.lv")
  if (ngroups == 1) cor_lv <- list(cor_lv)
  rel_alpha <- quiet(reliability(fit))
  if (ngroups == 1) rel_alpha <- list(rel_alpha)
  std <- standardizedSolution(fit)
  if (is.null(std$group)) std$group <- 1L
  ov <- lavNames(fit, "ov")
  semtools <- list(omega = split_groups(compRelSEM(fit), labels),
                   omega_model = split_groups(compRelSEM(fit, obs.var = FALSE), labels),
                   alpha = split_groups(compRelSEM(fit, tau.eq = TRUE), labels),
                   ave = split_groups(AVE(fit), labels))
  blocks <- lapply(seq_len(ngroups), function(g) {
    c(list(group = g, label = if (length(labels)) labels[g] else ""),
      lapply(semtools, `[[`, g),
      list(reliability_alpha = named(rel_alpha[[g]]["alpha", ]), cor_lv = mat(cor_lv[[g]])),
      block_values(case$model, S[[g]], std[std$group == g, ], used[[g]], ov))
  })
  loads <- std[std$op == "=~" & std$rhs %in% ov, ]
  mi <- modindices(fit)
  if (is.null(mi$group)) mi$group <- 1L
  list(
    name = case$name, description = case$description, fun = case$fun, data = case$data,
    model = case$model, options = if (length(options)) options else NULL,
    nobs = lavInspect(fit, "ntotal"), blocks = blocks,
    std_loadings = cols(loads[, c("lhs", "op", "rhs", "group", "est.std", "se", "pvalue",
                                  "ci.lower", "ci.upper")]),
    partable = cols(parTable(fit)[, c("lhs", "op", "rhs", "group", "free", "est")]),
    modindices = cols(mi[, c("lhs", "op", "rhs", "group", "mi", "epc", "sepc.lv", "sepc.all",
                             "sepc.nox")])
  )
}

out <- list(
  lavaan_version = as.character(packageVersion("lavaan")),
  semTools_version = as.character(packageVersion("semTools")),
  R_version = R.version.string,
  cases = setNames(lapply(cases, run_case), vapply(cases, `[[`, "", "name"))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null",
                  pretty = TRUE), out_file, useBytes = TRUE)
message("wrote ", out_file)
