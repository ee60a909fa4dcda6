#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# groups_reference.R -- lavaan reference values for relqual's group comparisons and factor
# scores (issue 8: tests/test_groups.py).
#
# Usage (from the repository root):
#   Rscript tests/reference/groups_reference.R [OUT_JSON]
#   default OUT_JSON: tests/reference/groups.json
#
# It writes three blocks:
#   invariance   the configural -> metric -> scalar -> strict sequence (group.equal = loadings;
#                + intercepts; + residuals) for each case below: per level fitMeasures() (npar
#                chisq df pvalue cfi tli rmsea srmr aic bic logl), the lavTestLRT() table of the
#                four fits (Df AIC BIC Chisq "Chisq diff" RMSEA "Df diff" "Pr(>Chisq)"), and the
#                latent means of groups 2.. in the scalar model (parameterEstimates() ~1 rows).
#   paths        path comparison: the configural fit with per-group labels c(b1, b2, ...) on
#                one path, lavTestWald(fit, "b1 == b2; b1 == b3 ..."), and lavTestLRT() against
#                the fit with c(b, b, ...) on that path. A case with group_from builds its group
#                column by pasting those columns (rows with one of them missing left out).
#   lavpredict   lavPredict(fit, method = "regression") and lavPredict(fit, method = "Bartlett")
#                for named cases of cases.json (ML; listwise deletion or missing = "ml"), one score
#                matrix per group (rows in lavaan's order: the complete rows of each group in
#                data order), and the free rows of parTable(fit) (lhs op rhs group free est), so
#                that the tests can also compute scores at lavaan's own estimates.
# Numbers are written with jsonlite digits = NA (15 significant digits).
# ---------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

repo_root <- normalizePath(".")
if (!file.exists(file.path(repo_root, "tests", "reference", "cases.json"))) {
  stop("run this script from the repository root")
}
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else
  file.path(repo_root, "tests", "reference", "groups.json")

read_data <- function(rel) read.csv(file.path(repo_root, rel), stringsAsFactors = FALSE)

HS_MODEL <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
RQ_MODEL <- paste(c(
  "CF  =~ cf1 + cf2 + cf3 + cf4",
  "SAT =~ sat1 + sat2 + sat3 + sat4",
  "TR  =~ tr1 + tr2 + tr3 + tr4",
  "AC  =~ ac1 + ac2 + ac3 + ac4",
  "CC  =~ cc1 + cc2 + cc3 + cc4",
  "SAT ~ CF",
  "TR  ~ SAT + CF",
  "AC  ~ SAT + TR + CF",
  "CC  ~ AC + SAT + CF"), collapse = "\n")

LEVELS <- list(configural = character(0), metric = "loadings",
               scalar = c("loadings", "intercepts"),
               strict = c("loadings", "intercepts", "residuals"))
FIT_MEASURES <- c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic",
                  "logl")

invariance_cases <- list(
  list(name = "hs_school", fun = "cfa", model = HS_MODEL, data = "data/holzinger_swineford.csv",
       group = "school", group_partial = character(0)),
  list(name = "hs_school_partial", fun = "cfa", model = HS_MODEL,
       data = "data/holzinger_swineford.csv", group = "school",
       group_partial = c("visual =~ x2", "x3 ~ 1")),
  list(name = "rq_competition", fun = "sem", model = RQ_MODEL,
       data = "data/relationship_quality.csv", group = "competition",
       group_partial = character(0)))

path_cases <- list(
  list(name = "rq_ac_sat", fun = "sem", model = RQ_MODEL, data = "data/relationship_quality.csv",
       group = "competition", path = "AC ~ SAT", from = "AC  ~ SAT", to = "AC  ~ MOD*SAT"),
  list(name = "rq_cc_ac", fun = "sem", model = RQ_MODEL, data = "data/relationship_quality.csv",
       group = "competition", path = "CC ~ AC", from = "CC  ~ AC", to = "CC  ~ MOD*AC"),
  list(name = "hs_textual_x5", fun = "cfa", model = HS_MODEL,
       data = "data/holzinger_swineford.csv", group = "school", path = "textual =~ x5",
       from = "+ x5", to = "+ MOD*x5"),
  # default parameters (not in the syntax): the labelled formula is added as its own line
  list(name = "hs_x3_intercept", fun = "cfa", model = HS_MODEL,
       data = "data/holzinger_swineford.csv", group = "school", path = "x3 ~ 1",
       append = "x3 ~ MOD*1"),
  list(name = "hs_visual_textual", fun = "cfa", model = HS_MODEL,
       data = "data/holzinger_swineford.csv", group = "school", path = "visual ~~ textual",
       append = "visual ~~ MOD*textual"),
  # four groups (school x grade; the row without a grade left out): Wald df = 3
  list(name = "hs4_textual_x5", fun = "cfa", model = HS_MODEL,
       data = "data/holzinger_swineford.csv", group = "school_grade",
       group_from = c("school", "grade"), path = "textual =~ x5",
       from = "+ x5", to = "+ MOD*x5"))

lavpredict_cases <- c("hs_cfa", "hs_cfa_meanstructure", "hs_mimic", "hs_second_order",
                      "hs_single_indicator", "poldem_sem", "hs_mg_configural", "hs_mg_scalar",
                      "rq_mg_regressions", "hs_fiml", "hs_mg_fiml", "rq_fiml")

fit_measures <- function(fit) as.list(fitMeasures(fit, FIT_MEASURES))

