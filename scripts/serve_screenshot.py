"""Screenshot the search page of a running `geoscribe serve` (docs/img/serve.png).

Headless Chromium through selenium, with the flags of tests/e2e/test_browser.py:
translate ``--translate`` (if given), search ``--text`` in ``--schema``, then pin
(click) the ``--attribute`` value of the first result whose value has a span, so
that its span is marked in the sample's input, and save the page.

    python scripts/serve_screenshot.py --url http://127.0.0.1:8765 --out docs/img/serve.png \
        --schema encode --text "cell line" --attribute "Biosample term name"
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
         "--hide-scrollbars"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--schema", default="cistrome")
    ap.add_argument("--text", default="", help="free-text search")
    ap.add_argument("--translate", default="", help="a description to translate in the top panel")
    ap.add_argument("--attribute", required=True, help="whose marked span to show in the first result that has one")
    ap.add_argument("--pin-translation", default="", help="attribute of the translation to pin instead")
    ap.add_argument("--size", default="1440,1500")
    args = ap.parse_args(argv)

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in [*FLAGS, f"--window-size={args.size}"]:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        driver = webdriver.Chrome(options=options, service=service)
        try:
            wait = WebDriverWait(driver, 60)
            driver.get(args.url + "/")
            wait.until(lambda d: d.find_element(By.ID, "result-count").text.endswith(")"))
            def rerender(action) -> None:
                """Run ``action`` (which searches again) and wait until the old results are gone."""
                old = driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")
                action()
                if old:
                    wait.until(EC.staleness_of(old[0]))
                wait.until(lambda d: d.find_element(By.ID, "result-count").text.endswith(")"))

            rerender(lambda: driver.execute_script(
                "const s = document.getElementById('schema'); s.value = arguments[0];"
                "s.dispatchEvent(new Event('change'));", args.schema))
            if args.translate:
                box = driver.find_element(By.ID, "translate-text")
                box.send_keys(args.translate)
                driver.find_element(By.ID, "translate-go").click()
                wait.until(EC.visibility_of_element_located((By.ID, "translate-table")))
                if args.pin_translation:
                    row = driver.find_element(By.CSS_SELECTOR, f'#translate-table tr[data-attribute="{args.pin_translation}"]')
                    row.find_element(By.CSS_SELECTOR, "td.value").click()
            if args.text:
                driver.find_element(By.ID, "search-text").send_keys(args.text)
                rerender(driver.find_element(By.ID, "search-go").click)
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#results td.has-span[data-attribute="{args.attribute}"]'))
            cell = driver.find_elements(By.CSS_SELECTOR, f'#results td.has-span[data-attribute="{args.attribute}"]')[0]
            cell.click()
            driver.execute_script("window.scrollTo(0, 0)")
            if not driver.find_elements(By.CSS_SELECTOR, "#results .input-line mark"):
                print("no span marked", file=sys.stderr)
                return 1
            driver.save_screenshot(args.out)
        finally:
            driver.quit()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
