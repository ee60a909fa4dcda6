"""The ``relqual`` command line: ``demo``, ``models``, ``fit``, ``simulate`` and ``power``.

Every command is a thin layer over the Python API (``rq.fit``, ``rq.models``, ``Result``).
Problems with the user's input (a missing file, an unknown column, a syntax error, an option
that is not implemented yet) end with a one-line message on stderr and exit code 2, never a
traceback.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import textwrap
import warnings
from pathlib import Path

import pandas as pd

import relqual as rq
from relqual.verdicts import judge

EXIT_OK, EXIT_INPUT = 0, 2
DEMO_NAME = "relationship_quality"


class CliError(Exception):
    """A problem with what the user asked for; the message is shown as is."""


# ---------------------------------------------------------------------------- helpers
def read_data(path: str) -> pd.DataFrame:
    """A data file as a DataFrame, read by ``rq.read_survey`` (the format is chosen by extension)."""
    try:
        return rq.read_survey(path)
    except (FileNotFoundError, ImportError, rq.SurveyFileError) as exc:
        raise CliError(str(exc)) from None


def run_fit(model, data, **options) -> rq.Result:
    """``rq.fit`` with its Python warnings silenced: the CLI prints ``res.warnings`` itself."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rq.RelqualWarning)
        return rq.fit(model, data, **options)


def jsonable(value):
    """Plain Python values for ``json.dump``: numpy scalars unwrapped, NaN and inf -> None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def result_json(res: rq.Result) -> dict:
    """The ``--json`` document of the API contract (DESIGN.md, "Command line")."""
    return jsonable({
        "estimates": res.estimates().to_dict(orient="records"),
        "fit_measures": res.fit_measures().to_dict(),
        "converged": bool(res.converged),
        "n_obs": int(res.n_obs),
        "warnings": list(res.warnings),
    })


def format_table(header: list[str], rows: list[list[str]], align: str, indent: int = 2) -> list[str]:
    """Aligned plain-text columns; ``align`` has one 'l' or 'r' per column."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        parts = [str(c).ljust(w) if a == "l" else str(c).rjust(w)
                 for c, w, a in zip(cells, widths, align)]
        return (" " * indent + "  ".join(parts)).rstrip()

    return [line(header), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def wrap(text: str, indent: str, first: str | None = None, width: int = 100) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_on_hyphens=False) or [indent.rstrip()]


def fmt_p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return ""
    return "< .001" if p < 0.001 else f"{p:.3f}"


# ---------------------------------------------------------------------------- demo
def verdict(path: pd.Series | None, sign: str) -> str:
    """Supported when p < .05 and the estimate has the hypothesised sign."""
    if path is None:
        return "not in model"
    return judge(path["est"], path["pvalue"], sign)[1]


def hypothesis_lines(res: rq.Result, hypotheses: list[dict]) -> list[str]:
    """One row per structural path, with the hypothesis that predicts it (if any) and a verdict."""
    paths = res.paths()
    key = lambda lhs, op, rhs: (str(lhs), str(op), str(rhs))
    by_key = {key(r["lhs"], r["op"], r["rhs"]): r for _, r in paths.iterrows()}
    rows, seen = [], set()

    def row(hid, lhs, rhs, sign, path, note):
        if path is None:
            return [hid, f"{rhs} -> {lhs}", sign, "", "", "", "", "", note]
        ci = f"[{path['std_all_ci_lower']:6.3f}, {path['std_all_ci_upper']:6.3f}]"
        return [hid, f"{rhs} -> {lhs}", sign, f"{path['est']:.3f}", f"{path['se']:.3f}",
                f"{path['std_all']:.3f}", ci, fmt_p(path["pvalue"]), note]

    for h in hypotheses:
        k = key(h.get("lhs"), h.get("op", "~"), h.get("rhs"))
        path = by_key.get(k)
        seen.add(k)
        sign = str(h.get("sign", "")) or "?"
        rows.append(row(h.get("id", "?"), k[0], k[2], sign, path, verdict(path, sign)))
    for k, path in by_key.items():
        if k not in seen:
            rows.append(row("-", k[0], k[2], "", path, "(no hypothesis)"))
    header = ["Hyp", "Path", "Sign", "B", "SE", "beta", "95% CI (beta)", "p", "Verdict"]
    return format_table(header, rows, "lllrrrlrl")


