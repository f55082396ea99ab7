#!/usr/bin/env python3
"""Drives headless Chromium (Debian's chromium + chromium-driver, Selenium from PyPI) through the web interface of a
running casevault server. Started by Tests/VaultServerTests/WebBrowserTests.swift, which makes the vault and the
server and passes this script a JSON file of what to expect. Prints one JSON line: {"ok": …, "failures": […],
"timings": {…}}. Exit 0 when every check passed, 1 when one failed, 77 when Chromium or Selenium is missing (skip).
"""
import json
import os
import shutil
import sys
import tempfile
import time

def skip(why):
    print(json.dumps({"skipped": why}))
    sys.exit(77)

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    skip("selenium is not installed (pip install selenium)")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
if not CHROMIUM or not DRIVER:
    skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")

spec = json.load(open(sys.argv[1]))
base = spec["base_url"]
shots = spec.get("screenshots")
failures = []
timings = {}

def check(condition, what):
    if not condition:
        failures.append(what)
    return condition

def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--disable-gpu"]:
        options.add_argument(argument)
    # The test server's certificate is the test's own, self-signed.
    options.set_capability("acceptInsecureCerts", True)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)

def timed(driver, name):
    """The page's navigation timing: the server's answer (request sent to first byte) and the whole load."""
    entry = driver.execute_script("const e = performance.getEntriesByType('navigation')[0]; return e ? e.toJSON() : null;")
    if entry:
        timings.setdefault(name, []).append({"server_ms": round(entry["responseStart"] - entry["requestStart"], 1),
                                             "load_ms": round(entry["loadEventEnd"] - entry["startTime"], 1)})

def shot(driver, name):
    if shots:
        os.makedirs(shots, exist_ok=True)
        driver.save_screenshot(os.path.join(shots, name + ".png"))

def response_headers(driver, path):
    """The headers of the last response for `path`, from Chromium's own network log."""
    found = None
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.responseReceived":
            response = message["params"]["response"]
            if response["url"].split("?")[0] == base + path:
                found = {k.lower(): v for k, v in response["headers"].items()}
    return found or {}

def sign_in(driver, identity, passphrase):
    driver.get(base + "/signin")
    driver.find_element(By.ID, "identity").send_keys(identity)
    driver.find_element(By.ID, "passphrase").send_keys(passphrase)
    button = driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type=submit]")
    button.click()
    # The next page (the cases, or the form again with the message) has loaded once the old button is gone.
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(button))

def click_and_wait(driver, element):
    element.click()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(element))

def no_sideways_scroll(driver, name):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True})
    driver.refresh()
    wide = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
    check(wide[1] == 320, f"{name} does not fit its layout to a 320 px screen (viewport {wide[1]} px: no viewport meta?)")
    check(wide[0] <= wide[1], f"{name} at 320 px scrolls sideways (content {wide[0]} px wide)")
    shot(driver, name + "-320px")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.refresh()

def continue_past_warning(driver):
    """The consent rules' warning (verbal consent only), read and acknowledged, if this page shows one."""
    links = driver.find_elements(By.PARTIAL_LINK_TEXT, "I have read the warning")
    if links:
        click_and_wait(driver, links[0])

# Given out of date order; the case must list them by date. The reply names someone nobody registered.
UPLOADS = [
    ("pals-reply.txt", "Dear Mrs Hart,\nDr Rupert Vance has reviewed your mother's care on ward 7.\n<script>window.__xss=1</script>\n", "2025-03-01"),
    ("complaint.txt", "I am writing to complain about the care my mother received on ward 7.\n", "2024-11-05"),
    ("ward-notes.txt", "Notes of the meeting on ward 7 about the discharge.\n", "2025-01-10"),
]
workdir = tempfile.mkdtemp(prefix="casevault-browser-")
preview_url = base + "/cases"

