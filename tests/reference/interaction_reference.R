#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# interaction_reference.R -- latent interactions by product indicators (issue 14:
# tests/test_interaction.py).
#
# Usage (from the repository root):
#   Rscript tests/reference/interaction_reference.R [OUT_JSON]
#   default OUT_JSON: tests/reference/interaction.json
#
# For every case below it builds the product indicators with semTools 0.5-6 `indProd`
# (double-mean-centring: meanC = TRUE, doubleMC = TRUE; residual centring: semTools'
# `orthogonalize`, i.e. meanC = FALSE, residualC = TRUE, doubleMC = FALSE; the unconstrained
# approach: meanC = TRUE, doubleMC = FALSE), writes the product-indicator model in lavaan syntax
# (the product factor measured by the products, correlated residuals among products sharing an
# indicator of a latent variable, as modsem's defaults), fits it with lavaan `sem()` and probes it
# with `probe2WayMC` (or `probe2WayRC` for residual centring) at the moderator's mean and +- 1 SD
# (the SD of the latent moderator, sqrt of its estimated variance). Rows incomplete on the model's
# variables are dropped first (relqual centres on the rows the fit uses). A product of two observed
# variables is lavaan's own `y ~ x:z` (a raw product).
#
# Schema: { lavaan_version, semTools_version, R_version, cases: { NAME: {
#   data, method, pairs, model (relqual syntax), lavaan_model (the syntax lavaan fitted; product
#   names written x1.z1, the product factor XZ), names ({lavaan name: relqual name}),
#   meanstructure, nobs, npar, fit ({logl, chisq, df, ...}),
#   estimates (columns lhs op rhs est se, lavaan's names),
#   products ({relqual name: {mean, var, first: [3 values]}}),
#   slopes (focal, moderator, outcome, values, est, se) } } }
# ---------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})

repo_root <- normalizePath(".")
if (!file.exists(file.path(repo_root, "models", "relationship_quality.toml"))) {
  stop("run this script from the repository root")
}
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else
  file.path(repo_root, "tests", "reference", "interaction.json")

oneint <- read.csv(file.path(repo_root, "tests", "reference", "oneInt.csv"))
rq <- read.csv(file.path(repo_root, "data", "relationship_quality.csv"))

cols <- function(df) lapply(as.list(df), function(v) if (is.factor(v)) as.character(v) else v)

# products of var1 x var2 by method; pairs "all" or "matched"; quadratic keeps unique pairs
make_products <- function(data, var1, var2, method, pairs) {
  match <- pairs == "matched"
  p <- switch(method,
    dblcent = indProd(data, var1, var2, match = match, meanC = TRUE, residualC = FALSE,
                      doubleMC = TRUE),
    rca = indProd(data, var1, var2, match = match, meanC = FALSE, residualC = TRUE,
                  doubleMC = FALSE),
    uca = indProd(data, var1, var2, match = match, meanC = TRUE, residualC = FALSE,
                  doubleMC = FALSE))
  new <- setdiff(colnames(p), colnames(data))
  keep <- new
  if (identical(var1, var2) && !match) {          # quadratic: x1.x2 and x2.x1 are one product
    idx <- expand.grid(j = seq_along(var2), i = seq_along(var1))
    keep <- new[idx$i <= idx$j]
  }
  list(data = p[, c(colnames(data), keep)], names = keep)
}

# which product pairs share an indicator of a latent variable
shared_covs <- function(prods, latent_inds) {
  parts <- strsplit(prods, ".", fixed = TRUE)
  out <- character(0)
  if (length(prods) < 2) return(out)
  for (i in 1:(length(prods) - 1)) for (j in (i + 1):length(prods)) {
    if (length(intersect(intersect(parts[[i]], parts[[j]]), latent_inds)))
      out <- c(out, paste(prods[i], "~~", prods[j]))
  }
  out
}

