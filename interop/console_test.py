"""The console in a real browser (Debian's chromium through chromedriver), against a fresh csms-server.

Signs in (a wrong token first, refused with the API's own message; then an access key, whose signature
the page makes; then a token with the keyboard alone), creates a topic, an event and a secret subscribed
to it, adds a version, watches its notification record arrive without a reload, reveals and hides a
value, and saves screenshots of the main pages at 1280 and 390 pixels wide. Nothing the browser does
goes around the API: the same calls are checked against the API directly.

Environment: CSMS_ENDPOINT, CSMS_TOKEN, CSMS_AK, CSMS_SK, CONSOLE_SCREENSHOTS (a directory).
"""

import http.server
import json
import os
import threading
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ENDPOINT = os.environ["CSMS_ENDPOINT"]
TOKEN = os.environ["CSMS_TOKEN"]
AK = os.environ["CSMS_AK"]
SK = os.environ["CSMS_SK"]
SHOTS = os.environ["CONSOLE_SCREENSHOTS"]
PROJECT = "0123456789abcdef0123456789abcdef"
CONSOLE = ENDPOINT + "/console/"
checks = 0


def ok(what):
    global checks
    checks += 1
    print("ok", checks, "-", what, flush=True)


def call(method, path, body=None, token=TOKEN):
    """The API itself, as a client other than the console."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(ENDPOINT + path, data=data, method=method)
    request.add_header("X-Auth-Token", token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--no-first-run", "--disable-extensions", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


class Listener(http.server.BaseHTTPRequestHandler):
    """A subscriber's endpoint: confirms its subscription through the link, keeps what it receives."""

    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Listener.received.append(body)
        if body.get("type") == "SubscriptionConfirmation":
            urllib.request.urlopen(body["subscribe_url"], timeout=10).read()
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
threading.Thread(target=listener.serve_forever, daemon=True).start()
hook = f"http://127.0.0.1:{listener.server_address[1]}/hook"

driver = browser()
wait = WebDriverWait(driver, 10)


def shot(name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def go(hash_):
    driver.execute_script("location.hash = arguments[0]", hash_)
    wait.until(lambda d: d.find_element(By.ID, "main").get_attribute("aria-busy") is None)


def main_text():
    return driver.find_element(By.ID, "main").text


def submit(form_label, fields, selects=None, checks_=None):
    """Fills the form named `form_label` and submits it."""
    form = driver.find_element(By.CSS_SELECTOR, f'form[aria-label="{form_label}"]')
    for name, value in fields.items():
        element = form.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)
    for name, value in (selects or {}).items():
        Select(form.find_element(By.NAME, name)).select_by_value(value)
    for value in checks_ or ():
        box = form.find_element(By.CSS_SELECTOR, f'input[value="{value}"]')
        if not box.is_selected():
            box.click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def error_box():
    box = wait.until(EC.visibility_of_element_located((By.ID, "error")))
    return box.text


