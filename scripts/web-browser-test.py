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
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    skip("selenium is not installed (pip install selenium)")

# axe-core (bundled by the axe-selenium-python package, so nothing is fetched at run time): every page visited is
# checked, and a serious or critical violation fails the run. Without the package the check is reported as skipped.
try:
    import axe_selenium_python
    AXE_SCRIPT = open(os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js"),
                      encoding="utf8").read()
except (ImportError, OSError):
    AXE_SCRIPT = None

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
if not CHROMIUM or not DRIVER:
    skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")

spec = json.load(open(sys.argv[1]))
base = spec["base_url"]
shots = spec.get("screenshots")
failures = []
timings = {}
accessibility = {"checked": [], "skipped": None if AXE_SCRIPT else "axe-selenium-python is not installed (pip install axe-selenium-python)"}
downloads = spec.get("downloads") or os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "browser-downloads")

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
    # The bundle's PDF and manifest are saved here without a prompt, for the verify page to read back.
    os.makedirs(downloads, exist_ok=True)
    options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service(DRIVER), options=options)

def timed(driver, name):
    """The page's navigation timing: the server's answer (request sent to first byte) and the whole load."""
    entry = driver.execute_script("const e = performance.getEntriesByType('navigation')[0]; return e ? e.toJSON() : null;")
    if entry:
        timings.setdefault(name, []).append({"server_ms": round(entry["responseStart"] - entry["requestStart"], 1),
                                             "load_ms": round(entry["loadEventEnd"] - entry["startTime"], 1)})

def axe_check(driver, name):
    """axe-core over the page as it is now: serious and critical violations fail (each named with its first element)."""
    if not AXE_SCRIPT:
        return
    # Run through the DevTools protocol, which the page's CSP (no script at all) does not govern.
    driver.execute_script(AXE_SCRIPT)
    # The package bundles axe-core 3.1.1 (2018), which predates two things HTML now allows and these pages use: the
    # autocomplete token "one-time-code" (the login code field) and <div> grouping a <dt>/<dd> pair in a <dl>. Only those
    # two rules are turned off; every other rule runs.
    results = driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                          "axe.run(document, {rules: {'autocomplete-valid': {enabled: false}, 'dlitem': {enabled: false}}})"
                                          ".then(r => done(r.violations), e => done(String(e)));")
    if isinstance(results, str):
        failures.append(f"axe-core could not check {name}: {results}")
        return
    accessibility["checked"].append(name)
    for violation in results:
        if violation.get("impact") in ("serious", "critical"):
            where = violation["nodes"][0]["target"] if violation.get("nodes") else "?"
            failures.append(f"{name}: accessibility ({violation['impact']}) {violation['id']}: {violation['help']} at {where}")

def shot(driver, name):
    if not name.endswith("-320px"):
        axe_check(driver, name)
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
    WebDriverWait(driver, 30).until(gone(button))

def gone(element):
    """A wait condition: `element`'s page has been replaced. Selenium's `staleness_of` expects a stale-element error,
    but Chromium sometimes answers a question about an element of the page being left with an inspector error instead
    ("Node with given id does not belong to the document"), which failed a run; both mean the page went."""
    def predicate(_):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                return True
            raise
    return predicate

def click_and_wait(driver, element):
    element.click()
    WebDriverWait(driver, 30).until(gone(element))

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

def wait_for_download(name, timeout=30):
    """The path of a finished download (Chromium writes NAME.crdownload until it is whole)."""
    path = os.path.join(downloads, name)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path) and not os.path.exists(path + ".crdownload"):
            return path
        time.sleep(0.2)
    return None

def keyboard_only(driver, field_id, keys):
    """Types into a field reached with Tab alone from the page's start (focus order, no mouse)."""
    driver.find_element(By.TAG_NAME, "body").click()
    for _ in range(60):
        driver.switch_to.active_element.send_keys("\ue004")
        if driver.switch_to.active_element.get_attribute("id") == field_id:
            driver.switch_to.active_element.send_keys(keys)
            return True
    return False

def tab_to(driver, wanted, what):
    """Presses Tab (from where the focus is) until the focused element is `wanted`; that element, or None."""
    for _ in range(80):
        driver.switch_to.active_element.send_keys("\ue004")
        element = driver.switch_to.active_element
        if wanted(element):
            return element
    check(False, f"{what} cannot be reached with Tab")
    return None