run_invariance <- function(case) {
  data <- read_data(case$data)
  fits <- lapply(LEVELS, function(eq) {
    or_empty <- function(x) if (length(x)) x else ""      # lavaan's "none given" is ""
    do.call(case$fun, list(model = case$model, data = data, group = case$group,
                           group.equal = or_empty(eq), group.partial = or_empty(case$group_partial)))
  })
  lrt <- as.data.frame(lavTestLRT(fits$configural, fits$metric, fits$scalar, fits$strict))
  lrt <- cbind(level = names(LEVELS), lrt)
  pe <- parameterEstimates(fits$scalar)
  lv <- lavNames(fits$scalar, "lv")
  lm <- pe[pe$op == "~1" & pe$lhs %in% lv & pe$group > 1,
           c("lhs", "group", "est", "se", "z", "pvalue", "ci.lower", "ci.upper")]
  message(sprintf("  invariance %-20s chisq %s", case$name,
                  paste(sprintf("%.3f", lrt$Chisq), collapse = " ")))
  list(model = case$model, fun = case$fun, data = case$data, group = case$group,
       group_partial = I(case$group_partial),
       group_labels = I(lavInspect(fits$configural, "group.label")),
       nobs = I(lavInspect(fits$configural, "nobs")),
       fit_measures = lapply(fits, fit_measures),
       lrt = as.list(lrt), latent_means = as.list(lm))
}

run_path <- function(case) {
  data <- read_data(case$data)
  if (!is.null(case$group_from)) {   # a group made of several columns, pasted with a space
    data <- data[complete.cases(data[, case$group_from]), ]
    data[[case$group]] <- do.call(paste, unname(as.list(data[, case$group_from])))
  }
  G <- length(unique(data[[case$group]]))
  labelled <- function(mod) {     # the path's term rewritten with the modifier
    if (!is.null(case$append)) {
      return(paste0(case$model, "\n", sub("MOD", mod, case$append, fixed = TRUE)))
    }
    stopifnot(grepl(case$from, case$model, fixed = TRUE))
    sub(case$from, sub("MOD", mod, case$to, fixed = TRUE), case$model, fixed = TRUE)
  }
  b <- paste0("b", seq_len(G))
  free <- do.call(case$fun, list(model = labelled(paste0("c(", paste(b, collapse = ", "), ")")),
                                 data = data, group = case$group))
  equal <- do.call(case$fun, list(model = labelled(paste0("c(", paste(rep("b", G), collapse = ", "),
                                                          ")")),
                                  data = data, group = case$group))
  wald <- lavTestWald(free, constraints = paste("b1 ==", b[-1], collapse = "\n"))
  lrt <- as.data.frame(lavTestLRT(free, equal))
  pe <- parameterEstimates(free)
  rows <- pe[pe$label %in% b, c("group", "est", "se")]
  message(sprintf("  path %-18s wald %.4f lrt %.4f", case$name, wald$stat, lrt[2, "Chisq diff"]))
  list(model = case$model, fun = case$fun, data = case$data, group = case$group,
       group_from = I(if (is.null(case$group_from)) character(0) else case$group_from),
       group_labels = I(lavInspect(free, "group.label")),
       path = case$path, estimates = as.list(rows),
       wald = list(stat = wald$stat, df = wald$df, p.value = wald$p.value),
       lrt = list(chisq_free = lrt[1, "Chisq"], chisq_equal = lrt[2, "Chisq"],
                  chisq_diff = lrt[2, "Chisq diff"], df_diff = lrt[2, "Df diff"],
                  p_value = lrt[2, "Pr(>Chisq)"]))
}

run_lavpredict <- function(case) {
  data <- read_data(case$data)
  model <- paste(unlist(case$model), collapse = "\n")
  fit <- suppressWarnings(do.call(case$fun, c(list(model = model, data = data), case$options)))
  one <- function(method) {
    fs <- lavPredict(fit, method = method)
    if (!is.list(fs) || is.data.frame(fs)) fs <- list(fs)
    lapply(fs, function(m) list(colnames = I(colnames(m)),
                                data = lapply(seq_len(nrow(m)), function(i) I(unname(m[i, ])))))
  }
  message(sprintf("  lavPredict %s", case$name))
  pt <- parTable(fit)
  list(model = model, fun = case$fun, data = case$data, options = case$options,
       group_labels = I(lavInspect(fit, "group.label")),
       partable = as.list(pt[pt$free > 0, c("lhs", "op", "rhs", "group", "free", "est")]),
       regression = one("regression"), bartlett = one("Bartlett"))
}

cases <- fromJSON(file.path(repo_root, "tests", "reference", "cases.json"),
                  simplifyVector = TRUE, simplifyDataFrame = FALSE)$cases
names(cases) <- vapply(cases, function(c) c$name, character(1))

out <- list(
  lavaan_version = as.character(packageVersion("lavaan")),
  R_version = R.version.string,
  levels = lapply(LEVELS, I),
  invariance = setNames(lapply(invariance_cases, run_invariance),
                        vapply(invariance_cases, function(c) c$name, character(1))),
  paths = setNames(lapply(path_cases, run_path),
                   vapply(path_cases, function(c) c$name, character(1))),
  lavpredict = setNames(lapply(cases[lavpredict_cases], run_lavpredict), lavpredict_cases))

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null",
                  pretty = FALSE), out_file)
message("wrote ", out_file)
