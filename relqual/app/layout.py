"""The web app's pages: inputs and the places where the server puts its outputs.

Every label is a ``<span data-i18n="key">`` holding the English text of :mod:`relqual.app.i18n`;
when the language changes, the server sends the catalog of the other language and a few lines of
JavaScript (:data:`SCRIPT`) replace the text of those spans, so inputs keep their values.
"""
from __future__ import annotations

from shiny import ui

import relqual as rq

from . import logic
from .i18n import t

CSS = """
.rq-table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
.rq-table th { border-top: 2px solid #333; border-bottom: 1px solid #333; padding: 3px 10px;
  text-align: left; white-space: nowrap; }
.rq-scroll { overflow-x: auto; max-width: 100%; }
.rq-table td { padding: 2px 10px; border-bottom: 1px solid #eee; }
.rq-fit td, .rq-paths td, .rq-sim td, .rq-reliability td { white-space: nowrap; }
.rq-paths td:last-child { white-space: normal; min-width: 7em; }
.rq-table tbody tr:last-child td { border-bottom: 2px solid #333; }
.rq-error { color: #a40000; background: #fff1f0; border-left: 4px solid #a40000;
  padding: 0.6em 0.9em; margin: 0.5em 0; }
.rq-msg { white-space: pre-wrap; }
.rq-ok { color: #14532d; background: #f0fdf4; border-left: 4px solid #15803d;
  padding: 0.6em 0.9em; margin: 0.5em 0; }
.rq-note { color: #555; font-size: 0.9em; }
.rq-syntax { font-family: monospace; font-size: 0.9em; background: #fafafa; padding: 0.4em;
  border: 1px solid #ddd; color: #222; margin-top: 0.4em; white-space: pre; overflow-x: auto; }
.rq-syntax .bad { background: #ffd7d5; }
.rq-syntax .ln { color: #999; display: inline-block; width: 2.5em; }
.rq-progress { max-width: 40em; margin: 0.3em 0 0.8em; }
.rq-progress .progress { height: 1.1em; }
.rq-progress-text { font-size: 0.9em; color: #333; }
.rq-diagram { max-width: 100%; height: auto; border: 1px solid #eee; }
.apa-table table { border-collapse: collapse; font-size: 0.9em; margin-bottom: 0.3em; }
.apa-table th { border-top: 2px solid #333; border-bottom: 1px solid #333; padding: 2px 8px; }
.apa-table td { padding: 1px 8px; }
.apa-label { font-weight: bold; margin-top: 1em; }
.apa-title { font-style: italic; }
.apa-note, figcaption { font-size: 0.85em; color: #444; }
textarea#syntax { font-family: monospace; }
"""

SCRIPT = """
(function () {
  function register() {
    Shiny.addCustomMessageHandler("relqual-lang", function (msg) {
      document.querySelectorAll("[data-i18n]").forEach(function (el) {
        var text = msg.strings[el.getAttribute("data-i18n")];
        if (text !== undefined) { el.textContent = text; }
      });
      document.documentElement.lang = msg.lang === "zh" ? "zh-CN" : "en";
      document.title = msg.strings["app_title"];
    });
  }
  if (window.Shiny && Shiny.addCustomMessageHandler) { register(); }
  else { document.addEventListener("DOMContentLoaded", register); }

  // Shiny for Python has no upload size limit: refuse a too-large survey file here, before
  // Shiny's file input sends any byte of it, and tell the server (which shows the message).
  function tooLarge(files) {
    var limit = Number(document.documentElement.getAttribute("data-rq-max-upload"));
    for (var i = 0; files && i < files.length; i++) {
      if (limit && files[i].size > limit) { return files[i]; }
    }
    return null;
  }
  function refuse(ev, files, input) {
    var file = tooLarge(files);
    if (!file) { return; }
    ev.stopImmediatePropagation();
    ev.preventDefault();
    if (input) { input.value = ""; }
    Shiny.setInputValue("upload_refused", {name: file.name, size: file.size},
                        {priority: "event"});
  }
  window.addEventListener("change", function (ev) {
    if (ev.target && ev.target.id === "upload") { refuse(ev, ev.target.files, ev.target); }
  }, true);
  window.addEventListener("drop", function (ev) {
    var group = ev.target && ev.target.closest && ev.target.closest(".input-group");
    if (group && group.querySelector("#upload") && ev.dataTransfer) {
      refuse(ev, ev.dataTransfer.files, null);
    }
  }, true);
})();
"""


def label(key: str) -> ui.Tag:
    """A label switched with the language: ``<span data-i18n=key>English</span>``.

    Examples
    --------
    >>> str(label("tab_data"))
    '<span data-i18n="tab_data">1 Data</span>'
    """
    return ui.span(t(key, "en"), {"data-i18n": key})