def press_and_wait(driver, element, key):
    """Activates a focused control from the keyboard (Enter on a button, Space on a box) and waits for the next page."""
    element.send_keys(key)
    WebDriverWait(driver, 30).until(gone(element))

def bundle_flow(driver):
    """Makes a bundle with the wizard (keyboard for the first field), checks the dry run, exports, downloads both files,
    verifies them on the public page (and a changed copy), then withdraws the consent and sees the next read refused."""
    case_id, letter_name = spec["bundle_case_id"], spec["bundle_letter_name"]
    driver.get(base + "/cases/" + case_id + "/team")
    check(driver.find_elements(By.ID, "advocate"), "the case's team page offers no one to assign")
    shot(driver, "case-team")
    driver.get(base + "/cases/" + case_id + "/transfer")
    check(driver.find_elements(By.ID, "organisation"), "the transfer page offers no partner organisation")
    shot(driver, "case-transfer")
    driver.get(base + "/cases/" + case_id)
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Make a meeting bundle"))
    check(driver.find_element(By.TAG_NAME, "h1").text == "Make a meeting bundle", "the bundle wizard did not open")
    check(keyboard_only(driver, "meeting", "Local resolution meeting, 3 December 2026"), "the meeting field cannot be reached with Tab")
    letter_box = driver.find_element(By.XPATH, f"//label[starts-with(normalize-space(), '{letter_name}')]/preceding-sibling::input[1]")
    check(letter_box.is_selected(), "the letter is not ticked by default")
    driver.find_element(By.ID, "policy-trust-meeting").click()
    shot(driver, "bundle-wizard")
    no_sideways_scroll(driver, "bundle-wizard")
    # no_sideways_scroll reloads the page. From here the wizard is driven by the keyboard alone (issue 22): Tab to the
    # meeting and type it, Tab into the policies (one stop: the chosen one) and press Down to choose the next, Tab to
    # the dry run's button and press Enter, then Tab to the export button and press Enter.
    # (A reload may keep what was typed and chosen before it: the meeting is emptied first.)
    driver.find_element(By.ID, "meeting").clear()
    check(keyboard_only(driver, "meeting", "Local resolution meeting, 3 December 2026"), "the meeting field cannot be reached with Tab")
    policy = tab_to(driver, lambda e: e.get_attribute("name") == "policy", "the policies")
    if policy is None:
        return
    before = policy.get_attribute("id")
    policy.send_keys("\ue015")
    after = driver.switch_to.active_element
    check(after.get_attribute("name") == "policy" and after.get_attribute("id") != before and after.is_selected(),
          f"the Down key did not choose the policy after {before}")
    dry_run = tab_to(driver, lambda e: e.tag_name == "button" and e.text.strip() == "Check what would go in", "the dry run's button")
    if dry_run is None:
        return
    press_and_wait(driver, dry_run, "\ue007")
    timed(driver, "bundle-dry-run")
    table = driver.find_element(By.CSS_SELECTOR, "main table").text
    check(letter_name in table and "in by default" in table, f"the dry run's table does not show the letter going in ({table!r})")
    shot(driver, "bundle-dry-run")
    driver.find_element(By.TAG_NAME, "body").click()
    export = tab_to(driver, lambda e: e.tag_name == "button" and e.text.strip() == "Export the bundle", "the export button")
    if export is None:
        return
    press_and_wait(driver, export, "\ue007")
    check("/bundles/bun-" in driver.current_url, f"exporting did not open the bundle's page ({driver.current_url})")
    bundle_id = driver.current_url.rsplit("/", 1)[-1]
    shot(driver, "bundle-ready")
    for button in driver.find_elements(By.CSS_SELECTOR, "form.download button"):
        button.click()
    pdf = wait_for_download(bundle_id + ".pdf")
    manifest = wait_for_download(bundle_id + ".pdf.manifest.json")
    if not check(pdf and manifest, f"the bundle's files were not downloaded into {downloads}: {os.listdir(downloads)}"):
        return
    # Chromium logs a download's response only sometimes: the header is checked when it did (WebBundleTests always checks).
    headers = response_headers(driver, "/bundles/" + bundle_id + "/pdf")
    if headers:
        check(headers.get("cache-control") == "no-store", f"the bundle's PDF may be cached ({headers.get('cache-control')!r})")

    # The public verify page: the downloaded pair is genuine; a copy with one byte changed is not.
    driver.get(base + "/verify")
    shot(driver, "verify")
    driver.find_element(By.ID, "pdf").send_keys(pdf)
    driver.find_element(By.ID, "manifest").send_keys(manifest)
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Check the bundle']"))
    result = driver.find_element(By.ID, "verify-result").text
    check("This is a genuine bundle" in result and bundle_id in result, f"the downloaded bundle did not verify ({result!r})")
    shot(driver, "verify-genuine")
    altered = os.path.join(downloads, "altered.pdf")
    data = bytearray(open(pdf, "rb").read())
    data[len(data) // 2] ^= 1
    open(altered, "wb").write(bytes(data))
    driver.get(base + "/verify")
    driver.find_element(By.ID, "pdf").send_keys(altered)
    driver.find_element(By.ID, "manifest").send_keys(manifest)
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Check the bundle']"))
    result = driver.find_element(By.ID, "verify-result").text
    check("NOT a genuine bundle" in result, f"a changed PDF was not refused ({result!r})")
    shot(driver, "verify-not-genuine")

    # Withdraw the consent from the case page; the next read is refused with the consent rules' reason.
    driver.get(base + "/cases/" + case_id)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"a[href='/consents/{spec['bundle_consent_id']}/withdraw']"))
    driver.find_element(By.ID, "channel-letter").click()
    driver.find_element(By.ID, "confirm").click()
    shot(driver, "consent-withdraw")
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Withdraw this consent']"))
    check("this consent was withdrawn on" in driver.find_element(By.TAG_NAME, "main").text, "the withdrawal was not confirmed")
    shot(driver, "consent-withdrawn")
    driver.get(base + "/documents/" + spec["bundle_letter_id"])
    main = driver.find_element(By.TAG_NAME, "main").text
    check(driver.find_element(By.TAG_NAME, "h1").text == "The consent rules do not allow this", f"a read after the withdrawal was not refused ({main!r})")
    check("withdrawn" in main, f"the refusal does not give the withdrawal as its reason ({main!r})")
    check(spec["bundle_letter_text"] not in driver.page_source, "the letter's text is shown after the withdrawal")
    shot(driver, "read-refused-after-withdrawal")

