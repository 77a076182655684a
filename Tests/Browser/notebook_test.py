"""The browser notebook in a real browser: Debian's chromium through chromium-driver (selenium).

Run by scripts/browser-test (which `make test` calls) with the path of a built cnnlearn:

    python notebook_test.py CNNLEARN LESSONS_DIR SHOTS_DIR

Starts `cnnlearn serve --port 0` and `cnnlearn html`, and checks what a learner does: every
lesson page loads with no console error; editing a cell and running it changes its output; a
step widget's next and previous change the frame; a wrong edit shows the error with its caret;
a training cell streams its epochs and draws the live curve, and Stop stops it; requests without
the token or with another Host are refused; the published pages load from files with no request
leaving the page. axe-core (bundled by axe-selenium-python) must find nothing serious or
critical. Screenshots at 1280 and 390 pixels wide go to SHOTS_DIR.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

CNNLEARN, LESSONS, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def browser(width):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              f"--window-size={width},900", "--disable-background-networking", "--no-first-run"]:
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def serious_axe(driver):
    axe = Axe(driver)
    axe.inject()
    result = axe.run()
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def wait_idle(driver, timeout=120):
    """Waits until no cell of the page is running (the Stop button is disabled again)."""
    WebDriverWait(driver, timeout).until(
        lambda d: d.find_element(By.CSS_SELECTOR, '[data-action="stop"]').get_attribute("disabled") is not None)


def click(driver, element):
    """Clicks as a user would, after scrolling the element to the middle (clear of the sticky header)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def run_cell(driver, number, code):
    section = driver.find_element(By.ID, f"cell-{number}")
    area = section.find_element(By.CSS_SELECTOR, "textarea.code")
    driver.execute_script("arguments[0].value = arguments[1];", area, code)
    area.send_keys(Keys.CONTROL, Keys.ENTER)  # the keyboard way; the Run button is tested below
    time.sleep(0.2)
    wait_idle(driver)
    return driver.find_element(By.ID, f"cell-{number}")


