"""End to end: `geoscribe serve` on 127.0.0.1 in its own process, driven in headless
Chromium (Debian's ``chromium`` + ``chromium-driver``, through selenium): translate a
pasted text, run a faceted search, see each value's source and its span marked in the
input, save a screenshot.

``scripts/ci_browser_deps.sh`` installs the browser; without it the test skips.
Set ``GEOSCRIBE_SCREENSHOT=PATH`` to keep a copy of the screenshot, and
``GEOSCRIBE_SERVE_MODEL=DIR`` to serve another cistrome model than the bundled one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install -e '.[test]')")
import httpx  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from serve_support import make_store_db, pairs, tiny_translator  # noqa: E402

from geoscribe.translate import default_model_path  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
         "--window-size=1360,1000"]

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
    reason="headless Chromium not found (/usr/bin/chromium, /usr/bin/chromedriver): run scripts/ci_browser_deps.sh",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The CLI's server over a 40-sample store and the bundled Cistrome model (a tiny one
    trained here if the checkout has none); yields its base URL and whether it is bundled."""
    tmp = tmp_path_factory.mktemp("browser")
    db = make_store_db(tmp / "store.duckdb")
    model_dir = os.environ.get("GEOSCRIBE_SERVE_MODEL")
    bundled = model_dir is None and default_model_path("cistrome").is_dir()
    if model_dir is None:
        model_dir = default_model_path("cistrome") if bundled else tiny_translator().save(tmp / "tiny-model")
    port = _free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = [sys.executable, "-c", "from geoscribe.cli import app; app()", "serve", "--db", str(db),
           "--model", f"cistrome={model_dir}", "--host", "127.0.0.1", "--port", str(port), "--no-ontology"]
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}: {(tmp / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not answer /health within 120 s")
            time.sleep(0.3)
        yield url, bundled
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    except Exception as exc:  # noqa: BLE001 - installed but cannot start: skip locally, fail in CI
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"headless Chromium could not start: {str(exc).splitlines()[0]}")
    yield driver
    driver.quit()


def _text_is(driver, element_id: str, predicate, timeout: float = 30) -> str:
    WebDriverWait(driver, timeout).until(lambda d: predicate(d.find_element(By.ID, element_id).text))
    return driver.find_element(By.ID, element_id).text


def test_browser_translate_and_faceted_search(server, browser, tmp_path):
    server, bundled = server
    browser.get(server + "/")
    _text_is(browser, "db-info", lambda t: t == "40 samples")

    # translation: paste a description, get the record with a confidence per attribute
    text = pairs()[0][0]
    box = browser.find_element(By.ID, "translate-text")
    box.clear()
    box.send_keys(text)
    browser.find_element(By.ID, "translate-go").click()
    WebDriverWait(browser, 60).until(EC.visibility_of_element_located((By.ID, "translate-table")))
    output = _text_is(browser, "translate-output", lambda t: t.startswith("Cell Line:"))
    assert " - Cell Type: " in output and " - Factor: " in output
    if bundled:  # "Title: K562 cells ChIP-seq CTCF - Source: bone marrow - ..."
        assert output.startswith("Cell Line: K562 - ") and output.endswith(" - Factor: CTCF")
    rows = browser.find_elements(By.CSS_SELECTOR, "#translate-table tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["Cell Line", "Cell Type", "Tissue Type", "Factor"]
    for row in rows:  # a confidence in [0, 1] per attribute
        assert 0.0 <= float(row.find_elements(By.TAG_NAME, "td")[3].text) <= 1.0
    assert browser.find_element(By.ID, "translate-input").text == text
    assert "ms" in browser.find_element(By.ID, "translate-status").text

    # faceted search: all samples, then free text, then a facet value
    _text_is(browser, "result-count", lambda t: t.startswith("40 samples"))
    search = browser.find_element(By.ID, "search-text")
    search.send_keys("hepatocyte")
    browser.find_element(By.ID, "search-go").click()
    _text_is(browser, "result-count", lambda t: t.startswith("5 samples"))
    factor_facet = browser.find_element(By.CSS_SELECTOR, '.facet[data-attribute="Factor"]')
    assert len(factor_facet.find_elements(By.TAG_NAME, "li")) == 5  # five factors, one sample each
    search.clear()
    browser.find_element(By.ID, "search-go").click()
    _text_is(browser, "result-count", lambda t: t.startswith("40 samples"))
    tissue = browser.find_element(By.CSS_SELECTOR, '.facet[data-attribute="Tissue Type"]')
    liver = next(a for a in tissue.find_elements(By.TAG_NAME, "a") if a.text.startswith("Liver"))
    assert liver.text.split()[-1] == "10"
    liver.click()
    _text_is(browser, "result-count", lambda t: t.startswith("10 samples"))
    assert "Tissue Type: Liver" in browser.find_element(By.ID, "active-filters").text
    result_rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr.sample")
    assert len(result_rows) == 10
    link = result_rows[0].find_element(By.CSS_SELECTOR, "td a")
    assert link.get_attribute("href") == f"https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc={link.text}"
    assert all("Liver" in r.text for r in result_rows)
    assert "conf " in result_rows[0].text

    # sources: a badge per value; pointing at a stated value marks its span in the sample's input
    hepg2 = next(r for r in result_rows if "HepG2" in r.text)
    line_cell = hepg2.find_element(By.CSS_SELECTOR, 'td[data-attribute="Cell Line"]')
    assert line_cell.find_element(By.CSS_SELECTOR, ".src").text == "stated"
    assert hepg2.find_element(By.CSS_SELECTOR, 'td[data-attribute="Tissue Type"] .src').text == "known"
    input_line = hepg2.find_element(By.XPATH, "following-sibling::tr[1]").find_element(By.CSS_SELECTOR, ".input-line")
    assert input_line.find_elements(By.TAG_NAME, "mark") == []
    ActionChains(browser).move_to_element(line_cell).perform()
    WebDriverWait(browser, 10).until(lambda d: input_line.find_elements(By.TAG_NAME, "mark"))
    assert input_line.find_element(By.TAG_NAME, "mark").text == "HepG2"
    factor_cell = hepg2.find_element(By.CSS_SELECTOR, 'td[data-attribute="Factor"]')
    factor_cell.click()  # pinned: stays marked when the pointer leaves
    ActionChains(browser).move_to_element(browser.find_element(By.ID, "result-count")).perform()
    factor = factor_cell.find_element(By.CSS_SELECTOR, ".v").text
    assert input_line.find_element(By.TAG_NAME, "mark").text == factor
    assert input_line.text.endswith(f"antibody: {factor}")  # the copied span, at the end of the input

    browser.execute_script("window.scrollTo(0, 0)")
    shot = tmp_path / "serve.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("GEOSCRIBE_SCREENSHOT"):
        shutil.copy(shot, os.environ["GEOSCRIBE_SCREENSHOT"])
