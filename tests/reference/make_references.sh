#!/usr/bin/env bash
# Regenerate the bundled datasets and all lavaan reference JSON files.
# Requires R with lavaan + jsonlite (see tests/reference/README.md).
#   tests/reference/make_references.sh            # everything
#   tests/reference/make_references.sh hs_cfa     # only the named case(s)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$#" -eq 0 ]; then
  Rscript tests/reference/export_datasets.R
fi
Rscript tests/reference/lavaan_reference.R tests/reference/cases.json tests/reference "$@"
if [ "$#" -eq 0 ]; then
  Rscript tests/reference/semtools_reference.R tests/reference/semtools.json
  Rscript tests/reference/groups_reference.R tests/reference/groups.json
  Rscript tests/reference/summary_reference.R tests/reference/summary_stats.json
  Rscript tests/reference/bootstrap_reference.R
  Rscript tests/reference/mlr_lrt_reference.R
  Rscript tests/reference/estimators_reference.R
  Rscript tests/reference/estimators_more_reference.R tests/reference/estimators_more.json
  Rscript tests/reference/ordinal_estimators_reference.R tests/reference/ordinal_estimators.json
  Rscript tests/reference/power_reference.R tests/reference/power_rmsea.json
  Rscript tests/reference/interaction_reference.R tests/reference/interaction.json
  Rscript tests/reference/reviewer_reference.R tests/reference/reviewer_checks.json
  Rscript tests/reference/ordinal_reference.R tests/reference/ordinal.json
  Rscript tests/reference/ordinal_mixed_reference.R tests/reference/ordinal_mixed.json
  Rscript tests/reference/ordinal_pairwise_reference.R tests/reference/ordinal_pairwise.json
  Rscript tests/reference/ordinal_pairwise_measures_reference.R \
    tests/reference/ordinal_pairwise_measures.json
  Rscript tests/reference/ordinal_theta_scores_reference.R tests/reference/ordinal_theta_scores.json
  Rscript tests/reference/ordinal_covariates_reference.R tests/reference/ordinal_covariates.json
  # PROCESS references need pyprocessmacro 2.2.0 in its own venv (see tests/reference/README.md)
  if [ -x /tmp/process-venv/bin/python ]; then
    /tmp/process-venv/bin/python tests/reference/process_reference.py tests/reference/process.json
  fi
fi
