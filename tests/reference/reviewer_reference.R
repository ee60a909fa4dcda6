#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# reviewer_reference.R -- reference values for the checks a reviewer asks for (issue 21:
# relqual/commonmethod.py, relqual/modelcompare.py, relqual/nonresponse.py;
# tests/test_reviewer_checks.py).
#
# Usage (from the repository root):
#   Rscript tests/reference/reviewer_reference.R [OUT_JSON]
#   default OUT_JSON: tests/reference/reviewer_checks.json
#
# Data: data/relationship_quality.csv; the model checks use the rows complete on the 20 items
# (listwise, N = 537), the non-response check every row. Three marker items are made from the
# data with integer arithmetic (the same in Python): mk = (item sum + 40 * h_k) %/% 40 with
# h_k = ((respondent * a_k) %% 101) %% 5 and a = 37, 53, 71 -- a marker that shares a general
# (method-like) component with every item plus noise. The wave of the non-response check is
# early = respondent <= 300, late = the rest.
#
# Contents (all lavaan 0.6-14 defaults unless said):
#   common_method
#     harman_pca      eigen(cor(X))$values[1] / p, and the number of eigenvalues > 1
#     harman_fa       sum(factanal(X, 1)$loadings^2) / p
#     models.<name>   syntax, converged, fit measures (npar chisq df pvalue cfi tli rmsea srmr
#                     aic bic logl), estimates (lhs op rhs est std.all) of:
#                       measurement, one_factor, ulmc_equal, ulmc_free (cfa, std.lv = TRUE);
#                       sem (the library model), sem_ulmc_equal, sem_ulmc_free (sem(), the
#                       method factor CMV with variance 1, orthogonal to CF);
#                       marker_cfa, marker_baseline, marker_c, marker_u, marker_r (Williams,
#                       Hartman & Cavazotte 2010, cfa std.lv = TRUE; marker latent MARKER on
#                       m1 m2 m3; Baseline fixes its loadings and residual variances at the
#                       CFA values; Method-R fixes the trait correlations at the Baseline
#                       values and builds on Method-C or -U, whichever the C-U test retains);
#                       and the same with the single marker m1 (its residual variance 0):
#                       marker1_cfa ... marker1_r
#     lrt.<pair>      lavTestLRT(): Chisq diff, Df diff, Pr(>Chisq)
#     lindell_whitney r between the marker's scale mean and each construct's scale mean,
#                     r_M (the smallest, 0 if negative) and per construct pair r, r_adjusted =
#                     (r - r_M)/(1 - r_M), t = r_A sqrt((N-3)/(1-r_A^2)), p (df N - 3);
#                     for the three markers (mean of m1 m2 m3) and for m1 alone
#   compare
#     models          A (library), B (no SAT -> CC, CF -> CC), C (trust first: TR ~ CF,
#                     SAT ~ TR + CF; equivalent to A), D1 (no CF -> TR), D2 (no SAT -> TR):
#                     fit measures; the same for MLR fits of A and B (scaled)
#     net             semTools::net(A, B, C, D1, D2)@test (row nested within column)
#     lrt             lavTestLRT for the nested pairs (ML) and A vs B under MLR
#     vuong           for B-D1, B-D2, D1-D2: omega2 = (n-1)/n var(l1 - l2) of
#                     lavInspect(fit, "loglik.casewise"); the distinguishability p-value: Imhof
#                     P(Q > n omega2), Q = sum lambda_j^2 chi2_1, lambda the eigenvalues of
#                     W = [[-B1 A1^-1, -B12 A2^-1], [B21 A1^-1, B2 A2^-1]] with A^-1 = n vcov(fit)
#                     and B = crossprod(lavScores(fit)) / n (Merkle, You & Preacher 2016;
#                     nonnest2's vuongtest, computed here without the package: Imhof's integral
#                     by integrate()); z = sum(l1 - l2) / sqrt(n omega2) and its one-sided p's
#   nonresponse       per construct (scale mean, complete items) and item: t.test(late, early)
#                     Welch (var.equal = FALSE), means, sds, ns, Cohen's d (pooled sd, late
#                     minus early), p.adjust(p, "holm") over all the tests; chisq.test of
#                     competition by wave, correct = FALSE
# Numbers are written with jsonlite digits = NA (15 significant digits).
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
  file.path(repo_root, "tests", "reference", "reviewer_checks.json")

toml_syntax <- function(rel) {
  lines <- readLines(file.path(repo_root, rel), encoding = "UTF-8")
  start <- grep('^syntax\\s*=\\s*"""', lines)
  stopifnot(length(start) == 1)
  end <- start + which(grepl('^"""', lines[(start + 1):length(lines)]))[1]
  paste(lines[(start + 1):(end - 1)], collapse = "\n")
}