run_case <- function(case) {
  data <- case$data_frame
  used <- intersect(colnames(data), all.vars(as.formula(paste("~", gsub("[=~:+*]+", "+",
                      gsub("\n", " + ", case$model))))))
  data <- data[complete.cases(data[, used]), ]     # centre on the rows the fit uses (listwise)
  names <- list()
  lav_lines <- case$base
  if (!is.null(case$var1)) {
    built <- make_products(data, case$var1, case$var2, case$method, case$pairs)
    data <- built$data
    lav_lines <- c(lav_lines, paste(case$product, "=~", paste(built$names, collapse = " + ")),
                   shared_covs(built$names, case$latent_inds), case$extra)
    for (n in built$names) names[[n]] <- gsub(".", ":", n, fixed = TRUE)
    names[[case$product]] <- case$term
  }
  lav_model <- paste(lav_lines, collapse = "\n")
  fit <- sem(lav_model, data = data, meanstructure = case$meanstructure)
  pe <- parameterEstimates(fit)
  fm <- fitMeasures(fit, c("npar", "logl", "chisq", "df", "rmsea", "cfi", "srmr", "aic", "bic"))
  out <- list(
    data = case$data_name, method = case$method, pairs = case$pairs, model = case$model,
    lavaan_model = lav_model, names = names, meanstructure = case$meanstructure,
    nobs = lavInspect(fit, "ntotal"), npar = lavInspect(fit, "npar"),
    converged = lavInspect(fit, "converged"), fit = as.list(fm),
    estimates = cols(pe[, c("lhs", "op", "rhs", "est", "se")]))
  if (!is.null(case$var1)) {
    out$products <- lapply(setNames(built$names, gsub(".", ":", built$names, fixed = TRUE)),
                           function(n) list(mean = mean(data[[n]]), var = var(data[[n]]),
                                            first = data[[n]][1:3]))
  }
  if (!is.null(case$slopes)) {
    s <- case$slopes
    est <- lavInspect(fit, "est")
    sd_mod <- sqrt(est$psi[s$moderator, s$moderator])
    values <- c(-1, 0, 1) * sd_mod
    probe <- if (case$method == "rca") probe2WayRC else probe2WayMC
    pr <- probe(fit, nameX = c(s$focal, s$moderator, case$product), nameY = s$outcome,
                modVar = s$moderator, valProbe = values)$SimpleSlope
    out$slopes <- list(focal = s$focal_rq, moderator = s$moderator_rq, outcome = s$outcome,
                       values = values, est = pr$est, se = pr$se)
  }
  out
}

xyz <- c("X =~ x1 + x2 + x3", "Z =~ z1 + z2 + z3", "Y =~ y1 + y2 + y3")
oneint_model <- "X =~ x1 + x2 + x3\nZ =~ z1 + z2 + z3\nY =~ y1 + y2 + y3\nY ~ X + Z + X:Z"
probe_xz <- list(focal = "X", moderator = "Z", outcome = "Y", focal_rq = "X", moderator_rq = "Z")
rq_base <- c("CF =~ cf1 + cf2 + cf3 + cf4", "SAT =~ sat1 + sat2 + sat3 + sat4",
             "TR =~ tr1 + tr2 + tr3 + tr4", "AC =~ ac1 + ac2 + ac3 + ac4",
             "SAT ~ CF", "TR ~ SAT + CF")
rq_model <- paste(c(rq_base, "AC ~ SAT + TR + CF + SAT:TR"), collapse = "\n")
xs <- c("x1", "x2", "x3")
zs <- c("z1", "z2", "z3")

