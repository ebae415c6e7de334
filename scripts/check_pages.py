#!/usr/bin/env python3
"""Checks briefing pages in headless Chromium, as a reader would open them from the snapshot folder.

For every HTML file given:
  - strict HTML5 parse (html5lib);
  - loads from file:// with no console error and no request for anything but the page itself;
  - no <script>, no <img>, no inline event handler in the DOM (transcript text must stay text);
  - at 1280 px and 360 px wide, no element sticks out of the viewport horizontally;
  - in the light and the dark color scheme, visible text has a contrast of 4.5:1 or more against
    its background;
  - a snapshot page (one with <name>.json beside it) has as many exchanges (section.exchange),
    marked figures (data.fig) and change bars (svg.bar) as the snapshot has exchanges, figures, changes.
Options:
  --expect PAGE TEXT   PAGE's visible text must contain TEXT (repeatable)
  --screenshots DIR    save the top and the whole of pages at both widths as PNG in DIR
  --shoot PAGE         only these pages get screenshots (repeatable; default: every page)
Prints one JSON line per page; exit status 1 when anything failed, with the reasons.
"""
import argparse
import json
import os
import sys

import html5lib
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

WIDTHS = (1280, 360)
HEIGHTS = {1280: 900, 360: 780}

OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
const out = [];
if (document.documentElement.scrollWidth > width + 1) out.push('document scrollWidth ' + document.documentElement.scrollWidth + ' > ' + width);
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > width + 1 || r.left < -1) {
    // Inside a scroll container on purpose (wide tables): the container itself is what must fit.
    if (el.closest('.scroll') && el.closest('.scroll') !== el) continue;
    if (el.closest('.skip')) continue;
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + el.className : '') + ' right=' + Math.round(r.right) + ' left=' + Math.round(r.left));
    if (out.length > 10) break;
  }
}
return out;
"""

CONTRAST_JS = """
function rgb(c) { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
function lum(c) {
  const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0.5) return c;
  }
  return rgb(getComputedStyle(document.documentElement).backgroundColor || 'rgb(255,255,255)');
}
const low = [];
for (const el of document.querySelectorAll('body *')) {
  const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || !el.getClientRects().length) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || el.closest('.skip')) continue;
  const fg = rgb(style.color), bg = background(el);
  const a = lum(fg), b = lum(bg);
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) low.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + ratio.toFixed(2));
  if (low.length > 5) break;
}
return low;
"""

COUNT_JS = """
return {
  exchanges: document.querySelectorAll('section.exchange').length,
  figures: document.querySelectorAll('data.fig').length,
  bars: document.querySelectorAll('svg.bar').length,
  scripts: document.querySelectorAll('script').length,
  images: document.querySelectorAll('img').length,
  handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
  text: document.body.innerText,
  ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
  described: Array.from(document.querySelectorAll('[aria-describedby]')).map(e => e.getAttribute('aria-describedby')),
  lang: document.documentElement.lang,
};
"""


def make_driver():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def set_width(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def requests_made(driver):
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def check(driver, path, expect_text, screenshots):
    """Returns the page's counts and the list of problems found."""
    problems = []
    with open(path, "rb") as f:
        try:
            html5lib.HTMLParser(strict=True).parse(f.read())
        except Exception as e:  # html5lib raises ParseError with the position
            problems.append("HTML does not parse strictly: %s" % e)

    url = "file://" + os.path.abspath(path)
    driver.get_log("performance")
    driver.get_log("browser")
    set_width(driver, WIDTHS[0], HEIGHTS[WIDTHS[0]])
    driver.get(url)
    for u in requests_made(driver):
        if u != url and not u.startswith("data:"):
            problems.append("requested %s" % u)
    for entry in driver.get_log("browser"):
        if entry["level"] in ("SEVERE", "WARNING"):
            problems.append("console %s: %s" % (entry["level"], entry["message"]))

    counts = driver.execute_script(COUNT_JS)
    for key in ("scripts", "images", "handlers"):
        if counts[key]:
            problems.append("%d %s in the DOM" % (counts[key], key))
    seen = set()
    for i in counts["ids"]:
        if i in seen:
            problems.append("duplicate id %r" % i)
            break
        seen.add(i)
    missing = [d for d in counts["described"] if d not in seen]
    if missing:
        problems.append("aria-describedby names missing ids, e.g. %r" % missing[0])
    result = {"page": path, "lang": counts["lang"], "exchanges": counts["exchanges"],
              "figures": counts["figures"], "bars": counts["bars"]}

    snapshot_path = path[:-5] + ".json" if path.endswith(".html") else None
    if snapshot_path and os.path.basename(path) != "index.html" and os.path.exists(snapshot_path):
        with open(snapshot_path, encoding="utf-8") as f:
            briefing = json.load(f)["briefing"]
        for key, field in (("exchanges", "exchanges"), ("figures", "figures"), ("bars", "changes")):
            if counts[key] != len(briefing[field]):
                problems.append("%d %s on the page, %d %s in the snapshot" % (counts[key], key, len(briefing[field]), field))

    for text in expect_text:
        if text not in counts["text"]:
            problems.append("visible text lacks %r" % text)

    for scheme in ("light", "dark"):
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        low = driver.execute_script(CONTRAST_JS)
        if low:
            problems.append("contrast below 4.5:1 in the %s scheme: %s" % (scheme, "; ".join(low)))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    name = os.path.basename(os.path.dirname(os.path.abspath(path))) + "-" + os.path.basename(path)[:-5]
    for width in WIDTHS:
        set_width(driver, width, HEIGHTS[width])
        driver.get(url)
        overflow = driver.execute_script(OVERFLOW_JS)
        if overflow:
            problems.append("at %d px wide: %s" % (width, "; ".join(overflow)))
        if screenshots:
            os.makedirs(screenshots, exist_ok=True)
            driver.save_screenshot(os.path.join(screenshots, "%s-%d-top.png" % (name, width)))
            height = min(driver.execute_script("return document.documentElement.scrollHeight"), 20000)
            set_width(driver, width, height)
            driver.save_screenshot(os.path.join(screenshots, "%s-%d-full.png" % (name, width)))
    result["problems"] = problems
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--expect", nargs=2, action="append", default=[], metavar=("PAGE", "TEXT"))
    parser.add_argument("--screenshots")
    parser.add_argument("--shoot", action="append", default=[])
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    driver = make_driver()
    failed = False
    try:
        for path in args.pages:
            shoot = args.screenshots if not args.shoot or path in args.shoot else None
            expected = [text for page, text in args.expect if page == path]
            result = check(driver, path, expected, shoot)
            print(json.dumps(result, ensure_ascii=False))
            failed = failed or bool(result["problems"])
    finally:
        driver.quit()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
