"""Open the GraphiQL page in headless Chromium with every host but loopback unresolvable, and
report what a person would see: a screenshot, whether GraphiQL rendered and loaded the schema,
every request the page made, and every console error or Content-Security-Policy violation.

    python scripts/graphiql_check.py http://127.0.0.1:8000/graphql/ --screenshot graphiql.png

Prints one JSON object; exits 1 when GraphiQL did not render, the page reached beyond
loopback, or the console reported an error. Needs `chromium` (Debian: apt-get install chromium).
"""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from websockets.sync.client import connect

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
RENDERED = (
    "Boolean(document.querySelector('.graphiql-query-editor .CodeMirror'))"
    " && !document.body.innerText.includes('Loading…')"
)
# GraphiQL marks the docs button usable once the introspection query has answered.
SCHEMA_LOADED = (
    "Boolean(document.querySelector('[aria-label=\"Show Documentation Explorer\"]'))"
    " && !document.querySelector('.graphiql-spinner')"
)


def launch(chromium: str, profile: Path) -> tuple[subprocess.Popen, str]:
    """Headless Chromium with a debugging port; its browser-level WebSocket URL."""
    process = subprocess.Popen(  # noqa: S603 - the chromium found on PATH
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            # No name but loopback resolves: anything else the page asks for fails.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--window-size=1400,900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not port_file.exists() or len(port_file.read_text().split()) < 2:
        if time.monotonic() > deadline:
            process.terminate()
            raise TimeoutError("chromium did not open its debugging port")
        time.sleep(0.1)
    port, path = port_file.read_text().split()
    return process, f"ws://127.0.0.1:{port}{path}"


class DevTools:
    """The Chrome DevTools protocol over one WebSocket, with one page attached."""

    def __init__(self, socket):
        self.socket = socket
        self.next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        attached = self.call("Target.attachToTarget", targetId=target, flatten=True)
        self.session = attached["sessionId"]

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv(timeout=30))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, **params) -> dict:
        return self.call(method, session=self.session, **params)

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")


def check(url: str, screenshot: Path, timeout: float) -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        process, url_of_browser = launch(chromium, Path(profile))
        try:
            with connect(url_of_browser, max_size=None) as socket:
                browser = DevTools(socket)
                for domain in ("Page", "Runtime", "Log", "Network"):
                    browser.page(f"{domain}.enable")
                browser.page("Page.navigate", url=url)
                deadline = time.monotonic() + timeout
                rendered = schema_loaded = False
                while time.monotonic() < deadline and not (rendered and schema_loaded):
                    time.sleep(0.25)
                    rendered = bool(browser.evaluate(RENDERED))
                    schema_loaded = bool(browser.evaluate(SCHEMA_LOADED))
                # Open the docs, as a person would, so the screenshot shows the schema.
                browser.evaluate(
                    "document.querySelector('[aria-label=\"Show Documentation Explorer\"]')"
                    "?.click()"
                )
                # Let late requests and console messages arrive before reading them.
                time.sleep(1.5)
                browser.evaluate("1")
                image = browser.page("Page.captureScreenshot", format="png")["data"]
                screenshot.write_bytes(base64.b64decode(image))
        finally:
            process.terminate()
            process.wait(timeout=10)
    requests = [
        f"{e['params']['request']['method']} {e['params']['request']['url']}"
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
        # GraphiQL's fonts are data: URLs inside its CSS: nothing goes over the network.
        and not e["params"]["request"]["url"].startswith("data:")
    ]
    problems = [
        e["params"]["entry"]["text"]
        for e in browser.events
        if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
    ] + [
        json.dumps(e["params"]["exceptionDetails"].get("exception", {}).get("description", ""))
        for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
    ]
    problems += [
        " ".join(str(arg.get("value", arg.get("description", ""))) for arg in e["params"]["args"])
        for e in browser.events
        if e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error"
    ]
    outside = [
        request
        for request in requests
        if urlparse(request.split(" ", 1)[1]).hostname not in LOOPBACK_HOSTS
    ]
    return {
        "rendered": rendered,
        "schema_loaded": schema_loaded,
        "requests": requests,
        "outside_loopback": outside,
        "console_errors": problems,
        "screenshot": str(screenshot),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--screenshot", type=Path, default=Path("graphiql.png"))
    parser.add_argument("--timeout", type=float, default=30.0)
    arguments = parser.parse_args()
    report = check(arguments.url, arguments.screenshot, arguments.timeout)
    print(json.dumps(report, indent=2))
    ok = (
        report["rendered"]
        and report["schema_loaded"]
        and not report["outside_loopback"]
        and not report["console_errors"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
