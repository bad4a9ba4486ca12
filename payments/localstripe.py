"""Running the local Stripe stand-in (localstripe) on loopback, for the demo and the tests."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# localstripe's own command binds every interface and reloads old state from a pickle file;
# this starts its app fresh on loopback only.
SERVER_CODE = (
    "import sys; from aiohttp import web; from localstripe.server import app; "
    "web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)"
)


def start(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SERVER_CODE, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}", process=process)
    return process


def wait_until_up(base_url: str, *, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with code {process.returncode}")
        try:
            request("GET", base_url, "/v1/payment_intents?limit=1")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"localstripe did not answer on {base_url} within {timeout} s")


def request(method: str, base_url: str, path: str, data: dict | None = None) -> dict:
    body = None
    headers = {"Authorization": "Bearer sk_test_localstripe"}
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    call = urllib.request.Request(base_url + path, data=body, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(call, timeout=10) as response:  # noqa: S310 - loopback only
        text = response.read().decode() or "{}"
    return json.loads(text)


def reset(base_url: str) -> None:
    request("DELETE", base_url, "/_config/data")


def register_webhook(base_url: str, *, url: str, secret: str, name: str = "backend") -> None:
    request("POST", base_url, f"/_config/webhooks/{name}", {"url": url, "secret": secret})


def card_payment_method(base_url: str, number: str) -> str:
    """A payment method as Stripe.js would create it in the browser."""
    method = request(
        "POST",
        base_url,
        "/v1/payment_methods",
        {
            "type": "card",
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
        },
    )
    return method["id"]


def authenticate(base_url: str, *, intent_id: str, client_secret: str, success: bool) -> dict:
    """What the customer's bank page does for a card that needs 3-D Secure."""
    return request(
        "POST",
        base_url,
        f"/v1/payment_intents/{intent_id}/_authenticate",
        {"client_secret": client_secret, "success": "true" if success else "false"},
    )