def demo_text(res: rq.Result) -> str:
    spec, fm = res.spec, res.fit_measures()
    n_input, n_used = res.prepared.n_input, res.n_obs
    lines = [f"relqual {rq.__version__} demo: {spec.title or spec.name}", ""]
    n_lv, n_ov = len(res.partable.roles.lv), len(res.partable.roles.ov)
    lines += [f"Model  library model '{spec.name}': {n_lv} latent variables, {n_ov} observed "
              f"items, {len(res.paths())} structural paths, {len(spec.hypotheses)} hypotheses",
              f"Data   bundled dataset '{DEMO_NAME}': {n_input} rows; {n_used} used, "
              f"{n_input - n_used} dropped"]
    if n_input > n_used:
        lines += wrap(drop_reason(res.warnings), " " * 7)
    lines += [f"Fit    {res.call.get('estimator', 'ML')} estimation, "
              f"{'converged' if res.converged else 'NOT CONVERGED'} after {res.iterations} "
              f"iterations, {res.partable.npar} free parameters", ""]
    lines += ["Model fit",
              f"  chi-square = {fm['chisq']:.3f}, df = {int(fm['df'])}, p = {fm['pvalue']:.3f}",
              f"  CFI        = {fm['cfi']:.3f}",
              f"  TLI        = {fm['tli']:.3f}",
              f"  RMSEA      = {fm['rmsea']:.3f}, 90% CI [{fm['rmsea_ci_lower']:.3f}, "
              f"{fm['rmsea_ci_upper']:.3f}]",
              f"  SRMR       = {fm['srmr']:.3f}", ""]
    lines += ["Structural paths and hypotheses"]
    lines += hypothesis_lines(res, spec.hypotheses)
    lines += ["  B = unstandardized estimate (SE); p from its z test. beta = standardized (std.all)",
              "  with delta-method 95% CI. Supported = p < .05 and the hypothesised sign.", ""]
    if spec.hypotheses:
        lines += ["Hypotheses"]
        for h in spec.hypotheses:
            hid = str(h.get("id", "?"))
            lines += wrap(str(h.get("statement", "")), " " * (4 + len(hid)),
                          first=f"  {hid}  ")
        lines.append("")
    lines += warning_lines(res.warnings)
    return "\n".join(lines).rstrip() + "\n"


def drop_reason(messages: list[str]) -> str:
    """Why rows were dropped, from the data-preparation warning ("... dropped <reason>; ...")."""
    for message in messages:
        found = re.search(r"rows? dropped\s*(.*?)(;|$)", message)
        if found:
            return f"{found.group(1) or 'reason not stated'}; details under Warnings"
    return "reason not reported"


def warning_lines(messages: list[str]) -> list[str]:
    if not messages:
        return ["Warnings: none"]
    out = [f"Warnings ({len(messages)})"]
    for message in messages:
        out += wrap(message, "    ", first="  ! ")
    return out


def cmd_demo(args) -> int:
    res = run_fit(DEMO_NAME, rq.datasets.load(DEMO_NAME))
    sys.stdout.write(demo_text(res))
    if not args.no_report:
        path = write_cli_report(res, args.out, rq.datasets.load(DEMO_NAME),
                                data_code=f"rq.datasets.load({DEMO_NAME!r})",
                                draws=args.bootstrap, seed=args.seed, lang=args.lang)
        print(f"\nReport (diagram, APA tables, data checks, warnings, versions) written to "
              f"{path.resolve()}")
    return EXIT_OK


# ---------------------------------------------------------------------------- models
def cmd_models(args) -> int:
    table = rq.models.list()
    if table.empty:
        print("No library models found.")
        return EXIT_OK
    rows = [[r["name"], str(r["constructs"]), str(r["hypotheses"]), r["title"]]
            for _, r in table.iterrows()]
    print("\n".join(format_table(["name", "constructs", "hypotheses", "title"], rows, "lrrl",
                                 indent=0)))
    print("\nUse a name with `relqual fit NAME DATA` or `rq.models.load(NAME)`.")
    return EXIT_OK


# ---------------------------------------------------------------------------- fit
def parse_ordered(value: str | None):
    if value is None:
        return None
    if value.strip().lower() == "all":
        return True
    return [c.strip() for c in value.split(",") if c.strip()]


def cmd_fit(args) -> int:
    data = read_data(args.data)
    res = run_fit(args.model, data, estimator=args.estimator, missing=args.missing,
                  ordered=parse_ordered(args.ordered), group=args.group, std_lv=args.std_lv)
    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(result_json(res), fh, indent=2, allow_nan=False, ensure_ascii=False)
                fh.write("\n")
        except OSError as exc:
            raise CliError(f"cannot write '{args.json}': {exc.strerror or exc}") from None
    print(res.summary())
    if args.json:
        print(f"\nJSON written to {args.json}")
    return EXIT_OK


