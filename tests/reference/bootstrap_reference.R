# lavaan bootstrap reference for relqual's resampling (issue 5).
# Fits the relationship-quality mediation model (case rq_mediation) with se = "bootstrap",
# exports the exact resample rows lavaan used (regenerated with the same seed, and checked
# against lavaan's own bootstrap draws), and lavaan's bootstrap SEs and percentile and
# bias-corrected (bca.simple) intervals.
# Usage (from the repository root): Rscript tests/reference/bootstrap_reference.R
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
cases <- fromJSON("tests/reference/cases.json", simplifyVector = FALSE)$cases
case <- Filter(function(x) x$name == "rq_mediation", cases)[[1]]
model <- paste(unlist(case$model), collapse = "\n")
raw <- read.csv(case$data)
fit0 <- sem(model, data = raw)
# the rows lavaan actually uses (listwise complete on the model's variables)
vars <- lavNames(fit0, "ov")
dat <- raw[complete.cases(raw[, vars]), vars]
n <- nrow(dat)
B <- 200L
seed <- 20261123L

fit <- sem(model, data = dat, se = "bootstrap", bootstrap = B, iseed = seed)
boot <- lavInspect(fit, "boot")

# with iseed, lavaan calls set.seed(iseed) and then sample.int(n, replace = TRUE) per draw
set.seed(seed)
idx <- lapply(seq_len(B), function(b) sample.int(n, replace = TRUE))
check <- sapply(1:3, function(b) {
  fb <- sem(model, data = dat[idx[[b]], ])
  max(abs(coef(fb) - boot[b, ]))
})
cat("max difference between lavaan's draws and the replayed resamples:", max(check), "\n")
stopifnot(max(check) < 1e-4)   # same resamples; lavaan converges to ~1e-6

pe_perc <- parameterEstimates(fit, boot.ci.type = "perc", standardized = FALSE)
pe_bc <- parameterEstimates(fit, boot.ci.type = "bca.simple")
pe_delta <- parameterEstimates(sem(model, data = dat))
num <- function(x) { x <- as.numeric(x); x[!is.finite(x)] <- NA; x }
out <- list(
  description = paste("lavaan se='bootstrap' on the rq_mediation case; B =", B, "seed =", seed),
  lavaan_version = as.character(packageVersion("lavaan")),
  model = model, n = n, B = B, seed = seed,
  indices = lapply(idx, function(i) as.integer(i - 1L)),          # 0-based rows of `dat`
  boot = unname(boot),
  boot_colnames = colnames(boot),
  estimates = data.frame(lhs = pe_perc$lhs, op = pe_perc$op, rhs = pe_perc$rhs,
                         est = num(pe_perc$est), se = num(pe_perc$se),
                         perc_lower = num(pe_perc$ci.lower), perc_upper = num(pe_perc$ci.upper),
                         bc_lower = num(pe_bc$ci.lower), bc_upper = num(pe_bc$ci.upper),
                         delta_se = num(pe_delta$se)))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", dataframe = "columns"),
           "tests/reference/rq_bootstrap.json")
cat("wrote tests/reference/rq_bootstrap.json\n")
