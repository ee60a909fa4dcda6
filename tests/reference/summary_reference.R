#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# summary_reference.R -- lavaan reference values for fits from summary statistics (issue 20:
# tests/test_summary_data.py): sample.cov, sample.mean and sample.nobs, with getCov() reading
# lower triangles as typed from a paper.
#
# Usage (from the repository root):
#   Rscript tests/reference/summary_reference.R [OUT_JSON]
#   default OUT_JSON: tests/reference/summary_stats.json
#
# Cases (under "cases", by name); each holds its inputs and lavaan's results:
#   wheaton           lavaan's documented Wheaton et al. (1977) example (?getCov): the lower
#                     triangle of the covariance matrix typed as text, getCov(), sample.nobs = 932,
#                     the SEM of the lavaan tutorial (correlated residuals over time)
#   wheaton_indirect  the same with labelled paths and ':=' indirect and total effects of ses
#                     on alien71 (delta-method standard errors)
#   wheaton_cor_cfa   the Wheaton correlations (rounded to 3 decimals) and SDs (3 decimals) as
#                     a paper prints them, getCov(sds = ), a three-factor CFA with the correlated
#                     residuals; plus semTools 0.5-6 compRelSEM(), AVE() and htmt(sample.cov =)
#   hs_mg_means       HolzingerSwineford1939 (data/holzinger_swineford.csv): per school the
#                     unbiased covariance matrix (cov()) and the means (colMeans()) of x1-x9,
#                     sample.nobs per school; the 3-factor CFA configural, metric (loadings) and
#                     scalar (loadings + intercepts) with sample.mean
#   hs_mg_nomeans     the same covariances without means (meanstructure = FALSE): configural
#                     and metric
#   rq_table          data/relationship_quality.csv: the five construct scores (item means of
#                     CF, SAT, TR, AC, CC; rows complete on all 20 items) as a paper's Table 1:
#                     correlations, M and SD rounded to 2 decimals, N; the text of that table
#                     ("text"); getCov(sds = ) with sample.mean; the theory's path model
#                     ("model") and an alternative full-mediation model ("alternative"), with
#                     lavTestLRT() between them
# Every fit is polished: lavaan's default fit (nlminb), then the same fit started there with
# optim.method = "BFGS" and control = list(reltol = 1e-16): nlminb's default (rel.tol = 1e-10 on
# the objective) leaves the multigroup estimates about 1e-5 from the optimum, too far for
# comparisons at 1e-6. (lavaan's Gauss-Newton optimizer is no alternative here: with
# group.equal = "intercepts" it stops at chi-square 165.31 instead of 164.10.) The path models
# of rq_table (fixed.x covariate CF) are not polished: a refit with start = frees the fixed.x
# (co)variances' standard errors, and nlminb's default is already within 2e-7 there.
# Per fit ("fits": {label: ...}): "estimates" (parameterEstimates(fit, standardized = TRUE),
# column-wise), "fit_measures" (all of fitMeasures()), "r2" (lavInspect(fit, "r2")), "std_all"
# (standardizedSolution(): est.std and se) and, for single-group fits, "modindices"
# (modindices(): lhs op rhs mi epc sepc.all). Matrices are {rownames, colnames, data (rows)};
# numbers are written with jsonlite digits = NA (15 significant digits).
# ---------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})

repo_root <- normalizePath(".")
if (!file.exists(file.path(repo_root, "tests", "reference", "summary_reference.R"))) {
  stop("run this script from the repository root")
}
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else
  file.path(repo_root, "tests", "reference", "summary_stats.json")

arr <- function(x) I(unname(x))
df_cols <- function(df) {
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  out <- lapply(df, function(col) arr(if (is.factor(col)) as.character(col) else col))
  names(out) <- names(df)
  out
}
mat_obj <- function(m) {
  m <- as.matrix(unclass(m))
  list(rownames = arr(rownames(m)), colnames = arr(colnames(m)),
       data = lapply(seq_len(nrow(m)), function(i) arr(as.numeric(m[i, ]))))
}
named_vec <- function(v) { out <- as.list(as.numeric(v)); names(out) <- names(v); out }

lav <- function(fun, ..., polish = TRUE) {
  first <- fun(...)
  if (!polish) return(first)
  fun(..., start = first, optim.method = "BFGS", control = list(reltol = 1e-16, maxit = 10000L))
}