def data_page() -> ui.Tag:
    datasets = rq.datasets.list()
    sidebar = ui.sidebar(
        ui.input_radio_buttons("source", label("data_source"),
                               {"bundled": label("src_bundled"), "upload": label("src_upload")},
                               selected="bundled"),
        ui.panel_conditional(
            "input.source === 'bundled'",
            ui.input_select("dataset", label("dataset"), datasets,
                            selected="relationship_quality")),
        ui.panel_conditional(
            "input.source === 'upload'",
            ui.input_file("upload", label("upload"),
                          accept=sorted(rq.survey.FORMATS), multiple=False),
            ui.p(ui.span(t("upload_limit", "en", mb=logic.MAX_UPLOAD_MB),
                         {"data-i18n": "upload_limit"}), class_="rq-note")),
        ui.input_text("missing_codes", label("missing_codes"), ""),
        ui.input_checkbox("use_likert", label("use_likert"), False),
        ui.panel_conditional(
            "input.use_likert",
            ui.layout_columns(ui.input_numeric("likert_lo", label("likert_lo"), 1),
                              ui.input_numeric("likert_hi", label("likert_hi"), 5)),
            ui.input_text("reverse", label("reverse"), "")),
        width=340,
    )
    return ui.layout_sidebar(sidebar, ui.output_ui("data_status"), ui.output_ui("data_check"),
                             ui.output_ui("data_preview"))


def model_page() -> ui.Tag:
    sidebar = ui.sidebar(
        ui.input_radio_buttons("model_source", label("model_source"),
                               {"library": label("src_library"), "syntax": label("src_syntax")},
                               selected="library"),
        ui.panel_conditional(
            "input.model_source === 'library'",
            ui.input_select("library_model", label("library_model"), logic.library_models(),
                            selected="relationship_quality")),
        ui.panel_conditional(
            "input.model_source === 'syntax'",
            ui.input_text_area("syntax", label("syntax"), rows=12, width="100%",
                               value="SAT =~ sat1 + sat2 + sat3 + sat4\n"
                                     "TR  =~ tr1 + tr2 + tr3 + tr4\nTR ~ SAT\n"),
            ui.output_ui("syntax_status")),
        width=400,
    )
    return ui.layout_sidebar(sidebar, ui.output_ui("mapping"), ui.output_ui("model_info"),
                             ui.output_ui("model_diagram"))


def estimate_page() -> ui.Tag:
    estimators = {e: label(f"est_{e}") for e in logic.ESTIMATORS}
    sidebar = ui.sidebar(
        ui.input_radio_buttons("estimator", label("estimator"), estimators, selected="ML"),
        ui.output_ui("interaction_choice"),
        ui.input_radio_buttons("missing", label("missing"),
                               {"listwise": label("miss_listwise"), "fiml": label("miss_fiml"),
                                "pairwise": label("miss_pairwise")},
                               selected="listwise"),
        ui.input_numeric("draws", label("bootstrap"), 0, min=0, max=logic.MAX_DRAWS, step=100),
        ui.input_numeric("seed", label("seed"), 1, min=0),
        ui.input_task_button("estimate", label("estimate"),
                             label_busy=label("estimating")),
        ui.input_action_button("cancel", label("cancel"), class_="btn-outline-secondary"),
        width=320,
    )
    return ui.layout_sidebar(sidebar, ui.output_ui("fit_progress"), ui.output_ui("results"))


def simulate_page() -> ui.Tag:
    sidebar = ui.sidebar(
        ui.p(label("sim_intro"), class_="rq-note"),
        ui.input_select("sim_model", label("sim_model"), logic.library_models(),
                        selected="relationship_quality"),
        ui.input_slider("sim_n", label("sim_n"), min=50, max=2000, value=300, step=50),
        ui.input_numeric("sim_seed", label("seed"), 1, min=0),
        ui.input_radio_buttons("sim_likert", label("sim_likert"),
                               {"0": label("sim_continuous"), "5": label("sim_likert5"),
                                "7": label("sim_likert7")}, selected="5"),
        ui.input_action_button("sim_run", label("sim_run"), class_="btn-primary"),
        ui.h6(label("sim_paths")),
        ui.output_ui("sim_sliders"),
        width=380,
    )
    return ui.layout_sidebar(sidebar, ui.output_ui("sim_results"))


def app_ui(request=None) -> ui.Tag:
    """The whole page: four tabs and the language switch in the navigation bar."""
    limit = int(logic.MAX_UPLOAD_MB * 1024 * 1024)
    head = ui.head_content(ui.tags.style(CSS), ui.tags.script(SCRIPT),
                           ui.tags.script("document.documentElement.setAttribute("
                                          f"'data-rq-max-upload', '{limit}');"))
    return ui.page_navbar(
        ui.nav_panel(label("tab_data"), data_page(), value="data"),
        ui.nav_panel(label("tab_model"), model_page(), value="model"),
        ui.nav_panel(label("tab_estimate"), estimate_page(), value="estimate"),
        ui.nav_panel(label("tab_simulate"), simulate_page(), value="simulate"),
        ui.nav_spacer(),
        ui.nav_control(ui.input_radio_buttons("lang", None, {"en": "English", "zh": "中文"},
                                              selected="en", inline=True)),
        title="relqual", id="tabs", header=head, window_title=t("app_title", "en"),
    )