cases <- list(
  list(name = "oneint_dblcent", data_name = "oneInt", data_frame = oneint, method = "dblcent",
       pairs = "all", model = oneint_model, base = c(xyz, "Y ~ X + Z + XZ"), var1 = xs,
       var2 = zs, product = "XZ", term = "X:Z", latent_inds = c(xs, zs), meanstructure = FALSE,
       slopes = probe_xz),
  list(name = "oneint_dblcent_matched", data_name = "oneInt", data_frame = oneint,
       method = "dblcent", pairs = "matched",
       model = "X =~ x1 + x2\nZ =~ z1 + z2\nY =~ y1 + y2\nY ~ X + Z + X:Z",
       base = c("X =~ x1 + x2", "Z =~ z1 + z2", "Y =~ y1 + y2", "Y ~ X + Z + XZ"),
       var1 = c("x1", "x2"), var2 = c("z1", "z2"), product = "XZ", term = "X:Z",
       latent_inds = c("x1", "x2", "z1", "z2"), meanstructure = FALSE, slopes = probe_xz),
  list(name = "oneint_rca", data_name = "oneInt", data_frame = oneint, method = "rca",
       pairs = "all", model = oneint_model, base = c(xyz, "Y ~ X + Z + XZ"), var1 = xs,
       var2 = zs, product = "XZ", term = "X:Z", latent_inds = c(xs, zs),
       extra = c("XZ ~~ 0*X", "XZ ~~ 0*Z"), meanstructure = TRUE, slopes = probe_xz),
  list(name = "oneint_uca", data_name = "oneInt", data_frame = oneint, method = "uca",
       pairs = "matched", model = oneint_model, base = c(xyz, "Y ~ X + Z + XZ"), var1 = xs,
       var2 = zs, product = "XZ", term = "X:Z", latent_inds = c(xs, zs),
       extra = c("X ~~ X.Z.cov*Z", "XZ ~ X.Z.cov*1"), meanstructure = TRUE, slopes = probe_xz),
  list(name = "oneint_quadratic", data_name = "oneInt", data_frame = oneint,
       method = "dblcent", pairs = "all",
       model = "X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X + X:X",
       base = c("X =~ x1 + x2 + x3", "Y =~ y1 + y2 + y3", "Y ~ X + XX"), var1 = xs, var2 = xs,
       product = "XX", term = "X:X", latent_inds = xs, meanstructure = FALSE),
  list(name = "oneint_mixed", data_name = "oneInt", data_frame = oneint, method = "dblcent",
       pairs = "all", model = "X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X + z1 + X:z1",
       base = c("X =~ x1 + x2 + x3", "Y =~ y1 + y2 + y3", "Y ~ X + z1 + Xz1"), var1 = xs,
       var2 = "z1", product = "Xz1", term = "X:z1", latent_inds = xs,
       extra = c("X ~~ z1", "Xz1 ~~ z1"), meanstructure = FALSE),
  list(name = "oneint_observed", data_name = "oneInt", data_frame = oneint, method = "dblcent",
       pairs = "all", model = "y1 ~ x1 + z1 + x1:z1", base = "y1 ~ x1 + z1 + x1:z1",
       meanstructure = FALSE),
  list(name = "rq_sat_tr", data_name = "relationship_quality", data_frame = rq,
       method = "dblcent", pairs = "all", model = rq_model,
       base = c(rq_base, "AC ~ SAT + TR + CF + SATTR"),
       var1 = c("sat1", "sat2", "sat3", "sat4"), var2 = c("tr1", "tr2", "tr3", "tr4"),
       product = "SATTR", term = "SAT:TR",
       latent_inds = c("sat1", "sat2", "sat3", "sat4", "tr1", "tr2", "tr3", "tr4"),
       meanstructure = FALSE,
       slopes = list(focal = "SAT", moderator = "TR", outcome = "AC", focal_rq = "SAT",
                     moderator_rq = "TR"))
)

out <- list(
  lavaan_version = as.character(packageVersion("lavaan")),
  semTools_version = as.character(packageVersion("semTools")),
  R_version = R.version.string,
  cases = setNames(lapply(cases, run_case), vapply(cases, `[[`, "", "name"))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null",
                  pretty = TRUE), out_file, useBytes = TRUE)
message("wrote ", out_file)