fit_obj <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  ss <- standardizedSolution(fit)
  r2 <- lavInspect(fit, "r2")
  out <- list(
    converged = lavInspect(fit, "converged"),
    ntotal = lavInspect(fit, "ntotal"),
    meanstructure = lavInspect(fit, "meanstructure"),
    group_labels = arr(lavInspect(fit, "group.label")),
    estimates = df_cols(pe),
    std_all = df_cols(ss[, intersect(c("lhs", "op", "rhs", "group", "est.std", "se"), names(ss))]),
    fit_measures = named_vec(fitMeasures(fit)),
    r2 = if (is.list(r2)) lapply(r2, named_vec) else named_vec(r2))
  if (lavInspect(fit, "ngroups") == 1L) {
    mi <- modindices(fit)
    out$modindices <- df_cols(mi[, c("lhs", "op", "rhs", "mi", "epc", "sepc.all")])
  }
  out
}

cases <- list()

## ---- Wheaton et al. (1977): lavaan's ?getCov example ------------------------------------------
wheaton_lower <- "
 11.834
  6.947   9.364
  6.819   5.091  12.532
  4.783   5.028   7.495   9.986
 -3.839  -3.889  -3.841  -3.625   9.610
-21.899 -18.831 -21.748 -18.775  35.522 450.288
"
wheaton_names <- c("anomia67", "powerless67", "anomia71", "powerless71", "education", "sei")
wheaton_cov <- getCov(wheaton_lower, names = wheaton_names)
wheaton_model <- paste(c(
  "ses     =~ education + sei",
  "alien67 =~ anomia67 + powerless67",
  "alien71 =~ anomia71 + powerless71",
  "alien71 ~ alien67 + ses",
  "alien67 ~ ses",
  "anomia67 ~~ anomia71",
  "powerless67 ~~ powerless71"), collapse = "\n")
fit <- lav(sem, wheaton_model, sample.cov = wheaton_cov, sample.nobs = 932)
cases$wheaton <- list(text = wheaton_lower, names = arr(wheaton_names), nobs = 932,
                      model = wheaton_model, fits = list(sem = fit_obj(fit)))

indirect_model <- paste(c(
  "ses     =~ education + sei",
  "alien67 =~ anomia67 + powerless67",
  "alien71 =~ anomia71 + powerless71",
  "alien71 ~ b*alien67 + c*ses",
  "alien67 ~ a*ses",
  "anomia67 ~~ anomia71",
  "powerless67 ~~ powerless71",
  "indirect := a*b",
  "total := c + a*b"), collapse = "\n")
fit <- lav(sem, indirect_model, sample.cov = wheaton_cov, sample.nobs = 932)
cases$wheaton_indirect <- list(text = wheaton_lower, names = arr(wheaton_names), nobs = 932,
                               model = indirect_model, fits = list(sem = fit_obj(fit)))

## ---- Wheaton as a paper prints it: correlations and SDs ---------------------------------------
R <- round(cov2cor(wheaton_cov), 3)
sds <- round(sqrt(diag(wheaton_cov)), 3)
fmt <- function(v) formatC(v, format = "f", digits = 3)
cor_text <- paste0("\n", paste(vapply(seq_along(wheaton_names), function(i)
  paste(fmt(R[i, seq_len(i)]), collapse = "  "), character(1)), collapse = "\n"), "\n")
sd_text <- paste(fmt(sds), collapse = "  ")
cor_cov <- getCov(cor_text, sds = sd_text, names = wheaton_names)
cfa_model <- paste(c(
  "ses     =~ education + sei",
  "alien67 =~ anomia67 + powerless67",
  "alien71 =~ anomia71 + powerless71",
  "anomia67 ~~ anomia71",
  "powerless67 ~~ powerless71"), collapse = "\n")
fit <- lav(cfa, cfa_model, sample.cov = cor_cov, sample.nobs = 932)
rel <- compRelSEM(fit)
ave <- AVE(fit)
ht <- htmt(cfa_model, sample.cov = cor_cov)
cases$wheaton_cor_cfa <- list(
  text = cor_text, sd = sd_text, names = arr(wheaton_names), nobs = 932, model = cfa_model,
  cov = mat_obj(cor_cov), fits = list(cfa = fit_obj(fit)),
  semtools = list(omega = named_vec(rel), ave = named_vec(ave), htmt = mat_obj(ht)))