# ---------------------------------------------------------------------------- simulate
def cmd_simulate(args) -> int:
    out = Path(args.out)
    sep = {".csv": ",", ".tsv": "\t"}.get(out.suffix.lower())
    if sep is None:
        raise CliError(f"cannot write '{args.out}': use a .csv or .tsv file name")
    data = rq.simulate(args.model, args.n, seed=args.seed, likert=args.likert,
                       missing_rate=args.missing_rate)
    try:
        data.to_csv(out, sep=sep, index=False, float_format="%.10g")
    except OSError as exc:
        raise CliError(f"cannot write '{args.out}': {exc.strerror or exc}") from None
    kind = f"{args.likert}-point Likert" if args.likert else "continuous"
    print(f"{len(data)} rows x {data.shape[1]} {kind} variables simulated from {args.model} "
          f"(seed {args.seed}, {int(data.isna().to_numpy().sum())} missing cells) -> {out}")
    return EXIT_OK


# ---------------------------------------------------------------------------- report
def write_cli_report(res, out, data, *, data_code, draws, seed, lang):
    """``res.report(out)`` with bad file names and unwritable paths as one-line errors."""
    try:
        return res.report(out, data=data, data_code=data_code, lang=lang, seed=seed,
                          indirect_ci="bootstrap" if draws else "delta", draws=draws or None)
    except ValueError as exc:
        if "report" in str(exc):
            raise CliError(str(exc)) from None
        raise
    except OSError as exc:
        raise CliError(f"cannot write '{out}': {exc.strerror or exc}") from None


def add_report_options(parser, out_default=None):
    parser.add_argument("--out", default=out_default, required=out_default is None,
                        metavar="FILE", help="report file: .html, .docx (Word) or .md"
                        + (f" (default {out_default})" if out_default else ""))
    parser.add_argument("--lang", default="en", choices=["en", "zh"],
                        help="construct names in English (default) or Chinese")
    parser.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                        help="bootstrap resamples for the indirect effects (default 1000; "
                             "0: delta-method intervals)")
    parser.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1)")


def cmd_report(args) -> int:
    data = read_data(args.data)
    res = run_fit(args.model, data, estimator=args.estimator, missing=args.missing,
                  std_lv=args.std_lv)
    path = write_cli_report(res, args.out, data, data_code=f"rq.read_survey({args.data!r})",
                            draws=args.bootstrap, seed=args.seed, lang=args.lang)
    fm = res.fit_measures()
    print(f"{res.spec.name}: n = {res.n_obs} of {res.prepared.n_input} rows, "
          f"chi-square({int(fm['df'])}) = {fm['chisq']:.2f}, CFI = {fm['cfi']:.3f}, "
          f"RMSEA = {fm['rmsea']:.3f}, SRMR = {fm['srmr']:.3f}; {len(res.warnings)} warning(s)")
    print(f"Report written to {path.resolve()}")
    return EXIT_OK


# ---------------------------------------------------------------------------- power
def cmd_power(args) -> int:
    from .power import power, power_text
    client = args.scheduler if args.backend == "dask" else None
    try:
        table = power(args.model, n=args.n, reps=args.reps, alpha=args.alpha, seed=args.seed,
                      estimator=args.estimator, missing_rate=args.missing_rate,
                      likert=args.likert, backend=args.backend, client=client,
                      n_jobs=args.n_jobs, progress=not args.no_progress, target=args.target)
    except ImportError as exc:                      # backend="dask" without dask installed
        raise CliError(str(exc)) from None
    if args.out:
        try:
            table.to_csv(args.out, index=False, float_format="%.10g")
        except OSError as exc:
            raise CliError(f"cannot write '{args.out}': {exc.strerror or exc}") from None
    sys.stdout.write(power_text(table))
    if args.out:
        print(f"\nFull table ({len(table)} rows) written to {args.out}")
    return EXIT_OK


