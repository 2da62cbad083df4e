"""Drives Debian's Chromium through the managed login pages with Playwright.

Reads a scenario from standard input: {"steps": [...]}; each step is one of
  {"goto": url}                          open a URL
  {"fill": label, "value": text}         type into the input whose label is `label`
  {"click": name}                        press the button (or link) whose accessible name is `name`
  {"check": label}                       tick the radio button or checkbox labelled `label`
  {"wait_url": prefix}                   wait until the page's URL starts with `prefix`
  {"expect_text": text}                  wait until `text` is visible on the page
  {"url": true}                          record the current URL
  {"text": selector}                     record the text of `selector`
  {"count": selector}                    record how many elements match `selector`
  {"style": selector, "property": name}  record the computed CSS `property` of `selector`
  {"image_loaded": selector}             record whether the image `selector` decoded (naturalWidth > 0)
  {"totp": label, "secret_from": selector, "server": url}
                                         fill `label` with the TOTP code of the secret shown in
                                         `selector`, at the server's clock (/_local/clock)
  {"totp_secret": secret, "label": label, "server": url}
                                         the same for a secret the test knows
  {"outbox_code": label, "server": url, "pool": id, "username": name}
                                         fill `label` with the newest code the server "sent"
  {"accept_dialogs": true}               accept every confirm() the page asks from now on
  {"screenshot": path}                   save a full-page PNG screenshot at `path`
and prints {"results": [...]} (one entry per recording step) as JSON. A failing step prints
{"error": ..., "url": ..., "html": ...} and exits 1.
"""

import base64
import hashlib
import hmac
import json
import struct
import sys
import urllib.parse
import urllib.request

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 15_000


def server_now_ms(server):
    with urllib.request.urlopen(server + "/_local/clock") as response:
        return json.load(response)["nowMs"]


def totp(secret, now_ms):
    """RFC 6238 with SHA-1, 30-second steps and six digits, as authenticator apps compute it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", now_ms // 1000 // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1_000_000)


def outbox_code(server, pool, username):
    query = urllib.parse.urlencode({"userPoolId": pool, "username": username})
    with urllib.request.urlopen(server + "/_local/outbox?" + query) as response:
        messages = json.load(response)["messages"]
    return messages[-1]["code"]


def run(page, steps):
    results = []
    for step in steps:
        if "goto" in step:
            page.goto(step["goto"])
        elif "fill" in step:
            page.get_by_label(step["fill"], exact=True).fill(step["value"])
        elif "click" in step:
            target = page.get_by_role("button", name=step["click"], exact=True)
            if target.count() == 0:
                target = page.get_by_role("link", name=step["click"], exact=True)
            target.first.click()
        elif "check" in step:
            page.get_by_label(step["check"], exact=True).check()
        elif "wait_url" in step:
            prefix = step["wait_url"]
            page.wait_for_url(lambda url: url.startswith(prefix), timeout=TIMEOUT_MS)
        elif "expect_text" in step:
            page.get_by_text(step["expect_text"]).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        elif "url" in step:
            results.append(page.url)
        elif "text" in step:
            results.append(page.locator(step["text"]).first.inner_text(timeout=TIMEOUT_MS))
        elif "count" in step:
            results.append(page.locator(step["count"]).count())
        elif "style" in step:
            locator = page.locator(step["style"]).first
            results.append(locator.evaluate("(e, p) => getComputedStyle(e).getPropertyValue(p)", step["property"]))
        elif "image_loaded" in step:
            results.append(page.locator(step["image_loaded"]).first.evaluate("e => e.complete && e.naturalWidth > 0"))
        elif "totp" in step:
            secret = page.locator(step["secret_from"]).first.inner_text(timeout=TIMEOUT_MS).strip()
            page.get_by_label(step["totp"], exact=True).fill(totp(secret, server_now_ms(step["server"])))
            results.append(secret)
        elif "totp_secret" in step:
            page.get_by_label(step["label"], exact=True).fill(totp(step["totp_secret"], server_now_ms(step["server"])))
        elif "outbox_code" in step:
            code = outbox_code(step["server"], step["pool"], step["username"])
            page.get_by_label(step["outbox_code"], exact=True).fill(code)
        elif "accept_dialogs" in step:
            page.on("dialog", lambda dialog: dialog.accept())
        elif "screenshot" in step:
            page.screenshot(path=step["screenshot"], full_page=True)
        else:
            raise ValueError("unknown step: %r" % (step,))
    return results


def main():
    scenario = json.load(sys.stdin)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        page = browser.new_context().new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            results = run(page, scenario["steps"])
        except Exception as error:  # the test prints what the page showed
            print(json.dumps({"error": str(error), "url": page.url, "html": page.content()[:4000]}))
            browser.close()
            sys.exit(1)
        browser.close()
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
