"""The web app's server: wires the inputs of :mod:`relqual.app.layout` to :mod:`relqual.app.logic`.

Shiny calls :func:`server` once per browser session, so every value here (the data read, the
fit, the cached diagrams) belongs to one session: no session sees another's data. The fit runs
in a worker thread (an extended task), so the page stays responsive and can cancel it.
"""
from __future__ import annotations

import asyncio
import hashlib
import tempfile
from html import escape
from pathlib import Path

from shiny import reactive, render, ui

from relqual.i18n import translate_message
from relqual.models import resolve_model

from . import logic
from .i18n import catalog, known, t


def _box(kind: str, *children) -> ui.Tag:
    return ui.div(*children, class_=f"rq-{kind}")


def _msg(text: str) -> ui.Tag:
    """A message as written (line breaks kept: relqual's messages may quote a line under it)."""
    return ui.span(text, class_="rq-msg")


def _html(text: str) -> ui.HTML:
    return ui.HTML(text)


def _img(png: bytes, alt: str) -> ui.Tag:
    import base64
    return ui.img(src="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                  alt=alt, class_="rq-diagram")


def _key(*parts) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:8]


def server(input, output, session):  # noqa: C901 - one closure per session, by Shiny's design
    """The reactive graph of one browser session."""
    diagrams: dict = {}            # (what, lang) -> PNG bytes, this session's only

    @reactive.calc
    def lang() -> str:
        return "zh" if input.lang() == "zh" else "en"

    @reactive.effect
    async def _switch_language():
        L = lang()
        strings = catalog(L)
        strings["upload_limit"] = t("upload_limit", L, mb=logic.MAX_UPLOAD_MB)
        await session.send_custom_message("relqual-lang", {"lang": L, "strings": strings})
        with reactive.isolate():
            ui.update_select("library_model", choices=logic.library_models(L),
                             selected=input.library_model())
            ui.update_select("sim_model", choices=logic.library_models(L),
                             selected=input.sim_model())
            _relabel_sliders(L)

    # ------------------------------------------------------------------ data
    refused = reactive.value(None)        # a file the page refused to send (too large)

    @reactive.effect
    @reactive.event(input.upload_refused)
    def _refused():
        refused.set(input.upload_refused())

    @reactive.effect
    @reactive.event(input.upload)
    def _accepted():
        refused.set(None)

    @reactive.calc
    def loaded():
        """The data read (logic.Loaded), an AppError to show, or None before any file."""
        with reactive.isolate():
            L = lang()
        try:
            codes = logic.parse_codes(input.missing_codes(), L)
            likert = logic.likert_range(input.use_likert(), input.likert_lo(),
                                        input.likert_hi(), L)
            reverse = logic.parse_names(input.reverse()) if likert else None
            options = {"missing_codes": codes, "likert": likert, "reverse": reverse}
            if input.source() == "bundled":
                return logic.load_bundled(input.dataset(), L, **options)
            if refused() is not None:
                return logic.Refused(t("err_too_large", L, mb=refused()["size"] / 1024 / 1024,
                                       limit=logic.MAX_UPLOAD_MB))
            files = input.upload()
            if not files:
                return None
            info = files[0]
            return logic.load_upload(info["datapath"], info["name"], info.get("size"), L,
                                     **options)
        except logic.AppError as exc:
            return exc

    @render.ui
    def data_status():
        L, d = lang(), loaded()
        if d is None:
            return ui.p(t("no_data", L))
        if isinstance(d, Exception):
            title = t("upload_refused" if isinstance(d, logic.Refused) else "read_error", L)
            return _box("error", ui.strong(title), ui.br(), _msg(d.text(L)))
        parts = [_box("ok", ui.strong(d.name), ": ", t("n_rows", L, n=len(d.df),
                                                          k=d.df.shape[1]))]
        if d.notes:
            parts.append(ui.div(ui.strong(t("notes", L)),
                                ui.tags.ul(*[ui.tags.li(translate_message(n, L))
                                             for n in d.notes]),
                                class_="rq-note"))
        return ui.TagList(*parts)

    @render.ui
    def data_check():
        L, d = lang(), loaded()
        if not isinstance(d, logic.Loaded):
            return None
        m = model_choice()
        likert = logic.likert_range(True, input.likert_lo(), input.likert_hi()) \
            if input.use_likert() and (input.likert_lo() or 0) < (input.likert_hi() or 0) \
            else None
        df, model = d.df, m.get("model")
        if model is not None:
            try:
                df = logic.apply_mapping(d.df, mapping_now(), L)
            except logic.AppError:
                model = None
        report = logic.check_report(df, model, likert)
        head = [ui.h4(t("data_check", L))]
        if report.problems:
            head.append(_box("error", ui.strong(t("data_problems", L)),
                             ui.tags.ul(*[ui.tags.li(translate_message(p, L))
                                          for p in report.problems])))
        else:
            head.append(_box("ok", t("data_ok", L)))
        items = report.items.reset_index()
        items = items.rename(columns={items.columns[0]: t("item", L)})
        items = items.rename(columns={c: t(f"stat_{c}", L) for c in items.columns[1:]
                                      if known(f"stat_{c}")})
        for col in items.columns[1:]:
            if items[col].dtype.kind == "f":
                items[col] = items[col].map(lambda v: "" if v != v else f"{v:.2f}")
        head += [ui.h5(t("item_stats", L)), _html(logic.html_table(items))]
        return ui.TagList(*head)

    @render.ui
    def data_preview():
        L, d = lang(), loaded()
        if not isinstance(d, logic.Loaded):
            return None
        return ui.TagList(ui.h5(t("data_preview", L)),
                          _html(logic.html_table(d.df.head(8).fillna(""))))

    # ------------------------------------------------------------------ model
    @reactive.calc
    def model_choice() -> dict:
        if input.model_source() == "library":
            name = input.library_model()
            if not name:
                return {"model": None}
            return {"model": name, "items": logic.model_items(name), "name": name}
        text = input.syntax() or ""
        check = logic.check_syntax(text)
        if not check["ok"]:
            return {"model": None, "check": check, "text": text}
        try:
            items = logic.model_items(text)
        except Exception as exc:          # a model the syntax check let through
            check = {**check, "ok": False, "message": str(exc)}
            return {"model": None, "check": check, "text": text}
        return {"model": text, "items": items, "check": check, "text": text}

    @render.ui
    def syntax_status():
        L, m = lang(), model_choice()
        check = m.get("check")
        if check is None or not (m.get("text") or "").strip():
            return None
        if check["ok"]:
            return _box("ok", t("syntax_ok", L, lv=check["lv"], ov=check["ov"],
                                paths=check["paths"]))
        title = (t("syntax_error", L, line=check["line"]) if check["line"]
                 else t("syntax_error_noline", L))
        listing = "".join(
            f'<div{" class=bad" if k == check["line"] else ""}><span class="ln">{k}</span>'
            f"{escape(line) or '&nbsp;'}</div>"
            for k, line in enumerate(m["text"].splitlines(), 1))
        return _box("error", ui.strong(title), ": ", _msg(translate_message(check["message"], L)),
                    _html(f'<div class="rq-syntax">{listing}</div>'))

    @reactive.calc
    def absent_items() -> dict:
        """Items of the model that are not columns of the data, with the suggested column."""
        d, m = loaded(), model_choice()
        if not isinstance(d, logic.Loaded) or m.get("model") is None:
            return {}
        columns = [str(c) for c in d.df.columns]
        absent = [i for i in m["items"] if i not in columns]
        taken = [i for i in m["items"] if i in columns]
        return logic.suggest_columns(absent, columns, taken)

    def _map_id(k: int) -> str:
        d = loaded()
        cols = tuple(map(str, d.df.columns)) if isinstance(d, logic.Loaded) else ()
        return f"map_{_key(tuple(absent_items()), cols)}_{k}"

    @reactive.calc
    def mapping_now() -> dict:
        out = {}
        for k, (item, column) in enumerate(absent_items().items()):
            key = _map_id(k)
            out[item] = (input[key]() if key in input else column) or None
        return out

    @render.ui
    def mapping():
        L, d, m = lang(), loaded(), model_choice()
        if not isinstance(d, logic.Loaded) or m.get("model") is None:
            return None
        absent = absent_items()
        if not absent:
            return ui.TagList(ui.h4(t("mapping", L)), _box("ok", t("mapping_ok", L)))
        columns = {"": t("mapping_none", L), **{str(c): str(c) for c in d.df.columns}}
        with reactive.isolate():
            current = mapping_now()
        selects = [ui.input_select(_map_id(k), item, columns,
                                   selected=current.get(item) or column or "")
                   for k, (item, column) in enumerate(absent.items())]
        return ui.TagList(ui.h4(t("mapping", L)), ui.p(t("mapping_help", L)),
                          ui.layout_column_wrap(*selects, width="180px"))

    @render.ui
    def model_info():
        L, m = lang(), model_choice()
        if m.get("name") is None:
            return None
        info = logic.model_overview(m["name"], L)
        rows = [[c["label"] + f" ({c['id']})", item, text]
                for c in info["constructs"] for item, text in c["items"]]
        import pandas as pd
        constructs = pd.DataFrame(rows, columns=[t("construct", L), t("item", L),
                                                 t("item_text", L)])
        hyps = pd.DataFrame([[h["id"], h["path"], h["sign"], h["statement"]]
                             for h in info["hypotheses"]],
                            columns=[t("hypothesis", L), t("path", L), t("sign", L),
                                     t("statement", L)])
        return ui.TagList(ui.h3(info["title"]),
                          ui.p(info["description"], class_="rq-note"),
                          ui.h4(t("hypotheses", L)), _html(logic.html_table(hyps)),
                          ui.h4(t("constructs", L)), _html(logic.html_table(constructs)))

    @render.ui
    def model_diagram():
        L, m = lang(), model_choice()
        if m.get("model") is None:
            return None
        key = ("spec", m["model"], L)
        if key not in diagrams:
            try:
                diagrams[key] = logic.diagram_png(resolve_model(m["model"]), L)
            except Exception:
                return None
        return ui.TagList(ui.h4(t("hyp_diagram", L)), _img(diagrams[key], t("hyp_diagram", L)))

    # ------------------------------------------------------------------ estimate
    context = reactive.value(None)        # what the running or last fit was given
    problem = reactive.value(None)        # why Estimate could not start

    jobs = [logic.Progress()]             # the running (or last) fit's progress: jobs[-1]

    @ui.bind_task_button(button_id="estimate")
    @reactive.extended_task
    async def fit_task(model, df, estimator, missing, draws, seed, job, interaction, L):
        return await asyncio.to_thread(logic.run_fit, model, df, estimator, missing, draws,
                                       seed, job, interaction, L)

    @reactive.calc
    def interaction_model() -> bool:
        """Whether the chosen model has an interaction term."""
        m = model_choice()
        try:
            return m.get("model") is not None and logic.has_interaction(m["model"])
        except Exception:                 # a model the syntax check let through
            return False

    @render.ui
    def interaction_choice():
        """The interaction method, offered when the model has an interaction term."""
        L = lang()
        if not interaction_model():
            return None
        with reactive.isolate():
            current = input.interaction() if "interaction" in input else "auto"
        choices = {m: t(f"int_{m}", L) for m in logic.INTERACTIONS}
        return ui.TagList(ui.input_select("interaction", t("interaction", L), choices,
                                          selected=current),
                          ui.p(t("interaction_help", L), class_="rq-note"))

    @reactive.effect
    @reactive.event(input.estimate)
    def _start_fit():
        L, d, m = lang(), loaded(), model_choice()
        problems = []
        if not isinstance(d, logic.Loaded):
            problems.append(t("need_data", L) if not isinstance(d, Exception) else d.text(L))
        if m.get("model") is None:
            problems.append(t("need_model", L))
        df, mapping = None, {}
        if not problems:
            mapping = mapping_now()
            try:
                df = logic.apply_mapping(d.df, mapping, L)
            except logic.AppError as exc:
                problems.append(exc.text(L))
        if problems:
            problem.set({"click": input.estimate(), "messages": problems})
            return
        problem.set(None)
        draws, seed = int(input.draws() or 0), input.seed()
        seed = 1 if seed is None else int(seed)
        context.set({"model": m["model"], "df": df, "code": d.code, "mapping": mapping,
                     "draws": draws, "seed": seed})
        jobs[-1] = logic.Progress()
        interaction = (input.interaction() if interaction_model() and "interaction" in input
                       else "auto")
        fit_task.invoke(m["model"], df, input.estimator(), input.missing(), draws, seed,
                        jobs[-1], interaction, L)

    @reactive.effect
    @reactive.event(input.cancel)
    def _cancel():
        jobs[-1].cancel()                 # the worker thread stops at its next step
        fit_task.cancel()

    @render.ui
    def fit_progress():
        """The bootstrap's progress bar while a fit runs (read from the worker twice a second)."""
        L = lang()
        if fit_task.status() != "running":
            return None
        reactive.invalidate_later(0.5)
        job = jobs[-1]
        if not job.total:
            return None
        share = 100 * job.done / job.total
        bar = ui.div(class_="progress-bar", role="progressbar", style=f"width: {share:.1f}%",
                     **{"aria-valuenow": str(job.done), "aria-valuemin": "0",
                        "aria-valuemax": str(job.total)})
        return ui.div(ui.span(t("boot_progress", L, done=job.done, total=job.total),
                              class_="rq-progress-text"),
                      ui.div(bar, class_="progress"), class_="rq-progress")

    def current():
        """(result, context) of the last successful fit, or (None, None)."""
        if fit_task.status() != "success":
            return None, None
        outcome = fit_task.result()
        return (outcome.result, context()) if outcome.result is not None else (None, None)

    @render.ui
    def results():
        L = lang()
        status = fit_task.status()
        if problem() and status != "running":
            return _box("error", ui.strong(t("not_ready", L)),
                        ui.tags.ul(*[ui.tags.li(p) for p in problem()["messages"]]))
        if status == "initial":
            return ui.p(t("press_estimate", L))
        if status == "running":
            return ui.p(t("estimating", L))
        if status == "cancelled":
            return ui.p(t("cancelled", L))
        if status == "error":
            return _box("error", t("fit_error", L))
        outcome = fit_task.result()
        if outcome.error:
            return _box("error", ui.strong(t("fit_error", L)), ui.br(),
                        _msg(outcome.error_text(L)))
        res = outcome.result
        try:
            return _results_page(res, outcome, L)
        except Exception as exc:          # a table a result cannot give: say so, keep going
            return _box("error", ui.strong(t("fit_error", L)), ui.br(),
                        f"{type(exc).__name__}: {exc}")

    def _results_page(res, outcome, L):
        name = res.spec.name if res.spec.name else "model"
        if name == "user model":                 # rq.models.resolve_model's name for syntax
            name = t("user_model", L)
        info = t("fit_info", L, model=name, est=outcome.options.get("estimator", "ML"),
                 n=res.n_obs, n_input=res.prepared.n_input,
                 status=t("converged" if res.converged else "not_converged", L),
                 secs=outcome.seconds)
        key = ("fit", id(res), L)
        if key not in diagrams:
            diagrams[key] = logic.diagram_png(res, L)
        parts = [_box("ok" if res.converged else "error", info),
                 ui.div(ui.download_button("dl_html", t("dl_html", L),
                                           class_="btn-sm btn-outline-primary"),
                        ui.download_button("dl_docx", t("dl_docx", L),
                                           class_="btn-sm btn-outline-primary"),
                        ui.download_button("dl_png", t("dl_png", L),
                                           class_="btn-sm btn-outline-primary"),
                        ui.download_button("dl_code", t("dl_code", L),
                                           class_="btn-sm btn-outline-primary"),
                        class_="d-flex gap-2 flex-wrap my-2"),
                 ui.h4(t("res_fit", L), id="res-fit"),
                 _html(logic.html_table(logic.fit_rows(res, L), "rq-table rq-fit")),
                 ui.h4(t("res_paths", L), id="res-paths"),
                 _html(logic.html_table(logic.hypothesis_rows(res, L), "rq-table rq-paths")),
                 ui.p(t("paths_note", L), class_="rq-note"),
                 ui.h4(t("res_diagram", L)), _img(diagrams[key], t("res_diagram", L))]
        try:
            rel = logic.reliability_rows(res, L)
            parts += [ui.h4(t("res_reliability", L)),
                      _html(logic.html_table(rel, "rq-table rq-reliability")),
                      ui.p(t("rel_note", L), class_="rq-note")]
        except Exception:
            pass
        if logic.has_interaction(res.spec):
            parts += [ui.h4(t("res_interaction", L), id="res-interaction"),
                      _interaction_table(res, L)]
        if res.warnings:
            parts += [ui.h4(t("res_warnings", L)),
                      ui.tags.ul(*[ui.tags.li(translate_message(w, L)) for w in res.warnings],
                                 class_="rq-note")]
        try:
            parts += [ui.h4(t("res_tables", L)), _html(logic.apa_tables_html(res, L))]
        except Exception:
            pass
        return ui.TagList(*parts)

    def _interaction_table(res, L):
        """The interaction test, or why a fit has none (e.g. MLR, FIML: not available yet)."""
        try:
            table = logic.interaction_rows(res, L)
        except (NotImplementedError, ValueError) as exc:
            return ui.p(translate_message(str(exc), L), class_="rq-note")
        return ui.TagList(_html(logic.html_table(table, "rq-table rq-interaction")),
                          ui.p(t("interaction_note", L), class_="rq-note"))

    def _fit_for_download():
        res, ctx = current()
        if res is None:
            raise ValueError("estimate the model first")
        return res, ctx

    def _tmp(name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix="relqual-app-")) / name

    @render.download_button(filename=lambda: f"relqual-report-{lang()}.html")
    def dl_html():
        res, ctx = _fit_for_download()
        path = _tmp("report.html")
        logic.write_report(res, ctx["df"], path, lang(), ctx["draws"], ctx["seed"],
                           data_code=ctx["code"])
        return str(path)

    @render.download_button(filename=lambda: f"relqual-report-{lang()}.docx")
    def dl_docx():
        res, ctx = _fit_for_download()
        path = _tmp("report.docx")
        logic.write_report(res, ctx["df"], path, lang(), ctx["draws"], ctx["seed"],
                           data_code=ctx["code"])
        return str(path)

    @render.download_button(filename=lambda: f"relqual-diagram-{lang()}.png")
    def dl_png():
        res, _ = _fit_for_download()
        with reactive.isolate():
            key = ("fit", id(res), lang())
        png = diagrams.get(key) or logic.diagram_png(res, lang())
        yield png

    @render.download_button(filename="relqual_analysis.py")
    def dl_code():
        res, ctx = _fit_for_download()
        options = {k: v for k, v in fit_task.result().options.items()}
        yield logic.python_code(ctx["model"], ctx["code"], options, ctx["mapping"],
                                lang()).encode("utf-8")

    # ------------------------------------------------------------------ simulate
    @reactive.calc
    def sim_paths():
        try:
            return logic.population_paths(input.sim_model())
        except Exception:
            return None

    def _slider_id(k: int) -> str:
        return f"sp_{_key(input.sim_model())}_{k}"

    def _relabel_sliders(L: str) -> None:
        """The sliders' labels in ``L`` (their values stay where the user put them)."""
        if sim_paths() is None:
            return
        for k, text in enumerate(logic.path_labels(input.sim_model(), L)):
            ui.update_slider(_slider_id(k), label=text)

    @render.ui
    def sim_sliders():
        paths = sim_paths()
        if paths is None:
            return None
        with reactive.isolate():          # a language switch relabels them (_relabel_sliders)
            labels = logic.path_labels(input.sim_model(), lang())
        return ui.TagList(*[
            ui.input_slider(_slider_id(k), text, min=-0.5, max=0.9,
                            value=round(float(r.std_all), 2), step=0.05)
            for k, (r, text) in enumerate(zip(paths.itertuples(), labels))])

    simulated = reactive.value(None)

    @reactive.effect
    @reactive.event(input.sim_run)
    def _simulate():
        paths = sim_paths()
        changed = {}
        if paths is not None:
            for k, r in enumerate(paths.itertuples()):
                key = _slider_id(k)
                if key in input and input[key]() is not None \
                        and abs(float(input[key]()) - float(r.std_all)) > 1e-9:
                    changed[(r.lhs, r.rhs)] = float(input[key]())
        likert = int(input.sim_likert()) or None
        seed = input.sim_seed()
        seed = 1 if seed is None else int(seed)
        try:
            res, truth = logic.simulate_and_fit(input.sim_model(), input.sim_n(), seed,
                                                likert, changed or None, lang())
            simulated.set({"res": res, "truth": truth, "n": input.sim_n(), "seed": seed})
        except logic.AppError as exc:
            simulated.set({"error": exc})

    @render.ui
    def sim_results():
        L, s = lang(), simulated()
        if s is None:
            return ui.p(t("sim_press", L))
        if "error" in s:
            return _box("error", ui.strong(t("sim_error", L)), ui.br(),
                        _msg(s["error"].text(L)))
        res = s["res"]
        fm = res.fit_measures()
        info = t("sim_info", L, n=s["n"], seed=s["seed"], df=int(fm["df"]), chisq=fm["chisq"],
                 cfi=fm["cfi"], rmsea=fm["rmsea"])
        table = logic.comparison_rows(res, s["truth"], L)
        return ui.TagList(ui.h4(t("sim_result", L)), _box("ok", info),
                          _html(logic.html_table(table, "rq-table rq-sim")))