raw <- read.csv(file.path(repo_root, "data", "relationship_quality.csv"), stringsAsFactors = FALSE)
factors <- list(CF = paste0("cf", 1:4), SAT = paste0("sat", 1:4), TR = paste0("tr", 1:4),
                AC = paste0("ac", 1:4), CC = paste0("cc", 1:4))
items <- unlist(factors, use.names = FALSE)
d <- raw[complete.cases(raw[, items]), ]
item_sum <- rowSums(d[, items])
for (k in 1:3) {
  a <- c(37, 53, 71)[k]
  d[[paste0("m", k)]] <- (item_sum + 40 * (((d$respondent * a) %% 101) %% 5)) %/% 40
}
N <- nrow(d)

plus <- function(x) paste(x, collapse = " + ")
num <- function(x) formatC(x, digits = 17, format = "g")
measurement <- paste(sprintf("%s =~ %s", names(factors), sapply(factors, plus)), collapse = "\n")
traits <- names(factors)
method_lines <- function(equal, orthogonal, name = "CMV") {
  terms <- if (equal) c(paste0("NA*", items[1]), paste0(tolower(name), "_l*", items)) else
    c(paste0("NA*", items[1]), items[-1])
  paste(c(sprintf("%s =~ %s", name, plus(terms)), sprintf("%s ~~ 1*%s", name, name),
          sprintf("%s ~~ %s", name, plus(paste0("0*", orthogonal)))), collapse = "\n")
}

fm_names <- c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic",
              "logl")
describe <- function(fit, syntax) {
  est <- parameterEstimates(fit, standardized = TRUE)
  list(syntax = syntax, converged = lavInspect(fit, "converged"),
       fit_measures = as.list(fitMeasures(fit, fm_names)),
       estimates = est[, c("lhs", "op", "rhs", "est", "std.all")])
}
lrt <- function(f0, f1) {
  t <- as.data.frame(lavTestLRT(f0, f1))
  list(delta_chisq = t[["Chisq diff"]][2], delta_df = t[["Df diff"]][2],
       p_delta = t[["Pr(>Chisq)"]][2])
}

# ---------------------------------------------------------------------------- common method
X <- as.matrix(d[, items])
ev <- eigen(cor(X))$values
fa <- factanal(X, factors = 1)
syn <- list()
fits <- list()
add <- function(key, syntax, fun = cfa, ...) {
  syn[[key]] <<- syntax
  fits[[key]] <<- suppressWarnings(fun(syntax, data = d, ...))
}
add("measurement", measurement, std.lv = TRUE)
add("one_factor", paste("G =~", plus(items)), std.lv = TRUE)
add("ulmc_equal", paste(measurement, method_lines(TRUE, traits), sep = "\n"), std.lv = TRUE)
add("ulmc_free", paste(measurement, method_lines(FALSE, traits), sep = "\n"), std.lv = TRUE)
library_syntax <- toml_syntax("models/relationship_quality.toml")
add("sem", library_syntax, fun = sem)
add("sem_ulmc_equal", paste(library_syntax, method_lines(TRUE, "CF"), sep = "\n"), fun = sem)
add("sem_ulmc_free", paste(library_syntax, method_lines(FALSE, "CF"), sep = "\n"), fun = sem)

marker_models <- function(prefix, markers) {
  single <- length(markers) == 1
  cfa_syntax <- paste(c(measurement, sprintf("MARKER =~ %s", plus(markers)),
                        if (single) sprintf("%s ~~ 0*%s", markers, markers)), collapse = "\n")
  add(paste0(prefix, "_cfa"), cfa_syntax, std.lv = TRUE)
  est <- parameterEstimates(fits[[paste0(prefix, "_cfa")]])
  load <- sapply(markers, function(m) est$est[est$lhs == "MARKER" & est$op == "=~" & est$rhs == m])
  resid <- sapply(markers, function(m) est$est[est$lhs == m & est$op == "~~" & est$rhs == m])
  base <- paste(c(measurement, sprintf("MARKER =~ %s", plus(paste0(num(load), "*", markers))),
                  sprintf("%s ~~ %s*%s", markers, num(resid), markers),
                  sprintf("MARKER ~~ %s", plus(paste0("0*", traits)))), collapse = "\n")
  add(paste0(prefix, "_baseline"), base, std.lv = TRUE)
  c_syntax <- paste(base, sprintf("MARKER =~ %s", plus(paste0("marker_l*", items))), sep = "\n")
  u_syntax <- paste(base, sprintf("MARKER =~ %s", plus(items)), sep = "\n")
  add(paste0(prefix, "_c"), c_syntax, std.lv = TRUE)
  add(paste0(prefix, "_u"), u_syntax, std.lv = TRUE)
  t_cu <- lrt(fits[[paste0(prefix, "_u")]], fits[[paste0(prefix, "_c")]])
  keep_u <- t_cu$p_delta < 0.05
  chosen <- if (keep_u) u_syntax else c_syntax
  b_est <- parameterEstimates(fits[[paste0(prefix, "_baseline")]])
  cors <- b_est[b_est$op == "~~" & b_est$lhs %in% traits & b_est$rhs %in% traits &
                  b_est$lhs != b_est$rhs, ]
  r_syntax <- paste(c(chosen, sprintf("%s ~~ %s*%s", cors$lhs, num(cors$est), cors$rhs)),
                    collapse = "\n")
  add(paste0(prefix, "_r"), r_syntax, std.lv = TRUE)
  f <- function(s) fits[[paste0(prefix, s)]]
  list(c_vs_baseline = lrt(f("_c"), f("_baseline")), u_vs_c = t_cu,
       r_vs_chosen = lrt(if (keep_u) f("_u") else f("_c"), f("_r")), keep_u = keep_u)
}
marker3 <- marker_models("marker", c("m1", "m2", "m3"))
marker1 <- marker_models("marker1", "m1")

