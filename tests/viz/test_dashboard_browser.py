"""The dashboard in a real browser: Debian's chromium driven by Playwright.

Starts `coalition dashboard` (through `python -m sim.viz.launch`, the code the CLI
calls) on a free loopback port, opens the page, changes controls, presses Reset,
steps the two models with Mesa's Step button and checks that the panels change.
Saves a screenshot under pytest's tmp dir; with COALITION_UPDATE_SCREENSHOTS=1 it also
copies it to docs/img/dashboard.png (the README's picture). Tests leave tracked files alone.

Never downloads a browser. Skips only when /usr/bin/chromium or Playwright is
missing (CI installs both). The server starts as a newcomer's would, with an empty
asset cache (`SOLARA_ASSETS_PROXY_CACHE_DIR` in a temporary folder): the launcher
must fetch the page's front-end files from the npm registry and say so, or the
page stays blank and the test fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium "
                "(apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed "
                               "(pip install playwright; never `playwright install`)")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
README_IMAGE = ROOT / "docs" / "img" / "dashboard.png"
STARTUP_SECONDS = 120
STEPS = 36


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dashboard") / "server.log"


@pytest.fixture(scope="module")
def server(tmp_path_factory, server_log):
    """The dashboard server on 127.0.0.1, started with an empty asset cache; its whole
    process group is stopped afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = server_log
    cache = tmp_path_factory.mktemp("empty-asset-cache")
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache)}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim.viz.launch", "--host", "127.0.0.1", "--port", str(port),
             "--no-browser"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dashboard server did not answer at {url} (exit code "
                            f"{proc.poll()}); its log:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue


def _month(page) -> int:
    return int(page.locator(".headline").get_attribute("data-month"))


def _step(page, times: int) -> None:
    """Press Mesa's Step button `times` times, each time waiting for the month to advance."""
    step = page.get_by_role("button", name="Step", exact=True)
    for _ in range(times):
        month = _month(page)
        step.click()
        page.wait_for_selector(f".headline[data-month='{month + 1}']", timeout=30_000)


def _svg(page, panel: str) -> str:
    return page.locator(f".panel-{panel} svg.marks").first.inner_html()


def _changes(page, panel: str, before: str, contains: str = "", timeout_ms: int = 15_000):
    """Wait until the panel's chart is redrawn differently (and shows `contains`)."""
    page.wait_for_function(
        "([selector, before, text]) => { const s = document.querySelector(selector);"
        " return s !== null && s.innerHTML !== before && s.innerHTML.includes(text); }",
        arg=[f".panel-{panel} svg.marks", before, contains], timeout=timeout_ms)


def test_a_fresh_asset_cache_is_filled_before_the_page_is_served(server, server_log):
    """The launcher said it fetched the files, and the page renders (not "Loading app")."""
    log = server_log.read_text()
    assert "fetching" in log and "browser files fetched" in log
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(server, wait_until="domcontentloaded")
            page.wait_for_selector(".headline", timeout=STARTUP_SECONDS * 1000)
        finally:
            browser.close()


def test_dashboard_in_a_browser(server, tmp_path):
    from sim.params import REGISTRY
    from sim.viz.controls import BURN_IN_MONTHS

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2250})
            errors = []
            phase = ["load"]
            page.on("pageerror", lambda exc: errors.append(f"[{phase[0]}] {exc} {exc.stack}"))
            started = time.monotonic()
            page.goto(server)
            for panel in ("employment", "reengagement", "partnership", "investment", "crime",
                          "wellbeing", "spending", "map"):
                page.wait_for_selector(f".panel-{panel} svg.marks", timeout=90_000)
            load_seconds = time.monotonic() - started
            assert _month(page) == BURN_IN_MONTHS  # the burn-in ran when the model was built
            assert "A · coalition" in page.locator(".headline").inner_text()

            phase[0] = "tooltip"
            # A control's tooltip is the registry's description.
            page.hover(".input-burn_in_months")
            tip = page.locator(".v-tooltip__content").filter(has_text="Source:")
            tip.first.wait_for(timeout=10_000)
            assert REGISTRY["burn_in_months"].description[1:] in tip.first.inner_text()

            # Change a lever share (keyboard on the slider) and scenario B's mix (a select).
            thumb = page.locator(".input-share_skills [role=slider]")
            thumb.focus()
            for _ in range(25):
                thumb.press("ArrowRight")
            page.wait_for_selector(".input-share_skills >> text=0.45")
            page.get_by_text("sum to 1.25").wait_for()
            page.locator(".input-compare_mix .v-input__slot").click()
            page.get_by_role("option", name="people first").click()

            phase[0] = "reset"
            # Reset applies them: both scenarios rebuilt, burn-in simulated again.
            page.get_by_role("button", name="Reset", exact=True).click()
            page.locator(".headline").get_by_text("B · lsp, people first").wait_for(
                timeout=30_000)
            assert _month(page) == BURN_IN_MONTHS
            notes = page.locator(".panel-notes").inner_text()
            assert "skills 36%" in notes and "each was divided by 1.25" in notes

            phase[0] = "step"
            before = {panel: _svg(page, panel) for panel in ("employment", "partnership",
                                                             "spending")}
            table_before = page.locator(".headline table").inner_text()
            started = time.monotonic()
            _step(page, STEPS)
            step_seconds = (time.monotonic() - started) / STEPS
            assert _month(page) == BURN_IN_MONTHS + STEPS
            page.get_by_text(f"Time: {BURN_IN_MONTHS + STEPS}.0").wait_for()
            for panel, svg in before.items():
                _changes(page, panel, svg)
            assert page.locator(".headline table").inner_text() != table_before
            assert f"programme month {STEPS} of" in page.locator(".headline").inner_text()

            phase[0] = "map"
            # The map follows the dropdown.
            map_before = _svg(page, "map")
            page.locator(".panel-map .v-input__slot").click()
            page.get_by_role("option", name="Recorded crime").click()
            _changes(page, "map", map_before, contains="crimes per 1,000")

            page.wait_for_timeout(1500)  # let the last redraws settle before the picture
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 50_000
            if os.environ.get("COALITION_UPDATE_SCREENSHOTS") == "1":
                shutil.copyfile(shot, README_IMAGE)
            assert not errors, errors
            print(f"\nloaded in {load_seconds:.1f} s; {step_seconds:.2f} s per step; "
                  f"screenshot {shot}")
        finally:
            browser.close()
