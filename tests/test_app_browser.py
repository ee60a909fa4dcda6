"""The web app in a real browser (issue 16): Playwright drives Debian's Chromium
(/usr/bin/chromium, or $RELQUAL_CHROMIUM) against ``relqual app`` started on a free port.

Skipped, with the reason, only when Playwright or Chromium is absent (``.ci/run`` installs both).
Screenshots of each main screen go to $RELQUAL_SCREENSHOTS (default: the system's temporary
folder, relqual-app-screenshots/).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pytest

import relqual as rq

pytest.importorskip("shiny", reason='the web app needs Shiny: pip install "relqual[app]"')
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")
CHROMIUM = os.environ.get("RELQUAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--no-first-run", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
SHOTS = Path(os.environ.get("RELQUAL_SCREENSHOTS",
                            Path(tempfile.gettempdir()) / "relqual-app-screenshots"))
LIMIT_MB = 1          # the app's upload limit in these tests, so a too-large file is small
TIMEOUT = 30_000      # ms


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    env = {**os.environ, "RELQUAL_APP_MAX_UPLOAD_MB": str(LIMIT_MB), "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "relqual", "app", "--no-browser", "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"relqual app stopped: {proc.stdout.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("relqual app did not start within 60 s")
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    try:
        output = proc.communicate(timeout=10)[0].decode(errors="replace")
    except subprocess.TimeoutExpired:
        proc.kill()
        output = proc.communicate()[0].decode(errors="replace")
    assert "Traceback" not in output, output[-3000:]


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url)
    page.wait_for_selector("#data_status .rq-ok")         # the bundled survey, read
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("files") / "my_survey.csv"
    rq.datasets.load("relationship_quality").to_csv(path, index=False)
    return path


def shot(page, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def upload(page, path: Path) -> None:
    tab(page, "data")
    page.check("input[name=source][value=upload]")
    page.set_input_files("#upload", str(path))


def tab(page, value: str) -> None:
    page.click(f"a[data-value={value}]")


def estimate(page) -> float:
    tab(page, "estimate")
    page.evaluate("document.getElementById('results').innerHTML = ''")
    start = time.monotonic()
    page.click("#estimate")
    page.wait_for_selector("#results .rq-fit, #results .rq-error")
    return time.monotonic() - start


def cell(page, table: str, row: str, column: int) -> str:
    return page.locator(f"{table} tr", has_text=row).first.locator("td").nth(column).inner_text()


def reference_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))


def test_researcher_path_upload_fit_chinese_download(page, survey_csv, tmp_path):
    import docx

    shot(page, "1_data_bundled")
    upload(page, survey_csv)
    page.wait_for_selector("#data_status .rq-ok:has-text('my_survey.csv')")
    assert "600 rows, 22 columns" in page.inner_text("#data_status")
    page.wait_for_selector("#data_check table")
    shot(page, "1_data_uploaded")

    tab(page, "model")
    page.select_option("#library_model", "relationship_quality")
    page.wait_for_selector("#model_diagram img")
    assert "Every item of the model is a column" in page.inner_text("#mapping")
    assert page.locator("#model_info tr", has_text="H1").count() == 1
    shot(page, "2_model")

    seconds = estimate(page)
    assert page.locator("#results .rq-error").count() == 0, page.inner_text("#results")
    assert seconds < 10, f"the fit appeared after {seconds:.1f} s"
    res = reference_fit()
    assert cell(page, "table.rq-fit", "CFI", 1) == f"{res.fit_measures()['cfi']:.3f}"
    assert cell(page, "table.rq-fit", "SRMR", 1) == \
        f"{res.fit_measures()['srmr']:.3f}".replace("0.", ".", 1)
    h1 = res.paths().query("lhs == 'SAT' and rhs == 'CF'").iloc[0]
    assert cell(page, "table.rq-paths", "H1", 3) == f"{h1['std_all']:.3f}"
    assert cell(page, "table.rq-paths", "H1", 8) == "supported"
    diagram = page.locator("#results img.rq-diagram")
    assert diagram.evaluate("img => img.complete && img.naturalWidth > 300")
    shot(page, "3_results")

    page.check("input[name=lang][value=zh]")
    page.wait_for_selector("#results h4:has-text('模型拟合')")
    headings = page.locator("#results h4").all_inner_texts()
    assert {"模型拟合", "结构路径与假设检验", "路径图"} <= set(headings)
    assert page.inner_text("a[data-value=data]") == "1 数据"
    assert cell(page, "table.rq-paths", "H1", 8) == "支持"
    shot(page, "4_results_zh")
    tab(page, "data")
    page.wait_for_selector("#data_check h4:has-text('数据检查')")
    assert "题项描述统计" in page.inner_text("#data_check")
    shot(page, "1_data_zh")
    tab(page, "model")
    page.wait_for_selector("#model_info h4:has-text('研究假设')")
    assert "商业友谊" in page.inner_text("#model_info")
    shot(page, "2_model_zh")
    tab(page, "estimate")

    with page.expect_download() as info:
        page.click("#dl_docx")
    download = info.value
    assert download.suggested_filename == "relqual-report-zh.docx"
    path = tmp_path / "report.docx"
    download.save_as(path)
    rows = {row.cells[0].text: [c.text for c in row.cells] for table in docx.Document(path).tables
            for row in table.rows}
    assert rows["CFI"][1] == f"{res.fit_measures()['cfi']:.3f}"

    with page.expect_download() as info:
        page.click("#dl_code")
    code = Path(info.value.path()).read_text(encoding="utf-8")
    assert "rq.read_survey('my_survey.csv')" in code and "rq.fit('relationship_quality'" in code


def test_syntax_error_shows_its_line(page):
    tab(page, "model")
    page.check("input[name=model_source][value=syntax]")
    page.fill("#syntax", "SAT =~ sat1 + sat2 + sat3\nTR =~ tr1 + tr2 + tr3\nTR ~ SAT +\n")
    page.wait_for_selector("#syntax_status .rq-error")
    status = page.inner_text("#syntax_status")
    assert "Syntax error in line 3" in status
    assert page.inner_text("#syntax_status .bad").startswith("3")
    shot(page, "2_model_syntax_error")
    page.fill("#syntax", "SAT =~ sat1 + sat2 + sat3\nTR =~ tr1 + tr2 + tr3\nTR ~ SAT\n")
    page.wait_for_selector("#syntax_status .rq-ok")
    assert "1 paths" in page.inner_text("#syntax_status")
    estimate(page)
    assert page.locator("table.rq-paths td", has_text="Satisfaction → Trust in the firm").count()


@pytest.mark.parametrize("name, content, message", [
    ("notes.pdf", b"%PDF-1.4 not a survey", "is not a survey file this app reads"),
    ("empty.csv", b"", "The file is empty"),
    ("one_column.csv", b"score\n1\n2\n3\n", "only one column"),
    ("big.csv", b"a,b\n" + b"1,2\n" * (LIMIT_MB * 300_000), f"the limit is {LIMIT_MB} MB"),
])
def test_bad_files_show_a_message_and_the_app_keeps_working(page, tmp_path, survey_csv, name,
                                                            content, message):
    path = tmp_path / name
    path.write_bytes(content)
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST"
            and "/upload/" in r.url else None)
    upload(page, path)
    page.wait_for_selector("#data_status .rq-error")
    text = page.inner_text("#data_status")
    assert message in text and "Traceback" not in text
    shot(page, f"1_data_error_{Path(name).stem}")
    if name == "big.csv":            # refused in the page: no byte of it was sent
        assert posted == [] and page.input_value("#upload") == ""
        assert "The file was not uploaded" in text
        page.set_input_files("#upload", str(survey_csv))     # a file within the limit goes
        page.wait_for_selector("#data_status .rq-ok:has-text('my_survey.csv')")
    else:
        assert len(posted) == 1
    tab(page, "data")
    page.check("input[name=source][value=bundled]")
    page.wait_for_selector("#data_status .rq-ok")
    estimate(page)
    assert page.locator("table.rq-fit").count() == 1


def test_absent_and_non_numeric_columns(page, tmp_path):
    df = rq.datasets.load("relationship_quality").rename(columns={"sat1": "SAT_1"})
    df = df.drop(columns=["tr2"])
    path = tmp_path / "renamed.csv"
    df.to_csv(path, index=False)
    upload(page, path)
    page.wait_for_selector("#data_status .rq-ok:has-text('renamed.csv')")
    tab(page, "model")
    page.wait_for_selector("#mapping select")
    selects = page.locator("#mapping select")
    assert selects.count() == 2
    assert selects.nth(0).input_value() == "SAT_1"              # suggested
    assert selects.nth(1).input_value() == ""                   # nothing close to tr2
    shot(page, "2_model_mapping")
    estimate(page)
    assert "Pick a column for: tr2" in page.inner_text("#results .rq-error")

    df = rq.datasets.load("relationship_quality").astype({"sat2": object})
    df.loc[5, "sat2"] = "agree"
    path = tmp_path / "text.csv"
    df.to_csv(path, index=False)
    upload(page, path)
    page.wait_for_selector("#data_status .rq-ok:has-text('text.csv')")
    estimate(page)
    error = page.inner_text("#results .rq-error")
    assert "sat2" in error and "Traceback" not in error
    shot(page, "3_results_error")


def test_each_session_sees_only_its_own_data(browser, app_url, survey_csv):
    first, second = browser.new_page(), browser.new_page()
    for p in (first, second):
        p.set_default_timeout(TIMEOUT)
        p.goto(app_url)
        p.wait_for_selector("#data_status .rq-ok")
    upload(first, survey_csv)
    first.wait_for_selector("#data_status .rq-ok:has-text('my_survey.csv')")
    second.check("input[name=source][value=upload]")
    second.wait_for_timeout(500)
    assert "my_survey.csv" not in second.inner_text("#data_status")
    assert "No data yet" in second.inner_text("#data_status")
    first.close()
    second.close()


def test_instructor_slider_changes_the_simulated_estimate(page):
    tab(page, "simulate")
    page.wait_for_selector("#sim_sliders input.js-range-slider")
    page.click("#sim_run")
    page.wait_for_selector("table.rq-sim")
    before = float(cell(page, "table.rq-sim", "Commercial friendship → Satisfaction", 2))
    shot(page, "5_simulate")
    slider = page.locator("#sim_sliders input.js-range-slider").first
    slider.evaluate("el => $(el).data('ionRangeSlider').update({from: 0.8})")
    page.wait_for_timeout(500)
    page.click("#sim_run")
    page.wait_for_function(
        "() => { const c = document.querySelector('table.rq-sim tbody tr td:nth-child(2)');"
        " return c && c.textContent === '0.80'; }")
    after = float(cell(page, "table.rq-sim", "Commercial friendship → Satisfaction", 2))
    assert before < 0.55 < after, (before, after)
    page.check("input[name=lang][value=zh]")
    page.wait_for_selector("table.rq-sim th:has-text('总体 β')")
    shot(page, "5_simulate_zh")
    assert re.search("[\u4e00-\u9fff]", page.inner_text("#sim_results"))


def test_a_long_bootstrap_shows_progress_and_can_be_cancelled(page):
    tab(page, "estimate")
    page.fill("#draws", "5000")
    page.check("input[name=missing][value=fiml]")       # FIML resamples: refitted one by one
    page.evaluate("document.getElementById('results').innerHTML = ''")
    page.click("#estimate")
    page.wait_for_selector("#results p:has-text('Estimating')")
    assert page.locator("#estimate").is_disabled()              # busy while it runs
    bar = page.locator("#fit_progress .progress-bar")
    page.wait_for_function(
        "() => { const b = document.querySelector('#fit_progress .progress-bar');"
        " return b && Number(b.getAttribute('aria-valuenow')) > 0; }")
    first = int(bar.get_attribute("aria-valuenow"))
    assert bar.get_attribute("aria-valuemax") == "5000"
    assert re.fullmatch(r"Bootstrap: \d+ of 5000 draws",
                        page.inner_text("#fit_progress .rq-progress-text"))
    page.wait_for_function(
        f"() => Number(document.querySelector('#fit_progress .progress-bar')"
        f".getAttribute('aria-valuenow')) > {first}")          # it moves
    shot(page, "3_results_bootstrap_progress")
    page.click("#cancel")
    page.wait_for_selector("#results p:has-text('Estimation cancelled')", timeout=5_000)
    page.wait_for_selector("#fit_progress .progress-bar", state="detached")
    page.fill("#draws", "0")
    page.check("input[name=missing][value=listwise]")
    estimate(page)                                             # and the app goes on working
    assert page.locator("table.rq-fit").count() == 1


# ---------------------------------------------------------------------------- round 2
MODERATED = """SAT =~ sat1 + sat2 + sat3 + sat4
TR =~ tr1 + tr2 + tr3 + tr4
CF =~ cf1 + cf2 + cf3 + cf4
TR ~ SAT + CF + SAT:CF
"""


def test_file_notes_and_errors_in_chinese(page, tmp_path):
    page.check("input[name=lang][value=zh]")
    page.wait_for_selector("a[data-value=data]:has-text('1 数据')")
    europe = tmp_path / "europe.csv"
    europe.write_text("Customer survey, spring\n\nq1;q2;q3\n1,5;2;3\n2;3,5;4\n4;5;1\n",
                      encoding="utf-8")
    upload(page, europe)
    page.wait_for_selector("#data_status .rq-note")
    notes = page.inner_text("#data_status .rq-note")
    assert "“europe.csv”按各行实际使用的分号作为分隔符读取" in notes
    assert "表头在第 3 行" in notes and "小数逗号" in notes and "程序的英文提示" not in notes
    shot(page, "1_data_notes_zh")
    numbers = tmp_path / "numbers.csv"
    numbers.write_bytes(b"1,2,5\n3,4,5\n")
    page.set_input_files("#upload", str(numbers))
    page.wait_for_selector("#data_status .rq-error")
    error = page.inner_text("#data_status .rq-error")
    assert "无法读取该文件" in error and "无法读取“numbers.csv”：第一行是数字" in error
    shot(page, "1_data_error_zh")

    df = rq.datasets.load("relationship_quality").astype({"sat2": object})
    df.loc[5, "sat2"] = "agree"
    text = tmp_path / "text.csv"
    df.to_csv(text, index=False)
    page.set_input_files("#upload", str(text))
    page.wait_for_selector("#data_status .rq-ok:has-text('text.csv')")
    estimate(page)
    error = page.inner_text("#results .rq-error")
    assert "模型无法估计" in error and "列“sat2”不是数值：第 5 行为 'agree'" in error
    page.check("input[name=lang][value=en]")                   # and back, with the language
    page.wait_for_selector("#results .rq-error:has-text(\"column 'sat2' is not numeric\")")
    shot(page, "3_results_error_en")


def test_slider_labels_name_the_constructs_in_both_languages(page):
    tab(page, "simulate")
    page.wait_for_selector("#sim_sliders input.js-range-slider")
    labels = page.locator("#sim_sliders label").all_inner_texts()
    assert labels[0] == "Commercial friendship (CF) → Satisfaction (SAT)"
    assert labels[1] == "Satisfaction (SAT) → Trust in the firm (TR)"
    slider = page.locator("#sim_sliders input.js-range-slider").first
    slider.evaluate("el => $(el).data('ionRangeSlider').update({from: 0.8})")
    page.check("input[name=lang][value=zh]")
    page.wait_for_selector("#sim_sliders label:has-text('商业友谊（CF）→ 顾客满意感（SAT）')")
    assert page.locator("#sim_sliders label").nth(1).inner_text() == \
        "顾客满意感（SAT）→ 对企业的信任感（TR）"
    assert slider.evaluate("el => $(el).data('ionRangeSlider').result.from") == 0.8   # kept
    page.click("#sim_run")
    page.wait_for_function(
        "() => { const c = document.querySelector('table.rq-sim tbody tr td:nth-child(2)');"
        " return c && c.textContent === '0.80'; }")
    shot(page, "5_simulate_sliders_zh")


def test_report_after_a_bootstrap_has_its_draws(page, tmp_path):
    tab(page, "estimate")
    page.fill("#draws", "100")
    estimate(page)
    assert page.locator("#results .rq-error").count() == 0, page.inner_text("#results")
    with page.expect_download() as info:
        page.click("#dl_html")
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "bootstrap (perc) 95% interval (100 draws, seed 1)" in html
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
        effects = res.indirect(ci="bootstrap", n=100, seed=1)
    first = effects.query("effect == 'indirect'").iloc[0]
    assert f"[{first['ci_lower']:.3f}, {first['ci_upper']:.3f}]" in html


def test_interaction_method_and_test_table(page):
    tab(page, "model")
    page.check("input[name=model_source][value=syntax]")
    page.fill("#syntax", MODERATED)
    page.wait_for_selector("#syntax_status .rq-ok")
    tab(page, "estimate")
    page.wait_for_selector("#interaction")
    assert page.input_value("#interaction") == "auto"
    options = page.locator("#interaction option").all_inner_texts()
    assert options[0].startswith("LMS (default") and len(options) == 6
    page.select_option("#interaction", "dblcent")
    estimate(page)
    assert page.locator("#results .rq-error").count() == 0, page.inner_text("#results")
    page.wait_for_selector("#res-interaction")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(MODERATED, rq.datasets.load("relationship_quality"), interaction="dblcent")
    test = res.interaction_test().iloc[0]
    assert cell(page, "table.rq-interaction", "SAT:CF", 2) == "dblcent"
    assert cell(page, "table.rq-interaction", "SAT:CF", 3) == f"{test['chisq']:.3f}"
    assert cell(page, "table.rq-interaction", "SAT:CF", 9) == f"{test['std_est']:.3f}"
    page.locator("#res-interaction").scroll_into_view_if_needed()
    shot(page, "3_results_interaction")
    page.check("input[name=lang][value=zh]")
    page.wait_for_selector("#res-interaction:has-text('交互项：似然比检验')")
    assert page.input_value("#interaction") == "dblcent"              # kept across languages
    with page.expect_download() as info:
        page.click("#dl_code")
    assert "interaction='dblcent'" in Path(info.value.path()).read_text(encoding="utf-8")
    shot(page, "3_results_interaction_zh")


def test_syntax_error_in_chinese(page):
    page.check("input[name=lang][value=zh]")
    tab(page, "model")
    page.check("input[name=model_source][value=syntax]")
    page.fill("#syntax", "SAT =~ sat1 + sat2 + sat3\nTR =~ tr1 + tr2 + tr3\nTR ~ SAT +\n")
    page.wait_for_selector("#syntax_status .rq-error")
    status = page.inner_text("#syntax_status")
    assert "第 3 行有语法错误" in status and "“+”两侧缺少项" in status
    assert "TR ~ SAT +" in status and "empty term" not in status
    shot(page, "2_model_syntax_error_zh")
