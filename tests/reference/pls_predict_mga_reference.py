"""Reference numbers for relqual's PLSpredict, CVPAT, PLS-MGA and MICOM (issue 13, items 5-6),
generated with seminr 0.2.1 on replayed folds, permutations and bootstrap resamples.

seminr 0.2.1 (the PyPI port of R seminr, GPL-3.0) is a reference GENERATOR only: it is never
installed into relqual's environment and never imported by relqual. Run from the repository
root (after tests/reference/pls_reference.py, whose model helpers and data copies it uses):

    /tmp/seminr-venv/bin/python tests/reference/pls_predict_mga_reference.py

It writes tests/reference/pls_predict_mga.json. Every random choice is made here by numpy with
a fixed seed and stored, so relqual replays exactly the same folds, permutations and resamples
(see the README of ../shared/reference/pls: such results agree between programs only then).

What seminr computes and what this script computes from it:

* PLSpredict (seminr's ``predict_pls`` with ``ordering=`` and ``no_folds=``; technique
  predict_EA or predict_DA): seminr re-estimates every training fold and gives the out-of-sample
  PLS and LM predictions of the endogenous indicators and the predicted construct scores. One
  seminr call is one repetition; the fold of a row is stored (0-based) as ``folds``: with
  ``ordering`` a permutation of the rows, row ``ordering[i]`` is in fold ``cut_folds(n, k)[i] - 1``
  (R's ``cut(seq_len(n), breaks = k)``). ``per_repeat`` holds seminr's own RMSE/MAE (its
  ``item_metrics``) and construct OOS MSE/MAE (its ``construct_metrics``). The repeated-CV
  measures (``results``) are computed here from seminr's predictions: each row's prediction is
  the mean of its predictions over the repetitions (as R seminr's ``predict_pls(reps=)``);
  RMSE, MAE, Q²predict = 1 - SSE / SSE of the training-fold mean (also averaged over the
  repetitions); the construct level against seminr's full-sample construct scores; CVPAT
  (Liengaard et al. 2021) as the paired t-test of per-row losses (mean squared error over a
  construct's indicators, or over all endogenous indicators for "overall") against the
  indicator-average (training mean) and LM benchmarks, t = mean(D)/(sd(D)/sqrt(n)),
  D = loss(benchmark) - loss(PLS), df = n - 1.
* PLS-MGA (seminr's ``estimate_pls_mga`` with ``group1_indices``/``group2_indices``): group
  estimates, bootstrap means and Henseler's p (one-sided: "group 1 larger").
* Permutation test (Chin & Dibbern 2010; seminr has none): each stored permutation is a row
  order of the pooled rows (group 1's rows then group 2's, data order); its first n1 rows are
  permuted group 1; both permuted groups are estimated with seminr's ``rerun``;
  p = #(|d*| >= |d|) / P.
* MICOM (Henseler, Ringle & Sarstedt 2016; seminr has none): c = correlation of the pooled
  standardized data times group 1's and group 2's seminr weights; its permutation distribution
  from the same permutations' seminr weights; 5% quantile; p = #(c* <= c)/P. Step 3 on seminr's
  pooled-fit construct scores: mean difference and log variance ratio (group 1 - group 2),
  2.5/97.5% quantiles (numpy linear = R type 7), p = #(|d*| >= |d|)/P.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import tomllib
from scipy import stats
from seminr import estimate_pls, estimate_pls_mga, na_omit, rerun
from seminr.estimate.data import Dataset
from seminr.predict import construct_metrics, item_metrics, predict_DA, predict_EA, predict_pls
from seminr.predict.predict_pls import cut_folds

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pls_reference as base  # noqa: E402  (model syntax helpers, JSON writer)

ROOT = base.ROOT
OUT_FILE = base.REF_DIR / "pls_predict_mga.json"
RQ_CSV, RQ_TOML = base.RQ_CSV, base.RQ_TOML

PREDICT_SEED = 20240513
MGA_SEED = 20240514
N_PERM = 100
N_BOOT = 100


def seminr_fit(data: pd.DataFrame, spec, **kwargs):
    mm, sm = base.seminr_model(spec)
    return estimate_pls(data, mm, sm, max_it=base.MAX_IT, stop_criterion=base.STOP_CRITERION,
                        **kwargs)


def rq_data():
    syntax = tomllib.loads(RQ_TOML.read_text(encoding="utf-8"))["syntax"]
    spec = base.parse_model(syntax)
    items = base.model_items(spec)
    raw = pd.read_csv(RQ_CSV)
    keep = ~raw[items].isna().any(axis=1)
    return syntax, spec, raw, keep


# --------------------------------------------------------------------------- PLSpredict


def predict_case(data: pd.DataFrame, spec, syntax: str, k: int, repeats: int, technique,
                 data_info: dict, description: str) -> dict:
    model = seminr_fit(data, spec, missing=na_omit)
    n = len(data)
    rng = np.random.default_rng(PREDICT_SEED)
    position_fold = np.array(cut_folds(n, k)) - 1
    endo = list(model.sm_matrix.all_endogenous())
    blocks = {name: items for name, _, items in spec.blocks}
    targets = [item for c in endo for item in blocks[c]]
    y = data[targets].to_numpy(dtype=float)
    actual_scores = np.column_stack([model.construct_scores.column(c) for c in endo])

    folds, per_repeat = [], []
    pls_pred, lm_pred, ia_pred, score_pred, score_bench = [], [], [], [], []
    for _ in range(repeats):
        ordering = rng.permutation(n)
        fold = np.empty(n, dtype=int)
        fold[ordering] = position_fold
        folds.append(fold)
        pred = predict_pls(model, technique=technique, no_folds=k,
                           ordering=[int(i) for i in ordering])
        items = pred.items
        pls_pred.append(np.column_stack([items.pls_out_of_sample.column(t) for t in targets]))
        lm_pred.append(np.column_stack([items.lm_out_of_sample.column(t) for t in targets]))
        comp = pred.composites.composite_out_of_sample
        score_pred.append(np.column_stack([comp.column(c) for c in endo]))
        ia = np.empty_like(y)
        bench = np.empty((n, len(endo)))
        for f in range(k):
            test = fold == f
            ia[test] = y[~test].mean(axis=0)
            bench[test] = actual_scores[~test].mean(axis=0)
        ia_pred.append(ia)
        score_bench.append(bench)
        metrics = item_metrics(pred)
        cm = construct_metrics(pred)
        per_repeat.append({
            "indicators": [
                {"indicator": t,
                 "pls_rmse": metrics.pls_out_of_sample.get("RMSE", t),
                 "pls_mae": metrics.pls_out_of_sample.get("MAE", t),
                 "lm_rmse": metrics.lm_out_of_sample.get("RMSE", t),
                 "lm_mae": metrics.lm_out_of_sample.get("MAE", t)} for t in targets],
            "constructs": [
                {"construct": c, "oos_mse": cm.get("OOS_MSE", c), "oos_mae": cm.get("OOS_MAE", c)}
                for c in endo],
        })

    mean = {name: np.mean(values, axis=0) for name, values in
            (("pls", pls_pred), ("lm", lm_pred), ("ia", ia_pred))}

    def q2(pred, bench, actual):
        return 1 - ((actual - pred) ** 2).sum(axis=0) / ((actual - bench) ** 2).sum(axis=0)

    owner = [c for c in endo for _ in blocks[c]]
    indicators = []
    for col, t in enumerate(targets):
        e_pls, e_lm = y[:, col] - mean["pls"][:, col], y[:, col] - mean["lm"][:, col]
        indicators.append({
            "construct": owner[col], "indicator": t,
            "q2_predict": q2(mean["pls"][:, col], mean["ia"][:, col], y[:, col]),
            "pls_rmse": np.sqrt(np.mean(e_pls ** 2)), "pls_mae": np.mean(np.abs(e_pls)),
            "lm_q2_predict": q2(mean["lm"][:, col], mean["ia"][:, col], y[:, col]),
            "lm_rmse": np.sqrt(np.mean(e_lm ** 2)), "lm_mae": np.mean(np.abs(e_lm))})
    sp, sb = np.mean(score_pred, axis=0), np.mean(score_bench, axis=0)
    constructs = [{"construct": c,
                   "q2_predict": q2(sp[:, j], sb[:, j], actual_scores[:, j]),
                   "rmse": np.sqrt(np.mean((actual_scores[:, j] - sp[:, j]) ** 2)),
                   "mae": np.mean(np.abs(actual_scores[:, j] - sp[:, j]))}
                  for j, c in enumerate(endo)]
    loss = {name: (y - value) ** 2 for name, value in mean.items()}
    cvpat = []
    groups = [(c, np.array([o == c for o in owner])) for c in endo]
    groups.append(("overall", np.ones(len(targets), dtype=bool)))
    for construct, cols in groups:
        for bench_name, key in (("IA", "ia"), ("LM", "lm")):
            l_pls = loss["pls"][:, cols].mean(axis=1)
            l_b = loss[key][:, cols].mean(axis=1)
            D = l_b - l_pls
            t = D.mean() / (D.std(ddof=1) / np.sqrt(n))
            cvpat.append({"construct": construct, "benchmark": bench_name,
                          "loss_pls": l_pls.mean(), "loss_benchmark": l_b.mean(),
                          "difference": l_pls.mean() - l_b.mean(), "t": t, "df": n - 1,
                          "p_value": 2 * stats.t.sf(abs(t), n - 1),
                          "p_one_sided": stats.t.sf(t, n - 1)})
    return {
        "description": description,
        "model": syntax,
        "estimator": "PLS",
        "scheme": "path",
        "technique": "earliest" if technique is predict_EA else "direct",
        "seminr_technique": technique.__name__,
        "data": data_info,
        "k": k,
        "repeats": repeats,
        "fold_generator": (
            f"rng = numpy.random.default_rng({PREDICT_SEED}); per repetition ordering = "
            f"rng.permutation(n); folds[ordering] = cut_folds(n, k) - 1 (seminr's "
            "predict_pls(ordering=ordering, no_folds=k))"),
        "folds": [f.tolist() for f in folds],
        "per_repeat_seminr": per_repeat,
        "results": {"indicators": indicators, "constructs": constructs, "cvpat": cvpat},
        "predictions_head": {"rows": list(range(5)), "colnames": targets,
                             "pls": mean["pls"][:5].tolist(), "lm": mean["lm"][:5].tolist()},
    }


def case_predict_rq() -> dict:
    syntax, spec, raw, keep = rq_data()
    data = raw.loc[keep, base.model_items(spec)].astype(float).reset_index(drop=True)
    info = {"file": "relationship_quality", "n": len(data),
            "missing": "listwise: rows with a missing model item removed (file order kept)",
            "loaded_as": 'rq.datasets.load("relationship_quality")'}
    return predict_case(data, spec, syntax, k=10, repeats=3, technique=predict_EA,
                        data_info=info,
                        description="relationship_quality on its survey, PLSpredict with "
                                    "earliest antecedents, 10 folds x 3 repetitions")


def case_predict_ecsi() -> dict:
    spec = base.parse_model(base.ECSI_SYNTAX)
    raw, _ = base.load_mobi()
    data = raw[base.model_items(spec)]
    info = {"file": "pls_data/mobi.csv", "n": len(data), "missing": "none"}
    return predict_case(data, spec, base.ECSI_SYNTAX, k=5, repeats=2, technique=predict_DA,
                        data_info=info,
                        description="ECSI on mobi, PLSpredict with direct antecedents, "
                                    "5 folds x 2 repetitions")


# --------------------------------------------------------------------------- MGA and MICOM


def mga_case() -> tuple[dict, dict]:
    syntax, spec, raw, keep = rq_data()
    items = base.model_items(spec)
    data = raw.loc[keep, items].astype(float).reset_index(drop=True)
    labels = raw.loc[keep, "competition"].to_numpy()
    order = list(pd.unique(labels))                       # data order: low, high
    mask = labels == order[0]
    model = seminr_fit(data, spec, missing=na_omit)
    g1 = data[mask].reset_index(drop=True)
    g2 = data[~mask].reset_index(drop=True)
    n1, n2 = len(g1), len(g2)
    rng = np.random.default_rng(MGA_SEED)
    perms = np.array([rng.permutation(n1 + n2) for _ in range(N_PERM)])
    boot1 = rng.integers(0, n1, size=(N_BOOT, n1))
    boot2 = rng.integers(0, n2, size=(N_BOOT, n2))

    mga = estimate_pls_mga(model, mask, nboot=N_BOOT, group1_indices=boot1,
                           group2_indices=boot2)
    paths = spec.path_list()
    pooled = pd.concat([g1, g2], ignore_index=True)
    cols = tuple(items)

    def fit_rows(frame):
        return rerun(model, data=Dataset(cols, np.ascontiguousarray(frame.to_numpy(float))))

    fit1, fit2 = fit_rows(g1), fit_rows(g2)
    constructs = [name for name, _, _ in spec.blocks]
    X = pooled.to_numpy(float)
    X = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)

    def block_weights(fit):
        W = np.zeros((len(items), len(constructs)))
        for j, (c, _, its) in enumerate(spec.blocks):
            for it in its:
                W[items.index(it), j] = fit.outer_weights.get(it, c)
        return W

    def c_values(f1, f2):
        s1, s2 = X @ block_weights(f1), X @ block_weights(f2)
        return np.array([np.corrcoef(s1[:, j], s2[:, j])[0, 1] for j in range(len(constructs))])

    d_obs = np.array([fit1.path_coef.get(iv, dv) - fit2.path_coef.get(iv, dv)
                      for iv, dv in paths])
    c_obs = c_values(fit1, fit2)
    d_perm, c_perm = [], []
    for perm in perms:
        p1, p2 = fit_rows(pooled.iloc[perm[:n1]]), fit_rows(pooled.iloc[perm[n1:]])
        d_perm.append([p1.path_coef.get(iv, dv) - p2.path_coef.get(iv, dv) for iv, dv in paths])
        c_perm.append(c_values(p1, p2))
    d_perm, c_perm = np.array(d_perm), np.array(c_perm)
    p_perm = (np.abs(d_perm) >= np.abs(d_obs)).mean(axis=0)

    mga_rows = []
    by_path = {(r.source, r.target): r for r in mga}
    for k, (iv, dv) in enumerate(paths):
        r = by_path[(iv, dv)]
        mga_rows.append({"lhs": dv, "op": "~", "rhs": iv, "est_pooled": r.estimate,
                         "est_group1": r.group1_beta, "est_group2": r.group2_beta,
                         "difference": r.diff, "boot_mean_group1": r.group1_beta_mean,
                         "boot_mean_group2": r.group2_beta_mean,
                         "p_henseler_one_sided": r.pls_mga_p,
                         "p_henseler": 2 * min(r.pls_mga_p, 1 - r.pls_mga_p),
                         "p_permutation": p_perm[k]})
        assert abs(r.diff - d_obs[k]) < 1e-12

    pooled_fit = fit_rows(pooled)
    scores = np.column_stack([pooled_fit.construct_scores.column(c) for c in constructs])

    def step3(order_rows):
        one, two = scores[order_rows[:n1]], scores[order_rows[n1:]]
        return (one.mean(axis=0) - two.mean(axis=0),
                np.log(one.var(axis=0, ddof=1)) - np.log(two.var(axis=0, ddof=1)))

    m_obs, v_obs = step3(np.arange(n1 + n2))
    m_perm = np.array([step3(p)[0] for p in perms])
    v_perm = np.array([step3(p)[1] for p in perms])
    micom_rows = []
    for j, c in enumerate(constructs):
        q = np.quantile(c_perm[:, j], 0.05)
        m_lo, m_hi = np.quantile(m_perm[:, j], [0.025, 0.975])
        v_lo, v_hi = np.quantile(v_perm[:, j], [0.025, 0.975])
        micom_rows.append({
            "construct": c, "c": c_obs[j], "c_quantile": q,
            "p_compositional": (c_perm[:, j] <= c_obs[j]).mean(),
            "compositional": bool(c_obs[j] >= q),
            "mean_diff": m_obs[j], "mean_lower": m_lo, "mean_upper": m_hi,
            "p_mean": (np.abs(m_perm[:, j]) >= abs(m_obs[j])).mean(),
            "log_var_ratio": v_obs[j], "var_lower": v_lo, "var_upper": v_hi,
            "p_variance": (np.abs(v_perm[:, j]) >= abs(v_obs[j])).mean()})

    common = {
        "model": syntax,
        "library_model": "relationship_quality",
        "estimator": "PLS",
        "scheme": "path",
        "group": "competition",
        "groups": [str(g) for g in order],
        "n": {str(order[0]): n1, str(order[1]): n2},
        "data": {"file": "relationship_quality", "missing": "listwise on the model items; rows "
                 "of each group in file order"},
        "permutation_generator": (
            f"rng = numpy.random.default_rng({MGA_SEED}); {N_PERM} x rng.permutation(n1 + n2), "
            "then the bootstrap draws from the same rng"),
        "permutations": perms.tolist(),
    }
    mga_out = dict(common, **{
        "bootstrap_generator": (f"rng.integers(0, n1, size=({N_BOOT}, n1)) for group 1, then "
                                f"rng.integers(0, n2, size=({N_BOOT}, n2)) for group 2"),
        "bootstrap": {str(order[0]): boot1.tolist(), str(order[1]): boot2.tolist()},
        "seminr_call": ("estimate_pls_mga(model, competition == 'low', nboot=100, "
                        "group1_indices=..., group2_indices=...); permutation refits with "
                        "rerun(model, data=...)"),
        "results": mga_rows,
    })
    micom_out = dict(common, **{"alpha": 0.05, "results": micom_rows})
    return mga_out, micom_out


def main() -> None:
    start = time.perf_counter()
    predict = {}
    for build in (case_predict_rq, case_predict_ecsi):
        t0 = time.perf_counter()
        name = build.__name__.removeprefix("case_")
        predict[name] = build()
        print(f"{name}: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    mga, micom = mga_case()
    print(f"mga/micom: {time.perf_counter() - t0:.1f} s")
    doc = {
        "generator": "tests/reference/pls_predict_mga_reference.py",
        "versions": {"seminr": version("seminr"), "numpy": np.__version__,
                     "pandas": pd.__version__, "python": platform.python_version()},
        "stop_rule": {"criterion": "sum of |w_new - w_old| < 1e-7", "max_it": base.MAX_IT},
        "conventions": __doc__,
        "predict": predict,
        "mga": {"rq_competition": mga},
        "micom": {"rq_competition": micom},
    }
    text = base.to_json(base.clean(doc)) + "\n"
    json.loads(text)
    OUT_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {OUT_FILE.relative_to(ROOT)} ({len(text) / 1e6:.2f} MB) in "
          f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