try:
    # ---- the page, under its policy ----
    driver.get(CONSOLE)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'form[aria-label="Sign in"]')))
    ok("the console loads from the binary at /console/")

    # ---- a wrong token: the API's own refusal, shown as it came ----
    submit("Sign in", {"token": "not-the-token"}, selects={"kind": "token"})
    text = error_box()
    status, answer = call("GET", f"/v1/{PROJECT}/csms/events?limit=1", token="not-the-token")
    assert status == 401, (status, answer)
    code, message = answer["error"]["error_code"], answer["error"]["error_msg"]
    assert code in text and message in text and "request id" in text, (text, answer)
    assert driver.find_element(By.ID, "nav").get_attribute("hidden") is not None, "signed in with a wrong token"
    ok(f"a wrong token is refused with the API's code and message ({code}: {message}) and a request id")
    shot("sign-in-refused")

    # ---- an access key: the page signs SDK-HMAC-SHA256 itself ----
    submit("Sign in", {"ak": AK, "sk": SK}, selects={"kind": "aksk"})
    wait.until(EC.visibility_of_element_located((By.ID, "nav")))
    wait.until(lambda d: "Events" in main_text() and "Create an event" in main_text())
    assert AK in driver.find_element(By.ID, "who").text
    ok("signed in with an access key: the page's AK/SK signature is accepted")
    driver.find_element(By.ID, "sign-out").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'form[aria-label="Sign in"]')))

    # ---- a token, with the keyboard alone ----
    token_field = driver.find_element(By.NAME, "token")
    token_field.click()
    token_field.send_keys(TOKEN + Keys.ENTER)
    wait.until(EC.visibility_of_element_located((By.ID, "nav")))
    wait.until(lambda d: "Create an event" in main_text())
    ok("signed in with a token, submitted with Enter")
    driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(20):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element.text == "Secrets":
            break
    assert driver.switch_to.active_element.text == "Secrets", driver.switch_to.active_element.text
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait.until(lambda d: d.execute_script("return location.hash") == "#/secrets" and "Create a secret" in main_text())
    ok("the pages are reached with Tab and Enter alone")

    # ---- a topic, an event on it, a secret subscribed to the event ----
    go("#/topics")
    submit("Create a topic", {"name": "console-topic", "display_name": "Console topic"})
    wait.until(lambda d: "console-topic" in main_text())
    urn = f"urn:smn:cn-north-4:{PROJECT}:console-topic"
    assert call("GET", f"/v2/{PROJECT}/notifications/topics/{urn}")[0] == 200
    ok("a topic created from the console exists in the API")

    go(f"#/topics/{urn}")
    submit("Subscribe an endpoint", {"endpoint": hook, "remark": "the test's listener"})
    wait.until(lambda d: hook in main_text())
    WebDriverWait(driver, 10).until(lambda d: "SubscriptionConfirmation" in main_text())
    assert any(m.get("type") == "SubscriptionConfirmation" for m in Listener.received), Listener.received
    ok("an endpoint subscribed from the console receives its confirmation, shown among the deliveries")

    go("#/events")
    submit("Create an event", {"name": "console-event"}, selects={"target_id": urn},
           checks_=["SECRET_VERSION_CREATED", "SECRET_ROTATED"])
    wait.until(lambda d: "console-event" in main_text() and "Event console-event created." in main_text())
    status, event = call("GET", f"/v1/{PROJECT}/csms/events/console-event")
    assert status == 200 and event["event"]["notification"]["target_id"] == urn, event
    assert sorted(event["event"]["event_types"]) == ["SECRET_ROTATED", "SECRET_VERSION_CREATED"], event
    ok("an event created from the console has the types and topic chosen")
    shot("events")

    # A bad input: the API's validation message, and nothing stored.
    submit("Create an event", {"name": "bad event name!"})
    text = error_box()
    assert "CSMS.0002" in text, text
    names = [e["name"] for e in call("GET", f"/v1/{PROJECT}/csms/events?limit=1000")[1]["events"]]
    assert names == ["console-event"], names
    ok("an invalid event name is refused with the API's validation error, nothing stored")

    go("#/secrets")
    submit("Create a secret", {"name": "console-secret", "secret_string": "first-value"},
           selects={"event": "console-event"})
    wait.until(lambda d: d.execute_script("return location.hash") == "#/secrets/console-secret")
    wait.until(lambda d: "Versions" in main_text() and "v1" in main_text())
    status, secret = call("GET", f"/v1/{PROJECT}/secrets/console-secret")
    assert status == 200 and secret["secret"]["event_subscriptions"] == ["console-event"], secret
    ok("a secret created from the console is subscribed to the event")

    submit("New version", {"secret_string": "second-value"})
    wait.until(lambda d: "Version v2 added" in main_text())
    status, current = call("GET", f"/v1/{PROJECT}/secrets/console-secret/versions/latest")
    assert status == 200 and current["version"]["secret_string"] == "second-value", current
    assert current["version"]["version_metadata"]["id"] == "v2"
    ok("a version added from the console is the secret's SYSCURRENT")

    # ---- reveal, then hide ----
    assert "second-value" not in main_text(), "the value is shown before it is asked for"
    driver.find_element(By.XPATH, "//button[normalize-space()='Reveal v2']").click()
    wait.until(lambda d: "second-value" in main_text())
    shot("secret")
    leaks = driver.execute_script(
        "return [JSON.stringify(sessionStorage), JSON.stringify(localStorage), location.href, document.cookie]")
    assert not any("second-value" in leak for leak in leaks), leaks
    ok("a value is revealed on its click, and written nowhere else (storage, cookie, address)")
    driver.find_element(By.XPATH, "//button[normalize-space()='Hide v2']").click()
    wait.until(lambda d: "second-value" not in main_text())
    assert driver.execute_script("return document.body.innerText.includes('second-value')") is False
    ok("hiding takes the value out of the page")

    # ---- records arrive while the page is open ----
    go("#/records")
    wait.until(lambda d: "SECRET_VERSION_CREATED" in main_text())
    before = len(driver.find_elements(By.CSS_SELECTOR, "li.record"))
    status, _ = call("POST", f"/v1/{PROJECT}/secrets/console-secret/versions", {"secret_string": "third-value"})
    assert status == 200
    answered = time.monotonic()
    WebDriverWait(driver, 10, poll_frequency=0.05).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "li.record")) > before)
    seen = time.monotonic() - answered
    fresh = driver.find_elements(By.CSS_SELECTOR, "li.record.new")
    assert fresh and "console-secret" in fresh[0].text, [f.text for f in fresh]
    assert seen < 2.0, f"the record appeared {seen:.2f} s after the version was made"
    ok(f"a notification record appears without a reload, {seen:.2f} s after the version was made, marked new")
    fresh[0].find_element(By.TAG_NAME, "summary").click()
    time.sleep(2.5)  # two rounds of the page's polling
    message = driver.find_element(By.CSS_SELECTOR, "li.record details")
    assert message.get_attribute("open") is not None, "an opened message closed when the list refreshed"
    assert "SECRET_VERSION_CREATED" in message.text and "console-secret" in message.text, message.text
    ok("an opened message stays open while the list refreshes; it shows the notification's body")
    shot("notifications")

    # ---- the other pages, for the README ----
    go("#/secrets")
    wait.until(lambda d: "console-secret" in main_text())
    shot("secrets")
    go(f"#/topics/{urn}")
    wait.until(lambda d: "confirmed" in main_text())
    WebDriverWait(driver, 10).until(
        lambda d: len(d.find_elements(By.XPATH, "//li[contains(., 'SUCCESS') and contains(., 'Notification')]")) >= 3)
    notified = [m for m in Listener.received if m.get("type") == "Notification"]
    assert len(notified) >= 3 and "console-secret" in notified[0]["message"], notified
    ok("the topic's page shows the subscription confirmed and each notification delivered to the endpoint")
    shot("topic")
    go("#/keys")
    wait.until(lambda d: "csms/default" in main_text())
    shot("keys")
    go("#/tasks")
    wait.until(lambda d: "Rotation tasks" in main_text())
    ok("the topic, keys and rotation-task pages show")

    # ---- narrow screens ----
    driver.set_window_size(390, 844)
    for page in ("#/events", "#/secrets", "#/records", "#/keys"):
        go(page)
        time.sleep(0.2)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner, f"{page} is {width} px wide in a {inner} px window"
    ok("no page is wider than a 390-pixel window")
    go("#/records")
    shot("notifications-390")
    go("#/secrets")
    shot("secrets-390")

    # ---- the policy held: nothing was blocked, nothing errored ----
    logs = driver.get_log("browser")
    bad = [entry for entry in logs if entry["level"] == "SEVERE" and "/v1/" not in entry["message"]
           and "/v2/" not in entry["message"]]
    assert not bad, bad
    assert not any("Content Security Policy" in entry["message"] for entry in logs), logs
    ok("no script error and no Content-Security-Policy violation in the browser's log")
finally:
    driver.quit()

print(f"console in chromium: {checks} checks passed; screenshots in {SHOTS}")