driver = make_driver()
try:
    # A wrong passphrase: one clear message, linked to the fields, and still on the sign-in page.
    sign_in(driver, spec["advocate_identity"], "not the passphrase")
    check("/signin" in driver.current_url, "a wrong passphrase left the sign-in page")
    alert = driver.find_elements(By.CSS_SELECTOR, "[role=alert]")
    check(alert and "did not match" in alert[0].text, "a wrong passphrase shows no clear message")
    check(driver.find_element(By.ID, "passphrase").get_attribute("aria-describedby") == "signin-error", "the error is not linked to the passphrase field")
    shot(driver, "signin-wrong-passphrase")

    # Sign in; the list shows names, not ids.
    sign_in(driver, spec["advocate_identity"], spec["advocate_passphrase"])
    check(driver.current_url.startswith(base + "/cases"), f"signing in did not open My cases ({driver.current_url})")
    timed(driver, "cases")
    headers = response_headers(driver, "/cases")
    csp = headers.get("content-security-policy", "")
    check("default-src 'none'" in csp and "frame-ancestors 'none'" in csp, f"the cases page has no strict CSP header ({csp!r})")
    check(headers.get("cache-control") == "no-store", "the cases page may be cached")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en-GB", "the page has no lang")
    links = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "main table a")]
    check(spec["client_name"] in links, f"the case list does not name {spec['client_name']} ({links})")
    check(not any(text.startswith("case-") for text in links), "the case list shows ids as names")
    shot(driver, "cases")
    # The filter works without JavaScript (a GET form).
    driver.find_element(By.ID, "q").send_keys("no such client")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.filter button"))
    check("No case matches" in driver.page_source, "the filter did not filter")
    driver.get(base + "/cases")
    no_sideways_scroll(driver, "cases")

    # The case, then its document's text.
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, spec["client_name"]))
    timed(driver, "case")
    check(spec["client_name"] in driver.find_element(By.TAG_NAME, "h1").text, "the case page does not name its client")
    check(spec["escaped_name"] in driver.page_source and spec["script_name"] in driver.find_element(By.TAG_NAME, "main").text,
          "a stored name with <script> is not shown escaped")
    check(driver.execute_script("return window.__xss === undefined;"), "a stored name ran as a script")
    shot(driver, "case")
    no_sideways_scroll(driver, "case")
    # Verbal consent only: the consent rules' warning (R-CON-9) is read and acknowledged before the documents show.
    check(not driver.find_elements(By.LINK_TEXT, spec["document_name"]), "the documents show before the consent warning is read")
    click_and_wait(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "I have read the warning"))
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, spec["document_name"]))
    timed(driver, "document")
    check(spec["document_text"] in driver.find_element(By.CSS_SELECTOR, "pre.document-text").text, "the document's text is not shown")
    check(driver.find_elements(By.XPATH, "//button[normalize-space()='Download']"), "the document page has no Download button")
    shot(driver, "document")
    no_sideways_scroll(driver, "document")

    # Three files added to the second case in one form, dates chosen on the form; the case lists them by date.
    driver.get(base + "/cases")
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, spec["upload_client"]))
    continue_past_warning(driver)
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Add documents"))
    continue_past_warning(driver)
    check(driver.find_element(By.TAG_NAME, "h1").text == "Add documents", "the Add documents link does not open the upload form")
    no_sideways_scroll(driver, "upload")
    for number, (name, text, date) in enumerate(UPLOADS, start=1):
        path = os.path.join(workdir, name)
        with open(path, "w") as out:
            out.write(text)
        driver.find_element(By.ID, f"file_{number}").send_keys(path)
        # Typing into a date field depends on the browser's locale; the value is what the form sends.
        driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, f"date_{number}"), date)
    shot(driver, "upload-filled")
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Add to the case']"))
    timed(driver, "uploaded")
    status = driver.find_element(By.CSS_SELECTOR, "[role=status]").text
    check(status == "3 stored.", f"the upload did not store three files ({status!r})")
    shot(driver, "uploaded")
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Back to the case"))
    listed = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "main table a")]
    by_date = [name for name, _, _ in sorted(UPLOADS, key=lambda upload: upload[2])]
    check([name for name in listed if name in by_date] == by_date, f"the case does not list the uploads by date ({listed})")
    shot(driver, "case-after-upload")

    # The redaction preview of the reply: marked text, the names nobody registered, and one registered in a click.
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "pals-reply.txt"))
    click_and_wait(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "what a bundle would redact"))
    timed(driver, "preview")
    preview_url = driver.current_url
    check(driver.find_elements(By.CSS_SELECTOR, "pre.document-text mark"), "the preview marks nothing")
    found = [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".found-name h3")]
    check(any("Vance" in name for name in found), f"the preview does not list Dr Vance as unregistered ({found})")
    check(driver.execute_script("return window.__xss === undefined;"), "the letter's markup ran as a script")
    shot(driver, "preview")
    no_sideways_scroll(driver, "preview")
    target = next((section for section in driver.find_elements(By.CSS_SELECTOR, ".found-name")
                   if "Vance" in section.find_element(By.TAG_NAME, "h3").text), None)
    if check(target is not None, "no register form for Dr Vance"):
        registered = target.find_element(By.TAG_NAME, "h3").text
        Select(target.find_element(By.TAG_NAME, "select")).select_by_visible_text("witness")
        click_and_wait(driver, target.find_element(By.XPATH, ".//button[starts-with(normalize-space(), 'Register')]"))
        notice = driver.find_elements(By.CSS_SELECTOR, "[role=status]")
        check(notice and "registered as a person on the case" in notice[0].text, "registering a name says nothing")
        left = [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".found-name h3")]
        check(registered not in left, f"{registered} is still listed as unregistered ({left})")
        marked = [mark.text for mark in driver.find_elements(By.CSS_SELECTOR, "pre.document-text mark")]
        check(any("Vance" in text for text in marked), f"a registered witness is no longer redacted ({marked})")
        shot(driver, "preview-registered")

    # Keyboard: the skip link is the first thing Tab reaches.
    driver.find_element(By.TAG_NAME, "body").send_keys("\ue004")
    check(driver.switch_to.active_element.get_attribute("class") == "skip", "Tab does not reach the skip link first")

    # Sign out; Back shows no data.
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']"))
    check("You have signed out" in driver.page_source, "signing out says nothing")
    driver.back()
    time.sleep(0.3)
    check(spec["document_text"] not in driver.page_source and spec["client_name"] not in driver.page_source,
          "Back after signing out shows the document again")
    check("/signin" in driver.current_url, f"Back after signing out is not the sign-in page ({driver.current_url})")
    shot(driver, "after-sign-out-back")

    # A colleague of another organisation: no such case in their list, and its page shows nothing of it.
    sign_in(driver, spec["other_identity"], spec["other_passphrase"])
    check(driver.current_url.startswith(base + "/cases"), "the other organisation's advocate could not sign in")
    check(spec["client_name"] not in driver.page_source, "another organisation's advocate sees the case in their list")
    driver.get(base + "/cases/" + spec["case_id"])
    check(spec["client_name"] not in driver.page_source and spec["document_name"] not in driver.page_source,
          "another organisation's advocate sees the case page")
    heading = driver.find_element(By.TAG_NAME, "h1").text
    check(heading in ("Not found", "Not allowed"), f"another organisation's advocate gets {heading!r}")
    shot(driver, "other-organisation")
    driver.get(preview_url)
    heading = driver.find_element(By.TAG_NAME, "h1").text
    check(heading in ("Not allowed", "The consent rules do not allow this"), f"another organisation's advocate gets {heading!r} for the preview")
    check(spec["upload_client"] not in driver.page_source and "Vance" not in driver.page_source,
          "another organisation's advocate sees the preview")
    shot(driver, "other-organisation-preview")
finally:
    driver.quit()
    shutil.rmtree(workdir, ignore_errors=True)

print(json.dumps({"ok": not failures, "failures": failures, "timings": timings}))
sys.exit(0 if not failures else 1)