## ---- Holzinger & Swineford by school: covariances and means --------------------------------
hs <- read.csv(file.path(repo_root, "data", "holzinger_swineford.csv"))
v <- paste0("x", 1:9)
schools <- unique(hs$school)                 # order of first appearance
covs <- lapply(schools, function(s) cov(hs[hs$school == s, v]))
means <- lapply(schools, function(s) colMeans(hs[hs$school == s, v]))
ns <- vapply(schools, function(s) sum(hs$school == s), numeric(1))
names(covs) <- names(means) <- names(ns) <- schools
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
levels <- list(configural = "", metric = "loadings",
               scalar = c("loadings", "intercepts"))
mg_fits <- lapply(levels, function(eq)
  fit_obj(lav(cfa, hs_model, sample.cov = covs, sample.mean = means, sample.nobs = ns,
              group.equal = eq)))
cases$hs_mg_means <- list(
  model = hs_model, groups = arr(schools), nobs = as.list(ns),
  cov = lapply(covs, mat_obj), means = lapply(means, named_vec), fits = mg_fits)
nomean_fits <- lapply(levels[1:2], function(eq)
  fit_obj(lav(cfa, hs_model, sample.cov = covs, sample.nobs = ns, group.equal = eq)))
cases$hs_mg_nomeans <- list(
  model = hs_model, groups = arr(schools), nobs = as.list(ns),
  cov = lapply(covs, mat_obj), fits = nomean_fits)

## ---- a published-style table of the relationship-quality survey ------------------------------
rq <- read.csv(file.path(repo_root, "data", "relationship_quality.csv"))
constructs <- c("CF", "SAT", "TR", "AC", "CC")
items <- lapply(tolower(constructs), function(k) paste0(k, 1:4))
complete <- rq[complete.cases(rq[, unlist(items)]), ]
scores <- sapply(items, function(cols) rowMeans(complete[, cols]))
colnames(scores) <- constructs
n_rq <- nrow(scores)
Rq <- round(cor(scores), 2)
Mq <- round(colMeans(scores), 2)
Sq <- round(apply(scores, 2, sd), 2)
f2 <- function(v) formatC(v, format = "f", digits = 2)
dots <- function(v) sub("^(-?)0\\.", "\\1.", f2(v))
labels <- c("1. CF", "2. SAT", "3. TR", "4. AC", "5. CC")
lines <- c(sprintf("%-8s %5s %5s  %s", "Variable", "M", "SD", paste(1:5, collapse = "     ")))
for (i in 1:5) {
  cells <- c(if (i > 1) dots(Rq[i, 1:(i - 1)]) else character(0), "\u2014")
  lines <- c(lines, sprintf("%-8s %5s %5s  %s", labels[i], f2(Mq[i]), f2(Sq[i]),
                            paste(formatC(cells, width = 5), collapse = " ")))
}
lines <- c(lines, sprintf("N = %d", n_rq))
rq_text <- paste0(paste(lines, collapse = "\n"), "\n")
rq_cov <- getCov(Rq[upper.tri(Rq, diag = TRUE)], sds = Sq, names = constructs)  # row-wise lower
theory <- paste(c("SAT ~ CF", "TR ~ SAT + CF", "AC ~ SAT + TR + CF", "CC ~ AC + SAT + CF"),
                collapse = "\n")
alternative <- paste(c("SAT ~ CF", "TR ~ SAT", "AC ~ SAT + TR", "CC ~ AC"), collapse = "\n")
fit_t <- lav(sem, theory, sample.cov = rq_cov, sample.mean = Mq, sample.nobs = n_rq,
             polish = FALSE)
fit_a <- lav(sem, alternative, sample.cov = rq_cov, sample.mean = Mq, sample.nobs = n_rq,
             polish = FALSE)
lrt <- as.data.frame(lavTestLRT(fit_t, fit_a))
cases$rq_table <- list(
  text = rq_text, names = arr(constructs), nobs = n_rq, cov = mat_obj(rq_cov),
  means = named_vec(Mq), model = theory, alternative = alternative,
  fits = list(theory = fit_obj(fit_t), alternative = fit_obj(fit_a)),
  lrt = list(delta_chisq = lrt[["Chisq diff"]][2], delta_df = lrt[["Df diff"]][2],
             p_delta = lrt[["Pr(>Chisq)"]][2]))

out <- list(lavaan_version = as.character(packageVersion("lavaan")),
            semtools_version = as.character(packageVersion("semTools")),
            R_version = R.version.string, cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE),
           out_file)
cat("wrote", out_file, "\n")
