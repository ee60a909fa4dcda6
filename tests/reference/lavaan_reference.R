#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------
# lavaan_reference.R -- generate lavaan reference values for relqual tests.
#
# Usage (from anywhere; paths in the cases file are relative to the repo root):
#
#   Rscript tests/reference/lavaan_reference.R [CASES_JSON [OUT_DIR [CASE ...]]]
#
#   CASES_JSON  default: tests/reference/cases.json
#   OUT_DIR     default: tests/reference
#   CASE ...    optional case names; only these are (re)generated.  The
#               partable-only export is regenerated only when no names are
#               given or when "partables" is among them.
#
# Cases file format (JSON):
#
#   {
#     "cases": [
#       {
#         "name":    "hs_cfa",                      # -> OUT_DIR/hs_cfa.json
#         "description": "free text (optional)",
#         "fun":     "cfa",                         # cfa | sem | growth | lavaan
#         "data":    "data/holzinger_swineford.csv",# relative to repo root
#         "model":   "visual =~ x1 + x2 + x3\n...", # lavaan syntax (string, or
#                                                   #  array of lines)
#         "options": {"meanstructure": true, "estimator": "ML", ...}
#       }, ...
#     ],
#     "partables": {                                # optional
#       "file": "partables.json",
#       "fun":  "sem",
#       "data": "data/holzinger_swineford.csv",
#       "options": {},
#       "models": [ {"name": "...", "model": "..."}, ... ]
#     }
#   }
#
# "options" are passed verbatim as named arguments to the lavaan function
# (estimator, meanstructure, missing, se, std.lv, fixed.x, group,
# group.equal, orthogonal, ...).  To add a case, append an entry to
# "cases" and re-run (see make_references.sh).
#
# Output: one JSON file per case; see tests/reference/README.md for the
# schema.  Tables are stored column-wise (object of equal-length arrays),
# matrices as {"rownames", "colnames", "data" (array of rows)}, NA -> null,
# numbers at full precision (jsonlite digits = NA).
# ---------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

## ---- locate repo root -----------------------------------------------------
script_path <- local({
  a <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(a)) normalizePath(sub("^--file=", "", a[1])) else NA_character_
})
repo_root <- if (!is.na(script_path)) {
  normalizePath(file.path(dirname(script_path), "..", ".."))
} else {
  normalizePath(".")
}

args <- commandArgs(trailingOnly = TRUE)
cases_file <- if (length(args) >= 1) args[1] else
  file.path(repo_root, "tests", "reference", "cases.json")
out_dir <- if (length(args) >= 2) args[2] else
  file.path(repo_root, "tests", "reference")
only <- if (length(args) >= 3) args[-(1:2)] else character(0)
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

lavaan_version <- as.character(packageVersion("lavaan"))
r_version <- R.version.string

## ---- JSON helpers ---------------------------------------------------------
# Protect vectors from auto_unbox (jsonlite does not unbox AsIs objects).
arr <- function(x) I(unname(x))

# data.frame -> column-wise list of arrays (plain types, no factors).
df_cols <- function(df, cols = NULL) {
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  class(df) <- "data.frame"
  if (!is.null(cols)) df <- df[, intersect(cols, names(df)), drop = FALSE]
  out <- lapply(df, function(col) {
    if (is.factor(col)) col <- as.character(col)
    arr(col)
  })
  names(out) <- names(df)
  out
}

# matrix -> {rownames, colnames, data: [[row], ...]}
mat_obj <- function(m) {
  m <- unclass(m)
  m <- as.matrix(m)
  rn <- rownames(m); cn <- colnames(m)
  list(
    rownames = arr(if (is.null(rn)) character(0) else rn),
    colnames = arr(if (is.null(cn)) character(0) else cn),
    data = lapply(seq_len(nrow(m)), function(i) arr(as.numeric(m[i, ])))
  )
}

# named numeric vector -> JSON object {name: value}
named_vec <- function(v) {
  v <- unclass(v)
  out <- as.list(as.numeric(v))
  names(out) <- names(v)
  out
}

# Apply f to x, or to each group element when the model is multi-group
# (lavaan then returns a named list with one element per group).
per_group <- function(fit, x, f) {
  if (lavInspect(fit, "ngroups") > 1L) lapply(x, f) else f(x)
}

# {cov: matrix, mean: named vector (if any)} from fitted()/sampstat lists
moments_obj <- function(s) {
  out <- list()
  if (!is.null(s$cov)) out$cov <- mat_obj(s$cov)
  if (!is.null(s$mean)) out$mean <- named_vec(s$mean)
  out
}

