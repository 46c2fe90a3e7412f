"""Opens Timeline URLs in headless Chromium through chromedriver's W3C WebDriver API and prints the
median and worst time to first contentful paint and to the end of the first render."""
import json
import shutil
import statistics
import sys
import time
import urllib.request

BASE, DRIVER, RUNS, PROFILE = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
URLS = [
    "/ui/timeline",
    "/ui/timeline?activity=1",
    "/ui/timeline?verb=delete&resource=pods",
    "/ui/timeline?since=2026-01-01T01:00:00Z&until=2026-01-01T02:00:00Z",
]
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1366,768", "--user-data-dir=" + PROFILE]


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(DRIVER + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)["value"]


def main():
    shutil.rmtree(PROFILE, ignore_errors=True)
    caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": "/usr/bin/chromium", "args": FLAGS}}}}
    session = call("POST", "/session", caps)["sessionId"]
    s = "/session/" + session
    try:
        print("%-70s %22s %22s" % ("Timeline URL", "first paint ms p50/max", "first render ms p50/max"))
        for url in URLS:
            paint, render = [], []
            for run in range(RUNS + 1):
                call("POST", s + "/url", {"url": "about:blank"})
                call("POST", s + "/url", {"url": BASE + url})
                while True:
                    v = call("POST", s + "/execute/sync", {"script": (
                        "const r = performance.getEntriesByName('kubetrail-rendered')[0];"
                        "const p = performance.getEntriesByName('first-contentful-paint')[0];"
                        "return r ? [r.startTime, p ? p.startTime : null] : null;"), "args": []})
                    if v:
                        break
                    time.sleep(0.02)
                if run > 0:  # the first load warms the server and the browser's cache
                    render.append(v[0])
                    paint.append(v[1] if v[1] is not None else v[0])
            print("%-70s %10.0f / %-9.0f %10.0f / %-9.0f" % (url, statistics.median(paint), max(paint),
                                                             statistics.median(render), max(render)))
    finally:
        call("DELETE", s)


main()
