#!/usr/bin/python3
"""browser_check.py - report.html as a reader's browser shows it.

Opens each page given in headless Chromium (Debian's chromium-headless-shell, driven over the
DevTools protocol with python3-websocket; scripts/setup.sh installs both) at a desktop width
(1280 px) and a phone width (400 px), and fails on:
  - a script error, or any console message at error level (a Content-Security-Policy violation
    is one);
  - a request for anything outside the page (the report must be self-contained);
  - a page or a table wider than the window;
  - a filter (verdict, area) that leaves another verdict's or area's element shown, or shows none;
  - with --first-failure-within, for a page with failures: at the desktop width, the sentence of
    the requirement the first failure breaks, or its target frame, below the first screen; at
    either width, a first failure with stacks that shows no frame of the target.
Writes a screenshot of each page at each width into --screenshots DIR (NAME-1280.png, NAME-400.png).

Usage: browser_check.py --screenshots DIR NAME=PATH/report.html [NAME=PATH ...]
Exit status: 0 when every page passes, 1 when one fails, 2 when the browser cannot be used.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")
WIDTHS = (1280, 400)
HEIGHT = 900

# Measured in the page after it loaded (the DevTools protocol evaluates it whatever the page's CSP).
# Widths are compared with the emulated window's, not window.innerWidth: a phone widens its layout
# viewport to a page that does not fit (and zooms out), so innerWidth would hide the overflow.
MEASURE = r"""
(() => {
  const tables = [];
  document.querySelectorAll('table').forEach((table, i) => {
    if (table.offsetParent === null) return;  // hidden (a filtered-out or folded part)
    const box = table.getBoundingClientRect();
    tables.push({name: `table ${i} (${table.className || 'no class'})`, width: box.width, right: box.right});
  });
  const first = document.querySelector('section.case.failure');
  let firstFailure = null;
  if (first) {
    const sentence = first.querySelector('.breaks');
    const frame = first.querySelector('.target-frame');
    firstFailure = {
      id: first.id,
      top: first.getBoundingClientRect().top + window.scrollY,
      sentenceBottom: sentence ? sentence.getBoundingClientRect().bottom + window.scrollY : null,
      targetFrame: !!frame,
      frameBottom: frame ? frame.getBoundingClientRect().bottom + window.scrollY : null,
      hasStacks: !!first.querySelector('details[data-part="Stacks"]'),
    };
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    tables: tables,
    firstFailure: firstFailure,
    scripts: document.scripts.length,
  };
})()
"""


# Each filter chosen in turn (as a click on its label would): every element of <main> that says
# another verdict (area) must be hidden, and one that says the chosen one shown.
FILTERS = r"""
(() => {
  const problems = [];
  const visible = (e) => e.getClientRects().length > 0;
  for (const [prefix, attribute] of [['fv-', 'data-verdict'], ['fa-', 'data-area']]) {
    const inputs = Array.from(document.querySelectorAll(`input.filter[id^="${prefix}"]`));
    for (const input of inputs) {
      if (input.id === prefix + '-all') continue;
      input.checked = true;
      const value = input.id.slice(prefix.length);
      const marked = Array.from(document.querySelectorAll(`main [${attribute}]`));
      const wrong = marked.filter(e => visible(e) && e.getAttribute(attribute) !== value);
      const shown = marked.filter(e => visible(e) && e.getAttribute(attribute) === value);
      if (wrong.length) problems.push(`filter ${input.id} leaves ${wrong.length} other element(s) shown`);
      if (!shown.length) problems.push(`filter ${input.id} shows nothing`);
    }
    if (inputs.length) document.getElementById(prefix + '-all').checked = true;
    const hidden = Array.from(document.querySelectorAll(`main [${attribute}]`)).filter(e => !visible(e));
    if (inputs.length && hidden.length) problems.push(`with ${prefix}-all, ${hidden.length} element(s) stay hidden`);
  }
  return problems;
})()
"""


class Browser:
    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="miconform-browser-")
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Its own process group: the browser's helper processes go with it at close.
            start_new_session=True)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(executable + " did not open its DevTools port")
            time.sleep(0.05)
        with open(port_file) as f:
            port = int(f.readline().strip())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            pages = [t for t in json.load(reply) if t.get("type") == "page"]
        if not pages:
            self.close()
            raise RuntimeError("the browser has no page to drive")
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for i, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[i]
                    return message
            self.socket.settimeout(max(0.1, deadline - time.monotonic()))
            self.events.append(json.loads(self.socket.recv()))
        raise RuntimeError("no " + event + " within " + str(seconds) + " s")

    def close(self):
        if getattr(self, "socket", None):
            self.socket.close()
        # Killing only the browser would leave its helper processes (zygote, renderers) to init;
        # the whole group goes.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def problems_of_events(events, page_url):
    problems = []
    for message in events:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.exceptionThrown":
            problems.append("script error: " + params["exceptionDetails"].get("text", "?"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            problems.append("console error: " + params["entry"].get("text", "?"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            problems.append("console error from a script")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url != page_url and not url.startswith("data:"):
                problems.append("outside request: " + url)
    return problems


def check_page(browser, name, path, screenshots, first_failure_within):
    problems = []
    url = "file://" + os.path.abspath(path)
    for width in WIDTHS:
        browser.events.clear()
        browser.call("Emulation.setDeviceMetricsOverride", width=width, height=HEIGHT,
                     deviceScaleFactor=1, mobile=width < 600)
        browser.call("Page.navigate", url=url)
        browser.wait_for("Page.loadEventFired")
        measured = browser.call("Runtime.evaluate", expression=MEASURE, returnByValue=True)
        value = measured["result"]["value"]
        where = f"{name} at {width} px"
        problems += [f"{where}: {p}" for p in problems_of_events(browser.events, url)]
        if value["scripts"]:
            problems.append(f"{where}: the page has {value['scripts']} script element(s)")
        if value["scrollWidth"] > width + 1:
            problems.append(f"{where}: the page is {value['scrollWidth']} px wide in a {width} px window")
        for table in value["tables"]:
            if table["width"] > width + 1 or table["right"] > width + 1:
                problems.append(f"{where}: {table['name']} is {round(table['width'])} px wide, "
                                f"its right edge at {round(table['right'])} px")
        first = value["firstFailure"]
        if first_failure_within and first and first["hasStacks"] and not first["targetFrame"]:
            problems.append(f"{where}: the first failure ({first['id']}) has stacks but no frame of the target shown")
        if first_failure_within and first and width == WIDTHS[0]:
            if first["sentenceBottom"] is None:
                problems.append(f"{where}: the first failure ({first['id']}) names no requirement sentence")
            elif first["sentenceBottom"] > HEIGHT:
                problems.append(f"{where}: the first failure's sentence ends at {round(first['sentenceBottom'])} px, "
                                f"below the first screen ({HEIGHT} px)")
            if first["frameBottom"] is not None and first["frameBottom"] > HEIGHT:
                problems.append(f"{where}: the first failure's target frame ends at {round(first['frameBottom'])} px, "
                                f"below the first screen ({HEIGHT} px)")
        if width == WIDTHS[0]:
            filters = browser.call("Runtime.evaluate", expression=FILTERS, returnByValue=True)
            problems += [f"{where}: {p}" for p in filters["result"]["value"]]
        shot = browser.call("Page.captureScreenshot", format="png")
        with open(os.path.join(screenshots, f"{name}-{width}.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", required=True, help="directory the screenshots are written to")
    parser.add_argument("--first-failure-within", action="store_true",
                        help="require the first failure's sentence and target frame on the first screen")
    parser.add_argument("pages", nargs="+", help="NAME=PATH of a report.html")
    args = parser.parse_args()
    pages = []
    for item in args.pages:
        name, sep, path = item.partition("=")
        if not sep or not name or not os.path.isfile(path):
            print(f"browser_check: '{item}' is not NAME=PATH of an existing file", file=sys.stderr)
            return 2
        pages.append((name, path))
    executable = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if executable is None:
        print("browser_check: no headless Chromium on PATH (scripts/setup.sh installs "
              "chromium-headless-shell)", file=sys.stderr)
        return 2
    os.makedirs(args.screenshots, exist_ok=True)
    try:
        browser = Browser(executable)
    except (RuntimeError, OSError) as error:
        print(f"browser_check: {error}", file=sys.stderr)
        return 2
    problems = []
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(domain + ".enable")
        for name, path in pages:
            problems += check_page(browser, name, path, args.screenshots, args.first_failure_within)
    finally:
        browser.close()
    for problem in problems:
        print("FAIL: " + problem)
    print(f"browser_check: {len(pages)} page(s) at {' and '.join(str(w) for w in WIDTHS)} px, "
          f"{len(problems)} problem(s); screenshots in {args.screenshots}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