# Shortest decimal string that round-trips to the same double (jsonlite's
# digits = NA stops at 15 significant digits, which is not always exact).
num_str <- function(x) {
  vapply(x, function(v) {
    if (!is.finite(v)) return("null")   # NA / NaN / Inf -> null
    for (d in 15:17) {
      s <- sprintf(paste0("%.", d, "g"), v)
      if (as.numeric(s) == v) break
    }
    s
  }, character(1), USE.NAMES = FALSE)
}

# Replace every double vector by verbatim JSON text (arrays for AsIs or
# length != 1 vectors, bare numbers for unboxed scalars).
encode_doubles <- function(x) {
  if (is.list(x) && !is.data.frame(x)) {
    at <- attributes(x)
    x <- lapply(x, encode_doubles)
    attributes(x) <- at
    return(x)
  }
  if (is.double(x) && is.null(dim(x))) {
    s <- num_str(as.numeric(x))
    if (inherits(x, "AsIs") || length(x) != 1L) {
      s <- paste0("[", paste(s, collapse = ", "), "]")
    }
    return(structure(s, class = "json"))
  }
  x
}

write_json_file <- function(obj, path) {
  # digits = NA (max jsonlite precision) as a fallback; doubles are already
  # rendered exactly by encode_doubles().
  txt <- toJSON(encode_doubles(obj), digits = NA, auto_unbox = TRUE,
                na = "null", null = "null", pretty = TRUE,
                dataframe = "columns", matrix = "rowmajor",
                json_verbatim = TRUE)
  writeLines(txt, path, useBytes = TRUE)
}

model_text <- function(m) paste(unlist(m), collapse = "\n")

# Evaluate expr, collecting warnings instead of printing them.
with_warnings <- function(expr) {
  w <- character(0)
  val <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond))
    invokeRestart("muffleWarning")
  })
  list(value = val, warnings = w)
}

safe <- function(expr) tryCatch(expr, error = function(e) {
  message("    [skipped: ", conditionMessage(e), "]")
  NULL
})

resolved_option_names <- c(
  "estimator", "likelihood", "se", "test", "information", "h1.information",
  "observed.information", "missing", "meanstructure", "int.ov.free",
  "int.lv.free", "fixed.x", "conditional.x", "std.lv", "orthogonal",
  "auto.fix.first", "auto.fix.single", "auto.var", "auto.cov.lv.x",
  "auto.cov.y", "std.ov", "mimic", "optim.method", "bounds",
  "sample.cov.rescale", "group.equal", "group.label", "ceq.simple")

partable_cols <- c("id", "lhs", "op", "rhs", "user", "block", "group", "free",
                   "ustart", "exo", "label", "plabel", "start", "est", "se")
std_cols <- c("lhs", "op", "rhs", "block", "group", "label", "est.std", "se",
              "z", "pvalue", "ci.lower", "ci.upper")
mi_cols <- c("lhs", "op", "rhs", "block", "group", "level", "mi", "epc",
             "sepc.lv", "sepc.all", "sepc.nox")

read_data <- function(rel) {
  path <- file.path(repo_root, rel)
  if (!file.exists(path)) stop("data file not found: ", path)
  read.csv(path, stringsAsFactors = FALSE)
}

fit_model <- function(fun, model, data, options) {
  # call by name: lavaan's cfa()/sem() inspect match.call()[[1]]
  stopifnot(fun %in% c("cfa", "sem", "growth", "lavaan"))
  do.call(fun, c(list(model = model, data = data), options))
}

