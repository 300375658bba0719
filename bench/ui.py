"""Time from navigation to charts drawn in the scalars dashboard, and to images loaded in the
images dashboard (Playwright + Chromium).

    python bench/ui.py [--runs 20] [--tags 10] [--steps 10000] [--logdir DIR] [--repeat 5]
                       [--screenshot PNG] [--image_tags 50] [--image_steps 10] [--tensorboard]

Writes (or reuses) a logdir of runs x tags x steps scalars (issue 6: 20 x 10 x 10,000), starts
the board on it in-process, waits for the first load, then opens /scalars at 1280x800 in a fresh
browser context each time (cold cache) and reports, from the page's own clock (ms since
navigation start): the first chart painted, every chart in view painted (a canvas sketch is
drawn as soon as the data arrives), every chart in view interactive (its tooltip and drag zoom
answer: the canvas chart of static/js/scalars/sketch.js, or plotly's) and, for information, every
chart in view redrawn by plotly.js (its basic bundle, 1.2 MB to parse, replaces the canvas when
the pointer enters a chart or the page is idle). TensorBoard (``--load_fast=true``) is started
on the same logdir in the same run and timed the same way (its time-series page; a chart counts
as interactive once its axes have their tick labels, i.e. its data is drawn, and no spinner is
left); ``--skip-tensorboard`` leaves it out.
Target: every chart in view interactive under 1 s (issue 17).

Then the images dashboard on one run of 50 tags x 10 steps of 64x64 PNGs (issue 16): the time
until every image in view has loaded (``naturalWidth > 0``), cold cache each time; with
``--tensorboard``, the same for TensorBoard's images dashboard on the same logdir (its images
live in shadow DOM: the probe walks the shadow roots).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, Server  # noqa: E402
from tests.browser.logdirs import write_big, write_images  # noqa: E402

IN_VIEW = """() => {
  const plots = [...document.querySelectorAll('.plot')].filter(p => {
    const r = p.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight && r.height > 0; });
  if (!plots.length || plots.some(p => !p.dataset.interactiveAt)) return null;
  const at = (p, key) => Number(p.dataset[key] ?? Infinity);
  const painted = p => Math.min(at(p, 'sketchedAt'), at(p, 'drawnAt'));
  const plotly = plots.every(p => p.dataset.drawnAt) ? Math.max(...plots.map(p => at(p, 'drawnAt'))) : null;
  return {first: Math.min(...plots.map(painted)), painted: Math.max(...plots.map(painted)),
          interactive: Math.max(...plots.map(p => Number(p.dataset.interactiveAt))), plotly,
          charts_in_view: plots.length, traces: plots.map(p => (p.data || p._lite?.traces || []).length)};
}"""
IMAGES_IN_VIEW = """() => {
  const imgs = [...document.querySelectorAll('main img')].filter(i => {
    const r = i.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; });
  if (!imgs.length || !imgs.every(i => i.complete && i.naturalWidth > 0)) return null;
  return {loaded: performance.now(), images_in_view: imgs.length,
          cards: document.querySelectorAll('article.card').length};
}"""


TB_IMAGES_IN_VIEW = """() => {
  const all = []; const walk = (root) => { for (const e of root.querySelectorAll('*')) {
    if (e.tagName === 'IMG') all.push(e); if (e.shadowRoot) walk(e.shadowRoot); } };
  walk(document);
  const imgs = all.filter(i => { const r = i.getBoundingClientRect();
    return r.width > 0 && r.bottom > 0 && r.top < innerHeight
      && (i.src || '').includes('individualImage'); });
  if (!imgs.length || !imgs.every(i => i.complete && i.naturalWidth > 0)) return null;
  return {loaded: performance.now(), images_in_view: imgs.length, cards: null};
}"""


def poll(page, js: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = page.evaluate(js)
        if result is not None:
            return result
        time.sleep(0.02)
    raise SystemExit(f"the page was not ready within {timeout} s")


def time_images(browser, url: str, probe: str, repeat: int, who: str) -> float:
    """Median ms from navigation to every image in view of ``url`` loaded."""
    times = []
    for i in range(repeat):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url)
        result = poll(page, probe, 60)
        times.append(result["loaded"])
        print(f"  {who} images run {i + 1}: all {result['images_in_view']} images in view loaded "
              f"{result['loaded']:.0f} ms")
        context.close()
    return statistics.median(times)


def tensorboard_images(browser, logdir: str, repeat: int) -> float:
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    tb = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", logdir, "--port", str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://localhost:{port}/data/plugins_listing", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("TensorBoard did not start within 120 s")
            time.sleep(0.5)
        url = f"http://localhost:{port}/#images"
        return time_images(browser, url, TB_IMAGES_IN_VIEW, repeat, "TensorBoard")
    finally:
        tb.terminate()
        tb.wait(timeout=30)


def bench_images(browser, tags: int, steps: int, repeat: int, tensorboard: bool) -> tuple:
    logdir = f"/tmp/board-ui-bench-images-{tags}x{steps}"
    if not os.path.isdir(logdir):
        write_images(logdir, tags, steps)
    with Server(logdir) as server:
        ours = time_images(browser, f"{server.url}/images", IMAGES_IN_VIEW, repeat, "board")
    return ours, tensorboard_images(browser, logdir, repeat) if tensorboard else None


TB_IN_VIEW = """() => {
  const cards = [...document.querySelectorAll('scalar-card-component')].filter(c => {
    const r = c.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight && r.height > 0; });
  if (!cards.length) return null;
  const ready = cards.filter(c => c.querySelector('line-chart') &&
    [...c.querySelectorAll('line-chart-axis')].every(a => a.textContent.trim().length > 0) &&
    !c.querySelector('mat-spinner, mat-progress-bar'));
  return ready.length === cards.length
    ? {interactive: performance.now(), charts_in_view: cards.length} : null;
}"""


def tensorboard_times(browser, logdir: str, repeat: int) -> list[float]:
    """ms from navigation until every scalar chart in view of TensorBoard's page is drawn."""
    import subprocess

    import httpx

    from bench.load_spawn import _free_port, _stop

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tensorboard.main", f"--logdir={logdir}",
                             f"--port={port}", "--load_fast=true"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # loaded: every run's tags listed
            try:
                tags = httpx.get(f"http://127.0.0.1:{port}/data/plugin/scalars/tags", timeout=5).json()
                if len(tags) >= len([d for d in os.listdir(logdir) if not d.startswith(".")]):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        for i in range(repeat):
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/#timeseries")
            result, deadline = None, time.monotonic() + 60
            while result is None and time.monotonic() < deadline:
                result = page.evaluate(TB_IN_VIEW)
                time.sleep(0.02)
            context.close()
            if result is None:
                raise SystemExit("TensorBoard's charts were not drawn within 60 s")
            times.append(result["interactive"])
            print(f"  TensorBoard run {i + 1}: {result['charts_in_view']} charts in view interactive "
                  f"{result['interactive']:.0f} ms")
    finally:
        _stop(proc)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tags", type=int, default=10)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--logdir", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--screenshot", default=None, help="save the first load's page as this PNG")
    parser.add_argument("--image_tags", type=int, default=50)
    parser.add_argument("--image_steps", type=int, default=10)
    parser.add_argument("--tensorboard", action="store_true",
                        help="also time TensorBoard's images dashboard on the same logdir")
    parser.add_argument("--skip-tensorboard", action="store_true")
    args = parser.parse_args()
    logdir = args.logdir or f"/tmp/board-ui-bench-{args.runs}x{args.tags}x{args.steps}"
    if not os.path.isdir(logdir):
        started = time.perf_counter()
        write_big(logdir, args.runs, args.tags, args.steps)
        print(f"wrote {args.runs * args.tags * args.steps:,} scalars to {logdir} "
              f"in {time.perf_counter() - started:.1f} s")
    from playwright.sync_api import sync_playwright

    with Server(logdir) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = []
        for i in range(args.repeat):
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(f"{server.url}/scalars")
            deadline = time.monotonic() + 30
            result = None
            while result is None and time.monotonic() < deadline:
                result = page.evaluate(IN_VIEW)
                time.sleep(0.02)
            if result is None:
                raise SystemExit("charts were not drawn within 30 s")
            while result["plotly"] is None and time.monotonic() < deadline:
                time.sleep(0.05)
                result["plotly"] = page.evaluate(IN_VIEW)["plotly"]
            results.append(result)
            print(f"  run {i + 1}: first chart painted {result['first']:.0f} ms, all "
                  f"{result['charts_in_view']} charts in view painted {result['painted']:.0f} ms, "
                  f"interactive {result['interactive']:.0f} ms, "
                  f"redrawn by plotly {result['plotly'] or 0:.0f} ms; "
                  f"traces {result['traces']}")
            if i == 0 and args.screenshot:
                page.screenshot(path=args.screenshot)
            context.close()
        tb = [] if args.skip_tensorboard else tensorboard_times(browser, logdir, args.repeat)
        images_ms, tb_ms = bench_images(browser, args.image_tags, args.image_steps, args.repeat,
                                        args.tensorboard)
        browser.close()
    for key, label in (("first", "first chart painted"), ("painted", "all charts in view painted"),
                       ("interactive", "all charts in view interactive"),
                       ("plotly", "all charts in view plotly's")):
        print(f"{label:32s} median {statistics.median(r[key] or 0 for r in results):5.0f} ms")
    if tb:
        ours = statistics.median(r["interactive"] for r in results)
        print(f"TensorBoard, all charts in view interactive: median {statistics.median(tb):5.0f} ms; "
              f"ours / TensorBoard = {ours / statistics.median(tb):.2f} (target: ours < 1000 ms)")
    versus = f"TensorBoard {tb_ms:.0f} ms, {tb_ms / images_ms:.1f}x" if tb_ms else "--tensorboard to compare"
    print(f"{'images in view loaded':32s} median {images_ms:5.0f} ms ({versus}; "
          f"{args.image_tags} tags x {args.image_steps} steps of 64x64, one run)")

if __name__ == "__main__":
    main()