server = subprocess.Popen([CNNLEARN, "serve", "--port", "0", "--lessons", LESSONS, "--cell-time-limit", "120"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    url = None
    deadline = time.time() + 60
    while time.time() < deadline and url is None:
        line = server.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:(\d+)/\S*\?token=(\w+))", line)
        if m:
            url, port, token = m.group(1), m.group(2), m.group(3)
    check(url is not None, "cnnlearn serve printed its URL with a token")
    if url is None:
        sys.exit(1)
    base = f"http://127.0.0.1:{port}"

    # --- the guard, as another page or a rebinding attacker would meet it ---
    def status(req):
        try:
            return urllib.request.urlopen(req, timeout=10).status
        except urllib.error.HTTPError as e:
            return e.code
    check(status(base + "/") == 403, "a request without the token is refused (403)")
    check(status(urllib.request.Request(base + "/?token=" + token, headers={"Host": f"evil.example:{port}"})) == 403,
          "a request with another Host header is refused (DNS rebinding)")
    check(status(urllib.request.Request(base + "/api/run", data=b'{"session":"x","cell":1}',
                                        headers={"Cookie": "cnnlearn-token=" + token, "Content-Type": "application/json"})) == 403,
          "a POST with the cookie but without the token header is refused (cross-site request)")
    big = json.dumps({"session": "x", "cell": 1, "codes": {"1": "x" * (2 << 20)}}).encode()
    check(status(urllib.request.Request(base + "/api/run", data=big, headers={
        "Cookie": "cnnlearn-token=" + token, "X-CNNLearn-Token": token, "Content-Type": "application/json"})) == 413,
          "a request body over the limit is refused (413)")

    for width in (1280, 390):
        d = browser(width)
        try:
            d.get(base + "/?token=" + token)
            links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "ol.index a")]
            convolution = next(h for h in links if h.endswith("/convolution"))
            if width == 1280:
                check(len(links) >= 10, f"the index lists the lessons ({len(links)})")
                d.get_log("browser")
                for href in links:
                    d.get(href)
                    errors = console_errors(d)
                    check(not errors, f"{href.rsplit('/', 1)[-1]} loads with no console error {errors[:1]}")
                d.get(convolution)
                bad = serious_axe(d)
                check(not bad, "axe: no serious or critical finding on lesson 1 " + json.dumps([(v['id'], len(v['nodes'])) for v in bad]))
            else:
                d.get(convolution)
            d.save_screenshot(os.path.join(SHOTS, f"lesson-01-{width}.png"))
            if width != 1280:
                continue

            # --- edit a cell and run it ---
            cell = run_cell(d, 2, "k = [[1, 0, 1],\n     [0, 1, 0],\n     [1, 0, 1]]\nk * 7")
            out = cell.find_element(By.CSS_SELECTOR, "pre.output").text
            check(out.split() == ["7", "0", "7", "0", "7", "0", "7", "0", "7"], f"an edited cell's new output is shown ({out!r})")
            check(cell.get_attribute("data-outcome") == "mismatch", "the edited cell says it differs from the expected output")
            check("Expected output" in cell.text, "the expected output is shown beside it")
            later = d.find_element(By.ID, "cell-4").get_attribute("data-outcome")
            check(later == "not-run", f"the cells below are marked as not rerun ({later})")

            # --- the Run button, on the cell as written, restores the verdict ---
            section = d.find_element(By.ID, "cell-2")
            click(d, section.find_element(By.CSS_SELECTOR, '[data-action="revert"]'))
            click(d, section.find_element(By.CSS_SELECTOR, '[data-action="run"]'))
            time.sleep(0.2)
            wait_idle(d)
            check(d.find_element(By.ID, "cell-2").get_attribute("data-outcome") == "passed", "Undo edits + Run: the cell passes again")

            # --- a wrong edit shows the error with a caret under its column ---
            cell = run_cell(d, 2, "k = [[1, 0, 1]]\nk + nada")
            err = cell.find_elements(By.CSS_SELECTOR, "pre.error")
            text = err[0].text if err else ""
            lines = text.split("\n")
            check(len(err) == 1 and "unknown name 'nada'" in text, f"a wrong edit shows its error ({text[:80]!r})")
            check(len(lines) >= 3 and lines[1] == "k + nada" and lines[2] == "    ^",
                  f"the caret sits under the column ({lines[1:3]})")
            check(err and err[0].get_attribute("data-line") == "2" and err[0].get_attribute("data-column") == "5",
                  "the error names line 2, column 5 of the cell")

            # --- a step widget: next and previous change the frame ---
            click(d, d.find_element(By.CSS_SELECTOR, '[data-action="run-all"]'))
            time.sleep(0.2)
            wait_idle(d)
            step = d.find_element(By.CSS_SELECTOR, ".step")
            pos = step.find_element(By.CSS_SELECTOR, ".step-position")
            first = pos.text
            frame1 = step.find_element(By.CSS_SELECTOR, ".step-frame").text
            click(d, step.find_element(By.CSS_SELECTOR, '[data-step="next"]'))
            check(pos.text != first and pos.text.startswith("Window 2 of"), f"Next moves to window 2 ({pos.text!r})")
            check(step.find_element(By.CSS_SELECTOR, ".step-frame").text != frame1, "Next changes the frame (window and output)")
            filled = step.find_elements(By.CSS_SELECTOR, ".grid td.new")
            check(len(filled) == 1, "the output cell this window writes is marked")
            click(d, step.find_element(By.CSS_SELECTOR, '[data-step="prev"]'))
            check(pos.text == first, "Previous goes back to window 1")
            frame = step.find_element(By.CSS_SELECTOR, ".step-frame")
            frame.send_keys(Keys.ARROW_RIGHT)
            frame.send_keys(Keys.ARROW_RIGHT)
            check(pos.text.startswith("Window 3 of"), f"arrow keys step ({pos.text!r})")
            d.save_screenshot(os.path.join(SHOTS, "lesson-01-step-1280.png"))
            check(not console_errors(d), "no console error after editing and running")

            # --- training: epochs stream in, the curve draws live, Stop stops ---
            training = next((h for h in links if "overfitting" in h), None)
            check(training is not None, "the index has the overfitting (training) lesson")
            if training:
                d.get(training)
                cells = d.find_elements(By.CSS_SELECTOR, ".cell")
                target = next((c for c in cells if "train(" in c.find_element(By.CSS_SELECTOR, "textarea").get_attribute("value")), None)
                check(target is not None, "the training lesson has a train(...) cell")
                number = target.get_attribute("data-cell")
                area = target.find_element(By.CSS_SELECTOR, "textarea")
                code = area.get_attribute("value")
                # Many epochs, so there is time to see the curve and to stop it.
                longer = re.sub(r"epochs:\s*\d+", "epochs: 400", code)
                d.execute_script("arguments[0].value = arguments[1];", area, longer)
                click(d, target.find_element(By.CSS_SELECTOR, '[data-action="run"]'))
                try:
                    WebDriverWait(d, 240).until(lambda x: x.find_elements(By.CSS_SELECTOR, f"#cell-{number} .live-curve polyline"))
                    WebDriverWait(d, 240).until(lambda x: "epoch 2/400" in x.find_element(By.CSS_SELECTOR, f"#cell-{number} pre.output").text)
                    points = d.execute_script(f"return document.querySelector('#cell-{number} .live-curve polyline').getAttribute('points')")
                    check(len(points.split()) >= 2, f"the live curve has a point per epoch ({points!r})")
                    check(True, "the live curve draws as epochs end")
                except TimeoutException:
                    check(False, "the live curve draws as epochs end (no second epoch within 240 s)")
                live = d.find_element(By.CSS_SELECTOR, f"#cell-{number} pre.output").text
                check("epoch 1/400" in live or "1/400" in live, f"epoch lines stream into the output ({live[:60]!r})")
                d.execute_script("arguments[0].scrollIntoView({block: \"center\"})", d.find_element(By.CSS_SELECTOR, f"#cell-{number} .live-curve"))
                d.save_screenshot(os.path.join(SHOTS, "training-live-1280.png"))
                click(d, d.find_element(By.CSS_SELECTOR, '[data-action="stop"]'))
                wait_idle(d, 60)
                target = d.find_element(By.ID, f"cell-{number}")
                err = target.find_elements(By.CSS_SELECTOR, "pre.error")
                check(err and "stopped from the page" in err[0].text, f"Stop stops the training cleanly and says so ({err[0].text[:90] if err else ''!r})")
                check(len(target.find_elements(By.CSS_SELECTOR, ".live-curve svg title")) == 2, "the live loss and accuracy curves have titles for screen readers")
                check(not console_errors(d), "no console error while training")
        finally:
            d.quit()

    # --- the published site: loads from files, no request leaves the page ---
    with tempfile.TemporaryDirectory() as site:
        out = subprocess.run([CNNLEARN, "html", "--out", site, "--lessons", LESSONS, "convolution", "pooling"],
                             capture_output=True, text=True)
        check(out.returncode == 0, f"cnnlearn html wrote the site ({out.stdout.strip()} {out.stderr.strip()})")
        again = tempfile.mkdtemp()
        subprocess.run([CNNLEARN, "html", "--out", again, "--lessons", LESSONS, "convolution", "pooling"], capture_output=True)
        same = all(open(os.path.join(site, f), "rb").read() == open(os.path.join(again, f), "rb").read() for f in os.listdir(site))
        check(same and len(os.listdir(site)) == 3, "the same lessons give the same bytes")
        d = browser(1280)
        try:
            for name in sorted(os.listdir(site)):
                d.get("file://" + os.path.join(site, name))
                resources = d.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
                check(resources == [], f"{name}: no request leaves the page ({resources[:2]})")
                check(not console_errors(d), f"{name}: no console error")
            d.get("file://" + os.path.join(site, "01-convolution.html"))
            check(not d.find_elements(By.CSS_SELECTOR, "textarea"), "published cells are shown, not editable")
            folded = d.find_elements(By.CSS_SELECTOR, "details .cell")
            check(folded and not folded[0].is_displayed(), "answer cells stay hidden until asked")
            if folded:
                summary = folded[0].find_element(By.XPATH, "ancestor::details/summary")
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
                click(d, summary)
                check(folded[0].is_displayed(), "opening the answers shows their cells")
            step = d.find_element(By.CSS_SELECTOR, ".step")
            pos = step.find_element(By.CSS_SELECTOR, ".step-position")
            click(d, step.find_element(By.CSS_SELECTOR, '[data-step="last"]'))
            check(re.match(r"Window (\d+) of \1", pos.text) is not None, f"the published step widget plays its frames ({pos.text!r})")
            bad = serious_axe(d)
            check(not bad, "axe: no serious or critical finding on the published page " + json.dumps([(v['id'], len(v['nodes'])) for v in bad]))
            d.save_screenshot(os.path.join(SHOTS, "published-01-1280.png"))
        finally:
            d.quit()
finally:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()

print(f"browser tests: {len(failures)} failed" if failures else "browser tests: all passed")
sys.exit(1 if failures else 0)
