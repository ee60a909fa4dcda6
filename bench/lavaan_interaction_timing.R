# Median wall and CPU time of lavaan product-indicator fits of modsem's oneInt data: semTools
# indProd (double-mean-centring) builds the products, lavaan sem() fits the model (correlated
# residuals among products sharing an indicator), then parameterEstimates(standardized = TRUE)
# and fitMeasures(), as relqual's fit with interaction="dblcent" does.
# Usage (from the repository root): Rscript bench/lavaan_interaction_timing.R REPS
# Prints one JSON line per case: {"model": ..., "median_ms": ..., "cpu_ms": ...}
suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
})
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) > 0) as.integer(args[1]) else 5L
oneint <- read.csv("tests/reference/oneInt.csv")

product_model <- function(data, pairs) {
  match <- pairs == "matched"
  k <- if (match) 2 else 3
  p <- indProd(data, paste0("x", 1:k), paste0("z", 1:k), match = match, meanC = TRUE,
               residualC = FALSE, doubleMC = TRUE)
  prods <- setdiff(colnames(p), colnames(data))
  shared <- character(0)
  parts <- strsplit(prods, ".", fixed = TRUE)
  if (length(prods) > 1) for (i in 1:(length(prods) - 1)) for (j in (i + 1):length(prods)) {
    if (length(intersect(parts[[i]], parts[[j]])))
      shared <- c(shared, paste(prods[i], "~~", prods[j]))
  }
  model <- c(paste("X =~", paste0("x", 1:k, collapse = " + ")),
             paste("Z =~", paste0("z", 1:k, collapse = " + ")),
             paste("Y =~", paste0("y", 1:k, collapse = " + ")),
             paste("XZ =~", paste(prods, collapse = " + ")), shared, "Y ~ X + Z + XZ")
  list(data = p, model = paste(model, collapse = "\n"))
}

for (pairs in c("all", "matched")) {
  times <- numeric(reps)
  cpu <- numeric(reps)
  for (i in seq_len(reps)) {
    t0 <- proc.time()
    pm <- product_model(oneint, pairs)
    fit <- sem(pm$model, data = pm$data)
    pe <- parameterEstimates(fit, standardized = TRUE)
    fm <- fitMeasures(fit)
    t1 <- proc.time()
    times[i] <- t1[["elapsed"]] - t0[["elapsed"]]
    cpu[i] <- (t1[["user.self"]] + t1[["sys.self"]]) - (t0[["user.self"]] + t0[["sys.self"]])
  }
  cat(sprintf('{"model": "oneint_dblcent_%s", "median_ms": %.3f, "cpu_ms": %.3f}\n',
              pairs, 1000 * median(times), 1000 * median(cpu)))
}
