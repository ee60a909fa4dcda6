#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# interaction_lrt_reference.R -- is the interaction needed? (issue 14: tests/test_lms.py,
# relqual.interactiontest.interaction_test for product indicators and observed products).
#
# Usage (from the repository root):
#   Rscript tests/reference/interaction_lrt_reference.R [OUT_JSON]
#   default OUT_JSON: tests/reference/interaction_lrt.json
#
# Each case is fitted twice with lavaan sem(): as written, and with the interaction
# coefficient fixed at 0 (`Y ~ 0*XZ`, the same variables and products); it records both
# log-likelihoods, lavTestLRT's chi-square, df and p, R² of the outcome in both fits
# (lavInspect "r2") and the standardized interaction b SD(X) SD(Z) / SD(Y) with the model-implied
# SDs (lavInspect "cov.lv" / "cov.all"). Products: semTools indProd, double-mean-centring, all
# pairs, correlated residuals among products sharing an indicator (as interaction_reference.R).
#
# Schema: { lavaan_version, semTools_version, cases: { NAME: { model (relqual syntax), method,
#   logl, logl_without, chisq, df, pvalue, r2, r2_without, est, std_est } } }
# ---------------------------------------------------------------------------
suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})
repo_root <- normalizePath(".")
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else
  file.path(repo_root, "tests", "reference", "interaction_lrt.json")
oneint <- read.csv(file.path(repo_root, "tests", "reference", "oneInt.csv"))

summarise <- function(fit, fit0, y, term, sd_names, model, method) {
  lrt <- lavTestLRT(fit0, fit)
  pe <- parameterEstimates(fit)
  b <- pe$est[pe$lhs == y & pe$op == "~" & pe$rhs == term]
  covs <- lavInspect(fit, "cov.all")
  sds <- sqrt(diag(covs))
  list(model = model, method = method,
       logl = as.numeric(logLik(fit)), logl_without = as.numeric(logLik(fit0)),
       chisq = lrt[2, "Chisq diff"], df = lrt[2, "Df diff"], pvalue = lrt[2, "Pr(>Chisq)"],
       r2 = unname(lavInspect(fit, "r2")[y]), r2_without = unname(lavInspect(fit0, "r2")[y]),
       est = b, std_est = b * sds[sd_names[1]] * sds[sd_names[2]] / sds[y])
}

cases <- list()

# latent x latent, double-mean-centred products (all 9 pairs)
p <- indProd(oneint, paste0("x", 1:3), paste0("z", 1:3), match = FALSE, meanC = TRUE,
             residualC = FALSE, doubleMC = TRUE)
prods <- setdiff(colnames(p), colnames(oneint))
shared <- character(0)
parts <- strsplit(prods, ".", fixed = TRUE)
for (i in 1:(length(prods) - 1)) for (j in (i + 1):length(prods)) {
  if (length(intersect(parts[[i]], parts[[j]]))) shared <- c(shared, paste(prods[i], "~~", prods[j]))
}
base <- c("X =~ x1 + x2 + x3", "Z =~ z1 + z2 + z3", "Y =~ y1 + y2 + y3",
          paste("XZ =~", paste(prods, collapse = " + ")), shared)
fit <- sem(paste(c(base, "Y ~ X + Z + XZ"), collapse = "\n"), data = p)
fit0 <- sem(paste(c(base, "Y ~ X + Z + 0*XZ"), collapse = "\n"), data = p)
cases$oneint_dblcent <- summarise(fit, fit0, "Y", "XZ", c("X", "Z"),
  "X =~ x1 + x2 + x3\nZ =~ z1 + z2 + z3\nY =~ y1 + y2 + y3\nY ~ X + Z + X:Z", "dblcent")

# observed x observed: a raw product (lavaan's y ~ x:z)
fit <- sem("y1 ~ x1 + z1 + x1:z1", data = oneint)
fit0 <- sem("y1 ~ x1 + z1 + 0*x1:z1", data = oneint)
cases$oneint_observed <- summarise(fit, fit0, "y1", "x1:z1", c("x1", "z1"),
  "y1 ~ x1 + z1 + x1:z1", "product")

out <- list(lavaan_version = as.character(packageVersion("lavaan")),
            semTools_version = as.character(packageVersion("semTools")),
            cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), out_file)
cat("wrote", out_file, "\n")
