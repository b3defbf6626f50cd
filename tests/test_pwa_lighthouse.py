"""Lighthouse's accessibility score (issue #12: ≥ 95) on the app's main screens, with a paired parent's
data, in Debian's Chromium. Playwright launches it with a debugging port and pairs the profile; one
Node process (tests/lighthouse_snapshot.mjs: Lighthouse's Node API, from `npm ci`) then loads each
screen in a tab of that profile, with Lighthouse's phone emulation, and audits it once drawn
(snapshot mode). Bounded: accessibility only, at most LIGHTHOUSE_TIMEOUT seconds for all the screens."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.fixtures.browser import CHROMIUM_ARGS, artifact, chromium_path
from tests.server import free_port
from tests.test_pwa_accessibility import app_screens, family_with_everything
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).with_name("lighthouse_snapshot.mjs")
LIGHTHOUSE_TIMEOUT = 120
SCREENS = ("accueil", "devoirs", "notes", "messages")  # the main screens; ~2.5 s each


async def start_lighthouse(port: int) -> asyncio.subprocess.Process:
    """The Node process, started first: it loads Lighthouse (seconds) while Chromium starts and pairs,
    then waits for the screens on its stdin (`lighthouse_reports`)."""
    reports = artifact("lighthouse")
    reports.mkdir(exist_ok=True)
    return await asyncio.create_subprocess_exec(
        "node", str(SNAPSHOTS), str(port), str(reports),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def lighthouse_reports(process: asyncio.subprocess.Process, screens: list[dict]) -> None:
    """Lighthouse's JSON report of each screen, in test-artifacts/lighthouse/<name>.json."""
    _, stderr = await asyncio.wait_for(process.communicate(json.dumps(screens).encode()), LIGHTHOUSE_TIMEOUT)
    assert process.returncode == 0, stderr.decode()[-2000:]


def accessibility(name: str) -> tuple[float, list[str]]:
    """A report's accessibility score (0-100) and the weighted audits that did not pass."""
    result = json.loads(artifact(f"lighthouse/{name}.json").read_text())
    category = result["categories"]["accessibility"]
    failing = [ref["id"] for ref in category["auditRefs"]
               if ref["weight"] and (result["audits"][ref["id"]]["score"] or 0) < 1]  # fmt: skip
    return category["score"] * 100, failing


async def test_lighthouse_accessibility_is_at_least_95_on_the_main_screens(live_server, tmp_path):
    if chromium_path() is None or not (ROOT / "node_modules" / "lighthouse").exists() or not shutil.which("node"):
        if os.environ.get("CI") == "true":
            pytest.fail("Lighthouse, Node and Chromium must run under CI (npm ci; apt-get install chromium).")
        pytest.skip("No Lighthouse (npm ci), Node or Chromium here.")
    from playwright.async_api import async_playwright

    family, _, discussion = await family_with_everything()
    drawn = await app_screens(discussion)  # what each screen shows once drawn with the family's data
    screens = [{"name": f"pwa-{screen}", "url": f"{live_server}/#/{screen}", "text": drawn[screen]}
               for screen in SCREENS]  # fmt: skip
    port = free_port()
    lighthouse = await start_lighthouse(port)
    try:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                tmp_path / "profile", executable_path=chromium_path(), headless=True, locale="fr-FR",
                args=[*CHROMIUM_ARGS, f"--remote-debugging-port={port}"], viewport={"width": 360, "height": 740},
            )  # fmt: skip
            try:
                page = context.pages[0] if context.pages else await context.new_page()
                parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
                child = "([p, c]) => localStorage.setItem(`cartable.child.${p}`, c)"
                await page.evaluate(child, [parent_id, str(family.student.id)])
                await lighthouse_reports(lighthouse, screens)
            finally:
                await context.close()
    finally:
        if lighthouse.returncode is None:  # failed or timed out before Lighthouse was done
            lighthouse.kill()
            await lighthouse.wait()
    scores = {screen: accessibility(f"pwa-{screen}") for screen in SCREENS}
    assert {screen: score for screen, score in scores.items() if score[0] < 95} == {}, scores
