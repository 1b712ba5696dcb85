"""The demo's report and step-through in a real headless Chromium: no console errors, every figure shown, the player steps.

Needs Debian's `chromium` (installed by ``./run test``) and the `playwright` Python
package, driven against that browser (``playwright install`` is never needed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
sync_api = pytest.importorskip("playwright.sync_api")

from autograd.cli import main

CHROMIUM = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
# Offline and quiet: no sandbox (root in CI), no GPU, no background traffic.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.needs_browser,
    pytest.mark.needs_dot,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (./run test installs it)"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed"),
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out), "--samples", "100", "--epochs", "5", "--no-progress"]) == 0
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=ARGS, headless=True)
        yield context
        context.close()


class Page:
    """A page with every console error, page error and non-local request recorded."""

    def __init__(self, context, url: str) -> None:
        self.problems: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url}"))
        self.page.on("request", lambda r: r.url.startswith(("file:", "data:"))
                     or self.problems.append(f"network request: {r.url}"))
        self.page.goto(url, wait_until="load")


def test_report_loads_cleanly_and_shows_every_figure(outputs, browser, tmp_path):
    view = Page(browser, (outputs / "report.html").as_uri())
    page = view.page
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    images = page.evaluate("""() => Array.from(document.images).map(i => {
        const r = i.getBoundingClientRect();
        return {alt: i.alt, natural: i.naturalWidth, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
    })""")
    assert {i["alt"] for i in images} >= {"training and validation loss per epoch", "confusion matrix",
                                          "precision-recall curve", "decision boundary"}
    for image in images:
        assert image["natural"] > 0, image
        assert image["w"] > 0 and image["h"] > 0, image
        assert image["x"] >= 0 and image["y"] >= 0, image
        assert image["x"] + image["w"] <= size[0] and image["y"] + image["h"] <= size[1], image
    # Only top-level SVGs: the graph's own nested elements are not figures.
    svgs = page.evaluate("""() => Array.from(document.querySelectorAll('svg'))
        .filter(s => !s.parentElement.closest('svg'))
        .map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })""")
    assert svgs, "the computation graph is missing"
    for w, h in svgs:
        assert w > 0 and h > 0
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    _check_not_blank(shot)
    assert view.problems == []


def test_step_through_player_changes_frames(outputs, browser, tmp_path):
    view = Page(browser, (outputs / "steps.html").as_uri())
    page = view.page
    caption = page.locator(".bpl-caption")
    drawing = page.locator(".bpl-svg")
    assert caption.inner_text().startswith("step 1/")
    first = drawing.inner_html()

    page.click(".bpl-next")
    assert caption.inner_text().startswith("step 2/")
    assert drawing.inner_html() != first

    last = int(page.get_attribute(".bpl-slider", "max"))
    page.fill(".bpl-slider", str(last))           # fires "input", as dragging does
    assert caption.inner_text().startswith(f"step {last + 1}/")

    page.click(".bpl-prev")
    assert caption.inner_text().startswith(f"step {last}/")

    page.fill(".bpl-slider", "0")
    page.click(".bpl-play")
    page.wait_for_function("() => !document.querySelector('.bpl-caption').textContent.startsWith('step 1/')")
    page.click(".bpl-play")                       # pause
    assert "play" in page.inner_text(".bpl-play")
    page.screenshot(path=str(tmp_path / "steps.png"))
    _check_not_blank(tmp_path / "steps.png")
    assert view.problems == []


def _check_not_blank(path: Path) -> None:
    from PIL import Image

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        colors = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colors is None or len(colors) > 10, "the screenshot is (nearly) one colour"
