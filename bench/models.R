# Model syntax shared by the lavaan timing scripts (source("bench/models.R") from the repo root).
HS_MODEL <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
POLDEM_MODEL <- "ind60 =~ x1 + x2 + x3
dem60 =~ y1 + a*y2 + b*y3 + c*y4
dem65 =~ y5 + a*y6 + b*y7 + c*y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"
RQ_MODEL <- "CF =~ cf1 + cf2 + cf3 + cf4
SAT =~ sat1 + sat2 + sat3 + sat4
TR =~ tr1 + tr2 + tr3 + tr4
AC =~ ac1 + ac2 + ac3 + ac4
CC =~ cc1 + cc2 + cc3 + cc4
SAT ~ CF
TR ~ SAT + CF
AC ~ SAT + TR + CF
CC ~ AC + SAT + CF"
RQ_ITEMS <- c(paste0("cf", 1:4), paste0("sat", 1:4), paste0("tr", 1:4), paste0("ac", 1:4),
              paste0("cc", 1:4))

# Median wall time (ms) of `reps` calls of fit_once().
median_ms <- function(fit_once, reps) {
  times <- numeric(reps)
  for (i in seq_len(reps)) {
    t0 <- proc.time()[["elapsed"]]
    fit_once()
    times[i] <- proc.time()[["elapsed"]] - t0
  }
  1000 * median(times)
}