lindell_whitney <- function(markers) {
  scores <- sapply(factors, function(v) rowMeans(d[, v]))
  marker_score <- rowMeans(d[, markers, drop = FALSE])
  r_marker <- apply(scores, 2, function(s) cor(s, marker_score))
  r_m <- max(min(r_marker), 0)
  R <- cor(scores)
  pairs <- list()
  for (i in 1:(length(traits) - 1)) for (j in (i + 1):length(traits)) {
    r <- R[i, j]
    r_a <- (r - r_m) / (1 - r_m)
    t <- r_a * sqrt((N - 3) / (1 - r_a^2))
    pairs[[length(pairs) + 1]] <- list(lhs = traits[i], rhs = traits[j], r = r, r_adjusted = r_a,
                                       t_adjusted = t, pvalue_adjusted = 2 * pt(-abs(t), N - 3))
  }
  list(r_marker = as.list(r_marker), r_m = r_m, pairs = pairs)
}

common_method <- list(
  n = N,
  harman_pca = ev[1] / length(items), eigen_above_one = sum(ev > 1),
  harman_fa = sum(fa$loadings^2) / length(items),
  lrt = list(
    one_factor = lrt(fits$measurement, fits$one_factor),
    ulmc_equal = lrt(fits$ulmc_equal, fits$measurement),
    ulmc_free = lrt(fits$ulmc_free, fits$measurement)),
  marker = marker3, marker1 = marker1,
  lindell_whitney = lindell_whitney(c("m1", "m2", "m3")),
  lindell_whitney1 = lindell_whitney("m1"))
common_method$models <- mapply(describe, fits, syn, SIMPLIFY = FALSE)

# ---------------------------------------------------------------------------- competing models
structural <- list(
  A = library_syntax,
  B = paste(measurement, "SAT ~ CF\nTR ~ SAT + CF\nAC ~ SAT + TR + CF\nCC ~ AC", sep = "\n"),
  C = paste(measurement, "TR ~ CF\nSAT ~ TR + CF\nAC ~ SAT + TR + CF\nCC ~ AC + SAT + CF",
            sep = "\n"),
  D1 = paste(measurement, "SAT ~ CF\nTR ~ SAT\nAC ~ SAT + TR + CF\nCC ~ AC + SAT + CF",
             sep = "\n"),
  D2 = paste(measurement, "SAT ~ CF\nTR ~ CF\nAC ~ SAT + TR + CF\nCC ~ AC + SAT + CF",
             sep = "\n"))
cfits <- lapply(structural, function(s) sem(s, data = d))
A <- cfits$A; B <- cfits$B; C <- cfits$C; D1 <- cfits$D1; D2 <- cfits$D2
nest <- net(A, B, C, D1, D2)@test
dimnames(nest) <- list(names(cfits)[order(sapply(cfits, fitMeasures, "df"))],
                       names(cfits)[order(sapply(cfits, fitMeasures, "df"))])
nested_pairs <- list(c("A", "B"), c("A", "D1"), c("A", "D2"), c("C", "B"), c("C", "D1"),
                     c("C", "D2"))
lrts <- lapply(nested_pairs, function(p) c(list(general = p[1], restricted = p[2]),
                                           lrt(cfits[[p[1]]], cfits[[p[2]]])))
mlr <- list(A = sem(structural$A, data = d, estimator = "MLR"),
            B = sem(structural$B, data = d, estimator = "MLR"))
mlr_names <- c(fm_names, "chisq.scaled", "pvalue.scaled", "chisq.scaling.factor", "cfi.robust",
               "tli.robust", "rmsea.robust")