## ---- one full case --------------------------------------------------------
run_case <- function(case) {
  name <- case$name
  fun <- if (is.null(case$fun)) "sem" else case$fun
  options <- if (is.null(case$options)) list() else case$options
  model <- model_text(case$model)
  data <- read_data(case$data)

  res <- with_warnings(fit_model(fun, model, data, options))
  fit <- res$value
  warns <- res$warnings

  ropts <- lavInspect(fit, "options")
  resolved <- ropts[intersect(resolved_option_names, names(ropts))]
  resolved <- lapply(resolved, function(x) if (length(x) == 1) x else arr(x))

  out <- list(
    name = name,
    description = if (is.null(case$description)) "" else case$description,
    fun = fun,
    model = model,
    data = case$data,
    options = if (length(options)) options else structure(list(), names = character(0)),
    lavaan_version = lavaan_version,
    R_version = r_version,
    resolved_options = resolved,
    converged = lavInspect(fit, "converged"),
    iterations = lavInspect(fit, "iterations"),
    nobs = lavInspect(fit, "ntotal"),
    nobs_group = arr(lavInspect(fit, "nobs")),
    norig = arr(lavInspect(fit, "norig")),
    ngroups = lavInspect(fit, "ngroups"),
    group_labels = arr(lavInspect(fit, "group.label")),
    npar = lavInspect(fit, "npar"),
    warnings = arr(warns)
  )

  out$partable <- df_cols(parTable(fit), partable_cols)

  pe <- with_warnings(parameterEstimates(fit, standardized = TRUE,
                                         rsquare = FALSE))$value
  out$estimates <- df_cols(pe)

  out$std_solution <- list(
    std_all = df_cols(standardizedSolution(fit, type = "std.all"), std_cols),
    std_lv  = df_cols(standardizedSolution(fit, type = "std.lv"),  std_cols)
  )

  out$fit_measures <- named_vec(fitMeasures(fit))

  out$r2 <- safe(per_group(fit, lavInspect(fit, "r2"), named_vec))

  out$vcov <- mat_obj(vcov(fit))

  fitted_m <- fitted(fit)
  out$implied_cov <- per_group(fit, fitted_m, function(g) mat_obj(g$cov))
  if (lavInspect(fit, "meanstructure")) {
    out$implied_mean <- per_group(fit, fitted_m, function(g) named_vec(g$mean))
  }
  out$sample_cov <- per_group(fit, lavInspect(fit, "sampstat"), moments_obj)
  if (lavInspect(fit, "categorical")) {
    # ordered indicators: sample thresholds, DWLS weights (diag of WLS.V) and, when it is
    # small (<= 100 statistics), the full asymptotic covariance Gamma (lavaan's NACOV)
    out$sample_th <- per_group(fit, lavInspect(fit, "sampstat"), function(s) named_vec(s$th))
    out$wls_v <- per_group(fit, lavInspect(fit, "wls.v"), function(m) arr(diag(m)))
    out$gamma <- per_group(fit, lavInspect(fit, "gamma"), function(m)
      if (nrow(m) <= 100) mat_obj(m) else NULL)
  }

  mi <- safe(with_warnings(modindices(fit))$value)
  if (!is.null(mi)) out$modindices <- df_cols(mi, mi_cols)

  path <- file.path(out_dir, paste0(name, ".json"))
  write_json_file(out, path)
  fm <- fitMeasures(fit, c("chisq", "df", "cfi", "rmsea"))
  message(sprintf("  %-24s converged=%s nobs=%d chisq=%.3f df=%d cfi=%.3f rmsea=%.3f%s",
                  name, out$converged, out$nobs, fm[["chisq"]],
                  as.integer(fm[["df"]]), fm[["cfi"]], fm[["rmsea"]],
                  if (length(warns)) paste0("  [", length(warns), " warning(s)]") else ""))
  invisible(out)
}

## ---- partable-only export --------------------------------------------------
run_partables <- function(spec) {
  fun <- if (is.null(spec$fun)) "sem" else spec$fun
  options <- if (is.null(spec$options)) list() else spec$options
  data <- read_data(spec$data)
  cols <- c("id", "lhs", "op", "rhs", "user", "block", "group", "free",
            "ustart", "exo", "label", "plabel")
  models <- list()
  for (m in spec$models) {
    model <- model_text(m$model)
    res <- with_warnings(fit_model(fun, model, data, options))
    fit <- res$value
    models[[m$name]] <- list(
      model = model,
      description = if (is.null(m$description)) "" else m$description,
      converged = lavInspect(fit, "converged"),
      meanstructure = lavInspect(fit, "meanstructure"),
      warnings = arr(res$warnings),
      partable = df_cols(parTable(fit), cols)
    )
    message(sprintf("  partable %-28s converged=%s rows=%d", m$name,
                    lavInspect(fit, "converged"), nrow(parTable(fit))))
  }
  out <- list(
    fun = fun,
    data = spec$data,
    options = if (length(options)) options else structure(list(), names = character(0)),
    lavaan_version = lavaan_version,
    R_version = r_version,
    models = models
  )
  file <- if (is.null(spec$file)) "partables.json" else spec$file
  write_json_file(out, file.path(out_dir, file))
}

## ---- main ------------------------------------------------------------------
spec <- fromJSON(cases_file, simplifyVector = TRUE, simplifyDataFrame = FALSE)
message("lavaan ", lavaan_version, " / ", r_version)
message("repo root: ", repo_root)

failed <- character(0)
for (case in spec$cases) {
  if (length(only) && !(case$name %in% only)) next
  ok <- tryCatch({ run_case(case); TRUE }, error = function(e) {
    message("  ", case$name, ": ERROR ", conditionMessage(e)); FALSE
  })
  if (!ok) failed <- c(failed, case$name)
}
if (!is.null(spec$partables) && (!length(only) || "partables" %in% only)) {
  run_partables(spec$partables)
}
if (length(failed)) {
  message("FAILED cases: ", paste(failed, collapse = ", "))
  quit(status = 1)
}