# ---------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relqual",
        description="Structural equation models of customer relationship quality and loyalty.")
    parser.add_argument("--version", action="version", version=f"relqual {rq.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser("demo", help="fit the relationship-quality model to the bundled survey "
                                       "and test its hypotheses")
    demo.set_defaults(func=cmd_demo)
    add_report_options(demo, out_default="relqual-demo-report.html")
    demo.add_argument("--no-report", action="store_true", help="print the results only")

    models = sub.add_parser("models", help="list the library models")
    models.set_defaults(func=cmd_models)

    fit = sub.add_parser("fit", help="fit a model to a data file and print the summary",
                         description="Fit MODEL to DATA and print a lavaan-style summary.")
    fit.add_argument("model", metavar="MODEL",
                     help="lavaan model syntax, a library model name or a model file path")
    fit.add_argument("data", metavar="DATA",
                     help="data file: .csv, .tsv, .xlsx, .sav (SPSS), .dta (Stata) or .parquet")
    fit.add_argument("--estimator", default="ML",
                     help="estimator: ML (default), MLR, or WLSMV (with --ordered)")
    fit.add_argument("--missing", default="listwise", choices=["listwise", "fiml"],
                     help="missing-data handling (default listwise; fiml: full-information ML)")
    fit.add_argument("--std-lv", action="store_true",
                     help="scale latent variables by fixing their variances to 1")
    fit.add_argument("--ordered", metavar="all|COLS",
                     help="ordered (categorical) indicators: 'all' or COL1,COL2 (fits by WLSMV)")
    fit.add_argument("--group", metavar="COL", help="multigroup fit: one model per value of column COL")
    fit.add_argument("--json", metavar="OUT", help="also write estimates and fit measures as JSON")
    fit.set_defaults(func=cmd_fit)

    simulate = sub.add_parser("simulate", help="simulate survey data from a model's population values",
                              description="Draw N respondents from MODEL's population values "
                                          "(rq.simulate) and write them to OUT.")
    simulate.add_argument("model", metavar="MODEL", help="library model name, model file, or "
                          "lavaan syntax with every parameter fixed")
    simulate.add_argument("--n", type=int, required=True, help="number of respondents")
    simulate.add_argument("--out", required=True, metavar="FILE", help="output .csv or .tsv file")
    simulate.add_argument("--seed", type=int, default=None, help="random seed (reproducible data)")
    simulate.add_argument("--likert", type=int, choices=[5, 7], default=None,
                          help="cut answers into 5 or 7 Likert categories (default: continuous)")
    simulate.add_argument("--missing-rate", type=float, default=0.0, metavar="R",
                          help="share of cells missing completely at random (default 0)")
    simulate.set_defaults(func=cmd_simulate)

    report = sub.add_parser("report", help="fit a model and write a report (HTML, Word or Markdown)",
                            description="Fit MODEL to DATA and write one self-contained report: "
                                        "path diagram, APA tables, data checks, warnings, the call "
                                        "and package versions.")
    report.add_argument("model", metavar="MODEL",
                        help="lavaan model syntax, a library model name or a model file path")
    report.add_argument("data", metavar="DATA",
                        help="data file: .csv, .tsv, .xlsx, .sav (SPSS), .dta (Stata) or .parquet")
    add_report_options(report)
    report.add_argument("--estimator", default="ML", help="estimator (default ML)")
    report.add_argument("--missing", default="listwise", choices=["listwise", "fiml"],
                        help="missing-data handling (default listwise)")
    report.add_argument("--std-lv", action="store_true",
                        help="scale latent variables by fixing their variances to 1")
    report.set_defaults(func=cmd_report)

    pw = sub.add_parser("power", help="Monte Carlo power, bias and coverage per parameter and n",
                        description="Simulate REPS data sets per sample size from MODEL's population "
                                    "values, fit each, and report power per parameter (rq.power).")
    pw.add_argument("model", metavar="MODEL", help="library model name or model file with a "
                    "population block")
    pw.add_argument("--n", type=int, nargs="+", required=True, help="sample sizes")
    pw.add_argument("--reps", type=int, default=500, help="replicates per sample size (default 500)")
    pw.add_argument("--seed", type=int, default=None, help="random seed (reproducible on any backend)")
    pw.add_argument("--alpha", type=float, default=0.05, help="significance level (default .05)")
    pw.add_argument("--target", type=float, default=0.8, help="target power for the smallest n")
    pw.add_argument("--estimator", default="ML", choices=["ML", "MLR"], help="estimator (default ML)")
    pw.add_argument("--likert", type=int, choices=[5, 7], default=None, help="Likert answers")
    pw.add_argument("--missing-rate", type=float, default=0.0, metavar="R",
                    help="share of cells missing completely at random (listwise deletion)")
    pw.add_argument("--backend", default="local", choices=["local", "dask"],
                    help="local processes (default) or a dask.distributed cluster")
    pw.add_argument("--scheduler", metavar="ADDRESS", default=None,
                    help="Dask scheduler address, e.g. tcp://scheduler:8786 (default: a local cluster)")
    pw.add_argument("--n-jobs", type=int, default=None, help="worker processes (default: all cores)")
    pw.add_argument("--out", metavar="FILE", help="write the full table as CSV")
    pw.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    pw.set_defaults(func=cmd_power)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``relqual`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except NotImplementedError as exc:
        print(f"relqual: not available yet: {exc}", file=sys.stderr)
    except (CliError, rq.DataError, rq.ModelSyntaxError) as exc:
        print(f"relqual: error: {exc}", file=sys.stderr)
    except (ValueError, KeyError, OSError) as exc:   # bad option values, unknown model, I/O
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"relqual: error: {message}", file=sys.stderr)
    return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