imhof_upper <- function(q, lambda) {
  lambda <- lambda[abs(lambda) > 1e-14 * max(1, abs(lambda))]
  f <- function(u) sapply(u, function(x) {
    if (x == 0) return(0.5 * (sum(lambda) - q))
    theta <- 0.5 * sum(atan(lambda * x)) - 0.5 * q * x
    rho <- exp(0.25 * sum(log1p((lambda * x)^2)))
    sin(theta) / (x * rho)
  })
  0.5 + integrate(f, 0, Inf, subdivisions = 10000L, rel.tol = 1e-10, abs.tol = 1e-10)$value / pi
}
vuong <- function(f1, f2) {
  l1 <- lavInspect(f1, "loglik.casewise")
  l2 <- lavInspect(f2, "loglik.casewise")
  n <- length(l1)
  omega2 <- (n - 1) / n * var(l1 - l2)
  s1 <- lavScores(f1)
  s2 <- lavScores(f2)
  a1 <- n * vcov(f1)
  a2 <- n * vcov(f2)
  B1 <- crossprod(s1) / n
  B2 <- crossprod(s2) / n
  B12 <- crossprod(s1, s2) / n
  W <- cbind(rbind(-B1 %*% a1, t(B12) %*% a1), rbind(-B12 %*% a2, B2 %*% a2))
  lam <- Re(eigen(W, only.values = TRUE)$values)
  lr <- sum(l1 - l2)
  z <- lr / sqrt(n * omega2)
  q <- c(0.5, 1, 2) * sum(lam^2)
  list(lr = lr, omega2 = omega2, p_omega2 = imhof_upper(n * omega2, lam^2), z = z,
       lambda2_top = sort(lam^2, decreasing = TRUE)[1:5], imhof_q = q,
       imhof_p = sapply(q, imhof_upper, lambda = lam^2),
       p_1_better = pnorm(z, lower.tail = FALSE), p_2_better = pnorm(z),
       loglik_sum_1 = sum(l1), loglik_sum_2 = sum(l2), loglik_head_1 = head(l1, 5))
}
vuong_pairs <- list(c("B", "D1"), c("B", "D2"), c("D1", "D2"))
vuongs <- lapply(vuong_pairs, function(p) c(list(model_1 = p[1], model_2 = p[2]),
                                            vuong(cfits[[p[1]]], cfits[[p[2]]])))

compare <- list(
  n = N, syntax = structural,
  fit_measures = lapply(cfits, function(f) as.list(fitMeasures(f, fm_names))),
  net = list(rownames = rownames(nest), colnames = colnames(nest),
             data = unname(lapply(seq_len(nrow(nest)), function(i) unname(nest[i, ])))),
  lrt = lrts,
  mlr = list(fit_measures = lapply(mlr, function(f) as.list(fitMeasures(f, mlr_names))),
             lrt = lrt(mlr$A, mlr$B)),
  vuong = vuongs)

# ---------------------------------------------------------------------------- non-response
wave <- ifelse(raw$respondent <= 300, "early", "late")
welch <- function(kind, name, x) {
  e <- x[wave == "early" & !is.na(x)]
  l <- x[wave == "late" & !is.na(x)]
  t <- t.test(l, e, var.equal = FALSE)
  pooled <- sqrt(((length(e) - 1) * var(e) + (length(l) - 1) * var(l)) /
                   (length(e) + length(l) - 2))
  list(kind = kind, variable = name, n_early = length(e), n_late = length(l),
       mean_early = mean(e), mean_late = mean(l), sd_early = sd(e), sd_late = sd(l),
       t = unname(t$statistic), df = unname(t$parameter), pvalue = t$p.value,
       d = (mean(l) - mean(e)) / pooled)
}
nr <- c(lapply(names(factors), function(f) welch("construct", f, rowMeans(raw[, factors[[f]]]))),
        lapply(items, function(i) welch("item", i, raw[[i]])))
p_holm <- p.adjust(sapply(nr, `[[`, "pvalue"), "holm")
for (k in seq_along(nr)) nr[[k]]$p_holm <- p_holm[k]
ct <- chisq.test(table(raw$competition, wave), correct = FALSE)
nonresponse <- list(
  rows = nr,
  demographics = list(list(variable = "competition", chisq = unname(ct$statistic),
                           df = unname(ct$parameter), pvalue = ct$p.value,
                           min_expected = min(ct$expected))))

out <- list(lavaan_version = as.character(packageVersion("lavaan")),
            semTools_version = as.character(packageVersion("semTools")),
            R_version = paste(R.version$major, R.version$minor, sep = "."),
            common_method = common_method, compare = compare, nonresponse = nonresponse)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null",
                  dataframe = "columns", pretty = FALSE), out_file)
cat("wrote", out_file, "\n")