def situation_flow(driver):
    """Records the patient's own consent through the guided situations: step 1, step 2 sent without the signed form (the
    core says what is missing, the form keeps what was typed), then with it; the case page lists the consent."""
    case_id = spec["situation_case_id"]
    driver.get(base + "/cases/" + case_id)
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Record a consent or authority"))
    check(len(driver.find_elements(By.CSS_SELECTOR, "input[name=situation]")) == 6, "the situation page does not offer the six situations")
    shot(driver, "situation-choose")
    driver.find_element(By.ID, "situation-patient").click()
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Continue']"))
    driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, "signed_on"), spec["situation_signed_on"])
    driver.find_element(By.ID, "action-view_documents").click()
    shot(driver, "situation-form")
    no_sideways_scroll(driver, "situation-form")
    driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, "signed_on"), spec["situation_signed_on"])
    if not driver.find_element(By.ID, "action-view_documents").is_selected():
        driver.find_element(By.ID, "action-view_documents").click()
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Record']"))
    problem = driver.find_elements(By.CSS_SELECTOR, "[role=alert]")
    check(problem and "the signed consent form" in problem[0].text, "recording without the signed form says nothing of it")
    check(driver.find_element(By.ID, "action-view_documents").is_selected(), "the form lost what was ticked")
    driver.execute_script("window.scrollTo(0, 0);")
    shot(driver, "situation-problem")
    form = os.path.join(workdir, "signed-consent.txt")
    with open(form, "w") as out:
        out.write("I consent to the advocacy service acting for me. Signed, Nora Lane.\n")
    driver.find_element(By.ID, "consent_form").send_keys(form)
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Record']"))
    status = driver.find_elements(By.CSS_SELECTOR, "[role=status]")
    check(status and "Recorded for the situation" in status[0].text, f"recording the consent did not return to the case ({driver.current_url})")
    rows = driver.find_element(By.TAG_NAME, "main").text
    check("written consent" in rows and "active" in rows, "the case page does not list the new consent as active")
    driver.execute_script("window.scrollTo(0, 0);")
    shot(driver, "situation-recorded")

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

    if spec.get("situation_case_id"):
        situation_flow(driver)
    if spec.get("bundle_case_id"):
        bundle_flow(driver)

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

print(json.dumps({"ok": not failures, "failures": failures, "timings": timings, "accessibility": accessibility}))
sys.exit(0 if not failures else 1)
